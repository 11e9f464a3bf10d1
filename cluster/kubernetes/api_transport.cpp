#include "cluster/kubernetes/api_transport.h"

#include <curl/curl.h>

#include <cstring>
#include <mutex>
#include <vector>

#include "base/error.h"

namespace bronze::kube {

namespace {

// A node's pod list is the largest answer we read: at the default limit of
// 110 pods it is a few MiB at most.
constexpr size_t kMaxResponseBytes = 64 * 1024 * 1024;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("libcurl could not be initialized");
  });
}

struct Received {
  std::string body;
  bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* received = static_cast<Received*>(user);
  size_t bytes = size * count;
  if (received->body.size() + bytes > kMaxResponseBytes) {
    received->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  received->body.append(data, bytes);
  return bytes;
}

std::string os_error_text(CURL* curl, const char* curl_message) {
  long os_errno = 0;
  curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
  if (os_errno != 0) return std::strerror(static_cast<int>(os_errno));
  return curl_message;
}

[[noreturn]] void throw_transfer_error(CURL* curl, CURLcode code, const char* error_buffer, const std::string& server,
                                       const std::string& request, long timeout_seconds) {
  const char* message = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
  std::string api = "Kubernetes API server " + server;
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      throw Error("cannot reach " + api + ": " + os_error_text(curl, message) +
                  "; is it running, is the address right?");
    case CURLE_COULDNT_RESOLVE_HOST:
      throw Error("cannot resolve the host of " + api + ": " + message + "; is the name right?");
    case CURLE_OPERATION_TIMEDOUT:
      throw Error(api + " did not answer " + request + " within " + std::to_string(timeout_seconds) +
                  " seconds: " + message);
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      throw Error("TLS with " + api + " failed: " + message +
                  "; is the cluster's CA certificate given, and does the address match its certificate?");
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      throw Error(api + " is not an http or https address: " + message);
    default:
      throw Error(request + " to " + api + " failed: " + message + " (libcurl error " +
                  std::to_string(static_cast<int>(code)) + ")");
  }
}

}  // namespace

struct ApiTransport::Handle {
  CURL* curl = nullptr;
  ~Handle() { curl_easy_cleanup(curl); }
};

ApiTransport::ApiTransport(ApiOptions options) : options_(std::move(options)), handle_(std::make_unique<Handle>()) {
  // "https://host:6443/" and "https://host:6443" mean the same server.
  while (!options_.api_server.empty() && options_.api_server.back() == '/') options_.api_server.pop_back();
  if (options_.api_server.empty()) throw Error("no Kubernetes API server address given");
  global_init();
  handle_->curl = curl_easy_init();
  if (!handle_->curl) throw Error("libcurl could not create a transfer handle");
}

ApiTransport::~ApiTransport() = default;

ApiResponse ApiTransport::send(const std::string& method, const std::string& path, const std::string& content_type,
                               const std::string& body) {
  CURL* curl = handle_->curl;
  curl_easy_reset(curl);
  std::string url = options_.api_server + path;
  std::string request = method + " " + path;

  std::vector<std::string> header_lines = {"Accept: application/json"};
  if (!options_.bearer_token.empty()) header_lines.push_back("Authorization: Bearer " + options_.bearer_token);
  if (!content_type.empty()) header_lines.push_back("Content-Type: " + content_type);
  // An empty "Expect:" stops curl waiting for a "100 Continue" on larger bodies.
  header_lines.push_back("Expect:");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, &curl_slist_free_all);
  for (const auto& line : header_lines) {
    curl_slist* appended = curl_slist_append(headers.get(), line.c_str());
    if (!appended) throw Error("out of memory building an HTTP request");
    headers.release();
    headers.reset(appended);
  }

  Received received;
  char error_buffer[CURL_ERROR_SIZE] = {};
  auto set = [&](CURLoption option, auto value) {
    if (curl_easy_setopt(curl, option, value) != CURLE_OK) {
      throw Error("libcurl refused option " + std::to_string(static_cast<int>(option)) + " for " + url);
    }
  };
  set(CURLOPT_URL, url.c_str());
  if (method == "GET") {
    set(CURLOPT_HTTPGET, 1L);
  } else {
    set(CURLOPT_CUSTOMREQUEST, method.c_str());
    set(CURLOPT_POSTFIELDS, body.c_str());
    set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  // The API server does not redirect; a redirect would carry the token away.
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_CONNECTTIMEOUT, options_.timeout_seconds);
  set(CURLOPT_TIMEOUT, options_.timeout_seconds);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_USERAGENT, "bronze-node");
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_HTTPHEADER, headers.get());
  if (!options_.ca_file.empty()) set(CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.client_cert_file.empty()) set(CURLOPT_SSLCERT, options_.client_cert_file.c_str());
  if (!options_.client_key_file.empty()) set(CURLOPT_SSLKEY, options_.client_key_file.c_str());
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, &received);

  CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (received.too_large) {
    throw Error("Kubernetes API server " + options_.api_server + " answered " + request + " with more than " +
                std::to_string(kMaxResponseBytes) + " bytes; refused");
  }
  if (code != CURLE_OK) {
    throw_transfer_error(curl, code, error_buffer, options_.api_server, request, options_.timeout_seconds);
  }

  ApiResponse response;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  response.body = std::move(received.body);
  return response;
}

std::string url_encode(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

}  // namespace bronze::kube
