# `ember info` names the version, build type, compiler, SIMD features, threads, kernel
# backend, GEMM backend and CUDA; the environment variables it reports take effect.
#   cmake -DEMBER_EXE=... -DVERSION=... -DBUILD_TYPE=... -DCOMPILER=... -DCUDA=ON|OFF -P cli_info.cmake
include(${CMAKE_CURRENT_LIST_DIR}/expect.cmake)

if(CUDA)
  set(cuda_line "cuda: +built")
else()
  set(cuda_line "cuda: +not built")
endif()
string(REPLACE "+" "\\+" compiler_re "${COMPILER}")
string(REPLACE "." "\\." version_re "${VERSION}")
set(yes_no "(yes|no)")

expect_run(NAME "ember info"
  COMMAND ${EMBER_EXE} info
  ENV EMBER_NUM_THREADS=3
  MATCHES
    "^ember ${version_re}\n"
    "build type: +${BUILD_TYPE}\n"
    "compiler: +${compiler_re}\n"
    "simd: +AVX2 ${yes_no}, FMA ${yes_no}, AVX-512F ${yes_no}"
    "threads: +3 "
    "kernels: +cpu "
    "gemm backend: +[^\n]+"
    "${cuda_line}\n")

expect_run(NAME "ember info with EMBER_BACKEND=ref"
  COMMAND ${EMBER_EXE} info
  ENV EMBER_BACKEND=ref
  MATCHES "kernels: +ref ")

# An invalid value is a ValueError (exit 2), reported alone rather than after half a report.
expect_run(NAME "ember info with a bad EMBER_NUM_THREADS"
  COMMAND ${EMBER_EXE} info
  ENV EMBER_NUM_THREADS=zero
  RC 2
  MATCHES "^error: EMBER_NUM_THREADS: expected a positive integer, got 'zero'")
expect_run(NAME "ember info with a bad EMBER_BACKEND"
  COMMAND ${EMBER_EXE} info
  ENV EMBER_BACKEND=gpu
  RC 2
  MATCHES "^error: EMBER_BACKEND: expected 'cpu' or 'ref', got 'gpu'")
