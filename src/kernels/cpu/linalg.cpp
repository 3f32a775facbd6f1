// Fast kernels: linalg.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

void register_linalg() {}

}  // namespace ember::cpu
