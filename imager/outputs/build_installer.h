// The installer image output (`imager installer` -> _out/installer-ARCH.tar):
// an OCI image archive whose first layer holds the node installer with its
// own loader and libraries, and whose second is the slot image it writes,
// raw (application/vnd.dev.bronze.slot.v1.ext4), so that a node can stream
// it into the slot. A node runs that installer without a container runtime
// (docs/DESIGN.md decision 7); registries carry it.
#pragma once

#include "base/progress.h"
#include "imager/outputs/build_image.h"
#include "imager/profile/build_request.h"

namespace bronze::imager {

BuildResult build_installer_image(const BuildRequest& request, Progress& progress, bool with_digests);

// Fills `dir` with the installer layer's files (bin/installer, its
// libraries under their own paths).
void stage_installer_layer(const BuildRequest& request, const std::filesystem::path& dir);

}  // namespace bronze::imager
