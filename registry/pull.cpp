#include "registry/pull.h"

#include <map>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "installer_image/documents.h"
#include "installer_image/manifest_selection.h"
#include "installer_image/media_types.h"
#include "installer_image/reproducible_tar.h"
#include "installer_image/signature_artifact.h"
#include "registry/docker_documents.h"
#include "registry/verified_fetch.h"

namespace bronze::registry {

namespace fs = std::filesystem;

namespace {

// The archive's one timestamp: its content is the registry's, not ours to date.
constexpr int64_t kArchiveEpoch = 0;

// The manifest for `arch` that `ref` names, resolved through an index if it
// is one; its digest checked against the reference or the index entry.
struct ChosenManifest {
  FetchedDocument document;
  oci::ImageManifest manifest;
  std::string oci_text;  // what goes into the archive
};

ChosenManifest choose_manifest(RegistrySession& session, const Reference& ref, const std::string& arch) {
  const std::string image = "image " + ref.str();
  FetchedDocument chosen = fetch_manifest(session, ref.manifest_reference(), std::nullopt, image);
  if (document_kind(chosen.media_type) == DocumentKind::kIndex) {
    oci::ImageIndex index = oci::parse_index(oci_index_text(chosen.body, chosen.media_type));
    oci::Descriptor entry = oci::select_manifest(index, arch, [&](const oci::Descriptor& d) {
      FetchedDocument nested = fetch_manifest(session, d.digest, d, "image index " + d.digest);
      if (document_kind(nested.media_type) != DocumentKind::kIndex) {
        throw Error("index entry " + d.digest + " is listed as an index but is a " + nested.media_type);
      }
      return oci::parse_index(oci_index_text(nested.body, nested.media_type));
    });
    chosen = fetch_manifest(session, entry.digest, entry, "manifest " + entry.digest + " for linux/" + arch);
    if (document_kind(chosen.media_type) != DocumentKind::kManifest) {
      throw Error("index entry " + entry.digest + " for linux/" + arch + " is not an image manifest but a " +
                  chosen.media_type);
    }
  }
  if (chosen.media_type.substr(0, chosen.media_type.find(';')) == kDockerManifestMediaType) {
    // Rewritten into OCI it would have another digest than the one signed.
    throw Error(image + " is stored as a Docker manifest (copied with --format v2s2?): Bronze signs and installs "
                "the OCI manifest `imager installer` writes; copy the image without --format");
  }
  return {std::move(chosen), {}, {}};
}

// The signature beside the image, verified: only then is the manifest read.
struct VerifiedSignature {
  FetchedDocument manifest;  // of the signature artifact
  std::string config;
  std::string payload;
  signing::ImageClaims claims;
};

VerifiedSignature verify_signature(RegistrySession& session, const Reference& ref, const std::string& manifest_digest,
                                   const signing::TrustStore& trust, const std::string& arch) {
  std::string tag = oci::signature_tag(manifest_digest);
  VerifiedSignature out;
  out.manifest = fetch_manifest(session, tag, std::nullopt,
                                "the signature of image " + ref.str() + " (tag " + tag +
                                    ", pushed beside the image; an image without one is not installed)");
  oci::ImageManifest signature = oci::parse_manifest(out.manifest.body);
  out.config = fetch_blob(session, signature.config, "signature config");
  signing::SignedPayload signed_payload = oci::read_signature_artifact(out.manifest.body, [&](const oci::Descriptor& d) {
    return out.payload = fetch_blob(session, d, "signature payload");
  });
  out.claims = signing::verify_image_signature(signed_payload, trust, manifest_digest);
  if (out.claims.arch != arch) {
    throw Error("image " + ref.str() + " is signed as an " + out.claims.arch + " image; this machine is " + arch);
  }
  return out;
}

// The bytes the pull fetches (each digest once), refused above `max_bytes`
// before any blob is fetched. The sizes come from a manifest that is not
// trusted yet, so the sum is guarded against overflow.
uint64_t image_size(const ChosenManifest& chosen, const std::string& what, uint64_t max_bytes,
                    const std::string& deferred_media_type) {
  uint64_t total = chosen.oci_text.size();
  auto add = [&](uint64_t size) {
    if (size > max_bytes || total > max_bytes - size) {
      throw Error(what + " is larger than the limit of " + std::to_string(max_bytes) + " bytes; refused");
    }
    total += size;
  };
  add(chosen.manifest.config.size);
  std::map<std::string, uint64_t> layers;
  for (const auto& layer : chosen.manifest.layers) {
    if (layer.media_type != deferred_media_type) layers[layer.digest] = layer.size;
  }
  for (const auto& [digest, size] : layers) add(size);
  return total;
}

void check_platform(const oci::ImageConfig& config, const std::string& what, const std::string& arch) {
  if (config.architecture != arch || config.os != "linux") {
    throw Error(what + " is for " + config.os + "/" + config.architecture + ", not linux/" + arch);
  }
}

PullResult pull_from(const Endpoint& endpoint, const Reference& ref, const PullOptions& options,
                     const fs::path& archive) {
  const std::string what = "image " + ref.str();
  RegistrySession session(ref, SessionOptions{endpoint, options.ca_file, options.timeout_seconds});
  ChosenManifest chosen = choose_manifest(session, ref, options.arch);
  VerifiedSignature signature = verify_signature(session, ref, chosen.document.digest, *options.trust, options.arch);
  chosen.oci_text = chosen.document.body;
  chosen.manifest = oci::parse_manifest(chosen.oci_text);
  uint64_t total = image_size(chosen, what, options.max_bytes, options.deferred_media_type);

  uint64_t done = chosen.oci_text.size();
  auto report = [&](uint64_t bytes) {
    done += bytes;
    if (options.progress) options.progress(done, total);
  };
  report(0);

  std::string config_text = fetch_blob(session, chosen.manifest.config, "config");
  report(config_text.size());
  oci::ImageConfig config = oci::parse_config(config_text);
  check_platform(config, what, options.arch);

  // Blobs by digest: a digest shared by two roles goes into the archive once.
  std::map<std::string, oci::TarEntry> blobs;
  auto blob_path = [](const oci::Descriptor& d) { return "blobs/sha256/" + d.hex(); };
  // Scratch files beside the archive (the same file system, which must hold
  // the archive anyway); never committed, they go however this ends.
  std::vector<std::unique_ptr<StagedFile>> scratch;
  std::optional<oci::Descriptor> deferred;
  for (const auto& layer : chosen.manifest.layers) {
    if (!options.deferred_media_type.empty() && layer.media_type == options.deferred_media_type) {
      deferred = layer;
      continue;
    }
    if (blobs.count(layer.digest)) continue;
    auto file = std::make_unique<StagedFile>(fs::path(archive).concat(".blob-" + layer.hex().substr(0, 16)));
    StreamBlobOptions stream;
    stream.on_resume = [&](uint64_t at, const std::string& why) {
      if (options.on_resume) options.on_resume(layer.digest, at, why);
    };
    fetch_blob_to_file(session, layer, "layer", file->path(), report, stream);
    blobs[layer.digest] = {blob_path(layer), oci::TarEntry::Kind::kFileFromDisk, file->path(), {}, 0644};
    scratch.push_back(std::move(file));
  }
  const oci::Descriptor& config_descriptor = chosen.manifest.config;
  blobs.try_emplace(config_descriptor.digest,
                    oci::TarEntry{blob_path(config_descriptor), oci::TarEntry::Kind::kFileFromMemory, {}, config_text,
                                  0644});

  oci::Descriptor manifest_entry{oci::kManifestMediaType, chosen.document.digest, chosen.oci_text.size(), {},
                                 oci::Platform{config.architecture, config.os}};
  if (!ref.tag.empty()) manifest_entry.annotations[oci::kRefNameAnnotation] = ref.tag;
  blobs.try_emplace(manifest_entry.digest, oci::TarEntry{blob_path(manifest_entry),
                                                         oci::TarEntry::Kind::kFileFromMemory, {}, chosen.oci_text,
                                                         0644});
  // The signature, as the imager's archive carries it.
  oci::Descriptor signature_entry{oci::kManifestMediaType, signature.manifest.digest, signature.manifest.body.size(),
                                  {{oci::kRefNameAnnotation, oci::signature_tag(chosen.document.digest)}},
                                  std::nullopt};
  for (const std::string* document : {&signature.manifest.body, &signature.config, &signature.payload}) {
    std::string digest = "sha256:" + sha256_hex(*document);
    blobs.try_emplace(digest, oci::TarEntry{"blobs/sha256/" + digest.substr(7), oci::TarEntry::Kind::kFileFromMemory,
                                            {}, *document, 0644});
  }

  std::vector<oci::TarEntry> entries;
  for (auto& [digest, entry] : blobs) entries.push_back(std::move(entry));
  entries.push_back({"oci-layout", oci::TarEntry::Kind::kFileFromMemory, {},
                     nlohmann::json{{"imageLayoutVersion", oci::kLayoutVersion}}.dump(), 0644});
  entries.push_back({"index.json", oci::TarEntry::Kind::kFileFromMemory, {},
                     oci::to_json(oci::ImageIndex{{manifest_entry, signature_entry}, {}}), 0644});

  StagedFile staged(archive);
  oci::write_reproducible_tar(std::move(entries), staged.path(), kArchiveEpoch);
  staged.commit();
  return PullResult{chosen.document.digest, signature.claims, total, endpoint.url, endpoint, deferred};
}

}  // namespace

PullResult pull_to_archive(const Reference& ref, const PullOptions& options, const fs::path& archive) {
  if (!options.trust) throw Error("pull of " + ref.str() + ": no trust store to verify its signature with");
  std::vector<Endpoint> endpoints = options.endpoints;
  if (endpoints.empty()) endpoints.push_back(upstream_endpoint(ref, options.plain_http));
  // Each endpoint is tried whole, in order; every one is verified the same
  // way, so a mirror that fails or lies costs time, never trust. The error
  // names what each one said.
  std::string failures;
  for (const Endpoint& endpoint : endpoints) {
    try {
      if (options.on_endpoint) options.on_endpoint(endpoint);
      return pull_from(endpoint, ref, options, archive);
    } catch (const Error& e) {
      if (endpoints.size() == 1) throw;
      failures += std::string(failures.empty() ? "" : "; ") + (endpoint.mirror ? "mirror " : "registry ") +
                  endpoint.url + ": " + e.what();
    }
  }
  throw Error("no endpoint of " + ref.registry + " gave a verified image " + ref.str() + " (" + failures + ")");
}

void stream_layer(const Reference& ref, const Endpoint& endpoint, const PullOptions& options,
                  const oci::Descriptor& layer, const std::function<void(std::string_view)>& sink,
                  const StreamBlobOptions& stream_options) {
  RegistrySession session(ref, SessionOptions{endpoint, options.ca_file, options.timeout_seconds});
  stream_blob(session, layer, "layer", sink, stream_options);
}

BlobRanges::BlobRanges(const Reference& ref, const Endpoint& endpoint, const PullOptions& options,
                       oci::Descriptor blob)
    : session_(std::make_unique<RegistrySession>(ref, SessionOptions{endpoint, options.ca_file, options.timeout_seconds})),
      blob_(std::move(blob)) {}

BlobRanges::~BlobRanges() = default;

void BlobRanges::read(uint64_t offset, uint64_t length, const std::function<void(std::string_view)>& sink,
                      StreamBlobOptions options) {
  options.check_digest = false;
  options.range_offset = offset;
  options.range_length = length;
  stream_blob(*session_, blob_, "slot image", sink, options);
}

}  // namespace bronze::registry
