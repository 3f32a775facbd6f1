// Op table: shape ops.
#include "ops/op_case.h"

namespace ember::test {

std::vector<OpCase> shape_cases() { return {}; }

}  // namespace ember::test
