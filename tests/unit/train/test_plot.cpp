// The curves SVG: well-formed XML (every element closed, properly nested), the three series
// in both panels, axis titles, tick labels and the legend.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>

#include "ember/core/error.h"
#include "ember/train/plot.h"
#include "unit/train/train_testing.h"

namespace ember::train {
namespace {

using testing::TempDir;

std::vector<MetricRecord> sample_records() {
  std::vector<MetricRecord> r;
  for (int64_t e = 1; e <= 3; ++e) {
    for (int64_t s = 1; s <= 4; ++s) {
      int64_t step = (e - 1) * 40 + s * 10;
      r.push_back({.kind = "step",
                   .split = "train",
                   .step = step,
                   .epoch = e,
                   .loss = 2.0 / static_cast<double>(step),
                   .accuracy = 0.5 + 0.001 * step});
    }
    r.push_back({.kind = "epoch",
                 .split = "train",
                 .step = e * 40,
                 .epoch = e,
                 .loss = 0.6 / e,
                 .accuracy = 0.7 + 0.05 * e});
    r.push_back({.kind = "epoch",
                 .split = "test",
                 .step = e * 40,
                 .epoch = e,
                 .loss = 0.7 / e,
                 .accuracy = 0.68 + 0.05 * e});
  }
  r[3].loss = NAN;  // a diverged step is skipped, not drawn
  return r;
}

// Checks that tags open and close in nesting order; returns the element names seen.
std::vector<std::string> check_balanced(const std::string& svg) {
  std::regex tag(R"(<(/?)([a-zA-Z?][\w:-]*)[^>]*?(/?)>)");
  std::vector<std::string> stack, seen;
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), tag); it != std::sregex_iterator();
       ++it) {
    std::string name = (*it)[2];
    if (name == "?xml") continue;
    seen.push_back(name);
    if ((*it)[1] == "/") {
      EXPECT_FALSE(stack.empty()) << "unexpected </" << name << ">";
      if (stack.empty()) break;
      EXPECT_EQ(stack.back(), name);
      stack.pop_back();
    } else if ((*it)[3] != "/") {
      stack.push_back(name);
    }
  }
  EXPECT_TRUE(stack.empty()) << "unclosed <" << (stack.empty() ? "" : stack.back()) << ">";
  return seen;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(Plot, SvgIsWellFormedWithBothPanelsSeriesAndLabels) {
  std::string svg = render_curves_svg(sample_records(), "run <a & b>");
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  std::vector<std::string> elements = check_balanced(svg);
  EXPECT_EQ(elements.front(), "svg");
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("run &lt;a &amp; b&gt;"), std::string::npos);  // escaped title
  EXPECT_EQ(count(svg, "class=\"train-step\""), 2u);
  EXPECT_EQ(count(svg, "class=\"train-epoch\""), 2u);
  EXPECT_EQ(count(svg, "class=\"test-epoch\""), 2u);
  EXPECT_EQ(count(svg, "<circle"), 2u * 3 + 1);  // train-epoch markers + legend
  for (const char* text : {">loss<", ">accuracy<", ">step<", ">cross-entropy loss<",
                           ">train (per step)<", ">train (epoch mean)<", ">test (end of epoch)<"}) {
    EXPECT_NE(svg.find(text), std::string::npos) << text;
  }
  EXPECT_NE(svg.find(">120<"), std::string::npos);  // the last step is a tick
  EXPECT_EQ(svg.find("nan"), std::string::npos);
}

TEST(Plot, OnlyEpochRecordsOrASinglePointStillPlot) {
  std::vector<MetricRecord> one = {
      {.kind = "epoch", .split = "test", .step = 5, .epoch = 1, .loss = 1, .accuracy = 1}};
  std::string svg = render_curves_svg(one, "one");
  check_balanced(svg);
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
  EXPECT_THROW(render_curves_svg({}, "none"), ValueError);
}

TEST(Plot, PlotRunWritesCurvesSvgIntoTheRunDirectory) {
  TempDir dir;
  {
    MetricsWriter w(dir.path("metrics.jsonl"));
    for (const MetricRecord& r : sample_records()) w.write(r);
  }
  EXPECT_EQ(plot_run(dir.dir()), dir.path("curves.svg"));
  EXPECT_TRUE(std::filesystem::exists(dir.path("curves.svg")));
  EXPECT_EQ(plot_run(dir.dir(), dir.path("other.svg")), dir.path("other.svg"));
  try {
    plot_run(dir.path("nowhere"));
    FAIL();
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path("nowhere/metrics.jsonl")), std::string::npos);
  }
}

}  // namespace
}  // namespace ember::train
