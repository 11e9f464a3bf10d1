// Requests to one repository at one endpoint (OCI distribution API,
// /v2/<name>/...), with the distribution spec's logins: a 401 carrying a
// Bearer challenge is answered by fetching a token from the challenge's
// realm (with the endpoint's login, when it has one, as Basic credentials)
// and asking once more with it; a Basic challenge by asking once more with
// the login. The token or login is kept for the requests that follow.
#pragma once

#include <string>
#include <vector>

#include "http/http_client.h"
#include "registry/endpoint.h"
#include "registry/reference.h"
#include "registry/www_authenticate.h"

namespace bronze::registry {

// The HTTP client is the project's (http/); the registry code names its
// types as its own.
using http::BodyTarget;
using http::collect_body;
using http::HttpClient;
using http::HttpHeaders;
using http::HttpOptions;
using http::HttpResponse;
using http::url_host;

struct SessionOptions {
  Endpoint endpoint;
  std::string ca_file;  // used when the endpoint names no CA of its own
  long timeout_seconds = 60;
};

class RegistrySession {
 public:
  RegistrySession(const Reference& ref, const SessionOptions& options);

  // GET /v2/<repository>/<path> ("manifests/v1", "blobs/sha256:..."). Any
  // answer but 2xx throws bronze::Error describing the refusal of `what`.
  HttpHeaders get(const std::string& path, const std::vector<std::string>& headers, const BodyTarget& target,
                  const std::string& what);
  const Endpoint& endpoint() const { return endpoint_; }

 private:
  HttpResponse get_with_login(const std::string& url, const std::vector<std::string>& headers,
                              const BodyTarget& target);
  void fetch_token(const BearerChallenge& challenge);
  // "machine.registries.config.<host>.auth", for messages.
  std::string login_field() const;

  Reference ref_;
  Endpoint endpoint_;
  std::string base_url_;
  HttpClient http_;
  std::string authorization_;  // "Bearer <token>" or "Basic <login>" once the endpoint asked
  bool sent_login_ = false;    // the login went with a request (a 401 then means it was refused)
};

// "a b/c" -> "a%20b%2Fc": query parameter values for the token request.
std::string percent_encode(const std::string& text);

}  // namespace bronze::registry
