#include "installer_image/outer_archive.h"

#include <archive_entry.h>

#include "base/error.h"

namespace bronze::oci {

namespace fs = std::filesystem;

namespace {

std::unique_ptr<archive, decltype(&archive_read_free)> open_tar(const fs::path& path) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), &archive_read_free);
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    const char* why = archive_error_string(a.get());
    throw Error("cannot open OCI archive " + path.string() + ": " + (why ? why : "not a tar file"));
  }
  return a;
}

[[noreturn]] void fail_read(archive* a, const fs::path& path) {
  const char* why = archive_error_string(a);
  throw Error("OCI archive " + path.string() + " is damaged: " + (why ? why : "unreadable tar"));
}

}  // namespace

std::string outer_member_name(std::string_view name) {
  while (name.substr(0, 2) == "./") name.remove_prefix(2);
  while (!name.empty() && name.back() == '/') name.remove_suffix(1);
  return std::string(name);
}

OuterArchive::OuterArchive(fs::path path) : path_(std::move(path)) {
  auto a = open_tar(path_);
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    const char* raw = archive_entry_pathname(entry);
    std::string name = outer_member_name(raw ? raw : "");
    Member m{archive_entry_filetype(entry) == AE_IFREG, static_cast<uint64_t>(archive_entry_size(entry))};
    if (!members_.emplace(name, m).second && m.regular) {
      throw Error("OCI archive " + path_.string() + " holds '" + name + "' twice; refusing an ambiguous archive");
    }
  }
  if (status != ARCHIVE_EOF) fail_read(a.get(), path_);
}

const OuterArchive::Member& OuterArchive::member(const std::string& name, const std::string& role) const {
  auto it = members_.find(name);
  if (it == members_.end()) throw Error("OCI archive " + path_.string() + " has no " + role + " (" + name + ")");
  if (!it->second.regular) throw Error("OCI archive " + path_.string() + ": " + name + " is not a regular file");
  return it->second;
}

std::string OuterArchive::read_member(const std::string& name, uint64_t max_bytes) const {
  const Member& m = member(name, name);
  if (m.size > max_bytes) {
    throw Error("OCI archive " + path_.string() + ": " + name + " has " + std::to_string(m.size) +
                " bytes, more than the " + std::to_string(max_bytes) + " allowed");
  }
  auto a = open_tar(path_);
  archive_entry* entry = nullptr;
  while (archive_read_next_header(a.get(), &entry) == ARCHIVE_OK) {
    if (outer_member_name(archive_entry_pathname(entry)) != name) continue;
    std::string data(m.size, '\0');
    la_ssize_t got = archive_read_data(a.get(), data.data(), data.size());
    if (got < 0 || static_cast<uint64_t>(got) != m.size) fail_read(a.get(), path_);
    return data;
  }
  fail_read(a.get(), path_);
}

std::string OuterArchive::read_blob(const Descriptor& d, uint64_t max_bytes, const std::string& role) const {
  if (d.size > max_bytes) {
    throw Error("OCI " + role + " blob " + d.digest + " claims " + std::to_string(d.size) + " bytes, more than the " +
                std::to_string(max_bytes) + " allowed");
  }
  auto stream = open_blob(d, role);
  std::string data(d.size, '\0');
  size_t done = 0;
  while (done < data.size()) {
    size_t got = stream->read(data.data() + done, data.size() - done);
    if (got == 0) break;
    done += got;
  }
  stream->finish();
  return data;
}

void OuterArchive::verify_blob(const Descriptor& d, const std::string& role) const {
  auto stream = open_blob(d, role);
  stream->finish();
}

bool OuterArchive::has_blob(const Descriptor& d) const { return members_.count("blobs/sha256/" + d.hex()) > 0; }

std::unique_ptr<BlobStream> OuterArchive::open_blob(const Descriptor& d, const std::string& role) const {
  std::string name = "blobs/sha256/" + d.hex();
  const Member& m = member(name, role + " blob");
  if (m.size != d.size) {
    throw Error("OCI " + role + " blob " + d.digest + " has " + std::to_string(m.size) + " bytes, its descriptor says " +
                std::to_string(d.size));
  }
  return std::make_unique<BlobStream>(path_, name, d, role);
}

BlobStream::BlobStream(const fs::path& archive_path, const std::string& member, Descriptor descriptor,
                       std::string role)
    : descriptor_(std::move(descriptor)), role_(std::move(role)) {
  auto a = open_tar(archive_path);
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(a.get(), &entry)) == ARCHIVE_OK) {
    if (outer_member_name(archive_entry_pathname(entry)) == member) {
      archive_.reset(a.release());
      return;
    }
  }
  fail_read(a.get(), archive_path);
}

BlobStream::~BlobStream() = default;

size_t BlobStream::read(void* buffer, size_t size) {
  la_ssize_t got = archive_read_data(archive_.get(), buffer, size);
  if (got < 0) {
    const char* why = archive_error_string(archive_.get());
    throw Error("cannot read OCI " + role_ + " blob " + descriptor_.digest + ": " + (why ? why : "damaged tar"));
  }
  read_ += static_cast<uint64_t>(got);
  if (read_ > descriptor_.size) {
    throw Error("OCI " + role_ + " blob " + descriptor_.digest + " is longer than the " +
                std::to_string(descriptor_.size) + " bytes its descriptor says");
  }
  hash_.update(buffer, static_cast<size_t>(got));
  return static_cast<size_t>(got);
}

void BlobStream::finish() {
  std::vector<char> buffer(1 << 16);
  while (read(buffer.data(), buffer.size()) > 0) {
  }
  if (read_ != descriptor_.size) {
    throw Error("OCI " + role_ + " blob " + descriptor_.digest + " has " + std::to_string(read_) +
                " bytes, its descriptor says " + std::to_string(descriptor_.size));
  }
  std::string actual = "sha256:" + hash_.hex_digest();
  if (actual != descriptor_.digest) {
    throw Error("OCI " + role_ + " blob " + descriptor_.digest + " does not match its digest (its content hashes to " +
                actual + "); the archive is damaged or was tampered with");
  }
}

}  // namespace bronze::oci
