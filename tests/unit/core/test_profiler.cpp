// The profiler: kernel launches and backward nodes counted per op, self versus total time of
// nested events, the sorted table, the Chrome trace file (parsed back with nlohmann-json),
// Guard's restore, events from several threads, and that nothing is recorded while it is off.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ember/core/profiler.h"
#include "ember/ember.h"
#include "ember/io/chrome_trace.h"

namespace ember {
namespace {

// Every test starts and ends with the profiler off and empty: its state is process-wide.
class Profiler : public ::testing::Test {
 protected:
  void SetUp() override {
    profiler::stop();
    profiler::clear();
  }
  void TearDown() override {
    profiler::stop();
    profiler::clear();
  }
};

std::map<std::string, profiler::OpStats> stats_by_name() {
  std::map<std::string, profiler::OpStats> m;
  for (const auto& s : profiler::op_stats()) m[s.name] = s;
  return m;
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST_F(Profiler, CountsEachKernelLaunchUnderItsOpName) {
  Tensor a = ones({3, 5});
  Tensor b = full({3, 5}, 2.0);
  {
    profiler::Guard guard;
    Tensor c = a + b;
    Tensor d = add(c, a);
    Tensor e = exp(d * b);
  }
  auto stats = stats_by_name();
  std::set<std::string> names;
  for (const auto& [name, s] : stats) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"add", "mul", "exp"}));
  EXPECT_EQ(stats["add"].count, 2);
  EXPECT_EQ(stats["mul"].count, 1);
  EXPECT_EQ(stats["exp"].count, 1);
  for (const auto& [name, s] : stats) {
    EXPECT_GE(s.total_ns, 0) << name;
    EXPECT_EQ(s.self_ns, s.total_ns) << name << ": a kernel launches no nested events";
  }
}

TEST_F(Profiler, DisabledProfilerRecordsNothing) {
  Tensor x = ones({4}).requires_grad_();
  EXPECT_FALSE(profiler::is_enabled());
  Tensor loss = sum(exp(x) * x);
  loss.backward();
  { profiler::Scope scope("user"); }
  EXPECT_TRUE(profiler::op_stats().empty());
  EXPECT_EQ(nlohmann::json::parse(profiler::chrome_trace_json())["traceEvents"].size(), 0u);
  EXPECT_NE(profiler::report().find("no events recorded"), std::string::npos);
}

TEST_F(Profiler, BackwardNodesAreTimedAsOpBackwardAroundTheirKernels) {
  Tensor x = full({2, 3}, 0.5).requires_grad_();
  Tensor loss = sum(exp(x));
  {
    profiler::Guard guard;
    loss.backward();
  }
  auto stats = stats_by_name();
  ASSERT_TRUE(stats.count("exp_backward")) << profiler::report();
  ASSERT_TRUE(stats.count("sum_backward")) << profiler::report();
  EXPECT_EQ(stats["exp_backward"].count, 1);
  EXPECT_EQ(stats["sum_backward"].count, 1);
  // exp's backward multiplies the incoming gradient by exp(x): a kernel inside the node, so
  // the node's self time excludes it.
  ASSERT_TRUE(stats.count("mul")) << profiler::report();
  EXPECT_LE(stats["exp_backward"].self_ns + stats["mul"].total_ns, stats["exp_backward"].total_ns);
  EXPECT_EQ(stats.count("exp"), 0u) << "no forward ran inside the guard";
}

TEST_F(Profiler, NestedScopesSplitSelfFromTotal) {
  {
    profiler::Guard guard;
    profiler::Scope outer("outer");
    sleep_ms(2);
    {
      profiler::Scope inner("inner");
      sleep_ms(5);
    }
    {
      profiler::Scope inner("inner");
      sleep_ms(1);
    }
  }
  auto stats = stats_by_name();
  const auto& outer = stats["outer"];
  const auto& inner = stats["inner"];
  EXPECT_EQ(outer.count, 1);
  EXPECT_EQ(inner.count, 2);
  EXPECT_GE(inner.total_ns, 6'000'000);
  EXPECT_EQ(inner.self_ns, inner.total_ns);
  EXPECT_EQ(outer.self_ns, outer.total_ns - inner.total_ns);
  EXPECT_GE(outer.self_ns, 2'000'000);
  EXPECT_GE(outer.total_ns, 8'000'000);
}

TEST_F(Profiler, ScopeAppendsItsSuffix) {
  {
    profiler::Guard guard;
    profiler::Scope scope("relu", "_backward");
  }
  auto stats = profiler::op_stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].name, "relu_backward");
}

TEST_F(Profiler, ReportIsSortedByTotalTime) {
  {
    profiler::Guard guard;
    {
      profiler::Scope s("short");
      sleep_ms(1);
    }
    {
      profiler::Scope s("long");
      sleep_ms(40);
    }
    for (int i = 0; i < 3; ++i) {
      profiler::Scope s("middle");
      sleep_ms(1);
    }
  }
  auto stats = profiler::op_stats();
  ASSERT_EQ(stats.size(), 3u);
  EXPECT_EQ(stats[0].name, "long");  // 40 ms against a few: safe even on a loaded machine
  for (size_t i = 1; i < stats.size(); ++i) {
    EXPECT_GE(stats[i - 1].total_ns, stats[i].total_ns)
        << stats[i - 1].name << " before " << stats[i].name;
  }
  EXPECT_EQ(stats_by_name()["middle"].count, 3);

  std::string table = profiler::report();
  EXPECT_NE(table.find("5 events"), std::string::npos) << table;
  EXPECT_NE(table.find("calls"), std::string::npos) << table;
  EXPECT_NE(table.find("self %"), std::string::npos) << table;
  size_t previous = 0;
  for (const auto& s : stats) {  // the table's rows in op_stats() order
    size_t row = table.find("\n" + s.name + " ");
    ASSERT_NE(row, std::string::npos) << s.name << " missing in\n" << table;
    EXPECT_GT(row, previous) << table;
    previous = row;
  }
}

TEST_F(Profiler, ChromeTraceFileParsesAndHoldsEveryEvent) {
  Tensor x = full({3, 4}, 0.25).requires_grad_();
  {
    profiler::Guard guard;
    profiler::Scope step("step");
    Tensor loss = sum(x * x);
    loss.backward();
  }
  auto path = std::filesystem::temp_directory_path() /
              ("ember_test_trace_" + std::to_string(::getpid()) + ".json");
  profiler::export_chrome_trace(path.string());
  std::ifstream in(path);
  ASSERT_TRUE(in.good()) << path;
  nlohmann::json trace = nlohmann::json::parse(in);
  std::filesystem::remove(path);

  ASSERT_TRUE(trace.contains("traceEvents"));
  const auto& events = trace["traceEvents"];
  std::map<std::string, int64_t> counts;
  for (const auto& e : events) {
    for (const char* key : {"name", "ph", "ts", "dur", "pid", "tid", "args"}) {
      ASSERT_TRUE(e.contains(key)) << key << " missing in " << e.dump();
    }
    EXPECT_EQ(e["ph"], "X");
    EXPECT_GE(e["dur"].get<double>(), 0.0);
    EXPECT_LE(e["args"]["self_us"].get<double>(), e["dur"].get<double>());
    counts[e["name"].get<std::string>()] += 1;
  }
  for (const auto& s : profiler::op_stats()) EXPECT_EQ(counts[s.name], s.count) << s.name;
  EXPECT_EQ(counts["step"], 1);
  EXPECT_EQ(counts["mul_backward"], 1);
  EXPECT_EQ(counts["sum_backward"], 1);
  EXPECT_GE(counts["mul"], 1);

  // The step encloses every other event in time, on the same thread.
  const nlohmann::json* step = nullptr;
  for (const auto& e : events) {
    if (e["name"] == "step") step = &e;
  }
  ASSERT_NE(step, nullptr);
  double begin = (*step)["ts"].get<double>();
  double end = begin + (*step)["dur"].get<double>();
  for (const auto& e : events) {
    EXPECT_EQ(e["tid"], (*step)["tid"]);
    EXPECT_GE(e["ts"].get<double>(), begin - 1e-3) << e.dump();
    EXPECT_LE(e["ts"].get<double>() + e["dur"].get<double>(), end + 1e-3) << e.dump();
  }
}

TEST_F(Profiler, ExportToAMissingDirectoryThrowsIoError) {
  EXPECT_THROW(profiler::export_chrome_trace("/nonexistent-ember-dir/trace.json"), IoError);
}

TEST_F(Profiler, GuardRestoresThePreviousState) {
  {
    profiler::Guard guard;
    EXPECT_TRUE(profiler::is_enabled());
  }
  EXPECT_FALSE(profiler::is_enabled());
  profiler::start();
  { profiler::Guard guard; }
  EXPECT_TRUE(profiler::is_enabled()) << "an inner Guard must not stop an outer recording";
  profiler::stop();
}

TEST_F(Profiler, EventsAccumulateAcrossStartStopUntilClear) {
  for (int i = 0; i < 2; ++i) {
    profiler::Guard guard;
    profiler::Scope s("phase");
  }
  EXPECT_EQ(profiler::op_stats().at(0).count, 2);
  profiler::clear();
  EXPECT_TRUE(profiler::op_stats().empty());
}

TEST_F(Profiler, ThreadsNestTheirOwnEvents) {
  {
    profiler::Guard guard;
    auto work = [] {
      profiler::Scope outer("worker");
      profiler::Scope inner("worker_inner");
      sleep_ms(2);
    };
    std::thread t1(work);
    std::thread t2(work);
    t1.join();
    t2.join();
  }
  auto stats = stats_by_name();
  EXPECT_EQ(stats["worker"].count, 2);
  EXPECT_EQ(stats["worker_inner"].count, 2);
  EXPECT_EQ(stats["worker"].self_ns, stats["worker"].total_ns - stats["worker_inner"].total_ns);
  std::set<int64_t> tids;
  nlohmann::json trace = nlohmann::json::parse(profiler::chrome_trace_json());
  for (const auto& e : trace["traceEvents"]) {
    tids.insert(e["tid"].get<int64_t>());
  }
  EXPECT_EQ(tids.size(), 2u);
}

}  // namespace
}  // namespace ember
