// What every per-node command does: call each node in turn, print its row
// (or its JSON object), and turn a failure into an error naming the node and
// the cause without stopping the others.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdio>
#include <functional>

#include "bronzectl/call_deadline.h"
#include "bronzectl/session.h"

namespace bronze::ctl {

// `call` makes the request on the connection; `row` prints (or adds to
// `rows`) what a node answered. Returns 0 when every node answered, else 1.
template <typename Response>
int for_each_node(const Session& session, nlohmann::json& rows,
                  const std::function<grpc::Status(Connection&, grpc::ClientContext*, Response*)>& call,
                  const std::function<void(const std::string& node, const Response&)>& row,
                  std::chrono::seconds deadline = std::chrono::seconds(30)) {
  int exit_code = 0;
  for (const auto& node : session.targets) {
    Connection c =
        session.insecure ? connect_insecure(node, session.cert_fingerprint) : connect(node, session.identity);
    Response response;
    auto context = call_context(deadline);
    if (!session.token.empty()) context->AddMetadata(kTokenMetadataKey, session.token);
    auto status = call(c, context.get(), &response);
    if (session.insecure) {
      if (auto warning = maintenance_warning(session, c); !warning.empty()) {
        std::fprintf(stderr, "%s: warning: %s\n", node.c_str(), warning.c_str());
      }
    }
    if (!status.ok()) {
      exit_code = 1;
      std::string refusal = session.insecure ? maintenance_refusal(c) : "";
      std::string why = refusal.empty() ? describe_failure(c, status) : refusal;
      if (session.json) rows.push_back({{"node", node}, {"ok", false}, {"error", why}});
      else std::fprintf(stderr, "%s: error: %s\n", node.c_str(), why.c_str());
      continue;
    }
    row(node, response);
  }
  if (session.json) std::printf("%s\n", rows.dump(2).c_str());
  return exit_code;
}

}  // namespace bronze::ctl
