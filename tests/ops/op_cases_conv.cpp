// Op table: convolution, pooling and interpolation.
#include "ops/op_case.h"

namespace ember::test {

std::vector<OpCase> conv_cases() { return {}; }

}  // namespace ember::test
