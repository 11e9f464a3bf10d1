#include "imager/outputs/build_output.h"

#include "imager/inputs/check_inputs.h"

#include "imager/outputs/build_boot_file.h"
#include "imager/outputs/build_installer.h"
#include "imager/outputs/build_iso.h"

namespace bronze::imager {

BuildResult build_output(const BuildRequest& r, Progress& progress, bool with_digests) {
  if (r.output == "installer") return build_installer_image(r, progress, with_digests);
  if (r.output == "iso") return build_iso(r, progress, with_digests);
  if (r.output == "kernel" || r.output == "initramfs") return build_boot_file(r, progress, with_digests);
  // "image", and anything unknown, which check_inputs refuses by name.
  return build_image(r, progress, with_digests);
}

}  // namespace bronze::imager
