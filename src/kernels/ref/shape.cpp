// Reference kernels: shape ops.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

void register_shape() {}

}  // namespace ember::ref
