// Inside the client: one gRPC channel per etcd URL, a deadline on every
// call, and unary calls that move on to the next endpoint when one does not
// answer. Thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "cluster/etcd/client.h"

namespace bronze::etcd {

struct CallResult {
  grpc::Status status;
  std::string endpoint;  // the URL that gave `status`
};

// "UNAVAILABLE: failed to connect to all addresses"
std::string describe(const grpc::Status& status);

// "etcd LeaseRevoke at http://127.0.0.1:2379: NOT_FOUND: ..."
[[noreturn]] void throw_rpc_error(const std::string& rpc, const CallResult& result);

class GrpcChannels {
 public:
  // Throws bronze::Error for an endpoint it cannot dial, for none, and for
  // endpoints whose scheme does not match `tls` (https with, http without).
  GrpcChannels(std::vector<std::string> endpoints, std::chrono::milliseconds timeout,
               std::optional<TlsCredentials> tls = std::nullopt);

  const std::vector<std::string>& endpoints() const { return endpoints_; }
  std::chrono::milliseconds timeout() const { return timeout_; }
  bool uses_tls() const { return tls_.has_value(); }

  // The channel to `url`, made on first use; any URL, not only the
  // endpoints (Status asks each member at its own URL). An https URL goes
  // over TLS with the client certificate; without TLS credentials it is an
  // error.
  std::shared_ptr<grpc::Channel> channel(const std::string& url);
  void set_deadline(grpc::ClientContext& context) const;

  // The endpoint to use first: the last that answered.
  std::string preferred_endpoint();
  // After a call to `url` found no member there: the next call prefers
  // another endpoint, and `url` gets a new channel. (A gRPC channel that
  // connected while etcd was starting, listening but not yet serving, waits
  // for that connection up to 20 s even after etcd serves; a new channel
  // connects at once.)
  void endpoint_failed(const std::string& url);
  // The same for a URL that is not one of the endpoints.
  void member_unreachable(const std::string& url);
  static bool means_unreachable(const grpc::Status& status);
  // What to add to `failures` (the text of calls that found no member) when
  // they went over TLS: a failed handshake is named as one, and otherwise
  // the TLS settings to check are. Empty without TLS.
  std::string unreachable_hint(const std::string& failures) const;
  std::vector<std::string> endpoints_preferred_first();

  // Runs attempt(channel, context) against the endpoints, the preferred one
  // first, until one answers: returns its status, which the caller checks.
  // Only "unavailable" and "deadline exceeded" move on, since those say the
  // member (not the request) is the problem; a write whose deadline passed
  // may then be applied twice, which every caller here tolerates (a put is
  // idempotent, a compare-and-create fails the second time and reports the
  // value it put). Throws bronze::Error naming every endpoint and why it
  // did not answer when none did.
  template <typename Attempt>
  CallResult call(const std::string& rpc, Attempt&& attempt) {
    std::string failures;
    for (const std::string& url : endpoints_preferred_first()) {
      grpc::ClientContext context;
      set_deadline(context);
      grpc::Status status = attempt(channel(url), context);
      if (!means_unreachable(status)) {
        endpoint_answered(url);
        return {status, url};
      }
      endpoint_failed(url);
      failures += (failures.empty() ? "" : "; ") + url + ": " + describe(status);
    }
    throw Error("etcd " + rpc + " failed at every endpoint (deadline " + std::to_string(timeout_.count()) +
                " ms each): " + failures + unreachable_hint(failures));
  }

 private:
  void endpoint_answered(const std::string& url);
  std::shared_ptr<grpc::Channel> make_channel(const std::string& url) const;

  const std::vector<std::string> endpoints_;
  const std::chrono::milliseconds timeout_;
  const std::optional<TlsCredentials> tls_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
  size_t preferred_ = 0;
};

}  // namespace bronze::etcd
