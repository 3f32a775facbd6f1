// The `ember` binary end to end: train, eval, plot and inspect on a small synthetic
// MNIST-format directory (and on real Fashion-MNIST when installed), and every bad input the
// training stack promises to reject with one line, the right exit code and no files left.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "unit/train/train_testing.h"

namespace ember::train {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

struct CliRun {
  int rc = -1;
  std::string out, err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

// Runs `ember args...` with stdout and stderr captured into files of `dir`.
CliRun ember(const TempDir& dir, const std::vector<std::string>& args) {
  std::string cmd = quote(EMBER_CLI_PATH);
  for (const auto& a : args) cmd += " " + quote(a);
  std::string out = dir.path("stdout.txt"), err = dir.path("stderr.txt");
  cmd += " >" + quote(out) + " 2>" + quote(err) + " </dev/null";
  int status = std::system(cmd.c_str());
  CliRun r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

std::string describe(const CliRun& r) { return "stdout:\n" + r.out + "\nstderr:\n" + r.err; }

// A failure: exit code `rc`, one line on stderr "error: ..." containing every `needles`.
void expect_error(const CliRun& r, int rc, const std::vector<std::string>& needles) {
  EXPECT_EQ(r.rc, rc) << describe(r);
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << describe(r);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << describe(r);
  for (const auto& n : needles)
    EXPECT_NE(r.err.find(n), std::string::npos) << n << "\n" << describe(r);
}

std::vector<std::string> train_args(const std::string& data, const std::string& out) {
  return {"train", "--model",     "mlp",  "--data", data,   "--epochs", "2", "--batch-size",
          "32",    "--optimizer", "adam", "--lr",   "1e-3", "--seed",   "1", "--log-every",
          "5",     "--out",       out};
}

class CliTrain : public ::testing::Test {
 protected:
  void SetUp() override { testing::write_idx_dir(data_, 300, 100); }

  TempDir dir_;
  std::string data_ = dir_.path("data");
  std::string run_ = dir_.path("run");
};

TEST_F(CliTrain, TrainsEvaluatesPlotsAndInspects) {
  CliRun r = ember(dir_, train_args(data_, run_));
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex(R"(\ntest accuracy: [01]\.\d{4} \(best [01]\.\d{4} at epoch [12]\)\n$)")))
      << r.out;
  EXPECT_NE(r.out.find("epoch 1/2  step 5/10  loss "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("epoch 2/2: train loss "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << "a progress bar off a terminal";
  EXPECT_EQ(r.err, "");
  for (const char* f : {"last.safetensors", "best.safetensors", "metrics.jsonl"}) {
    EXPECT_TRUE(fs::exists(run_ + "/" + f)) << f;
  }

  r = ember(dir_, {"eval", "--checkpoint", run_ + "/best.safetensors"});
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(test accuracy: [01]\.\d{4} \(\d+/100\))")))
      << r.out;
  EXPECT_NE(r.out.find("data:       " + data_), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("per-class accuracy:\n  0 "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("confusion matrix (rows: true class, columns: predicted class):"),
            std::string::npos);

  r = ember(dir_, {"plot", run_});
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_EQ(r.out, "wrote " + run_ + "/curves.svg\n");
  std::string svg = slurp(run_ + "/curves.svg");
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);

  r = ember(dir_, {"inspect", run_ + "/last.safetensors"});
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_TRUE(
      std::regex_search(r.out, std::regex(R"(\nmodel\.layers\.1\.weight +\[256, 784\] +float32 )")))
      << r.out;
  EXPECT_NE(r.out.find("\"format_version\": 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("optimizer.state.0.exp_avg"), std::string::npos);
}

TEST_F(CliTrain, ResumeContinuesWithTheCheckpointsConfig) {
  ASSERT_EQ(ember(dir_, train_args(data_, run_)).rc, 0);
  CliRun r = ember(dir_, {"train", "--resume", run_, "--epochs", "3"});
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_NE(r.out.find("training mlp"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("resuming from " + run_ + "/last.safetensors after epoch 2 (step 20)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("epoch 3/3: train loss"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("epoch 1/3"), std::string::npos) << r.out;
}

TEST_F(CliTrain, QuietPrintsOnlyTheResult) {
  std::vector<std::string> args = train_args(data_, run_);
  args.push_back("--quiet");
  CliRun r = ember(dir_, args);
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_TRUE(std::regex_match(r.out, std::regex(R"(test accuracy: [^\n]*\n)"))) << r.out;
}

TEST_F(CliTrain, ProfilePrintsOpTimesAllocatorCountersAndWritesATrace) {
  std::vector<std::string> args = train_args(data_, run_);
  args.insert(args.end(), {"--quiet", "--profile"});
  CliRun r = ember(dir_, args);
  ASSERT_EQ(r.rc, 0) << describe(r);
  for (const char* needle : {"self ms", "train.step", "train.backward", "train.optimizer_step",
                             "train.evaluate", "bmm", "allocator (caching): in use",
                             "cache hits", "chrome trace: "}) {
    EXPECT_NE(r.out.find(needle), std::string::npos) << needle << "\n" << r.out;
  }
  const std::string trace = slurp(run_ + "/trace.json");
  EXPECT_NE(trace.find("\"traceEvents\":[{"), std::string::npos) << trace.substr(0, 200);
  EXPECT_NE(trace.find("\"name\":\"train.forward\""), std::string::npos);
}

TEST_F(CliTrain, BadOptionValuesAreUsageErrors) {
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = train_args(data_, run_);
    args.insert(args.end(), extra.begin(), extra.end());
    return ember(dir_, args);
  };
  expect_error(with({"--model", "alexnet"}), 2,
               {"unknown model 'alexnet'; valid models: mlp, lenet, vgg, resnet18"});
  expect_error(with({"--batch-size", "0"}), 2, {"expected batch_size >= 1, got 0"});
  expect_error(with({"--lr", "-0.1"}), 2, {"expected lr >= 0, got -0.1"});
  expect_error(with({"--optimizer", "lion"}), 2, {"unknown optimizer 'lion'"});
  EXPECT_FALSE(fs::exists(run_)) << "a failed run left its output directory behind";
}

TEST_F(CliTrain, MissingOrTruncatedDataFailsNamingTheFile) {
  expect_error(ember(dir_, train_args(dir_.path("nowhere"), run_)), 1,
               {dir_.path("nowhere"), "is neither 'fashion-mnist' nor a directory"});

  fs::remove(data_ + "/t10k-labels-idx1-ubyte");
  expect_error(ember(dir_, train_args(data_, run_)), 1,
               {"missing file", data_ + "/t10k-labels-idx1-ubyte"});

  testing::write_idx_dir(data_, 300, 100);
  std::string images = data_ + "/train-images-idx3-ubyte";
  fs::resize_file(images, fs::file_size(images) - 100);
  expect_error(ember(dir_, train_args(data_, run_)), 1, {images});
  EXPECT_FALSE(fs::exists(run_)) << "a failed run left its output directory behind";
}

TEST_F(CliTrain, AnUnwritableOutputDirectoryFailsBeforeTraining) {
  test_support::write_file(dir_.path("file"), {1});
  CliRun r = ember(dir_, train_args(data_, dir_.path("file/run")));
  expect_error(r, 1, {"cannot create the output directory", dir_.path("file/run")});
  EXPECT_EQ(r.out, "") << "training started";
}

TEST_F(CliTrain, ACheckpointOfAnotherModelIsRejected) {
  ASSERT_EQ(ember(dir_, train_args(data_, run_)).rc, 0);
  std::string ckpt = run_ + "/last.safetensors";
  std::vector<std::string> args = train_args(data_, dir_.path("lenet"));
  args.insert(args.end(), {"--model", "lenet", "--resume", ckpt});
  expect_error(ember(dir_, args), 1,
               {ckpt, "checkpoint of model 'mlp' does not fit model 'LeNet'", "missing keys: "});
  EXPECT_FALSE(fs::exists(dir_.path("lenet")));

  expect_error(ember(dir_, {"eval", "--checkpoint", ckpt, "--model", "lenet"}), 1,
               {"does not fit model 'LeNet'"});
}

TEST_F(CliTrain, FilesThatAreNotRunsOrCheckpointsAreRejected) {
  test_support::write_file(dir_.path("junk.safetensors"), {1, 2, 3});
  expect_error(ember(dir_, {"eval", "--checkpoint", dir_.path("junk.safetensors")}), 1,
               {dir_.path("junk.safetensors")});
  expect_error(ember(dir_, {"inspect", dir_.path("missing.safetensors")}), 1,
               {dir_.path("missing.safetensors")});
  expect_error(ember(dir_, {"plot", dir_.path("norun")}), 1,
               {dir_.path("norun") + "/metrics.jsonl does not exist"});
  EXPECT_EQ(ember(dir_, {"eval"}).rc, 2);  // --checkpoint is required
}

TEST(CliTrainFashionMnist, LeNetTrainsOnTheRealData) {
  const char* dir = "/usr/share/datasets/fashion-mnist";
  if (!fs::is_directory(dir)) GTEST_SKIP() << dir << " is not installed (scripts/setup.sh)";
  TempDir tmp;
  CliRun r = ember(
      tmp, {"train", "--model", "lenet", "--data", "fashion-mnist", "--epochs", "1",
            "--limit-train", "512", "--limit-test", "200", "--quiet", "--out", tmp.path("lenet")});
  ASSERT_EQ(r.rc, 0) << describe(r);
  r = ember(tmp, {"eval", "--checkpoint", tmp.path("lenet"), "--limit-test", "200"});
  ASSERT_EQ(r.rc, 0) << describe(r);
  EXPECT_NE(r.out.find("T-shirt/top"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Ankle boot"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ember::train
