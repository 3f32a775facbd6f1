// Progress output: lines every log_every steps off a terminal, a '\r' bar on one.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "ember/train/progress.h"

namespace ember::train {
namespace {

size_t count(const std::string& s, char c) {
  return static_cast<size_t>(std::count(s.begin(), s.end(), c));
}

TEST(Progress, LinesStylePrintsEveryLogEveryStepsAndTheLast) {
  std::ostringstream os;
  Progress p(os, ProgressStyle::lines, 4);
  p.begin_epoch(2, 3, 10);
  for (int64_t s = 1; s <= 10; ++s) p.update(s, s * 8, 0.5, 0.25, 1e-3);
  p.end_epoch();
  std::string out = os.str();
  EXPECT_EQ(count(out, '\n'), 3u) << out;  // steps 4, 8, 10
  EXPECT_EQ(count(out, '\r'), 0u);
  EXPECT_EQ(out.rfind("epoch 2/3  step 4/10  loss 0.5000  acc 0.2500  lr 0.001  ", 0), 0u) << out;
  EXPECT_NE(out.find("step 10/10"), std::string::npos);
}

TEST(Progress, BarStyleRedrawsInPlaceAndEndsTheLine) {
  std::ostringstream os;
  Progress p(os, ProgressStyle::bar, 4);
  p.begin_epoch(1, 1, 5);
  for (int64_t s = 1; s <= 5; ++s) p.update(s, s * 8, 1.25, 0.5, 1e-3);
  p.end_epoch();
  std::string out = os.str();
  EXPECT_GE(count(out, '\r'), 2u);  // the first draw and the last, whatever the throttle
  EXPECT_EQ(count(out, '\n'), 1u);
  EXPECT_NE(out.find("[####################] 5/5"), std::string::npos) << out;
  EXPECT_NE(out.find("loss 1.2500"), std::string::npos);
  EXPECT_NE(out.find("took "), std::string::npos);
}

TEST(Progress, FormatsDurations) {
  EXPECT_EQ(Progress::format_duration(0), "0:00");
  EXPECT_EQ(Progress::format_duration(65.4), "1:05");
  EXPECT_EQ(Progress::format_duration(3725), "1:02:05");
  EXPECT_EQ(Progress::format_duration(-1), "?");
}

}  // namespace
}  // namespace ember::train
