// `imager PLATFORM --output KIND`: hands the request to the builder of its
// output (outputs.h lists them).
#pragma once

#include "base/progress.h"
#include "imager/outputs/build_image.h"
#include "imager/profile/build_request.h"

namespace bronze::imager {

BuildResult build_output(const BuildRequest& request, Progress& progress, bool with_digests);

}  // namespace bronze::imager
