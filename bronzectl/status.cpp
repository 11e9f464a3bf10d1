#include <nlohmann/json.hpp>

#include <cstdio>

#include "bronzectl/commands.h"
#include "bronzectl/each_node.h"

namespace bronze::ctl {

namespace {

nlohmann::json to_json(const std::string& node, const v1::StatusResponse& r) {
  nlohmann::json slots = nlohmann::json::object();
  for (const auto& s : r.slots()) {
    slots[s.name()] = {{"version", s.version()}, {"committed", s.committed()}, {"trial", s.trial()}, {"tries_left", s.tries_left()}};
  }
  nlohmann::json out = {{"node", node},
                        {"ok", true},
                        {"slots", slots},
                        {"booted", r.booted_slot()},
                        {"default", r.default_slot()},
                        {"next_boot", r.next_boot()},
                        {"generation", r.generation()},
                        {"upgrade_running", r.upgrade_running()}};
  if (!r.pending_upgrade().empty()) out["pending_upgrade"] = r.pending_upgrade();
  if (!r.last_failed_version().empty()) {
    out["last_failed_upgrade"] = {{"version", r.last_failed_version()}, {"rolled_back_to", r.last_failed_rolled_back_to()}};
  }
  return out;
}

std::string slot_text(const v1::SlotStatus& s) {
  if (s.version().empty()) return "empty";
  std::string text = s.version();
  if (s.trial()) text += " (trial, " + std::to_string(s.tries_left()) + " left)";
  else text += s.committed() ? " (committed)" : " (not committed)";
  return text;
}

}  // namespace

int status_command(const Session& session) {
  nlohmann::json rows = nlohmann::json::array();
  if (!session.json) {
    std::printf("%-22s %-6s %-40s %-40s %-5s %s\n", "NODE", "BOOTED", "SLOT A", "SLOT B", "NEXT", "LAST FAILED UPGRADE");
  }
  return for_each_node<v1::StatusResponse>(
      session, rows,
      [](Connection& c, grpc::ClientContext* context, v1::StatusResponse* response) {
        return c.stub->Status(context, v1::StatusRequest{}, response);
      },
      [&](const std::string& node, const v1::StatusResponse& r) {
        if (session.json) {
          rows.push_back(to_json(node, r));
          return;
        }
        std::string a = "empty", b = "empty";
        for (const auto& s : r.slots()) (s.name() == "A" ? a : b) = slot_text(s);
        std::string failed = r.last_failed_version().empty()
                                 ? "-"
                                 : r.last_failed_version() + " (back on " + r.last_failed_rolled_back_to() + ")";
        std::printf("%-22s %-6s %-40s %-40s %-5s %s\n", node.c_str(), r.booted_slot().c_str(), a.c_str(), b.c_str(),
                    r.next_boot().c_str(), failed.c_str());
      });
}

}  // namespace bronze::ctl
