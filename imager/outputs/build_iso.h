// The ISO output (`--output iso` -> _out/PLATFORM-ARCH.iso): one hybrid
// image that boots through BIOS and UEFI, burnt to a CD or written to a USB
// stick, made by xorriso from a folder holding
//   boot/vmlinuz, boot/initramfs.img  the image's kernel and initramfs
//   boot/install.img                  the installation template, loaded as a
//                                     second initramfs (initramfs.h)
//   boot/manifest.json, manifest.sig  the signed manifest naming them
//   boot/grub/grub.cfg                one entry: the live system (iso_grub_cfg.h)
//   boot/bronze-<digest>.marker       what GRUB finds the ISO by
// and GRUB's El Torito boot images (iso_boot_images.h). Equal inputs and
// epoch give equal bytes: every date is the epoch's.
// The node it boots runs machined in maintenance mode: it takes a machine
// config through the API and installs to the disk the config names.
#pragma once

#include <filesystem>

#include "base/progress.h"
#include "imager/assemble/assemble_slot.h"
#include "imager/outputs/build_image.h"

namespace bronze::imager {

BuildResult build_iso(const BuildRequest& request, Progress& progress, bool with_digests);

// Writes the ISO of `slot` to `out` (the folder above in `work`, then xorriso).
void make_iso(const BuildRequest& request, const CheckedInputs& inputs, const AssembledSlot& slot,
              const std::filesystem::path& work, const std::filesystem::path& out, Progress& progress);

}  // namespace bronze::imager
