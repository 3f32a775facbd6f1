// The SVG of training curves: layout, axes with "nice" ticks, series, legend.
#include "ember/train/plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <sstream>

#include "ember/core/error.h"
#include "ember/io/safetensors.h"

namespace ember::train {

namespace {

constexpr double kWidth = 1000, kHeight = 440;
constexpr double kPanelWidth = kWidth / 2;
// Plot area inside each panel: room on the left for tick labels and the axis title, below
// for the step axis, above for the panel title.
constexpr double kLeft = 70, kRight = 20, kTop = 80, kBottom = 60;

constexpr const char* kStepColor = "#9ecae1";
constexpr const char* kTrainColor = "#1f77b4";
constexpr const char* kTestColor = "#ff7f0e";

struct Point {
  double x, y;
};

struct Series {
  std::vector<Point> loss, accuracy;
};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", v);
  return buf;
}

std::string tick_label(double v, double step) {
  char buf[32];
  if (std::abs(v) < step * 1e-6) v = 0;
  if (std::abs(v) >= 1e5 || (v != 0 && std::abs(v) < 1e-3)) {
    std::snprintf(buf, sizeof(buf), "%.3g", v);
  } else {
    int decimals = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
    std::snprintf(buf, sizeof(buf), "%.*f", std::min(decimals, 6), v);
  }
  return buf;
}

// Heckbert's nice numbers: a step of 1, 2 or 5 times a power of ten giving about `target`
// ticks, and the range widened to whole steps.
struct Axis {
  double lo, hi, step;
};

Axis nice_axis(double lo, double hi, int target) {
  if (!(hi > lo)) {
    double pad = std::abs(lo) > 0 ? std::abs(lo) * 0.5 : 1.0;
    lo -= pad;
    hi += pad;
  }
  double raw = (hi - lo) / target;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double f = raw / mag;
  double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

void range_of(const std::vector<Point>& pts, double& lo, double& hi, bool use_x) {
  for (const Point& p : pts) {
    double v = use_x ? p.x : p.y;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
}

class Panel {
 public:
  Panel(double x0, Axis x, Axis y) : x0_(x0), x_(x), y_(y) {}

  double px(double v) const {
    return x0_ + kLeft + (v - x_.lo) / (x_.hi - x_.lo) * (kPanelWidth - kLeft - kRight);
  }
  double py(double v) const {
    return kTop + (y_.hi - v) / (y_.hi - y_.lo) * (kHeight - kTop - kBottom);
  }

  void axes(std::ostringstream& os, const std::string& title, const std::string& y_title) const {
    double left = px(x_.lo), right = px(x_.hi), top = py(y_.hi), bottom = py(y_.lo);
    os << "<g class=\"axes\">\n";
    for (double v = y_.lo; v <= y_.hi + y_.step * 1e-6; v += y_.step) {
      os << "<line x1=\"" << num(left) << "\" y1=\"" << num(py(v)) << "\" x2=\"" << num(right)
         << "\" y2=\"" << num(py(v)) << "\" stroke=\"#e5e5e5\"/>\n"
         << "<text x=\"" << num(left - 6) << "\" y=\"" << num(py(v) + 4)
         << "\" text-anchor=\"end\">" << tick_label(v, y_.step) << "</text>\n";
    }
    for (double v = x_.lo; v <= x_.hi + x_.step * 1e-6; v += x_.step) {
      os << "<line x1=\"" << num(px(v)) << "\" y1=\"" << num(bottom) << "\" x2=\"" << num(px(v))
         << "\" y2=\"" << num(bottom + 5) << "\" stroke=\"#333\"/>\n"
         << "<text x=\"" << num(px(v)) << "\" y=\"" << num(bottom + 18)
         << "\" text-anchor=\"middle\">" << tick_label(v, x_.step) << "</text>\n";
    }
    os << "<rect x=\"" << num(left) << "\" y=\"" << num(top) << "\" width=\"" << num(right - left)
       << "\" height=\"" << num(bottom - top) << "\" fill=\"none\" stroke=\"#333\"/>\n"
       << "<text x=\"" << num((left + right) / 2) << "\" y=\"" << num(top - 10)
       << "\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">" << escape(title)
       << "</text>\n"
       << "<text x=\"" << num((left + right) / 2) << "\" y=\"" << num(bottom + 40)
       << "\" text-anchor=\"middle\">step</text>\n"
       << "<text transform=\"translate(" << num(x0_ + 18) << "," << num((top + bottom) / 2)
       << ") rotate(-90)\" text-anchor=\"middle\">" << escape(y_title) << "</text>\n"
       << "</g>\n";
  }

  void line(std::ostringstream& os, const std::vector<Point>& pts, const char* color, double width,
            const char* name) const {
    if (pts.empty()) return;
    os << "<polyline class=\"" << name << "\" fill=\"none\" stroke=\"" << color
       << "\" stroke-width=\"" << width << "\" stroke-linejoin=\"round\" points=\"";
    for (size_t i = 0; i < pts.size(); ++i) {
      os << (i ? " " : "") << num(px(pts[i].x)) << "," << num(py(pts[i].y));
    }
    os << "\"/>\n";
  }

  void markers(std::ostringstream& os, const std::vector<Point>& pts, const char* color,
               bool square) const {
    for (const Point& p : pts) {
      if (square) {
        os << "<rect x=\"" << num(px(p.x) - 3.5) << "\" y=\"" << num(py(p.y) - 3.5)
           << "\" width=\"7\" height=\"7\" fill=\"" << color << "\"/>\n";
      } else {
        os << "<circle cx=\"" << num(px(p.x)) << "\" cy=\"" << num(py(p.y)) << "\" r=\"4\" fill=\""
           << color << "\"/>\n";
      }
    }
  }

 private:
  double x0_;
  Axis x_, y_;
};

void legend(std::ostringstream& os) {
  struct Entry {
    const char* label;
    const char* color;
    double width;
    int marker;  // 0 none, 1 circle, 2 square
  };
  const Entry entries[] = {{"train (per step)", kStepColor, 1.2, 0},
                           {"train (epoch mean)", kTrainColor, 2, 1},
                           {"test (end of epoch)", kTestColor, 2, 2}};
  double x = kWidth / 2 - 300;
  const double y = 42;
  os << "<g class=\"legend\">\n";
  for (const Entry& e : entries) {
    os << "<line x1=\"" << num(x) << "\" y1=\"" << num(y) << "\" x2=\"" << num(x + 30) << "\" y2=\""
       << num(y) << "\" stroke=\"" << e.color << "\" stroke-width=\"" << e.width << "\"/>\n";
    if (e.marker == 1) {
      os << "<circle cx=\"" << num(x + 15) << "\" cy=\"" << num(y) << "\" r=\"4\" fill=\""
         << e.color << "\"/>\n";
    } else if (e.marker == 2) {
      os << "<rect x=\"" << num(x + 11.5) << "\" y=\"" << num(y - 3.5)
         << "\" width=\"7\" height=\"7\" fill=\"" << e.color << "\"/>\n";
    }
    os << "<text x=\"" << num(x + 38) << "\" y=\"" << num(y + 4) << "\">" << e.label << "</text>\n";
    x += 200;
  }
  os << "</g>\n";
}

void add(std::vector<Point>& pts, double x, double y) {
  if (std::isfinite(x) && std::isfinite(y)) pts.push_back({x, y});
}

}  // namespace

std::string render_curves_svg(const std::vector<MetricRecord>& records, const std::string& title) {
  EMBER_CHECK(!records.empty(), "plot: expected metrics records, got none");
  Series step, train_epoch, test_epoch;
  for (const MetricRecord& r : records) {
    Series* s = r.kind == "step" ? &step : r.split == "test" ? &test_epoch : &train_epoch;
    auto x = static_cast<double>(r.step);
    add(s->loss, x, r.loss);
    add(s->accuracy, x, r.accuracy);
  }

  constexpr double inf = std::numeric_limits<double>::infinity();
  double x_lo = inf, x_hi = -inf, loss_lo = inf, loss_hi = -inf, acc_lo = inf, acc_hi = -inf;
  for (const Series* s : {&step, &train_epoch, &test_epoch}) {
    range_of(s->loss, x_lo, x_hi, true);
    range_of(s->accuracy, x_lo, x_hi, true);
    range_of(s->loss, loss_lo, loss_hi, false);
    range_of(s->accuracy, acc_lo, acc_hi, false);
  }
  if (x_lo > x_hi) x_lo = x_hi = 0;  // only non-finite values
  if (loss_lo > loss_hi) loss_lo = loss_hi = 0;
  if (acc_lo > acc_hi) acc_lo = acc_hi = 0;
  Axis x = nice_axis(std::min(0.0, x_lo), x_hi, 6);
  Axis loss_axis = nice_axis(std::min(0.0, loss_lo), loss_hi, 5);
  Axis acc_axis = nice_axis(acc_lo, acc_hi, 5);
  acc_axis.lo = std::max(acc_axis.lo, 0.0);
  acc_axis.hi = std::min(std::max(acc_axis.hi, acc_axis.lo + acc_axis.step), 1.0);
  if (acc_axis.hi <= acc_axis.lo) acc_axis = {0.0, 1.0, 0.2};

  std::ostringstream os;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << kWidth
     << "\" height=\"" << kHeight << "\" viewBox=\"0 0 " << kWidth << " " << kHeight
     << "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
     << "<title>" << escape(title) << "</title>\n"
     << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
     << "<text x=\"" << num(kWidth / 2) << "\" y=\"22\" text-anchor=\"middle\" font-size=\"16\">"
     << escape(title) << "</text>\n";
  legend(os);

  Panel loss(0, x, loss_axis), accuracy(kPanelWidth, x, acc_axis);
  loss.axes(os, "loss", "cross-entropy loss");
  accuracy.axes(os, "accuracy", "accuracy");
  loss.line(os, step.loss, kStepColor, 1.2, "train-step");
  accuracy.line(os, step.accuracy, kStepColor, 1.2, "train-step");
  loss.line(os, train_epoch.loss, kTrainColor, 2, "train-epoch");
  accuracy.line(os, train_epoch.accuracy, kTrainColor, 2, "train-epoch");
  loss.markers(os, train_epoch.loss, kTrainColor, false);
  accuracy.markers(os, train_epoch.accuracy, kTrainColor, false);
  loss.line(os, test_epoch.loss, kTestColor, 2, "test-epoch");
  accuracy.line(os, test_epoch.accuracy, kTestColor, 2, "test-epoch");
  loss.markers(os, test_epoch.loss, kTestColor, true);
  accuracy.markers(os, test_epoch.accuracy, kTestColor, true);
  os << "</svg>\n";
  return os.str();
}

std::string plot_run(const std::string& run_dir, const std::string& out) {
  namespace fs = std::filesystem;
  std::string metrics = (fs::path(run_dir) / "metrics.jsonl").string();
  EMBER_CHECK_IO(fs::exists(metrics), "plot: ", metrics,
                 " does not exist (expected a run directory written by `ember train`)");
  std::vector<MetricRecord> records = read_metrics(metrics);
  EMBER_CHECK(!records.empty(), "plot: ", metrics, " holds no records");
  std::string path = out.empty() ? (fs::path(run_dir) / "curves.svg").string() : out;
  std::string title = fs::path(run_dir).lexically_normal().filename().string();
  if (title.empty()) title = fs::path(run_dir).lexically_normal().parent_path().filename().string();
  std::string svg = render_curves_svg(records, "training curves: " + title);
  io::write_file_atomic(path, svg.data(), svg.size());
  return path;
}

}  // namespace ember::train
