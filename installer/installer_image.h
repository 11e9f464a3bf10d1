// The installer image as the installer reads it: an OCI image archive (the
// form `imager installer` writes and registries carry) or the folder it
// unpacks to. Its layer holds the installer itself and payload/boot.ext4,
// the slot image (see slot_image.h).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "base/files.h"

namespace bronze::installer {

constexpr const char* kPayloadSlotImage = "payload/boot.ext4";

class InstallerImage {
 public:
  InstallerImage(std::filesystem::path root, std::unique_ptr<TempDir> owned);
  // The unpacked layer.
  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path slot_image() const { return root_ / kPayloadSlotImage; }

 private:
  std::filesystem::path root_;
  std::unique_ptr<TempDir> owned_;  // the unpacked archive, removed with this
};

// Opens a folder as it is, or unpacks the `arch` image of an archive into a
// temporary folder, checking every blob's digest and refusing unsafe paths.
// Throws an Error naming what is wrong (truncated archive, digest mismatch,
// `..` paths, no image for `arch`...).
InstallerImage open_installer_image(const std::filesystem::path& image, const std::string& arch);

}  // namespace bronze::installer
