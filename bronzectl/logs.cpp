#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>

#include "base/error.h"
#include "bronzectl/commands.h"

namespace bronze::ctl {

namespace {

std::string timestamp(int64_t unix_millis) {
  std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", text, static_cast<int>(unix_millis % 1000));
  return out;
}

}  // namespace

int logs_command(const Session& session, const LogsCommand& command) {
  if (command.follow && session.targets.size() != 1) {
    throw Error("logs -f follows one node; name it with -n NODE");
  }
  int exit_code = 0;
  for (const auto& node : session.targets) {
    Connection c = connect(node, session.identity);
    grpc::ClientContext context;
    if (!command.follow) context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::LogsRequest request;
    request.set_follow(command.follow);
    request.set_tail_lines(command.tail);
    auto reader = c.stub->Logs(&context, request);
    v1::LogEntry entry;
    while (reader->Read(&entry)) {
      if (session.json) {
        nlohmann::json line = {{"node", node}, {"sequence", entry.sequence()}, {"time", timestamp(entry.unix_millis())},
                               {"message", entry.message()}};
        std::printf("%s\n", line.dump().c_str());
      } else if (session.targets.size() > 1) {
        std::printf("%s: %s %s\n", node.c_str(), timestamp(entry.unix_millis()).c_str(), entry.message().c_str());
      } else {
        std::printf("%s %s\n", timestamp(entry.unix_millis()).c_str(), entry.message().c_str());
      }
      std::fflush(stdout);
    }
    auto status = reader->Finish();
    if (!status.ok()) {
      exit_code = 1;
      std::fprintf(stderr, "%s: error: %s\n", node.c_str(), describe_failure(c, status).c_str());
    }
  }
  return exit_code;
}

}  // namespace bronze::ctl
