// bronzectl: the client for the node API, like talosctl.
//
//   bronzectl [--bronzeconfig FILE] [--context NAME] [-e EP,...] [-n NODE,...] [--json] COMMAND
//   version | status | verify [--slot A|B] | upgrade --image REF|FILE.tar [--stage] [--preserve] [--force] [--insecure] [--full] [--wait]
//           [--max-unavailable N]   (several nodes: control plane one at a time, then workers)
//   rollback | reboot | logs [-f] [--tail N]
//   apply-config --file CONFIG.yaml              (a configured node: replaces its config, reboots; os:admin)
//   apply-config --insecure --file CONFIG.yaml [--cert-fingerprint FP] [--token TOKEN]
//                                                (a node in maintenance mode: from the ISO it installs itself)
//   get-config                                   (the machine config a node runs with; os:admin)
//   etcd snapshot FILE                           (etcd's snapshot through a control plane node)
//   version --insecure [--cert-fingerprint FP]   (a node in maintenance mode)
//   gen config --name NAME --endpoint HOST [--output-dir DIR] [--install-disk D] [--install-image REF] [--force]
//   gen cert --role ROLE --machine-config FILE --output FILE   (gen client: the same, role os:reader by default)
//   gen token
//
// Exit codes: 0 done on every node, 1 a node failed or refused (or bad
// input), 2 bad usage.

#include <CLI/CLI.hpp>

#include <cstdio>

#include "base/error.h"
#include "bronzectl/commands.h"
#include "bronzectl/gen.h"

int main(int argc, char** argv) {
  using namespace bronze::ctl;
  CLI::App app{"bronzectl: talk to Bronze nodes over their API (mutual TLS), and make the configs and identities for it."};
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("--bronzeconfig", global.config_path, "client config (default: $BRONZECONFIG, else ~/.bronze/config)");
  app.add_option("--context", global.context, "context of the client config to use (default: its current one)");
  app.add_option("-e,--endpoints", global.endpoints, "API endpoints (host or host:port), overriding the context's")
      ->delimiter(',');
  app.add_option("-n,--nodes", global.nodes, "nodes to act on, one row each (default: the endpoints)")->delimiter(',');
  app.add_flag("--json", global.json, "print machine-readable JSON on stdout");

  auto* version = app.add_subcommand("version", "the version, slot, arch and platform each node runs");
  bool version_insecure = false;
  MaintenanceOptions version_maintenance;
  auto* version_insecure_flag =
      version->add_flag("--insecure", version_insecure,
                        "ask a node in maintenance mode (no client certificate; the node is checked only with "
                        "--cert-fingerprint)");
  version->add_option("--cert-fingerprint", version_maintenance.cert_fingerprint,
                      "with --insecure: the SHA-256 fingerprint the node's console shows; any other node is refused")
      ->needs(version_insecure_flag);
  auto* status = app.add_subcommand("status", "each node's slots, what boots next and the last failed upgrade");
  std::string verify_slot;
  auto* verify = app.add_subcommand(
      "verify", "each node re-hashes a slot (the booted one) against its signed manifest and reports every artifact");
  verify->add_option("--slot", verify_slot, "the slot to verify instead of the booted one")
      ->check(CLI::IsMember({"A", "B"}));

  UpgradeCommand upgrade_options;
  auto* upgrade = app.add_subcommand("upgrade", "write a new version to the inactive slot and reboot into it");
  upgrade->add_option("-i,--image", upgrade_options.image,
                      "installer image: a local OCI archive (.tar) streamed to the node, or a registry reference the node pulls")
      ->required();
  upgrade->add_flag("--stage", upgrade_options.stage, "write the slot but do not reboot; the next reboot tries it");
  upgrade->add_flag("--preserve", upgrade_options.preserve, "keep EPHEMERAL's data");
  upgrade->add_flag("--force", upgrade_options.force, "skip the cluster safety checks");
  upgrade->add_flag("--insecure", upgrade_options.insecure, "pull from the registry over plain HTTP");
  upgrade->add_flag("--full", upgrade_options.full,
                    "fetch the whole slot image; by default a node fetches only the chunks its active slot lacks "
                    "when the image publishes a chunk index");
  upgrade->add_flag("--wait", upgrade_options.wait, "wait until the node has booted the new version and committed it");
  upgrade->add_option("--wait-timeout", upgrade_options.wait_seconds, "seconds --wait waits per node")->capture_default_str();
  upgrade->add_option("--max-unavailable", upgrade_options.max_unavailable,
                      "with several nodes: workers upgraded at once (control plane nodes always go one at a time)")
      ->capture_default_str();

  auto* rollback = app.add_subcommand("rollback", "boot the other committed slot again (the previous version)");
  auto* reboot = app.add_subcommand("reboot", "reboot the nodes");

  LogsCommand logs_options;
  auto* logs = app.add_subcommand("logs", "machined's log of this boot");
  logs->add_flag("-f,--follow", logs_options.follow, "keep printing new lines");
  logs->add_option("--tail", logs_options.tail, "only the last N lines");

  ApplyConfigCommand apply_options;
  bool apply_insecure = false;
  auto* apply = app.add_subcommand(
      "apply-config", "give a node its machine config and reboot it: a configured node replaces the one in its "
                      "STATE (os:admin); with --insecure, a node in maintenance mode takes it (booted from the ISO, "
                      "it installs to the config's machine.install.disk)");
  apply->add_option("-f,--file", apply_options.file, "the machine config (from `bronzectl gen config`)")
      ->required()
      ->check(CLI::ExistingFile);
  MaintenanceOptions apply_maintenance;
  auto* apply_insecure_flag = apply->add_flag("--insecure", apply_insecure,
                  "for a node in maintenance mode: it has no certificate from the cluster CA yet, so TLS "
                  "checks it only with --cert-fingerprint");
  apply->add_option("--cert-fingerprint", apply_maintenance.cert_fingerprint,
                    "with --insecure: the SHA-256 fingerprint of the node's certificate, as its console shows it "
                    "(AB:01:... or ab01...): a node with another certificate is refused before the config is sent")
      ->needs(apply_insecure_flag);
  apply->add_option("--token", apply_maintenance.token,
                    "with --insecure: the node's maintenance token (its bronze.maintenance.token kernel argument)")
      ->needs(apply_insecure_flag);

  auto* get_config = app.add_subcommand("get-config", "print the machine config each node runs with (os:admin)");

  auto* etcd = app.add_subcommand("etcd", "etcd through a control plane node");
  etcd->require_subcommand(1);
  EtcdSnapshotCommand snapshot_options;
  auto* etcd_snapshot = etcd->add_subcommand(
      "snapshot", "save a snapshot of etcd to FILE, checked against etcd's sha256 as etcdctl does (os:admin, "
                  "os:operator or os:etcd:backup)");
  etcd_snapshot->add_option("file", snapshot_options.file, "where to write the snapshot")->required();

  auto* gen = app.add_subcommand("gen", "make configs and identities");
  gen->require_subcommand(1);
  bronze::config::GenConfigOptions gen_options;
  gen_options.output_dir = ".";
  auto* gen_config = gen->add_subcommand("config", "a new cluster: CA, controlplane.yaml, worker.yaml and an admin bronzeconfig");
  gen_config->add_option("--name", gen_options.cluster_name, "cluster name")->required();
  gen_config->add_option("--endpoint", gen_options.endpoint, "host name or IP address the node API is reached at")->required();
  gen_config->add_option("-o,--output-dir", gen_options.output_dir, "where to write the files")->capture_default_str();
  gen_config->add_option("--install-disk", gen_options.install_disk, "disk nodes install to")->capture_default_str();
  gen_config->add_option("--install-image", gen_options.install_image, "installer image reference nodes install from");
  gen_config->add_flag("--force", gen_options.force, "replace existing files");

  // `gen cert` and its older name `gen client` make the same thing; only
  // `gen cert` asks for the role to be named.
  GenClientCommand client_options;
  auto add_identity_command = [&](const char* name, const char* description, bool role_required) {
    auto* command = gen->add_subcommand(name, description);
    command->add_option("--machine-config", client_options.machine_config, "machine config whose CA signs it")
        ->required()->check(CLI::ExistingFile);
    auto* role = command->add_option("--role", client_options.role,
                                     "os:admin, os:operator, os:reader or os:etcd:backup");
    if (role_required) role->required();
    else role->capture_default_str();
    command->add_option("--name", client_options.name, "the identity's common name (default: the role's name)");
    command->add_option("-e,--endpoints", client_options.endpoints, "API endpoints for its context")->delimiter(',');
    command->add_option("-o,--output", client_options.output, "client config file to write")->required();
    command->add_option("--validity-hours", client_options.validity_hours, "how long it is valid")->capture_default_str();
    command->add_flag("--force", client_options.force, "replace an existing file");
    return command;
  };
  auto* gen_cert = add_identity_command("cert", "a client config for any role, signed by a machine config's CA", true);
  auto* gen_client = add_identity_command("client", "the same as `gen cert`, with os:reader unless --role says", false);

  auto* gen_token = gen->add_subcommand(
      "token", "a fresh join token (machine.token; put it into every machine config to rotate the old one out)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (*gen_config) return gen_config_command(gen_options, global.json);
    if (*gen_client || *gen_cert) return gen_client_command(client_options, global.json);
    if (*gen_token) return gen_token_command(global.json);
    if (*apply) {
      if (apply_insecure) return apply_config_command(open_insecure_session(global, apply_maintenance), apply_options);
      Session session;
      try {
        session = open_session(global);
      } catch (const bronze::Error& e) {
        throw bronze::Error("apply-config needs --insecure for a node in maintenance mode (it has no certificate from "
                            "the cluster CA yet), or a client config with an os:admin identity for a configured "
                            "node: " + std::string(e.what()));
      }
      return apply_config_command(session, apply_options);
    }
    if (*version && version_insecure) return version_command(open_insecure_session(global, version_maintenance));
    Session session = open_session(global);
    if (*version) return version_command(session);
    if (*status) return status_command(session);
    if (*verify) return verify_command(session, verify_slot);
    if (*upgrade) return upgrade_command(session, upgrade_options);
    if (*rollback) return rollback_command(session);
    if (*reboot) return reboot_command(session);
    if (*logs) return logs_command(session, logs_options);
    if (*get_config) return get_config_command(session);
    if (*etcd_snapshot) return etcd_snapshot_command(session, snapshot_options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bronzectl: error: %s\n", e.what());
    return 1;
  }
  return 2;
}
