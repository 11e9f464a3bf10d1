#include "machine_config/registries_config.h"

#include <cctype>

#include "base/base64.h"
#include "yaml/pem_fields.h"

namespace bronze::config {

namespace {

// host, host:port, [v6]:port: what an image reference names before its
// first slash, and what a URL holds between "://" and its path.
bool is_registry_host(const std::string& text) {
  if (text.empty() || text.size() > 255) return false;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '.' && c != '-' && c != ':' && c != '[' && c != ']' && c != '_') return false;
  }
  return text.front() != '.' && text.front() != '-' && text.front() != ':';
}

std::string registry_host(const StrictYaml& yaml, const YAML::Node& key, const std::string& path, bool star) {
  std::string host = yaml.string(key, path);
  if (star && host == "*") return host;
  if (!is_registry_host(host)) {
    yaml.fail(key, path, "expected a registry host with an optional port (registry.example.com, 10.0.0.5:5000)" +
                             std::string(star ? " or \"*\"" : "") + ", without a scheme or a path; got '" + host + "'");
  }
  return host;
}

RegistryMirror read_mirror(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"endpoints", "skipFallback"});
  RegistryMirror mirror;
  YAML::Node endpoints = yaml.required(node, path, "endpoints");
  std::string list_path = path + ".endpoints";
  std::vector<std::string> texts = yaml.strings(endpoints, list_path);
  if (texts.empty()) yaml.fail(endpoints, list_path, "expected at least one endpoint URL");
  for (size_t i = 0; i < texts.size(); ++i) {
    auto url = registry_endpoint_url(texts[i]);
    if (!url) {
      yaml.fail(endpoints[i], list_path + "[" + std::to_string(i) + "]",
                "expected an http:// or https:// URL of a registry host with an optional port and no path "
                "(https://mirror.local:5000), got '" + texts[i] + "'");
    }
    mirror.endpoints.push_back(*url);
  }
  if (auto skip = yaml.optional(node, "skipFallback")) mirror.skip_fallback = yaml.boolean(*skip, path + ".skipFallback");
  return mirror;
}

RegistryAuth read_auth(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"username", "password", "auth"});
  RegistryAuth auth;
  auto username = yaml.optional(node, "username");
  auto password = yaml.optional(node, "password");
  auto combined = yaml.optional(node, "auth");
  if (combined) {
    if (username || password) {
      yaml.fail(*combined, path + ".auth", "give either auth or username and password, not both");
    }
    // As Docker's config.json and Talos carry it: base64 of "user:password".
    auto text = base64_decode(yaml.string(*combined, path + ".auth"));
    size_t colon = text ? text->find(':') : std::string::npos;
    if (!text || colon == std::string::npos || colon == 0) {
      yaml.fail(*combined, path + ".auth", "expected base64 of \"username:password\"");
    }
    auth.username = text->substr(0, colon);
    auth.password = text->substr(colon + 1);
  } else {
    if (!username || !password) {
      yaml.fail(node, path, "expected username and password (or auth, base64 of \"username:password\")");
    }
    auth.username = yaml.string(*username, path + ".username");
    auth.password = yaml.string(*password, path + ".password");
  }
  // A login is "user:password" in a Basic header: a colon in the name
  // would move the split, and only printable ASCII goes into a header.
  if (auth.username.empty() || auth.username.find(':') != std::string::npos) {
    yaml.fail(node, path, "the username must be non-empty and hold no ':'");
  }
  for (const std::string* part : {&auth.username, &auth.password}) {
    for (char c : *part) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) {
        yaml.fail(node, path, "the username and password must be printable ASCII (they go into an HTTP header)");
      }
    }
  }
  return auth;
}

RegistryHostConfig read_host_config(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"auth", "tls"});
  RegistryHostConfig host;
  if (auto auth = yaml.optional(node, "auth")) host.auth = read_auth(yaml, *auth, path + ".auth");
  if (auto tls = yaml.optional(node, "tls")) {
    std::string tls_path = path + ".tls";
    yaml.expect_fields(*tls, tls_path, {"ca", "insecureSkipVerify"});
    if (auto skip = yaml.optional(*tls, "insecureSkipVerify")) {
      if (yaml.boolean(*skip, tls_path + ".insecureSkipVerify")) {
        yaml.fail(*skip, tls_path + ".insecureSkipVerify",
                  "Bronze does not switch off TLS verification, which would hand the login to whoever sits on "
                  "the network; put the CA that signs the registry's certificate in " + tls_path + ".ca");
      }
    }
    if (auto ca = yaml.optional(*tls, "ca")) {
      auto certificate = read_certificate_field(yaml, *ca, tls_path + ".ca");
      host.ca = certificate.pem;
    }
  }
  return host;
}

}  // namespace

std::optional<std::string> registry_endpoint_url(const std::string& text) {
  std::string scheme;
  for (const char* s : {"https://", "http://"}) {
    if (text.rfind(s, 0) == 0) scheme = s;
  }
  if (scheme.empty()) return std::nullopt;
  std::string host = text.substr(scheme.size());
  if (!host.empty() && host.back() == '/') host.pop_back();
  if (host.find('@') != std::string::npos || !is_registry_host(host)) return std::nullopt;
  return scheme + host;
}

namespace {

// A mapping of registry hosts under `key`, each entry read by `read_entry`
// into `out`; a host named twice is refused.
template <typename Entry, typename ReadEntry>
void read_hosts(const StrictYaml& yaml, const YAML::Node& node, const std::string& path, const std::string& key,
                bool star, std::map<std::string, Entry>& out, ReadEntry read_entry) {
  auto hosts = yaml.optional(node, key);
  if (!hosts) return;
  std::string hosts_path = path + "." + key;
  if (!hosts->IsMap()) yaml.fail(*hosts, hosts_path, "expected a mapping of registry hosts, got " + describe_kind(*hosts));
  for (const auto& entry : *hosts) {
    std::string host = registry_host(yaml, entry.first, hosts_path, star);
    std::string entry_path = hosts_path + "." + host;
    if (out.count(host)) yaml.fail(entry.first, entry_path, "named twice");
    out[host] = read_entry(yaml, entry.second, entry_path);
  }
}

}  // namespace

RegistriesConfig read_registries(const StrictYaml& yaml, const YAML::Node& node, const std::string& path) {
  yaml.expect_fields(node, path, {"mirrors", "config"});
  RegistriesConfig registries;
  read_hosts(yaml, node, path, "mirrors", true, registries.mirrors, read_mirror);
  read_hosts(yaml, node, path, "config", false, registries.config, read_host_config);
  return registries;
}

void emit_registries(YAML::Emitter& out, const RegistriesConfig& registries) {
  if (registries.empty()) return;
  out << YAML::Key << "registries" << YAML::Value << YAML::BeginMap;
  if (!registries.mirrors.empty()) {
    out << YAML::Key << "mirrors" << YAML::Value << YAML::BeginMap;
    for (const auto& [host, mirror] : registries.mirrors) {
      out << YAML::Key << host << YAML::Value << YAML::BeginMap;
      out << YAML::Key << "endpoints" << YAML::Value << YAML::BeginSeq;
      for (const auto& endpoint : mirror.endpoints) out << endpoint;
      out << YAML::EndSeq;
      if (mirror.skip_fallback) out << YAML::Key << "skipFallback" << YAML::Value << true;
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  if (!registries.config.empty()) {
    out << YAML::Key << "config" << YAML::Value << YAML::BeginMap;
    for (const auto& [host, config] : registries.config) {
      out << YAML::Key << host << YAML::Value << YAML::BeginMap;
      if (config.auth) {
        out << YAML::Key << "auth" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "username" << YAML::Value << YAML::DoubleQuoted << config.auth->username;
        out << YAML::Key << "password" << YAML::Value << YAML::DoubleQuoted << config.auth->password;
        out << YAML::EndMap;
      }
      if (!config.ca.empty()) {
        out << YAML::Key << "tls" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "ca" << YAML::Value << base64_encode(config.ca);
        out << YAML::EndMap;
      }
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

}  // namespace bronze::config
