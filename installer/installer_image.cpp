#include "installer/installer_image.h"

#include "base/error.h"
#include "installer/oci/image_archive.h"

namespace bronze::installer {
namespace fs = std::filesystem;

namespace {
// Larger than any slot image and installer: an archive claiming more is refused.
constexpr uint64_t kMaxUnpackedBytes = 2ULL * 1024 * 1024 * 1024;
}  // namespace

InstallerImage::InstallerImage(fs::path root, std::unique_ptr<TempDir> owned)
    : root_(std::move(root)), owned_(std::move(owned)) {}

InstallerImage open_installer_image(const fs::path& image, const std::string& arch) {
  if (fs::is_directory(image)) {
    if (!fs::is_regular_file(image / kPayloadSlotImage)) {
      throw Error(image.string() + " is not an unpacked installer image: it has no " + kPayloadSlotImage);
    }
    return InstallerImage(image, nullptr);
  }
  if (!fs::exists(image)) throw Error("installer image " + image.string() + " not found");
  oci::ImageArchive archive(image, arch);
  auto unpacked = std::make_unique<TempDir>("bronze-installer-image");
  fs::path root = unpacked->path() / "layer";
  archive.extract(root, kMaxUnpackedBytes);
  if (!fs::is_regular_file(root / kPayloadSlotImage)) {
    throw Error(image.string() + " is not a Bronze installer image: its layer has no " + kPayloadSlotImage);
  }
  return InstallerImage(root, std::move(unpacked));
}

}  // namespace bronze::installer
