// Reference kernels: pool.
#include "kernels/kernels.h"
#include "kernels/register.h"

namespace ember::ref {

void register_pool() {}

}  // namespace ember::ref
