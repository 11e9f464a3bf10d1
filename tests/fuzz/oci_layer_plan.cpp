// Fuzzes the check made before a layer is extracted (plan_layer): the
// layer is a tar from an image nobody has vouched for yet, read through
// libarchive, and the plan is all that stands between its names and the
// disk. Input: the layer blob itself (tar, gzip or zstd). Only bronze::Error
// may refuse; an accepted plan must hold only names the path rules allow,
// each once, within the byte limit, and a second pass must read the same
// entries and exactly the data sizes the plan promised, as extraction does.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "installer_image/byte_stream.h"
#include "installer_image/layer_paths.h"
#include "installer_image/layer_plan.h"
#include "installer_image/layer_reader.h"
#include "tests/fuzz/require.h"

namespace {

using namespace bronze::oci;

// Small, so that the size limit is reached by inputs the fuzzer can make.
constexpr uint64_t kMaxTotalBytes = 64 * 1024;

using bronze::fuzz::require;

// The fuzzer's input as a layer blob. Served in pieces of at most 4 KiB so
// that libarchive's refills across calls are exercised too.
class MemoryStream : public ByteStream {
 public:
  explicit MemoryStream(std::string_view bytes) : bytes_(bytes) {}
  size_t read(void* buffer, size_t size) override {
    size_t n = std::min<size_t>({size, bytes_.size(), 4096});
    std::memcpy(buffer, bytes_.data(), n);
    bytes_.remove_prefix(n);
    return n;
  }
  void finish() override { bytes_ = {}; }

 private:
  std::string_view bytes_;
};

void check_plan(const std::vector<LayerEntry>& plan) {
  std::set<std::string> names;
  uint64_t total = 0;
  for (const auto& e : plan) {
    if (!e.path.empty()) {
      require(e.path.front() != '/' && e.path.back() != '/' && e.path.find("//") == std::string::npos);
      require(normalize_layer_path(e.path) == e.path);
      require(names.insert(e.path).second);
    } else {
      require(e.type == LayerEntry::Type::kDirectory);
    }
    require(e.type != LayerEntry::Type::kOther);
    if (e.type == LayerEntry::Type::kFile) total += e.size;
  }
  require(total <= kMaxTotalBytes);
}

// What extract_layer does after planning: reads the layer again, entry by
// entry, data included.
void replay(std::string_view bytes, const std::vector<LayerEntry>& plan) {
  LayerReader reader(std::make_unique<MemoryStream>(bytes));
  LayerEntry e;
  size_t index = 0;
  std::vector<char> buffer(8192);
  while (reader.next(e)) {
    require(index < plan.size());
    const LayerEntry& planned = plan[index++];
    require(e.path == planned.path && e.type == planned.type && e.link_target == planned.link_target);
    if (e.type != LayerEntry::Type::kFile) continue;
    uint64_t got = 0;
    while (size_t n = reader.read(buffer.data(), buffer.size())) got += n;
    // Never more than its header said: the plan's byte limit counts that.
    require(got <= planned.size);
  }
  require(index == plan.size());
  reader.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<LayerEntry> plan;
  try {
    LayerReader reader(std::make_unique<MemoryStream>(bytes));
    plan = plan_layer(reader, kMaxTotalBytes);
  } catch (const bronze::Error&) {
    return 0;
  }
  check_plan(plan);
  try {
    replay(bytes, plan);
  } catch (const bronze::Error&) {
    // Data that is damaged past its header is found on the second pass.
  }
  return 0;
}
