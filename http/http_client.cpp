#include "http/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <exception>
#include <mutex>

#include "base/error.h"

namespace bronze::http {

namespace {

// Enough of an error response for the registry's JSON error list.
constexpr size_t kMaxErrorBody = 64 * 1024;
constexpr long kMaxRedirects = 5;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("libcurl could not be initialized");
  });
}

std::string trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(start, end - start + 1));
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool is_success(long status) { return status >= 200 && status < 300; }

// The state of one request, reached from curl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  const BodyTarget* target = nullptr;
  HttpResponse response;
  bool started = false;
  std::exception_ptr failure;

  long status() const {
    long code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    return code;
  }

  void start_body() {
    if (started) return;
    started = true;
    if (target->start) target->start(response.headers);
  }
};

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  // Each response of a redirect chain starts with a status line; only the
  // last response's headers count.
  if (line.rfind("HTTP/", 0) == 0) {
    transfer->response.headers.clear();
  } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
    transfer->response.headers[lower(trim(line.substr(0, colon)))] = trim(line.substr(colon + 1));
  }
  return size * count;
}

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view chunk(data, size * count);
  try {
    if (!is_success(transfer->status())) {
      std::string& body = transfer->response.error_body;
      body.append(chunk.substr(0, kMaxErrorBody - std::min(kMaxErrorBody, body.size())));
      return chunk.size();
    }
    transfer->start_body();
    if (transfer->target->write) transfer->target->write(chunk);
    return chunk.size();
  } catch (...) {
    // Returning short makes curl stop with CURLE_WRITE_ERROR; get() then
    // rethrows what the target threw.
    transfer->failure = std::current_exception();
    return 0;
  }
}

std::string os_error_text(CURL* curl, const char* curl_message) {
  long os_errno = 0;
  curl_easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
  if (os_errno != 0) return std::strerror(static_cast<int>(os_errno));
  return curl_message;
}

[[noreturn]] void throw_transfer_error(CURL* curl, CURLcode code, const char* error_buffer, const std::string& url,
                                       long timeout_seconds, const std::string& peer) {
  std::string host = url_host(url);
  const char* message = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      throw TransientError("cannot reach " + peer + " " + host + ": " + os_error_text(curl, message) +
                  "; is it running, is the address right?");
    case CURLE_COULDNT_RESOLVE_HOST:
      throw Error("cannot resolve the host of " + peer + " " + host + ": " + message + "; is the name right?");
    case CURLE_OPERATION_TIMEDOUT:
      throw TransientError(peer + " " + host + " did not answer for " + std::to_string(timeout_seconds) +
                  " seconds: " + message + "; is it reachable, or is the network slow?");
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
      throw Error("TLS with " + peer + " " + host + " failed: " + message +
                  "; if it serves plain HTTP, use plain HTTP; if its certificate comes from a private CA, "
                  "give that CA's certificate file");
    case CURLE_UNSUPPORTED_PROTOCOL:
      throw Error(peer + " " + host + " sent us to a URL that is neither http nor https: " + message);
    case CURLE_TOO_MANY_REDIRECTS:
      throw Error(peer + " " + host + " redirected more than " + std::to_string(kMaxRedirects) + " times: " +
                  message);
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
      throw TransientError(peer + " " + host + " broke off the response to " + url + ": " + message);
    default:
      throw Error("request to " + url + " failed: " + message + " (libcurl error " +
                  std::to_string(static_cast<int>(code)) + ")");
  }
}

}  // namespace

struct HttpClient::Handle {
  CURL* curl = nullptr;
  ~Handle() { curl_easy_cleanup(curl); }
};

std::optional<std::string> HttpResponse::header(const std::string& lower_case_name) const {
  auto it = headers.find(lower_case_name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

HttpClient::HttpClient(HttpOptions options) : options_(std::move(options)), handle_(std::make_unique<Handle>()) {
  global_init();
  handle_->curl = curl_easy_init();
  if (!handle_->curl) throw Error("libcurl could not create a transfer handle");
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::request(const std::string& method, const std::string& url,
                                 const std::vector<std::string>& request_headers, const std::string& body,
                                 const BodyTarget& target) {
  CURL* curl = handle_->curl;
  curl_easy_reset(curl);
  Transfer transfer;
  transfer.curl = curl;
  transfer.target = &target;

  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, &curl_slist_free_all);
  for (const auto& h : request_headers) {
    curl_slist* appended = curl_slist_append(headers.get(), h.c_str());
    if (!appended) throw Error("out of memory building an HTTP request");
    headers.release();
    headers.reset(appended);
  }

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
  // Nothing but HTTP(S), also where a redirect points: no file://, no others.
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  // Registries send blob downloads to storage (S3 and the like) by redirect.
  // libcurl does not carry our Authorization header to another host.
  set(CURLOPT_FOLLOWLOCATION, options_.follow_redirects ? 1L : 0L);
  set(CURLOPT_MAXREDIRS, kMaxRedirects);
  set(CURLOPT_CONNECTTIMEOUT, options_.timeout_seconds);
  // A stall bound rather than a total one: a large layer on a slow link
  // may rightly take longer than any fixed total.
  set(CURLOPT_LOW_SPEED_LIMIT, 1L);
  set(CURLOPT_LOW_SPEED_TIME, options_.timeout_seconds);
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_USERAGENT, options_.user_agent.c_str());
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_HTTPHEADER, headers.get());
  if (!options_.ca_file.empty()) set(CURLOPT_CAINFO, options_.ca_file.c_str());
  curl_blob ca_blob{const_cast<char*>(options_.ca_pem.data()), options_.ca_pem.size(), CURL_BLOB_NOCOPY};
  if (!options_.ca_pem.empty()) set(CURLOPT_CAINFO_BLOB, &ca_blob);
  if (!options_.client_cert_file.empty()) set(CURLOPT_SSLCERT, options_.client_cert_file.c_str());
  if (!options_.client_key_file.empty()) set(CURLOPT_SSLKEY, options_.client_key_file.c_str());
  if (options_.total_timeout) set(CURLOPT_TIMEOUT, options_.timeout_seconds);
  set(CURLOPT_HEADERFUNCTION, &on_header);
  set(CURLOPT_HEADERDATA, &transfer);
  set(CURLOPT_WRITEFUNCTION, &on_body);
  set(CURLOPT_WRITEDATA, &transfer);

  CURLcode code = curl_easy_perform(curl);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  if (transfer.failure) std::rethrow_exception(transfer.failure);
  if (code != CURLE_OK) throw_transfer_error(curl, code, error_buffer, url, options_.timeout_seconds, options_.peer);

  transfer.response.status = transfer.status();
  if (is_success(transfer.response.status)) transfer.start_body();
  return std::move(transfer.response);
}

std::string url_host(std::string_view url) {
  size_t scheme_end = url.find("://");
  std::string_view rest = scheme_end == std::string_view::npos ? url : url.substr(scheme_end + 3);
  return std::string(rest.substr(0, rest.find_first_of("/?#")));
}

BodyTarget collect_body(std::string& out, uint64_t max_bytes, const std::string& what) {
  out.clear();
  return BodyTarget{nullptr, [&out, max_bytes, what](std::string_view chunk) {
                      if (out.size() + chunk.size() > max_bytes) {
                        throw Error(what + " is larger than " + std::to_string(max_bytes) + " bytes; refused");
                      }
                      out.append(chunk);
                    }};
}

}  // namespace bronze::http
