# Installs the built ember into a fresh prefix, then configures, builds and runs the
# downstream project tests/consumer against that prefix only (CMAKE_PREFIX_PATH), so that a
# missing installed header or an unexported dependency fails here rather than for users.
#   cmake -DBINARY_DIR=... -DCONSUMER_DIR=... -DWORK_DIR=... -DGENERATOR=...
#         -DCXX_COMPILER=... -DSANITIZE=ON|OFF -P install_consumer.cmake
include(${CMAKE_CURRENT_LIST_DIR}/expect.cmake)

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
set(build ${WORK_DIR}/build)

set(flags "")
if(SANITIZE)  # the installed static library carries ASan/UBSan references: link the runtimes
  set(flags -DCMAKE_CXX_FLAGS=-fsanitize=address,undefined
            -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined)
endif()

expect_run(NAME "install ember"
  COMMAND ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix})
expect_run(NAME "configure the consumer"
  COMMAND ${CMAKE_COMMAND} -S ${CONSUMER_DIR} -B ${build} -G ${GENERATOR}
          -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
          -DCMAKE_PREFIX_PATH=${prefix} ${flags})
expect_run(NAME "build the consumer" COMMAND ${CMAKE_COMMAND} --build ${build})
expect_run(NAME "run the consumer" COMMAND ${build}/app MATCHES "^consumer: ok")

file(REMOVE_RECURSE ${WORK_DIR})
