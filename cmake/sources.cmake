# Every .cpp under src/ belongs to the library; CONFIGURE_DEPENDS re-globs when files are added.
file(GLOB_RECURSE EMBER_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
