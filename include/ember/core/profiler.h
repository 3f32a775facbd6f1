// The profiler: per-op call counts and wall time, as a table and as Chrome trace events.
//
// Events come from three places: every kernel launch (the kernel table's call wrapper in
// src/kernels/kernels.h) is an event named after its op ("matmul"); every backward node run
// by the autograd engine is "<op>_backward"; users time their own code with Scope ("forward",
// "optimizer"). While the profiler is off each of these costs one relaxed atomic load.
//
// Events nest per thread: an event's self time is its total time minus the total time of the
// events that ran directly inside it on the same thread. Kernels are launched from one
// thread; parallel_for's workers record nothing, so a kernel's time is its launch's wall time.
//
// Core writes no files: the trace file writer is profiler::export_chrome_trace in
// ember/io/chrome_trace.h.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ember::profiler {

namespace detail {
extern std::atomic<bool> enabled;
}  // namespace detail

/// True while recording.
inline bool is_enabled() noexcept { return detail::enabled.load(std::memory_order_relaxed); }

/// Starts recording. Events accumulate across start()/stop() pairs until clear().
void start();
/// Stops recording; scopes already open still record when they close.
void stop();
/// Forgets every recorded event and statistic.
void clear();

/// Records for its lifetime: starts the profiler on construction and, on destruction, puts
/// it back as it was (off, unless an outer Guard or start() had turned it on).
class Guard {
 public:
  Guard();
  ~Guard();
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

 private:
  bool previous_;
};

/// Times the enclosing block as one event named name + suffix (the suffix saves callers
/// from building a string that is not needed while the profiler is off). Does nothing when
/// the profiler is off at construction.
class Scope {
 public:
  explicit Scope(std::string_view name, std::string_view suffix = {}) {
    if (is_enabled()) [[unlikely]] {
      begin(name, suffix);
    }
  }
  ~Scope() {
    if (active_) [[unlikely]] {
      end();
    }
  }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  void begin(std::string_view name, std::string_view suffix);
  void end() noexcept;

  bool active_ = false;
  std::string name_;
  int64_t start_ns_ = 0;
  int64_t children_ns_ = 0;  // total time of the events directly inside this one
  Scope* parent_ = nullptr;  // the enclosing open scope on this thread
};

/// Aggregate of every event with one name.
struct OpStats {
  std::string name;
  int64_t count = 0;
  int64_t total_ns = 0;  // sum of the events' wall times
  int64_t self_ns = 0;   // the same minus the time of events nested inside them
};

/// One statistic per event name, by total time (longest first; ties by name). When events
/// of one name nest inside each other (a recursive Scope) the inner ones count in the outer
/// ones' total too, as in PyTorch's profiler.
std::vector<OpStats> op_stats();

/// op_stats() as a table: name, calls, total ms, self ms, self % (of all self time), mean us.
std::string report();

/// The recorded events in the Chrome trace event format ({"traceEvents": [{"name", "ph":
/// "X", "ts", "dur", "pid", "tid", "args": {"self_us"}}, ...]}; times in microseconds since
/// the process's first profiler use), which chrome://tracing and https://ui.perfetto.dev open.
/// Keeps the first kMaxTraceEvents events; op_stats() counts all of them.
std::string chrome_trace_json();

inline constexpr size_t kMaxTraceEvents = size_t{1} << 21;

}  // namespace ember::profiler
