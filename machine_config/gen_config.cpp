#include "machine_config/gen_config.h"

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "base/base64.h"
#include "base/error.h"
#include "base/private_file.h"
#include "pki/join_token.h"

namespace bronze::config {

namespace fs = std::filesystem;

namespace {

const char* const kControlPlaneFile = "controlplane.yaml";
const char* const kWorkerFile = "worker.yaml";
const char* const kClientFile = "bronzeconfig";

// A folder inside the output folder (so renames out of it stay on one file
// system and are atomic), removed with whatever is left in it.
class StagingDir {
 public:
  explicit StagingDir(const fs::path& parent) {
    std::string pattern = (parent / ".bronze-gen-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) throw_errno("cannot create a staging folder in " + parent.string());
    path_ = pattern;
  }
  ~StagingDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Moves `from` to `to` unless `to` exists, which returns false. The kernel
// checks, so a file made after our own check is not overwritten either.
bool move_without_replacing(const fs::path& from, const fs::path& to) {
  int result = ::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE);
  if (result != 0 && (errno == EINVAL || errno == ENOSYS)) {
    // File systems without RENAME_NOREPLACE: link(2) refuses an existing name too.
    result = ::link(from.c_str(), to.c_str());
    if (result == 0) ::unlink(from.c_str());
  }
  if (result == 0) return true;
  if (errno == EEXIST) return false;
  throw_errno("cannot move " + from.string() + " to " + to.string());
}

void move_replacing(const fs::path& from, const fs::path& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) throw_errno("cannot move " + from.string() + " to " + to.string());
}

std::string refuse_message(const fs::path& path) {
  return path.string() + " already exists; pass --force to overwrite it";
}

std::string control_plane_url(const std::string& endpoint) {
  bool ipv6 = endpoint.find(':') != std::string::npos;
  return "https://" + (ipv6 ? "[" + endpoint + "]" : endpoint) + ":" + std::to_string(kApiPort);
}

void check_options(const GenConfigOptions& options) {
  const std::string& name = options.cluster_name;
  if (!is_dns_name(name) || name.find('*') != std::string::npos) {
    throw Error("cluster name '" + name + "' must be letters, digits, hyphens and dots");
  }
  if (!is_ip_address(options.endpoint) && !is_dns_name(options.endpoint)) {
    throw Error("endpoint '" + options.endpoint + "' must be a host name or an IP address, without scheme or port");
  }
  if (options.install_disk.rfind("/dev/", 0) != 0) {
    throw Error("install disk '" + options.install_disk + "' must be a block device path under /dev/");
  }
  if (options.output_dir.empty()) throw Error("no output folder given");
}

MachineConfig machine_config(const GenConfigOptions& options, const CertificateAuthority& ca, const std::string& token,
                             MachineType type) {
  MachineConfig config;
  config.machine.type = type;
  // Only control plane nodes get the CA's key: they sign their own serving
  // certificates and, through trustd, the workers' for whoever shows the
  // join token. A worker's config holds the CA certificate (to check the
  // control plane and clients against) and the token, which buys a serving
  // certificate and nothing else.
  config.machine.ca = {ca.certificate.to_pem(), type == MachineType::controlplane ? ca.key.to_pem() : ""};
  config.machine.token = token;
  config.machine.cert_sans = {options.endpoint};
  config.machine.install.disk = options.install_disk;
  config.machine.install.image = options.install_image;
  config.cluster.name = options.cluster_name;
  config.cluster.control_plane_endpoint = control_plane_url(options.endpoint);
  return config;
}

}  // namespace

ClientConfig issue_client_config(const CertificateAuthority& ca, std::string_view role, const std::string& name,
                                 const std::vector<std::string>& endpoints, std::chrono::seconds validity,
                                 const std::string& context_name) {
  Validity period = valid_for(validity);
  CertificateAndKey identity = issue_client_certificate(ca, name, role, period.not_before, period.not_after);
  ClientConfig config;
  config.context = context_name.empty() ? name : context_name;
  ClientContext& context = config.contexts[config.context];
  context.endpoints = endpoints;
  context.ca = ca.certificate.to_pem();
  context.crt = identity.certificate.to_pem();
  context.key = identity.key.to_pem();
  return config;
}

CertificateAuthority certificate_authority_of(const MachineConfig& config) {
  if (config.machine.ca.key.empty()) {
    throw Error("this machine config holds no CA key (a worker's never does); use the control plane's "
                "(controlplane.yaml)");
  }
  return {Certificate::from_pem(config.machine.ca.crt), PrivateKey::from_pem(config.machine.ca.key)};
}

GeneratedConfigs generate_configs(const GenConfigOptions& options) {
  check_options(options);
  GeneratedConfigs generated;
  CertificateAuthority ca = make_ca(options.cluster_name, valid_for(options.ca_validity));
  std::string token = generate_join_token();
  generated.controlplane = machine_config(options, ca, token, MachineType::controlplane);
  generated.worker = machine_config(options, ca, token, MachineType::worker);
  generated.client =
      issue_client_config(ca, kRoleAdmin, "admin", {options.endpoint}, options.client_validity, options.cluster_name);

  const std::vector<std::pair<const char*, std::string>> contents = {
      {kControlPlaneFile, to_yaml(generated.controlplane)},
      {kWorkerFile, to_yaml(generated.worker)},
      {kClientFile, to_yaml(generated.client)},
  };
  // What we write must be what we would accept.
  parse_machine_config(contents[0].second, kControlPlaneFile);
  parse_machine_config(contents[1].second, kWorkerFile);
  parse_client_config(contents[2].second, kClientFile);

  std::error_code error;
  fs::create_directories(options.output_dir, error);
  if (error) throw Error("cannot create " + options.output_dir.string() + ": " + error.message());
  for (const auto& [name, text] : contents) {
    fs::path destination = options.output_dir / name;
    if (!options.force && fs::symlink_status(destination, error).type() != fs::file_type::not_found) {
      throw Error(refuse_message(destination));
    }
  }

  StagingDir staging(options.output_dir);
  for (const auto& [name, text] : contents) write_private_file(staging.path() / name, text);

  // Without --force nothing was there before, so a failure part way is undone
  // by removing what was moved in. With --force each file is replaced
  // atomically; the old ones cannot be brought back.
  std::vector<fs::path> moved;
  try {
    for (const auto& [name, text] : contents) {
      fs::path destination = options.output_dir / name;
      if (options.force) {
        move_replacing(staging.path() / name, destination);
      } else {
        if (!move_without_replacing(staging.path() / name, destination)) throw Error(refuse_message(destination));
      }
      moved.push_back(destination);
    }
  } catch (...) {
    if (!options.force) {
      for (const auto& path : moved) fs::remove(path, error);
    }
    throw;
  }
  generated.files = moved;
  return generated;
}

}  // namespace bronze::config
