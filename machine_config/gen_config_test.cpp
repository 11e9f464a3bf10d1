#include "machine_config/gen_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include "base/error.h"
#include "base/files.h"
#include "pki/join_token.h"

namespace bronze::config {
namespace {

namespace fs = std::filesystem;

GenConfigOptions options_for(const fs::path& dir) {
  GenConfigOptions options;
  options.cluster_name = "demo";
  options.endpoint = "10.0.0.1";
  options.output_dir = dir;
  return options;
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

unsigned mode_of(const fs::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 07777;
}

TEST(GenConfig, WritesTheThreeFilesPrivately) {
  TempDir dir;
  auto out = dir.path() / "cluster";
  generate_configs(options_for(out));
  EXPECT_EQ(listing(out), (std::set<std::string>{"bronzeconfig", "controlplane.yaml", "worker.yaml"}));
  for (const char* name : {"bronzeconfig", "controlplane.yaml", "worker.yaml"}) {
    EXPECT_EQ(mode_of(out / name), 0600u) << name;
  }
}

TEST(GenConfig, GeneratedConfigsParseAndShareOneCa) {
  TempDir dir;
  auto options = options_for(dir.path());
  options.install_image = "127.0.0.1:5000/bronze/installer:v1";
  generate_configs(options);
  MachineConfig controlplane = load_machine_config(dir.path() / "controlplane.yaml");
  MachineConfig worker = load_machine_config(dir.path() / "worker.yaml");
  ClientConfig client = load_client_config(dir.path() / "bronzeconfig");

  EXPECT_EQ(controlplane.machine.type, MachineType::controlplane);
  EXPECT_EQ(worker.machine.type, MachineType::worker);
  // One CA; its key only in the control plane's config. One join token.
  EXPECT_EQ(controlplane.machine.ca.crt, worker.machine.ca.crt);
  EXPECT_FALSE(controlplane.machine.ca.key.empty());
  EXPECT_EQ(worker.machine.ca.key, "");
  EXPECT_EQ(read_file(dir.path() / "worker.yaml").find("key:"), std::string::npos);
  EXPECT_TRUE(is_join_token(controlplane.machine.token)) << controlplane.machine.token;
  EXPECT_EQ(worker.machine.token, controlplane.machine.token);
  try {
    certificate_authority_of(worker);
    FAIL() << "a worker's config has no CA to sign with";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("holds no CA key"), std::string::npos) << e.what();
  }
  EXPECT_EQ(controlplane.machine.cert_sans, std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(controlplane.machine.install.disk, "/dev/vda");
  EXPECT_EQ(controlplane.machine.install.image, "127.0.0.1:5000/bronze/installer:v1");
  EXPECT_EQ(controlplane.cluster.name, "demo");
  EXPECT_EQ(controlplane.cluster.control_plane_endpoint, "https://10.0.0.1:6443");

  EXPECT_EQ(client.context, "demo");
  const ClientContext& context = client.select();
  EXPECT_EQ(context.endpoints, std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(context.ca, controlplane.machine.ca.crt);
  Certificate admin = Certificate::from_pem(context.crt);
  EXPECT_EQ(admin.common_name(), "admin");
  EXPECT_EQ(role_of(admin), "os:admin");
  CertificateAuthority ca = certificate_authority_of(controlplane);
  EXPECT_NO_THROW(verify_certificate(admin, ca.certificate, std::chrono::system_clock::now()));
  EXPECT_TRUE(ca.certificate.is_ca());
  EXPECT_TRUE(ca.certificate.matches(ca.key));
}

TEST(GenConfig, EveryClusterGetsItsOwnToken) {
  TempDir a, b;
  auto first = generate_configs(options_for(a.path()));
  auto second = generate_configs(options_for(b.path()));
  EXPECT_NE(first.controlplane.machine.token, second.controlplane.machine.token);
}

TEST(GenConfig, RefusesToOverwriteWithoutForceAndLeavesTheFolderAsItWas) {
  TempDir dir;
  write_file(dir.path() / "worker.yaml", "old");
  try {
    generate_configs(options_for(dir.path()));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string message = e.what();
    EXPECT_NE(message.find((dir.path() / "worker.yaml").string()), std::string::npos) << message;
    EXPECT_NE(message.find("--force"), std::string::npos) << message;
  }
  EXPECT_EQ(listing(dir.path()), std::set<std::string>{"worker.yaml"});
  EXPECT_EQ(read_file(dir.path() / "worker.yaml"), "old");
}

TEST(GenConfig, ForceReplacesExistingFiles) {
  TempDir dir;
  write_file(dir.path() / "worker.yaml", "old");
  auto options = options_for(dir.path());
  options.force = true;
  generate_configs(options);
  EXPECT_EQ(listing(dir.path()), (std::set<std::string>{"bronzeconfig", "controlplane.yaml", "worker.yaml"}));
  EXPECT_EQ(load_machine_config(dir.path() / "worker.yaml").machine.type, MachineType::worker);
  EXPECT_EQ(mode_of(dir.path() / "worker.yaml"), 0600u);
}

TEST(GenConfig, Ipv6EndpointIsBracketedInTheUrl) {
  TempDir dir;
  auto options = options_for(dir.path());
  options.endpoint = "fd00::1";
  auto generated = generate_configs(options);
  EXPECT_EQ(generated.controlplane.cluster.control_plane_endpoint, "https://[fd00::1]:6443");
  EXPECT_EQ(generated.files.size(), 3u);
}

TEST(GenConfig, RefusesBadOptionsBeforeWritingAnything) {
  TempDir dir;
  auto options = options_for(dir.path());
  options.endpoint = "https://10.0.0.1:6443";
  EXPECT_THROW(generate_configs(options), Error);
  options = options_for(dir.path());
  options.cluster_name = "my cluster";
  EXPECT_THROW(generate_configs(options), Error);
  options = options_for(dir.path());
  options.install_disk = "sda";
  EXPECT_THROW(generate_configs(options), Error);
  EXPECT_TRUE(listing(dir.path()).empty());
}

}  // namespace
}  // namespace bronze::config
