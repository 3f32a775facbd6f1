// Build facts reported by `ember info`.
#pragma once

#include <string>

namespace ember {

struct BuildInfo {
  std::string version;
  std::string build_type;
  std::string compiler;
  bool cuda = false;
  std::string gemm_backend;
};
BuildInfo build_info();

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool avx512f = false;
  bool avx512bw = false;
  bool avx512vl = false;
  bool avx512_vnni = false;
  bool avx512_bf16 = false;
  std::string brand;
};
/// Detected once from cpuid (and xgetbv: the OS must save the wider registers).
const CpuFeatures& cpu_features();

}  // namespace ember
