// The part every output shares: one boot slot assembled from the checked
// inputs, rootfs -> squashfs -> initramfs -> signed manifest -> slot image.
// Disk images, ISOs, installer images, kernel and initramfs outputs are made
// from its result.
#pragma once

#include <filesystem>

#include "base/progress.h"
#include "imager/inputs/check_inputs.h"
#include "imager/profile/build_request.h"

namespace bronze::imager {

// A slot assembled in a work folder.
struct AssembledSlot {
  std::filesystem::path rootfs_sqfs;
  std::filesystem::path initramfs;
  std::filesystem::path manifest;   // manifest.json
  std::filesystem::path signature;  // manifest.sig
  std::filesystem::path slot_image; // slot.ext4
};

AssembledSlot assemble_slot(const BuildRequest& request, const CheckedInputs& inputs, const std::filesystem::path& work,
                            Progress& progress);

}  // namespace bronze::imager
