# Runs one fuzz target for a bounded time (cmake -P, from CTest).
# New inputs go to a scratch corpus in the build folder, so the committed
# seeds stay as they are; a crash fails the test and says how to replay it.
#
#   -DNAME= -DFUZZER= -DSEEDS= -DWORK= -DSECONDS= -DMAX_LEN= [-DDICT=]
#   -DMISSING=<reason>  fail at once: the fuzz toolchain is not installed

if(MISSING)
  message(FATAL_ERROR "fuzz target ${NAME} was not built: ${MISSING}")
endif()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)

set(options -max_total_time=${SECONDS} -timeout=5 -rss_limit_mb=2048 -max_len=${MAX_LEN}
            -print_final_stats=1 -artifact_prefix=${WORK}/artifacts/)
if(DICT)
  list(APPEND options -dict=${DICT})
endif()

set(ENV{ASAN_OPTIONS} "abort_on_error=1:detect_leaks=1")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1")
execute_process(COMMAND ${FUZZER} ${options} ${WORK}/corpus ${SEEDS} RESULT_VARIABLE result)

if(NOT result EQUAL 0)
  file(GLOB artifacts ${WORK}/artifacts/*)
  list(JOIN artifacts "\n  " artifact_list)
  message(FATAL_ERROR "fuzz target ${NAME} failed (${result}). Inputs that crash it:\n  ${artifact_list}\n"
                      "Replay one with: ${FUZZER} <input>")
endif()
