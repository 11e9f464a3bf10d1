# bronze_fuzz_target(NAME n SOURCES repo/relative.cpp ... [LIBS ...]
#                    [SECONDS s] [MAX_LEN bytes] [DICT file] [MAX_MALLOC_MB mb])
# See CMakeLists.txt in this folder. Builds fuzz_<n> with clang++ and adds
# the CTest test fuzz_<n> (label `fuzz`).

set(BRONZE_FUZZ_COMPILE_FLAGS
  -std=c++20 -g -O1 -fno-omit-frame-pointer
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
  ${BRONZE_WARNINGS})
set(BRONZE_FUZZ_LINK_FLAGS -fsanitize=fuzzer,address,undefined)
set(BRONZE_FUZZ_RUNNER ${CMAKE_CURRENT_LIST_DIR}/run_fuzz_target.cmake)

# The compile flags and link items an imported library brings: its include
# folders (less the compiler's own, which -I would reorder and break
# libstdc++'s #include_next) and its library files, with their dependencies.
function(_bronze_fuzz_resolve_lib lib out_includes out_links)
  set(includes "")
  set(links "")
  if(NOT TARGET ${lib})
    list(APPEND links ${lib})  # a file or a -l flag
  else()
    get_target_property(imported ${lib} IMPORTED)
    if(NOT imported)
      message(FATAL_ERROR "bronze_fuzz_target: ${lib} is built by the main compiler; "
                          "list its .cpp files in SOURCES instead")
    endif()
    get_target_property(type ${lib} TYPE)
    if(NOT type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(location ${lib} IMPORTED_LOCATION)
      if(NOT location)
        get_target_property(configs ${lib} IMPORTED_CONFIGURATIONS)
        list(GET configs 0 config)
        get_target_property(location ${lib} IMPORTED_LOCATION_${config})
      endif()
      list(APPEND links ${location})
    endif()
    get_target_property(dirs ${lib} INTERFACE_INCLUDE_DIRECTORIES)
    foreach(dir IN LISTS dirs)
      if(dir AND NOT dir MATCHES "^\\$<" AND NOT dir IN_LIST CMAKE_CXX_IMPLICIT_INCLUDE_DIRECTORIES)
        list(APPEND includes -I${dir})
      endif()
    endforeach()
    get_target_property(deps ${lib} INTERFACE_LINK_LIBRARIES)
    foreach(dep IN LISTS deps)
      if(dep AND NOT dep MATCHES "^\\$<")
        _bronze_fuzz_resolve_lib(${dep} dep_includes dep_links)
        list(APPEND includes ${dep_includes})
        list(APPEND links ${dep_links})
      endif()
    endforeach()
  endif()
  set(${out_includes} ${includes} PARENT_SCOPE)
  set(${out_links} ${links} PARENT_SCOPE)
endfunction()

# One instrumented object per source file, shared by every target that
# names it. Returns its path in `out_object`.
function(_bronze_fuzz_object source includes out_object)
  if(IS_ABSOLUTE ${source})
    file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${source})
  else()
    set(relative ${source})
  endif()
  set(object ${CMAKE_CURRENT_BINARY_DIR}/objects/${relative}.o)
  get_property(made GLOBAL PROPERTY BRONZE_FUZZ_OBJECTS)
  if(NOT object IN_LIST made)
    set_property(GLOBAL APPEND PROPERTY BRONZE_FUZZ_OBJECTS ${object})
    get_filename_component(object_dir ${object} DIRECTORY)
    file(MAKE_DIRECTORY ${object_dir})
    add_custom_command(OUTPUT ${object}
      COMMAND ${BRONZE_FUZZ_CXX} ${BRONZE_FUZZ_COMPILE_FLAGS} -I${PROJECT_SOURCE_DIR} ${includes}
              -MD -MF ${object}.d -c ${PROJECT_SOURCE_DIR}/${relative} -o ${object}
      DEPENDS ${PROJECT_SOURCE_DIR}/${relative}
      DEPFILE ${object}.d
      COMMENT "Compiling ${relative} for fuzzing (clang++)"
      VERBATIM)
  endif()
  set(${out_object} ${object} PARENT_SCOPE)
endfunction()

function(bronze_fuzz_target)
  cmake_parse_arguments(F "" "NAME;SECONDS;MAX_LEN;DICT;MAX_MALLOC_MB" "SOURCES;LIBS" ${ARGN})
  if(NOT F_NAME OR NOT F_SOURCES)
    message(FATAL_ERROR "bronze_fuzz_target needs NAME and SOURCES")
  endif()
  if(NOT F_SECONDS)
    set(F_SECONDS 15)
  endif()
  if(NOT F_MAX_LEN)
    set(F_MAX_LEN 4096)
  endif()
  set(harness ${CMAKE_CURRENT_SOURCE_DIR}/${F_NAME}.cpp)
  set(seeds ${CMAKE_CURRENT_SOURCE_DIR}/corpus/${F_NAME})
  if(NOT EXISTS ${harness})
    message(FATAL_ERROR "bronze_fuzz_target(${F_NAME}): write the harness ${harness}")
  endif()
  if(NOT IS_DIRECTORY ${seeds})
    message(FATAL_ERROR "bronze_fuzz_target(${F_NAME}): add seed inputs under ${seeds}")
  endif()

  set(test_name fuzz_${F_NAME})
  set(runner_args -DNAME=${F_NAME} -DSEEDS=${seeds} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/runs/${F_NAME}
                  -DSECONDS=${F_SECONDS} -DMAX_LEN=${F_MAX_LEN})
  if(F_DICT)
    list(APPEND runner_args -DDICT=${CMAKE_CURRENT_SOURCE_DIR}/dicts/${F_DICT})
  endif()
  if(F_MAX_MALLOC_MB)
    list(APPEND runner_args -DMAX_MALLOC_MB=${F_MAX_MALLOC_MB})
  endif()

  if(BRONZE_FUZZ_MISSING)
    add_test(NAME ${test_name} COMMAND ${CMAKE_COMMAND} "-DMISSING=${BRONZE_FUZZ_MISSING}" ${runner_args}
                                       -P ${BRONZE_FUZZ_RUNNER})
  else()
    set(includes "")
    set(links "")
    foreach(lib IN LISTS F_LIBS)
      _bronze_fuzz_resolve_lib(${lib} lib_includes lib_links)
      list(APPEND includes ${lib_includes})
      list(APPEND links ${lib_links})
    endforeach()
    list(REMOVE_DUPLICATES includes)
    set(objects "")
    foreach(source ${harness} ${F_SOURCES})
      _bronze_fuzz_object(${source} "${includes}" object)
      list(APPEND objects ${object})
    endforeach()
    # Not beside the custom target of the same name, which Ninja would confuse with it.
    set(binary ${CMAKE_CURRENT_BINARY_DIR}/bin/${test_name})
    add_custom_command(OUTPUT ${binary}
      COMMAND ${BRONZE_FUZZ_CXX} ${BRONZE_FUZZ_LINK_FLAGS} ${objects} ${links} -o ${binary}
      DEPENDS ${objects}
      COMMENT "Linking fuzz target ${test_name} (clang++)"
      VERBATIM)
    add_custom_target(${test_name} ALL DEPENDS ${binary})
    add_test(NAME ${test_name} COMMAND ${CMAKE_COMMAND} -DFUZZER=${binary} ${runner_args} -P ${BRONZE_FUZZ_RUNNER})
  endif()
  # Room for libFuzzer's start-up and a crash's report after the run time.
  math(EXPR timeout "${F_SECONDS} + 60")
  set_tests_properties(${test_name} PROPERTIES LABELS fuzz TIMEOUT ${timeout})
endfunction()
