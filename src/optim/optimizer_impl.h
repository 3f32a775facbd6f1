// The member definitions of OptimizerImpl, included by the .cpp of each optimizer, which
// instantiates it for its options and state (`template class OptimizerImpl<...>;`).
#pragma once

#include <set>
#include <string>
#include <unordered_set>

#include "ember/core/error.h"
#include "ember/ops/factory.h"
#include "ember/optim/optimizer.h"
#include "optim/state_dict_io.h"

namespace ember::optim {

template <typename Options, typename State>
void OptimizerImpl<Options, State>::add_param_group(std::vector<Tensor> params,
                                                    std::optional<Options> options) {
  Options o = options.value_or(defaults_);
  validate(o);
  std::unordered_set<const TensorImpl*> seen;
  for (const Group& g : groups_) {
    for (const Tensor& p : g.params) seen.insert(p.impl());
  }
  for (size_t i = 0; i < params.size(); ++i) {
    const Tensor& p = params[i];
    EMBER_CHECK(p.defined(), name_, ": expected defined parameters, got an undefined one at index ",
                i);
    EMBER_CHECK(is_floating(p.dtype()), name_, ": expected floating parameters, got dtype ",
                p.dtype(), " at index ", i);
    EMBER_CHECK(p.is_leaf(), name_, ": can't optimize a non-leaf tensor (index ", i,
                "); pass a leaf such as x.detach().requires_grad_()");
    EMBER_CHECK(seen.insert(p.impl()).second, name_, ": expected each parameter in one group ",
                "only, got parameter ", i, " of the new group a second time");
  }
  groups_.push_back({std::move(params), o, std::nullopt});
}

template <typename Options, typename State>
const State* OptimizerImpl<Options, State>::state(const Tensor& param) const {
  auto it = state_.find(param.impl());
  return it == state_.end() ? nullptr : &it->second;
}

template <typename Options, typename State>
std::vector<Tensor> OptimizerImpl<Options, State>::parameters() const {
  std::vector<Tensor> out;
  for (const Group& g : groups_) out.insert(out.end(), g.params.begin(), g.params.end());
  return out;
}

template <typename Options, typename State>
const ParamGroup<Options>& OptimizerImpl<Options, State>::group_at(size_t group) const {
  EMBER_CHECK_INDEX(group < groups_.size(), name_, ": expected a param group index < ",
                    groups_.size(), ", got ", group);
  return groups_[group];
}

template <typename Options, typename State>
double OptimizerImpl<Options, State>::lr(size_t group) const {
  return group_at(group).options.lr;
}
template <typename Options, typename State>
void OptimizerImpl<Options, State>::set_lr(size_t group, double lr) {
  group_at(group);
  groups_[group].options.lr = lr;
}
template <typename Options, typename State>
std::optional<double> OptimizerImpl<Options, State>::initial_lr(size_t group) const {
  return group_at(group).initial_lr;
}
template <typename Options, typename State>
void OptimizerImpl<Options, State>::set_initial_lr(size_t group, double lr) {
  group_at(group);
  groups_[group].initial_lr = lr;
}

template <typename Options, typename State>
std::optional<double> OptimizerImpl<Options, State>::momentum(size_t group) const {
  const Options& o = group_at(group).options;
  if constexpr (requires { o.betas; }) {
    return o.betas.first;
  } else if constexpr (requires { o.momentum; }) {
    return o.momentum;
  } else {
    return std::nullopt;
  }
}

template <typename Options, typename State>
void OptimizerImpl<Options, State>::set_momentum(size_t group, double momentum) {
  group_at(group);
  Options& o = groups_[group].options;
  if constexpr (requires { o.betas; }) {
    o.betas.first = momentum;
  } else if constexpr (requires { o.momentum; }) {
    o.momentum = momentum;
  } else {
    EMBER_THROW(ValueError, name_, ": expected an optimizer with momentum, got one without");
  }
}

template <typename Options, typename State>
StateDict OptimizerImpl<Options, State>::state_dict() const {
  StateDict out;
  int64_t index = 0;
  for (size_t g = 0; g < groups_.size(); ++g) {
    const Group& group = groups_[g];
    std::string prefix = "param_groups." + std::to_string(g) + ".";
    Options options = group.options;  // visit() takes a mutable struct; the writer only reads
    detail::StateDictWriter group_writer(out, prefix);
    options.visit(group_writer);
    if (group.initial_lr) {
      out[prefix + "initial_lr"] = scalar_tensor(*group.initial_lr, {.dtype = DType::float64});
    }
    std::vector<int64_t> indices;
    for (const Tensor& p : group.params) {
      auto it = state_.find(p.impl());
      if (it != state_.end()) {
        State s = it->second;
        detail::StateDictWriter state_writer(out, "state." + std::to_string(index) + ".");
        s.visit(state_writer, group.options);
      }
      indices.push_back(index++);
    }
    out[prefix + "params"] =
        from_vector(indices, {static_cast<int64_t>(indices.size())}, {.dtype = DType::int64});
  }
  return out;
}

template <typename Options, typename State>
void OptimizerImpl<Options, State>::load_state_dict(const StateDict& in) {
  std::vector<std::string> errors;
  std::set<std::string> used;

  std::set<int64_t> saved_groups;
  const std::string group_key = "param_groups.";
  for (const auto& [key, value] : in) {
    if (key.rfind(group_key, 0) != 0) continue;
    size_t dot = key.find('.', group_key.size());
    try {
      saved_groups.insert(std::stoll(key.substr(group_key.size(), dot - group_key.size())));
    } catch (const std::exception&) {
      errors.push_back("malformed key " + key);
    }
  }
  if (saved_groups.size() != groups_.size()) {
    errors.push_back(::ember::detail::str_cat("expected ", groups_.size(), " param groups, got ",
                                              saved_groups.size()));
  }

  std::vector<Group> groups = groups_;
  std::unordered_map<const TensorImpl*, State> state;
  int64_t index = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    Group& group = groups[g];
    std::string prefix = "param_groups." + std::to_string(g) + ".";
    detail::StateDictReader group_reader(in, prefix, used, errors);
    group.options.visit(group_reader);
    try {
      validate(group.options);
    } catch (const ValueError& e) {
      errors.push_back(prefix + "*: " + e.what());
    }
    auto initial = in.find(prefix + "initial_lr");
    group.initial_lr.reset();
    if (initial != in.end()) {
      double v = 0;
      group_reader("initial_lr", v);
      group.initial_lr = v;
    }
    std::vector<int64_t> indices;
    group_reader("params", indices);
    std::vector<int64_t> expected;
    for (size_t i = 0; i < group.params.size(); ++i) expected.push_back(index + int64_t(i));
    if (in.count(prefix + "params") && indices != expected) {
      errors.push_back(::ember::detail::str_cat(
          prefix, "params: expected ", group.params.size(), " parameters numbered from ", index,
          ", got ", indices.size(), " numbered from ", indices.empty() ? -1 : indices.front()));
    }
    for (const Tensor& p : group.params) {
      std::string state_prefix = "state." + std::to_string(index++) + ".";
      auto first = in.lower_bound(state_prefix);
      if (first == in.end() || first->first.rfind(state_prefix, 0) != 0) continue;
      detail::StateDictReader state_reader(in, state_prefix, used, errors, p);
      State s;
      s.visit(state_reader, group.options);
      state.emplace(p.impl(), std::move(s));
    }
  }
  for (const std::string& key : detail::unused_keys(in, used)) {
    errors.push_back("unexpected key " + key);
  }
  if (!errors.empty()) {
    EMBER_THROW(ValueError,
                detail::error_list(std::string(name_) + ".load_state_dict: the state dict does not "
                                                        "match this optimizer",
                                   errors));
  }
  groups_ = std::move(groups);
  state_ = std::move(state);
}

}  // namespace ember::optim
