// Takes files out of a layer, safely: every entry is checked against the
// path rules before anything is written, the layer's digest is checked on
// each pass, and a refused layer leaves nothing behind.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "installer_image/documents.h"
#include "installer_image/outer_archive.h"

namespace bronze::oci {

// What extract_layer wrote, from bytes whose digest it checked: enough to
// check the folder again right before its files are used.
struct ExtractedLayer {
  std::map<std::string, std::string> files;     // relative path -> sha256 hex (hard links too)
  std::map<std::string, std::string> symlinks;  // relative path -> target
  std::set<std::string> folders;
};

// Extracts the layer into `destination`, which must not exist yet; it is
// built under a temporary name beside it and renamed when complete.
// Refused: names with ".." or an absolute path, entries below a symlink,
// symlinks whose target leaves the folder (or loops), hard links to anything
// but a file earlier in the layer, device nodes, FIFOs and sockets, a name
// that appears twice, and more than `max_total_bytes` of file data.
// Set-user-ID, set-group-ID and sticky bits are dropped: an installer payload
// has no use for them, and they would be a way to plant a privileged binary.
ExtractedLayer extract_layer(const OuterArchive& archive, const Descriptor& layer,
                             const std::filesystem::path& destination, uint64_t max_total_bytes);

// Walks `root` and throws, naming the path, unless it holds exactly what
// `expected` records: no file changed, added or missing, no link retargeted.
// What is checked is then what is used.
void check_extracted_folder(const std::filesystem::path& root, const ExtractedLayer& expected);

// One regular file of the layer (following a hard link), without extracting
// anything; returned only after the whole layer matched its digest.
std::string read_layer_file(const OuterArchive& archive, const Descriptor& layer, const std::string& path,
                            uint64_t max_bytes);

}  // namespace bronze::oci
