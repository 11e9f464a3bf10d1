// A mutual-TLS connection to one node's API, made from the client config's
// identity: the node's certificate must chain to the cluster CA, and ours is
// what the node checks against the same CA.
#pragma once

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/tls_certificate_verifier.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <memory>
#include <string>

#include "api/machine.grpc.pb.h"
#include "bronzectl/server_fingerprint.h"

namespace bronze::ctl {

namespace v1 = bronze::machine::v1alpha1;

constexpr int kApiPort = 50000;
// Where a call carries a token the node asks for (the maintenance token).
constexpr const char* kTokenMetadataKey = "token";

struct Identity {
  std::string ca_pem;   // the cluster CA, to check nodes against
  std::string crt_pem;  // ours
  std::string key_pem;
};

// "10.0.0.5" -> "10.0.0.5:50000"; "host:1234", "[::1]:1234" and "[::1]" as expected.
std::string api_target(const std::string& node);

struct Connection {
  std::string node;    // as the user named it
  std::string target;  // host:port
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::MachineService::Stub> stub;
  // With connect_insecure: the certificate the node presented.
  std::shared_ptr<SeenCertificate> certificate;
};

Connection connect(const std::string& node, const Identity& identity);

// TLS without a certificate of ours, for a node in maintenance mode, which
// has none from the cluster's CA yet: the node's certificate must have the
// SHA-256 fingerprint `expected_fingerprint` (lower-case hex), or, when that
// is empty, is not checked at all (Connection::certificate says what came).
Connection connect_insecure(const std::string& node, const std::string& expected_fingerprint);

// A gRPC failure in words a user can act on: an unreachable node, a refused
// handshake (certificate from another CA, expired), a missing role.
std::string describe_failure(const Connection& c, const grpc::Status& status);

}  // namespace bronze::ctl
