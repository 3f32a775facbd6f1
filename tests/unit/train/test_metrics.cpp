// The metrics log: JSON Lines written and read back, damaged files, trimming for resume.
#include <gtest/gtest.h>

#include <cmath>

#include "ember/core/error.h"
#include "ember/train/metrics.h"
#include "unit/train/train_testing.h"

namespace ember::train {
namespace {

using testing::TempDir;
using test_support::write_file;

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(Metrics, RecordIsOneLineOfJsonWithEveryField) {
  std::string line = to_json_line({.kind = "step",
                                   .split = "train",
                                   .step = 100,
                                   .epoch = 1,
                                   .loss = 0.5,
                                   .accuracy = 0.75,
                                   .lr = 0.001,
                                   .samples_per_s = 2000,
                                   .elapsed_s = 1.5});
  EXPECT_EQ(line,
            R"({"accuracy":0.75,"elapsed_s":1.5,"epoch":1,"kind":"step","loss":0.5,"lr":0.001,)"
            R"("samples_per_s":2000.0,"split":"train","step":100})");
}

TEST(Metrics, WriterAppendsAndReaderReadsBack) {
  TempDir dir;
  std::string path = dir.path("metrics.jsonl");
  {
    MetricsWriter w(path);
    w.write({.kind = "step", .split = "train", .step = 1, .epoch = 1, .loss = 2.0});
  }
  {
    MetricsWriter w(path);  // a second writer appends
    w.write({.kind = "epoch", .split = "test", .step = 2, .epoch = 1, .loss = NAN, .accuracy = 1});
  }
  std::vector<MetricRecord> r = read_metrics(path);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].kind, "step");
  EXPECT_EQ(r[0].loss, 2.0);
  EXPECT_EQ(r[1].split, "test");
  EXPECT_TRUE(std::isnan(r[1].loss));  // written as null
  EXPECT_EQ(r[1].accuracy, 1.0);
}

TEST(Metrics, AnUnfinishedLastLineIsIgnoredOtherDamageIsAnError) {
  TempDir dir;
  std::string good = to_json_line({.kind = "step", .split = "train", .step = 1, .epoch = 1});
  write_file(dir.path("cut.jsonl"), bytes(good + "\n" + good.substr(0, 10)));
  EXPECT_EQ(read_metrics(dir.path("cut.jsonl")).size(), 1u);

  write_file(dir.path("bad.jsonl"), bytes(good + "\nnot json\n" + good + "\n"));
  try {
    read_metrics(dir.path("bad.jsonl"));
    FAIL();
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()), dir.path("bad.jsonl") + ":2: not a JSON object");
  }
  write_file(dir.path("field.jsonl"), bytes("{\"kind\":\"step\"}\n"));
  EXPECT_THROW(read_metrics(dir.path("field.jsonl")), IoError);
  EXPECT_THROW(read_metrics(dir.path("missing.jsonl")), IoError);
}

TEST(Metrics, TruncateKeepsOnlyEpochsUpToTheCheckpoint) {
  TempDir dir;
  std::string path = dir.path("metrics.jsonl");
  {
    MetricsWriter w(path);
    for (int64_t e = 1; e <= 3; ++e) {
      w.write({.kind = "step", .split = "train", .step = e * 10 - 5, .epoch = e});
      w.write({.kind = "epoch", .split = "test", .step = e * 10, .epoch = e});
    }
  }
  truncate_metrics_after(path, 2);
  std::vector<MetricRecord> r = read_metrics(path);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r.back().epoch, 2);
  truncate_metrics_after(dir.path("absent.jsonl"), 1);
  EXPECT_FALSE(std::filesystem::exists(dir.path("absent.jsonl")));
}

}  // namespace
}  // namespace ember::train
