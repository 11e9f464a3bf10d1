// The public keys a node (or a user checking on a host) accepts images
// signed by. A file holds one key; a folder holds one key per *.pub file, so
// that a key can be rotated by an image that carries both (docs/DESIGN.md
// decision 11).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "signing/ed25519.h"

namespace bronze::signing {

class TrustStore {
 public:
  // A PEM public key file, or a folder of them (*.pub). Throws naming the
  // file that is not an Ed25519 public key, or an empty folder.
  static TrustStore load(const std::filesystem::path& path);
  static TrustStore of(PublicKey key);

  // The key that signed `message`, or nullptr when none of them did.
  const PublicKey* signer_of(std::string_view message, std::string_view signature) const;
  // "key 1a2b3c4d5e6f7a8b, key ..." for messages: what the node trusts.
  std::string describe() const;
  const std::filesystem::path& source() const { return source_; }

 private:
  std::filesystem::path source_;
  std::vector<PublicKey> keys_;
};

}  // namespace bronze::signing
