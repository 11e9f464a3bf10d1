// machined: the node daemon, PID 1 on a booted Bronze node. It reports the
// boot on the console, applies the KSPP sysctls, runs the health checks that
// gate the commit of an upgraded slot (or reports the upgrade that failed),
// reads the machine config from STATE and serves the node API with mutual
// TLS (without a config: the maintenance API, which takes one and, booted
// live from the ISO, installs the node) under a serving certificate it signs
// itself (control plane, which also serves trustd) or gets from trustd
// (worker), feeds the watchdog init armed, and,
// for tests, powers the machine off when the kernel command line says
// bronze.test.poweroff.
//
// Given flags, it runs as an ordinary host process against a disk image file
// instead (the cluster and API suites): see `machined --help`. A reboot there
// ends the process with kRebootExitCode, and the harness starts it again.

#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <shared_mutex>
#include <sstream>
#include <string>
#include <thread>

#include "base/arch.h"
#include "base/files.h"
#include "disk/slots/bronze_disk.h"
#include "disk/slots/slot_verify.h"
#include "kernel/cmdline/kernel_cmdline.h"
#include "machine_config/gen_config.h"
#include "machine_config/machine_config.h"
#include "node/machined/boot/banner.h"
#include "node/machined/boot/boot_health.h"
#include "node/machined/boot/find_disk.h"
#include "node/machined/boot/kspp_sysctls.h"
#include "node/machined/boot/network_setup.h"
#include "node/machined/boot/platform_config.h"
#include "node/machined/boot/watchdog.h"
#include "node/machined/node_context.h"
#include "node/platform/node_environment.h"
#include "node/machined/service/api_server.h"
#include "node/machined/state/state_config.h"
#include "node/machined/trust/maintenance_token.h"
#include "node/machined/trust/serving_identity.h"
#include "node/machined/trust/trustd_join.h"
#include "node/machined/upgrade/cluster_guard.h"
#include "pki/fingerprint.h"

namespace {

using namespace bronze::machined;

// Every *.pub in it is trusted (signing/trust_store.h).
constexpr const char* kTrustStore = "/etc/bronze/trust";
constexpr const char* kApiAddress = "0.0.0.0:50000";
constexpr const char* kTrustdAddress = "0.0.0.0:50001";
// Where init put the live ISO's installation template.
constexpr const char* kInstallTemplate = "/run/install/disk.raw.zst";
// What a host-process machined exits with when asked to reboot.
constexpr int kRebootExitCode = 10;

// What machined serves: the node API and, on a control plane node, trustd.
struct Servers {
  std::unique_ptr<ApiServer> api;
  std::unique_ptr<ApiServer> trustd;
};

struct ServeOptions {
  std::string api_address;
  std::string trustd_address;  // control plane: where trustd listens
  std::optional<std::filesystem::path> install_template;
  std::string trustd_endpoint;  // worker: the control plane's trustd; empty: from cluster.controlPlane.endpoint
  int trustd_attempts = 0;      // worker: give up after this many (0: never)
  std::function<void()> keep_alive;
};

std::string where(const std::string& address, int port) {
  return address.substr(0, address.rfind(':') + 1) + std::to_string(port);
}

Servers serve_maintenance(NodeContext& node, const ServeOptions& options) {
  Servers servers;
  servers.api = ApiServer::maintenance(node, options.api_address, options.install_template);
  // Printed before anything else of the mode, so that whoever reads the
  // console has it when it says the API is up.
  node.say("machined: maintenance API certificate SHA-256 fingerprint " +
           bronze::config::colon_fingerprint(servers.api->fingerprint()) +
           " (check it: `bronzectl apply-config --insecure --cert-fingerprint FINGERPRINT ...`)");
  if (node.maintenance_token) {
    node.say(node.maintenance_token->problem.empty()
                 ? "machined: a config is taken only with the maintenance token (" + node.maintenance_token->source +
                       "): `bronzectl apply-config --insecure --token TOKEN ...`"
                 : "machined: the maintenance token (" + node.maintenance_token->source + ") is unusable: " +
                       node.maintenance_token->problem + "; every config is refused");
  }
  bool live = node.facts.slot == "live";
  node.say(std::string("machined: no machine config") + (live ? "" : " in STATE") +
           "; maintenance mode: the API on " + where(options.api_address, servers.api->port()) +
           " takes one (TLS, no client certificate: `bronzectl apply-config --insecure -n NODE --file CONFIG.yaml`)" +
           (live ? " and installs to its machine.install.disk" : ""));
  return servers;
}

// A control plane node signs its own serving certificate, and the workers'
// through trustd; a worker asks trustd for its own.
Servers serve_configured(NodeContext& node, const bronze::config::MachineConfig& config, const ServeOptions& options) {
  Servers servers;
  auto ca = bronze::config::Certificate::from_pem(config.machine.ca.crt);
  bronze::config::CertificateAndKey identity;
  if (config.machine.type == bronze::config::MachineType::controlplane) {
    auto authority = bronze::config::certificate_authority_of(config);
    identity = make_serving_identity(authority, node.hostname, config.machine.cert_sans);
    servers.trustd = ApiServer::trustd(node, options.trustd_address, authority, identity, config.machine.token);
    node.say("machined: trustd on " + where(options.trustd_address, servers.trustd->port()) +
             " (signs workers' serving certificates for the join token)");
  } else {
    JoinOptions join;
    join.endpoint = options.trustd_endpoint.empty()
                        ? default_trustd_endpoint(config.cluster.control_plane_endpoint)
                        : options.trustd_endpoint;
    join.ca_pem = config.machine.ca.crt;
    join.token = config.machine.token;
    join.hostname = node.hostname;
    join.cert_sans = config.machine.cert_sans;
    join.max_attempts = options.trustd_attempts;
    join.keep_alive = options.keep_alive;
    node.say("machined: asking trustd at " + join.endpoint + " for a serving certificate");
    identity = join_cluster(node, join);
  }
  servers.api = ApiServer::configured(node, options.api_address, ca, identity);
  node.say("machined: API on " + where(options.api_address, servers.api->port()) + " (mutual TLS; " +
           node.machine_type + ", CA " + ca.common_name() + ")");
  return servers;
}

// Loads the machine config (from STATE, or a file on the host) and serves
// the API with it. Without a config the node is in maintenance mode: it
// boots and commits, and its API takes a config (and, booted live from the
// ISO, installs to the disk the config names). Nullopt, said why, when it
// cannot serve.
std::optional<Servers> serve_api(NodeContext& node, const std::optional<std::string>& config_text,
                                 const std::string& source, const ServeOptions& options) {
  if (!config_text) {
    try {
      return serve_maintenance(node, options);
    } catch (const std::exception& e) {
      node.say(std::string("machined: cannot serve the maintenance API: ") + e.what());
      return std::nullopt;
    }
  }
  try {
    auto config = bronze::config::parse_machine_config(*config_text, source);
    node.machine_type = std::string(bronze::config::to_string(config.machine.type));
    if (node.hostname.empty()) node.hostname = config.machine.network.hostname;
    node.node_name = ClusterGuard::node_name_of(config, node.hostname);
    node.config = config;
    node.config_text = *config_text;
    // An upgrade that brought this boot about ends here: rejoin etcd,
    // uncordon, release the upgrade lease.
    for (const auto& line : ClusterGuard::finish_at_boot(config, node.node_name)) node.say(line);
    return serve_configured(node, config, options);
  } catch (const std::exception& e) {
    node.say(std::string("machined: cannot serve the API: ") + e.what());
    return std::nullopt;
  }
}

// PID 1 adopts orphans: reap them (unless a runner is waiting for its own
// child), and feed the watchdog between rounds.
[[noreturn]] void serve_forever(const Watchdog& watchdog, std::shared_mutex& children) {
  int interval = watchdog.armed() && watchdog.timeout_seconds() > 0 ? std::max(1, watchdog.timeout_seconds() / 3) : 60;
  while (true) {
    watchdog.feed();
    if (children.try_lock()) {
      while (::waitpid(-1, nullptr, WNOHANG) > 0) {
      }
      children.unlock();
    }
    ::sleep(static_cast<unsigned>(std::min(interval, 5)));
  }
}

int run_as_node() {
  static LogBuffer log;
  static std::shared_mutex children;
  auto watchdog = Watchdog::from_environment();
  watchdog.feed();
  std::string cmdline_text = bronze::read_file_or_empty("/proc/cmdline");
  auto cmdline = bronze::KernelCmdline::parse(cmdline_text);
  static NodeContext node;
  node.facts = boot_facts(bronze::read_file_or_empty("/etc/os-release"), cmdline_text);
  node.maintenance_token = maintenance_token_from(cmdline);
  node.trust = kTrustStore;
  node.work_dir = "/run/bronze";
  node.log = &log;
  node.children = &children;
  node.reboot = [] {
    ::sync();
    ::reboot(RB_AUTOBOOT);
  };
  node.say(boot_banner(node.facts));
  for (const auto& line : describe(apply_kspp_sysctls())) node.say(line);

  // Booted from a slot, the disk is there but its controller may still be
  // scanning (USB, SCSI, NVMe): wait for it rather than call it missing.
  bool from_disk = node.facts.slot == "A" || node.facts.slot == "B";
  node.disk = from_disk ? wait_for_boot_disk(std::chrono::seconds(60), [&watchdog] { watchdog.feed(); }) : find_boot_disk();
  if (from_disk && !node.disk) node.say("machined: no disk with Bronze's layout appeared within 60 s");
  auto health = check_and_settle(node.facts.slot, node.disk, watchdog, kTrustStore);
  for (const auto& line : health.lines) node.say(line);
  watchdog.feed();

  bronze::platform::NodeEnvironment platform_env([](const std::string& line) { node.say(line); });
  std::optional<std::string> config_text;
  if (node.disk) {
    try {
      config_text = read_state_config(*node.disk);
    } catch (const std::exception& e) {
      node.say(std::string("machined: cannot read STATE: ") + e.what());
    }
  }
  // No config in STATE: the platform's metadata, or bronze.config=URL.
  if (!config_text && from_disk && node.disk) {
    bronze::platform::RetryPolicy retry;
    retry.sleep = [&watchdog](std::chrono::milliseconds delay) {
      for (auto left = delay; left.count() > 0; left -= std::chrono::milliseconds(500)) {
        watchdog.feed();
        std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(500)));
      }
    };
    config_text = config_from_platform(node, platform_env, retry, cmdline.get("bronze.config").value_or(""));
  }
  // The network and the clock before any certificate is made: a node that
  // booted years off would sign a serving certificate no client accepts.
  std::optional<bronze::config::MachineConfig> parsed;
  if (config_text) {
    try {
      parsed = bronze::config::parse_machine_config(*config_text, "STATE:/config.yaml");
    } catch (const std::exception&) {
      // serve_api says what is wrong with it, and serves nothing.
    }
  }
  // What the platform says of the network, at every boot: STATE's config
  // holds none of it.
  auto platform_interfaces = network_from_platform(node, platform_env, parsed ? &*parsed : nullptr);
  set_up_network(node, parsed ? &*parsed : nullptr, platform_interfaces, [&watchdog] { watchdog.feed(); });

  ServeOptions serve;
  serve.api_address = kApiAddress;
  serve.trustd_address = kTrustdAddress;
  if (node.facts.slot == "live" && std::filesystem::exists(kInstallTemplate)) serve.install_template = kInstallTemplate;
  // A worker waits for trustd as long as it takes; the watchdog must not
  // reset it meanwhile.
  serve.keep_alive = [&watchdog] { watchdog.feed(); };
  auto servers = serve_api(node, config_text, "STATE:/config.yaml", serve);
  // The config's machine.network.hostname, else the platform's.
  if (!node.hostname.empty()) {
    if (::sethostname(node.hostname.data(), node.hostname.size()) == 0) {
      node.say("machined: hostname " + node.hostname);
    } else {
      node.say("machined: cannot set the hostname " + node.hostname + ": " + std::strerror(errno));
    }
  }

  if (cmdline.has("bronze.test.poweroff")) {
    node.say("machined: bronze.test.poweroff is set, powering off");
    ::sync();
    ::reboot(RB_POWER_OFF);
  }
  serve_forever(watchdog, children);
}

int run_on_host(int argc, char** argv) {
  CLI::App app{"machined run as a host process against a disk image file, for the API and cluster test suites. "
               "On a node it is PID 1 and takes no flags."};
  std::string disk, slot, config_file, listen = "127.0.0.1:50000", trust, work_dir, platform = "metal", hostname,
      install_template, dev_dir, trustd_listen = "127.0.0.1:0", trustd_endpoint, cmdline_text;
  int trustd_attempts = 0;
  app.add_option("--disk", disk, "the node's disk image (not with --slot live)")->check(CLI::ExistingFile);
  app.add_option("--slot", slot, "the slot GRUB chose for this boot, or live (booted from the ISO)")
      ->required()
      ->check(CLI::IsMember({"A", "B", "live"}));
  app.add_option("--install-template", install_template,
                 "with --slot live: the ISO's installation template (install/disk.raw.zst of its boot/install.img)")
      ->check(CLI::ExistingFile);
  app.add_option("--dev-dir", dev_dir,
                 "with --slot live: the folder whose files are the disks a machine config names (/dev/vdb is "
                 "DIR/vdb)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--config", config_file, "the machine config (default: the one in the disk's STATE)")
      ->check(CLI::ExistingFile);
  app.add_option("--listen", listen, "address to serve the API on")->capture_default_str();
  app.add_option("--trust", trust, "public key images must be signed with, or a folder of them")
      ->required()
      ->check(CLI::ExistingPath);
  app.add_option("--work-dir", work_dir, "where upgrade images are received and unpacked")->required();
  app.add_option("--platform", platform, "platform to report")->capture_default_str();
  app.add_option("--hostname", hostname, "host name to report");
  app.add_option("--trustd-listen", trustd_listen,
                 "control plane: address to serve trustd on (a node: 0.0.0.0:50001; port 0: a free one, logged)")
      ->capture_default_str();
  app.add_option("--trustd-endpoint", trustd_endpoint,
                 "worker: HOST:PORT of the control plane's trustd (default: the host of cluster.controlPlane.endpoint, "
                 "port 50001)");
  app.add_option("--trustd-attempts", trustd_attempts,
                 "worker: give up (exit 1) after this many failed requests to trustd (default 0: keep trying)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--cmdline", cmdline_text,
                 "a kernel command line to take bronze.maintenance.token from, as a node reads /proc/cmdline");
  CLI11_PARSE(app, argc, argv);
  bool live = slot == "live";
  if (live == !disk.empty() || live != !install_template.empty()) {
    std::fprintf(stderr, "machined: give --disk with --slot A or B, and --install-template with --slot live\n");
    return 2;
  }

  static LogBuffer log;
  static std::shared_mutex children;
  static NodeContext node;
  if (!live) node.disk = disk;
  if (!dev_dir.empty()) node.dev_dir = dev_dir;
  node.facts.slot = slot;
  node.facts.arch = bronze::build_arch();
  node.facts.platform = platform;
  node.trust = trust;
  node.work_dir = work_dir;
  node.hostname = hostname;
  node.maintenance_token = maintenance_token_from(bronze::KernelCmdline::parse(cmdline_text));
  node.log = &log;
  node.children = &children;
  node.reboot = [] {
    std::fflush(stdout);
    ::_exit(kRebootExitCode);
  };
  node.facts.version = live ? "live" : "unknown";
  if (!live) {
    try {
      auto opened = bronze::disk::BronzeDisk::open(disk);
      node.facts.version = bronze::disk::verify_slot(disk, opened.slot_partition(slot[0]).start,
                                                          bronze::signing::TrustStore::load(trust))
                               .version;
    } catch (const std::exception& e) {
      node.say(std::string("machined: slot ") + slot + " does not verify: " + e.what());
    }
  }
  node.say(boot_banner(node.facts));
  auto health = check_and_settle(slot, node.disk, Watchdog::from_environment(), trust);
  for (const auto& line : health.lines) node.say(line);

  std::optional<std::string> config_text;
  std::string source = "STATE:/config.yaml";
  try {
    if (!config_file.empty()) {
      config_text = bronze::read_file_or_empty(config_file.c_str());
      source = config_file;
    } else if (!live) {
      config_text = read_state_config(disk);
    }
  } catch (const std::exception& e) {
    node.say(std::string("machined: cannot read the machine config: ") + e.what());
    return 1;
  }
  ServeOptions serve;
  serve.api_address = listen;
  serve.trustd_address = trustd_listen;
  if (live) serve.install_template = install_template;
  serve.trustd_endpoint = trustd_endpoint;
  serve.trustd_attempts = trustd_attempts;
  auto servers = serve_api(node, config_text, source, serve);
  if (!servers) return 1;
  while (true) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  if (::getpid() != 1) return run_on_host(argc, argv);
  return run_as_node();
}
