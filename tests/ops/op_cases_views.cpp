// Op table: views. Gradients flow back through each view into the right elements.
#include "ops/op_case.h"

namespace ember::test {

std::vector<OpCase> view_cases() {
  using In = const std::vector<Tensor>&;
  std::vector<OpCase> c;
  // Views are followed by a multiply so that the output is not the input's own storage.
  // view needs view-compatible strides (non-contiguous inputs throw; reshape covers them).
  c.push_back({.name = "view_merge", .op = "view", .inputs = {uniform({2, 3, 4})},
               .fn = one([](In in) { return in[0].view({6, -1}) * 2; }),
               .non_contiguous = false});
  c.push_back({.name = "reshape_of_transpose", .op = "reshape", .inputs = {uniform({3, 4})},
               .fn = one([](In in) { return in[0].t().reshape({2, 6}) * 2; })});
  c.push_back({.name = "permute_3d", .op = "permute", .inputs = {uniform({2, 3, 5})},
               .fn = one([](In in) { return in[0].permute({2, 0, 1}) * 2; })});
  c.push_back({.name = "transpose_neg_dims", .op = "transpose", .inputs = {uniform({2, 3, 5})},
               .fn = one([](In in) { return in[0].transpose(-1, 0) * 2; })});
  c.push_back({.name = "narrow_middle", .op = "narrow", .inputs = {uniform({4, 7})},
               .fn = one([](In in) { return in[0].narrow(1, 2, 3) * 2; })});
  c.push_back({.name = "slice_step", .op = "slice", .inputs = {uniform({9, 3})},
               .fn = one([](In in) { return in[0].slice(0, 1, -1, 3) * 2; })});
  c.push_back({.name = "select_negative", .op = "select", .inputs = {uniform({3, 4, 2})},
               .fn = one([](In in) { return in[0].select(1, -1) * 2; })});
  c.push_back({.name = "index_mixed", .op = "index", .inputs = {uniform({4, 5, 3})},
               .fn = one([](In in) {
                 return in[0].index({Slice{1, std::nullopt, 2}, NewAxis{}, Ellipsis{}, 1}) * 2;
               })});
  c.push_back({.name = "expand_broadcast", .op = "expand", .inputs = {uniform({3, 1})},
               .fn = one([](In in) { return in[0].expand({2, 3, 4}) * 2; })});
  c.push_back({.name = "squeeze_all", .op = "squeeze", .inputs = {uniform({1, 3, 1, 2})},
               .fn = one([](In in) { return in[0].squeeze() * 2; })});
  c.push_back({.name = "unsqueeze_last", .op = "unsqueeze", .inputs = {uniform({3, 2})},
               .fn = one([](In in) { return in[0].unsqueeze(-1) * 2; })});
  c.push_back({.name = "flatten_middle", .op = "flatten", .inputs = {uniform({2, 3, 4, 2})},
               .fn = one([](In in) { return in[0].flatten(1, 2) * 2; })});
  c.push_back({.name = "unflatten_last", .op = "unflatten", .inputs = {uniform({3, 8})},
               .fn = one([](In in) { return in[0].unflatten(1, {2, -1}) * 2; })});
  c.push_back({.name = "diagonal_offset", .op = "diagonal", .inputs = {uniform({4, 5})},
               .fn = one([](In in) { return in[0].diagonal(1) * 2; })});
  c.push_back({.name = "diagonal_batched", .op = "diagonal", .inputs = {uniform({2, 3, 3})},
               .fn = one([](In in) { return in[0].diagonal(-1, 1, 2) * 2; })});
  return c;
}

}  // namespace ember::test
