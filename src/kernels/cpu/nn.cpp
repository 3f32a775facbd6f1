// Fast kernels: nn ops.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

void register_nn() {}

}  // namespace ember::cpu
