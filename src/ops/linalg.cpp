// Front doors of the matrix products. Only bmm has a kernel and a backward rule: matmul,
// linear and addmm view, expand and reshape their operands into a bmm, so their gradients
// (the sums over broadcast batch dims included) come from bmm's rule and the views'.
// einsum lives in einsum.cpp; outer is a broadcast multiply.
#include "ember/ops/linalg.h"

#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"

namespace ember {

using autograd::Grads;

namespace {

void check_operands(const Tensor& a, const Tensor& b, const char* op) {
  EMBER_CHECK(a.defined() && b.defined(), op, ": expected defined tensors");
  EMBER_CHECK_DEVICE(a.device() == b.device(), op, ": expected both tensors on one device, got ",
                     a.device(), " and ", b.device());
  EMBER_CHECK_DTYPE(is_floating(a.dtype()) && is_floating(b.dtype()), op,
                    ": expected floating tensors, got ", a.dtype(), " and ", b.dtype());
}

std::string shapes_str(const Tensor& a, const Tensor& b) {
  return "a.shape=" + shape_str(a.sizes()) + ", b.shape=" + shape_str(b.sizes());
}

// True when the matrices of t (B, R, C) are stored column by column: t is a transposed view
// of a row-major tensor, as weight.t() in linear.
bool is_column_major(const Tensor& t) { return t.stride(1) == 1 && t.stride(2) == t.size(1); }

// a (B, M, K) @ b (B, K, N), shapes already checked. Mixed float dtypes promote; 16-bit
// floats compute in float32 (Note [16-bit compute] in elementwise.cpp).
Tensor bmm_checked(const Tensor& a, const Tensor& b) {
  DType result = promote_types(a.dtype(), b.dtype());
  DType compute = compute_dtype(result);
  Tensor out;
  {
    autograd::NoGradGuard no_grad;
    Tensor ca = a.to(compute);
    Tensor cb = b.to(compute);
    out = empty({a.size(0), a.size(1), b.size(2)}, {.dtype = compute, .device = a.device()});
    kernels::bmm.get(a.device())(ca, cb, out);
    out = out.to(result);
  }
  if (autograd::any_needs_grad({a, b})) {
    bool needs_a = autograd::needs_grad(a), needs_b = autograd::needs_grad(b);
    // Each input's gradient reads only the other input: keep just what is needed.
    Tensor sa = needs_b ? a : Tensor();
    Tensor sb = needs_a ? b : Tensor();
    autograd::record(
        "bmm", {a, b}, out,
        // Each gradient is computed in its input's layout (as PyTorch's mm backward): for a
        // column-major input, the transposed product, viewed back. linear's weight.t() then
        // gets a gradient whose transpose is contiguous, which becomes weight.grad without
        // a copy.
        [sa, sb, needs_a, needs_b, a_cols = is_column_major(a), b_cols = is_column_major(b),
         a_dtype = a.dtype(), b_dtype = b.dtype()](const Tensor& g) {
          Grads r(2);
          if (needs_a) {
            r[0] = a_cols ? bmm_checked(sb, g.transpose(1, 2)).transpose(1, 2)
                          : bmm_checked(g, sb.transpose(1, 2));
            r[0] = r[0].to(a_dtype);
          }
          if (needs_b) {
            r[1] = b_cols ? bmm_checked(g.transpose(1, 2), sa).transpose(1, 2)
                          : bmm_checked(sa.transpose(1, 2), g);
            r[1] = r[1].to(b_dtype);
          }
          return r;
        },
        {sa, sb});
  }
  return out;
}

// (..., M, K) @ (..., K, N) with at least 2 dims each and K checked: batch dims broadcast,
// and a 2-D b folds a's batch dims into M (one big product, no expanded copy of b).
Tensor matmul_batched(const Tensor& a, const Tensor& b) {
  const int64_t M = a.size(-2), K = a.size(-1), N = b.size(-1);
  if (b.dim() == 2) {
    Shape out_shape(a.sizes().begin(), a.sizes().end() - 1);
    int64_t rows = shape_numel(out_shape);
    out_shape.push_back(N);
    return bmm_checked(a.reshape({1, rows, K}), b.unsqueeze(0)).reshape(out_shape);
  }
  Shape a_batch(a.sizes().begin(), a.sizes().end() - 2);
  Shape b_batch(b.sizes().begin(), b.sizes().end() - 2);
  Shape batch = broadcast_shapes(a_batch, b_batch, "matmul");
  Shape a_shape = batch, b_shape = batch, out_shape = batch;
  a_shape.insert(a_shape.end(), {M, K});
  b_shape.insert(b_shape.end(), {K, N});
  out_shape.insert(out_shape.end(), {M, N});
  // Expanded batch dims have stride 0, which the kernel reads in place.
  const int64_t count = shape_numel(batch);
  Tensor a3 = a.expand(a_shape).reshape({count, M, K});
  Tensor b3 = b.expand(b_shape).reshape({count, K, N});
  return bmm_checked(a3, b3).reshape(out_shape);
}

}  // namespace

Tensor bmm(const Tensor& a, const Tensor& b) {
  check_operands(a, b, "bmm");
  EMBER_CHECK_SHAPE(a.dim() == 3 && b.dim() == 3, "bmm: expected 3-D tensors, got ",
                    shapes_str(a, b));
  EMBER_CHECK_SHAPE(a.size(0) == b.size(0), "bmm: expected a.shape[0] == b.shape[0], got ",
                    shapes_str(a, b));
  EMBER_CHECK_SHAPE(a.size(2) == b.size(1), "bmm: expected a.shape[-1] == b.shape[-2], got ",
                    shapes_str(a, b));
  return bmm_checked(a, b);
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  check_operands(a, b, "matmul");
  EMBER_CHECK_SHAPE(a.dim() >= 1 && b.dim() >= 1,
                    "matmul: expected tensors with at least 1 dim, got ", shapes_str(a, b));
  if (b.dim() == 1) {
    EMBER_CHECK_SHAPE(a.size(-1) == b.size(0), "matmul: expected a.shape[-1] == b.shape[0], got ",
                      shapes_str(a, b));
  } else {
    EMBER_CHECK_SHAPE(a.size(-1) == b.size(-2), "matmul: expected a.shape[-1] == b.shape[-2], got ",
                      shapes_str(a, b));
  }
  // 1-D operands become matrices (a row for a, a column for b) and lose that dim again.
  if (a.dim() == 1 && b.dim() == 1)
    return matmul_batched(a.unsqueeze(0), b.unsqueeze(1)).reshape({});
  if (a.dim() == 1) return matmul_batched(a.unsqueeze(0), b).squeeze(-2);
  if (b.dim() == 1) return matmul_batched(a, b.unsqueeze(1)).squeeze(-1);
  return matmul_batched(a, b);
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  check_operands(x, weight, "linear");
  EMBER_CHECK_SHAPE(weight.dim() == 2,
                    "linear: expected a 2-D weight (out_features, in_features), got weight.shape=",
                    shape_str(weight.sizes()));
  EMBER_CHECK_SHAPE(x.dim() >= 1 && x.size(-1) == weight.size(1),
                    "linear: expected input.shape[-1] == weight.shape[1], got input.shape=",
                    shape_str(x.sizes()), ", weight.shape=", shape_str(weight.sizes()));
  Tensor y = matmul(x, weight.t());
  if (!bias.defined()) return y;
  EMBER_CHECK_SHAPE(bias.dim() == 1 && bias.size(0) == weight.size(0),
                    "linear: expected bias.shape == [", weight.size(0), "] (out_features), got ",
                    shape_str(bias.sizes()));
  return y + bias;
}

Tensor addmm(const Tensor& input, const Tensor& a, const Tensor& b, double beta, double alpha) {
  check_operands(a, b, "addmm");
  EMBER_CHECK(input.defined(), "addmm: expected a defined input");
  EMBER_CHECK_SHAPE(a.dim() == 2 && b.dim() == 2, "addmm: expected 2-D matrices, got ",
                    shapes_str(a, b));
  EMBER_CHECK_SHAPE(a.size(1) == b.size(0), "addmm: expected a.shape[-1] == b.shape[-2], got ",
                    shapes_str(a, b));
  Shape mn{a.size(0), b.size(1)};
  EMBER_CHECK_SHAPE(input.dim() <= 2 && broadcast_shapes(input.sizes(), mn, "addmm") == mn,
                    "addmm: expected input to broadcast to ", shape_str(mn),
                    ", got input.shape=", shape_str(input.sizes()));
  Tensor product = matmul(a, b);
  if (alpha != 1) product = product * alpha;
  // As PyTorch, beta == 0 ignores input entirely (NaN or inf in it do not propagate).
  if (beta == 0) return product;
  return (beta == 1 ? input : input * beta) + product;
}

Tensor outer(const Tensor& a, const Tensor& b) {
  EMBER_CHECK(a.defined() && b.defined(), "outer: expected defined tensors");
  EMBER_CHECK_SHAPE(a.dim() == 1 && b.dim() == 1, "outer: expected 1-D tensors, got ",
                    shapes_str(a, b));
  return a.unsqueeze(1) * b.unsqueeze(0);
}

}  // namespace ember
