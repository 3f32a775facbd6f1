// Op table: shape and indexing ops (PyTorch side: scripts/gen_reference/ops_shape.py).
//
// Index inputs are random integers, so index_select, gather, scatter_add and embedding see
// repeated indices. scatter with repeated targets is nondeterministic in PyTorch, so its
// index has size 1 along the scatter dim: every target is written once.
#include "ops/op_case.h"

namespace ember::test {

namespace {

using In = const std::vector<Tensor>&;

// Multi-output views (split, chunk) are scaled so that outputs do not share the input's
// storage, as in op_cases_views.cpp.
std::vector<Tensor> times_two(const std::vector<Tensor>& pieces) {
  std::vector<Tensor> out;
  for (const auto& p : pieces) out.push_back(p * 2);
  return out;
}

void add_joining(std::vector<OpCase>& c) {
  c.push_back({.name = "cat_dim1", .op = "cat",
               .inputs = {uniform({2, 3, 2}), uniform({2, 1, 2}), uniform({2, 4, 2})},
               .fn = one([](In in) { return cat({in[0], in[1], in[2]}, 1); })});
  c.push_back({.name = "cat_neg_dim", .op = "cat", .inputs = {uniform({3, 2}), uniform({3, 5})},
               .fn = one([](In in) { return cat({in[0], in[1]}, -1); })});
  // 1-d empty tensors are skipped whatever the others' shape; a (0, 3) one takes part.
  c.push_back({.name = "cat_empty", .op = "cat",
               .inputs = {uniform({0}), uniform({2, 3}), uniform({0, 3}), uniform({1, 3})},
               .fn = one([](In in) { return cat({in[0], in[1], in[2], in[3]}, 0); })});
  c.push_back({.name = "cat_single", .op = "cat", .inputs = {uniform({1, 4})},
               .fn = one([](In in) { return cat({in[0]}, 0); })});
  c.push_back({.name = "cat_promotes_int", .op = "cat",
               .inputs = {integers({2, 2}, -3, 4), uniform({2, 3})},
               .fn = one([](In in) { return cat({in[0], in[1]}, 1); })});

  c.push_back({.name = "stack_dim0", .op = "stack",
               .inputs = {uniform({2, 3}), uniform({2, 3}), uniform({2, 3})},
               .fn = one([](In in) { return stack({in[0], in[1], in[2]}, 0); })});
  c.push_back({.name = "stack_last", .op = "stack",
               .inputs = {uniform({3, 1, 2}), uniform({3, 1, 2})},
               .fn = one([](In in) { return stack({in[0], in[1]}, -1); })});
  // 0-d inputs are made inside the case: fixture files store 0-d tensors as shape [1].
  c.push_back({.name = "stack_scalars", .op = "stack", .inputs = {uniform({1}), uniform({1})},
               .fn = one([](In in) { return stack({in[0].reshape({}), in[1].reshape({})}); })});

  c.push_back({.name = "split_size", .op = "split", .inputs = {uniform({7, 3})},
               .fn = [](In in) { return times_two(split(in[0], 3, 0)); }});
  c.push_back({.name = "split_sizes_neg_dim", .op = "split", .inputs = {uniform({2, 6})},
               .fn = [](In in) { return times_two(split(in[0], Shape{1, 0, 5}, -1)); }});
  c.push_back({.name = "chunk_uneven", .op = "chunk", .inputs = {uniform({2, 7})},
               .fn = [](In in) { return times_two(chunk(in[0], 4, 1)); }});
  c.push_back({.name = "chunk_fewer", .op = "chunk", .inputs = {uniform({6, 2})},
               .fn = [](In in) { return times_two(chunk(in[0], 4, 0)); }});
  c.push_back({.name = "chunk_empty", .op = "chunk", .inputs = {uniform({0, 3})},
               .fn = [](In in) { return times_two(chunk(in[0], 3, 0)); }});
}

void add_indexing(std::vector<OpCase>& c) {
  c.push_back({.name = "index_select_repeated", .op = "index_select",
               .inputs = {uniform({5, 3}), integers({7}, 0, 5)},
               .fn = one([](In in) { return index_select(in[0], 0, in[1]); })});
  c.push_back({.name = "index_select_dim1", .op = "index_select",
               .inputs = {uniform({2, 4, 3}), integers({5}, 0, 4)},
               .fn = one([](In in) { return index_select(in[0], 1, in[1]); })});
  c.push_back({.name = "index_select_last", .op = "index_select",
               .inputs = {uniform({3, 5}), integers({1}, 0, 5)},
               .fn = one([](In in) { return index_select(in[0], -1, in[1]); })});
  c.push_back({.name = "index_select_empty_index", .op = "index_select",
               .inputs = {uniform({4, 3}), integers({0}, 0, 4)},
               .fn = one([](In in) { return index_select(in[0], 0, in[1]); })});
  c.push_back({.name = "index_add_repeated", .op = "index_add",
               .inputs = {uniform({5, 3}), integers({6}, 0, 5), uniform({6, 3})},
               .fn = one([](In in) { return index_add(in[0], 0, in[1], in[2]); })});

  c.push_back({.name = "gather_dim0", .op = "gather",
               .inputs = {uniform({4, 3}), integers({5, 3}, 0, 4)},
               .fn = one([](In in) { return gather(in[0], 0, in[1]); })});
  c.push_back({.name = "gather_dim1_smaller_index", .op = "gather",
               .inputs = {uniform({3, 5, 2}), integers({2, 4, 2}, 0, 5)},
               .fn = one([](In in) { return gather(in[0], 1, in[1]); })});
  c.push_back({.name = "gather_neg_dim", .op = "gather",
               .inputs = {uniform({2, 3}), integers({2, 6}, 0, 3)},
               .fn = one([](In in) { return gather(in[0], -1, in[1]); })});

  // src larger than index: only its index-shaped corner is read (and gets gradient).
  c.push_back({.name = "scatter_dim0_src_larger", .op = "scatter",
               .inputs = {uniform({4, 5}), integers({1, 5}, 0, 4), uniform({2, 5})},
               .fn = one([](In in) { return scatter(in[0], 0, in[1], in[2]); })});
  c.push_back({.name = "scatter_dim1_partial_rows", .op = "scatter",
               .inputs = {uniform({3, 6}), integers({2, 1}, 0, 6), uniform({2, 1})},
               .fn = one([](In in) { return scatter(in[0], -1, in[1], in[2]); })});
  c.push_back({.name = "scatter_value", .op = "scatter",
               .inputs = {uniform({3, 4}), integers({3, 1}, 0, 4)},
               .fn = one([](In in) { return scatter(in[0], 1, in[1], 0.5); })});
  c.push_back({.name = "scatter_add_dim0", .op = "scatter_add",
               .inputs = {uniform({3, 4}), integers({5, 4}, 0, 3), uniform({5, 4})},
               .fn = one([](In in) { return scatter_add(in[0], 0, in[1], in[2]); })});
  c.push_back({.name = "scatter_add_dim1_src_larger", .op = "scatter_add",
               .inputs = {uniform({2, 5}), integers({2, 3}, 0, 5), uniform({3, 4})},
               .fn = one([](In in) { return scatter_add(in[0], 1, in[1], in[2]); })});

  c.push_back({.name = "masked_fill_broadcast", .op = "masked_fill",
               .inputs = {uniform({3, 4}), booleans({4})},
               .fn = one([](In in) { return masked_fill(in[0], in[1], -1.5); })});
  c.push_back({.name = "masked_fill_same_shape", .op = "masked_fill",
               .inputs = {uniform({2, 3, 2}), booleans({2, 3, 2})},
               .fn = one([](In in) { return masked_fill(in[0], in[1], 0.0); })});

  c.push_back({.name = "one_hot_infer", .op = "one_hot", .inputs = {integers({5}, 0, 4)},
               .fn = one([](In in) { return one_hot(in[0]); })});
  c.push_back({.name = "one_hot_given", .op = "one_hot", .inputs = {integers({2, 3}, 0, 3)},
               .fn = one([](In in) { return one_hot(in[0], 5); })});

  c.push_back({.name = "embedding_2d_indices", .op = "embedding",
               .inputs = {integers({2, 3}, 0, 6), uniform({6, 4})},
               .fn = one([](In in) { return embedding(in[0], in[1]); })});
  // The padding row's zero gradient is a rule, not the derivative: no gradcheck there (the
  // PyTorch fixture checks it).
  c.push_back({.name = "embedding_padding_idx", .op = "embedding",
               .inputs = {integers({3, 4}, 0, 3), uniform({3, 2})},
               .fn = one([](In in) { return embedding(in[0], in[1], 1); }),
               .gradcheck = false});
  c.push_back({.name = "embedding_int32_negative_padding", .op = "embedding",
               .inputs = {integers({5}, 0, 4), uniform({4, 3})},
               .fn = one([](In in) { return embedding(in[0].to(DType::int32), in[1], -1); }),
               .gradcheck = false});
}

void add_layout(std::vector<OpCase>& c) {
  c.push_back({.name = "tril_square", .op = "tril", .inputs = {uniform({4, 4})},
               .fn = one([](In in) { return tril(in[0]); })});
  c.push_back({.name = "tril_batched_offset", .op = "tril", .inputs = {uniform({2, 3, 5})},
               .fn = one([](In in) { return tril(in[0], 1); })});
  c.push_back({.name = "tril_tall_negative", .op = "tril", .inputs = {uniform({5, 3})},
               .fn = one([](In in) { return tril(in[0], -2); })});
  c.push_back({.name = "tril_empty", .op = "tril", .inputs = {uniform({2, 0, 3})},
               .fn = one([](In in) { return tril(in[0]); })});
  c.push_back({.name = "triu_square", .op = "triu", .inputs = {uniform({4, 4})},
               .fn = one([](In in) { return triu(in[0]); })});
  c.push_back({.name = "triu_batched_negative", .op = "triu", .inputs = {uniform({2, 4, 3})},
               .fn = one([](In in) { return triu(in[0], -1); })});
  c.push_back({.name = "triu_wide_offset", .op = "triu", .inputs = {uniform({3, 7})},
               .fn = one([](In in) { return triu(in[0], 2); })});

  c.push_back({.name = "repeat_2d", .op = "repeat", .inputs = {uniform({2, 3})},
               .fn = one([](In in) { return repeat(in[0], {2, 1}); })});
  c.push_back({.name = "repeat_new_dims", .op = "repeat", .inputs = {uniform({3})},
               .fn = one([](In in) { return repeat(in[0], {2, 1, 3}); })});
  c.push_back({.name = "repeat_zero", .op = "repeat", .inputs = {uniform({2, 2})},
               .fn = one([](In in) { return repeat(in[0], {0, 3}); })});
  c.push_back({.name = "repeat_ones", .op = "repeat", .inputs = {uniform({2, 3})},
               .fn = one([](In in) { return repeat(in[0], {1, 1}); })});

  c.push_back({.name = "pad_constant_last", .op = "pad", .inputs = {uniform({2, 5})},
               .fn = one([](In in) { return pad(in[0], {1, 2}, {.value = 0.5}); })});
  c.push_back({.name = "pad_constant_negative", .op = "pad", .inputs = {uniform({3, 6})},
               .fn = one([](In in) { return pad(in[0], {-1, 2, 1, -2}); })});
  c.push_back({.name = "pad_constant_3d", .op = "pad", .inputs = {uniform({2, 3, 2, 3})},
               .fn = one([](In in) { return pad(in[0], {1, 0, 0, 1, 2, 1}, {.value = -1}); })});
  c.push_back({.name = "pad_constant_zero", .op = "pad", .inputs = {uniform({3, 2})},
               .fn = one([](In in) { return pad(in[0], {0, 0}); })});
  c.push_back({.name = "pad_reflect_1d", .op = "pad", .inputs = {uniform({2, 3, 5})},
               .fn = one([](In in) { return pad(in[0], {2, 3}, {.mode = PadMode::reflect}); })});
  c.push_back({.name = "pad_reflect_2d", .op = "pad", .inputs = {uniform({1, 2, 4, 3})},
               .fn = one([](In in) {
                 return pad(in[0], {2, 1, 1, 3}, {.mode = PadMode::reflect});
               })});
  c.push_back({.name = "pad_reflect_3d", .op = "pad", .inputs = {uniform({1, 1, 3, 2, 4})},
               .fn = one([](In in) {
                 return pad(in[0], {1, 2, 1, 1, 2, 0}, {.mode = PadMode::reflect});
               })});

  c.push_back({.name = "roll_one_dim", .op = "roll", .inputs = {uniform({3, 5})},
               .fn = one([](In in) { return roll(in[0], {2}, {1}); })});
  c.push_back({.name = "roll_two_dims", .op = "roll", .inputs = {uniform({2, 3, 4})},
               .fn = one([](In in) { return roll(in[0], {-1, 5}, {0, -1}); })});
  c.push_back({.name = "roll_flattened", .op = "roll", .inputs = {uniform({3, 4})},
               .fn = one([](In in) { return roll(in[0], {5}); })});

  c.push_back({.name = "flip_last", .op = "flip", .inputs = {uniform({3, 5})},
               .fn = one([](In in) { return flip(in[0], {-1}); })});
  c.push_back({.name = "flip_two_dims", .op = "flip", .inputs = {uniform({2, 3, 4})},
               .fn = one([](In in) { return flip(in[0], {0, 2}); })});
  c.push_back({.name = "flip_empty", .op = "flip", .inputs = {uniform({0, 3})},
               .fn = one([](In in) { return flip(in[0], {1}); })});
}

}  // namespace

std::vector<OpCase> shape_cases() {
  std::vector<OpCase> c;
  add_joining(c);
  add_indexing(c);
  add_layout(c);
  return c;
}

}  // namespace ember::test
