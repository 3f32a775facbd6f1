// `ember inspect`: what a safetensors file holds: its metadata (an ember checkpoint's JSON
// pretty-printed), then one row per tensor with shape, dtype and statistics.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "ember/io/safetensors.h"

namespace ember::cli {

namespace {

struct Stats {
  double min = NAN, max = NAN, mean = NAN, std = NAN;
  int64_t non_finite = 0;
};

// Over the finite elements, in double; std is the population one.
Stats stats(const Tensor& t) {
  Stats s;
  if (t.numel() == 0) return s;
  std::vector<double> v = t.to_vector<double>();
  double sum = 0, lo = INFINITY, hi = -INFINITY;
  int64_t n = 0;
  for (double x : v) {
    if (!std::isfinite(x)) {
      ++s.non_finite;
      continue;
    }
    sum += x;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    ++n;
  }
  if (n == 0) return s;
  double mean = sum / static_cast<double>(n), sq = 0;
  for (double x : v) {
    if (std::isfinite(x)) sq += (x - mean) * (x - mean);
  }
  s = {lo, hi, mean, std::sqrt(sq / static_cast<double>(n)), s.non_finite};
  return s;
}

std::string shape_text(const Tensor& t) {
  std::ostringstream os;
  os << t.sizes();
  return os.str();
}

std::string dtype_text(DType d) {
  std::ostringstream os;
  os << d;
  return os.str();
}

void run_inspect(const std::string& path) {
  io::SafetensorsFile file = io::load_safetensors(path);
  std::cout << "file: " << path << " (" << std::filesystem::file_size(path) << " bytes, "
            << file.tensors.size() << " tensors)\n";
  if (file.metadata.empty()) {
    std::cout << "metadata: none\n";
  } else {
    std::cout << "metadata:\n";
    for (const auto& [key, value] : file.metadata) {
      nlohmann::json j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
      if (j.is_structured()) {
        std::string text = j.dump(2);
        std::string indented;
        for (char c : text) indented += c == '\n' ? std::string("\n    ") : std::string(1, c);
        std::cout << "  " << key << ":\n    " << indented << "\n";
      } else {
        std::cout << "  " << key << ": " << value << "\n";
      }
    }
  }
  size_t name_w = 4, shape_w = 5, dtype_w = 5;
  for (const auto& [name, t] : file.tensors) {
    name_w = std::max(name_w, name.size());
    shape_w = std::max(shape_w, shape_text(t).size());
    dtype_w = std::max(dtype_w, dtype_text(t.dtype()).size());
  }
  char buf[512];
  std::snprintf(buf, sizeof(buf), "%-*s  %-*s  %-*s  %12s %12s %12s %12s\n",
                static_cast<int>(name_w), "name", static_cast<int>(shape_w), "shape",
                static_cast<int>(dtype_w), "dtype", "min", "max", "mean", "std");
  std::cout << "tensors:\n" << buf;
  for (const auto& [name, t] : file.tensors) {
    Stats s = stats(t);
    std::snprintf(buf, sizeof(buf), "%-*s  %-*s  %-*s  %12.5g %12.5g %12.5g %12.5g",
                  static_cast<int>(name_w), name.c_str(), static_cast<int>(shape_w),
                  shape_text(t).c_str(), static_cast<int>(dtype_w), dtype_text(t.dtype()).c_str(),
                  s.min, s.max, s.mean, s.std);
    std::cout << buf;
    if (s.non_finite > 0) std::cout << "  (" << s.non_finite << " NaN/Inf)";
    std::cout << "\n";
  }
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "Show the tensors and metadata of a safetensors file");
  auto path = std::make_shared<std::string>();
  cmd->add_option("file", *path, "a .safetensors file (checkpoint or weights)")->required();
  cmd->callback([path] { run_inspect(*path); });
}

}  // namespace ember::cli
