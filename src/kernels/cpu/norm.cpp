// Fast kernels: norm.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

void register_norm() {}

}  // namespace ember::cpu
