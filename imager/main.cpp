// imager: builds Bronze images for a platform and verifies them.
//
//   imager <platform> [--arch amd64] [--version V] [--out DIR] ...
//          [--output image|iso|kernel|initramfs|installer] [--compress zstd|xz|gz]
//   imager verify --key PUB IMAGE.raw
//   imager verify --key PUB --manifest M.json [--artifacts DIR]
//   imager platforms
//
// Exit codes: 0 success, 1 the build or the verification failed, 2 bad usage.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "base/error.h"
#include "base/progress.h"
#include "base/units.h"
#include "disk/boot/grub.h"
#include "imager/outputs/build_output.h"
#include "imager/outputs/verify_image.h"
#include "imager/profile/outputs.h"
#include "imager/profile/platform.h"

namespace fs = std::filesystem;
using bronze::Error;

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// FAT, on the ESP, has no dates before 1980; every tool writing a timestamp
// gets this one unless SOURCE_DATE_EPOCH or --epoch says otherwise.
constexpr int64_t kFirstFatDate = 315532800;  // 1980-01-01T00:00:00Z

int64_t checked_epoch(long long value, const std::string& source) {
  if (value < kFirstFatDate) {
    throw Error(source + " " + std::to_string(value) + " is before 1980-01-01 (" + std::to_string(kFirstFatDate) +
                "), which FAT on the ESP cannot record");
  }
  return value;
}

int64_t default_epoch() {
  const char* env = std::getenv("SOURCE_DATE_EPOCH");
  if (!env || !*env) return kFirstFatDate;
  char* end = nullptr;
  long long value = std::strtoll(env, &end, 10);
  if (*end != '\0' || value < 0) throw Error(std::string("SOURCE_DATE_EPOCH '") + env + "' is not a number of seconds");
  return checked_epoch(value, "SOURCE_DATE_EPOCH");
}

int parse_or_exit(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 takes them last-first
  try {
    app.parse(args);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  return -1;
}

int run_verify(std::vector<std::string> args) {
  CLI::App app{"Verify a Bronze image against a public key: the manifest's signature, then every artifact's digest.",
               "imager verify"};
  std::string key, image, manifest, signature, artifacts;
  std::string slot = "A";
  bool json = false;
  app.add_option("image", image, "raw disk image to verify (its boot slot)");
  app.add_option("--key", key, "public key (PEM) the manifest must be signed with")->required();
  app.add_option("--slot", slot, "boot slot of the raw image to verify")->check(CLI::IsMember({"A", "B"}));
  app.add_option("--manifest", manifest, "verify a manifest and its artifacts instead of a raw image");
  app.add_option("--signature", signature, "detached signature (default: the manifest path with .sig)");
  app.add_option("--artifacts", artifacts, "folder holding the artifacts (default: the manifest path without .manifest.json)");
  app.add_flag("--json", json, "print the result as JSON");
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;
  if (image.empty() == manifest.empty()) {
    std::fprintf(stderr, "imager verify: give either a raw IMAGE or --manifest FILE\n");
    return kExitUsage;
  }
  try {
    bronze::signing::Manifest m;
    if (!image.empty()) {
      m = bronze::imager::verify_disk(image, slot[0], key);
    } else {
      fs::path dir = artifacts;
      if (dir.empty()) {
        std::string base = manifest;
        const std::string suffix = ".manifest.json";
        if (base.size() > suffix.size() && base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0) {
          dir = base.substr(0, base.size() - suffix.size());
        } else {
          dir = fs::path(manifest).parent_path();
        }
      }
      std::optional<fs::path> sig;
      if (!signature.empty()) sig = signature;
      m = bronze::imager::verify_manifest_files(manifest, sig, dir, key);
    }
    if (json) {
      nlohmann::json out = {{"verified", true}, {"name", m.name}, {"version", m.version}, {"arch", m.arch}, {"platform", m.platform}};
      for (const auto& a : m.artifacts) out["artifacts"].push_back({{"name", a.name}, {"sha256", a.sha256}, {"size", a.size}});
      std::cout << out.dump(2) << "\n";
    } else {
      std::printf("verified %s %s (%s, %s):", m.name.c_str(), m.version.c_str(), m.arch.c_str(), m.platform.c_str());
      for (const auto& a : m.artifacts) std::printf(" %s", a.name.c_str());
      std::printf("\n");
    }
    return 0;
  } catch (const std::exception& e) {
    if (json) {
      std::cout << nlohmann::json{{"verified", false}, {"error", e.what()}}.dump(2) << "\n";
    }
    std::fprintf(stderr, "imager verify: FAILED: %s\n", e.what());
    return kExitFailed;
  }
}

// The node binaries this build made for `arch`: amd64's beside the imager,
// arm64's in the cross build's node/ folder (BRONZE_NODE_DIR_ARM64).
fs::path default_node_binary(const std::string& arch, const std::string& name) {
  if (arch == "arm64") return fs::path(BRONZE_NODE_DIR_ARM64) / name;
  if (name == "init") return BRONZE_DEFAULT_INIT;
  if (name == "machined") return BRONZE_DEFAULT_MACHINED;
  return BRONZE_DEFAULT_INSTALLER;
}

int run_build(const std::string& command, std::vector<std::string> args) {
  bool installer_image = command == "installer";
  CLI::App app{installer_image ? "Build the Bronze installer image (OCI) that upgrades nodes."
                               : "Build the Bronze disk image for PLATFORM (a file in platforms/).",
               "imager " + command};
  bronze::imager::BuildRequest r;
  std::string platform = installer_image ? "metal" : command;
  r.platform = platform;
  r.data_dir = BRONZE_SOURCE_DIR;
  std::string kernel, key, disk_size, grub_efi_modules;
  std::vector<std::string> extra;
  bool json = false, quiet = false;
  long long epoch = -1;
  app.add_option("--arch", r.arch, "target arch")->check(CLI::IsMember({"amd64", "arm64"}))->capture_default_str();
  app.add_option("--version", r.version, "version string (banner, os-release, manifest, boot menu)")->capture_default_str();
  app.add_option("--security-version", r.security_version,
                 "anti-rollback number signed into the image; nodes refuse images below the highest they committed "
                 "(raise it when a release fixes a vulnerability)")
      ->capture_default_str();
  app.add_option("--out", r.out_dir, "output folder")->capture_default_str();
  app.add_option("--kernel", kernel, "kernel image (bzImage; arm64: Image.gz, or Image); `make kernel [ARCH=arm64]` builds the hardened one");
  app.add_option("--extra-kernel-arg", extra, "kernel argument to append (repeatable)");
  app.add_option("--signing-key", key, "Ed25519 private key (PEM); default: the development key, created once");
  app.add_option("--disk-size", disk_size, "disk image size instead of the platform's (e.g. 2GiB)");
  app.add_option("--format", r.format, "disk format: raw, qcow2, vhd, vmdk, ova, tar.gz, raw.gz (default: the platform's)");
  app.add_option("--epoch", epoch, "timestamp of every file (default: $SOURCE_DATE_EPOCH, else 1980-01-01)");
  const std::string arm64_default = " (default: this build's; for arm64, the one in " BRONZE_NODE_DIR_ARM64 ")";
  app.add_option("--init", r.init, "init binary for the initramfs" + arm64_default);
  app.add_option("--machined", r.machined, "machined binary for the root filesystem" + arm64_default);
  app.add_option("--installer", r.installer, "node installer binary for the installer image" + arm64_default);
  app.add_option("--grub-efi-modules", grub_efi_modules,
                 "GRUB's UEFI modules (default: /usr/lib/grub/x86_64-efi, or /usr/lib/grub/arm64-efi; on an amd64 "
                 "host `scripts/grub-efi.sh arm64` unpacks arm64's and prints their folder)");
  app.add_option("--data-dir", r.data_dir, "folder with platforms/ and kernel/")->capture_default_str();
  std::string machine_config;
  if (!installer_image) {
    app.add_option("--config", machine_config,
                   "machine config to put into STATE (from `bronzectl gen config`); without one the node boots into "
                   "maintenance mode");
    app.add_option("--output", r.output,
                   "what to build: image (the disk, in --format), iso (CD or USB stick, BIOS and UEFI, arm64 UEFI "
                   "only; boots into maintenance mode and installs once given a machine config), kernel, initramfs, "
                   "or installer (as `imager installer`)")
        ->check(CLI::IsMember(bronze::imager::known_outputs()))
        ->capture_default_str();
    app.add_option("--compress", r.compress, "compress the output: zstd, xz or gz (adds .zst, .xz or .gz)")
        ->check(CLI::IsMember(bronze::imager::known_compressions()));
  } else {
    r.output = "installer";
  }
  if (installer_image) {
    app.add_option("--platform", r.platform, "platform whose kernel arguments the upgraded nodes boot with")->capture_default_str();
  }
  app.add_flag("--json", json, "print the outputs with sizes and digests as JSON on stdout");
  app.add_flag("-q,--quiet", quiet, "no progress lines");
  if (int rc = parse_or_exit(app, args); rc >= 0) return rc;

  try {
    if (r.init.empty()) r.init = default_node_binary(r.arch, "init");
    if (r.machined.empty()) r.machined = default_node_binary(r.arch, "machined");
    if (r.installer.empty()) r.installer = default_node_binary(r.arch, "installer");
    if (r.arch == "arm64") {
      r.grub = bronze::disk::arm64_grub(grub_efi_modules.empty() ? "/usr/lib/grub/arm64-efi" : grub_efi_modules);
    } else if (!grub_efi_modules.empty()) {
      r.grub.efi_modules = grub_efi_modules;
    }
    r.kernel = kernel;
    r.extra_kernel_args = extra;
    if (!machine_config.empty()) r.machine_config = fs::path(machine_config);
    if (!key.empty()) r.signing_key = fs::path(key);
    if (!disk_size.empty()) r.disk_size = bronze::parse_size(disk_size);
    r.epoch = epoch >= 0 ? checked_epoch(epoch, "--epoch") : default_epoch();
    bronze::Progress progress(!quiet);
    platform = r.platform;
    if (!quiet) std::fprintf(stderr, "imager: %s-%s %s\n", command.c_str(), r.arch.c_str(), r.version.c_str());
    auto result = bronze::imager::build_output(r, progress, json);
    if (json) {
      nlohmann::json out = {{"image", result.image_name}, {"output", r.output}, {"version", r.version}, {"arch", r.arch},
                            {"platform", platform}, {"cmdline", result.cmdline}, {"up_to_date", result.up_to_date}};
      if (!result.signature_tag.empty()) out["signature_tag"] = result.signature_tag;
      out["artifacts"] = nlohmann::json::array();
      for (const auto& o : result.outputs) out["artifacts"].push_back({{"path", o.path.string()}, {"size", o.size}, {"sha256", o.sha256}});
      out["stages"] = nlohmann::json::array();
      for (const auto& t : progress.timings()) out["stages"].push_back({{"name", t.name}, {"seconds", t.seconds}});
      std::cout << out.dump(2) << "\n";
    } else if (!quiet) {
      std::fprintf(stderr, "imager: %s %s\n", result.up_to_date ? "up to date:" : "wrote", result.outputs[0].path.c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "imager: error: %s\n", e.what());
    return kExitFailed;
  }
}

void print_usage() {
  std::printf(
      "imager: build and verify Bronze images\n\n"
      "  imager PLATFORM [options]   build PLATFORM's image, ISO, kernel or initramfs (imager PLATFORM --help)\n"
      "  imager installer [options]  build the installer image that upgrades nodes\n"
      "  imager verify [options]     verify an image against a public key\n"
      "  imager platforms            list the platforms\n\n"
      "Exit codes: 0 success, 1 build or verification failed, 2 bad usage.\n");
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    print_usage();
    return args.empty() ? kExitUsage : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "verify") return run_verify(args);
  if (command == "platforms") {
    for (const auto& name : bronze::imager::list_platforms(fs::path(BRONZE_SOURCE_DIR) / "platforms")) std::printf("%s\n", name.c_str());
    return 0;
  }
  if (!command.empty() && command[0] == '-') {
    std::fprintf(stderr, "imager: the first argument is a platform or a command, not %s (see imager --help)\n", command.c_str());
    return kExitUsage;
  }
  return run_build(command, args);
}
