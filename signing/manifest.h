// The signed manifest of an image: what was built (name, version, arch,
// platform, kernel command line) and the digest of every artifact. Its JSON
// text is what gets signed, byte for byte; the signature is a detached file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "signing/ed25519.h"
#include "signing/trust_store.h"

namespace bronze::signing {

constexpr int kManifestFormat = 1;

struct Artifact {
  std::string name;    // "vmlinuz", "initramfs.img", "rootfs.sqfs"
  std::string sha256;  // lower-case hex
  uint64_t size = 0;
};

// A KSPP rule the profile accepts failing, with the reason written there.
struct AcceptedException {
  std::string option;
  std::string reason;
};

struct Manifest {
  int format = kManifestFormat;
  std::string name;  // "metal-amd64"
  std::string version;
  std::string arch;
  std::string platform;
  std::string cmdline;
  // Anti-rollback: a node refuses an image whose security version is below
  // the highest one it committed (META). Absent in manifests written before
  // it existed, which read as 0.
  uint64_t security_version = 0;
  std::vector<Artifact> artifacts;
  std::vector<AcceptedException> kspp_exceptions;

  // Canonical JSON text (sorted keys, two-space indent, final newline).
  std::string to_json() const;
  // Strict: unknown format, missing or mistyped fields are errors.
  static Manifest parse(const std::string& json_text);

  const Artifact* find(const std::string& artifact_name) const;
};

// Checks `signature` over `manifest_text` with every key of `trust`, and
// only then parses it; throws an Error that says the signature matches no
// trusted key (and names them) otherwise.
Manifest verify_manifest(const std::string& manifest_text, const std::string& signature, const TrustStore& trust);

// Gives the bytes of an artifact by name, or throws when it is missing.
using ArtifactReader = std::function<std::string(const std::string& name)>;

// Checks every artifact of the manifest against its size and digest; throws an
// Error naming the first artifact that does not match.
void verify_artifacts(const Manifest& manifest, const ArtifactReader& read);

// The same for artifacts too large to hold: the caller streams each one
// through a hash and says what it found.
struct ArtifactDigest {
  uint64_t size = 0;
  std::string sha256;  // lower-case hex
};
using ArtifactDigester = std::function<ArtifactDigest(const std::string& name)>;
void verify_artifact_digests(const Manifest& manifest, const ArtifactDigester& digest_of);

}  // namespace bronze::signing
