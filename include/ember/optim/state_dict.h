// The state-dict format shared by optimizers and LR schedulers, and the field visitor that
// turns their options and state into state-dict entries and back.
//
// A state dict is a flat map from names to tensors, so that an optimizer, its scheduler and
// the model weights fit in one safetensors file. Numbers are 0-d tensors (float64 for reals,
// int64 for integers, flags and enums), lists are 1-d tensors, and per-parameter state keeps
// the parameter's shape and dtype.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ember/core/tensor.h"

namespace ember::optim {

using StateDict = std::map<std::string, Tensor>;

/// Calls one overload per named field of an options struct, a parameter's state or a
/// scheduler. Writing a state dict reads the fields; loading one assigns them.
class FieldVisitor {
 public:
  virtual ~FieldVisitor() = default;
  virtual void operator()(const char* name, double& value) = 0;
  virtual void operator()(const char* name, int64_t& value) = 0;
  virtual void operator()(const char* name, bool& value) = 0;
  virtual void operator()(const char* name, std::pair<double, double>& value) = 0;
  virtual void operator()(const char* name, std::vector<double>& value) = 0;
  virtual void operator()(const char* name, std::vector<int64_t>& value) = 0;
  /// A tensor of the visited parameter's shape (per-parameter state).
  virtual void operator()(const char* name, Tensor& value) = 0;
};

}  // namespace ember::optim
