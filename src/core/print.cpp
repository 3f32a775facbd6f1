// Printing tensors (operator<<, to_string) and inspect() statistics.
//
// Core is the lowest layer: this file reads elements through dispatch.h and plain loops,
// never through ops, so printing works whatever state the op layer is in.
//
// Note [Print format]
// operator<< follows torch's repr, with the metadata always spelled out:
//
//   tensor([[ 0.1235, -2.0000,  3.5000],
//           [ 1.0000,  0.0000, -0.5000]], shape=[2, 3], dtype=float32, device=cpu,
//          requires_grad=True)
//
// - floats: 4 decimals; scientific (1.2346e+05) when the nonzero finite magnitudes span
//   more than 3 decades, exceed 1e8 or go below 1e-4 (torch's rule); nan, inf, -inf;
// - integers plain; bools True / False; every value right-aligned to the widest one;
// - rows wrap at 80 columns; nested dims are separated like numpy / torch;
// - more than 1000 elements: each dim longer than 6 shows its first and last 3 entries
//   around "..." (torch's threshold = 1000, edgeitems = 3);
// - then shape, dtype, device, and grad_fn=<MulBackward> for results of differentiable
//   ops or requires_grad=True for leaves that require grad.
#include "ember/core/print.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <sstream>
#include <vector>

#include "core/dispatch.h"

namespace ember {

namespace {

constexpr int64_t kThreshold = 1000;  // more elements than this are summarised
constexpr int64_t kEdgeItems = 3;     // entries kept at each end of a summarised dim
constexpr size_t kLineWidth = 80;

// The indices of a dim that are shown; -1 stands for the "..." between the two ends.
std::vector<int64_t> shown(int64_t size, bool summarize) {
  std::vector<int64_t> out;
  if (summarize && size > 2 * kEdgeItems) {
    for (int64_t i = 0; i < kEdgeItems; ++i) out.push_back(i);
    out.push_back(-1);
    for (int64_t i = size - kEdgeItems; i < size; ++i) out.push_back(i);
  } else {
    for (int64_t i = 0; i < size; ++i) out.push_back(i);
  }
  return out;
}

// Calls f(offset) for every shown element, offsets in elements from data_ptr().
void visit(const Tensor& t, bool summarize, int64_t d, int64_t offset,
           const std::function<void(int64_t)>& f) {
  if (d == t.dim()) {
    f(offset);
    return;
  }
  for (int64_t i : shown(t.size(d), summarize)) {
    if (i >= 0) visit(t, summarize, d + 1, offset + i * t.stride(d), f);
  }
}

std::string float_str(double v, bool sci) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, sci ? "%.4e" : "%.4f", v);
  return buf;
}

// Turns one element into text: the notation is chosen once for the whole tensor, and every
// value is padded to the widest.
class Formatter {
 public:
  Formatter(const Tensor& t, bool summarize) : t_(t) {
    if (is_floating(t.dtype())) {
      double lo = std::numeric_limits<double>::infinity(), hi = 0;
      visit(t, summarize, 0, 0, [&](int64_t off) {
        double a = std::abs(real(off));
        if (std::isfinite(a) && a != 0) {
          lo = std::min(lo, a);
          hi = std::max(hi, a);
        }
      });
      sci_ = hi > 0 && (hi / lo > 1000.0 || hi > 1e8 || lo < 1e-4);
    }
    visit(t, summarize, 0, 0, [&](int64_t off) { width_ = std::max(width_, raw(off).size()); });
  }

  size_t width() const { return width_; }
  std::string format(int64_t off) const {
    std::string s = raw(off);
    return std::string(width_ - std::min(width_, s.size()), ' ') + s;
  }

 private:
  double real(int64_t off) const {
    return dispatch_all(t_.dtype(), "print", [&]<typename T>() {
      return convert<double>(static_cast<const T*>(t_.data_ptr())[off]);
    });
  }
  std::string raw(int64_t off) const {
    if (is_floating(t_.dtype())) return float_str(real(off), sci_);
    return dispatch_all(t_.dtype(), "print", [&]<typename T>() -> std::string {
      T v = static_cast<const T*>(t_.data_ptr())[off];
      if constexpr (std::is_same_v<T, bool>) {
        return v ? "True" : "False";
      } else {
        return std::to_string(convert<int64_t>(v));
      }
    });
  }

  const Tensor& t_;
  bool sci_ = false;
  size_t width_ = 1;
};

// The innermost dim: values separated by ", ", wrapped to the line width.
std::string vector_str(const Tensor& t, int64_t offset, size_t indent, bool summarize,
                       const Formatter& fmt) {
  const int64_t d = t.dim() - 1;
  std::vector<std::string> items;
  for (int64_t i : shown(t.size(d), summarize)) {
    items.push_back(i < 0 ? " ..." : fmt.format(offset + i * t.stride(d)));
  }
  const size_t room = indent < kLineWidth ? kLineWidth - indent : 0;
  const size_t per_line = std::max<size_t>(1, room / (fmt.width() + 2));
  std::string s = "[";
  for (size_t k = 0; k < items.size(); ++k) {
    if (k > 0) s += k % per_line == 0 ? ",\n" + std::string(indent + 1, ' ') : ", ";
    s += items[k];
  }
  return s + "]";
}

// Dims d.. of t at `offset`; `indent` is the column of this level's opening bracket.
std::string tensor_str(const Tensor& t, int64_t d, int64_t offset, size_t indent, bool summarize,
                       const Formatter& fmt) {
  if (t.dim() == 0) return fmt.format(offset);
  if (d == t.dim() - 1) return vector_str(t, offset, indent, summarize, fmt);
  // Sub-blocks are separated by one blank line per extra dim, as in torch.
  const size_t rest = static_cast<size_t>(t.dim() - d);
  const std::string sep = "," + std::string(rest - 1, '\n') + std::string(indent + 1, ' ');
  std::string s = "[";
  bool first = true;
  for (int64_t i : shown(t.size(d), summarize)) {
    if (!first) s += sep;
    first = false;
    s += i < 0 ? "..." : tensor_str(t, d + 1, offset + i * t.stride(d), indent + 1, summarize, fmt);
  }
  return s + "]";
}

// Appends ", suffix" for each suffix, starting a new line when one would pass the line
// width (torch's _add_suffixes).
std::string add_suffixes(std::string s, const std::vector<std::string>& suffixes, size_t indent) {
  size_t newline = s.rfind('\n');
  size_t last_line = newline == std::string::npos ? s.size() : s.size() - newline - 1;
  for (const auto& suffix : suffixes) {
    if (last_line + suffix.size() + 2 > kLineWidth) {
      s += ",\n" + std::string(indent, ' ') + suffix;
      last_line = indent + suffix.size();
    } else {
      s += ", " + suffix;
      last_line += suffix.size() + 2;
    }
  }
  return s + ")";
}

// "%.6g": short and exact enough for a debugging summary.
std::string number(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::string to_string(const Tensor& t) {
  if (!t.defined()) return "tensor(undefined)";
  const std::string prefix = "tensor(";
  const size_t indent = prefix.size();
  std::string body;
  if (!t.device().is_cpu()) {
    body = "<values on " + t.device().str() + ">";
  } else if (t.numel() == 0) {
    body = "[]";
  } else {
    const bool summarize = t.numel() > kThreshold;
    Formatter fmt(t, summarize);
    body = tensor_str(t, 0, 0, indent, summarize, fmt);
  }
  std::vector<std::string> suffixes = {"shape=" + shape_str(t.sizes()),
                                       std::string("dtype=") + dtype_name(t.dtype()),
                                       "device=" + t.device().str()};
  if (t.grad_fn()) {
    suffixes.push_back("grad_fn=<" + t.grad_fn_name() + ">");
  } else if (t.requires_grad()) {
    suffixes.push_back("requires_grad=True");
  }
  return add_suffixes(prefix + body, suffixes, indent);
}

std::ostream& operator<<(std::ostream& os, const Tensor& t) { return os << to_string(t); }

std::string inspect(const Tensor& t, const std::string& name) {
  const std::string label = name.empty() ? "tensor" : name;
  if (!t.defined()) return label + ": undefined";
  std::ostringstream os;
  os << label << ": shape=" << shape_str(t.sizes()) << " dtype=" << t.dtype()
     << " device=" << t.device() << (t.is_contiguous() ? "" : " (non-contiguous)");
  os << "\n  requires_grad=" << (t.requires_grad() ? "True" : "False")
     << " grad_fn=" << (t.grad_fn() ? t.grad_fn_name() : "none")
     << " grad=" << (t.grad().defined() ? "set" : "none");
  if (t.numel() == 0) {
    os << "\n  empty: no statistics";
    return os.str();
  }
  if (!t.device().is_cpu()) {
    os << "\n  statistics need a CPU tensor";
    return os.str();
  }
  // NaNs are counted and skipped; everything else (infinities too) enters min, max and
  // mean; std is the sample std (N - 1), as torch.std, from a second pass over the values.
  int64_t nans = 0, infs = 0, n = 0;
  double lo = 0, hi = 0, sum = 0, squares = 0;
  dispatch_all(t.dtype(), "inspect", [&]<typename T>() {
    const T* p = static_cast<const T*>(t.data_ptr());
    visit(t, false, 0, 0, [&](int64_t off) {
      double v = convert<double>(p[off]);
      if (std::isnan(v)) {
        ++nans;
        return;
      }
      if (std::isinf(v)) ++infs;
      lo = n == 0 ? v : std::min(lo, v);
      hi = n == 0 ? v : std::max(hi, v);
      sum += v;
      ++n;
    });
    const double mean = sum / static_cast<double>(n);
    visit(t, false, 0, 0, [&](int64_t off) {
      double v = convert<double>(p[off]);
      if (!std::isnan(v)) squares += (v - mean) * (v - mean);
    });
  });
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double mean = n > 0 ? sum / static_cast<double>(n) : nan;
  const double sd = n > 1 ? std::sqrt(squares / static_cast<double>(n - 1)) : nan;
  os << "\n  min=" << number(n > 0 ? lo : nan) << " max=" << number(n > 0 ? hi : nan)
     << " mean=" << number(mean) << " std=" << number(sd) << " nan=" << nans << " inf=" << infs;
  return os.str();
}

}  // namespace ember
