// etcd snapshot FILE: the node streams etcd's snapshot; it goes to a staged
// file next to FILE (mode 0600: it holds every secret in etcd), is checked
// the way etcdctl checks one before restoring it, flushed, and only then
// renamed to FILE. A failure leaves nothing behind.
#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdio>

#include "base/error.h"
#include "base/files.h"
#include "base/units.h"
#include "bronzectl/commands.h"
#include "bronzectl/snapshot_verifier.h"

namespace bronze::ctl {

namespace {

class OutputFile {
 public:
  explicit OutputFile(const std::filesystem::path& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) throw_errno("cannot create " + path.string());
  }
  ~OutputFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  void write(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw_errno("cannot write " + path_.string());
      data.remove_prefix(static_cast<size_t>(n));
    }
  }
  void close() {
    if (::fsync(fd_) != 0) throw_errno("cannot flush " + path_.string());
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw_errno("cannot close " + path_.string());
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace

int etcd_snapshot_command(const Session& session, const EtcdSnapshotCommand& command) {
  if (session.targets.size() != 1) throw Error("etcd snapshot takes one node; name it with -n NODE");
  const std::string& node = session.targets.front();
  std::filesystem::path destination = command.file;
  if (std::filesystem::is_directory(destination)) throw Error(command.file + " is a folder; give a file name");
  StagedFile staged(destination);
  OutputFile out(staged.path());
  SnapshotVerifier verifier;

  Connection c = connect(node, session.identity);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(30));
  auto reader = c.stub->EtcdSnapshot(&context, v1::EtcdSnapshotRequest{});
  v1::EtcdSnapshotChunk chunk;
  try {
    while (reader->Read(&chunk)) {
      out.write(chunk.data());
      verifier.add(chunk.data());
    }
  } catch (...) {
    context.TryCancel();
    reader->Finish();
    throw;
  }
  auto status = reader->Finish();
  if (!status.ok()) throw Error(node + ": " + describe_failure(c, status));
  std::string digest = verifier.finish();
  out.close();
  staged.commit();
  if (session.json) {
    std::printf("%s\n", nlohmann::json({{"node", node}, {"ok", true}, {"file", command.file}, {"size", verifier.size()},
                                        {"sha256", digest}})
                            .dump(2)
                            .c_str());
  } else {
    std::printf("%s: etcd snapshot written to %s (%s, sha256 %s checked)\n", node.c_str(), command.file.c_str(),
                format_size(verifier.size()).c_str(), digest.c_str());
  }
  return 0;
}

}  // namespace bronze::ctl
