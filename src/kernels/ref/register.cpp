// Fills the kernel tables with the ref kernels, family by family.
#include "kernels/register.h"

namespace ember::ref {

void register_kernels() {
  register_elementwise();
  register_reduce();
  register_linalg();
  register_shape();
  register_nn();
}

}  // namespace ember::ref
