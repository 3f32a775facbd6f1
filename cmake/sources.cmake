# Every .cpp under src/ belongs to the library; CONFIGURE_DEPENDS re-globs when files are added.
file(GLOB_RECURSE EMBER_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
# The fused Adam loop must round like the op-composed update it replaces: no FMA contraction
# in its AVX2 / AVX-512 clones (see adam_fused.cpp).
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/optim/adam_fused.cpp
  PROPERTIES COMPILE_OPTIONS "-ffp-contract=off")
