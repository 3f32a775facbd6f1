// Tensor factories.
#include "ember/ops/factory.h"

#include <cmath>
#include <cstring>

#include "core/dispatch.h"
#include "core/parallel_for.h"
#include "kernels/kernels.h"

namespace ember {

namespace {

DType dtype_or(const TensorOptions& o, DType fallback) { return o.dtype.value_or(fallback); }

Tensor finish(Tensor t, const TensorOptions& o) {
  if (o.requires_grad) t.requires_grad_(true);
  return t;
}

void check_shape(const Shape& shape, const char* op) {
  for (int64_t s : shape) {
    EMBER_CHECK(s >= 0, op, ": expected non-negative sizes, got ", shape_str(shape));
  }
}

DType scalar_dtype(Scalar v) {
  if (v.is_floating()) return kDefaultFloat;
  if (v.is_boolean()) return DType::boolean;
  return DType::int64;
}

}  // namespace

Tensor empty(const Shape& shape, TensorOptions options) {
  check_shape(shape, "empty");
  DType dtype = dtype_or(options, kDefaultFloat);
  size_t nbytes = static_cast<size_t>(shape_numel(shape)) * element_size(dtype);
  auto storage = std::make_shared<StorageImpl>(nbytes, options.device);
  return finish(make_tensor(std::move(storage), shape, contiguous_strides(shape), 0, dtype),
                options);
}

Tensor zeros(const Shape& shape, TensorOptions options) {
  bool rg = options.requires_grad;
  options.requires_grad = false;
  Tensor t = empty(shape, options);
  std::memset(t.data_ptr(), 0, t.nbytes());
  options.requires_grad = rg;
  return finish(t, options);
}

Tensor full(const Shape& shape, Scalar value, TensorOptions options) {
  bool rg = options.requires_grad;
  options.requires_grad = false;
  if (!options.dtype) options.dtype = scalar_dtype(value);
  Tensor t = empty(shape, options);
  kernels::fill.get(t.device())(t, value);
  options.requires_grad = rg;
  return finish(t, options);
}

Tensor ones(const Shape& shape, TensorOptions options) {
  if (!options.dtype) options.dtype = kDefaultFloat;
  return full(shape, 1, options);
}

Tensor scalar_tensor(Scalar value, TensorOptions options) { return full({}, value, options); }

Tensor arange(Scalar end, TensorOptions options) { return arange(0, end, 1, options); }

Tensor arange(Scalar start, Scalar end, Scalar step, TensorOptions options) {
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  EMBER_CHECK(st != 0, "arange: expected a non-zero step");
  EMBER_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), "arange: the step ", st,
              " moves away from end: start=", s, ", end=", e);
  bool all_int = start.is_integral() && end.is_integral() && step.is_integral();
  DType dtype = dtype_or(options, all_int ? DType::int64 : kDefaultFloat);
  int64_t n = static_cast<int64_t>(std::ceil((e - s) / st));
  options.dtype = dtype;
  bool rg = options.requires_grad;
  options.requires_grad = false;
  Tensor t = empty({n}, options);
  dispatch_numeric(dtype, "arange", [&]<typename T>() {
    T* p = t.data<T>();
    if (all_int) {
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(start.to_int() + i * step.to_int());
    } else {
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(s + static_cast<double>(i) * st);
    }
  });
  options.requires_grad = rg;
  return finish(t, options);
}

Tensor linspace(double start, double end, int64_t steps, TensorOptions options) {
  EMBER_CHECK(steps >= 0, "linspace: expected steps >= 0, got ", steps);
  bool rg = options.requires_grad;
  options.requires_grad = false;
  Tensor t = empty({steps}, options);
  dispatch_numeric(t.dtype(), "linspace", [&]<typename T>() {
    T* p = t.data<T>();
    double step = steps > 1 ? (end - start) / static_cast<double>(steps - 1) : 0.0;
    // Fill from both ends, as PyTorch does, so that the last value is exactly `end`.
    int64_t half = steps / 2;
    if (steps == 1) p[0] = static_cast<T>(start);  // PyTorch: a single step is `start`
    for (int64_t i = 0; i < steps && steps > 1; ++i) {
      p[i] = static_cast<T>(i < half ? start + step * static_cast<double>(i)
                                     : end - step * static_cast<double>(steps - 1 - i));
    }
  });
  options.requires_grad = rg;
  return finish(t, options);
}

Tensor eye(int64_t n, int64_t m, TensorOptions options) {
  if (m < 0) m = n;
  EMBER_CHECK(n >= 0, "eye: expected n >= 0, got ", n);
  bool rg = options.requires_grad;
  options.requires_grad = false;
  Tensor t = zeros({n, m}, options);
  dispatch_all(t.dtype(), "eye", [&]<typename T>() {
    T* p = t.data<T>();
    for (int64_t i = 0; i < std::min(n, m); ++i) p[i * m + i] = convert<T>(1);
  });
  options.requires_grad = rg;
  return finish(t, options);
}

Tensor rand(const Shape& shape, TensorOptions options, Generator* generator) {
  Generator& gen = generator ? *generator : default_generator();
  bool rg = options.requires_grad;
  options.requires_grad = false;
  Tensor t = empty(shape, options);
  int64_t n = t.numel();
  dispatch_floating(t.dtype(), "rand", [&]<typename T>() {
    T* p = t.data<T>();
    uint64_t seed = gen.seed();
    if constexpr (std::is_same_v<T, double>) {
      uint64_t base = gen.reserve(2 * static_cast<uint64_t>(n));
      parallel_for(0, n, 8, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) p[i] = Generator::uniform_double(seed, base + 2 * i);
      });
    } else {
      uint64_t base = gen.reserve(static_cast<uint64_t>(n));
      parallel_for(0, n, 8, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) p[i] = Generator::uniform_float(seed, base + i);
      });
    }
  });
  options.requires_grad = rg;
  return finish(t, options);
}

Tensor randn(const Shape& shape, TensorOptions options, Generator* generator) {
  Generator& gen = generator ? *generator : default_generator();
  bool rg = options.requires_grad;
  options.requires_grad = false;
  Tensor t = empty(shape, options);
  int64_t n = t.numel();
  uint64_t seed = gen.seed();
  uint64_t base = gen.reserve(4 * static_cast<uint64_t>(n));
  dispatch_floating(t.dtype(), "randn", [&]<typename T>() {
    T* p = t.data<T>();
    // Box-Muller: element i uses draws base + 4i .. base + 4i + 3 (two 53-bit uniforms).
    parallel_for(0, n, 16, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        uint64_t c = base + 4 * static_cast<uint64_t>(i);
        double u1 = 1.0 - Generator::uniform_double(seed, c);  // (0, 1]: log is finite
        double u2 = Generator::uniform_double(seed, c + 2);
        p[i] = static_cast<T>(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2));
      }
    });
  });
  options.requires_grad = rg;
  return finish(t, options);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, TensorOptions options,
               Generator* generator) {
  EMBER_CHECK(high > low, "randint: expected low < high, got low=", low, ", high=", high);
  EMBER_CHECK(!options.requires_grad, "randint: integer tensors cannot require grad");
  Generator& gen = generator ? *generator : default_generator();
  if (!options.dtype) options.dtype = DType::int64;
  Tensor t = empty(shape, options);
  int64_t n = t.numel();
  uint64_t seed = gen.seed();
  uint64_t base = gen.reserve(2 * static_cast<uint64_t>(n));
  auto range = static_cast<uint64_t>(high - low);
  dispatch_numeric(t.dtype(), "randint", [&]<typename T>() {
    T* p = t.data<T>();
    for (int64_t i = 0; i < n; ++i) {
      uint64_t c = base + 2 * static_cast<uint64_t>(i);
      uint64_t r = (static_cast<uint64_t>(Generator::draw(seed, c)) << 32) |
                   Generator::draw(seed, c + 1);
      p[i] = static_cast<T>(low + static_cast<int64_t>(r % range));
    }
  });
  return t;
}

Tensor randperm(int64_t n, Generator* generator) {
  EMBER_CHECK(n >= 0, "randperm: expected n >= 0, got ", n);
  Generator& gen = generator ? *generator : default_generator();
  Tensor t = arange(n);
  int64_t* p = t.data<int64_t>();
  uint64_t seed = gen.seed();
  uint64_t base = gen.reserve(2 * static_cast<uint64_t>(n));
  for (int64_t i = n - 1; i > 0; --i) {  // Fisher-Yates
    uint64_t c = base + 2 * static_cast<uint64_t>(i);
    uint64_t r = (static_cast<uint64_t>(Generator::draw(seed, c)) << 32) |
                 Generator::draw(seed, c + 1);
    std::swap(p[i], p[static_cast<int64_t>(r % static_cast<uint64_t>(i + 1))]);
  }
  return t;
}

namespace {
TensorOptions like_options(const Tensor& like, TensorOptions o) {
  if (!o.dtype) o.dtype = like.dtype();
  o.device = like.device();
  return o;
}
}  // namespace

Tensor empty_like(const Tensor& like, TensorOptions o) {
  return empty(like.sizes(), like_options(like, o));
}
Tensor zeros_like(const Tensor& like, TensorOptions o) {
  return zeros(like.sizes(), like_options(like, o));
}
Tensor ones_like(const Tensor& like, TensorOptions o) {
  return ones(like.sizes(), like_options(like, o));
}
Tensor full_like(const Tensor& like, Scalar value, TensorOptions o) {
  return full(like.sizes(), value, like_options(like, o));
}
Tensor rand_like(const Tensor& like, TensorOptions o, Generator* g) {
  return rand(like.sizes(), like_options(like, o), g);
}
Tensor randn_like(const Tensor& like, TensorOptions o, Generator* g) {
  return randn(like.sizes(), like_options(like, o), g);
}

template <typename T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape, TensorOptions options) {
  Shape s = shape;
  if (s.empty() && values.size() != 1) s = {static_cast<int64_t>(values.size())};
  EMBER_CHECK_SHAPE(shape_numel(s) == static_cast<int64_t>(values.size()), "from_vector: ",
                    values.size(), " values do not fill shape ", shape_str(s));
  Tensor t = empty(s, {.dtype = dtype_of<T>()});
  T* p = t.data<T>();
  for (size_t i = 0; i < values.size(); ++i) p[i] = values[i];
  if (options.dtype && *options.dtype != t.dtype()) t = t.to(*options.dtype);
  return finish(t, options);
}
template Tensor from_vector<float>(const std::vector<float>&, const Shape&, TensorOptions);
template Tensor from_vector<double>(const std::vector<double>&, const Shape&, TensorOptions);
template Tensor from_vector<int64_t>(const std::vector<int64_t>&, const Shape&, TensorOptions);
template Tensor from_vector<int32_t>(const std::vector<int32_t>&, const Shape&, TensorOptions);
template Tensor from_vector<int8_t>(const std::vector<int8_t>&, const Shape&, TensorOptions);
template Tensor from_vector<uint8_t>(const std::vector<uint8_t>&, const Shape&, TensorOptions);
template Tensor from_vector<bool>(const std::vector<bool>&, const Shape&, TensorOptions);

Tensor tensor(std::initializer_list<float> values, TensorOptions options) {
  return from_vector(std::vector<float>(values), {static_cast<int64_t>(values.size())}, options);
}
Tensor tensor(std::initializer_list<double> values, TensorOptions options) {
  if (!options.dtype) options.dtype = kDefaultFloat;  // Python floats make float32 tensors
  return from_vector(std::vector<double>(values), {static_cast<int64_t>(values.size())}, options);
}
Tensor tensor(std::initializer_list<int64_t> values, TensorOptions options) {
  return from_vector(std::vector<int64_t>(values), {static_cast<int64_t>(values.size())}, options);
}
Tensor tensor(std::initializer_list<int> values, TensorOptions options) {
  std::vector<int64_t> v(values.begin(), values.end());
  return from_vector(v, {static_cast<int64_t>(v.size())}, options);
}

Tensor from_blob(void* data, const Shape& shape, DType dtype, std::function<void(void*)> deleter) {
  check_shape(shape, "from_blob");
  EMBER_CHECK(data != nullptr || shape_numel(shape) == 0, "from_blob: null data pointer");
  size_t nbytes = static_cast<size_t>(shape_numel(shape)) * element_size(dtype);
  auto storage = std::make_shared<StorageImpl>(data, nbytes, Device::cpu(), std::move(deleter));
  return make_tensor(std::move(storage), shape, contiguous_strides(shape), 0, dtype);
}

Tensor from_buffer(const void* data, const Shape& shape, DType dtype) {
  Tensor t = empty(shape, {.dtype = dtype});
  if (t.nbytes() > 0) std::memcpy(t.data_ptr(), data, t.nbytes());
  return t;
}

}  // namespace ember
