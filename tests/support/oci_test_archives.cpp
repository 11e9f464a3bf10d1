#include "tests/support/oci_test_archives.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "installer_image/media_types.h"

namespace bronze::oci::test {

namespace fs = std::filesystem;

RawEntry file(std::string name, std::string data) { return {std::move(name), RawEntry::Kind::kFile, std::move(data), {}}; }
RawEntry folder(std::string name) { return {std::move(name), RawEntry::Kind::kDirectory, {}, {}}; }
RawEntry symlink(std::string name, std::string target) {
  return {std::move(name), RawEntry::Kind::kSymlink, {}, std::move(target)};
}
RawEntry hardlink(std::string name, std::string target) {
  return {std::move(name), RawEntry::Kind::kHardlink, {}, std::move(target)};
}

namespace {

void check(archive* a, int status) {
  if (status < ARCHIVE_OK) throw Error(std::string("test tar: ") + archive_error_string(a));
}

}  // namespace

void write_tar(const fs::path& path, const std::vector<RawEntry>& entries) {
  std::unique_ptr<archive, decltype(&archive_write_free)> a(archive_write_new(), &archive_write_free);
  check(a.get(), archive_write_set_format_pax_restricted(a.get()));
  check(a.get(), archive_write_open_filename(a.get(), path.c_str()));
  for (const auto& e : entries) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), &archive_entry_free);
    archive_entry_set_pathname(entry.get(), e.name.c_str());
    archive_entry_set_mtime(entry.get(), 1700000000, 0);
    archive_entry_set_perm(entry.get(), 0644);
    switch (e.kind) {
      case RawEntry::Kind::kFile:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(e.data.size()));
        break;
      case RawEntry::Kind::kDirectory:
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
        archive_entry_set_perm(entry.get(), 0755);
        break;
      case RawEntry::Kind::kSymlink:
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_set_symlink(entry.get(), e.link.c_str());
        break;
      case RawEntry::Kind::kHardlink:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_hardlink(entry.get(), e.link.c_str());
        break;
      case RawEntry::Kind::kCharDevice:
        archive_entry_set_filetype(entry.get(), AE_IFCHR);
        archive_entry_set_rdevmajor(entry.get(), 1);
        archive_entry_set_rdevminor(entry.get(), 3);
        break;
      case RawEntry::Kind::kFifo:
        archive_entry_set_filetype(entry.get(), AE_IFIFO);
        break;
    }
    check(a.get(), archive_write_header(a.get(), entry.get()));
    if (e.kind == RawEntry::Kind::kFile && !e.data.empty()) {
      if (archive_write_data(a.get(), e.data.data(), e.data.size()) != static_cast<la_ssize_t>(e.data.size())) {
        check(a.get(), ARCHIVE_FATAL);
      }
    }
  }
  check(a.get(), archive_write_close(a.get()));
}

std::string make_tar(const std::vector<RawEntry>& entries) {
  TempDir dir("bronze-oci-tar");
  write_tar(dir.path() / "x.tar", entries);
  return read_file(dir.path() / "x.tar");
}

Descriptor describe(const std::string& media_type, const std::string& data) {
  return {media_type, "sha256:" + sha256_hex(data), data.size(), {}, std::nullopt};
}

RawEntry blob(const std::string& data) { return file("blobs/sha256/" + sha256_hex(data), data); }

std::vector<RawEntry> layout_and_index(const ImageIndex& index) {
  return {file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"), file("index.json", to_json(index))};
}

const signing::PrivateKey& signing_key() {
  static const signing::PrivateKey key = signing::PrivateKey::generate();
  return key;
}

signing::TrustStore trust() { return signing::TrustStore::of(signing::PublicKey::from_pem(signing_key().public_pem())); }

std::function<signing::SignedPayload(const std::string&)> signer(const std::string& arch) {
  return [arch](const std::string& digest) {
    return signing::sign_image(digest, {"v1", arch, "metal", 1}, signing_key());
  };
}

CraftedImage craft_image(const std::string& layer_tar, const std::string& arch, const Annotations& annotations) {
  CraftedImage image;
  image.layer = layer_tar;
  Descriptor layer = describe(kLayerMediaType, layer_tar);
  image.config = to_json(ImageConfig{arch, "linux", {layer.digest}, {}}, "2023-11-14T22:13:20Z");
  image.manifest = to_json(ImageManifest{describe(kConfigMediaType, image.config), {layer}, annotations});
  image.manifest_descriptor.platform = Platform{arch, "linux"};
  image.sign();
  return image;
}

std::string signature_tag_of(const CraftedImage& image) { return signature_tag(image.manifest_descriptor.digest); }

void CraftedImage::sign(const std::string& arch, const signing::PrivateKey* key) {
  auto platform = manifest_descriptor.platform;
  manifest_descriptor = describe(kManifestMediaType, manifest);
  manifest_descriptor.platform = platform;
  signing::ImageClaims claims{"v1", arch.empty() ? parse_config(config).architecture : arch, "metal", 1};
  signature = make_signature_artifact(signing::sign_image(manifest_descriptor.digest, claims, key ? *key : signing_key()));
  signature_descriptor = describe(kManifestMediaType, signature.manifest);
  signature_descriptor.annotations[kRefNameAnnotation] = signature_tag(manifest_descriptor.digest);
}

std::vector<RawEntry> CraftedImage::blobs() const {
  return {blob(layer), blob(config), blob(manifest), blob(signature.manifest), blob(signature.config),
          blob(signature.payload)};
}

std::vector<RawEntry> CraftedImage::members() const {
  auto all = layout_and_index(ImageIndex{index_entries(), {}});
  for (auto& b : blobs()) all.push_back(std::move(b));
  return all;
}

RawEntry& member(std::vector<RawEntry>& members, const std::string& name) {
  auto it = std::find_if(members.begin(), members.end(), [&](const RawEntry& e) { return e.name == name; });
  if (it == members.end()) throw Error("test: no member " + name);
  return *it;
}

std::vector<std::string> list_tree(const fs::path& root) {
  std::vector<std::string> names;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    names.push_back(fs::relative(entry.path(), root).string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace bronze::oci::test
