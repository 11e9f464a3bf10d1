// What `installer status` and machined's Status call report about a disk.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

namespace bronze::disk {

// slots (version, committed, on trial, tries left), the default slot, the
// slot that boots next, the boot state generation, the last failed upgrade.
nlohmann::json disk_status(const std::filesystem::path& disk);

// The same, as lines for people.
std::string format_status(const nlohmann::json& status);

}  // namespace bronze::disk
