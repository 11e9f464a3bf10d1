# Finds a clang++ whose libFuzzer links, once per build folder. When there is
# none, the build still succeeds and every fuzz test fails saying what to
# install: a missing fuzzer must not look like a passing one.

find_program(BRONZE_FUZZ_CXX NAMES clang++-14 clang++ DOC "clang++ with libFuzzer, for tests/fuzz")

set(BRONZE_FUZZ_MISSING "")
if(NOT BRONZE_FUZZ_CXX)
  set(BRONZE_FUZZ_MISSING "no clang++ found: apt-get install clang-14 libclang-rt-14-dev")
elseif(NOT BRONZE_FUZZ_TOOLCHAIN_WORKS STREQUAL BRONZE_FUZZ_CXX)
  set(probe_dir ${CMAKE_CURRENT_BINARY_DIR}/toolchain_probe)
  file(MAKE_DIRECTORY ${probe_dir})
  file(WRITE ${probe_dir}/probe.cpp
    "#include <cstddef>\n#include <cstdint>\n"
    "extern \"C\" int LLVMFuzzerTestOneInput(const uint8_t*, size_t) { return 0; }\n")
  execute_process(
    COMMAND ${BRONZE_FUZZ_CXX} -fsanitize=fuzzer,address,undefined ${probe_dir}/probe.cpp -o ${probe_dir}/probe
    RESULT_VARIABLE probe_result OUTPUT_VARIABLE probe_output ERROR_VARIABLE probe_output)
  if(probe_result EQUAL 0)
    set(BRONZE_FUZZ_TOOLCHAIN_WORKS ${BRONZE_FUZZ_CXX} CACHE INTERNAL "clang++ whose libFuzzer was seen to link")
  else()
    string(STRIP "${probe_result} ${probe_output}" probe_output)
    string(CONCAT BRONZE_FUZZ_MISSING "${BRONZE_FUZZ_CXX} cannot build a libFuzzer target (${probe_output}): "
                                      "apt-get install clang-14 libclang-rt-14-dev")
  endif()
endif()

if(BRONZE_FUZZ_MISSING)
  message(WARNING "fuzz targets not built: ${BRONZE_FUZZ_MISSING}")
endif()
