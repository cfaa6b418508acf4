# CTest script: install libmatch into a scratch prefix, then configure, build and run
# examples/embed_cpp against it as an outside application would.
set(prefix "${BUILD_DIR}/embed_test/prefix")
set(app "${BUILD_DIR}/embed_test/app")
file(REMOVE_RECURSE "${BUILD_DIR}/embed_test")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}"
                RESULT_VARIABLE rc OUTPUT_QUIET)
if(rc)
  message(FATAL_ERROR "install failed (${rc})")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/embed_cpp" -B "${app}"
                -G Ninja -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release
                RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "configuring examples/embed_cpp against the installed package failed")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build "${app}" RESULT_VARIABLE rc)
if(rc)
  message(FATAL_ERROR "building examples/embed_cpp failed")
endif()
execute_process(COMMAND "${app}/embed_libmatch" RESULT_VARIABLE rc OUTPUT_VARIABLE out)
message(STATUS "${out}")
if(rc)
  message(FATAL_ERROR "embed_libmatch returned ${rc}")
endif()
