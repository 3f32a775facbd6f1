// The entries of ops.def as data, for the coverage test and the op table.
#pragma once

#include <string>
#include <vector>

namespace ember::test {

enum class GradKind { Diff, NonDiff, Backward };

struct OpEntry {
  std::string name;
  bool has_kernel;
  GradKind grad;
};

inline const std::vector<OpEntry>& op_list() {
  static const std::vector<OpEntry> list = {
#define EMBER_KERNEL_OP(name, sig, grad) {#name, true, GradKind::grad},
#define EMBER_COMPOSITE_OP(name, grad) {#name, false, GradKind::grad},
#include "ember/core/ops.def"
  };
  return list;
}

inline bool is_differentiable(const std::string& op) {
  for (const auto& e : op_list()) {
    if (e.name == op) return e.grad == GradKind::Diff;
  }
  return false;
}

}  // namespace ember::test
