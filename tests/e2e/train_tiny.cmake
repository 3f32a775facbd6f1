# The interim main job trains: the loss falls and the accuracy clears 90% (the program's
# exit code checks both), on the fast kernels and on the reference ones.
#   cmake -DTRAIN_TINY=... -P train_tiny.cmake
include(${CMAKE_CURRENT_LIST_DIR}/expect.cmake)

foreach(backend cpu ref)
  expect_run(NAME "train_tiny (EMBER_BACKEND=${backend})"
    COMMAND ${TRAIN_TINY}
    ENV EMBER_BACKEND=${backend}
    MATCHES "step    0  loss " "step 1000  loss " "accuracy [0-9.]+%")
endforeach()
