// Build facts and CPU feature detection for `ember info`.
#include "ember/version.h"

#include <cpuid.h>

#include <cstring>

namespace ember {

BuildInfo build_info() {
  BuildInfo b;
  b.version = EMBER_VERSION;
  b.build_type = EMBER_BUILD_TYPE;
  b.compiler = EMBER_COMPILER;
#ifdef EMBER_WITH_CUDA
  b.cuda = true;
#endif
  b.gemm_backend = "ember (blocked C++ loops)";
  return b;
}

namespace {

uint64_t xgetbv0() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned a, b, c, d;
  if (__get_cpuid_max(0, nullptr) < 7) return f;
  __cpuid(1, a, b, c, d);
  bool osxsave = (c >> 27) & 1;
  bool fma = (c >> 12) & 1;
  bool avx = (c >> 28) & 1;
  uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  bool ymm_ok = (xcr0 & 0x6) == 0x6;     // XMM and YMM state saved by the OS
  bool zmm_ok = (xcr0 & 0xe6) == 0xe6;   // plus opmask and ZMM state
  __cpuid_count(7, 0, a, b, c, d);
  f.avx2 = avx && ymm_ok && ((b >> 5) & 1);
  f.fma = fma && ymm_ok;
  f.avx512f = zmm_ok && ((b >> 16) & 1);
  f.avx512bw = zmm_ok && ((b >> 30) & 1);
  f.avx512vl = zmm_ok && ((b >> 31) & 1);
  f.avx512_vnni = zmm_ok && ((c >> 11) & 1);
  unsigned a1, b1, c1, d1;
  __cpuid_count(7, 1, a1, b1, c1, d1);
  f.avx512_bf16 = zmm_ok && ((a1 >> 5) & 1);

  char brand[49] = {};
  if (__get_cpuid_max(0x80000000, nullptr) >= 0x80000004) {
    for (unsigned i = 0; i < 3; ++i) {
      unsigned r[4];
      __cpuid(0x80000002 + i, r[0], r[1], r[2], r[3]);
      std::memcpy(brand + 16 * i, r, 16);
    }
  }
  f.brand = brand;
  while (!f.brand.empty() && f.brand.back() == ' ') f.brand.pop_back();
  return f;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

}  // namespace ember
