// Sequential, ModuleList, ModuleDict.
#include "ember/nn/container.h"

namespace ember::nn {

Sequential::Sequential(std::vector<std::shared_ptr<Module>> modules) {
  for (auto& m : modules) push_back(std::move(m));
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor h = x;
  for (const auto& layer : layers_) h = layer->forward(h);
  return h;
}

const std::shared_ptr<Module>& Sequential::operator[](size_t i) const {
  EMBER_CHECK_INDEX(i < layers_.size(), "Sequential: index ", i, " out of range for ",
                    layers_.size(), " layers");
  return layers_[i];
}

ModuleList::ModuleList(std::vector<std::shared_ptr<Module>> modules) {
  for (auto& m : modules) push_back(std::move(m));
}

const std::shared_ptr<Module>& ModuleList::operator[](size_t i) const {
  EMBER_CHECK_INDEX(i < items_.size(), "ModuleList: index ", i, " out of range for ",
                    items_.size(), " modules");
  return items_[i];
}

bool ModuleDict::contains(const std::string& key) const {
  for (const auto& [name, m] : named_children()) {
    if (name == key) return true;
  }
  return false;
}

std::shared_ptr<Module> ModuleDict::at(const std::string& key) const {
  std::string keys;
  for (const auto& [name, m] : named_children()) {
    if (name == key) return m;
    keys += (keys.empty() ? "" : ", ") + name;
  }
  EMBER_THROW(ValueError, "ModuleDict: no module '", key, "'; keys: ", keys.empty() ? "none" : keys);
}

}  // namespace ember::nn
