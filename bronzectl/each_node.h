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
    Connection c = session.insecure ? connect_insecure(node) : connect(node, session.identity);
    Response response;
    auto status = call(c, call_context(deadline).get(), &response);
    if (!status.ok()) {
      exit_code = 1;
      std::string why = describe_failure(c, status);
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
