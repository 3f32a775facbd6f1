// Prints the op table's cases as JSON (name, op, input specs, fixture flag) for
// scripts/gen_reference/ops.py, which makes inputs to these specs and records PyTorch's
// outputs and gradients. Keeping the specs in one place (the C++ table) means the two
// sides cannot disagree about shapes or ranges.
#include <iostream>
#include <nlohmann/json.hpp>

#include "ops/op_case.h"

int main() {
  using nlohmann::json;
  json cases = json::array();
  for (const auto& c : ember::test::all_op_cases()) {
    if (!c.fixture) continue;
    json inputs = json::array();
    for (const auto& s : c.inputs) {
      const char* kind = s.kind == ember::test::InputSpec::Kind::uniform   ? "uniform"
                         : s.kind == ember::test::InputSpec::Kind::integer ? "integer"
                                                                           : "boolean";
      inputs.push_back({{"shape", s.shape},
                        {"kind", kind},
                        {"low", s.low},
                        {"high", s.high},
                        {"min_abs", s.min_abs},
                        {"requires_grad", s.requires_grad}});
    }
    cases.push_back({{"name", c.name}, {"op", c.op}, {"inputs", inputs}});
  }
  std::cout << cases.dump(1) << "\n";
  return 0;
}
