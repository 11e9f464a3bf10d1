#include "registry/registry_session.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "registry/registry_errors.h"

namespace bronze::registry {

namespace {

constexpr uint64_t kMaxTokenResponseBytes = 256 * 1024;

std::string token_from_json(const std::string& body, const std::string& realm) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (!doc.is_object()) throw Error("token service " + realm + " did not answer with a JSON object");
  for (const char* key : {"token", "access_token"}) {
    auto it = doc.find(key);
    if (it == doc.end() || !it->is_string() || it->get<std::string>().empty()) continue;
    std::string token = it->get<std::string>();
    // It goes into a header line: no room for control characters.
    for (char c : token) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
        throw Error("token service " + realm + " sent a token with control characters; refused");
      }
    }
    return token;
  }
  throw Error("token service " + realm + " answered without 'token' or 'access_token'");
}

}  // namespace

std::string percent_encode(const std::string& text) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

RegistrySession::RegistrySession(const Reference& ref, const SessionOptions& options)
    : ref_(ref),
      base_url_((options.plain_http ? "http://" : "https://") + ref.registry + "/v2/" + ref.repository + "/"),
      http_([&options] {
        HttpOptions http_options;
        http_options.ca_file = options.ca_file;
        http_options.timeout_seconds = options.timeout_seconds;
        return http_options;
      }()) {}

HttpHeaders RegistrySession::get(const std::string& path, const std::vector<std::string>& headers,
                                 const BodyTarget& target, const std::string& what) {
  HttpResponse response = get_with_token(base_url_ + path, headers, target);
  if (response.status < 200 || response.status >= 300) {
    throw Error(describe_refusal(what, ref_.registry, response.status, response.error_body));
  }
  return response.headers;
}

HttpResponse RegistrySession::get_with_token(const std::string& url, const std::vector<std::string>& headers,
                                             const BodyTarget& target) {
  auto with_token = [&] {
    std::vector<std::string> all = headers;
    if (!token_.empty()) all.push_back("Authorization: Bearer " + token_);
    return all;
  };
  HttpResponse response = http_.get(url, with_token(), target);
  if (response.status != 401) return response;
  auto header = response.header("www-authenticate");
  if (!header) return response;
  auto challenge = parse_bearer_challenge(*header);
  if (!challenge) {
    throw Error("registry " + ref_.registry + " asks for credentials (" + header->substr(0, 100) +
                "); only anonymous pulls with Bearer tokens are supported");
  }
  fetch_token(*challenge);
  return http_.get(url, with_token(), target);
}

void RegistrySession::fetch_token(const BearerChallenge& challenge) {
  std::string url = challenge.realm;
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  if (!challenge.service.empty()) {
    url += separator + std::string("service=") + percent_encode(challenge.service);
    separator = '&';
  }
  if (!challenge.scope.empty()) url += separator + std::string("scope=") + percent_encode(challenge.scope);

  std::string body;
  HttpResponse response = http_.get(url, {"Accept: application/json"}, collect_body(body, kMaxTokenResponseBytes,
                                                                                     "token response"));
  if (response.status != 200) {
    throw Error("token service " + url_host(challenge.realm) + " refused a token for " +
                (challenge.scope.empty() ? ref_.repository : challenge.scope) + ": HTTP " +
                std::to_string(response.status) + "; anonymous pull may not be allowed there");
  }
  token_ = token_from_json(body, url_host(challenge.realm));
}

}  // namespace bronze::registry
