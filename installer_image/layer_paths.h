// Path rules for a layer's entries, checked before anything is written to
// disk: names stay below the extraction folder, and so do the symlinks.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace bronze::oci {

// "./usr//lib/" -> "usr/lib". Empty for the layer's root ("." or "./").
// Throws an Error naming the entry for an absolute path, a ".." component or
// a NUL byte.
std::string normalize_layer_path(std::string_view name);

// Symlinks of the layer: normalized path -> target as written.
using SymlinkMap = std::map<std::string, std::string, std::less<>>;

enum class LinkResolution { kInside, kEscapes, kLoops };

// Follows `target` from the folder holding `link` the way the kernel would,
// expanding the layer's own symlinks met on the way (a link that is only
// lexically inside, such as "a/up/.." where a/up -> "../..", still escapes).
// Absolute targets escape: on the host they point outside the folder.
LinkResolution resolve_symlink(std::string_view link, std::string_view target, const SymlinkMap& symlinks);

}  // namespace bronze::oci
