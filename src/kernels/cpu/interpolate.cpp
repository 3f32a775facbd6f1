// Fast kernels: interpolate.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

void register_interpolate() {}

}  // namespace ember::cpu
