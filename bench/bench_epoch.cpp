// One training epoch of a Fashion-MNIST classifier, timed: ember's side of the epoch rows of
// bench/compare_torch.sh, whose PyTorch side is bench/epoch_torch.py. The two programs do
// the same work in the same order, so that their wall times and peak memory compare:
//
//   untimed: load the training split (60,000 images) as uint8 pixels, as `ember train` keeps
//            it (and torchvision's datasets), its mean and standard deviation over pixel / 255
//            (in chunks of 1000 images), seed 0, build the model (PyTorch's default
//            initialisation), Adam with lr 1e-3, draw the epoch's permutation;
//   timed:   for each batch of 64 (the last one 32): gather the batch with index_select,
//            pixels to floats (/ 255) and normalise, forward, cross_entropy, zero_grad,
//            backward, step.
//
// Prints "epoch <model> <seconds> <peak_rss_kib>", the peak resident set of the whole
// process (getrusage ru_maxrss), data loading included. Threads: EMBER_NUM_THREADS.
//
// Usage: ember_bench_epoch --model mlp|lenet [--data fashion-mnist|DIR]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "ember/ember.h"

namespace {

constexpr int64_t kBatchSize = 64;

int usage() {
  std::fprintf(stderr, "usage: ember_bench_epoch --model mlp|lenet [--data fashion-mnist|DIR]\n");
  return 2;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

}  // namespace

int main(int argc, char** argv) {
  std::string model_name, data = "fashion-mnist";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      model_name = argv[++i];
    } else if (std::strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
      data = argv[++i];
    } else {
      return usage();
    }
  }
  if (model_name.empty()) return usage();

  using namespace ember;
  try {
    const std::string dir = train::resolve_data_dir(data);
    data::MnistData split =
        data::load_mnist(dir, data::MnistSplit::train, data::MnistPixels::raw_uint8);
    Tensor images = split.images;  // (N,1,28,28) uint8
    Tensor labels = split.labels;  // (N)
    // Population statistics over pixel / 255, in chunks so that no float copy of the split
    // counts towards the peak.
    const int64_t n = images.size(0);
    double sum = 0, sum_sq = 0;
    for (int64_t i = 0; i < n; i += 1000) {
      Tensor chunk = data::pixels_to_unit_float(images.narrow(0, i, std::min<int64_t>(1000, n - i)))
                         .to(DType::float64);
      sum += chunk.sum().item();
      sum_sq += (chunk * chunk).sum().item();
    }
    const double count = static_cast<double>(images.numel());
    const double mean = sum / count;
    const double stdev = std::sqrt(sum_sq / count - mean * mean);

    manual_seed(0);
    std::shared_ptr<nn::Module> model = models::create(model_name);
    model->train();
    optim::Adam optimizer(model->parameters(), {.lr = 1e-3});
    Tensor order = randperm(n);  // (N) int64

    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < n; i += kBatchSize) {
      Tensor idx = order.narrow(0, i, std::min(kBatchSize, n - i));  // (B)
      Tensor x = (data::pixels_to_unit_float(index_select(images, 0, idx)) - mean) /
                 stdev;                                                // (B,1,28,28)
      Tensor y = index_select(labels, 0, idx);                        // (B)
      Tensor loss = cross_entropy(model->forward(x), y);              // ()
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("epoch %s %.3f %ld\n", model_name.c_str(), seconds, peak_rss_kib());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ember_bench_epoch: %s\n", e.what());
    return 1;
  }
  return 0;
}
