// The check made before a layer is extracted: reads every header, applies
// the path rules to the layer as a whole, and returns the entries in order.
#pragma once

#include <cstdint>
#include <vector>

#include "installer_image/layer_reader.h"

namespace bronze::oci {

// Throws an Error naming the first entry that breaks a rule (see
// extract_layer). Reads the layer to its end, digest check included.
std::vector<LayerEntry> plan_layer(LayerReader& reader, uint64_t max_total_bytes);

// The rule checks alone, over entries already read; plan_layer calls it.
void check_layer_entries(const std::vector<LayerEntry>& entries, uint64_t max_total_bytes);

}  // namespace bronze::oci
