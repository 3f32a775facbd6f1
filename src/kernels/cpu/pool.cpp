// Fast kernels: pool.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::cpu {

void register_pool() {}

}  // namespace ember::cpu
