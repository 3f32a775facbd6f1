// train_tiny: a 2-layer MLP learns to classify the three arms of a spiral in the plane
// (cs231n's toy problem: not linearly separable, so the hidden layer has to earn its keep).
//
// The whole training loop is written with ember ops and autograd, without nn/ or optim/:
// parameters are plain tensors that require grad, and the update is SGD written by hand
// under NoGradGuard. It prints the loss falling every 100 steps, then the final loss and
// accuracy, and exits non-zero if training did not work: the smallest complete training
// program (ops, autograd and an SGD step, nothing else).
#include <cmath>
#include <cstdio>
#include <vector>

#include <ember/ember.h>

using namespace ember;

namespace {

constexpr int64_t kClasses = 3;
constexpr int64_t kPerClass = 100;
constexpr int64_t kHidden = 32;
constexpr int kSteps = 1000;
constexpr double kLr = 1.0;

struct Dataset {
  Tensor x;  // (N,2) float32
  Tensor y;  // (N) int64 class indices
};

// Arm k: radius r from 0 to 1, angle from 4k to 4(k+1) radians plus noise of std 0.2.
Dataset make_spiral() {
  int64_t n = kClasses * kPerClass;
  std::vector<float> noise = randn({n}).to_vector<float>();
  std::vector<float> xs(static_cast<size_t>(n * 2));
  std::vector<int64_t> ys(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    int64_t k = i / kPerClass, j = i % kPerClass;
    double r = static_cast<double>(j) / (kPerClass - 1);
    double t = 4.0 * (static_cast<double>(k) + r) + 0.2 * noise[i];
    xs[2 * i] = static_cast<float>(r * std::sin(t));
    xs[2 * i + 1] = static_cast<float>(r * std::cos(t));
    ys[i] = k;
  }
  return {from_vector(xs, {n, 2}), from_vector(ys, {n})};
}

}  // namespace

int main() {
  manual_seed(0);
  Dataset data = make_spiral();

  // Kaiming-style scales: std sqrt(2 / fan_in) before the relu, sqrt(1 / fan_in) after.
  Tensor w1 = (randn({2, kHidden}) * std::sqrt(2.0 / 2)).requires_grad_();
  Tensor b1 = zeros({kHidden}, {.requires_grad = true});
  Tensor w2 = (randn({kHidden, kClasses}) * std::sqrt(1.0 / kHidden)).requires_grad_();
  Tensor b2 = zeros({kClasses}, {.requires_grad = true});
  std::vector<Tensor> params{w1, b1, w2, b2};

  auto forward = [&](const Tensor& x) {   // x (N,2)
    Tensor h = relu(matmul(x, w1) + b1);  // (N,H)
    return matmul(h, w2) + b2;            // (N,C) logits
  };

  double first_loss = 0, last_loss = 0;
  for (int step = 0; step <= kSteps; ++step) {
    Tensor loss = cross_entropy(forward(data.x), data.y);
    last_loss = loss.item();
    if (step == 0) first_loss = last_loss;
    if (step % 100 == 0) std::printf("step %4d  loss %.4f\n", step, last_loss);
    if (step == kSteps) break;
    loss.backward();
    autograd::NoGradGuard no_grad;
    for (Tensor& p : params) {
      p.sub_(p.grad() * kLr);
      p.set_grad(Tensor());
    }
  }

  double accuracy;
  {
    autograd::NoGradGuard no_grad;
    Tensor predicted = argmax(forward(data.x), 1);
    accuracy = (predicted == data.y).to(DType::float32).mean().item();
  }
  std::printf("trained a 2-%lld-%lld MLP for %d steps: loss %.4f -> %.4f, accuracy %.1f%%\n",
              static_cast<long long>(kHidden), static_cast<long long>(kClasses), kSteps, first_loss,
              last_loss, 100.0 * accuracy);
  return last_loss < first_loss && accuracy > 0.9 ? 0 : 1;
}
