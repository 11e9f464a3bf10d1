#include "signing/trust_store.h"

#include <algorithm>

#include "base/error.h"

namespace bronze::signing {
namespace fs = std::filesystem;

TrustStore TrustStore::load(const fs::path& path) {
  TrustStore store;
  store.source_ = path;
  if (!fs::is_directory(path)) {
    if (!fs::exists(path)) throw Error("trust store " + path.string() + " does not exist");
    store.keys_.push_back(PublicKey::load(path));
    return store;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(path)) {
    if (entry.is_regular_file() && entry.path().extension() == ".pub") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) store.keys_.push_back(PublicKey::load(file));
  if (store.keys_.empty()) throw Error("trust store " + path.string() + " holds no public key (*.pub)");
  return store;
}

TrustStore TrustStore::of(PublicKey key) {
  TrustStore store;
  store.keys_.push_back(std::move(key));
  return store;
}

const PublicKey* TrustStore::signer_of(std::string_view message, std::string_view signature) const {
  for (const auto& key : keys_) {
    if (key.verify(message, signature)) return &key;
  }
  return nullptr;
}

std::string TrustStore::describe() const {
  std::string out;
  for (const auto& key : keys_) out += (out.empty() ? "key " : ", key ") + key.fingerprint().substr(0, 16);
  return out;
}

}  // namespace bronze::signing
