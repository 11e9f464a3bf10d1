#include "tests/support/large_slot.h"

#include <fstream>
#include <memory>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "chunks/chunk_index.h"
#include "installer_image/image_archive.h"
#include "installer_image/image_writer.h"
#include "signing/image_signature.h"
#include "signing/trust_store.h"

namespace bronze::test {

namespace fs = std::filesystem;

constexpr uint64_t kMiB = 1024 * 1024;

void write_random_file(const fs::path& path, uint64_t bytes) {
  run_checked({"dd", "if=/dev/urandom", "of=" + path.string(), "bs=1M", "count=" + std::to_string(bytes / kMiB),
               "status=none"});
}

void pad_slot_image(const fs::path& slot, const fs::path& padding, const fs::path& out) {
  fs::copy_file(slot, out, fs::copy_options::overwrite_existing);
  uint64_t pad = fs::file_size(padding);
  // Room for the file and ext4's metadata for it.
  fs::resize_file(out, fs::file_size(slot) + pad + pad / 16 + 8 * kMiB);
  run_checked({"e2fsck", "-fy", out.string()});
  run_checked({"resize2fs", out.string()});
  run_checked({"debugfs", "-w", "-R", "write " + padding.string() + " padding", out.string()});
}

UnpackedInstaller unpack_installer_image(const fs::path& archive, const fs::path& trust, const fs::path& dir) {
  oci::ImageArchive image(archive, "amd64", signing::TrustStore::load(trust));
  UnpackedInstaller out{dir / "layer", dir / "slot.ext4"};
  fs::create_directories(dir);
  image.extract(out.layer, 1ull << 31);
  auto payload = image.open_payload();
  std::ofstream file(out.slot, std::ios::binary);
  std::vector<char> buffer(kMiB);
  while (size_t n = payload->read(buffer.data(), buffer.size())) file.write(buffer.data(), static_cast<std::streamsize>(n));
  payload->finish();
  file.close();
  if (!file) throw_errno("cannot write " + out.slot.string());
  return out;
}

void write_installer_image(const fs::path& out, const fs::path& layer, const fs::path& slot, const fs::path& signing_key,
                           const std::string& version, bool chunk_index) {
  oci::ImageSpec spec;
  spec.arch = "amd64";
  spec.tag = version;
  spec.epoch = 1700000000;
  spec.slot_payload = slot;
  if (chunk_index) spec.chunk_index = chunks::serialize(chunks::index_path(slot));
  for (const auto& e : fs::recursive_directory_iterator(layer)) {
    if (!e.is_regular_file()) continue;
    auto mode = static_cast<uint32_t>(fs::status(e.path()).permissions() & fs::perms::mask);
    spec.files.push_back({e.path().lexically_relative(layer).string(), e.path(), mode});
  }
  auto key = std::make_shared<signing::PrivateKey>(signing::PrivateKey::load(signing_key));
  spec.sign = [key, version](const std::string& digest) {
    return signing::sign_image(digest, {version, "amd64", "metal", 0}, *key);
  };
  oci::write_image_archive(spec, out);
}

fs::path metal_data_dir(const fs::path& dir, const std::string& disk_size, const std::string& boot_size) {
  fs::create_directories(dir / "platforms");
  run_checked({"cp", "-r", std::string(BRONZE_SOURCE_DIR) + "/kernel", dir.string()});
  std::string platform = read_file(std::string(BRONZE_SOURCE_DIR) + "/platforms/metal.yaml");
  auto replace = [&](const std::string& from, const std::string& to) {
    auto at = platform.find(from);
    if (at == std::string::npos) throw Error("platforms/metal.yaml has no \"" + from + "\"");
    platform.replace(at, from.size(), to);
  };
  replace("size: 1GiB", "size: " + disk_size);
  replace("boot_size: 128MiB", "boot_size: " + boot_size);
  write_file(dir / "platforms/metal.yaml", platform);
  return dir;
}

}  // namespace bronze::test
