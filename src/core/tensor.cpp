// Tensor's data-level members and the shape helpers every layer uses.
#include "ember/core/tensor.h"

#include <sstream>

#include "core/dispatch.h"

namespace ember {

namespace {
const TensorImpl& checked(const std::shared_ptr<TensorImpl>& impl) {
  EMBER_CHECK(impl != nullptr, "tensor: operation on an undefined tensor");
  return *impl;
}
}  // namespace

const Shape& Tensor::sizes() const { return checked(impl_).sizes; }
const Shape& Tensor::strides() const { return checked(impl_).strides; }
int64_t Tensor::dim() const { return static_cast<int64_t>(sizes().size()); }
int64_t Tensor::size(int64_t d) const { return sizes()[normalize_dim(d, dim(), "size")]; }
int64_t Tensor::stride(int64_t d) const { return strides()[normalize_dim(d, dim(), "stride")]; }
int64_t Tensor::numel() const { return shape_numel(sizes()); }
int64_t Tensor::storage_offset() const { return checked(impl_).offset; }
DType Tensor::dtype() const { return checked(impl_).dtype; }
Device Tensor::device() const { return checked(impl_).storage->device(); }
const Storage& Tensor::storage() const { return checked(impl_).storage; }

bool Tensor::is_contiguous() const {
  const auto& impl = checked(impl_);
  int64_t expected = 1;
  for (int64_t d = static_cast<int64_t>(impl.sizes.size()) - 1; d >= 0; --d) {
    if (impl.sizes[d] == 1) continue;
    if (impl.sizes[d] == 0) return true;
    if (impl.strides[d] != expected) return false;
    expected *= impl.sizes[d];
  }
  return true;
}

void* Tensor::data_ptr() const {
  const auto& impl = checked(impl_);
  return static_cast<char*>(impl.storage->data()) +
         impl.offset * static_cast<int64_t>(element_size(impl.dtype));
}

template <typename T>
T Tensor::item() const {
  EMBER_CHECK(numel() == 1, "item: expected a tensor with one element, got shape ",
              shape_str(sizes()));
  EMBER_CHECK_DEVICE(device().is_cpu(), "item: expected a CPU tensor, got ", device());
  return dispatch_all(dtype(), "item", [&]<typename S>() {
    return convert<T>(*static_cast<const S*>(data_ptr()));
  });
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  EMBER_CHECK_DEVICE(device().is_cpu(), "to_vector: expected a CPU tensor, got ", device());
  std::vector<T> out(static_cast<size_t>(numel()));
  if (out.empty()) return out;
  const Shape& sz = sizes();
  const Shape& st = strides();
  dispatch_all(dtype(), "to_vector", [&]<typename S>() {
    const S* base = static_cast<const S*>(data_ptr());
    Shape idx(sz.size(), 0);
    for (size_t i = 0; i < out.size(); ++i) {
      int64_t off = 0;
      for (size_t d = 0; d < sz.size(); ++d) off += idx[d] * st[d];
      out[i] = convert<T>(base[off]);
      for (int64_t d = static_cast<int64_t>(sz.size()) - 1; d >= 0; --d) {
        if (++idx[d] < sz[d]) break;
        idx[d] = 0;
      }
    }
  });
  return out;
}

#define EMBER_INSTANTIATE(T)               \
  template T Tensor::item<T>() const;      \
  template std::vector<T> Tensor::to_vector<T>() const;
EMBER_INSTANTIATE(float)
EMBER_INSTANTIATE(double)
EMBER_INSTANTIATE(int64_t)
EMBER_INSTANTIATE(int32_t)
EMBER_INSTANTIATE(int8_t)
EMBER_INSTANTIATE(uint8_t)
EMBER_INSTANTIATE(BFloat16)
EMBER_INSTANTIATE(Half)
#undef EMBER_INSTANTIATE
template bool Tensor::item<bool>() const;

bool Tensor::requires_grad() const { return checked(impl_).requires_grad; }
Tensor Tensor::grad() const { return checked(impl_).grad; }
void Tensor::set_grad(const Tensor& g) const {
  checked(impl_);
  if (g.defined()) {
    EMBER_CHECK_SHAPE(g.sizes() == sizes(), "set_grad: expected a gradient of shape ",
                      shape_str(sizes()), ", got ", shape_str(g.sizes()));
  }
  impl_->grad = g;
}
const std::shared_ptr<autograd::Node>& Tensor::grad_fn() const { return checked(impl_).grad_fn; }
bool Tensor::is_leaf() const { return checked(impl_).grad_fn == nullptr; }

Tensor& Tensor::requires_grad_(bool requires_grad) {
  auto& impl = const_cast<TensorImpl&>(checked(impl_));
  if (requires_grad) {
    EMBER_CHECK_DTYPE(is_floating(impl.dtype),
                      "requires_grad_: only floating tensors can require gradients, got dtype ",
                      impl.dtype);
  } else {
    EMBER_CHECK(impl.grad_fn == nullptr,
                "requires_grad_: cannot turn off requires_grad on a non-leaf tensor; use "
                "detach()");
  }
  impl.requires_grad = requires_grad;
  return *this;
}

Shape contiguous_strides(const Shape& sizes) {
  Shape strides(sizes.size());
  int64_t s = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    strides[d] = s;
    s *= std::max<int64_t>(sizes[d], 1);
  }
  return strides;
}

int64_t shape_numel(const Shape& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) n *= s;
  return n;
}

int64_t normalize_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = std::max<int64_t>(ndim, 1);  // a 0-d tensor accepts dim 0 and -1, like PyTorch
  EMBER_CHECK_INDEX(dim >= -n && dim < n, op, ": dim ", dim, " out of range for a ", ndim,
                    "-d tensor (expected in [", -n, ", ", n - 1, "])");
  return dim < 0 ? dim + n : dim;
}

std::string shape_str(const Shape& s) {
  std::ostringstream os;
  os << s;
  return os.str();
}

std::ostream& operator<<(std::ostream& os, const Shape& s) {
  os << '[';
  for (size_t i = 0; i < s.size(); ++i) os << (i ? ", " : "") << s[i];
  return os << ']';
}

Tensor make_tensor(Storage storage, Shape sizes, Shape strides, int64_t offset, DType dtype) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::move(storage);
  impl->sizes = std::move(sizes);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = dtype;
  return Tensor(std::move(impl));
}

Tensor as_strided_view(const Tensor& base, Shape sizes, Shape strides, int64_t offset) {
  EMBER_ASSERT(sizes.size() == strides.size());
  return make_tensor(base.storage(), std::move(sizes), std::move(strides), offset, base.dtype());
}

}  // namespace ember
