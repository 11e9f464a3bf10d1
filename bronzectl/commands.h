// bronzectl's commands. Each returns the process exit code: 0 when every
// node did it, 1 when a node failed or refused (its row says why).
#pragma once

#include <string>

#include "bronzectl/session.h"

namespace bronze::ctl {

int version_command(const Session& session);
int status_command(const Session& session);
// Re-hashes `slot` ("" for the booted one) on each node against its signed manifest.
int verify_command(const Session& session, const std::string& slot);

struct UpgradeCommand {
  std::string image;  // a local OCI archive (.tar) to stream, or a registry reference
  bool stage = false;
  bool preserve = false;
  bool force = false;
  bool insecure = false;
  bool full = false;  // no delta: the node fetches the whole slot image
  bool wait = false;  // after the reboot, wait until the node runs the new version, committed
  int wait_seconds = 600;
  int max_unavailable = 1;  // workers upgraded at once in a rolling upgrade
};
int upgrade_command(const Session& session, const UpgradeCommand& command);

int rollback_command(const Session& session);
int reboot_command(const Session& session);

struct LogsCommand {
  bool follow = false;
  int tail = 0;
};
int logs_command(const Session& session, const LogsCommand& command);

struct ApplyConfigCommand {
  std::string file;  // the machine config
};
// With an insecure session (open_insecure_session): a node in maintenance
// mode. With a session of the client config: a configured node (os:admin),
// whose STATE config is replaced.
int apply_config_command(const Session& session, const ApplyConfigCommand& command);

// The machine config each node runs with, as YAML on stdout.
int get_config_command(const Session& session);

struct EtcdSnapshotCommand {
  std::string file;  // where the snapshot goes
};
int etcd_snapshot_command(const Session& session, const EtcdSnapshotCommand& command);

}  // namespace bronze::ctl
