// Fills the kernel tables with the cpu kernels, family by family.
#include "kernels/register.h"

namespace ember::cpu {

void register_kernels() {
  register_elementwise();
  register_activation();
  register_reduce();
  register_linalg();
  register_shape();
  register_nn();
}

}  // namespace ember::cpu
