#include "yaml/strict_yaml.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>
#include <sstream>

#include "base/error.h"

namespace bronze::config {

namespace {

// yaml-cpp marks are 0-based; editors count from 1. A node with no mark (an
// empty document) is reported at the start of the file.
std::string position(const std::string& source, const YAML::Mark& mark) {
  int line = mark.is_null() ? 1 : mark.line + 1;
  int column = mark.is_null() ? 1 : mark.column + 1;
  return source + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
}

// Notes where each document starts and ignores the rest.
struct DocumentStarts : YAML::EventHandler {
  std::vector<YAML::Mark> marks;
  void OnDocumentStart(const YAML::Mark& mark) override { marks.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

}  // namespace

std::string field_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

std::string describe_kind(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "the value '" + node.Scalar() + "'";
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

YAML::Node StrictYaml::load(std::string_view text) const {
  check_characters(text);
  std::string copy(text);
  try {
    // Look for a second document first, stopping there: yaml-cpp 0.7's
    // LoadAll loops for ever on a stray ',' at the top level, reading an
    // endless run of empty documents at it.
    std::istringstream stream(copy);
    YAML::Parser parser(stream);
    DocumentStarts starts;
    while (starts.marks.size() < 2 && parser.HandleNextDocument(starts)) {
    }
    if (starts.marks.size() == 2) {
      throw Error(position(source_, starts.marks[1]) +
                  "malformed YAML: expected the end of the document here (one document per file)");
    }
    return YAML::Load(copy);
  } catch (const YAML::Exception& e) {
    throw Error(position(source_, e.mark) + "malformed YAML: " + e.msg);
  }
}

void StrictYaml::check_characters(std::string_view text) const {
  int line = 1;
  int column = 1;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if ((byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r') || byte == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02x", byte);
      throw Error(source_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": control character " + hex +
                  " is not allowed in YAML");
    }
    if (byte == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
}

void StrictYaml::fail(const YAML::Node& node, const std::string& path, const std::string& message) const {
  throw Error(position(source_, node.Mark()) + (path.empty() ? "" : path + ": ") + message);
}

void StrictYaml::expect_fields(const YAML::Node& node, const std::string& path,
                               const std::vector<std::string>& known) const {
  if (!node.IsMap()) fail(node, path, "expected a mapping with " + join(known) + ", got " + describe_kind(node));
  std::set<std::string> seen;
  for (const auto& item : node) {
    if (!item.first.IsScalar()) fail(item.first, path, "field names must be plain strings");
    const std::string& key = item.first.Scalar();
    std::string key_path = field_path(path, key);
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      fail(item.first, key_path, "unknown field (expected one of: " + join(known) + ")");
    }
    if (!seen.insert(key).second) fail(item.first, key_path, "given twice");
  }
}

std::optional<YAML::Node> StrictYaml::optional(const YAML::Node& map, const std::string& key) const {
  const YAML::Node& const_map = map;  // const lookup never inserts
  YAML::Node value = const_map[key];
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  return value;
}

YAML::Node StrictYaml::required(const YAML::Node& map, const std::string& map_path, const std::string& key) const {
  auto value = optional(map, key);
  if (!value) fail(map, field_path(map_path, key), "missing (this field is required)");
  return *value;
}

std::string StrictYaml::string(const YAML::Node& node, const std::string& path) const {
  if (!node.IsScalar()) fail(node, path, "expected a string, got " + describe_kind(node));
  const std::string& value = node.Scalar();
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) fail(node, path, "control characters are not allowed");
  }
  return value;
}

bool StrictYaml::boolean(const YAML::Node& node, const std::string& path) const {
  // A quoted scalar carries the tag "!"; a plain one "?".
  if (node.IsScalar() && node.Tag() != "!") {
    const std::string& value = node.Scalar();
    if (value == "true" || value == "True" || value == "TRUE") return true;
    if (value == "false" || value == "False" || value == "FALSE") return false;
  }
  std::string found =
      node.IsScalar() && node.Tag() == "!" ? "the string \"" + node.Scalar() + "\"" : describe_kind(node);
  fail(node, path, "expected true or false, got " + found);
}

std::vector<std::string> StrictYaml::strings(const YAML::Node& node, const std::string& path) const {
  if (!node.IsSequence()) fail(node, path, "expected a list of strings, got " + describe_kind(node));
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(string(item, path + "[" + std::to_string(out.size()) + "]"));
  return out;
}

int64_t StrictYaml::integer(const YAML::Node& node, const std::string& path, int64_t min, int64_t max) const {
  std::string range = " from " + std::to_string(min) + " to " + std::to_string(max);
  if (!node.IsScalar() || node.Tag() == "!") {
    std::string found = node.IsScalar() ? "the string \"" + node.Scalar() + "\"" : describe_kind(node);
    fail(node, path, "expected a whole number" + range + ", got " + found);
  }
  const std::string& text = node.Scalar();
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    fail(node, path, "expected a whole number" + range + ", got '" + text + "'");
  }
  return value;
}

}  // namespace bronze::config
