// Loading the PyTorch trajectories written by scripts/gen_reference/optim.py, shared by the
// optimizer, scheduler and clipping tests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "ember/ember.h"

namespace ember::test {

inline std::string optim_fixture_path(const std::string& name) {
  return std::string(EMBER_TEST_REFERENCE_DIR) + "/optim/" + name + ".safetensors";
}

/// The fixture's tensors; fails the test, with the command that writes it, when it is missing.
inline std::map<std::string, Tensor> load_optim_fixture(const std::string& name) {
  std::string path = optim_fixture_path(name);
  if (!std::filesystem::exists(path)) {
    ADD_FAILURE() << "missing fixture " << path
                  << "; write it with: /usr/bin/python3 scripts/gen_reference/optim.py";
    return {};
  }
  return io::load_safetensors(path).tensors;
}

/// Every fixture name in tests/reference/optim.
inline std::set<std::string> optim_fixture_names() {
  std::set<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::string(EMBER_TEST_REFERENCE_DIR) + "/optim")) {
    if (entry.path().extension() == ".safetensors") names.insert(entry.path().stem().string());
  }
  return names;
}

}  // namespace ember::test
