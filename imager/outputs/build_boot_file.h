// The kernel and initramfs outputs (`--output kernel|initramfs`): the very
// files a disk image of the same inputs boots, for network boot or another
// boot loader, with the signed manifest that names their digests beside them:
//   _out/PLATFORM-ARCH-vmlinuz        the kernel, after the KSPP audit
//   _out/PLATFORM-ARCH-initramfs.img  init and the SquashFS root
#pragma once

#include "base/progress.h"
#include "imager/outputs/build_image.h"
#include "imager/profile/build_request.h"

namespace bronze::imager {

BuildResult build_boot_file(const BuildRequest& request, Progress& progress, bool with_digests);

}  // namespace bronze::imager
