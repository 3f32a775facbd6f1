// Reference kernels: conv.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

void register_conv() {}

}  // namespace ember::ref
