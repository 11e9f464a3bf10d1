// Large upgrades for tests and benchmarks: slot images grown by a file of
// random bytes (not compressible, not named by the slot's manifest, so the
// slot still verifies), signed into installer images, and disks whose boot
// slots are large enough to hold them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace bronze::test {

// `bytes` (a whole number of MiB) from /dev/urandom into `path`.
void write_random_file(const std::filesystem::path& path, uint64_t bytes);

// A copy of the slot image `slot` at `out`, grown to hold `padding` as the
// file /padding.
void pad_slot_image(const std::filesystem::path& slot, const std::filesystem::path& padding,
                    const std::filesystem::path& out);

// The installer layer (a folder) and the slot image of an installer image
// archive verified against `trust`, unpacked into `dir` as layer/ and slot.ext4.
struct UnpackedInstaller {
  std::filesystem::path layer;
  std::filesystem::path slot;
};
UnpackedInstaller unpack_installer_image(const std::filesystem::path& archive, const std::filesystem::path& trust,
                                         const std::filesystem::path& dir);

// An installer image at `out` holding `layer`'s files and `slot` as its
// slot image (with its chunk index when `chunk_index`), signed as `version`
// of metal/amd64 by the Ed25519 key `signing_key`, tagged `version`.
void write_installer_image(const std::filesystem::path& out, const std::filesystem::path& layer,
                           const std::filesystem::path& slot, const std::filesystem::path& signing_key,
                           const std::string& version, bool chunk_index);

// A copy of the source tree's platforms/ and kernel/ in `dir` (for the
// imager's --data-dir) whose metal platform has disks of `disk_size` and
// boot slots of `boot_size` (as platforms/metal.yaml spells sizes: "3GiB").
std::filesystem::path metal_data_dir(const std::filesystem::path& dir, const std::string& disk_size,
                                     const std::string& boot_size);

}  // namespace bronze::test
