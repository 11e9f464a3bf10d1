// docs/DESIGN.md decision 7: an upgrade runs the installer of the new version,
// from its installer image, so that a new version knows how to install
// itself. The image carries bin/installer with its own ELF loader and
// libraries, so it runs whatever the running image's libraries are.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace bronze::machined {

// The argv prefix that runs `root`/bin/installer through the image's loader
// with only the image's library folders. Throws when the image has no
// installer or no loader.
std::vector<std::string> new_installer_command(const std::filesystem::path& root);

}  // namespace bronze::machined
