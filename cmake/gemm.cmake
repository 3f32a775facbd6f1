# ember's SGEMM (src/kernels/cpu/gemm/): the AVX2 and AVX-512 micro-kernel files are compiled
# for those extensions while the rest of the library keeps the baseline target, so one binary
# runs everywhere and picks its micro-kernels from cpuid at run time (see Note [GEMM ISA
# files] in src/kernels/cpu/gemm/kernel.h). Other architectures and compilers build only the
# portable family.
set(EMBER_GEMM_DIR ${CMAKE_CURRENT_SOURCE_DIR}/src/kernels/cpu/gemm)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND
   CMAKE_CXX_COMPILER_ID MATCHES "^(GNU|Clang)$")
  target_compile_definitions(ember PRIVATE EMBER_GEMM_X86_KERNELS=1)
  set_source_files_properties(${EMBER_GEMM_DIR}/microkernel_avx2.cpp
    PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma")
  set_source_files_properties(${EMBER_GEMM_DIR}/microkernel_avx512.cpp
    PROPERTIES COMPILE_OPTIONS "-mavx512f;-mavx2;-mfma")
else()
  target_compile_definitions(ember PRIVATE EMBER_GEMM_X86_KERNELS=0)
endif()
