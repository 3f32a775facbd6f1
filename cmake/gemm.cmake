# ember's SGEMM and bfloat16 GEMM (src/kernels/cpu/gemm/): the AVX2, AVX-512 and AVX512-BF16
# micro-kernel files are compiled for those extensions while the rest of the library keeps
# the baseline target, so one binary runs everywhere and picks its micro-kernels from cpuid
# at run time (see Note [GEMM ISA files] in src/kernels/cpu/gemm/kernel.h). Other
# architectures and compilers build only the portable families.
include(CheckCXXCompilerFlag)
set(EMBER_GEMM_DIR ${CMAKE_CURRENT_SOURCE_DIR}/src/kernels/cpu/gemm)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND
   CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang)$")
  target_compile_definitions(ember PRIVATE EMBER_GEMM_X86_KERNELS=1)
  set_source_files_properties(${EMBER_GEMM_DIR}/microkernel_avx2.cpp
    PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma")
  set_source_files_properties(${EMBER_GEMM_DIR}/microkernel_avx512.cpp
    PROPERTIES COMPILE_OPTIONS "-mavx512f;-mavx2;-mfma")
  # vdpbf16ps and vcvtne2ps2bf16 (GCC 9+, Clang 9+); the packers' 16-bit masked loads and
  # word permutes need BW and VL, which every AVX512-BF16 CPU has.
  check_cxx_compiler_flag(-mavx512bf16 EMBER_HAVE_MAVX512BF16)
  if(EMBER_HAVE_MAVX512BF16)
    target_compile_definitions(ember PRIVATE EMBER_GEMM_BF16_KERNELS=1)
    set_source_files_properties(${EMBER_GEMM_DIR}/microkernel_avx512_bf16.cpp
      PROPERTIES COMPILE_OPTIONS "-mavx512f;-mavx512bw;-mavx512vl;-mavx512bf16;-mavx2;-mfma")
  else()
    target_compile_definitions(ember PRIVATE EMBER_GEMM_BF16_KERNELS=0)
  endif()
else()
  target_compile_definitions(ember PRIVATE EMBER_GEMM_X86_KERNELS=0 EMBER_GEMM_BF16_KERNELS=0)
endif()
