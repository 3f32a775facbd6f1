// Matrix products: matmul (1-d to N-d with batch broadcasting, as torch.matmul), bmm,
// linear, addmm, outer and einsum for two-operand contractions.
#pragma once

#include <string>
#include <vector>

#include "ember/core/tensor.h"

namespace ember {

Tensor matmul(const Tensor& a, const Tensor& b);
/// a (B, M, K) @ b (B, K, N) -> (B, M, N).
Tensor bmm(const Tensor& a, const Tensor& b);
/// x (..., in) @ weight (out, in)^T + bias (out): PyTorch's F.linear.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = Tensor());
/// beta * input + alpha * (a @ b); input broadcasts to (M, N).
Tensor addmm(const Tensor& input, const Tensor& a, const Tensor& b, double beta = 1.0,
             double alpha = 1.0);
/// a (M) outer b (N) -> (M, N).
Tensor outer(const Tensor& a, const Tensor& b);
/// Einstein summation for one or two operands ("ij,jk->ik", "bij,bjk->bik", "ii->i",
/// "ij->ji", implicit output when "->" is absent). Each index letter is a-z or A-Z.
Tensor einsum(const std::string& equation, const std::vector<Tensor>& operands);

}  // namespace ember
