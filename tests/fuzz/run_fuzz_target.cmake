# Runs one fuzz target for a bounded time (cmake -P, from CTest).
# New inputs go to a scratch corpus in the build folder, so the committed
# seeds stay as they are; a crash fails the test and says how to replay it.
#
#   -DNAME= -DFUZZER= -DSEEDS= -DWORK= -DSECONDS= -DMAX_LEN= [-DDICT=] [-DMAX_MALLOC_MB=]
#   -DMISSING=<reason>  fail at once: the fuzz toolchain is not installed

if(MISSING)
  message(FATAL_ERROR "fuzz target ${NAME} was not built: ${MISSING}")
endif()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts ${WORK}/tmp)
# Harnesses that hand their input to a library as a file write it here, so
# that even a crashed run leaves nothing outside the build folder.
set(ENV{TMPDIR} ${WORK}/tmp)

set(options -max_total_time=${SECONDS} -timeout=5 -rss_limit_mb=2048 -max_len=${MAX_LEN}
            -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/)
if(DICT)
  list(APPEND options -dict=${DICT})
endif()

set(asan_options "abort_on_error=1:detect_leaks=1")
if(MAX_MALLOC_MB)
  # A larger malloc returns NULL, as it may on a small machine, for the
  # library to handle; C++ new still fails the run.
  string(APPEND asan_options ":allocator_may_return_null=1:max_allocation_size_mb=${MAX_MALLOC_MB}")
endif()
set(ENV{ASAN_OPTIONS} "${asan_options}")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
execute_process(COMMAND ${FUZZER} ${options} ${WORK}/corpus ${SEEDS} RESULT_VARIABLE result)

if(NOT result EQUAL 0)
  file(GLOB artifacts ${WORK}/artifacts/*)
  list(JOIN artifacts "\n  " artifact_list)
  message(FATAL_ERROR "fuzz target ${NAME} failed (${result}). Inputs that crash it:\n  ${artifact_list}\n"
                      "Replay one with: ${FUZZER} <input>")
endif()
