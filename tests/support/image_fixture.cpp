#include "tests/support/image_fixture.h"

#include <algorithm>
#include <cstdlib>

#include "base/error.h"

namespace bronze::test {
namespace fs = std::filesystem;

fs::path kernel_dir() {
  const char* dir = std::getenv("BRONZE_KERNEL_DIR");
  if (!dir || !*dir) {
    throw Error("BRONZE_KERNEL_DIR is not set: run the suites through `make test`, which builds the kernel and sets it");
  }
  if (!fs::exists(fs::path(dir) / "vmlinuz")) throw Error(std::string("no vmlinuz in BRONZE_KERNEL_DIR ") + dir);
  return dir;
}

fs::path kernel_image() { return kernel_dir() / "vmlinuz"; }

RunResult run_imager(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {BRONZE_IMAGER};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

std::vector<std::string> imager_build_argv(const std::string& command, const fs::path& out_dir, const std::string& version,
                                           const fs::path& signing_key, const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {BRONZE_IMAGER, command, "--arch", "amd64", "--version", version,
                                   "--kernel", kernel_image().string(), "--out", out_dir.string(),
                                   "--signing-key", signing_key.string(), "--quiet"};
  for (const auto& a : extra_args) {
    argv.push_back("--extra-kernel-arg");
    argv.push_back(a);
  }
  return argv;
}

void build_image(const fs::path& out_dir, const std::string& version, const fs::path& signing_key,
                 const std::vector<std::string>& extra_args, const std::string& platform) {
  run_checked(imager_build_argv(platform, out_dir, version, signing_key, extra_args));
}

void make_key_pair(const fs::path& dir, const std::string& name) {
  run_checked({"openssl", "genpkey", "-algorithm", "ed25519", "-out", (dir / (name + ".pem")).string()});
  run_checked({"openssl", "pkey", "-in", (dir / (name + ".pem")).string(), "-pubout", "-out", (dir / (name + ".pub")).string()});
}

void copy_sparse(const fs::path& from, const fs::path& to) {
  run_checked({"cp", "--sparse=always", from.string(), to.string()});
}

std::vector<std::string> list_dir(const fs::path& dir) {
  std::vector<std::string> names;
  if (!fs::exists(dir)) return names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace bronze::test
