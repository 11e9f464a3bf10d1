// Pulls one architecture's image from an OCI registry into an OCI image
// archive ("oci-archive": a tar holding oci-layout, index.json and
// blobs/sha256/...), the form bronze::oci::ImageArchive opens. The image's
// signature (cosign-style, at tag sha256-<hex>.sig beside it) is verified
// before the image manifest is parsed or a layer fetched, and comes along in
// the archive. Every document and blob is checked against its digest before
// it is used or written; nothing is left at the output path when the pull
// fails.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "registry/endpoint.h"
#include "registry/reference.h"
#include "registry/verified_fetch.h"
#include "signing/image_signature.h"
#include "signing/trust_store.h"

namespace bronze::registry {

struct PullOptions {
  std::string arch = "amd64";  // picked from a multi-arch index (os linux); a single image must match it
  // The keys the image must be signed with; required.
  const signing::TrustStore* trust = nullptr;
  // Where to fetch from, tried in order (mirrors, then the registry itself;
  // see endpoint.h). Empty: the registry the reference names, over HTTPS
  // unless `plain_http`.
  std::vector<Endpoint> endpoints;
  bool plain_http = false;
  // Told before each endpoint is tried.
  std::function<void(const Endpoint&)> on_endpoint;
  // Told when a blob's transfer broke off and goes on from byte `at`.
  std::function<void(const std::string& blob, uint64_t at, const std::string& why)> on_resume;
  // A CA certificate file trusted for HTTPS in addition to the system's.
  std::string ca_file;
  // Called as blob bytes arrive, with the bytes so far and the image's total.
  std::function<void(uint64_t done, uint64_t total)> progress;
  uint64_t max_bytes = 2ull << 30;  // larger images are refused before their blobs are fetched (deferred layers aside)
  // Layers of this media type are not fetched: the caller streams them
  // itself (stream_layer) to where they go. The archive lacks their blobs.
  std::string deferred_media_type;
  long timeout_seconds = 60;        // to connect, and the longest stall in a transfer
};

struct PullResult {
  // The digest of the manifest, the one its signature names.
  std::string manifest_digest;
  signing::ImageClaims claims;  // what the signature says
  uint64_t bytes = 0;  // manifest, config and layers
  std::string endpoint;  // the URL that served it
  Endpoint served_by;    // the endpoint itself, to stream deferred layers from
  std::optional<oci::Descriptor> deferred;  // the layer left out (PullOptions::deferred_media_type)
};

// Writes the archive at `archive` (replacing a file there only on success);
// scratch files go beside it. Throws bronze::Error naming what failed.
PullResult pull_to_archive(const Reference& ref, const PullOptions& options, const std::filesystem::path& archive);

// Streams one blob of `ref`'s repository from `endpoint` to `sink`, resuming
// a broken transfer (see stream_blob); checks size and digest at the end.
void stream_layer(const Reference& ref, const Endpoint& endpoint, const PullOptions& options,
                  const oci::Descriptor& layer, const std::function<void(std::string_view)>& sink,
                  const StreamBlobOptions& stream_options = {});

// Byte ranges of one blob (a delta upgrade's missing chunks), over one
// session: its login, token and connection serve every request.
class BlobRanges {
 public:
  BlobRanges(const Reference& ref, const Endpoint& endpoint, const PullOptions& options, oci::Descriptor blob);
  ~BlobRanges();
  // Streams bytes [offset, offset + length) to `sink`, resuming a broken
  // transfer; the caller checks what it got.
  void read(uint64_t offset, uint64_t length, const std::function<void(std::string_view)>& sink,
            StreamBlobOptions options = {});

 private:
  std::unique_ptr<RegistrySession> session_;
  oci::Descriptor blob_;
};

}  // namespace bronze::registry
