// Scalars and in-place ops: how a Scalar's kind steers promotion, that every in-place op
// bumps the storage's version counter (shared by all views), PyTorch's casting rule for
// in-place results, and the error backward raises when a saved tensor was changed in place.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "ember/ember.h"
#include "unit/error_message.h"

namespace ember {
namespace {

// ---- Scalar -----------------------------------------------------------------------------------

TEST(Scalar, RemembersHowTheNumberWasWritten) {
  Scalar i = 3, f = 2.5, b = true;
  EXPECT_TRUE(i.is_integral());
  EXPECT_EQ(i.to_int(), 3);
  EXPECT_EQ(i.to_double(), 3.0);
  EXPECT_TRUE(f.is_floating());
  EXPECT_EQ(f.to_double(), 2.5);
  EXPECT_TRUE(b.is_boolean());
  EXPECT_EQ(b.to_int(), 1);
  EXPECT_TRUE(Scalar(int64_t{1} << 40).is_integral());
  EXPECT_EQ(Scalar(int64_t{1} << 40).to_int(), int64_t{1} << 40);
  EXPECT_TRUE(Scalar(1.0f).is_floating());
}

TEST(Scalar, ANumberNeverWidensATensorOfItsOwnCategory) {
  // PyTorch's "wrapped number" rule.
  EXPECT_EQ((arange(3, {.dtype = DType::int32}) + 1).dtype(), DType::int32);
  EXPECT_EQ((arange(3) + 1).dtype(), DType::int64);
  EXPECT_EQ((ones({2}, {.dtype = DType::float16}) * 2.5).dtype(), DType::float16);
  EXPECT_EQ((ones({2}, {.dtype = DType::bfloat16}) + 1).dtype(), DType::bfloat16);
  EXPECT_EQ((ones({2}, {.dtype = DType::float64}) + 1.5).dtype(), DType::float64);
}

TEST(Scalar, ANumberOfAHigherCategoryPromotesToItsDefault) {
  EXPECT_EQ((arange(3, {.dtype = DType::int32}) + 1.5).dtype(), DType::float32);
  EXPECT_EQ((full({2}, true) + 1).dtype(), DType::int64);
  EXPECT_EQ((arange(4) / 2).dtype(), DType::float32);  // true division
  EXPECT_EQ((arange(4) / 2).to_vector<float>(), (std::vector<float>{0, 0.5f, 1, 1.5f}));
  EXPECT_EQ((2.0 - arange(3)).to_vector<float>(), (std::vector<float>{2, 1, 0}));
}

// ---- version counter --------------------------------------------------------------------------

TEST(InPlace, EveryInPlaceOpBumpsTheVersion) {
  Tensor other = ones({3});
  const std::vector<std::pair<const char*, std::function<void(Tensor&)>>> ops = {
      {"add_", [&](Tensor& t) { t.add_(other); }},
      {"add_ scalar", [](Tensor& t) { t.add_(1); }},
      {"sub_", [&](Tensor& t) { t.sub_(other); }},
      {"sub_ scalar", [](Tensor& t) { t.sub_(1.5); }},
      {"mul_", [&](Tensor& t) { t.mul_(other); }},
      {"mul_ scalar", [](Tensor& t) { t.mul_(2); }},
      {"div_", [&](Tensor& t) { t.div_(other); }},
      {"div_ scalar", [](Tensor& t) { t.div_(2); }},
      {"zero_", [](Tensor& t) { t.zero_(); }},
      {"fill_", [](Tensor& t) { t.fill_(4); }},
      {"copy_", [&](Tensor& t) { t.copy_(other); }},
      {"clamp_", [](Tensor& t) { t.clamp_(0.0, 1.0); }},
      {"relu_", [](Tensor& t) { t.relu_(); }},
  };
  for (const auto& [name, op] : ops) {
    Tensor t = zeros({3});
    uint64_t before = t.version();
    op(t);
    EXPECT_GT(t.version(), before) << name;
  }
}

TEST(InPlace, AViewAndItsBaseShareOneVersionCounter) {
  Tensor base = zeros({2, 3});
  Tensor row = base.select(0, 1);
  uint64_t before = base.version();
  row.add_(1);
  EXPECT_GT(base.version(), before);
  EXPECT_EQ(base.version(), row.version());
  EXPECT_EQ(base.to_vector<float>(), (std::vector<float>{0, 0, 0, 1, 1, 1}));
}

TEST(InPlace, OutOfPlaceOpsLeaveTheVersionAlone) {
  Tensor t = ones({3});
  uint64_t before = t.version();
  Tensor u = t + 1;
  Tensor v = t.view({3, 1});
  EXPECT_EQ(t.version(), before);
}

// ---- values -----------------------------------------------------------------------------------

TEST(InPlace, ArithmeticBroadcastsTheOtherOperand) {
  Tensor t = zeros({2, 3});
  t.add_(tensor({1.f, 2.f, 3.f}));
  t.mul_(tensor({2.f, 3.f}).reshape({2, 1}));
  t.sub_(1);
  t.div_(tensor({1.f, 1.f, 2.f}));
  EXPECT_EQ(t.to_vector<float>(), (std::vector<float>{1, 3, 2.5f, 2, 5, 4}));
}

TEST(InPlace, ArithmeticOnAContiguousTensorAllocatesNothing) {
  Tensor t = full({64, 33}, 1.5);
  Tensor row = arange(33).to(DType::float32);
  Tensor column = full({64, 1}, 2.0);
  Tensor half = full({1}, 0.5);
  const int64_t before = allocator_stats().allocations;
  t.add_(row);
  t.mul_(column);
  t.sub_(half);
  t.div_(column);
  EXPECT_EQ(allocator_stats().allocations, before);
  const std::vector<float> got = t.to_vector<float>();
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], 1.25f + static_cast<float>(i % 33)) << i;  // ((1.5 + j) 2 - 0.5) / 2
  }
}

TEST(InPlace, ArithmeticWithAnOverlappingOperandSeesTheValuesBeforeTheChange) {
  // other reads elements 0..5 of base while self writes 3..8: written element by element in
  // place, self[3] would add the new base[3].
  Tensor base = arange(1, 13).to(DType::float32);
  Tensor self = base.narrow(0, 3, 6);
  self.add_(base.narrow(0, 0, 6));
  EXPECT_EQ(self.to_vector<float>(), (std::vector<float>{5, 7, 9, 11, 13, 15}));
}

TEST(InPlace, SelfIsNeverBroadcast) {
  Tensor t = zeros({3});
  std::string msg = message_of<ShapeError>([&] { t.add_(ones({2, 3})); });
  EXPECT_CONTAINS(msg, "add_");
  EXPECT_CONTAINS(msg, "[2, 3]");
}

TEST(InPlace, FillClampReluAndCopyWriteThroughNonContiguousViews) {
  Tensor a = arange(-3, 3).to(DType::float32).reshape({2, 3});
  a.t().select(0, 1).fill_(9);  // column 1
  EXPECT_EQ(a.to_vector<float>(), (std::vector<float>{-3, 9, -1, 0, 9, 2}));
  a.clamp_(-2.0, 5.0);
  EXPECT_EQ(a.to_vector<float>(), (std::vector<float>{-2, 5, -1, 0, 5, 2}));
  a.relu_();
  EXPECT_EQ(a.to_vector<float>(), (std::vector<float>{0, 5, 0, 0, 5, 2}));
  a.t().copy_(tensor({7.f, 8.f, 9.f}).reshape({3, 1}));  // broadcast source
  EXPECT_EQ(a.to_vector<float>(), (std::vector<float>{7, 8, 9, 7, 8, 9}));
}

TEST(InPlace, CopyConvertsBetweenDtypes) {
  Tensor i = zeros({3}, {.dtype = DType::int64});
  i.copy_(tensor({1.7f, -2.2f, 3.0f}));
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{1, -2, 3}));  // truncates, as PyTorch
  Tensor f = zeros({2}, {.dtype = DType::float64});
  f.copy_(arange(2));
  EXPECT_EQ(f.to_vector<double>(), (std::vector<double>{0, 1}));
}

// ---- dtype rules ------------------------------------------------------------------------------

TEST(InPlace, FloatIntoAnIntegerTensorThrowsDTypeError) {
  Tensor i = arange(3);
  std::string msg = message_of<DTypeError>([&] { i.add_(tensor({0.5f, 0.5f, 0.5f})); });
  EXPECT_CONTAINS(msg, "add_: result type float32 can't be cast to the output type int64");
  EXPECT_THROW(i.mul_(ones({3})), DTypeError);
  EXPECT_THROW(i.div_(2), DTypeError);  // true division gives a float
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2}));  // unchanged
}

TEST(InPlace, FloatScalarIntoAnIntegerTensorThrowsDTypeError) {
  // torch.arange(3).add_(1.5) raises "result type Float can't be cast to ... Long".
  Tensor i = arange(3);
  EXPECT_THROW(i.add_(1.5), DTypeError);
  EXPECT_THROW(i.mul_(0.5), DTypeError);
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{0, 1, 2}));
}

TEST(InPlace, IntegerIntoAFloatTensorIsFine) {
  Tensor f = zeros({3});
  f.add_(arange(3));
  f.mul_(2);
  EXPECT_EQ(f.dtype(), DType::float32);
  EXPECT_EQ(f.to_vector<float>(), (std::vector<float>{0, 2, 4}));
  Tensor i = arange(3);
  i.add_(2).mul_(3);
  EXPECT_EQ(i.to_vector<int64_t>(), (std::vector<int64_t>{6, 9, 12}));
}

// ---- autograd ---------------------------------------------------------------------------------

TEST(InPlace, ALeafThatRequiresGradCannotBeChangedInPlaceUnlessGradIsOff) {
  Tensor w = ones({2}).requires_grad_();
  std::string msg = message_of<ValueError>([&] { w.add_(1); });
  EXPECT_CONTAINS(msg, "add_: a leaf tensor that requires grad is being used in an in-place");
  EXPECT_CONTAINS(msg, "NoGradGuard");
  {
    autograd::NoGradGuard no_grad;
    w.sub_(0.5);  // what an optimizer step does
  }
  EXPECT_EQ(w.to_vector<float>(), (std::vector<float>{0.5f, 0.5f}));
  EXPECT_TRUE(w.is_leaf());
}

TEST(InPlace, GradientsFlowThroughInPlaceOps) {
  Tensor x = tensor({1.f, 2.f, 3.f}).requires_grad_();
  Tensor y = x * 1;
  y.mul_(3);
  y.add_(x);
  y.sub_(2);
  y.sum().backward();
  EXPECT_EQ(x.grad().to_vector<float>(), (std::vector<float>{4, 4, 4}));  // d(3x + x - 2)/dx
}

TEST(InPlace, MulByATensorThatRequiresGradUsesTheValueBeforeTheChange) {
  Tensor x = tensor({1.f, 2.f}).requires_grad_();
  Tensor w = tensor({3.f, 5.f}).requires_grad_();
  Tensor y = x * 1;
  y.mul_(w);  // y = x * w
  y.sum().backward();
  EXPECT_EQ(x.grad().to_vector<float>(), (std::vector<float>{3, 5}));
  EXPECT_EQ(w.grad().to_vector<float>(), (std::vector<float>{1, 2}));
}

TEST(InPlace, ChangingASavedTensorMakesBackwardThrowWithTheVersions) {
  Tensor x = tensor({1.f, 2.f}).requires_grad_();
  Tensor a = x * 1;
  Tensor c = a * a;  // mul saves a for its gradient
  a.add_(1);
  std::string msg = message_of<Error>([&] { c.sum().backward(); });
  EXPECT_CONTAINS(msg, "saved by 'mul'");
  EXPECT_CONTAINS(msg, "modified by an in-place operation");
  EXPECT_CONTAINS(msg, "saved at version 0, now at version 1");
}

TEST(InPlace, ChangingATensorThatNoBackwardReadsIsAllowed) {
  Tensor x = tensor({1.f, 2.f}).requires_grad_();
  Tensor a = x * 1;
  Tensor c = a + 1;  // add saves nothing
  a.mul_(5);
  c.sum().backward();
  // c was built from a's value before mul_, so its gradient does not see the 5.
  EXPECT_EQ(x.grad().to_vector<float>(), (std::vector<float>{1, 1}));
}

}  // namespace
}  // namespace ember
