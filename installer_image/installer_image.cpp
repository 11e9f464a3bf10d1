#include "installer_image/installer_image.h"

#include "base/error.h"
#include "installer_image/image_archive.h"

namespace bronze::oci {
namespace fs = std::filesystem;

namespace {
// Larger than any slot image and installer: an archive claiming more is refused.
constexpr uint64_t kMaxUnpackedBytes = 2ULL * 1024 * 1024 * 1024;
}  // namespace

InstallerImage::InstallerImage(fs::path root, std::unique_ptr<TempDir> owned, signing::ImageClaims claims,
                               std::string manifest_digest, oci::ExtractedLayer extracted)
    : root_(std::move(root)),
      owned_(std::move(owned)),
      claims_(std::move(claims)),
      manifest_digest_(std::move(manifest_digest)),
      extracted_(std::move(extracted)) {}

void InstallerImage::check_unchanged() const { oci::check_extracted_folder(root_, extracted_); }

InstallerImage open_installer_image(const fs::path& image, const std::string& arch, const signing::TrustStore& trust,
                                    const fs::path& work_dir) {
  if (fs::is_directory(image)) {
    throw Error(image.string() + " is a folder; give the installer image's OCI archive (.tar): only its signature "
                "says that every file is the one that was signed");
  }
  if (!fs::exists(image)) throw Error("installer image " + image.string() + " not found");
  oci::ImageArchive archive(image, arch, trust);
  auto unpacked = work_dir.empty() ? std::make_unique<TempDir>("bronze-installer-image")
                                   : std::make_unique<TempDir>("image", work_dir);
  fs::path root = unpacked->path() / "layer";
  oci::ExtractedLayer extracted = archive.extract(root, kMaxUnpackedBytes);
  if (!extracted.files.count(kPayloadSlotImage)) {
    throw Error(image.string() + " is not a Bronze installer image: its layer has no " + kPayloadSlotImage);
  }
  return InstallerImage(root, std::move(unpacked), archive.info().claims, archive.info().manifest_digest,
                        std::move(extracted));
}

}  // namespace bronze::oci
