#include "registry/reference.h"

#include <cctype>

#include "base/error.h"
#include "installer_image/documents.h"

namespace bronze::registry {

namespace {

constexpr const char* kExpectedForm =
    "expected HOST[:PORT]/NAME:TAG or HOST[:PORT]/NAME@sha256:<64 hex digits>, "
    "e.g. registry.example.com/bronze/installer:v1";

[[noreturn]] void refuse(std::string_view text, const std::string& problem) {
  throw Error("image reference '" + std::string(text.substr(0, 200)) + "': " + problem + "; " + kExpectedForm);
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// A repository path component as the distribution spec defines it:
// [a-z0-9]+ joined by one '.', one or two '_', or any number of '-'.
bool is_path_component(std::string_view component) {
  if (component.empty() || !is_lower_alnum(component.front()) || !is_lower_alnum(component.back())) return false;
  size_t i = 0;
  while (i < component.size()) {
    if (is_lower_alnum(component[i])) {
      ++i;
      continue;
    }
    // The back is alphanumeric, so every separator run ends before it.
    size_t end = i;
    while (!is_lower_alnum(component[end])) ++end;
    std::string_view separator = component.substr(i, end - i);
    bool dashes = separator.find_first_not_of('-') == std::string_view::npos;
    if (!dashes && separator != "." && separator != "_" && separator != "__") return false;
    i = end;
  }
  return true;
}

bool is_repository(std::string_view repository) {
  if (repository.empty() || repository.size() > 255) return false;
  size_t start = 0;
  while (true) {
    size_t slash = repository.find('/', start);
    if (!is_path_component(repository.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool is_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128 || tag.front() == '.' || tag.front() == '-') return false;
  for (char c : tag) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

bool is_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
  }
  int value = std::stoi(std::string(port));
  return value >= 1 && value <= 65535;
}

bool is_hostname(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '-' || host.front() == '.' || host.back() == '.') {
    return false;
  }
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

bool is_ipv6_literal(std::string_view host) {
  if (host.size() < 4 || host.front() != '[' || host.back() != ']') return false;
  for (char c : host.substr(1, host.size() - 2)) {
    if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
  }
  return true;
}

// The first component names a registry only when it could not be part of a
// repository name: it has a '.' or a ':', or is "localhost". This is how
// docker tells "registry/name" from "user/name"; we need it to say that a
// registry is missing rather than contact the wrong host.
bool looks_like_registry(std::string_view component) {
  return component.find_first_of(".:[") != std::string_view::npos || component == "localhost";
}

void check_registry(std::string_view text, std::string_view registry) {
  std::string_view host = registry;
  std::string_view port;
  size_t colon = registry.rfind(':');
  if (colon != std::string_view::npos && registry.find(']', colon) == std::string_view::npos) {
    host = registry.substr(0, colon);
    port = registry.substr(colon + 1);
    if (!is_port(port)) refuse(text, "registry port '" + std::string(port) + "' is not a number from 1 to 65535");
  }
  if (!is_hostname(host) && !is_ipv6_literal(host)) {
    refuse(text, "registry host '" + std::string(host) + "' is not a host name or address");
  }
}

}  // namespace

std::string Reference::str() const {
  std::string out = registry + "/" + repository;
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

Reference parse_reference(std::string_view text) {
  if (text.empty()) refuse(text, "it is empty");
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) refuse(text, "it contains a space or control character");
  }
  if (text.find("://") != std::string_view::npos) refuse(text, "give no scheme (http:// or https://)");

  Reference ref;
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || !looks_like_registry(text.substr(0, slash))) {
    refuse(text, "it names no registry host (there is no default registry)");
  }
  ref.registry = std::string(text.substr(0, slash));
  check_registry(text, ref.registry);

  std::string_view rest = text.substr(slash + 1);
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    try {
      oci::check_digest(ref.digest, "image reference");
    } catch (const Error& e) {
      refuse(text, e.what());
    }
  }
  // A ':' after the last '/' starts the tag; the registry's port came before.
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && rest.find('/', colon) == std::string_view::npos) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!is_tag(ref.tag)) {
      refuse(text, "tag '" + ref.tag + "' is not 1 to 128 of [A-Za-z0-9_.-], starting with a letter, digit or '_'");
    }
  }
  ref.repository = std::string(rest);
  if (!is_repository(ref.repository)) {
    refuse(text, "repository '" + ref.repository +
                     "' is not lower-case [a-z0-9] components joined by '/', '.', '_' or '-'");
  }
  if (ref.tag.empty() && ref.digest.empty()) {
    refuse(text, "it has neither a tag nor a digest (there is no default tag)");
  }
  return ref;
}

}  // namespace bronze::registry
