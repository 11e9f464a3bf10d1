#include "registry/registry_session.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "base/base64.h"
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

// "Basic <base64 of user:password>", RFC 7617.
std::string basic_credentials(const RegistryLogin& login) {
  return "Basic " + base64_encode(login.username + ":" + login.password);
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
      endpoint_(options.endpoint),
      base_url_(options.endpoint.url + "/v2/" + ref.repository + "/"),
      http_([&options] {
        HttpOptions http_options;
        http_options.ca_file = options.ca_file;
        http_options.ca_pem = options.endpoint.ca_pem;
        http_options.timeout_seconds = options.timeout_seconds;
        http_options.peer = options.endpoint.mirror ? "mirror" : "registry";
        return http_options;
      }()) {}

std::string RegistrySession::login_field() const { return "machine.registries.config.\"" + endpoint_.host() + "\".auth"; }

HttpHeaders RegistrySession::get(const std::string& path, const std::vector<std::string>& headers,
                                 const BodyTarget& target, const std::string& what) {
  HttpResponse response = get_with_login(base_url_ + path, headers, target);
  if (response.status < 200 || response.status >= 300) {
    std::string advice;
    if (response.status == 401 || response.status == 403) {
      advice = sent_login_ ? "the login of user " + endpoint_.login->username + " (" + login_field() +
                                 ") was refused or may not pull this repository"
                           : "anonymous pull is not allowed there; give a login in " + login_field();
    }
    std::string message = describe_refusal(what, endpoint_.host(), response.status, response.error_body, advice);
    if (response.status >= 500 || response.status == 429) throw http::TransientError(message);
    throw Error(message);
  }
  return response.headers;
}

HttpResponse RegistrySession::get_with_login(const std::string& url, const std::vector<std::string>& headers,
                                             const BodyTarget& target) {
  auto with_login = [&] {
    std::vector<std::string> all = headers;
    if (!authorization_.empty()) all.push_back("Authorization: " + authorization_);
    return all;
  };
  HttpResponse response = http_.get(url, with_login(), target);
  if (response.status != 401 || !authorization_.empty()) return response;
  auto header = response.header("www-authenticate");
  if (!header) return response;
  if (auto challenge = parse_bearer_challenge(*header)) {
    fetch_token(*challenge);
  } else if (is_basic_challenge(*header)) {
    if (!endpoint_.login) {
      throw Error("registry " + endpoint_.host() + " asks for a login (HTTP Basic); give it in " + login_field());
    }
    authorization_ = basic_credentials(*endpoint_.login);
    sent_login_ = true;
  } else {
    throw Error("registry " + endpoint_.host() + " asks for credentials in a way Bronze does not speak (" +
                header->substr(0, 100) + "); registries take a Bearer token or an HTTP Basic login");
  }
  return http_.get(url, with_login(), target);
}

void RegistrySession::fetch_token(const BearerChallenge& challenge) {
  std::string url = challenge.realm;
  char separator = url.find('?') == std::string::npos ? '?' : '&';
  if (!challenge.service.empty()) {
    url += separator + std::string("service=") + percent_encode(challenge.service);
    separator = '&';
  }
  if (!challenge.scope.empty()) url += separator + std::string("scope=") + percent_encode(challenge.scope);

  std::vector<std::string> headers = {"Accept: application/json"};
  if (endpoint_.login) {
    // The realm comes from the endpoint's answer: the login goes to it only
    // over HTTPS, or to the endpoint's own host (which has it anyway).
    bool same_host = url_host(challenge.realm) == endpoint_.host();
    if (challenge.realm.rfind("https://", 0) != 0 && !same_host) {
      throw Error("registry " + endpoint_.host() + " sends the login to token service " + challenge.realm +
                  " over plain HTTP on another host; refused, so that the password does not cross the network "
                  "in the clear");
    }
    headers.push_back("Authorization: " + basic_credentials(*endpoint_.login));
    sent_login_ = true;
  }
  std::string body;
  HttpResponse response = http_.get(url, headers, collect_body(body, kMaxTokenResponseBytes, "token response"));
  if (response.status != 200) {
    std::string advice = endpoint_.login ? "the login of user " + endpoint_.login->username + " (" + login_field() +
                                               ") was refused or may not pull " + ref_.repository
                                         : "anonymous pull may not be allowed there; give a login in " + login_field();
    throw Error("token service " + url_host(challenge.realm) + " refused a token for " +
                (challenge.scope.empty() ? ref_.repository : challenge.scope) + ": HTTP " +
                std::to_string(response.status) + "; " + advice);
  }
  authorization_ = "Bearer " + token_from_json(body, url_host(challenge.realm));
}

}  // namespace bronze::registry
