// The root filesystem's content, staged in a folder before mksquashfs:
// machined and exactly the libraries it needs, os-release, the trust store,
// and the empty mount points init uses.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bronze::rootfs {

struct RootfsSpec {
  std::filesystem::path machined;
  std::string version;
  std::string arch;
  std::string trust_public_key_pem;  // the key upgrades must be signed with
  std::vector<std::filesystem::path> library_dirs;
  int64_t epoch = 0;
};

// Fills `dir` (which must be empty or missing).
void stage_rootfs(const RootfsSpec& spec, const std::filesystem::path& dir);

std::string os_release_text(const std::string& version, const std::string& arch);

}  // namespace bronze::rootfs
