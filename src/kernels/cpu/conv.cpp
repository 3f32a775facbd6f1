// Fast kernels: conv.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

void register_conv() {}

}  // namespace ember::cpu
