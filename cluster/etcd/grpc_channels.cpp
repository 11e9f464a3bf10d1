#include "cluster/etcd/grpc_channels.h"

#include "cluster/etcd/endpoint.h"

namespace bronze::etcd {

namespace {

// gRPC's default reconnect backoff grows to two minutes: a member that was
// down would stay unreachable through this channel long after it is back.
constexpr int kInitialReconnectBackoffMs = 100;
constexpr int kMaxReconnectBackoffMs = 1000;

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN_CODE";
  }
}

bool mentions_tls_failure(const std::string& text) {
  for (const char* word : {"andshake", "SSL", "ssl", "certificate", "CERTIFICATE", "alert"}) {
    if (text.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::shared_ptr<grpc::Channel> GrpcChannels::make_channel(const std::string& url) const {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, kInitialReconnectBackoffMs);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  // A channel made to replace a failed one must not pick up the failed
  // one's connection from gRPC's process-wide pool.
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // No transparent retries: calls move on to the next endpoint here. And
  // gRPC 1.51's retry filter asserts (aborting the process) on trailers
  // without a grpc-status, which a TLS connection closed by a member that
  // stops in the middle of a call produces.
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  if (!is_https(url)) return grpc::CreateCustomChannel(grpc_target(url), grpc::InsecureChannelCredentials(), arguments);
  if (!tls_) throw Error("etcd endpoint " + url + " is https, but no TLS client certificate is configured (cluster.etcd.tls)");
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = tls_->ca_pem;
  options.pem_cert_chain = tls_->crt_pem;
  options.pem_private_key = tls_->key_pem;
  return grpc::CreateCustomChannel(grpc_target(url), grpc::SslCredentials(options), arguments);
}

std::string describe(const grpc::Status& status) {
  std::string text = code_name(status.error_code());
  if (!status.error_message().empty()) text += ": " + status.error_message();
  return text;
}

void throw_rpc_error(const std::string& rpc, const CallResult& result) {
  throw Error("etcd " + rpc + " at " + result.endpoint + ": " + describe(result.status));
}

GrpcChannels::GrpcChannels(std::vector<std::string> endpoints, std::chrono::milliseconds timeout,
                           std::optional<TlsCredentials> tls)
    : endpoints_(std::move(endpoints)), timeout_(timeout), tls_(std::move(tls)) {
  if (endpoints_.empty()) throw Error("etcd client: no endpoints given");
  // Dialled lazily, but checked now: a URL we cannot dial is the caller's
  // mistake, better reported at once.
  for (const std::string& url : endpoints_) {
    grpc_target(url);
    if (is_https(url) && !tls_) {
      throw Error("etcd endpoint " + url + " is https: TLS needs the CA of etcd's serving certificates and a client "
                  "certificate and key (cluster.etcd.tls)");
    }
    if (!is_https(url) && tls_) {
      throw Error("etcd endpoint " + url + " is not https, but TLS credentials are given: use https:// endpoints");
    }
  }
}

std::string GrpcChannels::unreachable_hint(const std::string& failures) const {
  if (!tls_) return "";
  if (mentions_tls_failure(failures)) {
    return " (etcd TLS: the TLS handshake failed; check that etcd trusts the CA that signed cluster.etcd.tls.crt "
           "(its --trusted-ca-file) and that cluster.etcd.tls.ca signed etcd's serving certificate, for this address)";
  }
  return " (over etcd TLS: if etcd is up, check that it trusts the CA that signed cluster.etcd.tls.crt (its "
         "--trusted-ca-file) and that cluster.etcd.tls.ca signed etcd's serving certificate, for this address)";
}

std::shared_ptr<grpc::Channel> GrpcChannels::channel(const std::string& url) {
  std::lock_guard lock(mutex_);
  auto found = channels_.find(url);
  if (found != channels_.end()) return found->second;
  return channels_.emplace(url, make_channel(url)).first->second;
}

void GrpcChannels::set_deadline(grpc::ClientContext& context) const {
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
}

std::string GrpcChannels::preferred_endpoint() {
  std::lock_guard lock(mutex_);
  return endpoints_[preferred_];
}

void GrpcChannels::endpoint_failed(const std::string& url) {
  std::lock_guard lock(mutex_);
  if (endpoints_[preferred_] == url) preferred_ = (preferred_ + 1) % endpoints_.size();
  channels_.erase(url);
}

void GrpcChannels::member_unreachable(const std::string& url) {
  std::lock_guard lock(mutex_);
  channels_.erase(url);
}

void GrpcChannels::endpoint_answered(const std::string& url) {
  std::lock_guard lock(mutex_);
  for (size_t i = 0; i < endpoints_.size(); ++i) {
    if (endpoints_[i] == url) preferred_ = i;
  }
}

std::vector<std::string> GrpcChannels::endpoints_preferred_first() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> order;
  for (size_t i = 0; i < endpoints_.size(); ++i) order.push_back(endpoints_[(preferred_ + i) % endpoints_.size()]);
  return order;
}

bool GrpcChannels::means_unreachable(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

}  // namespace bronze::etcd
