// `bronzectl verify`: each node re-hashes a slot (the booted one unless
// --slot) against its signed manifest and reports every artifact. Exit 1
// when a node's slot does not verify or a node cannot be asked.
#include <nlohmann/json.hpp>

#include <cstdio>

#include "bronzectl/commands.h"
#include "bronzectl/each_node.h"
#include "bronzectl/progress_text.h"

namespace bronze::ctl {

namespace {

nlohmann::json to_json(const std::string& node, const v1::VerifyResponse& r) {
  nlohmann::json artifacts = nlohmann::json::array();
  for (const auto& a : r.artifacts()) {
    nlohmann::json row = {{"name", a.name()},         {"ok", a.problem().empty()}, {"size", a.size()},
                          {"sha256", a.sha256()},     {"found_size", a.found_size()},
                          {"found_sha256", a.found_sha256()}};
    if (!a.problem().empty()) row["problem"] = a.problem();
    artifacts.push_back(row);
  }
  nlohmann::json out = {{"node", node}, {"ok", r.ok()}, {"slot", r.slot()}, {"version", r.version()},
                        {"artifacts", artifacts}};
  if (!r.problem().empty()) out["problem"] = r.problem();
  return out;
}

}  // namespace

int verify_command(const Session& session, const std::string& slot) {
  nlohmann::json rows = nlohmann::json::array();
  bool all_verified = true;
  // Hashing a slot reads all of it: a few seconds on a slow disk.
  int exit_code = for_each_node<v1::VerifyResponse>(
      session, rows,
      [&](Connection& c, grpc::ClientContext* context, v1::VerifyResponse* response) {
        v1::VerifyRequest request;
        request.set_slot(slot);
        return c.stub->Verify(context, request, response);
      },
      [&](const std::string& node, const v1::VerifyResponse& r) {
        all_verified = all_verified && r.ok();
        if (session.json) {
          rows.push_back(to_json(node, r));
          return;
        }
        if (!r.problem().empty()) {
          std::printf("%s: slot %s does not verify: %s\n", node.c_str(), r.slot().c_str(), r.problem().c_str());
          return;
        }
        std::printf("%s: slot %s, %s, manifest signed by a trusted key\n", node.c_str(), r.slot().c_str(),
                    r.version().c_str());
        for (const auto& a : r.artifacts()) {
          if (a.problem().empty()) {
            std::printf("  %-14s ok        %10s  sha256:%s\n", a.name().c_str(), format_bytes(a.size()).c_str(),
                        a.sha256().c_str());
          } else {
            std::printf("  %-14s MISMATCH  %s (signed: %llu bytes, sha256:%s; found: %llu bytes, sha256:%s)\n",
                        a.name().c_str(), a.problem().c_str(), static_cast<unsigned long long>(a.size()),
                        a.sha256().c_str(), static_cast<unsigned long long>(a.found_size()),
                        a.found_sha256().empty() ? "-" : a.found_sha256().c_str());
          }
        }
        std::printf("%s: slot %s %s\n", node.c_str(), r.slot().c_str(),
                    r.ok() ? "verifies" : "does NOT verify: reinstall it, or roll back to the other slot");
      },
      std::chrono::seconds(300));
  return exit_code != 0 || !all_verified ? 1 : 0;
}

}  // namespace bronze::ctl
