// GUIDs derived from a hash of their inputs, so that the same image name,
// version and label always give the same disk and partition GUIDs
// (reproducible images, docs/DESIGN.md decision 6).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace bronze {

// Name-based GUID in the RFC 4122 layout (version 5 bits, SHA-256 instead of
// SHA-1), formatted as "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" in upper case.
std::string derive_guid(const std::vector<std::string>& parts);

// The first 4 bytes of the same hash, for FAT volume IDs ("ABCD1234").
std::string derive_volume_id(const std::vector<std::string>& parts);

}  // namespace bronze
