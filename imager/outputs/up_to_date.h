// Whether an output is up to date: a stamp file beside it records the hash
// of the inputs it was made from, so that building again with nothing
// changed costs no work.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace bronze::imager {

// What a stamp file records: the inputs' hash and, for an output with the
// signed manifest beside it, that manifest's digest. Several outputs of one
// image share the manifest's name, so another output built since (another
// version, say) may have replaced it; then this output is no longer current.
std::string stamp_record(const std::string& stamp, const std::optional<std::filesystem::path>& manifest);

// Whether the outputs `paths` exist and were made from inputs with `stamp`
// (kept in `stamp_file`), beside `manifest` when given.
bool outputs_current(const std::filesystem::path& stamp_file, const std::string& stamp,
                     const std::vector<std::filesystem::path>& paths,
                     const std::optional<std::filesystem::path>& manifest = std::nullopt);

}  // namespace bronze::imager
