// Tensor: a cheap shared handle to a TensorImpl (storage, sizes, strides, offset, dtype and
// autograd fields).
//
// Copying a Tensor copies the handle, not the data, exactly like torch.Tensor in Python.
// The data-level members are defined in core/. The method forms of ops (t.view(), t.sum(),
// t.add_()) are declared here for a PyTorch-like API and defined in src/ops/, which owns
// shape checks and autograd; core itself never calls an op.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "ember/core/device.h"
#include "ember/core/dtype.h"
#include "ember/core/error.h"
#include "ember/core/scalar.h"
#include "ember/core/storage.h"

namespace ember {

namespace autograd {
struct Node;
}

using Shape = std::vector<int64_t>;

class Tensor;
struct TensorImpl;

/// A Python-style slice for Tensor::index: start, stop and step, each optional.
struct Slice {
  std::optional<int64_t> start = std::nullopt;
  std::optional<int64_t> stop = std::nullopt;
  int64_t step = 1;
};
/// Inserts a new axis of size 1 (Python's None).
struct NewAxis {};
/// Stands for as many full slices as needed (Python's ...).
struct Ellipsis {};
using TensorIndex = std::variant<int64_t, Slice, NewAxis, Ellipsis>;

struct BackwardOptions {
  bool retain_graph = false;
  bool create_graph = false;
};

using GradHook = std::function<Tensor(const Tensor&)>;

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- metadata -------------------------------------------------------------------------
  bool defined() const { return impl_ != nullptr; }
  const Shape& sizes() const;
  const Shape& shape() const { return sizes(); }
  const Shape& strides() const;
  /// Size of one dim; negative dims count from the end.
  int64_t size(int64_t dim) const;
  int64_t stride(int64_t dim) const;
  int64_t dim() const;
  int64_t numel() const;
  int64_t storage_offset() const;
  DType dtype() const;
  Device device() const;
  bool is_contiguous() const;
  size_t nbytes() const { return static_cast<size_t>(numel()) * element_size(dtype()); }
  const Storage& storage() const;
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }
  /// True when both handles refer to the same TensorImpl.
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }

  // ---- data access (CPU) ----------------------------------------------------------------
  /// Pointer to element 0 (storage data + offset). Throws DTypeError when T mismatches.
  template <typename T>
  T* data() const;
  void* data_ptr() const;
  /// The single value of a one-element tensor, converted to T.
  template <typename T>
  T item() const;
  double item() const { return item<double>(); }
  /// Copies the elements out in logical (row-major) order, converted to T.
  template <typename T>
  std::vector<T> to_vector() const;

  // ---- autograd -------------------------------------------------------------------------
  bool requires_grad() const;
  /// Sets requires_grad on a leaf; throws for integer dtypes and for non-leaves turning it off.
  Tensor& requires_grad_(bool requires_grad = true);
  /// Accumulated gradient of a leaf (undefined until backward reaches it).
  Tensor grad() const;
  void set_grad(const Tensor& g) const;
  const std::shared_ptr<autograd::Node>& grad_fn() const;
  /// grad_fn's printable name in PyTorch's style ("MulBackward"), "none" for leaves.
  std::string grad_fn_name() const;
  bool is_leaf() const;
  /// Keeps .grad() for this non-leaf after backward.
  void retain_grad() const;
  /// Registers fn(grad) -> grad' run when this tensor's gradient is computed; return an
  /// undefined tensor to keep the gradient unchanged.
  void register_hook(GradHook fn) const;
  uint64_t version() const { return storage()->version(); }
  /// Runs backward from this tensor; a non-scalar needs an explicit `gradient`.
  void backward(const Tensor& gradient = Tensor(), BackwardOptions options = {}) const;
  void backward(BackwardOptions options) const { backward(Tensor(), options); }

  // ---- views and conversions (defined in src/ops) ---------------------------------------
  Tensor view(const Shape& shape) const;
  Tensor reshape(const Shape& shape) const;
  Tensor permute(const Shape& dims) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor slice(int64_t dim, std::optional<int64_t> start, std::optional<int64_t> stop,
               int64_t step = 1) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor index(std::initializer_list<TensorIndex> indices) const;
  Tensor operator[](int64_t i) const { return select(0, i); }
  Tensor expand(const Shape& shape) const;
  Tensor expand_as(const Tensor& other) const { return expand(other.sizes()); }
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor unflatten(int64_t dim, const Shape& sizes) const;
  Tensor diagonal(int64_t offset = 0, int64_t dim1 = 0, int64_t dim2 = 1) const;
  Tensor contiguous() const;
  Tensor clone() const;
  Tensor to(DType dtype) const;
  Tensor detach() const;

  // ---- common reductions (defined in src/ops) -------------------------------------------
  Tensor sum() const;
  Tensor mean() const;

  // ---- in-place (defined in src/ops); each bumps the version counter ---------------------
  Tensor& add_(const Tensor& other);
  Tensor& add_(Scalar other);
  Tensor& sub_(const Tensor& other);
  Tensor& sub_(Scalar other);
  Tensor& mul_(const Tensor& other);
  Tensor& mul_(Scalar other);
  Tensor& div_(const Tensor& other);
  Tensor& div_(Scalar other);
  Tensor& zero_();
  Tensor& fill_(Scalar value);
  Tensor& copy_(const Tensor& src);
  Tensor& clamp_(std::optional<double> min, std::optional<double> max);
  Tensor& relu_();

 private:
  std::shared_ptr<TensorImpl> impl_;
};

struct TensorImpl {
  Storage storage;
  Shape sizes;
  Shape strides;
  int64_t offset = 0;
  DType dtype = kDefaultFloat;

  // autograd
  bool requires_grad = false;
  Tensor grad;
  std::shared_ptr<autograd::Node> grad_fn;
  uint32_t output_nr = 0;
  bool retains_grad = false;
  std::vector<GradHook> hooks;  // leaf hooks; non-leaf hooks live on grad_fn
};

// ---- shape helpers (used across layers) ---------------------------------------------------
/// Row-major strides for `sizes`.
Shape contiguous_strides(const Shape& sizes);
int64_t shape_numel(const Shape& sizes);
/// Maps a possibly negative dim into [0, ndim); throws IndexError naming `op`.
int64_t normalize_dim(int64_t dim, int64_t ndim, const char* op);
std::string shape_str(const Shape& s);

// ---- construction -----------------------------------------------------------------------
/// A tensor over `storage` with the given geometry (no copy, no checks beyond bounds).
Tensor make_tensor(Storage storage, Shape sizes, Shape strides, int64_t offset, DType dtype);
/// A view sharing `base`'s storage (no autograd recording; ops/ wraps this).
Tensor as_strided_view(const Tensor& base, Shape sizes, Shape strides, int64_t offset);

std::ostream& operator<<(std::ostream& os, const Shape& s);

// ---- template definitions ---------------------------------------------------------------
template <typename T>
T* Tensor::data() const {
  EMBER_CHECK_DTYPE(dtype() == dtype_of<std::remove_const_t<T>>(), "data: tensor has dtype ",
                    dtype(), ", requested ", dtype_of<std::remove_const_t<T>>());
  return static_cast<T*>(data_ptr());
}

}  // namespace ember
