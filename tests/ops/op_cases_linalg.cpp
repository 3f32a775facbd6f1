// Op table: matrix products. The PyTorch side of every case is in
// scripts/gen_reference/ops_linalg.py, under the same case name.
#include "ops/op_case.h"

namespace ember::test {

namespace {

using In = const std::vector<Tensor>&;

OpCase single(std::string name, std::string op, std::vector<InputSpec> inputs,
              std::function<Tensor(In)> f) {
  return {.name = std::move(name),
          .op = std::move(op),
          .inputs = std::move(inputs),
          .fn = one(std::move(f))};
}

void bmm_matmul(std::vector<OpCase>& c) {
  auto mm = [](In in) { return matmul(in[0], in[1]); };
  c.push_back(single("bmm_basic", "bmm", {uniform({3, 4, 5}), uniform({3, 5, 2})},
                     [](In in) { return bmm(in[0], in[1]); }));
  c.push_back(single("bmm_odd_sizes", "bmm", {uniform({2, 7, 3}), uniform({2, 3, 5})},
                     [](In in) { return bmm(in[0], in[1]); }));
  c.push_back(single("bmm_transposed_operands", "bmm", {uniform({2, 5, 3}), uniform({2, 4, 5})},
                     [](In in) { return bmm(in[0].transpose(1, 2), in[1].transpose(1, 2)); }));
  c.push_back(single("bmm_empty_batch", "bmm", {uniform({0, 3, 4}), uniform({0, 4, 2})},
                     [](In in) { return bmm(in[0], in[1]); }));
  c.push_back(single("bmm_empty_inner", "bmm", {uniform({2, 3, 0}), uniform({2, 0, 4})},
                     [](In in) { return bmm(in[0], in[1]); }));

  c.push_back(single("matmul_dot", "matmul", {uniform({5}), uniform({5})}, mm));
  c.push_back(single("matmul_matrix_vector", "matmul", {uniform({3, 5}), uniform({5})}, mm));
  c.push_back(single("matmul_vector_matrix", "matmul", {uniform({5}), uniform({5, 4})}, mm));
  c.push_back(single("matmul_matrix_matrix", "matmul", {uniform({3, 5}), uniform({5, 4})}, mm));
  c.push_back(single("matmul_batched_matrix", "matmul", {uniform({2, 3, 5}), uniform({5, 4})}, mm));
  c.push_back(single("matmul_matrix_batched", "matmul", {uniform({3, 5}), uniform({2, 5, 4})}, mm));
  c.push_back(single("matmul_broadcast_batches", "matmul",
                     {uniform({2, 1, 3, 4}), uniform({3, 4, 2})}, mm));
  c.push_back(single("matmul_vector_batched", "matmul", {uniform({4}), uniform({2, 4, 3})}, mm));
  c.push_back(single("matmul_batched_vector", "matmul", {uniform({2, 3, 4}), uniform({4})}, mm));
  c.push_back(single("matmul_transposed", "matmul", {uniform({5, 3}), uniform({4, 5})},
                     [](In in) { return matmul(in[0].t(), in[1].t()); }));
  c.push_back(single("matmul_empty_rows", "matmul", {uniform({0, 3}), uniform({3, 4})}, mm));
  // 17 columns leave a partial micro-panel in the fast GEMMs (8, 16 or 48 columns wide).
  c.push_back(single("matmul_panel_edges", "matmul", {uniform({5, 6}), uniform({6, 17})}, mm));
}

void linear_addmm_outer(std::vector<OpCase>& c) {
  c.push_back(single("linear_bias", "linear", {uniform({4, 5}), uniform({3, 5}), uniform({3})},
                     [](In in) { return linear(in[0], in[1], in[2]); }));
  c.push_back(single("linear_no_bias_batched", "linear", {uniform({2, 3, 5}), uniform({4, 5})},
                     [](In in) { return linear(in[0], in[1]); }));
  c.push_back(single("linear_vector_input", "linear", {uniform({5}), uniform({3, 5}), uniform({3})},
                     [](In in) { return linear(in[0], in[1], in[2]); }));

  c.push_back(single("addmm_default", "addmm", {uniform({3, 4}), uniform({3, 5}), uniform({5, 4})},
                     [](In in) { return addmm(in[0], in[1], in[2]); }));
  c.push_back(single("addmm_beta_alpha_broadcast", "addmm",
                     {uniform({4}), uniform({3, 5}), uniform({5, 4})},
                     [](In in) { return addmm(in[0], in[1], in[2], 0.5, 2.0); }));
  c.push_back(single("addmm_beta_zero", "addmm",
                     {uniform({3, 1}), uniform({3, 2}), uniform({2, 4})},
                     [](In in) { return addmm(in[0], in[1], in[2], 0.0, -1.5); }));

  c.push_back(single("outer_basic", "outer", {uniform({4}), uniform({3})},
                     [](In in) { return outer(in[0], in[1]); }));
  c.push_back(single("outer_empty", "outer", {uniform({0}), uniform({3})},
                     [](In in) { return outer(in[0], in[1]); }));
}

void einsum_cases(std::vector<OpCase>& c) {
  auto es = [](std::string eq) {
    return [eq](In in) { return einsum(eq, std::vector<Tensor>(in.begin(), in.end())); };
  };
  c.push_back(
      single("einsum_matmul", "einsum", {uniform({3, 4}), uniform({4, 5})}, es("ij,jk->ik")));
  c.push_back(
      single("einsum_implicit_matmul", "einsum", {uniform({3, 4}), uniform({4, 5})}, es("ij,jk")));
  c.push_back(single("einsum_batched", "einsum", {uniform({2, 3, 4}), uniform({2, 4, 5})},
                     es("bij,bjk->bik")));
  c.push_back(single("einsum_transposed_output", "einsum", {uniform({2, 3, 4}), uniform({2, 4, 5})},
                     es("bij,bjk->kbi")));
  c.push_back(single("einsum_trace", "einsum", {uniform({4, 4})}, es("ii")));
  c.push_back(single("einsum_diagonal", "einsum", {uniform({4, 4})}, es("ii->i")));
  c.push_back(single("einsum_transpose", "einsum", {uniform({3, 5})}, es("ij->ji")));
  c.push_back(single("einsum_sum_dims", "einsum", {uniform({2, 3, 4})}, es("ijk->j")));
  c.push_back(single("einsum_outer", "einsum", {uniform({3}), uniform({4})}, es("i,j->ij")));
  c.push_back(single("einsum_dot", "einsum", {uniform({5}), uniform({5})}, es("i,i->")));
  c.push_back(single("einsum_two_contracted", "einsum", {uniform({2, 3, 4}), uniform({3, 4, 5})},
                     es("ijk,jkl->il")));
  c.push_back(single("einsum_diagonal_then_contract", "einsum", {uniform({3, 3}), uniform({3, 4})},
                     es("ii,ij->j")));
  c.push_back(
      single("einsum_upper_case", "einsum", {uniform({3, 4}), uniform({4, 2})}, es("aB,Bc")));
  c.push_back(single("einsum_ellipsis_broadcast", "einsum",
                     {uniform({2, 1, 3, 4}), uniform({3, 4, 2})}, es("...ij,...jk->...ik")));
  c.push_back(single("einsum_implicit_ellipsis", "einsum", {uniform({2, 3, 4})}, es("...ji")));
  c.push_back(single("einsum_bilinear", "einsum",
                     {uniform({2, 3}), uniform({4, 3, 5}), uniform({2, 5})}, es("bn,anm,bm->ba")));
}

}  // namespace

std::vector<OpCase> linalg_cases() {
  std::vector<OpCase> c;
  bmm_matmul(c);
  linear_addmm_outer(c);
  einsum_cases(c);
  return c;
}

}  // namespace ember::test
