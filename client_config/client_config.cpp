#include "client_config/client_config.h"

#include <yaml-cpp/yaml.h>

#include "base/base64.h"
#include "base/error.h"
#include "base/files.h"
#include "base/private_file.h"
#include "pki/pki.h"
#include "yaml/pem_fields.h"
#include "yaml/strict_yaml.h"

namespace bronze::config {

namespace {

std::string known_contexts(const ClientConfig& config) {
  std::string names;
  for (const auto& [name, context] : config.contexts) names += (names.empty() ? "" : ", ") + name;
  return names.empty() ? "none" : names;
}

std::vector<std::string> hosts(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  auto values = yaml.strings(node, path);
  size_t i = 0;
  for (const auto& item : node) {
    if (!is_ip_address(values[i]) && !is_dns_name(values[i])) {
      yaml.fail(item, path + "[" + std::to_string(i) + "]",
                "expected an IP address or a DNS name, got '" + values[i] + "'");
    }
    ++i;
  }
  return values;
}

ClientContext read_context(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"endpoints", "nodes", "ca", "crt", "key"});
  ClientContext context;
  context.endpoints = hosts(yaml, yaml.required(node, path, "endpoints"), path + ".endpoints");
  if (auto nodes = yaml.optional(node, "nodes")) context.nodes = hosts(yaml, *nodes, path + ".nodes");
  auto ca = read_certificate_field(yaml, yaml.required(node, path, "ca"), path + ".ca");
  auto crt = read_certificate_field(yaml, yaml.required(node, path, "crt"), path + ".crt");
  YAML::Node key_node = yaml.required(node, path, "key");
  auto key = read_private_key_field(yaml, key_node, path + ".key");
  if (!crt.certificate.matches(key.key)) {
    yaml.fail(key_node, path + ".key", "the key does not belong to the certificate in " + path + ".crt");
  }
  context.ca = ca.pem;
  context.crt = crt.pem;
  context.key = key.pem;
  return context;
}

void emit_strings(YAML::Emitter& out, const char* key, const std::vector<std::string>& values) {
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginSeq;
  for (const auto& value : values) out << value;
  out << YAML::EndSeq;
}

}  // namespace

const ClientContext& ClientConfig::select(const std::string& name) const {
  const std::string& wanted = name.empty() ? context : name;
  auto found = contexts.find(wanted);
  if (found == contexts.end()) {
    throw Error("no context '" + wanted + "' in the client config (known: " + known_contexts(*this) + ")");
  }
  return found->second;
}

ClientConfig parse_client_config(std::string_view text, const std::string& source_name) {
  StrictYaml yaml(source_name);
  YAML::Node root = yaml.load(text);
  yaml.expect_fields(root, "", {"context", "contexts"});
  ClientConfig config;
  YAML::Node current = yaml.required(root, "", "context");
  config.context = yaml.string(current, "context");
  YAML::Node contexts = yaml.required(root, "", "contexts");
  if (!contexts.IsMap())
    yaml.fail(contexts, "contexts", "expected a mapping of context names, got " + describe_kind(contexts));
  for (const auto& item : contexts) {
    if (!item.first.IsScalar()) yaml.fail(item.first, "contexts", "context names must be plain strings");
    std::string name = yaml.string(item.first, "contexts");
    std::string path = "contexts." + name;
    if (name.empty()) yaml.fail(item.first, "contexts", "a context name must not be empty");
    if (config.contexts.count(name)) yaml.fail(item.first, path, "given twice");
    config.contexts[name] = read_context(yaml, item.second, path);
  }
  if (!config.contexts.count(config.context)) {
    yaml.fail(current, "context", "no context named '" + config.context + "' (known: " + known_contexts(config) + ")");
  }
  return config;
}

ClientConfig load_client_config(const std::filesystem::path& path) {
  return parse_client_config(read_file(path), path.string());
}

std::string to_yaml(const ClientConfig& config) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "context" << YAML::Value << config.context;
  out << YAML::Key << "contexts" << YAML::Value << YAML::BeginMap;
  for (const auto& [name, context] : config.contexts) {
    out << YAML::Key << name << YAML::Value << YAML::BeginMap;
    emit_strings(out, "endpoints", context.endpoints);
    emit_strings(out, "nodes", context.nodes);
    out << YAML::Key << "ca" << YAML::Value << base64_encode(context.ca);
    out << YAML::Key << "crt" << YAML::Value << base64_encode(context.crt);
    out << YAML::Key << "key" << YAML::Value << base64_encode(context.key);
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  out << YAML::EndMap;
  if (!out.good()) throw Error("cannot write the client config as YAML: " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

void write_client_config(const ClientConfig& config, const std::filesystem::path& path) {
  StagedFile staged(path);
  write_private_file(staged.path(), to_yaml(config));
  staged.commit();
}

}  // namespace bronze::config
