// The two FieldVisitors behind every state_dict() and load_state_dict() in optim/:
// StateDictWriter turns fields into tensors under a key prefix; StateDictReader assigns
// fields from them, recording each problem (missing key, wrong shape or kind) instead of
// throwing, so that a load can report them all at once and change nothing.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "ember/optim/state_dict.h"

namespace ember::optim::detail {

class StateDictWriter : public FieldVisitor {
 public:
  StateDictWriter(StateDict& out, std::string prefix) : out_(out), prefix_(std::move(prefix)) {}
  void operator()(const char* name, double& value) override;
  void operator()(const char* name, int64_t& value) override;
  void operator()(const char* name, bool& value) override;
  void operator()(const char* name, std::pair<double, double>& value) override;
  void operator()(const char* name, std::vector<double>& value) override;
  void operator()(const char* name, std::vector<int64_t>& value) override;
  /// Stores a copy; an undefined tensor is left out.
  void operator()(const char* name, Tensor& value) override;

 private:
  StateDict& out_;
  std::string prefix_;
};

class StateDictReader : public FieldVisitor {
 public:
  /// Reads keys `prefix` + name from `in`, adding the keys it reads to `used` and a line per
  /// problem to `errors`. Tensor fields must have `like`'s shape and get its dtype.
  StateDictReader(const StateDict& in, std::string prefix, std::set<std::string>& used,
                  std::vector<std::string>& errors, Tensor like = Tensor())
      : in_(in), prefix_(std::move(prefix)), used_(used), errors_(errors), like_(std::move(like)) {}
  void operator()(const char* name, double& value) override;
  void operator()(const char* name, int64_t& value) override;
  void operator()(const char* name, bool& value) override;
  void operator()(const char* name, std::pair<double, double>& value) override;
  void operator()(const char* name, std::vector<double>& value) override;
  void operator()(const char* name, std::vector<int64_t>& value) override;
  void operator()(const char* name, Tensor& value) override;

 private:
  // The tensor at prefix + name of `dim` dims (-1: any), or nullptr after recording why not.
  const Tensor* find(const char* name, int64_t dim);
  void error(const char* name, const std::string& what);

  const StateDict& in_;
  std::string prefix_;
  std::set<std::string>& used_;
  std::vector<std::string>& errors_;
  Tensor like_;
};

/// The keys of `in` that are not in `used`, in order.
std::vector<std::string> unused_keys(const StateDict& in, const std::set<std::string>& used);
/// Assigns the fields `visit` visits from `in` (unprefixed keys). On any problem (missing,
/// malformed or unexpected keys) assigns them from `backup` instead and throws ValueError
/// listing the problems after `what`.
void load_fields_or_restore(const StateDict& in, const StateDict& backup, const std::string& what,
                            const std::function<void(FieldVisitor&)>& visit);
/// Joins `errors` into one message after `what`.
std::string error_list(const std::string& what, const std::vector<std::string>& errors);

}  // namespace ember::optim::detail
