#include "registry/verified_fetch.h"

#include <fcntl.h>
#include <unistd.h>

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
                        const fs::path& file, const std::function<void(uint64_t)>& on_bytes) {
  std::string what = describe_blob(d, role);
  FileDescriptor out(file);
  Sha256 hash;
  uint64_t received = 0;
  BodyTarget target;
  target.start = [&](const HttpHeaders& headers) { check_announced_size(headers, d, what); };
  target.write = [&](std::string_view chunk) {
    if (chunk.size() > d.size - received) {
      throw Error("registry sent more than the " + std::to_string(d.size) + " bytes of " + what + "; refused");
    }
    received += chunk.size();
    hash.update(chunk);
    write_all(out.get(), chunk, file);
    if (on_bytes) on_bytes(chunk.size());
  };
  session.get("blobs/" + d.digest, {}, target, what);
  out.close(file);
  check_received(d, received, hash.hex_digest(), what);
}

}  // namespace bronze::registry
