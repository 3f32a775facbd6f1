// Op table: loss ops.
#include "ops/op_case.h"

namespace ember::test {

std::vector<OpCase> loss_cases() { return {}; }

}  // namespace ember::test
