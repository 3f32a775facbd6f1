// The profiler's recorder (see include/ember/core/profiler.h).
//
// Events are appended, under one mutex, to a process-wide list (for the trace) and folded into
// per-name statistics (for the table) when they end. The mutex is taken only while recording,
// once per event, and events come from the one thread that launches kernels, so it is not
// contended; nesting is tracked per thread without it.
#include "ember/core/profiler.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace ember::profiler {

namespace detail {
std::atomic<bool> enabled{false};
}  // namespace detail

namespace {

struct Event {
  std::string name;
  int64_t start_ns;
  int64_t dur_ns;
  int64_t self_ns;
  uint32_t tid;
};

struct Recorder {
  std::mutex mutex;
  std::unordered_map<std::string, OpStats> stats;
  std::vector<Event> events;
  int64_t dropped = 0;  // events beyond kMaxTraceEvents: in stats, not in events
};

// Leaked on purpose, like cpu_allocator(): a scope closing during static destruction still
// finds it.
Recorder& recorder() {
  static Recorder* r = new Recorder;
  return *r;
}

int64_t now_ns() {
  using clock = std::chrono::steady_clock;
  static const clock::time_point epoch = clock::now();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - epoch).count();
}

// Small thread numbers (1, 2, ...) in order of first use read better in a trace viewer than
// the system's thread ids.
uint32_t thread_number() {
  static std::atomic<uint32_t> next{1};
  thread_local uint32_t number = next.fetch_add(1, std::memory_order_relaxed);
  return number;
}

thread_local Scope* t_current = nullptr;  // the innermost open scope on this thread

void record(std::string name, int64_t start_ns, int64_t dur_ns, int64_t self_ns) {
  uint32_t tid = thread_number();
  Recorder& r = recorder();
  std::lock_guard<std::mutex> lock(r.mutex);
  auto it = r.stats.find(name);
  if (it == r.stats.end()) it = r.stats.emplace(name, OpStats{.name = name}).first;
  it->second.count += 1;
  it->second.total_ns += dur_ns;
  it->second.self_ns += self_ns;
  if (r.events.size() < kMaxTraceEvents) {
    r.events.push_back({std::move(name), start_ns, dur_ns, self_ns, tid});
  } else {
    r.dropped += 1;
  }
}

}  // namespace

void start() { detail::enabled.store(true, std::memory_order_relaxed); }

void stop() { detail::enabled.store(false, std::memory_order_relaxed); }

void clear() {
  Recorder& r = recorder();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.stats.clear();
  r.events.clear();
  r.dropped = 0;
}

Guard::Guard() : previous_(is_enabled()) { start(); }

Guard::~Guard() { detail::enabled.store(previous_, std::memory_order_relaxed); }

void Scope::begin(std::string_view name, std::string_view suffix) {
  name_.reserve(name.size() + suffix.size());
  name_.append(name).append(suffix);
  parent_ = t_current;
  t_current = this;
  active_ = true;
  start_ns_ = now_ns();
}

void Scope::end() noexcept {
  int64_t dur = now_ns() - start_ns_;
  if (parent_ != nullptr) parent_->children_ns_ += dur;
  t_current = parent_;
  try {
    record(std::move(name_), start_ns_, dur, dur - children_ns_);
  } catch (...) {
    // Out of memory while profiling: lose this event rather than throw from a destructor.
  }
}

std::vector<OpStats> op_stats() {
  std::vector<OpStats> out;
  {
    Recorder& r = recorder();
    std::lock_guard<std::mutex> lock(r.mutex);
    out.reserve(r.stats.size());
    for (const auto& [name, s] : r.stats) out.push_back(s);
  }
  std::sort(out.begin(), out.end(), [](const OpStats& a, const OpStats& b) {
    return a.total_ns != b.total_ns ? a.total_ns > b.total_ns : a.name < b.name;
  });
  return out;
}

std::string report() {
  std::vector<OpStats> stats = op_stats();
  std::ostringstream os;
  if (stats.empty()) {
    os << "profiler: no events recorded (record with profiler::Guard or profiler::start())\n";
    return os.str();
  }
  int64_t events = 0;
  int64_t self_total = 0;
  size_t width = 4;
  for (const OpStats& s : stats) {
    events += s.count;
    self_total += s.self_ns;
    width = std::max(width, s.name.size());
  }
  os << std::fixed << "profiler: " << events << " events, " << std::setprecision(3)
     << static_cast<double>(self_total) / 1e6 << " ms of self time\n";
  os << std::left << std::setw(static_cast<int>(width)) << "name" << std::right << std::setw(10)
     << "calls" << std::setw(13) << "total ms" << std::setw(13) << "self ms" << std::setw(9)
     << "self %" << std::setw(12) << "mean us"
     << "\n";
  for (const OpStats& s : stats) {
    double self_pct = self_total > 0
                          ? 100.0 * static_cast<double>(s.self_ns) / static_cast<double>(self_total)
                          : 0.0;
    double mean_us = static_cast<double>(s.total_ns) / 1e3 / static_cast<double>(s.count);
    os << std::left << std::setw(static_cast<int>(width)) << s.name << std::right << std::setw(10)
       << s.count << std::setw(13) << std::setprecision(3) << static_cast<double>(s.total_ns) / 1e6
       << std::setw(13) << static_cast<double>(s.self_ns) / 1e6 << std::setw(8)
       << std::setprecision(1) << self_pct << "%" << std::setw(12) << std::setprecision(3)
       << mean_us << "\n";
  }
  return os.str();
}

std::string chrome_trace_json() {
  nlohmann::json events = nlohmann::json::array();
  int64_t dropped = 0;
  {
    Recorder& r = recorder();
    std::lock_guard<std::mutex> lock(r.mutex);
    const int pid = static_cast<int>(::getpid());
    for (const Event& e : r.events) {
      events.push_back({{"name", e.name},
                        {"ph", "X"},
                        {"ts", static_cast<double>(e.start_ns) / 1e3},
                        {"dur", static_cast<double>(e.dur_ns) / 1e3},
                        {"pid", pid},
                        {"tid", e.tid},
                        {"args", {{"self_us", static_cast<double>(e.self_ns) / 1e3}}}});
    }
    dropped = r.dropped;
  }
  nlohmann::json trace = {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}};
  if (dropped > 0) trace["otherData"] = {{"dropped_events", dropped}};
  return trace.dump();
}

}  // namespace ember::profiler
