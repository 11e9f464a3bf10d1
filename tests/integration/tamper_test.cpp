// An attacker who controls a tag in the registry, or the network between the
// operator and the node, hands the node an installer image of their making.
// Each case here is such an image: the installer, its ELF loader or one of
// its libraries replaced, a file added, the manifest re-signed by a key the
// node does not trust, or another image's signature. Every one is refused
// by the installer CLI and by machined (streamed, and pulled from a
// registry) before a byte is written, with the disk's sha256 unchanged and
// nothing of the image run: the foreign code leaves a mark when it runs
// (checked on a control run outside Bronze), and the mark stays absent.

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "base/error.h"
#include "base/files.h"
#include "base/sha256.h"
#include "base/subprocess.h"
#include "installer_image/image_archive.h"
#include "installer_image/image_writer.h"
#include "installer_image/media_types.h"
#include "installer_image/outer_archive.h"
#include "installer_image/signature_artifact.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/docker_registry_process.h"
#include "tests/support/host_node.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/registry_push.h"

namespace bronze::test {
namespace {

namespace fs = std::filesystem;

const fs::path kMarker = BRONZE_TAMPER_MARKER;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The signed payload an archive carries for its image.
signing::SignedPayload signature_of(const fs::path& archive) {
  oci::OuterArchive outer(archive);
  for (const auto& d : oci::parse_index(outer.read_member("index.json", 1 << 20)).manifests) {
    auto ref = d.annotations.find(oci::kRefNameAnnotation);
    if (ref == d.annotations.end() || !oci::is_signature_tag(ref->second)) continue;
    return oci::read_signature_artifact(outer.read_blob(d, 1 << 20, "signature manifest"),
                                        [&](const oci::Descriptor& b) { return outer.read_blob(b, 1 << 20, "payload"); });
  }
  throw Error(archive.string() + " carries no signature");
}

// The files of an unpacked layer as an image spec, modes kept.
oci::ImageSpec spec_of(const fs::path& layer, const fs::path& slot_payload) {
  oci::ImageSpec spec;
  spec.slot_payload = slot_payload;
  spec.arch = "amd64";
  spec.tag = "v2";
  for (const auto& e : fs::recursive_directory_iterator(layer)) {
    if (!e.is_regular_file()) continue;
    auto mode = static_cast<uint32_t>(fs::status(e.path()).permissions() & fs::perms::mask);
    spec.files.push_back({e.path().lexically_relative(layer).string(), e.path(), mode});
  }
  return spec;
}

// How machined would run the image's installer (node/machined/upgrade/new_installer.cpp):
// through its loader, with its library folders.
std::vector<std::string> run_the_installer_of(const fs::path& layer) {
  std::string loader;
  std::set<std::string> dirs;
  for (const auto& e : fs::recursive_directory_iterator(layer)) {
    if (!e.is_regular_file() || e.path().filename().string().find(".so") == std::string::npos) continue;
    if (e.path().filename().string().rfind("ld-linux", 0) == 0 && (loader.empty() || e.path().string() < loader)) {
      loader = e.path().string();
    }
    dirs.insert(e.path().parent_path().string());
  }
  std::string path;
  for (const auto& d : dirs) path += (path.empty() ? "" : ":") + d;
  return {loader, "--library-path", path, (layer / "bin/installer").string(), "--help"};
}

struct Attack {
  std::string name;
  std::function<void(const fs::path& layer)> change;  // what the attacker does to the files
  enum class Signature { kOriginal, kUntrustedKey, kAnotherImage } signature;
  std::string refusal;  // part of the error every path must give
};

class TamperSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("bronze-tamper");
    fs::path d = dir_->path();
    make_key_pair(d);
    make_key_pair(d, "stranger");
    gen_config(d / "cluster", "demo");
    auto argv = imager_build_argv("metal", d / "v1", "v1", d / "key.pem", {});
    argv.insert(argv.end(), {"--config", (d / "cluster/controlplane.yaml").string()});
    run_checked(argv);
    v2_ = new fs::path(build_installer_image(d / "v2", "v2", d / "key.pem"));
    v3_ = new fs::path(build_installer_image(d / "v3", "v3", d / "key.pem"));
    layer_ = new fs::path(d / "layer");
    oci::ImageArchive v2(*v2_, "amd64", signing::TrustStore::load(d / "key.pub"));
    v2.extract(*layer_, 1ull << 31);
    // The slot image, which the attacker leaves as it is.
    auto payload = v2.open_payload();
    std::string bytes;
    std::vector<char> buffer(1 << 20);
    while (size_t n = payload->read(buffer.data(), buffer.size())) bytes.append(buffer.data(), n);
    payload->finish();
    write_file(d / "boot.ext4", bytes);
    registry_ = new registry::test::DockerRegistryProcess(d / "registry");
  }
  static void TearDownTestSuite() {
    delete registry_;
    delete v2_;
    delete v3_;
    delete layer_;
    delete dir_;
  }

  void SetUp() override {
    fs::remove(kMarker);
    disk_ = dir_->path() / "disk.raw";
    copy_sparse(dir_->path() / "v1/metal-amd64.raw", disk_);
    digest_ = sha256_file_hex(disk_);
  }

  // The library of the installer's that the attacker replaces: one it
  // loads (DT_NEEDED) with no symbol versions, so that the foreign library
  // can hand over to the genuine one and the installer still loads.
  static std::string victim_library() {
    std::string dynamic = run_checked({"readelf", "-d", (*layer_ / "bin/installer").string()}).out;
    for (std::string name : {"libzstd.so.1", "liblzma.so.5", "libz.so.1", "libcom_err.so.2"}) {
      if (contains(dynamic, "[" + name + "]")) return name;
    }
    throw Error("the installer loads none of the libraries the tamper suite knows:\n" + dynamic);
  }

  static fs::path find_in_layer(const fs::path& layer, const std::string& file_name) {
    for (const auto& e : fs::recursive_directory_iterator(layer)) {
      if (e.path().filename() == file_name) return e.path();
    }
    throw Error("no " + file_name + " in the layer");
  }

  // Puts the foreign library at `target` with the genuine one beside it.
  static void plant_library(const fs::path& genuine, const fs::path& target) {
    fs::create_directories(target.parent_path());
    fs::copy_file(genuine, target.parent_path() / "libbronze-genuine.so", fs::copy_options::overwrite_existing);
    fs::copy_file(BRONZE_FOREIGN_LIBRARY, target, fs::copy_options::overwrite_existing);
  }

  static std::vector<Attack> attacks() {
    auto replace_installer = [](const fs::path& layer) {
      fs::copy_file(BRONZE_FOREIGN_PROGRAM, layer / "bin/installer", fs::copy_options::overwrite_existing);
    };
    return {
        {"installer", replace_installer, Attack::Signature::kOriginal, "the signature covers image"},
        {"loader",
         [](const fs::path& layer) {
           fs::copy_file(BRONZE_FOREIGN_PROGRAM, find_in_layer(layer, "ld-linux-x86-64.so.2"),
                         fs::copy_options::overwrite_existing);
         },
         Attack::Signature::kOriginal, "the signature covers image"},
        {"library",
         [](const fs::path& layer) {
           fs::path victim = find_in_layer(layer, victim_library());
           fs::path genuine = dir_->path() / "genuine.so";
           fs::copy_file(victim, genuine, fs::copy_options::overwrite_existing);
           plant_library(genuine, victim);
         },
         Attack::Signature::kOriginal, "the signature covers image"},
        // A folder that sorts before the image's own library folders, with a
        // library the installer loads: found first on the library path.
        {"added-file",
         [](const fs::path& layer) {
           plant_library(find_in_layer(layer, victim_library()), layer / "aaa" / victim_library());
         },
         Attack::Signature::kOriginal, "the signature covers image"},
        {"untrusted-key", replace_installer, Attack::Signature::kUntrustedKey, "does not verify with any trusted key"},
        {"another-image", replace_installer, Attack::Signature::kAnotherImage, "the signature covers image"},
    };
  }

  // The attacker's archive: the changed layer, with the signature the case says.
  fs::path forge(const Attack& attack) {
    fs::path layer = dir_->path() / ("forged-" + attack.name);
    fs::remove_all(layer);
    run_checked({"cp", "-a", layer_->string(), layer.string()});
    attack.change(layer);

    // Control: run the way machined runs an image's installer, outside
    // Bronze, the attacker's code does run and leaves its mark.
    fs::remove(kMarker);
    run(run_the_installer_of(layer));
    EXPECT_TRUE(fs::exists(kMarker)) << attack.name << ": the forged image's code did not run in the control, so the "
                                     << "case proves nothing";
    fs::remove(kMarker);

    oci::ImageSpec spec = spec_of(layer, dir_->path() / "boot.ext4");
    auto stranger = std::make_shared<signing::PrivateKey>(signing::PrivateKey::load(dir_->path() / "stranger.pem"));
    switch (attack.signature) {
      case Attack::Signature::kOriginal: {
        auto original = signature_of(*v2_);
        spec.sign = [original](const std::string&) { return original; };
        break;
      }
      case Attack::Signature::kUntrustedKey:
        spec.sign = [stranger](const std::string& digest) {
          return signing::sign_image(digest, {"v2", "amd64", "metal", 0}, *stranger);
        };
        break;
      case Attack::Signature::kAnotherImage: {
        auto other = signature_of(*v3_);
        spec.sign = [other](const std::string&) { return other; };
        break;
      }
    }
    fs::path archive = dir_->path() / ("forged-" + attack.name + ".tar");
    oci::write_image_archive(spec, archive);
    return archive;
  }

  void expect_untouched(const std::string& what) {
    EXPECT_EQ(sha256_file_hex(disk_), digest_) << what << ": the disk changed";
    EXPECT_FALSE(fs::exists(kMarker)) << what << ": the attacker's code ran: " << read_file(kMarker);
  }

  static TempDir* dir_;
  static fs::path* v2_;
  static fs::path* v3_;
  static fs::path* layer_;
  static registry::test::DockerRegistryProcess* registry_;
  fs::path disk_;
  std::string digest_;
};
TempDir* TamperSuite::dir_ = nullptr;
fs::path* TamperSuite::v2_ = nullptr;
fs::path* TamperSuite::v3_ = nullptr;
fs::path* TamperSuite::layer_ = nullptr;
registry::test::DockerRegistryProcess* TamperSuite::registry_ = nullptr;

TEST_F(TamperSuite, EveryForgedImageIsRefusedOnEveryPathAndNothingRuns) {
  for (const auto& attack : attacks()) {
    SCOPED_TRACE(attack.name);
    fs::path forged = forge(attack);

    // A user's check on a host: the installer CLI.
    auto cli = run_installer({"upgrade", "--disk", disk_.string(), "--image", forged.string(), "--trust",
                              (dir_->path() / "key.pub").string(), "-q"});
    EXPECT_EQ(cli.exit_code, 1) << cli.err;
    EXPECT_TRUE(contains(cli.err, attack.refusal)) << cli.err;
    expect_untouched(attack.name + " through the installer CLI");

    HostNodeOptions o;
    o.disk = disk_;
    o.trust = dir_->path() / "key.pub";
    o.work_dir = dir_->path() / ("node-" + attack.name);
    HostNode node(o);
    auto upgrade = [&](std::vector<std::string> args) {
      auto argv = ctl(dir_->path() / "cluster/bronzeconfig", node.endpoint());
      argv.push_back("upgrade");
      argv.insert(argv.end(), args.begin(), args.end());
      return run_bronzectl(argv);
    };

    // Streamed from the operator's machine (a network in between).
    auto streamed = upgrade({"--image", forged.string(), "--stage"});
    EXPECT_EQ(streamed.exit_code, 1) << streamed.out;
    EXPECT_TRUE(contains(streamed.err, attack.refusal)) << streamed.err;
    expect_untouched(attack.name + " streamed to machined");

    // Pulled from a registry whose tag the attacker moved to their image.
    std::string ref = registry_->address() + "/bronze/" + attack.name + ":v2";
    push_installer_image(forged, ref, o.work_dir / "push");
    auto pulled = upgrade({"--image", ref, "--insecure", "--stage"});
    EXPECT_EQ(pulled.exit_code, 1) << pulled.out;
    EXPECT_TRUE(contains(pulled.err, attack.refusal)) << pulled.err;
    expect_untouched(attack.name + " pulled by machined");
    EXPECT_FALSE(contains(node.log(), "running the new version's installer")) << node.log();
  }
}

TEST_F(TamperSuite, TheGenuineImageStillUpgradesOnBothPaths) {
  // The baseline the refusals differ from: the same node takes v2 as built.
  HostNodeOptions o;
  o.disk = disk_;
  o.trust = dir_->path() / "key.pub";
  o.work_dir = dir_->path() / "node-genuine";
  HostNode node(o);
  auto argv = ctl(dir_->path() / "cluster/bronzeconfig", node.endpoint());
  argv.insert(argv.end(), {"upgrade", "--image", v2_->string(), "--stage"});
  auto streamed = run_bronzectl(argv);
  EXPECT_EQ(streamed.exit_code, 0) << streamed.err;
  std::string ref = registry_->address() + "/bronze/genuine:v2";
  push_installer_image(*v2_, ref, o.work_dir / "push");
  argv = ctl(dir_->path() / "cluster/bronzeconfig", node.endpoint());
  argv.insert(argv.end(), {"upgrade", "--image", ref, "--insecure", "--stage"});
  auto pulled = run_bronzectl(argv);
  EXPECT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_NE(sha256_file_hex(disk_), digest_);
  EXPECT_FALSE(fs::exists(kMarker));
}

}  // namespace
}  // namespace bronze::test
