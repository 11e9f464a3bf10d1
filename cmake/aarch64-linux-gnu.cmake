# Cross build for arm64 nodes: Debian's aarch64 cross compiler against
# Debian's arm64 libraries, installed beside the amd64 ones through multiarch
# (dpkg --add-architecture arm64; scripts/install-deps.sh does it). Multiarch
# keeps the target's libraries in /usr/lib/aarch64-linux-gnu and its
# arch-specific headers in /usr/include/aarch64-linux-gnu, both of which the
# cross compiler searches, so there is no sysroot.
#
#   cmake -S . -B _build/release-arm64 -G Ninja \
#     -DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake -DBRONZE_NODE_ONLY=ON
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)

# pkg-config reads only the arm64 .pc files (and the arch-independent ones).
set(PKG_CONFIG_EXECUTABLE aarch64-linux-gnu-pkg-config CACHE FILEPATH "pkg-config for arm64")

# Programs run during the build (protoc, grpc_cpp_plugin) are the host's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
