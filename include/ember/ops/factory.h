// Tensor factories: empty, zeros, ones, full, arange, linspace, eye, the random ones, the
// *_like variants, and tensors from C++ data (copied or wrapped).
#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "ember/core/generator.h"
#include "ember/core/tensor.h"

namespace ember {

/// Options for a new tensor. dtype defaults to float32 (integer for randint, and inferred
/// from the values for full/arange/tensor when left empty).
struct TensorOptions {
  std::optional<DType> dtype = std::nullopt;
  Device device = Device::cpu();
  bool requires_grad = false;
};

Tensor empty(const Shape& shape, TensorOptions options = {});
Tensor zeros(const Shape& shape, TensorOptions options = {});
Tensor ones(const Shape& shape, TensorOptions options = {});
/// dtype defaults to float32 for a floating value, int64 for an integer, bool for a bool.
Tensor full(const Shape& shape, Scalar value, TensorOptions options = {});
/// A 0-d tensor holding value.
Tensor scalar_tensor(Scalar value, TensorOptions options = {});
/// [start, end) by step; int64 when all three are integers, else float32 (as PyTorch).
Tensor arange(Scalar end, TensorOptions options = {});
Tensor arange(Scalar start, Scalar end, Scalar step = 1, TensorOptions options = {});
/// `steps` evenly spaced values from start to end inclusive.
Tensor linspace(double start, double end, int64_t steps, TensorOptions options = {});
/// n x m identity (m = n when negative).
Tensor eye(int64_t n, int64_t m = -1, TensorOptions options = {});

/// Uniform [0, 1).
Tensor rand(const Shape& shape, TensorOptions options = {}, Generator* generator = nullptr);
/// Standard normal.
Tensor randn(const Shape& shape, TensorOptions options = {}, Generator* generator = nullptr);
/// Integers uniform in [low, high); int64 unless options.dtype says otherwise.
Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions options = {},
               Generator* generator = nullptr);
/// A random permutation of 0..n-1 (int64).
Tensor randperm(int64_t n, Generator* generator = nullptr);

/// Same shape (and dtype unless given) as `like`, contiguous.
Tensor empty_like(const Tensor& like, TensorOptions options = {});
Tensor zeros_like(const Tensor& like, TensorOptions options = {});
Tensor ones_like(const Tensor& like, TensorOptions options = {});
Tensor full_like(const Tensor& like, Scalar value, TensorOptions options = {});
Tensor rand_like(const Tensor& like, TensorOptions options = {}, Generator* generator = nullptr);
Tensor randn_like(const Tensor& like, TensorOptions options = {}, Generator* generator = nullptr);

/// Copies `values` into a new tensor of `shape` (1-d when shape is empty and values are not
/// one element). T is float, double, int64_t, int32_t, int8_t, uint8_t or bool.
template <typename T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape = {},
                   TensorOptions options = {});
/// ember::tensor({1.f, 2.f, 3.f}) : a 1-d tensor from a list of numbers.
Tensor tensor(std::initializer_list<float> values, TensorOptions options = {});
Tensor tensor(std::initializer_list<double> values, TensorOptions options = {});
Tensor tensor(std::initializer_list<int64_t> values, TensorOptions options = {});
Tensor tensor(std::initializer_list<int> values, TensorOptions options = {});

/// Wraps external memory without copying. The caller keeps it alive (and unchanged by
/// others) for the tensor's lifetime, or passes a deleter that frees it.
Tensor from_blob(void* data, const Shape& shape, DType dtype,
                 std::function<void(void*)> deleter = {});
/// Copies external memory into a new tensor.
Tensor from_buffer(const void* data, const Shape& shape, DType dtype);

}  // namespace ember
