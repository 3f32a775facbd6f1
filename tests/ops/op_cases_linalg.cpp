// Op table: linalg ops.
#include "ops/op_case.h"

namespace ember::test {

std::vector<OpCase> linalg_cases() { return {}; }

}  // namespace ember::test
