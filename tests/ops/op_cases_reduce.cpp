// Op table: reduce ops.
#include "ops/op_case.h"

namespace ember::test {

std::vector<OpCase> reduce_cases() { return {}; }

}  // namespace ember::test
