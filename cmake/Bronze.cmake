# Build rules shared by every component.
#
# Host-side code (tools, libraries, tests) gets the sanitizers in the test
# build. Code that runs on a node (init, machined) never does: init is static,
# and neither should drag the sanitizer runtimes into the image.

# OpenSSL's allocation macros pass __FILE__ and __LINE__ for its memory
# debugging, which would put our source paths into node binaries: an image's
# bytes would then change when a file moves (docs/DESIGN.md decision 6).
add_compile_definitions(OPENSSL_NO_FILENAMES)

set(BRONZE_WARNINGS -Wall -Wextra -Werror -Wshadow -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion)
set(BRONZE_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

# Product targets (what ships, and the libraries it is made of) are checked
# at the end of the configure: none may link a test-only library.
function(bronze_product_target target)
  set_property(GLOBAL APPEND PROPERTY BRONZE_PRODUCT_TARGETS ${target})
endfunction()

# bronze_test_library(NAME n SOURCES ... LIBS ...): a helper that tests and
# benchmarks link, under tests/support/, marked test-only.
function(bronze_test_library)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS" ${ARGN})
  add_library(${T_NAME} STATIC ${T_SOURCES})
  target_include_directories(${T_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${T_NAME} PUBLIC ${T_LIBS})
  set_target_properties(${T_NAME} PROPERTIES BRONZE_TEST_ONLY ON)
  bronze_host_target(${T_NAME})
endfunction()

# Fails the configure when a product target links a test-only library,
# directly or through another library.
function(bronze_check_product_targets)
  get_property(products GLOBAL PROPERTY BRONZE_PRODUCT_TARGETS)
  foreach(product ${products})
    set(pending ${product})
    set(seen)
    while(pending)
      list(POP_FRONT pending target)
      if(NOT TARGET ${target} OR target IN_LIST seen)
        continue()
      endif()
      list(APPEND seen ${target})
      get_target_property(test_only ${target} BRONZE_TEST_ONLY)
      if(test_only)
        message(FATAL_ERROR "${product} is product code but links ${target}, a test helper: move what it needs "
                            "out of tests/support, or the code that needs it into a test")
      endif()
      get_target_property(aliased ${target} ALIASED_TARGET)
      if(aliased)
        list(APPEND pending ${aliased})
      endif()
      foreach(property LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
        get_target_property(libraries ${target} ${property})
        if(libraries)
          list(APPEND pending ${libraries})
        endif()
      endforeach()
    endwhile()
  endforeach()
endfunction()

function(bronze_host_target target)
  target_compile_options(${target} PRIVATE ${BRONZE_WARNINGS})
  if(BRONZE_NODE_ONLY)
    # Built only when a node binary needs it.
    set_target_properties(${target} PROPERTIES EXCLUDE_FROM_ALL ON)
  endif()
  if(BRONZE_SANITIZE)
    target_compile_options(${target} PRIVATE ${BRONZE_SANITIZERS})
    target_link_options(${target} PRIVATE ${BRONZE_SANITIZERS})
  endif()
endfunction()

function(bronze_node_target target)
  bronze_product_target(${target})
  target_compile_options(${target} PRIVATE ${BRONZE_WARNINGS})
  # The linker's build-id hashes the whole output, debug information (and so
  # source paths) included; the imager strips that information, but the id
  # would stay and tie an image's bytes to where its sources lay. Nothing
  # reads a node binary's build-id: without one, the same code gives the same
  # image from any checkout (docs/DESIGN.md decision 6).
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_link_options(${target} PRIVATE -Wl,--build-id=none)
  endif()
endfunction()

# libarchive for binaries that go into an image: linked statically, so that
# only the readers they use come along. The shared library drags in libxml2
# and ICU's 30 MiB of data for formats a node never reads.
add_library(bronze_libarchive_static INTERFACE)
target_include_directories(bronze_libarchive_static INTERFACE ${LIBARCHIVE_INCLUDE_DIRS})
# libarchive's pax writer shares an object with the table of every writer
# (xar's needs libxml2): --gc-sections drops what nothing calls.
target_link_options(bronze_libarchive_static INTERFACE -Wl,--gc-sections)
target_link_libraries(bronze_libarchive_static INTERFACE
  -Wl,-Bstatic archive -Wl,-Bdynamic
  -Wl,--push-state,--as-needed zstd lzma bz2 z :liblz4.so.1 :libacl.so.1 :libnettle.so.8 -Wl,--pop-state)

# bronze_library(NAME n SOURCES ... [LIBS external...] [NODE_LIBS ...] [DEPS bronze_libs...])
# Makes `n` for host tools and tests and `n_node` for binaries that go into
# an image: the same sources without sanitizers, and linked with NODE_LIBS
# instead of LIBS when given. When neither differs, `n_node` is `n`.
function(bronze_library)
  cmake_parse_arguments(L "" "NAME" "SOURCES;LIBS;NODE_LIBS;DEPS" ${ARGN})
  add_library(${L_NAME} STATIC ${L_SOURCES})
  bronze_product_target(${L_NAME})
  target_include_directories(${L_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${L_NAME} PUBLIC ${L_LIBS} ${L_DEPS})
  bronze_host_target(${L_NAME})
  if(NOT L_NODE_LIBS)
    set(L_NODE_LIBS ${L_LIBS})
  endif()
  if(BRONZE_SANITIZE OR NOT "${L_NODE_LIBS}" STREQUAL "${L_LIBS}")
    set(node_deps)
    foreach(dep ${L_DEPS})
      list(APPEND node_deps ${dep}_node)
    endforeach()
    add_library(${L_NAME}_node STATIC ${L_SOURCES})
    target_include_directories(${L_NAME}_node PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${L_NAME}_node PUBLIC ${L_NODE_LIBS} ${node_deps})
    bronze_node_target(${L_NAME}_node)
  else()
    add_library(${L_NAME}_node ALIAS ${L_NAME})
  endif()
endfunction()

# bronze_test(NAME n LABEL unit|integration|e2e SOURCES ... LIBS ... [WHOLE])
# WHOLE runs the binary as one CTest test, so that an expensive fixture (an
# image build, a booted VM) is made once for all its cases.
function(bronze_test)
  cmake_parse_arguments(T "WHOLE" "NAME;LABEL;TIMEOUT" "SOURCES;LIBS" ${ARGN})
  if(BRONZE_NODE_ONLY)
    # No tests in a node-only build (it has no GoogleTest for its arch). The
    # target is declared, never built, so that the lines that set its
    # properties still configure.
    add_executable(${T_NAME} EXCLUDE_FROM_ALL ${T_SOURCES})
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  bronze_host_target(${T_NAME})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  if(T_WHOLE)
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    set_tests_properties(${T_NAME} PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT})
  else()
    gtest_discover_tests(${T_NAME}
      PROPERTIES LABELS ${T_LABEL} TIMEOUT ${T_TIMEOUT}
      DISCOVERY_TIMEOUT 60)
  endif()
endfunction()

# bronze_grpc_library(NAME n PROTOS a.proto b.proto): the C++ of .proto files
# (messages, and services for gRPC) compiled with protoc and grpc_cpp_plugin.
# Generated code is not ours to warn about: no -Werror here, and its headers
# come in as system headers, included as "<folder>/<name>.pb.h" from the
# repository root.
function(bronze_grpc_library)
  cmake_parse_arguments(G "" "NAME" "PROTOS" ${ARGN})
  find_package(Protobuf REQUIRED)
  find_package(gRPC CONFIG REQUIRED)
  find_program(BRONZE_GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)
  set(generated_dir ${CMAKE_CURRENT_BINARY_DIR}/generated)
  set(sources)
  set(protos)
  foreach(proto ${G_PROTOS})
    set(path ${CMAKE_CURRENT_SOURCE_DIR}/${proto})
    file(RELATIVE_PATH relative ${PROJECT_SOURCE_DIR} ${path})
    string(REGEX REPLACE "\\.proto$" "" stem ${relative})
    list(APPEND sources ${generated_dir}/${stem}.pb.cc ${generated_dir}/${stem}.grpc.pb.cc)
    list(APPEND protos ${path})
  endforeach()
  add_custom_command(
    OUTPUT ${sources}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${generated_dir}
    COMMAND protobuf::protoc
      --proto_path=${PROJECT_SOURCE_DIR}
      --cpp_out=${generated_dir}
      --grpc_out=${generated_dir}
      --plugin=protoc-gen-grpc=${BRONZE_GRPC_CPP_PLUGIN}
      ${protos}
    DEPENDS ${protos}
    COMMENT "protoc ${G_PROTOS}")
  add_library(${G_NAME} STATIC ${sources})
  target_include_directories(${G_NAME} SYSTEM PUBLIC ${generated_dir})
  target_link_libraries(${G_NAME} PUBLIC gRPC::grpc++ protobuf::libprotobuf)
endfunction()
