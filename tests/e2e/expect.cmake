# expect_run(): runs a command and fails the calling CTest script (cmake -P) unless the exit
# code and the combined stdout+stderr are what the test says. Every failed expectation is
# reported with the whole output, so a failure is diagnosed from the CTest log alone.
#
#   expect_run(NAME <what> COMMAND <exe> [args...] [ENV VAR=value...] [RC <code>]
#              [MATCHES <regex>...])
# RC defaults to 0. Each regex must match somewhere in the output (use ^ for its start).
function(expect_run)
  cmake_parse_arguments(PARSE_ARGV 0 X "" "NAME;RC" "COMMAND;ENV;MATCHES")
  if(NOT DEFINED X_RC)
    set(X_RC 0)
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${X_ENV} ${X_COMMAND}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(output "${out}${err}")
  set(problems "")
  if(NOT rc STREQUAL X_RC)
    string(APPEND problems "  expected exit code ${X_RC}, got ${rc}\n")
  endif()
  foreach(re IN LISTS X_MATCHES)
    if(NOT output MATCHES "${re}")
      string(APPEND problems "  expected the output to match: ${re}\n")
    endif()
  endforeach()
  if(problems)
    list(JOIN X_COMMAND " " command)
    message(FATAL_ERROR "${X_NAME}: FAILED\n${problems}command: ${command}\n"
                        "output:\n${output}")
  endif()
  message(STATUS "${X_NAME}: ok")
endfunction()
