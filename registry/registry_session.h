// Requests to one repository of one registry (OCI distribution API,
// /v2/<name>/...), with the token flow: a 401 carrying a Bearer challenge
// is answered by fetching a token from the challenge's realm and asking
// once more with it. The token is kept for the requests that follow.
#pragma once

#include <string>
#include <vector>

#include "http/http_client.h"
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
  bool plain_http = false;
  std::string ca_file;
  long timeout_seconds = 60;
};

class RegistrySession {
 public:
  RegistrySession(const Reference& ref, const SessionOptions& options);

  // GET /v2/<repository>/<path> ("manifests/v1", "blobs/sha256:..."). Any
  // answer but 2xx throws bronze::Error describing the refusal of `what`.
  HttpHeaders get(const std::string& path, const std::vector<std::string>& headers, const BodyTarget& target,
                  const std::string& what);

 private:
  HttpResponse get_with_token(const std::string& url, const std::vector<std::string>& headers,
                              const BodyTarget& target);
  void fetch_token(const BearerChallenge& challenge);

  Reference ref_;
  std::string base_url_;
  HttpClient http_;
  std::string token_;
};

// "a b/c" -> "a%20b%2Fc": query parameter values for the token request.
std::string percent_encode(const std::string& text);

}  // namespace bronze::registry
