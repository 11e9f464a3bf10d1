// The root filesystem image, made by mksquashfs: zstd, every file owned by
// root, every time set to SOURCE_DATE_EPOCH, so that it is reproducible.
#pragma once

#include <cstdint>
#include <filesystem>

namespace bronze::rootfs {

void make_squashfs(const std::filesystem::path& source_dir, const std::filesystem::path& out, int64_t epoch);

}  // namespace bronze::rootfs
