// `ember info`: version, build, compiler, CPU features, threads, GEMM backend, CUDA.
#include <iostream>

#include "cli/commands.h"
#include "ember/core/backend.h"
#include "ember/core/parallel.h"
#include "ember/version.h"

namespace ember::cli {

namespace {
const char* yes_no(bool b) { return b ? "yes" : "no"; }

void run_info() {
  BuildInfo b = build_info();
  const CpuFeatures& f = cpu_features();
  // Read before printing anything: a bad EMBER_NUM_THREADS or EMBER_BACKEND throws, and
  // the error should not follow half a report.
  int threads = num_threads();
  Backend backend = cpu_backend();
  std::cout << "ember " << b.version << "\n"
            << "  build type:    " << b.build_type << "\n"
            << "  compiler:      " << b.compiler << "\n"
            << "  cpu:           " << (f.brand.empty() ? "unknown" : f.brand) << "\n"
            << "  simd:          AVX2 " << yes_no(f.avx2) << ", FMA " << yes_no(f.fma)
            << ", AVX-512F " << yes_no(f.avx512f) << ", AVX-512 VNNI " << yes_no(f.avx512_vnni)
            << ", AVX-512 BF16 " << yes_no(f.avx512_bf16) << "\n"
            << "  threads:       " << threads << " (EMBER_NUM_THREADS)\n"
            << "  kernels:       " << backend_name(backend) << " (EMBER_BACKEND)\n"
            << "  gemm backend:  " << b.gemm_backend << "\n"
            << "  cuda:          " << (b.cuda ? "built" : "not built") << "\n";
}
}  // namespace

void add_info_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Print version, build and hardware facts");
  cmd->callback(run_info);
}

}  // namespace ember::cli
