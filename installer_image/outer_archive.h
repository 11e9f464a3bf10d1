// Read access to the outer tar of an oci-archive: its small members
// (oci-layout, index.json) and its blobs, each checked against the size and
// sha256 of the descriptor that names it.
#pragma once

#include <archive.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "base/sha256.h"
#include "installer_image/byte_stream.h"
#include "installer_image/documents.h"

namespace bronze::oci {

// A blob's bytes as a stream, hashed as they pass. finish() reads what is
// left and throws, naming the blob, unless size and digest match: nothing
// read from a stream may be trusted before finish() returns.
class BlobStream : public ByteStream {
 public:
  BlobStream(const std::filesystem::path& archive_path, const std::string& member, Descriptor descriptor,
             std::string role);
  ~BlobStream() override;
  BlobStream(const BlobStream&) = delete;
  BlobStream& operator=(const BlobStream&) = delete;

  // Up to `size` bytes; 0 at the end. Throws once more than the descriptor's
  // size has been read.
  size_t read(void* buffer, size_t size) override;
  void finish() override;

 private:
  struct ArchiveFree {
    void operator()(archive* a) const { archive_read_free(a); }
  };
  std::unique_ptr<archive, ArchiveFree> archive_;
  Descriptor descriptor_;
  std::string role_;
  Sha256 hash_;
  uint64_t read_ = 0;
};

class OuterArchive {
 public:
  // Lists the members; refuses a member that appears twice.
  explicit OuterArchive(std::filesystem::path path);

  const std::filesystem::path& path() const { return path_; }
  // A member read whole, refused when larger than `max_bytes`.
  std::string read_member(const std::string& name, uint64_t max_bytes) const;
  // A blob read whole and checked. `role` names it in errors ("config").
  std::string read_blob(const Descriptor& d, uint64_t max_bytes, const std::string& role) const;
  // Streams a blob through its hash; throws naming `role` when it does not match.
  void verify_blob(const Descriptor& d, const std::string& role) const;
  std::unique_ptr<BlobStream> open_blob(const Descriptor& d, const std::string& role) const;
  // The archive has a member for the blob (not checked).
  bool has_blob(const Descriptor& d) const;

 private:
  struct Member {
    bool regular = false;
    uint64_t size = 0;
  };
  const Member& member(const std::string& name, const std::string& role) const;

  std::filesystem::path path_;
  std::map<std::string, Member> members_;
};

// "./blobs/sha256/x" -> "blobs/sha256/x": tools differ on the prefix.
std::string outer_member_name(std::string_view name);

}  // namespace bronze::oci
