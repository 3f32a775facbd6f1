// Op table: nn ops.
#include "ops/op_case.h"

namespace ember::test {

std::vector<OpCase> nn_cases() { return {}; }

}  // namespace ember::test
