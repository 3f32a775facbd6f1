// In-place ops: add_, sub_, mul_, div_, zero_, fill_, copy_, clamp_, relu_.
//
// Each computes its result, writes it into self's memory, bumps the storage's version
// counter (so that backward notices saved tensors that changed, see engine.cpp), and, when
// gradients are needed, records a node whose input is self's previous history: self's
// grad_fn is rebased onto the new node, as PyTorch does.
#include "ember/autograd/grad_mode.h"
#include "ember/autograd/node.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/shape.h"
#include "kernels/kernels.h"

namespace ember {

using autograd::Grads;

namespace {

void check_inplace(const Tensor& self, const char* op) {
  EMBER_CHECK(self.defined(), op, ": expected a defined tensor");
  EMBER_CHECK(!(autograd::is_grad_enabled() && self.requires_grad() && self.is_leaf()), op,
              ": a leaf tensor that requires grad is being used in an in-place operation; "
              "wrap the update in NoGradGuard (as optimizers do) or clone() it first");
}

// Writes `value` (already of self's shape) into self and bumps the version.
void write_into(Tensor& self, const Tensor& value, const char* op) {
  EMBER_CHECK_DTYPE(value.dtype() == self.dtype() || is_floating(self.dtype()) ||
                        !is_floating(value.dtype()),
                    op, ": result type ", value.dtype(), " can't be cast to the output type ",
                    self.dtype());
  EMBER_CHECK_SHAPE(value.sizes() == self.sizes(), op, ": the result of shape ",
                    shape_str(value.sizes()), " does not fit the tensor of shape ",
                    shape_str(self.sizes()));
  kernels::copy.get(self.device())(value, self);
  self.storage()->bump_version();
}

// Whether `kernel(self, other, self)` computes self op other straight into self: self is
// contiguous and already of the result's dtype and shape, and other is in another storage
// (the kernels read and write element i together, but a partial overlap would read elements
// already written). Otherwise the result is computed out of place and copied in.
bool writes_in_place(const Tensor& self, const Tensor& other, bool true_divide) {
  if (!other.defined() || !self.is_contiguous() || other.device() != self.device() ||
      other.storage() == self.storage() || self.dtype() == DType::bfloat16 ||
      self.dtype() == DType::float16 ||
      self.dtype() == DType::boolean || (true_divide && !is_floating(self.dtype())) ||
      promote_types(self.dtype(), other.dtype()) != self.dtype() || other.dim() > self.dim()) {
    return false;
  }
  for (int64_t i = 1; i <= other.dim(); ++i) {  // other broadcasts to self's shape
    const int64_t o = other.sizes()[other.dim() - i], n = self.sizes()[self.dim() - i];
    if (o != 1 && o != n) return false;
  }
  return true;
}

// self = f(self, other) in place, through `kernel` (f's binary kernel table) when
// writes_in_place, else through fwd. grad(g, self_before, other) returns {dself, dother}.
template <typename Fwd, typename GradFn>
Tensor& binary_inplace(Tensor& self, const Tensor& other, const char* op,
                       const kernels::KernelTable<kernels::BinaryKernel>& kernel, Fwd fwd,
                       GradFn grad, bool needs_old_self, bool true_divide = false) {
  check_inplace(self, op);
  bool track = autograd::any_needs_grad({self, other});
  Tensor old = track && needs_old_self ? self.detach().clone() : Tensor();
  if (writes_in_place(self, other, true_divide)) {
    Tensor b = other.to(self.dtype()).expand(self.sizes());
    kernel.get(self.device())(self, b, self);
    self.storage()->bump_version();
  } else {
    Tensor value;
    {
      autograd::NoGradGuard no_grad;
      value = fwd(self, other);
    }
    write_into(self, value, op);
  }
  if (track) {
    Tensor self_history = self;  // record() reads self's edge before rebasing it
    autograd::record(
        op, {self_history, other}, {self},
        [old, other, grad, self_shape = self.sizes(), self_dtype = self.dtype()](const Grads& gs) {
          auto [ds, dother] = grad(gs[0], old, other);
          Grads r(2);
          if (ds.defined()) r[0] = ds.to(self_dtype);
          if (other.requires_grad() && dother.defined()) {
            r[1] = sum_to(dother, other.sizes()).to(other.dtype());
          }
          return r;
        },
        {other});
  }
  return self;
}

}  // namespace

Tensor& add_(Tensor& self, const Tensor& other) {
  return binary_inplace(
      self, other, "add_", kernels::add, [](const Tensor& a, const Tensor& b) { return add(a, b); },
      [](const Tensor& g, const Tensor&, const Tensor&) { return std::pair{g, g}; }, false);
}
Tensor& sub_(Tensor& self, const Tensor& other) {
  return binary_inplace(
      self, other, "sub_", kernels::sub, [](const Tensor& a, const Tensor& b) { return sub(a, b); },
      [](const Tensor& g, const Tensor&, const Tensor&) { return std::pair{g, -g}; }, false);
}
Tensor& mul_(Tensor& self, const Tensor& other) {
  return binary_inplace(
      self, other, "mul_", kernels::mul, [](const Tensor& a, const Tensor& b) { return mul(a, b); },
      [](const Tensor& g, const Tensor& old, const Tensor& b) {
        return std::pair{g * b, old.defined() ? g * old : Tensor()};
      },
      other.requires_grad());
}
Tensor& div_(Tensor& self, const Tensor& other) {
  return binary_inplace(
      self, other, "div_", kernels::div, [](const Tensor& a, const Tensor& b) { return div(a, b); },
      [](const Tensor& g, const Tensor& old, const Tensor& b) {
        return std::pair{g / b, old.defined() ? -(g * old) / (b * b) : Tensor()};
      },
      other.requires_grad(), /*true_divide=*/true);
}

Tensor& Tensor::add_(const Tensor& other) { return ember::add_(*this, other); }
Tensor& Tensor::sub_(const Tensor& other) { return ember::sub_(*this, other); }
Tensor& Tensor::mul_(const Tensor& other) { return ember::mul_(*this, other); }
Tensor& Tensor::div_(const Tensor& other) { return ember::div_(*this, other); }
namespace {
// A Scalar as a 0-d tensor for an in-place op on `self`: a float Scalar on an integer
// tensor stays float32, so the op then refuses to write it back (as PyTorch's
// "result type Float can't be cast to the desired output type Long").
Tensor inplace_scalar(Scalar s, const Tensor& self) {
  DType d = s.is_floating() && !is_floating(self.dtype()) ? kDefaultFloat : self.dtype();
  return scalar_tensor(s, {.dtype = d, .device = self.device()});
}
}  // namespace

Tensor& Tensor::add_(Scalar other) { return ember::add_(*this, inplace_scalar(other, *this)); }
Tensor& Tensor::sub_(Scalar other) { return ember::sub_(*this, inplace_scalar(other, *this)); }
Tensor& Tensor::mul_(Scalar other) { return ember::mul_(*this, inplace_scalar(other, *this)); }
Tensor& Tensor::div_(Scalar other) {
  // True division: integer tensors cannot hold the quotient and error as in PyTorch.
  DType d = is_floating(dtype()) ? dtype() : kDefaultFloat;
  return ember::div_(*this, scalar_tensor(other, {.dtype = d, .device = device()}));
}

Tensor& Tensor::fill_(Scalar value) {
  check_inplace(*this, "fill_");
  kernels::fill.get(device())(*this, value);
  storage()->bump_version();
  if (autograd::needs_grad(*this)) {
    Tensor self_history = *this;
    autograd::record("fill_", {self_history}, {*this},
                     [](const Grads&) { return Grads{Tensor()}; });
  }
  return *this;
}

Tensor& Tensor::zero_() { return fill_(0); }

Tensor& Tensor::copy_(const Tensor& src) {
  check_inplace(*this, "copy_");
  EMBER_CHECK(src.defined(), "copy_: expected a defined source tensor");
  EMBER_CHECK_DEVICE(src.device() == device(), "copy_: expected the source on ", device(),
                     ", got ", src.device());
  Tensor expanded = src.detach().expand(sizes());
  kernels::copy.get(device())(expanded, *this);
  storage()->bump_version();
  if (autograd::any_needs_grad({*this, src})) {
    Tensor self_history = *this;
    autograd::record("copy_", {self_history, src}, {*this}, [src](const Grads& gs) {
      Grads r(2);
      if (src.requires_grad()) r[1] = sum_to(gs[0], src.sizes()).to(src.dtype());
      return r;
    });
  }
  return *this;
}

Tensor& Tensor::clamp_(std::optional<double> min, std::optional<double> max) {
  check_inplace(*this, "clamp_");
  // From a copy when tracking: clamp saves its input, which copy_ is about to overwrite.
  Tensor value = ember::clamp(autograd::needs_grad(*this) ? clone() : *this, min, max);
  return copy_(value);
}

Tensor& Tensor::relu_() {
  check_inplace(*this, "relu_");
  Tensor value = ember::relu(*this);  // relu saves only its output: self may be overwritten
  return copy_(value);
}

}  // namespace ember
