// Reference kernels: nn ops.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

void register_nn() {}

}  // namespace ember::ref
