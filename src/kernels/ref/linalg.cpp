// Reference kernels: linalg.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

void register_linalg() {}

}  // namespace ember::ref
