// The ISO output (`--output iso` -> _out/PLATFORM-ARCH.iso): one hybrid
// image that boots through BIOS and UEFI, burnt to a CD or written to a USB
// stick, made by grub-mkrescue (and xorriso) from a folder holding
//   boot/vmlinuz, boot/initramfs.img  the image's kernel and initramfs
//   boot/manifest.json, manifest.sig  the signed manifest naming them
//   boot/grub/grub.cfg                one entry: the live system (iso_grub_cfg.h)
// The node it boots runs machined in maintenance mode, to be installed from.
#pragma once

#include <filesystem>

#include "base/progress.h"
#include "imager/assemble.h"
#include "imager/build_image.h"

namespace bronze::imager {

BuildResult build_iso(const BuildRequest& request, Progress& progress, bool with_digests);

// Writes the ISO of `slot` to `out` (the folder above, then grub-mkrescue).
void make_iso(const BuildRequest& request, const CheckedInputs& inputs, const AssembledSlot& slot,
              const std::filesystem::path& work, const std::filesystem::path& out);

}  // namespace bronze::imager
