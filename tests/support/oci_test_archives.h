// Builders for the archives the OCI tests feed the reader: well-formed
// images around any layer, and hostile layers a real writer would not make.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "installer_image/documents.h"
#include "installer_image/signature_artifact.h"
#include "signing/ed25519.h"
#include "signing/trust_store.h"

namespace bronze::oci::test {

struct RawEntry {
  enum class Kind { kFile, kDirectory, kSymlink, kHardlink, kCharDevice, kFifo };
  std::string name;  // written as is, "../x" and "/x" included
  Kind kind = Kind::kFile;
  std::string data;  // kFile
  std::string link;  // kSymlink, kHardlink
};

RawEntry file(std::string name, std::string data);
RawEntry folder(std::string name);
RawEntry symlink(std::string name, std::string target);
RawEntry hardlink(std::string name, std::string target);

// A tar (pax) of the entries, in the order given.
std::string make_tar(const std::vector<RawEntry>& entries);
void write_tar(const std::filesystem::path& path, const std::vector<RawEntry>& entries);

Descriptor describe(const std::string& media_type, const std::string& blob);

// The key crafted images are signed with, and the trust store holding it.
const signing::PrivateKey& signing_key();
signing::TrustStore trust();
// An ImageSpec::sign that signs with signing_key(), claiming `arch`.
std::function<signing::SignedPayload(const std::string&)> signer(const std::string& arch);

// One image's documents around a layer, with digests that match, signed by
// signing_key() the way `imager installer` signs.
struct CraftedImage {
  std::string layer;
  std::string config;
  std::string manifest;
  Descriptor manifest_descriptor;  // for an index entry; platform set
  SignatureArtifact signature;
  Descriptor signature_descriptor;  // its index entry, tagged sha256-<hex>.sig

  // Signs the manifest as it is now, claiming `arch` (default: the config's)
  // with `key` (default: signing_key()); call after changing the manifest.
  void sign(const std::string& arch = "", const signing::PrivateKey* key = nullptr);
  // oci-layout, an index.json listing this image and its signature, and the
  // blobs of both.
  std::vector<RawEntry> members() const;
  // The blobs alone (image and signature), to combine images under one index.
  std::vector<RawEntry> blobs() const;
  // The image's and its signature's index entries.
  std::vector<Descriptor> index_entries() const { return {manifest_descriptor, signature_descriptor}; }
};

// "sha256-<hex>.sig" of the image's manifest.
std::string signature_tag_of(const CraftedImage& image);

CraftedImage craft_image(const std::string& layer_tar, const std::string& arch, const Annotations& annotations = {});

std::vector<RawEntry> layout_and_index(const ImageIndex& index);
RawEntry blob(const std::string& data);
// The member called `name`; fails the test when there is none.
RawEntry& member(std::vector<RawEntry>& members, const std::string& name);

// The files below `root`, relative, sorted; for "nothing left behind".
std::vector<std::string> list_tree(const std::filesystem::path& root);

}  // namespace bronze::oci::test
