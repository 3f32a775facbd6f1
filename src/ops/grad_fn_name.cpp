// The printable name of a tensor's grad_fn, for core's printer (src/core/print.cpp).
//
// print.cpp cannot include autograd/node.h (layers depend only downward), so it declares
// this function and the op layer, which sees autograd::Node, defines it.
#include <cctype>
#include <string>

#include "ember/autograd/node.h"

namespace ember::detail {

// "mul" -> "MulBackward", "index_select" -> "IndexSelectBackward" (torch's style, without
// its version digit).
std::string grad_fn_name(const Tensor& t) {
  const auto& fn = t.grad_fn();
  if (!fn) return "none";
  std::string out;
  bool upper = true;
  for (char c : fn->name) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out + "Backward";
}

}  // namespace ember::detail
