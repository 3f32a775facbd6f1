// Registers the neural-network kernels, one function per file.
#include "kernels/register.h"

namespace ember::ref {

void register_nn() {
  register_norm();
  register_conv();
  register_pool();
  register_interpolate();
}

}  // namespace ember::ref
