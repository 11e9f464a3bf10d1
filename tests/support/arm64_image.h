// Building arm64 images from tests: the imager with the arm64 kernel, GRUB's
// arm64-efi modules, and the cross-built node binaries (the imager's default
// for --arch arm64). `make test` sets what this needs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace bronze::test {

// The cached arm64 kernel (an Image) from BRONZE_KERNEL_DIR_ARM64.
std::filesystem::path arm64_kernel_image();

// GRUB's arm64-efi modules from BRONZE_GRUB_EFI_ARM64 (scripts/grub-efi.sh arm64).
std::filesystem::path arm64_grub_efi_modules();

// The imager's argv that builds `platform` for arm64 into `out_dir`, with
// `extra_kernel_args` and then `extra_args` (more imager options).
std::vector<std::string> arm64_imager_argv(const std::string& platform, const std::filesystem::path& out_dir,
                                           const std::string& version, const std::filesystem::path& signing_key,
                                           const std::vector<std::string>& extra_kernel_args = {},
                                           const std::vector<std::string>& extra_args = {});

}  // namespace bronze::test
