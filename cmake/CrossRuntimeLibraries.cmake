# Libraries whose Debian -dev package cannot be installed for two arches at
# once (libext2fs-dev and libyaml-cpp-dev are not Multi-Arch: same), so a
# cross build cannot have the target's -dev package beside the host's. Their
# headers are arch-independent (the arm64 and amd64 packages ship the same
# files), and the runtime packages (libext2fs2, libyaml-cpp0.7) are
# Multi-Arch: same, which ties their version to the host's -dev package. So
# a cross build compiles against the host's headers and links the target's
# shared library by its file name. Included by CMakeLists.txt when cross
# compiling; it defines the targets the native build gets from pkg-config
# and find_package, under the same names.

# bronze_runtime_library(TARGET t SONAME libx.so.N HEADER dir/h.h PACKAGES "..."
#                        [INCLUDE_SUFFIX sub] [LINK other...])
function(bronze_runtime_library)
  cmake_parse_arguments(R "" "TARGET;SONAME;HEADER;PACKAGES;INCLUDE_SUFFIX" "LINK" ${ARGN})
  string(MAKE_C_IDENTIFIER "${R_TARGET}" id)
  find_library(BRONZE_${id}_LIBRARY NAMES ${R_SONAME} NO_CACHE)
  find_path(BRONZE_${id}_INCLUDE ${R_HEADER} NO_CACHE)
  if(NOT BRONZE_${id}_LIBRARY OR NOT BRONZE_${id}_INCLUDE)
    message(FATAL_ERROR "${R_TARGET}: need ${R_SONAME} for ${CMAKE_LIBRARY_ARCHITECTURE} and the host's ${R_HEADER}; "
                        "install ${R_PACKAGES} (scripts/install-deps.sh does)")
  endif()
  add_library(${R_TARGET} SHARED IMPORTED GLOBAL)
  set(includes ${BRONZE_${id}_INCLUDE})
  if(R_INCLUDE_SUFFIX)
    list(APPEND includes ${BRONZE_${id}_INCLUDE}/${R_INCLUDE_SUFFIX})
  endif()
  set_target_properties(${R_TARGET} PROPERTIES
    IMPORTED_LOCATION ${BRONZE_${id}_LIBRARY}
    INTERFACE_INCLUDE_DIRECTORIES "${includes}"
    INTERFACE_LINK_LIBRARIES "${R_LINK}")
endfunction()

# com_err's -dev package is Multi-Arch: same: the arm64 one comes through
# pkg-config as usual.
pkg_check_modules(COM_ERR REQUIRED IMPORTED_TARGET com_err)
bronze_runtime_library(TARGET PkgConfig::EXT2FS SONAME libext2fs.so.2 HEADER ext2fs/ext2fs.h INCLUDE_SUFFIX ext2fs
  PACKAGES "libext2fs2:arm64 and libext2fs-dev" LINK PkgConfig::COM_ERR)
bronze_runtime_library(TARGET yaml-cpp SONAME libyaml-cpp.so.0.7 HEADER yaml-cpp/yaml.h
  PACKAGES "libyaml-cpp0.7:arm64 and libyaml-cpp-dev")
