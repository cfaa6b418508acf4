# CTest script for the consumer tests (tests/cpp/CMakeLists.txt). Arguments:
#   BUILD_DIR, SOURCE_DIR   the main build tree and the source tree
#   VARIANT, MAIN_VARIANT   static | shared: the one to test and the one BUILD_DIR holds
#   STEP                    install: install VARIANT into <root>/prefix (building it first
#                           when it is not the main build's variant);
#                           embed_cpp | embed_c: configure, build and run that example against
#                           <root>/prefix as an outside application would
#   BUILD_TYPE, CXX_COMPILER, CXX_LAUNCHER, PREFIX_PATH   forwarded to nested configures
set(root "${BUILD_DIR}/embed_test/${VARIANT}")
set(prefix "${root}/prefix")

function(run what)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(rc)
    message(FATAL_ERROR "${what} failed (${rc}):\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

if(STEP STREQUAL "install")
  if(VARIANT STREQUAL MAIN_VARIANT)
    set(lib_build "${BUILD_DIR}")
  else()
    set(lib_build "${root}/lib-build")
    if(VARIANT STREQUAL "shared")
      set(shared ON)
    else()
      set(shared OFF)
    endif()
    set(extra)
    if(CXX_LAUNCHER)
      list(APPEND extra -DCMAKE_CXX_COMPILER_LAUNCHER=${CXX_LAUNCHER})
    endif()
    if(PREFIX_PATH)
      list(APPEND extra "-DCMAKE_PREFIX_PATH=${PREFIX_PATH}")
    endif()
    run("configuring the ${VARIANT} library" ${CMAKE_COMMAND} -S "${SOURCE_DIR}" -B "${lib_build}"
        -G Ninja -DBUILD_SHARED_LIBS=${shared} -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
        -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DLIBMATCH_BUILD_TESTS=OFF
        -DLIBMATCH_BUILD_PYTHON=OFF -DLIBMATCH_INSTALL=ON ${extra})
    # At most CMAKE_BUILD_PARALLEL_LEVEL jobs (default 2): the test may share the machine.
    set(jobs 2)
    if(DEFINED ENV{CMAKE_BUILD_PARALLEL_LEVEL})
      set(jobs $ENV{CMAKE_BUILD_PARALLEL_LEVEL})
    endif()
    run("building the ${VARIANT} library" ${CMAKE_COMMAND} --build "${lib_build}" --parallel ${jobs})
  endif()
  file(REMOVE_RECURSE "${prefix}")
  run("installing the ${VARIANT} library" ${CMAKE_COMMAND} --install "${lib_build}"
      --prefix "${prefix}")
  # The prefix must hold exactly the variant under test.
  file(GLOB_RECURSE shared_libs "${prefix}/*/libmatch.so*" "${prefix}/*/libmatch*.dylib")
  file(GLOB_RECURSE static_libs "${prefix}/*/libmatch.a")
  if(VARIANT STREQUAL "shared" AND (NOT shared_libs OR static_libs))
    message(FATAL_ERROR "expected a shared libmatch in ${prefix}")
  elseif(VARIANT STREQUAL "static" AND (shared_libs OR NOT static_libs))
    message(FATAL_ERROR "expected a static libmatch in ${prefix}")
  endif()
  message(STATUS "installed the ${VARIANT} libmatch into ${prefix}")
  return()
endif()

set(app "${root}/${STEP}")
file(REMOVE_RECURSE "${app}")
run("configuring examples/${STEP} against the installed package" ${CMAKE_COMMAND}
    -S "${SOURCE_DIR}/examples/${STEP}" -B "${app}" -G Ninja "-DCMAKE_PREFIX_PATH=${prefix};${PREFIX_PATH}"
    -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
run("building examples/${STEP}" ${CMAKE_COMMAND} --build "${app}" --parallel 1)
if(STEP STREQUAL "embed_cpp")
  run("embed_libmatch" "${app}/embed_libmatch")
else()
  run("embed_libmatch_c" "${app}/embed_libmatch_c" "${SOURCE_DIR}/data/municipalities.geojson")
endif()
message(STATUS "${run_output}")
# Both programs report the libmatch::Error they caught from inside the library.
if(NOT run_output MATCHES "error as expected")
  message(FATAL_ERROR "examples/${STEP} did not report the expected error")
endif()
