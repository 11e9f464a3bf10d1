#include "signing/dev_key.h"

#include <cstdio>
#include <cstdlib>

#include "base/error.h"
#include "base/files.h"
#include "signing/ed25519.h"

namespace bronze::signing {
namespace fs = std::filesystem;

fs::path config_dir() {
  if (const char* dir = std::getenv("BRONZE_CONFIG_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg) return fs::path(xdg) / "bronze";
  const char* home = std::getenv("HOME");
  if (!home || !*home) throw Error("neither BRONZE_CONFIG_DIR, XDG_CONFIG_HOME nor HOME is set; pass --signing-key");
  return fs::path(home) / ".config" / "bronze";
}

fs::path public_key_path_for(const fs::path& private_key) {
  fs::path pub = private_key;
  pub.replace_extension(".pub");
  return pub;
}

KeyPaths ensure_dev_key() {
  fs::path dir = config_dir() / "keys";
  KeyPaths paths{dir / "dev-signing.key", dir / "dev-signing.pub"};
  if (fs::exists(paths.private_key) && fs::exists(paths.public_key)) return paths;
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) throw Error("cannot create " + dir.string() + " for the development signing key: " + error.message());
  PrivateKey key = PrivateKey::generate();
  key.save(paths.private_key);
  StagedFile pub(paths.public_key);
  write_file(pub.path(), key.public_pem());
  pub.commit();
  std::fprintf(stderr, "created a development signing key: %s (public key %s)\n", paths.private_key.c_str(),
               paths.public_key.c_str());
  return paths;
}

}  // namespace bronze::signing
