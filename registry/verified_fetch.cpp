#include "registry/verified_fetch.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/sha256.h"
#include "installer_image/media_types.h"
#include "registry/docker_documents.h"

namespace bronze::registry {

namespace fs = std::filesystem;

namespace {

// The media types a manifest request accepts: OCI, and Docker's schema 2
// for images pushed in that format.
const std::string kManifestAccept = std::string("Accept: ") + oci::kIndexMediaType + ", " + oci::kManifestMediaType +
                                    ", " + kDockerManifestListMediaType + ", " + kDockerManifestMediaType;

std::string describe_blob(const oci::Descriptor& d, const std::string& role) {
  return role + " " + d.digest;
}

void check_announced_size(const HttpHeaders& headers, const oci::Descriptor& d, const std::string& what) {
  auto it = headers.find("content-length");
  if (it == headers.end()) return;
  if (it->second != std::to_string(d.size)) {
    throw Error("registry announced " + it->second.substr(0, 30) + " bytes for " + what + ", whose descriptor says " +
                std::to_string(d.size) + "; refused");
  }
}

void check_received(const oci::Descriptor& d, uint64_t size, const std::string& hex, const std::string& what) {
  if (size != d.size) {
    throw Error(what + " does not match its descriptor: the registry sent " + std::to_string(size) +
                " bytes, the descriptor says " + std::to_string(d.size) + "; refused");
  }
  if ("sha256:" + hex != d.digest) {
    throw Error(what + " does not match its digest: the registry sent bytes hashing to sha256:" + hex +
                "; its copy is damaged or was tampered with; refused");
  }
}

// Writes every byte or throws; the fd is closed by its owner.
void write_all(int fd, std::string_view data, const fs::path& file) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw_errno("cannot write " + file.string());
    data.remove_prefix(static_cast<size_t>(n));
  }
}

class FileDescriptor {
 public:
  explicit FileDescriptor(const fs::path& file)
      : fd_(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) {
    if (fd_ < 0) throw_errno("cannot create " + file.string());
  }
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  void close(const fs::path& file) {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw_errno("cannot write " + file.string());
  }

 private:
  int fd_;
};

}  // namespace

FetchedDocument fetch_manifest(RegistrySession& session, const std::string& reference,
                               const std::optional<oci::Descriptor>& expected, const std::string& what) {
  if (expected && expected->size > kMaxDocumentBytes) {
    throw Error(what + " is " + std::to_string(expected->size) + " bytes, more than the " +
                std::to_string(kMaxDocumentBytes) + " a manifest may have; refused");
  }
  FetchedDocument document;
  uint64_t limit = expected ? expected->size : kMaxDocumentBytes;
  BodyTarget target = collect_body(document.body, limit, what);
  if (expected) target.start = [&](const HttpHeaders& headers) { check_announced_size(headers, *expected, what); };
  HttpHeaders headers = session.get("manifests/" + reference, {kManifestAccept}, target, what);

  document.digest = "sha256:" + sha256_hex(document.body);
  if (expected) {
    check_received(*expected, document.body.size(), document.digest.substr(7), what);
  } else if (reference.rfind("sha256:", 0) == 0 && document.digest != reference) {
    throw Error(what + ": the registry answered with a document whose digest is " + document.digest +
                ", not " + reference + "; refused");
  }
  auto content_type = headers.find("content-type");
  if (content_type != headers.end() && !content_type->second.empty()) {
    document.media_type = content_type->second;
  } else if (expected) {
    document.media_type = expected->media_type;
  }
  return document;
}

std::string fetch_blob(RegistrySession& session, const oci::Descriptor& d, const std::string& role) {
  std::string what = describe_blob(d, role);
  if (d.size > kMaxDocumentBytes) {
    throw Error(what + " is " + std::to_string(d.size) + " bytes, more than the " +
                std::to_string(kMaxDocumentBytes) + " it may have; refused");
  }
  std::string body;
  BodyTarget target = collect_body(body, d.size, what);
  target.start = [&](const HttpHeaders& headers) { check_announced_size(headers, d, what); };
  session.get("blobs/" + d.digest, {}, target, what);
  check_received(d, body.size(), sha256_hex(body), what);
  return body;
}

void fetch_blob_to_file(RegistrySession& session, const oci::Descriptor& d, const std::string& role,
                        const fs::path& file, const std::function<void(uint64_t)>& on_bytes,
                        const StreamBlobOptions& options) {
  FileDescriptor out(file);
  stream_blob(session, d, role, [&](std::string_view chunk) {
    write_all(out.get(), chunk, file);
    if (on_bytes) on_bytes(chunk.size());
  }, options);
  out.close(file);
}

void stream_blob(RegistrySession& session, const oci::Descriptor& d, const std::string& role,
                 const std::function<void(std::string_view)>& sink, const StreamBlobOptions& options) {
  std::string what = describe_blob(d, role);
  const bool part = options.range_length.has_value();
  const uint64_t first = part ? options.range_offset : 0;
  const uint64_t wanted = part ? *options.range_length : d.size;
  if (part && (options.check_digest || first > d.size || wanted > d.size - first || wanted == 0)) {
    throw Error("bytes " + std::to_string(first) + "+" + std::to_string(wanted) + " of " + what +
                " cannot be fetched and checked as a part (the blob has " + std::to_string(d.size) + " bytes)");
  }
  if (part) what += " (bytes " + std::to_string(first) + ".." + std::to_string(first + wanted) + ")";
  Sha256 hash;
  uint64_t received = 0;
  int fruitless = 0;  // attempts in a row that brought no byte
  for (int transfer = 1;; ++transfer) {
    const uint64_t from = first + received;
    std::vector<std::string> headers;
    if (part) {
      headers.push_back("Range: bytes=" + std::to_string(from) + "-" + std::to_string(first + wanted - 1));
    } else if (from > 0) {
      headers.push_back("Range: bytes=" + std::to_string(from) + "-");
    }
    BodyTarget target;
    target.start = [&](const HttpHeaders& h) {
      if (!part && from == 0) {
        check_announced_size(h, d, what);
        return;
      }
      // A server that ignores Range sends the whole blob again with 200; one
      // that honours it says where its bytes start.
      auto range = h.find("content-range");
      std::string expected = "bytes " + std::to_string(from) + "-";
      if (range == h.end() || range->second.rfind(expected, 0) != 0) {
        throw Error("registry did not " + std::string(received == 0 ? "serve " : "resume ") + what + " at byte " +
                    std::to_string(from) +
                    " (no Content-Range starting there in its answer to a Range request); refused");
      }
    };
    target.write = [&](std::string_view chunk) {
      if (chunk.size() > wanted - received) {
        throw Error("registry sent more than the " + std::to_string(wanted) + " bytes of " + what + "; refused");
      }
      received += chunk.size();
      if (options.check_digest) hash.update(chunk);
      sink(chunk);
    };
    std::string why;
    try {
      if (received == wanted && wanted > 0) break;
      session.get("blobs/" + d.digest, headers, target, what);
      if (received == wanted) break;
      // A response that ended early without an error (a server that closed
      // cleanly): resumed like a broken one.
      why = "the response ended early";
    } catch (const http::TransientError& e) {
      why = e.what();
    }
    fruitless = received > from ? 0 : fruitless + 1;
    if (fruitless >= options.attempts || transfer >= options.max_transfers) {
      throw Error(what + ": " + why + " (" + std::to_string(transfer) + " attempts, " + std::to_string(received) +
                  " of " + std::to_string(wanted) + " bytes received)");
    }
    if (options.on_resume) options.on_resume(first + received, why);
    if (fruitless > 0) std::this_thread::sleep_for(std::chrono::seconds(1 << std::min(fruitless - 1, 4)));
  }
  if (options.check_digest) {
    check_received(d, received, hash.hex_digest(), what);
  } else if (received != wanted) {
    throw Error(what + ": the registry sent " + std::to_string(received) + " of its " + std::to_string(wanted) +
                " bytes; refused");
  }
}

}  // namespace bronze::registry
