// Tensor comparison for tests: |a - b| <= atol + rtol * |b| elementwise, NaN equal to NaN.
// A failure names the tensor and reports the worst index, both values and the errors.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>

#include "ember/ember.h"

namespace ember::test {

inline testing::AssertionResult all_close(const Tensor& actual, const Tensor& expected,
                                          double atol, double rtol, const std::string& what) {
  if (actual.defined() != expected.defined()) {
    return testing::AssertionFailure() << what << ": one tensor is undefined";
  }
  if (!actual.defined()) return testing::AssertionSuccess();
  if (actual.sizes() != expected.sizes()) {
    return testing::AssertionFailure() << what << ": shape " << shape_str(actual.sizes())
                                       << " != expected " << shape_str(expected.sizes());
  }
  std::vector<double> a = actual.to_vector<double>();
  std::vector<double> b = expected.to_vector<double>();
  double worst = 0, worst_abs = 0;
  int64_t worst_i = -1;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    if (std::isinf(b[i]) && a[i] == b[i]) continue;
    double err = std::abs(a[i] - b[i]);
    double allowed = atol + rtol * std::abs(b[i]);
    double excess = std::isnan(err) ? INFINITY : err / allowed;
    if (excess > worst) {
      worst = excess;
      worst_abs = err;
      worst_i = static_cast<int64_t>(i);
    }
  }
  if (worst <= 1.0) return testing::AssertionSuccess();
  std::ostringstream os;
  os << what << ": mismatch at flat index " << worst_i << " of shape " << shape_str(actual.sizes())
     << ": got " << a[worst_i] << ", expected " << b[worst_i] << " (abs err " << worst_abs
     << ", rel err " << worst_abs / std::max(std::abs(b[worst_i]), 1e-300) << "; atol " << atol
     << ", rtol " << rtol << ")";
  return testing::AssertionFailure() << os.str();
}

}  // namespace ember::test
