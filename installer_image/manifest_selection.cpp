#include "installer_image/manifest_selection.h"

#include <set>
#include <vector>

#include "base/error.h"
#include "installer_image/media_types.h"

namespace bronze::oci {

namespace {

// A layout may nest an index in an index; deeper chains are not used by
// any tool and would only serve to loop.
constexpr int kMaxIndexDepth = 3;

void collect_manifests(const ImageIndex& index, const IndexReader& read_index, int depth,
                       std::vector<Descriptor>& manifests) {
  for (const auto& d : index.manifests) {
    if (d.media_type == kIndexMediaType) {
      if (depth >= kMaxIndexDepth) throw Error("image index nests other indexes too deeply");
      collect_manifests(read_index(d), read_index, depth + 1, manifests);
    } else if (d.media_type == kManifestMediaType) {
      manifests.push_back(d);
    }
    // Other types (Docker manifest lists, artifacts) are not images we install.
  }
}

}  // namespace

Descriptor select_manifest(const ImageIndex& index, const std::string& arch, const IndexReader& read_index) {
  std::vector<Descriptor> manifests;
  collect_manifests(index, read_index, 1, manifests);
  if (manifests.empty()) {
    throw Error(std::string("image index lists no OCI image manifest (") + kManifestMediaType + ")");
  }
  if (manifests.size() == 1 && !manifests.front().platform) return manifests.front();

  std::vector<Descriptor> matching;
  std::set<std::string> present;
  for (const auto& d : manifests) {
    if (!d.platform) continue;
    present.insert(d.platform->architecture);
    if (d.platform->architecture == arch && d.platform->os == "linux") matching.push_back(d);
  }
  if (matching.size() == 1) return matching.front();
  if (matching.size() > 1) {
    throw Error("image index lists " + std::to_string(matching.size()) + " manifests for linux/" + arch +
                "; expected one");
  }
  std::string names;
  for (const auto& name : present) names += (names.empty() ? "" : ", ") + name;
  throw Error("image has no manifest for architecture " + arch + " (it has: " +
              (names.empty() ? std::string("none with a platform") : names) + ")");
}

}  // namespace bronze::oci
