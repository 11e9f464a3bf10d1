// The development signing key: made once per user, outside the source tree,
// and used when no key is given, the way a fresh checkout of Talos or RAUC
// can build a signed image without key management first.
#pragma once

#include <filesystem>

namespace bronze::signing {

struct KeyPaths {
  std::filesystem::path private_key;
  std::filesystem::path public_key;
};

// $BRONZE_CONFIG_DIR, else $XDG_CONFIG_HOME/bronze, else ~/.config/bronze.
std::filesystem::path config_dir();

// Returns the development key pair in config_dir()/keys, creating it (and
// printing its path on stderr) the first time.
KeyPaths ensure_dev_key();

// The public key next to a private key: "x.key" -> "x.pub".
std::filesystem::path public_key_path_for(const std::filesystem::path& private_key);

}  // namespace bronze::signing
