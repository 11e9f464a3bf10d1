// Strict reading of a YAML config file into structs. Every refusal is a
// bronze::Error that starts "source:line:column:" and names the field's
// dotted path (machine.install.wipe) and what was expected, so a user can go
// straight to the line. Unknown and repeated fields are refused: a typo must
// not silently become a default.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bronze::config {

// "machine" + "install" -> "machine.install"; the root's path is "".
std::string field_path(const std::string& parent, const std::string& key);

class StrictYaml {
 public:
  explicit StrictYaml(std::string source_name) : source_(std::move(source_name)) {}

  // Parses `text`, which must hold exactly one document.
  YAML::Node load(std::string_view text) const;
  // YAML allows no control characters but tab, CR and LF; yaml-cpp 0.7 can
  // loop for ever on a NUL, so they are refused before it sees them.
  void check_characters(std::string_view text) const;

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& message) const;

  // `node` must be a mapping whose keys are strings from `known`, each once.
  void expect_fields(const YAML::Node& node, const std::string& path, const std::vector<std::string>& known) const;

  // The value of `key` in `map`; nullopt when absent or null (`key:` or `key: ~`).
  std::optional<YAML::Node> optional(const YAML::Node& map, const std::string& key) const;
  // As optional(), but absent or null is an error pointing at `map`.
  YAML::Node required(const YAML::Node& map, const std::string& map_path, const std::string& key) const;

  // A scalar, quoted or not, without control characters.
  std::string string(const YAML::Node& node, const std::string& path) const;
  // An unquoted true or false: `wipe: "false"` is a string, and refused.
  bool boolean(const YAML::Node& node, const std::string& path) const;
  std::vector<std::string> strings(const YAML::Node& node, const std::string& path) const;
  // An unquoted decimal integer in [min, max].
  int64_t integer(const YAML::Node& node, const std::string& path, int64_t min, int64_t max) const;

 private:
  std::string source_;
};

// "a mapping", "a list", ... for messages saying what was found instead.
std::string describe_kind(const YAML::Node& node);

}  // namespace bronze::config
