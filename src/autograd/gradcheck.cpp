// gradcheck: analytic vector-Jacobian products against central differences.
#include "ember/autograd/gradcheck.h"

#include <cmath>
#include <sstream>

#include "ember/autograd/engine.h"
#include "ember/autograd/grad_mode.h"
#include "ember/ops/elementwise.h"
#include "ember/ops/factory.h"
#include "ember/ops/reduce.h"

namespace ember::autograd {

namespace {

// v . f(x) summed over every floating output.
double weighted_output(const GradcheckFn& fn, const std::vector<Tensor>& inputs,
                       const std::vector<Tensor>& weights) {
  NoGradGuard no_grad;
  std::vector<Tensor> outs = fn(inputs);
  double total = 0;
  for (size_t k = 0; k < outs.size(); ++k) {
    if (!weights[k].defined()) continue;
    total += sum(outs[k].to(DType::float64) * weights[k]).item<double>();
  }
  return total;
}

}  // namespace

GradcheckResult gradcheck(const GradcheckFn& fn, const std::vector<Tensor>& inputs,
                          GradcheckOptions options) {
  GradcheckResult result;
  std::vector<size_t> checked;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i].defined() || !inputs[i].requires_grad()) continue;
    EMBER_CHECK_DTYPE(inputs[i].dtype() == DType::float64, "gradcheck: input ", i,
                      " must be float64, got ", inputs[i].dtype());
    checked.push_back(i);
  }
  EMBER_CHECK(!checked.empty(), "gradcheck: no input requires grad");
  Generator gen(options.seed);

  for (int proj = 0; proj < options.num_projections; ++proj) {
    // Analytic: one backward of sum_k v_k . out_k.
    std::vector<Tensor> outs = fn(inputs);
    std::vector<Tensor> weights(outs.size());
    std::vector<Tensor> diff_outs, grads_out;
    for (size_t k = 0; k < outs.size(); ++k) {
      if (!is_floating(outs[k].dtype())) continue;
      weights[k] = randn(outs[k].sizes(), {.dtype = DType::float64}, &gen);
      if (outs[k].requires_grad()) {
        diff_outs.push_back(outs[k]);
        grads_out.push_back(weights[k].to(outs[k].dtype()));
      }
    }
    std::vector<Tensor> wrt;
    for (size_t i : checked) wrt.push_back(inputs[i]);
    std::vector<Tensor> analytic(wrt.size());
    if (!diff_outs.empty()) {
      analytic = grad(diff_outs, wrt, grads_out, {.allow_unused = true});
    }

    // Numeric: perturb each element of each checked input in place (under no-grad).
    for (size_t c = 0; c < checked.size(); ++c) {
      Tensor x = inputs[checked[c]];
      std::vector<double> an = analytic[c].defined() ? analytic[c].contiguous().to_vector<double>()
                                                     : std::vector<double>(x.numel(), 0.0);
      EMBER_CHECK(x.is_contiguous(), "gradcheck: input ", checked[c], " must be contiguous");
      double* data = x.data<double>();
      for (int64_t e = 0; e < x.numel(); ++e) {
        double orig = data[e];
        data[e] = orig + options.eps;
        double plus = weighted_output(fn, inputs, weights);
        data[e] = orig - options.eps;
        double minus = weighted_output(fn, inputs, weights);
        data[e] = orig;
        double numeric = (plus - minus) / (2 * options.eps);
        double err = std::abs(an[e] - numeric);
        result.max_abs_error = std::max(result.max_abs_error, err);
        if (err > options.atol + options.rtol * std::abs(numeric) && result.ok) {
          result.ok = false;
          std::ostringstream os;
          os << "gradcheck: mismatch for input " << checked[c] << " element " << e
             << " (projection " << proj << "): analytic " << an[e] << ", numeric " << numeric
             << ", |diff| " << err;
          result.message = os.str();
        }
      }
    }
  }
  return result;
}

}  // namespace ember::autograd
