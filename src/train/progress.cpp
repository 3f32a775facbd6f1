// The progress bar and progress lines.
#include "ember/train/progress.h"

#include <cmath>
#include <cstdio>

namespace ember::train {

namespace {

constexpr int kBarWidth = 20;
constexpr double kRedrawSeconds = 0.1;

std::string format(const char* fmt, double a) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, a);
  return buf;
}

}  // namespace

Progress::Progress(std::ostream& os, ProgressStyle style, int64_t log_every)
    : os_(os), style_(style), log_every_(log_every < 1 ? 1 : log_every) {}

std::string Progress::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto s = static_cast<int64_t>(std::llround(seconds));
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof(buf), "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof(buf), "%lld:%02lld", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  }
  return buf;
}

void Progress::begin_epoch(int64_t epoch, int64_t epochs, int64_t steps) {
  epoch_ = epoch;
  epochs_ = epochs;
  steps_ = steps;
  start_ = Clock::now();
  drawn_ = false;
  width_ = 0;
}

void Progress::update(int64_t step, int64_t samples, double loss, double accuracy, double lr) {
  Clock::time_point now = Clock::now();
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double rate = elapsed > 0 ? static_cast<double>(samples) / elapsed : 0.0;
  std::string head = "epoch " + std::to_string(epoch_) + "/" + std::to_string(epochs_);
  std::string counts = std::to_string(step) + "/" + std::to_string(steps_);
  if (style_ == ProgressStyle::lines) {
    if (step % log_every_ != 0 && step != steps_) return;
    os_ << head << "  step " << counts << "  loss " << format("%.4f", loss) << "  acc "
        << format("%.4f", accuracy) << "  lr " << format("%.3g", lr) << "  " << format("%.0f", rate)
        << " samples/s\n"
        << std::flush;
    return;
  }
  bool last = step == steps_;
  if (drawn_ && !last && std::chrono::duration<double>(now - last_draw_).count() < kRedrawSeconds) {
    return;
  }
  last_draw_ = now;
  drawn_ = true;
  int64_t filled = steps_ > 0 ? step * kBarWidth / steps_ : kBarWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kBarWidth, '.');
  double eta =
      step > 0 ? elapsed * static_cast<double>(steps_ - step) / static_cast<double>(step) : NAN;
  std::string line = head + " [" + bar + "] " + counts + "  " + format("%.0f", rate) +
                     " samples/s  " +
                     (last ? "took " + format_duration(elapsed) : "ETA " + format_duration(eta)) +
                     "  loss " + format("%.4f", loss) + "  acc " + format("%.4f", accuracy);
  size_t width = line.size();
  // Blanks over the end of a longer previous line.
  if (width < width_) line.append(width_ - width, ' ');
  width_ = width;
  os_ << '\r' << line << std::flush;
}

void Progress::end_epoch() {
  if (style_ == ProgressStyle::bar && drawn_) os_ << '\n' << std::flush;
}

}  // namespace ember::train
