// Google Benchmark microbenchmarks of ember's ops through the public API: ember's side of
// bench/compare_torch.sh, whose PyTorch side is bench/torch_ops.py. Both files name the cases
// alike and time exactly the same region, so the two columns of the comparison are one
// number each:
//
//   conv2d_{fwd,fwdbwd}_n64_c32_oc64_28x28     3x3, padding 1, bias
//   conv2d_{fwd,fwdbwd}_n32_c64_oc128_14x14
//   softmax_{fwd,fwdbwd}_4096x1024             over the last dim
//   layer_norm_{fwd,fwdbwd}_4096x768           over the last dim, weight and bias
//   gelu_{fwd,fwdbwd}_4M                       erf form, 4 Mi elements
//   silu_{fwd,fwdbwd}_4M                       4 Mi elements
//   adamw_step_resnet18                        AdamW.step() over ResNet18's 62 parameters
//
// fwd: inputs that do not require grad, so nothing is recorded. fwdbwd: every input
// requires grad; an iteration drops the previous gradients (as zero_grad(set_to_none)), runs
// the forward and backward(ones) from the output, so that each gradient is produced fresh,
// never accumulated. Threads: EMBER_NUM_THREADS. All times are wall time.
//
// Usage: ember_bench_ops --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "ember/ember.h"

namespace {

using ember::Tensor;

struct ConvCase {
  int64_t N, C, OC, H;  // W = H, 3x3 kernel, padding 1
};

std::string conv_name(const char* kind, const ConvCase& c) {
  return std::string("conv2d_") + kind + "_n" + std::to_string(c.N) + "_c" + std::to_string(c.C) +
         "_oc" + std::to_string(c.OC) + "_" + std::to_string(c.H) + "x" + std::to_string(c.H);
}

Tensor input(const ember::Shape& shape, bool requires_grad) {
  return ember::randn(shape, {.requires_grad = requires_grad});
}

// What an iteration of a fwdbwd case starts from: no gradient on any input.
void drop_grads(const std::vector<Tensor>& tensors) {
  for (const Tensor& t : tensors) t.set_grad(Tensor());
}

void conv2d_fwd(benchmark::State& state, ConvCase c) {
  Tensor x = input({c.N, c.C, c.H, c.H}, false);
  Tensor w = input({c.OC, c.C, 3, 3}, false);
  Tensor b = input({c.OC}, false);
  for (auto _ : state) {
    Tensor y = ember::conv2d(x, w, b, {.padding = {1, 1}});
    benchmark::DoNotOptimize(y.data_ptr());
  }
}

void conv2d_fwdbwd(benchmark::State& state, ConvCase c) {
  Tensor x = input({c.N, c.C, c.H, c.H}, true);
  Tensor w = input({c.OC, c.C, 3, 3}, true);
  Tensor b = input({c.OC}, true);
  Tensor dy = ember::ones({c.N, c.OC, c.H, c.H});
  for (auto _ : state) {
    drop_grads({x, w, b});
    ember::conv2d(x, w, b, {.padding = {1, 1}}).backward(dy);
    benchmark::DoNotOptimize(x.grad().data_ptr());
  }
}

void softmax_fwd(benchmark::State& state) {
  Tensor x = input({4096, 1024}, false);
  for (auto _ : state) {
    Tensor y = ember::softmax(x, -1);
    benchmark::DoNotOptimize(y.data_ptr());
  }
}

void softmax_fwdbwd(benchmark::State& state) {
  Tensor x = input({4096, 1024}, true);
  Tensor dy = ember::ones({4096, 1024});
  for (auto _ : state) {
    drop_grads({x});
    ember::softmax(x, -1).backward(dy);
    benchmark::DoNotOptimize(x.grad().data_ptr());
  }
}

void layer_norm_fwd(benchmark::State& state) {
  Tensor x = input({4096, 768}, false);
  Tensor w = input({768}, false);
  Tensor b = input({768}, false);
  for (auto _ : state) {
    Tensor y = ember::layer_norm(x, {768}, w, b);
    benchmark::DoNotOptimize(y.data_ptr());
  }
}

void layer_norm_fwdbwd(benchmark::State& state) {
  Tensor x = input({4096, 768}, true);
  Tensor w = input({768}, true);
  Tensor b = input({768}, true);
  Tensor dy = ember::ones({4096, 768});
  for (auto _ : state) {
    drop_grads({x, w, b});
    ember::layer_norm(x, {768}, w, b).backward(dy);
    benchmark::DoNotOptimize(x.grad().data_ptr());
  }
}

constexpr int64_t kGeluNumel = int64_t{4} << 20;

void gelu_fwd(benchmark::State& state) {
  Tensor x = input({kGeluNumel}, false);
  for (auto _ : state) {
    Tensor y = ember::gelu(x);
    benchmark::DoNotOptimize(y.data_ptr());
  }
}

void gelu_fwdbwd(benchmark::State& state) {
  Tensor x = input({kGeluNumel}, true);
  Tensor dy = ember::ones({kGeluNumel});
  for (auto _ : state) {
    drop_grads({x});
    ember::gelu(x).backward(dy);
    benchmark::DoNotOptimize(x.grad().data_ptr());
  }
}

void silu_fwd(benchmark::State& state) {
  Tensor x = input({kGeluNumel}, false);
  for (auto _ : state) {
    Tensor y = ember::silu(x);
    benchmark::DoNotOptimize(y.data_ptr());
  }
}

void silu_fwdbwd(benchmark::State& state) {
  Tensor x = input({kGeluNumel}, true);
  Tensor dy = ember::ones({kGeluNumel});
  for (auto _ : state) {
    drop_grads({x});
    ember::silu(x).backward(dy);
    benchmark::DoNotOptimize(x.grad().data_ptr());
  }
}

// ResNet18's parameters (11.2 M floats in 62 tensors, from 64 biases to 2.4 M-float convs),
// each with a gradient; the first step, which creates the moment buffers, runs before timing.
void adamw_step_resnet18(benchmark::State& state) {
  ember::models::ResNet18 model;
  std::vector<Tensor> params = model.parameters();
  for (const Tensor& p : params) p.set_grad(ember::randn(p.sizes()));
  ember::optim::AdamW optimizer(params);
  optimizer.step();
  for (auto _ : state) {
    optimizer.step();
    benchmark::ClobberMemory();
  }
}

void add(benchmark::internal::Benchmark* b) { b->UseRealTime()->Unit(benchmark::kMillisecond); }

}  // namespace

int main(int argc, char** argv) {
  for (const ConvCase& c : {ConvCase{64, 32, 64, 28}, ConvCase{32, 64, 128, 14}}) {
    add(benchmark::RegisterBenchmark(conv_name("fwd", c).c_str(), conv2d_fwd, c));
    add(benchmark::RegisterBenchmark(conv_name("fwdbwd", c).c_str(), conv2d_fwdbwd, c));
  }
  add(benchmark::RegisterBenchmark("softmax_fwd_4096x1024", softmax_fwd));
  add(benchmark::RegisterBenchmark("softmax_fwdbwd_4096x1024", softmax_fwdbwd));
  add(benchmark::RegisterBenchmark("layer_norm_fwd_4096x768", layer_norm_fwd));
  add(benchmark::RegisterBenchmark("layer_norm_fwdbwd_4096x768", layer_norm_fwdbwd));
  add(benchmark::RegisterBenchmark("gelu_fwd_4M", gelu_fwd));
  add(benchmark::RegisterBenchmark("gelu_fwdbwd_4M", gelu_fwdbwd));
  add(benchmark::RegisterBenchmark("silu_fwd_4M", silu_fwd));
  add(benchmark::RegisterBenchmark("silu_fwdbwd_4M", silu_fwdbwd));
  add(benchmark::RegisterBenchmark("adamw_step_resnet18", adamw_step_resnet18));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
