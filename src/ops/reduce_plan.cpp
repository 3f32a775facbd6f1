// plan_reduce: maps any set of reduced dims onto the kernels' (outer, reduce, inner) layout.
#include "ops/reduce_plan.h"

#include <algorithm>

#include "ember/ops/shape.h"

namespace ember {

ReducePlan plan_reduce(const Tensor& x, const Shape& dims, bool keepdim, const char* op) {
  ReducePlan p;
  int64_t nd = x.dim();
  std::vector<bool> reduced(static_cast<size_t>(nd), dims.empty());
  for (int64_t d : dims) {
    int64_t n = normalize_dim(d, nd, op);
    if (nd == 0) continue;
    EMBER_CHECK(!reduced[n] || dims.empty(), op, ": dim ", d, " appears more than once in ",
                shape_str(dims));
    reduced[n] = true;
  }
  for (int64_t d = 0; d < nd; ++d) {
    if (reduced[d]) p.dims.push_back(d);
    p.keepdim_shape.push_back(reduced[d] ? 1 : x.size(d));
    if (!reduced[d] || keepdim) p.out_shape.push_back(reduced[d] ? 1 : x.size(d));
  }
  if (p.dims.empty()) {  // 0-d input, or nothing to reduce
    p.input = x.contiguous();
    p.geometry = {x.numel(), 1, 1};
    if (nd == 0) p.geometry = {1, 1, 1};
    return p;
  }
  bool block = p.dims.back() - p.dims.front() + 1 == static_cast<int64_t>(p.dims.size());
  if (block && x.is_contiguous()) {
    int64_t outer = 1, red = 1, inner = 1;
    for (int64_t d = 0; d < nd; ++d) {
      if (d < p.dims.front()) outer *= x.size(d);
      else if (d <= p.dims.back()) red *= x.size(d);
      else inner *= x.size(d);
    }
    p.input = x;
    p.geometry = {outer, red, inner};
    return p;
  }
  Shape order;
  int64_t outer = 1, red = 1;
  for (int64_t d = 0; d < nd; ++d) {
    if (!reduced[d]) {
      order.push_back(d);
      outer *= x.size(d);
    }
  }
  for (int64_t d : p.dims) {
    order.push_back(d);
    red *= x.size(d);
  }
  p.input = x.permute(order).contiguous();
  p.geometry = {outer, red, 1};
  return p;
}

}  // namespace ember
