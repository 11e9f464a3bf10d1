// Which manifest of an index serves an architecture: a layout's index.json
// may list one image, several per-platform images, or point to an image
// index (a multi-arch image) that lists them.
#pragma once

#include <functional>
#include <string>

#include "installer_image/documents.h"

namespace bronze::oci {

// Reads (and checks) the image index a descriptor points to.
using IndexReader = std::function<ImageIndex(const Descriptor&)>;

// The manifest descriptor whose platform.architecture is `arch`, following
// nested indexes. An index holding a single manifest without a platform
// gives that manifest: its config's architecture is checked afterwards.
// Throws naming the architectures present when none matches.
Descriptor select_manifest(const ImageIndex& index, const std::string& arch, const IndexReader& read_index);

}  // namespace bronze::oci
