// Argument errors of the reductions, scans and softmax: the exception type and the exact
// message (op, expectation, the values received).
#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

Tensor ints() { return arange(6).reshape({2, 3}); }

TEST(ReduceErrors, DimsOutOfRangeOrRepeatedAreRejected) {
  EXPECT_EQ(message_of<IndexError>([] {
              sum(zeros({2, 3}), {2});
            }),
            "sum: dim 2 out of range for a 2-d tensor (expected in [-2, 1])");
  EXPECT_EQ(message_of<ValueError>([] {
              sum(zeros({2, 3}), {1, -1});
            }),
            "sum: dim -1 appears more than once in [1, -1]");
  EXPECT_EQ(message_of<IndexError>([] {
              mean(zeros({2, 3}), {-3});
            }),
            "mean: dim -3 out of range for a 2-d tensor (expected in [-2, 1])");
  EXPECT_EQ(message_of<IndexError>([] {
              prod(zeros({2, 3}), 5);
            }),
            "prod: dim 5 out of range for a 2-d tensor (expected in [-2, 1])");
  EXPECT_EQ(message_of<IndexError>([] {
              var(zeros({2, 3}), {3});
            }),
            "var: dim 3 out of range for a 2-d tensor (expected in [-2, 1])");
  EXPECT_EQ(message_of<IndexError>([] {
              max(zeros({2, 3}), 2);
            }),
            "max: dim 2 out of range for a 2-d tensor (expected in [-2, 1])");
  EXPECT_EQ(message_of<IndexError>([] {
              cumsum(zeros({2, 3}), -3);
            }),
            "cumsum: dim -3 out of range for a 2-d tensor (expected in [-2, 1])");
  EXPECT_EQ(message_of<IndexError>([] {
              softmax(zeros({2, 3}), 2);
            }),
            "softmax: dim 2 out of range for a 2-d tensor (expected in [-2, 1])");
  EXPECT_EQ(message_of<IndexError>([] {
              logsumexp(zeros({2, 3}), {4});
            }),
            "logsumexp: dim 4 out of range for a 2-d tensor (expected in [-2, 1])");
}

TEST(ReduceErrors, FloatOnlyOpsRejectIntegerInputs) {
  EXPECT_EQ(message_of<DTypeError>([] { mean(ints()); }),
            "mean: expected a floating tensor, got dtype int64; convert with to(float32)");
  EXPECT_EQ(message_of<DTypeError>([] { var(ints()); }),
            "var: expected a floating tensor, got dtype int64; convert with to(float32)");
  EXPECT_EQ(message_of<DTypeError>([] { ember::std(ints()); }),
            "std: expected a floating tensor, got dtype int64; convert with to(float32)");
  EXPECT_EQ(message_of<DTypeError>([] { softmax(ints(), 1); }),
            "softmax: expected a floating tensor, got dtype int64; convert with to(float32)");
  EXPECT_EQ(message_of<DTypeError>([] { log_softmax(ints(), 1); }),
            "log_softmax: expected a floating tensor, got dtype int64; convert with to(float32)");
  EXPECT_EQ(message_of<DTypeError>([] { logsumexp(ints(), {1}); }),
            "logsumexp: expected a floating tensor, got dtype int64; convert with to(float32)");
  EXPECT_EQ(message_of<DTypeError>([] { norm(ints()); }),
            "norm: expected a floating tensor, got dtype int64; convert with to(float32)");
}

TEST(ReduceErrors, MaxMinAndArgmaxOfNothingAreRejected) {
  EXPECT_EQ(message_of<ValueError>([] {
              max(zeros({0, 3}));
            }),
            "max: expected a non-empty tensor, got shape [0, 3]; reduce over a non-empty dim "
            "with max(x, dim) instead");
  EXPECT_EQ(message_of<ValueError>([] { min(zeros({0})); }),
            "min: expected a non-empty tensor, got shape [0]; reduce over a non-empty dim with "
            "min(x, dim) instead");
  EXPECT_EQ(message_of<ValueError>([] {
              max(zeros({3, 0}), 1);
            }),
            "max: expected a non-empty dim to reduce, got dim 1 of size 0 in shape [3, 0]");
  EXPECT_EQ(message_of<ValueError>([] {
              argmin(zeros({2, 0}), -1);
            }),
            "argmin: expected a non-empty dim to reduce, got dim -1 of size 0 in shape [2, 0]");
  EXPECT_EQ(message_of<ValueError>([] {
              argmax(zeros({0, 2}));
            }),
            "argmax: expected a non-empty dim to reduce, got dim 0 of size 0 in shape [0]");
  EXPECT_EQ(message_of<ValueError>([] {
              norm(zeros({3, 0}), std::numeric_limits<double>::infinity(), {1});
            }),
            "norm: expected a non-empty reduction for p = inf, got shape [3, 0]");
}

TEST(ReduceErrors, UndefinedTensorsAreRejected) {
  EXPECT_EQ(message_of<ValueError>([] { sum(Tensor()); }), "sum: expected a defined tensor");
  EXPECT_EQ(message_of<ValueError>([] { max(Tensor(), 0); }), "max: expected a defined tensor");
  EXPECT_EQ(message_of<ValueError>([] { cumsum(Tensor(), 0); }),
            "cumsum: expected a defined tensor");
}

}  // namespace
}  // namespace ember
