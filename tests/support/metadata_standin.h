// Stand-ins for the platforms' metadata services, written to each one's
// documented API: AWS IMDSv2 (a session token from PUT /latest/api/token,
// every GET without it refused with 401), GCP (the Metadata-Flavor: Google
// header required, and echoed), Azure (IMDS with `Metadata: true` and an
// api-version; the wireserver's goal state, served from the file
// "wireserver:goalstate", and its health report), and the plain GET services of OpenStack,
// DigitalOcean, Hetzner Cloud and Equinix Metal. Serves `files` by path.
#pragma once

#include <map>
#include <string>

#include "tests/support/loopback_http_server.h"

namespace bronze::test {

struct MetadataStandIn {
  std::string platform;                      // "aws", "gcp", or any other for plain GETs
  std::map<std::string, std::string> files;  // "/latest/user-data" -> body
  std::string imds_token = "AQAEAFTwh-bronze-test-token==";
};

HttpReply answer_metadata(const MetadataStandIn& standin, const HttpRequest& request);

// One HTTP/1.1 request read from `in`, answered on `out` (a guestfwd
// `cmd:` process gets one connection on its stdin and stdout).
void serve_one_request(const MetadataStandIn& standin, int in, int out);

}  // namespace bronze::test
