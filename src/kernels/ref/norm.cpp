// Reference kernels: norm.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

void register_norm() {}

}  // namespace ember::ref
