// Runs every case of the op table through four checks:
//   FastVsReference       the cpu kernels against the reference kernels (float32, float64),
//                         outputs and input gradients;
//   NonContiguousInputs   strided and transposed-layout copies of the inputs give the same
//                         results as contiguous ones;
//   PyTorchFixture        outputs and input gradients against values PyTorch computed
//                         (tests/reference/ops/<case>.safetensors, float64);
//   Gradcheck             float64 central differences for differentiable ops.
#include <gtest/gtest.h>

#include <filesystem>

#include "ops/compare.h"
#include "ops/op_case.h"
#include "ops/op_list.h"

namespace ember::test {
namespace {

struct RunResult {
  std::vector<Tensor> outputs;
  std::vector<Tensor> grads;  // per input (undefined where none)
};

// Runs the case and, when an output is differentiable, backward with fixed weights.
RunResult run_case(const OpCase& c, const std::vector<Tensor>& inputs) {
  RunResult r;
  r.outputs = c.fn(inputs);
  std::vector<Tensor> outs, gouts;
  Generator gen(99);
  for (const auto& o : r.outputs) {
    if (o.defined() && o.requires_grad()) {
      outs.push_back(o);
      gouts.push_back(randn(o.sizes(), {.dtype = DType::float64}, &gen).to(o.dtype()));
    }
  }
  std::vector<Tensor> wrt;
  std::vector<size_t> wrt_index;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].requires_grad()) {
      wrt.push_back(inputs[i]);
      wrt_index.push_back(i);
    }
  }
  r.grads.resize(inputs.size());
  if (!outs.empty() && !wrt.empty()) {
    auto g = autograd::grad(outs, wrt, gouts, {.allow_unused = true});
    for (size_t k = 0; k < g.size(); ++k) r.grads[wrt_index[k]] = g[k];
  }
  return r;
}

void expect_same_results(const RunResult& actual, const RunResult& expected, double atol,
                         double rtol, const std::string& what) {
  ASSERT_EQ(actual.outputs.size(), expected.outputs.size()) << what;
  for (size_t k = 0; k < actual.outputs.size(); ++k) {
    EXPECT_TRUE(all_close(actual.outputs[k], expected.outputs[k], atol, rtol,
                          what + " output " + std::to_string(k)));
  }
  for (size_t i = 0; i < actual.grads.size(); ++i) {
    EXPECT_TRUE(all_close(actual.grads[i], expected.grads[i], atol, rtol,
                          what + " grad of input " + std::to_string(i)));
  }
}

std::string case_name(const testing::TestParamInfo<size_t>& info) {
  return all_op_cases()[info.param].name;
}

std::vector<size_t> case_indices(const std::function<bool(const OpCase&)>& keep) {
  std::vector<size_t> out;
  const auto& cases = all_op_cases();
  for (size_t i = 0; i < cases.size(); ++i) {
    if (keep(cases[i])) out.push_back(i);
  }
  return out;
}

// A copy of x whose layout is not contiguous: every other element of a buffer twice as big
// (`transposed` = false) or the dims stored in reverse order (true).
Tensor non_contiguous_copy(const Tensor& x, bool transposed) {
  Tensor src = x.detach();
  Tensor out;
  {
    NoGradGuard no_grad;
    if (transposed) {
      Shape rev(src.sizes().rbegin(), src.sizes().rend());
      Shape perm(src.dim());
      for (int64_t d = 0; d < src.dim(); ++d) perm[d] = src.dim() - 1 - d;
      out = empty(rev, {.dtype = src.dtype()}).permute(perm);
    } else {
      Shape wide = src.sizes();
      wide.push_back(2);
      out = zeros(wide, {.dtype = src.dtype()}).select(-1, 0);
    }
    out.copy_(src);
  }
  out = out.detach();
  if (x.requires_grad()) out.requires_grad_(true);
  return out;
}

class FastVsReference : public testing::TestWithParam<size_t> {};

TEST_P(FastVsReference, OutputsAndGradientsMatch) {
  const OpCase& c = all_op_cases()[GetParam()];
  for (DType dtype : {DType::float32, DType::float64}) {
    std::vector<Tensor> inputs = make_inputs(c, dtype);
    RunResult ref, fast;
    {
      BackendGuard b(Backend::ref);
      ref = run_case(c, inputs);
    }
    {
      BackendGuard b(Backend::cpu);
      fast = run_case(c, inputs);
    }
    double scale = dtype == DType::float64 ? 1e-6 : 1.0;
    expect_same_results(fast, ref, c.atol * scale, c.rtol * scale,
                        c.name + " [" + dtype_name(dtype) + "]");
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, FastVsReference,
                         testing::ValuesIn(case_indices([](const OpCase&) { return true; })),
                         case_name);

class NonContiguousInputs : public testing::TestWithParam<size_t> {};

TEST_P(NonContiguousInputs, GiveTheSameResultsAsContiguousOnes) {
  const OpCase& c = all_op_cases()[GetParam()];
  std::vector<Tensor> inputs = make_inputs(c, DType::float32);
  RunResult expected = run_case(c, inputs);
  for (bool transposed : {false, true}) {
    std::vector<Tensor> strided;
    for (const auto& x : inputs) strided.push_back(non_contiguous_copy(x, transposed));
    RunResult actual = run_case(c, strided);
    expect_same_results(actual, expected, c.atol, c.rtol,
                        c.name + (transposed ? " [transposed layout]" : " [strided]"));
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, NonContiguousInputs,
                         testing::ValuesIn(case_indices([](const OpCase& c) {
                           return c.non_contiguous;
                         })),
                         case_name);

std::string fixture_path(const OpCase& c) {
  return std::string(EMBER_TEST_REFERENCE_DIR) + "/ops/" + c.name + ".safetensors";
}

class PyTorchFixture : public testing::TestWithParam<size_t> {};

TEST_P(PyTorchFixture, OutputsAndGradientsMatchPyTorch) {
  const OpCase& c = all_op_cases()[GetParam()];
  std::string path = fixture_path(c);
  ASSERT_TRUE(std::filesystem::exists(path))
      << "missing fixture " << path << "; regenerate with: cmake --build build/release --target "
      << "ember_op_cases_dump && /usr/bin/python3 scripts/gen_reference/ops.py";
  io::SafetensorsFile f = io::load_safetensors(path);
  std::vector<Tensor> inputs;
  for (size_t i = 0; i < c.inputs.size(); ++i) {
    auto it = f.tensors.find("input." + std::to_string(i));
    ASSERT_NE(it, f.tensors.end()) << path << " lacks input." << i << ": regenerate it";
    Tensor x = it->second;
    if (c.inputs[i].requires_grad && is_floating(x.dtype())) x.requires_grad_(true);
    inputs.push_back(x);
  }
  std::vector<Tensor> outputs = c.fn(inputs);
  std::vector<Tensor> outs, gouts;
  for (size_t k = 0; k < outputs.size(); ++k) {
    auto it = f.tensors.find("output." + std::to_string(k));
    ASSERT_NE(it, f.tensors.end()) << path << " lacks output." << k;
    Tensor expected = it->second;
    EXPECT_TRUE(all_close(outputs[k], expected, 1e-7, 1e-6, c.name + " output " + std::to_string(k)));
    auto g = f.tensors.find("gout." + std::to_string(k));
    if (g != f.tensors.end() && outputs[k].requires_grad()) {
      outs.push_back(outputs[k]);
      gouts.push_back(g->second);
    }
  }
  if (outs.empty()) return;
  std::vector<Tensor> wrt;
  std::vector<size_t> idx;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].requires_grad()) {
      wrt.push_back(inputs[i]);
      idx.push_back(i);
    }
  }
  auto grads = autograd::grad(outs, wrt, gouts, {.allow_unused = true});
  for (size_t k = 0; k < grads.size(); ++k) {
    auto it = f.tensors.find("grad." + std::to_string(idx[k]));
    ASSERT_NE(it, f.tensors.end()) << path << " lacks grad." << idx[k];
    Tensor got = grads[k].defined() ? grads[k] : zeros_like(it->second);
    EXPECT_TRUE(all_close(got, it->second, 1e-7, 1e-6,
                          c.name + " grad of input " + std::to_string(idx[k])));
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, PyTorchFixture,
                         testing::ValuesIn(case_indices([](const OpCase& c) { return c.fixture; })),
                         case_name);

class Gradcheck : public testing::TestWithParam<size_t> {};

TEST_P(Gradcheck, AnalyticGradientsMatchFiniteDifferences) {
  const OpCase& c = all_op_cases()[GetParam()];
  std::vector<Tensor> inputs = make_inputs(c, DType::float64);
  auto r = autograd::gradcheck(c.fn, inputs,
                               {.atol = c.gradcheck_atol, .rtol = c.gradcheck_rtol});
  EXPECT_TRUE(r.ok) << c.name << ": " << r.message;
}

bool has_grad_input(const OpCase& c) {
  for (const auto& s : c.inputs) {
    if (s.kind == InputSpec::Kind::uniform && s.requires_grad) return true;
  }
  return false;
}

INSTANTIATE_TEST_SUITE_P(Ops, Gradcheck,
                         testing::ValuesIn(case_indices([](const OpCase& c) {
                           return c.gradcheck && is_differentiable(c.op) && has_grad_input(c);
                         })),
                         case_name);

}  // namespace
}  // namespace ember::test
