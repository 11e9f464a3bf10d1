#include "tests/support/arm64_image.h"

#include <cstdlib>

#include "base/error.h"

namespace bronze::test {
namespace fs = std::filesystem;

namespace {

// A folder named by an environment variable, holding `file`.
fs::path folder_from_env(const char* variable, const std::string& file, const std::string& what) {
  const char* dir = std::getenv(variable);
  if (!dir || !*dir) {
    throw Error(std::string(variable) + " is not set: run the suites through `make test`, which finds " + what +
                " and sets it");
  }
  if (!fs::exists(fs::path(dir) / file)) throw Error("no " + file + " in " + variable + " " + dir);
  return dir;
}

}  // namespace

fs::path arm64_kernel_image() {
  return folder_from_env("BRONZE_KERNEL_DIR_ARM64", "vmlinuz", "the arm64 kernel") / "vmlinuz";
}

fs::path arm64_grub_efi_modules() {
  return folder_from_env("BRONZE_GRUB_EFI_ARM64", "normal.mod", "GRUB's arm64-efi modules");
}

std::vector<std::string> arm64_imager_argv(const std::string& platform, const fs::path& out_dir, const std::string& version,
                                           const fs::path& signing_key, const std::vector<std::string>& extra_kernel_args,
                                           const std::vector<std::string>& extra_args) {
  std::vector<std::string> argv = {BRONZE_IMAGER, platform, "--arch", "arm64", "--version", version,
                                   "--kernel", arm64_kernel_image().string(),
                                   "--grub-efi-modules", arm64_grub_efi_modules().string(),
                                   "--out", out_dir.string(), "--signing-key", signing_key.string(), "--quiet"};
  for (const auto& a : extra_kernel_args) argv.insert(argv.end(), {"--extra-kernel-arg", a});
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  return argv;
}

}  // namespace bronze::test
