# Usage errors exit with code 2 (STYLE.md, Errors): no subcommand, an unknown subcommand, an
# unknown option. --help exits 0.
#   cmake -DEMBER_EXE=... -P cli_usage.cmake
include(${CMAKE_CURRENT_LIST_DIR}/expect.cmake)

expect_run(NAME "ember without a subcommand" COMMAND ${EMBER_EXE} RC 2
  MATCHES "subcommand is required")
expect_run(NAME "ember with an unknown subcommand" COMMAND ${EMBER_EXE} frobnicate RC 2)
expect_run(NAME "ember info with an unknown option" COMMAND ${EMBER_EXE} info --frobnicate RC 2)
expect_run(NAME "ember --help" COMMAND ${EMBER_EXE} --help RC 0 MATCHES "info")
