// Shape and indexing ops beyond the op table: the fast kernels against the reference ones
// on inputs large enough to run in parallel (the table's inputs are too small for that),
// index semantics (negative indices, repeated indices, padding_idx), aliasing, and
// second-order gradients of the backward rules.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "ember/ember.h"

namespace ember {
namespace {

// f's outputs and the gradients of sum(w * output) w.r.t. `wrt`, under one backend.
std::vector<std::vector<double>> run(const std::function<Tensor()>& f,
                                     const std::vector<Tensor>& wrt) {
  Tensor y = f();
  std::vector<std::vector<double>> r = {y.to_vector<double>()};
  if (!wrt.empty() && y.requires_grad()) {
    Generator gen(7);
    Tensor w = randn(y.sizes(), {.dtype = y.dtype()}, &gen);
    for (const Tensor& g : autograd::grad({y}, wrt, {w}, {.allow_unused = true})) {
      r.push_back(g.defined() ? g.to_vector<double>() : std::vector<double>());
    }
  }
  return r;
}

// These kernels move data or add in one fixed order, so both backends agree bit for bit.
void expect_backends_agree(const std::function<Tensor()>& f, const std::vector<Tensor>& wrt = {}) {
  std::vector<std::vector<double>> ref, fast;
  {
    BackendGuard b(Backend::ref);
    ref = run(f, wrt);
  }
  {
    BackendGuard b(Backend::cpu);
    fast = run(f, wrt);
  }
  ASSERT_EQ(ref.size(), fast.size());
  for (size_t k = 0; k < ref.size(); ++k) EXPECT_EQ(ref[k], fast[k]) << "result " << k;
}

Tensor leaf(const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  Tensor x = randn(shape, {}, &gen);
  x.requires_grad_(true);
  return x;
}

Tensor random_index(int64_t high, const Shape& shape, uint64_t seed) {
  Generator gen(seed);
  return randint(0, high, shape, {}, &gen);
}

TEST(ShapeOps, CatKernelsAgreeOnLargeStridedInputs) {
  Tensor a = leaf({64, 300, 3}, 1), b = leaf({3, 200, 64}, 2);
  expect_backends_agree([&] { return cat({a, b.permute({2, 1, 0})}, 1); }, {a, b});
}

TEST(ShapeOps, IndexSelectAndIndexAddKernelsAgreeOnLargeInputs) {
  Tensor x = leaf({300, 130}, 3), w = leaf({50, 3000}, 4);
  Tensor i0 = random_index(300, {400}, 5), i1 = random_index(130, {200}, 6);
  Tensor i2 = random_index(50, {60}, 7);
  expect_backends_agree([&] { return index_select(x, 0, i0); }, {x});
  expect_backends_agree([&] { return index_select(x, 1, i1); }, {x});
  expect_backends_agree([&] { return index_select(w, 0, i2); }, {w});
  Tensor src = leaf({300, 200}, 8);
  expect_backends_agree([&] { return index_add(x, 1, i1, src); }, {x, src});
}

TEST(ShapeOps, GatherAndScatterKernelsAgreeOnLargeInputs) {
  Tensor x = leaf({200, 300}, 9), src = leaf({400, 300}, 10);
  Tensor rows = random_index(200, {400, 300}, 11), cols = random_index(300, {200, 400}, 12);
  expect_backends_agree([&] { return gather(x, 0, rows); }, {x});
  expect_backends_agree([&] { return gather(x, 1, cols); }, {x});
  expect_backends_agree([&] { return scatter_add(x, 0, rows, src); }, {x, src});
  // Unique targets per row: each row of the index is a permutation.
  Generator gen(13);
  std::vector<Tensor> perms;
  for (int r = 0; r < 200; ++r) perms.push_back(randperm(300, &gen));
  Tensor perm = stack(perms);
  Tensor src2 = leaf({200, 300}, 14);
  expect_backends_agree([&] { return scatter(x, 1, perm, src2); }, {x, src2});
  expect_backends_agree([&] { return scatter(x, 1, perm.narrow(1, 0, 150), 2.5); }, {x});
}

TEST(ShapeOps, TriangleFlipAndPadKernelsAgreeOnLargeInputs) {
  Tensor x = leaf({40, 50, 30}, 15);
  expect_backends_agree([&] { return tril(x, 3); }, {x});
  expect_backends_agree([&] { return triu(x.transpose(1, 2), -2); }, {x});
  expect_backends_agree([&] { return flip(x, {0, 2}); }, {x});
  expect_backends_agree([&] { return flip(x.transpose(0, 2), {1}); }, {x});
  expect_backends_agree([&] { return pad(x, {3, -2, 1, 4}, {.value = 0.25}); }, {x});
  Tensor img = leaf({4, 8, 40, 50}, 16);
  expect_backends_agree([&] { return pad(img, {5, 7, 3, 2}, {.mode = PadMode::reflect}); }, {img});
  Tensor vol = leaf({2, 3, 20, 30, 40}, 17);
  expect_backends_agree(
      [&] {
        return pad(vol, {2, 1, 3, 4, 1, 2}, {.mode = PadMode::reflect});
      },
      {vol});
}

TEST(ShapeOps, NegativeIndicesCountFromTheEnd) {
  Tensor x = arange(5).to(DType::float32);
  EXPECT_EQ(index_select(x, 0, tensor({-1, 0, -5})).to_vector<float>(),
            (std::vector<float>{4, 0, 0}));
  EXPECT_EQ(gather(x, 0, tensor({-2})).to_vector<float>(), (std::vector<float>{3}));
  EXPECT_EQ(scatter(x, 0, tensor({-1}), 9.0).to_vector<float>(),
            (std::vector<float>{0, 1, 2, 3, 9}));
}

TEST(ShapeOps, RepeatedIndicesAccumulateTheirGradients) {
  Tensor x = leaf({4}, 18);
  index_select(x, 0, tensor({1, 1, 3, 1})).sum().backward();
  EXPECT_EQ(x.grad().to_vector<float>(), (std::vector<float>{0, 3, 0, 1}));
  Tensor w = leaf({3, 2}, 19);
  embedding(tensor({2, 0, 2, 2}).view({2, 2}), w).sum().backward();
  EXPECT_EQ(w.grad().to_vector<float>(), (std::vector<float>{1, 1, 0, 0, 3, 3}));
}

TEST(ShapeOps, EmbeddingPaddingRowGetsNoGradientButIsStillRead) {
  Tensor w = leaf({3, 2}, 20);
  Tensor y = embedding(tensor({0, 1, 1}), w, 1);
  EXPECT_EQ(y.select(0, 1).to_vector<float>(), w.select(0, 1).detach().to_vector<float>());
  y.sum().backward();
  EXPECT_EQ(w.grad().to_vector<float>(), (std::vector<float>{1, 1, 0, 0, 0, 0}));
}

TEST(ShapeOps, ResultsNeverAliasTheirInput) {
  Tensor x = arange(6).to(DType::float32).view({2, 3});
  EXPECT_NE(repeat(x, {1, 1}).storage(), x.storage());
  EXPECT_NE(roll(x, {0}, {1}).storage(), x.storage());
  EXPECT_NE(cat({x}).storage(), x.storage());
  EXPECT_NE(pad(x, {0, 0}).storage(), x.storage());
}

TEST(ShapeOps, RollAndFlipOfAScalarCopyIt) {
  Tensor s = scalar_tensor(2.5);
  EXPECT_EQ(roll(s, {3}, {0}).item<double>(), 2.5);
  EXPECT_EQ(roll(s, {3}).item<double>(), 2.5);
  EXPECT_EQ(flip(s, {0}).item<double>(), 2.5);
  EXPECT_EQ(flip(s, {0}).dim(), 0);
}

TEST(ShapeOps, SplitAndChunkFollowPyTorchSizing) {
  auto sizes = [](const std::vector<Tensor>& ts) {
    Shape s;
    for (const auto& t : ts) s.push_back(t.size(0));
    return s;
  };
  Tensor x = zeros({7});
  EXPECT_EQ(sizes(chunk(x, 4)), (Shape{2, 2, 2, 1}));
  EXPECT_EQ(sizes(chunk(zeros({6}), 4)), (Shape{2, 2, 2}));
  EXPECT_EQ(sizes(chunk(zeros({0}), 3)), (Shape{0, 0, 0}));
  EXPECT_EQ(sizes(split(x, 3)), (Shape{3, 3, 1}));
  EXPECT_EQ(sizes(split(zeros({0}), 2)), (Shape{0}));
  // Pieces are views of x.
  EXPECT_EQ(split(x, 3)[1].storage(), x.storage());
}

TEST(ShapeOps, CatPromotesAndSkipsOneDimEmptyTensors) {
  Tensor a = tensor({1, 2}).view({1, 2});
  Tensor b = tensor({0.5}, {.dtype = DType::float64}).view({1, 1});
  Tensor y = cat({zeros({0}, {.dtype = DType::int32}), a, b}, 1);
  EXPECT_EQ(y.dtype(), DType::float64);
  EXPECT_EQ(y.to_vector<double>(), (std::vector<double>{1, 2, 0.5}));
  EXPECT_EQ(cat({zeros({0}), zeros({0})}).sizes(), (Shape{0}));
}

// Second-order gradcheck: the backward rules are built from differentiable ops.
void expect_double_backward_ok(const std::string& what,
                               const std::function<Tensor(const Tensor&)>& f, const Shape& shape) {
  auto first_grad = [f](const std::vector<Tensor>& in) {
    EnableGradGuard grad_on;
    Tensor y = f(in[0]);
    Tensor loss = (y * y).sum();
    return autograd::grad({loss}, {in[0]}, {}, {.create_graph = true});
  };
  Generator gen(21);
  Tensor x = randn(shape, {.dtype = DType::float64}, &gen);
  x.requires_grad_(true);
  auto r = autograd::gradcheck(first_grad, {x});
  EXPECT_TRUE(r.ok) << what << ": " << r.message;
}

TEST(ShapeOps, BackwardRulesAreDifferentiable) {
  Tensor i = tensor({2, 0, 2});
  Tensor g = tensor({1, 0, 2, 1, 1, 0}).view({2, 3});
  expect_double_backward_ok("index_select", [&](const Tensor& x) { return index_select(x, 0, i); },
                            {3, 2});
  expect_double_backward_ok("gather", [&](const Tensor& x) { return gather(x, 0, g); }, {3, 3});
  expect_double_backward_ok("scatter_add",
                            [&](const Tensor& x) { return scatter_add(x, 0, g, x * 3); }, {3, 3});
  expect_double_backward_ok("cat", [](const Tensor& x) { return cat({x, x * 2}, 1); }, {2, 3});
  expect_double_backward_ok("reflect pad",
                            [](const Tensor& x) {
                              return pad(x, {2, 1}, {.mode = PadMode::reflect});
                            },
                            {2, 4});
  expect_double_backward_ok("constant pad",
                            [](const Tensor& x) {
                              return pad(x, {-1, 2});
                            },
                            {2, 4});
  expect_double_backward_ok("embedding",
                            [](const Tensor& x) {
                              return embedding(tensor({1, 1, 0}), x, 0);
                            },
                            {2, 3});
}

}  // namespace
}  // namespace ember
