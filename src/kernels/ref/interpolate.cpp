// Reference kernels: interpolate.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

void register_interpolate() {}

}  // namespace ember::ref
