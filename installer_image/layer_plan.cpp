#include "installer_image/layer_plan.h"

#include <map>

#include "base/error.h"
#include "installer_image/layer_paths.h"

namespace bronze::oci {

namespace {

using Type = LayerEntry::Type;

// Far above any installer payload; bounds the memory the plan takes and the
// inodes an extraction can use, whatever the byte limit.
constexpr size_t kMaxLayerEntries = 100000;

std::string limit_text(uint64_t bytes) { return std::to_string(bytes) + " bytes"; }

// Every folder above `path`, shallowest first: "a/b/c" -> "a", "a/b".
std::vector<std::string> parents_of(const std::string& path) {
  std::vector<std::string> parents;
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    parents.push_back(path.substr(0, slash));
  }
  return parents;
}

}  // namespace

void check_layer_entries(const std::vector<LayerEntry>& entries, uint64_t max_total_bytes) {
  std::map<std::string, Type> seen;
  SymlinkMap symlinks;
  uint64_t total = 0;
  for (const auto& e : entries) {
    if (e.path.empty()) {
      if (e.type != Type::kDirectory) throw Error("layer entry '" + e.raw_path + "' replaces the folder itself");
      continue;
    }
    switch (e.type) {
      case Type::kOther:
        throw Error("layer entry '" + e.raw_path +
                    "' is a device node, FIFO or socket; an image layer may hold only files, folders and links");
      case Type::kHardlink: {
        auto target = seen.find(e.link_target);
        if (target == seen.end() || target->second != Type::kFile) {
          throw Error("hard link '" + e.raw_path + "' points to '" + e.link_target +
                      "', which is not a file earlier in the layer");
        }
        break;
      }
      case Type::kSymlink:
        symlinks.emplace(e.path, e.link_target);
        break;
      case Type::kFile:
        if (e.size > max_total_bytes || total + e.size > max_total_bytes) {
          throw Error("layer holds more than the " + limit_text(max_total_bytes) + " allowed (at '" + e.raw_path +
                      "'); refusing to fill the disk");
        }
        total += e.size;
        break;
      case Type::kDirectory:
        break;
    }
    if (!seen.emplace(e.path, e.type).second) {
      throw Error("layer entry '" + e.raw_path + "' appears twice; a later copy could replace a checked one");
    }
  }
  for (const auto& e : entries) {
    for (const auto& parent : parents_of(e.path)) {
      auto it = seen.find(parent);
      if (it != seen.end() && it->second != Type::kDirectory) {
        throw Error("layer entry '" + e.raw_path + "' lies below '" + parent +
                    "', which is not a folder; writing through a link could leave the folder");
      }
    }
  }
  for (const auto& [link, target] : symlinks) {
    switch (resolve_symlink(link, target, symlinks)) {
      case LinkResolution::kInside:
        break;
      case LinkResolution::kEscapes:
        throw Error("symlink '" + link + "' -> '" + target + "' points outside the folder it is extracted to");
      case LinkResolution::kLoops:
        throw Error("symlink '" + link + "' -> '" + target + "' is part of a symlink loop");
    }
  }
}

std::vector<LayerEntry> plan_layer(LayerReader& reader, uint64_t max_total_bytes) {
  std::vector<LayerEntry> entries;
  LayerEntry entry;
  while (reader.next(entry)) {
    if (entries.size() == kMaxLayerEntries) {
      throw Error("layer has more than " + std::to_string(kMaxLayerEntries) + " entries; refusing it");
    }
    entries.push_back(entry);
  }
  reader.finish();
  check_layer_entries(entries, max_total_bytes);
  return entries;
}

}  // namespace bronze::oci
