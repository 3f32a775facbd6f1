// Progress output of a training run, for people watching it.
//
// Two styles: `bar` redraws one line per epoch in place with '\r' (for a terminal):
//
//   epoch 1/10 [#########...........]  412/938  5210 samples/s  ETA 0:06  loss 0.6123
//
// and `lines` prints one plain line every log_every steps (for logs and pipes, where '\r'
// would pile up). The caller picks the style (the CLI: bar when stdout is a terminal); the
// Trainer prints nothing at all when quiet. Redraws are throttled to ten a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace ember::train {

enum class ProgressStyle { bar, lines };

class Progress {
 public:
  Progress(std::ostream& os, ProgressStyle style, int64_t log_every);

  void begin_epoch(int64_t epoch, int64_t epochs, int64_t steps);
  /// After step `step` (1-based) of the epoch: samples seen in the epoch, the running mean
  /// loss and accuracy of the epoch, and the lr.
  void update(int64_t step, int64_t samples, double loss, double accuracy, double lr);
  /// Ends the bar's line (nothing for lines).
  void end_epoch();

  /// "1:02:03" or "2:03": seconds as [h:]mm:ss.
  static std::string format_duration(double seconds);

 private:
  using Clock = std::chrono::steady_clock;

  std::ostream& os_;
  ProgressStyle style_;
  int64_t log_every_;
  int64_t epoch_ = 0;
  int64_t epochs_ = 0;
  int64_t steps_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  bool drawn_ = false;
  size_t width_ = 0;  // length of the bar line last drawn
};

}  // namespace ember::train
