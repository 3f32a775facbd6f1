// Op table: reductions, scans and softmax. The PyTorch side of every case is in
// scripts/gen_reference/ops_reduce.py, under the same case name.
#include <limits>

#include "ops/op_case.h"

namespace ember::test {

namespace {

using In = const std::vector<Tensor>&;

constexpr double kInf = std::numeric_limits<double>::infinity();

// A case with one output.
OpCase single(std::string name, std::string op, std::vector<InputSpec> inputs,
              std::function<Tensor(In)> f) {
  return {.name = std::move(name),
          .op = std::move(op),
          .inputs = std::move(inputs),
          .fn = one(std::move(f))};
}

// A case returning max/min's values and indices.
OpCase pair(std::string name, std::string op, std::vector<InputSpec> inputs,
            std::function<ValuesIndices(In)> f) {
  return {
      .name = std::move(name), .op = std::move(op), .inputs = std::move(inputs), .fn = [f](In in) {
        ValuesIndices r = f(in);
        return std::vector<Tensor>{r.values, r.indices};
      }};
}

void sum_and_mean(std::vector<OpCase>& c) {
  c.push_back(single("sum_all_3x5", "sum", {uniform({3, 5})}, [](In in) { return sum(in[0]); }));
  c.push_back(single("sum_dim1_keepdim", "sum", {uniform({2, 3, 5})},
                     [](In in) { return sum(in[0], {1}, {.keepdim = true}); }));
  c.push_back(single("sum_nonadjacent_dims", "sum", {uniform({3, 4, 5})}, [](In in) {
    return sum(in[0], {0, 2});
  }));
  c.push_back(single("sum_negative_dims", "sum", {uniform({2, 3, 4})}, [](In in) {
    return sum(in[0], {-1, -3});
  }));
  c.push_back(single("sum_size1_dims_keepdim", "sum", {uniform({1, 5, 1})}, [](In in) {
    return sum(in[0], {0, 2}, {.keepdim = true});
  }));
  c.push_back(
      single("sum_empty_dim", "sum", {uniform({0, 3})}, [](In in) { return sum(in[0], {0}); }));
  c.push_back(single("sum_scalar", "sum", {uniform({})}, [](In in) { return sum(in[0]); }));
  c.push_back(
      single("sum_int", "sum", {integers({3, 4}, -5, 5)}, [](In in) { return sum(in[0], {1}); }));

  c.push_back(single("mean_all_3x5", "mean", {uniform({3, 5})}, [](In in) { return mean(in[0]); }));
  c.push_back(single("mean_nonadjacent_keepdim", "mean", {uniform({2, 3, 4})}, [](In in) {
    return mean(in[0], {0, 2}, {.keepdim = true});
  }));
  c.push_back(single("mean_negative_dim", "mean", {uniform({4, 3})},
                     [](In in) { return mean(in[0], {-1}); }));
  c.push_back(single("mean_scalar", "mean", {uniform({})}, [](In in) { return mean(in[0]); }));
}

void prod_var_std(std::vector<OpCase>& c) {
  // Factors in [0.5, 1.5] keep products of many elements well scaled.
  c.push_back(single("prod_all_2x3x4", "prod", {uniform({2, 3, 4}, 0.5, 1.5)},
                     [](In in) { return prod(in[0]); }));
  c.push_back(
      single("prod_dim1", "prod", {uniform({3, 4, 5})}, [](In in) { return prod(in[0], 1); }));
  c.push_back(single("prod_negative_dim_keepdim", "prod", {uniform({3, 5})},
                     [](In in) { return prod(in[0], -1, {.keepdim = true}); }));
  c.push_back(single("prod_scalar", "prod", {uniform({})}, [](In in) { return prod(in[0]); }));
  c.push_back(
      single("prod_empty_dim", "prod", {uniform({3, 0})}, [](In in) { return prod(in[0], 1); }));
  c.push_back(
      single("prod_int", "prod", {integers({3, 4}, -3, 4)}, [](In in) { return prod(in[0], 0); }));
  // Exact zeros (where the mask is 0) that still carry x's gradient: rows with none, one
  // and several zeros exercise every branch of Note [prod backward]. Finite differences
  // cannot see through detach(), so only the fixture (PyTorch's autograd) checks them.
  for (int64_t dim : {0, 1}) {
    OpCase z = single("prod_with_zeros_dim" + std::to_string(dim), "prod",
                      {uniform({6, 5}), integers({6, 5}, 0, 4)}, [dim](In in) {
                        Tensor x = where(in[1] == 0, in[0] - in[0].detach(), in[0]);
                        return prod(x, dim);
                      });
    z.gradcheck = false;
    c.push_back(z);
  }
  c.push_back(single("prod_with_zeros_all", "prod", {uniform({2, 3}), integers({2, 3}, 0, 3)},
                     [](In in) { return prod(where(in[1] == 0, in[0] - in[0].detach(), in[0])); }));
  c.back().gradcheck = false;

  c.push_back(single("var_all_3x5", "var", {uniform({3, 5})}, [](In in) { return var(in[0]); }));
  c.push_back(single("var_nonadjacent_keepdim_biased", "var", {uniform({2, 3, 4})}, [](In in) {
    return var(in[0], {0, 2}, {.correction = 0, .keepdim = true});
  }));
  c.push_back(single("var_negative_dim", "var", {uniform({4, 5, 3})},
                     [](In in) { return var(in[0], {-2}); }));
  c.push_back(single("var_size1_biased", "var", {uniform({1, 5})},
                     [](In in) { return var(in[0], {0}, {.correction = 0}); }));

  c.push_back(single("std_all_3x5", "std", {uniform({3, 5})}, [](In in) { return std(in[0]); }));
  c.push_back(single("std_dim_keepdim", "std", {uniform({3, 4})},
                     [](In in) { return std(in[0], {1}, {.keepdim = true}); }));
  c.push_back(single("std_biased_dims", "std", {uniform({2, 3, 4})}, [](In in) {
    return std(in[0], {0, 1}, {.correction = 0});
  }));
}

void max_min_arg(std::vector<OpCase>& c) {
  for (bool is_max : {true, false}) {
    std::string op = is_max ? "max" : "min";
    auto all = [is_max](const Tensor& x) { return is_max ? max(x) : min(x); };
    auto along = [is_max](const Tensor& x, int64_t d, bool k) {
      return is_max ? max(x, d, {.keepdim = k}) : min(x, d, {.keepdim = k});
    };
    c.push_back(
        single(op + "_all_3x5", op, {uniform({3, 5})}, [all](In in) { return all(in[0]); }));
    c.push_back(pair(op + "_dim1", op, {uniform({3, 4, 5})},
                     [along](In in) { return along(in[0], 1, false); }));
    c.push_back(pair(op + "_negative_dim_keepdim", op, {uniform({2, 3, 5})},
                     [along](In in) { return along(in[0], -1, true); }));
    c.push_back(pair(op + "_dim_scalar", op, {uniform({})},
                     [along](In in) { return along(in[0], 0, false); }));
    c.push_back(pair(op + "_other_dim_empty", op, {uniform({0, 4})},
                     [along](In in) { return along(in[0], 1, false); }));
    c.push_back(single(op + "_all_int", op, {integers({3, 4}, -50, 50)},
                       [all](In in) { return all(in[0]); }));

    std::string arg = is_max ? "argmax" : "argmin";
    auto arg_all = [is_max](const Tensor& x) { return is_max ? argmax(x) : argmin(x); };
    auto arg_dim = [is_max](const Tensor& x, int64_t d, bool k) {
      return is_max ? argmax(x, d, {.keepdim = k}) : argmin(x, d, {.keepdim = k});
    };
    c.push_back(single(arg + "_all_3x5", arg, {uniform({3, 5})},
                       [arg_all](In in) { return arg_all(in[0]); }));
    c.push_back(single(arg + "_dim1", arg, {uniform({3, 4, 5})},
                       [arg_dim](In in) { return arg_dim(in[0], 1, false); }));
    c.push_back(single(arg + "_negative_dim_keepdim", arg, {uniform({4, 3})},
                       [arg_dim](In in) { return arg_dim(in[0], -1, true); }));
  }
}

void logsumexp_norm(std::vector<OpCase>& c) {
  c.push_back(single("logsumexp_dim1", "logsumexp", {uniform({3, 5}, -3, 3)},
                     [](In in) { return logsumexp(in[0], {1}); }));
  c.push_back(
      single("logsumexp_nonadjacent_keepdim", "logsumexp", {uniform({2, 3, 4}, -3, 3)}, [](In in) {
        return logsumexp(in[0], {0, 2}, {.keepdim = true});
      }));
  // exp(x) overflows float32 and float64 here: only the shifted form gives finite values.
  c.push_back(single("logsumexp_large_values", "logsumexp", {uniform({3, 4}, 700, 800)},
                     [](In in) { return logsumexp(in[0], {-1}); }));
  c.push_back(single("logsumexp_scalar", "logsumexp", {uniform({})},
                     [](In in) { return logsumexp(in[0], {0}); }));

  c.push_back(single("norm_2_all", "norm", {uniform({3, 5})}, [](In in) { return norm(in[0]); }));
  c.push_back(single("norm_1_dim", "norm", {away_from_zero({3, 5})},
                     [](In in) { return norm(in[0], 1.0, {1}); }));
  c.push_back(single("norm_inf_dims_keepdim", "norm", {uniform({2, 3, 4})}, [](In in) {
    return norm(in[0], kInf, {0, 2}, {.keepdim = true});
  }));
  c.push_back(single("norm_neg_inf_dim", "norm", {away_from_zero({3, 4})},
                     [](In in) { return norm(in[0], -kInf, {0}); }));
  c.push_back(single("norm_3_negative_dim", "norm", {uniform({4, 5})},
                     [](In in) { return norm(in[0], 3.0, {-1}); }));
  c.push_back(single("norm_fractional_p", "norm", {away_from_zero({3, 4})},
                     [](In in) { return norm(in[0], 1.5, {1}); }));
  c.push_back(single("norm_0_counts_nonzeros", "norm", {uniform({3, 4})},
                     [](In in) { return norm(relu(in[0]), 0.0, {1}); }));
  c.back().gradcheck = false;  // piecewise constant
}

void cumsum_softmax(std::vector<OpCase>& c) {
  c.push_back(
      single("cumsum_dim0", "cumsum", {uniform({4, 3})}, [](In in) { return cumsum(in[0], 0); }));
  c.push_back(single("cumsum_middle_dim", "cumsum", {uniform({2, 5, 3})},
                     [](In in) { return cumsum(in[0], 1); }));
  c.push_back(single("cumsum_negative_dim", "cumsum", {uniform({2, 3, 5})},
                     [](In in) { return cumsum(in[0], -1); }));
  c.push_back(
      single("cumsum_scalar", "cumsum", {uniform({})}, [](In in) { return cumsum(in[0], 0); }));
  c.push_back(
      single("cumsum_empty", "cumsum", {uniform({0, 3})}, [](In in) { return cumsum(in[0], 0); }));
  c.push_back(single("cumsum_int", "cumsum", {integers({3, 4}, -5, 5)},
                     [](In in) { return cumsum(in[0], 1); }));

  for (bool is_log : {false, true}) {
    std::string op = is_log ? "log_softmax" : "softmax";
    auto f = [is_log](const Tensor& x, int64_t d) {
      return is_log ? log_softmax(x, d) : softmax(x, d);
    };
    c.push_back(single(op + "_last_dim", op, {uniform({3, 5}, -3, 3)},
                       [f](In in) { return f(in[0], -1); }));
    c.push_back(
        single(op + "_dim0", op, {uniform({4, 3}, -3, 3)}, [f](In in) { return f(in[0], 0); }));
    c.push_back(single(op + "_middle_dim", op, {uniform({2, 5, 3}, -3, 3)},
                       [f](In in) { return f(in[0], 1); }));
    // Logits far beyond exp()'s range: only the max-shifted form stays finite.
    c.push_back(single(op + "_large_logits", op, {uniform({3, 7}, -800, 800)},
                       [f](In in) { return f(in[0], 1); }));
    c.back().gradcheck = false;  // saturated: finite differences of 1e-6 see only rounding
    // Rows long enough for the fast kernel's vectorised loops and their tails (67 = 4 * 16 + 3).
    c.push_back(single(op + "_long_rows", op, {uniform({3, 67}, -20, 20)},
                       [f](In in) { return f(in[0], -1); }));
    c.back().fixture = false;  // a fast-kernel case: the shorter ones carry the fixtures
    c.push_back(single(op + "_scalar", op, {uniform({})}, [f](In in) { return f(in[0], 0); }));
    c.push_back(single(op + "_empty", op, {uniform({0, 4})}, [f](In in) { return f(in[0], 1); }));
  }
}

}  // namespace

std::vector<OpCase> reduce_cases() {
  std::vector<OpCase> c;
  sum_and_mean(c);
  prod_var_std(c);
  max_min_arg(c);
  logsumexp_norm(c);
  cumsum_softmax(c);
  return c;
}

}  // namespace ember::test
