// The installation template (template_install.h) travels as a zstd stream
// of the raw template disk, and the live system unpacks it into memory
// (tmpfs) before replaying it onto the target disk.
#pragma once

#include <cstdint>
#include <filesystem>

#include "base/units.h"

namespace bronze::disk {

// Far above any template a build makes (the smallest disk the layout
// allows: about 270 MiB and two boot slots), far below what would exhaust
// a live system's memory if the template were damaged or hostile.
constexpr uint64_t kMaxTemplateBytes = 4 * GiB;

// Unpacks the compressed template into `out` as a sparse file: runs of zeros
// become holes, so that it costs the live system's memory only what it
// holds. Refuses input that is not zstd, is damaged, or unpacks to more than
// `max_bytes`; `out` then does not exist.
void unpack_template(const std::filesystem::path& compressed, const std::filesystem::path& out,
                     uint64_t max_bytes = kMaxTemplateBytes);

}  // namespace bronze::disk
