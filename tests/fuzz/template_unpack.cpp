// Fuzzes the unpacking of the live ISO's installation template: a zstd
// stream that turns a few kilobytes into a disk-sized sparse file in the
// live system's memory. Input: the compressed template. Only bronze::Error
// may refuse; a refused template leaves no file, an accepted one is never
// larger than the limit. The limit is small here so that no input can fill
// the disk the fuzzer runs on.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <system_error>

#include "base/error.h"
#include "base/files.h"
#include "disk/install/template_unpack.h"
#include "tests/fuzz/require.h"

namespace {

namespace fs = std::filesystem;

constexpr uint64_t kMaxBytes = 1024 * 1024;

using bronze::fuzz::require;

const bronze::TempDir& work() {
  static const bronze::TempDir dir("bronze-fuzz-template");
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fs::path in = work().path() / "disk.raw.zst";
  fs::path out = work().path() / "disk.raw";
  bronze::write_file(in, std::string_view(reinterpret_cast<const char*>(data), size));
  bool unpacked = false;
  try {
    bronze::disk::unpack_template(in, out, kMaxBytes);
    unpacked = true;
  } catch (const bronze::Error&) {
  }
  std::error_code error;
  require(unpacked == fs::exists(out));
  if (unpacked) require(fs::file_size(out) <= kMaxBytes);
  fs::remove(out, error);
  // Nothing else may be left beside it (a staged copy, say).
  for (const auto& entry : fs::directory_iterator(work().path())) require(entry.path() == in);
  return 0;
}
