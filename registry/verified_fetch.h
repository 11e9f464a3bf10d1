// Documents and blobs fetched from a registry and checked against the
// digest (and size) that names them before anyone uses them. Blobs stream
// to a file through the hash; documents, being small, are held in memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "installer_image/documents.h"
#include "registry/registry_session.h"

namespace bronze::registry {

// Index, manifest and config are small; the bound keeps a hostile registry
// from making us hold whatever it sends. The same bound as ImageArchive's.
inline constexpr uint64_t kMaxDocumentBytes = 4 << 20;

struct FetchedDocument {
  std::string body;
  std::string media_type;  // the response's Content-Type, else the descriptor's
  std::string digest;      // "sha256:" + the body's hash
};

// GET manifests/<reference>. With `expected`, the body must match its size
// and digest; a reference that is a digest must match too.
FetchedDocument fetch_manifest(RegistrySession& session, const std::string& reference,
                               const std::optional<oci::Descriptor>& expected, const std::string& what);

// A small blob (the config) in memory, checked.
std::string fetch_blob(RegistrySession& session, const oci::Descriptor& d, const std::string& role);

struct StreamBlobOptions {
  // A transfer that breaks off, stalls past the session's timeout or meets a
  // 5xx or 429 is made again from the byte it reached (an HTTP Range
  // request): at once when it brought bytes, else after 1, 2, 4... s. This
  // many attempts in a row without a byte end it, and so do `max_transfers`
  // in all.
  int attempts = 6;
  int max_transfers = 100;
  // Hash the bytes and check them at the end. Off only where the receiver
  // checks the same digest itself (the installer, for a streamed slot
  // image): one pass fewer over every byte.
  bool check_digest = true;
  // Only bytes [range_offset, range_offset + *range_length) of the blob
  // (a delta upgrade's missing chunks), asked for with a Range request whose
  // answer must say it starts there. A part cannot be checked against the
  // blob's digest: the caller checks it (against the chunk index).
  uint64_t range_offset = 0;
  std::optional<uint64_t> range_length;
  // Told of each resumption: the byte it starts from, and why.
  std::function<void(uint64_t at, const std::string& why)> on_resume;
};

// Streams a blob to `sink` as it arrives, hashing it, without holding it:
// memory does not grow with the blob. Throws naming the digest when the size
// or the hash does not match at the end, when the registry ignores a Range
// request, or when the attempts run out (naming the last failure). The sink
// sees each byte once, in order, also across resumptions; what it received
// is trusted only once this returns.
void stream_blob(RegistrySession& session, const oci::Descriptor& d, const std::string& role,
                 const std::function<void(std::string_view)>& sink, const StreamBlobOptions& options = {});

// Streams a blob into `file` (created or truncated) through stream_blob;
// throws naming the digest when the size or the hash does not match.
// `on_bytes` sees each chunk's size.
void fetch_blob_to_file(RegistrySession& session, const oci::Descriptor& d, const std::string& role,
                        const std::filesystem::path& file, const std::function<void(uint64_t)>& on_bytes,
                        const StreamBlobOptions& options = {});

}  // namespace bronze::registry
