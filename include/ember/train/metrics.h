// The metrics log of a run: JSON Lines in <run dir>/metrics.jsonl, one object per line.
//
//   {"kind":"step","split":"train","step":100,"epoch":1,"loss":0.61,"accuracy":0.78,
//    "lr":0.001,"samples_per_s":5120.3,"elapsed_s":1.25}
//
// "step" records come every log_every optimizer steps; loss and accuracy are means over the
// batches since the previous step record. "epoch" records come once per epoch for split
// "train" (means over the epoch) and "test" (the evaluation after it). `step` is the number
// of optimizer steps taken, `epoch` is 1-based (the epoch being trained, or just finished).
// Each line is flushed as it is written, so the log survives a crash up to its last line.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

namespace ember::train {

struct MetricRecord {
  std::string kind;   // "step" or "epoch"
  std::string split;  // "train" or "test"
  int64_t step = 0;
  int64_t epoch = 0;
  double loss = 0.0;
  double accuracy = 0.0;
  double lr = 0.0;
  double samples_per_s = 0.0;
  double elapsed_s = 0.0;
};

/// The record as one line of JSON (no newline).
std::string to_json_line(const MetricRecord& record);

/// Appends records to a metrics file.
class MetricsWriter {
 public:
  /// Opens `path` for appending (creating it). IoError naming the path when it cannot.
  explicit MetricsWriter(const std::string& path);
  /// Writes one line and flushes it; IoError when the write fails (disk full).
  void write(const MetricRecord& record);

 private:
  std::string path_;
  std::ofstream out_;
};

/// Every record of a metrics file, in order. An unfinished last line (a run killed while
/// writing it) is ignored; any other malformed line throws IoError naming path:line.
std::vector<MetricRecord> read_metrics(const std::string& path);

/// Rewrites `path` atomically with only the records of epochs <= `epoch` (resuming from a
/// checkpoint taken after `epoch` drops what an interrupted run logged later). Nothing
/// happens when the file does not exist.
void truncate_metrics_after(const std::string& path, int64_t epoch);

}  // namespace ember::train
