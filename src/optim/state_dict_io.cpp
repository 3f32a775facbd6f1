// State-dict writing and reading for optimizers and schedulers (see state_dict_io.h).
#include "optim/state_dict_io.h"

#include <cmath>

#include "ember/autograd/grad_mode.h"
#include "ember/ops/factory.h"
#include "ember/ops/shape.h"

namespace ember::optim::detail {

namespace {

Tensor f64(double v) { return scalar_tensor(v, {.dtype = DType::float64}); }
Tensor i64(int64_t v) { return scalar_tensor(v, {.dtype = DType::int64}); }

bool is_integral_value(double v) { return std::isfinite(v) && v == std::floor(v); }

}  // namespace

void StateDictWriter::operator()(const char* name, double& value) {
  out_[prefix_ + name] = f64(value);
}
void StateDictWriter::operator()(const char* name, int64_t& value) {
  out_[prefix_ + name] = i64(value);
}
void StateDictWriter::operator()(const char* name, bool& value) {
  out_[prefix_ + name] = i64(value ? 1 : 0);
}
void StateDictWriter::operator()(const char* name, std::pair<double, double>& value) {
  out_[prefix_ + name] = from_vector(std::vector<double>{value.first, value.second}, {2});
}
void StateDictWriter::operator()(const char* name, std::vector<double>& value) {
  out_[prefix_ + name] = from_vector(value, {static_cast<int64_t>(value.size())});
}
void StateDictWriter::operator()(const char* name, std::vector<int64_t>& value) {
  out_[prefix_ + name] = from_vector(value, {static_cast<int64_t>(value.size())});
}
void StateDictWriter::operator()(const char* name, Tensor& value) {
  if (!value.defined()) return;
  autograd::NoGradGuard no_grad;
  out_[prefix_ + name] = value.detach().clone();
}

void StateDictReader::error(const char* name, const std::string& what) {
  errors_.push_back(prefix_ + name + ": " + what);
}

const Tensor* StateDictReader::find(const char* name, int64_t dim) {
  auto it = in_.find(prefix_ + name);
  if (it == in_.end()) {
    errors_.push_back("missing key " + prefix_ + name);
    return nullptr;
  }
  used_.insert(it->first);
  const Tensor& t = it->second;
  if (!t.defined()) {
    error(name, "expected a defined tensor");
    return nullptr;
  }
  if (dim >= 0 && t.dim() != dim) {
    error(name, ::ember::detail::str_cat("expected a ", dim, "-d tensor, got shape ",
                                         shape_str(t.sizes())));
    return nullptr;
  }
  if (t.dtype() == DType::boolean) {
    error(name, "expected a numeric tensor, got dtype bool");
    return nullptr;
  }
  return &t;
}

void StateDictReader::operator()(const char* name, double& value) {
  if (const Tensor* t = find(name, 0)) value = t->item<double>();
}

void StateDictReader::operator()(const char* name, int64_t& value) {
  const Tensor* t = find(name, 0);
  if (!t) return;
  double v = t->item<double>();
  if (!is_integral_value(v))
    return error(name, ::ember::detail::str_cat("expected an integer, got ", v));
  value = static_cast<int64_t>(v);
}

void StateDictReader::operator()(const char* name, bool& value) {
  const Tensor* t = find(name, 0);
  if (!t) return;
  double v = t->item<double>();
  if (v != 0 && v != 1) return error(name, ::ember::detail::str_cat("expected 0 or 1, got ", v));
  value = v == 1;
}

void StateDictReader::operator()(const char* name, std::pair<double, double>& value) {
  const Tensor* t = find(name, 1);
  if (!t) return;
  if (t->numel() != 2) {
    return error(name, "expected shape [2], got " + shape_str(t->sizes()));
  }
  std::vector<double> v = t->to_vector<double>();
  value = {v[0], v[1]};
}

void StateDictReader::operator()(const char* name, std::vector<double>& value) {
  if (const Tensor* t = find(name, 1)) value = t->to_vector<double>();
}

void StateDictReader::operator()(const char* name, std::vector<int64_t>& value) {
  const Tensor* t = find(name, 1);
  if (!t) return;
  std::vector<double> v = t->to_vector<double>();
  std::vector<int64_t> out;
  for (double x : v) {
    if (!is_integral_value(x))
      return error(name, ::ember::detail::str_cat("expected integers, got ", x));
    out.push_back(static_cast<int64_t>(x));
  }
  value = std::move(out);
}

void StateDictReader::operator()(const char* name, Tensor& value) {
  const Tensor* t = find(name, -1);
  if (!t) return;
  EMBER_ASSERT(like_.defined(), "a tensor field needs the parameter it belongs to");
  if (t->sizes() != like_.sizes()) {
    return error(name, "expected shape " + shape_str(like_.sizes()) + " (the parameter's), got " +
                           shape_str(t->sizes()));
  }
  if (!is_floating(t->dtype())) {
    return error(name,
                 ::ember::detail::str_cat("expected a floating tensor, got dtype ", t->dtype()));
  }
  autograd::NoGradGuard no_grad;
  value = t->detach().to(like_.dtype()).clone();
}

std::vector<std::string> unused_keys(const StateDict& in, const std::set<std::string>& used) {
  std::vector<std::string> out;
  for (const auto& [key, value] : in) {
    if (!used.count(key)) out.push_back(key);
  }
  return out;
}

std::string error_list(const std::string& what, const std::vector<std::string>& errors) {
  std::string msg = what;
  for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "; " : ": ") + errors[i];
  return msg;
}

void load_fields_or_restore(const StateDict& in, const StateDict& backup, const std::string& what,
                            const std::function<void(FieldVisitor&)>& visit) {
  std::set<std::string> used;
  std::vector<std::string> errors;
  StateDictReader reader(in, "", used, errors);
  visit(reader);
  for (const std::string& key : unused_keys(in, used)) errors.push_back("unexpected key " + key);
  if (errors.empty()) return;
  std::set<std::string> backup_used;
  std::vector<std::string> backup_errors;
  StateDictReader restore(backup, "", backup_used, backup_errors);
  visit(restore);
  EMBER_THROW(ValueError, error_list(what, errors));
}

}  // namespace ember::optim::detail
