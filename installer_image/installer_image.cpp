#include "installer_image/installer_image.h"

#include "base/error.h"
#include "installer_image/media_types.h"

namespace bronze::oci {
namespace fs = std::filesystem;

namespace {
// Larger than any installer with its libraries: an archive claiming more is refused.
constexpr uint64_t kMaxUnpackedBytes = 1ULL * 1024 * 1024 * 1024;
}  // namespace

InstallerImage::InstallerImage(fs::path root, std::unique_ptr<TempDir> owned, ImageArchive archive,
                               oci::ExtractedLayer extracted)
    : root_(std::move(root)), owned_(std::move(owned)), archive_(std::move(archive)), extracted_(std::move(extracted)) {}

void InstallerImage::check_unchanged() const { oci::check_extracted_folder(root_, extracted_); }

InstallerImage open_installer_image(const fs::path& image, const std::string& arch, const signing::TrustStore& trust,
                                    const fs::path& work_dir, PayloadBlob payload_blob) {
  if (fs::is_directory(image)) {
    throw Error(image.string() + " is a folder; give the installer image's OCI archive (.tar): only its signature "
                "says that every file is the one that was signed");
  }
  if (!fs::exists(image)) throw Error("installer image " + image.string() + " not found");
  oci::ImageArchive archive(image, arch, trust, payload_blob);
  if (!archive.info().payload) {
    throw Error(image.string() + " is not a Bronze installer image: it has no slot image layer (" +
                kSlotPayloadMediaType + ")");
  }
  auto unpacked = work_dir.empty() ? std::make_unique<TempDir>("bronze-installer-image")
                                   : std::make_unique<TempDir>("image", work_dir);
  fs::path root = unpacked->path() / "layer";
  oci::ExtractedLayer extracted = archive.extract(root, kMaxUnpackedBytes);
  return InstallerImage(root, std::move(unpacked), std::move(archive), std::move(extracted));
}

}  // namespace bronze::oci
