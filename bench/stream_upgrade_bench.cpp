// A streamed upgrade from a registry against its floor, and the node's
// memory, for a 100 MiB and a 1 GiB slot image, in the same run. machined
// runs as a host process on a disk image (as in the API suite) and pulls
// from Debian's docker-registry on 127.0.0.1; the slot image streams into
// slot B through the new installer. The floor fetches the same blob from the
// same registry and writes it to the same place with one flush at the end
// (what `curl | dd conv=fsync` does). Memory: machined's peak resident set
// (VmHWM) and the installer's (its rusage, which machined logs). The slot
// images are the real v2 slot image grown with a file of random bytes (not
// compressible, not named by its manifest). Prints a Markdown table.
//
//   stream_upgrade_bench        (make bench runs it; needs BRONZE_KERNEL_DIR)

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "disk/partitions/gpt.h"
#include "http/http_client.h"
#include "installer_image/image_archive.h"
#include "installer_image/image_writer.h"
#include "signing/image_signature.h"
#include "signing/trust_store.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/docker_registry_process.h"
#include "tests/support/host_node.h"
#include "tests/support/image_fixture.h"
#include "tests/support/large_slot.h"
#include "tests/support/registry_push.h"

namespace fs = std::filesystem;
using namespace bronze;
using namespace bronze::test;

namespace {

constexpr uint64_t kMiB = 1024 * 1024;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// machined's peak resident set, from /proc.
uint64_t vm_hwm_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  }
  throw Error("no VmHWM for process " + std::to_string(pid));
}

// The v2 slot image grown by `pad` bytes of random data in a file of its own.
fs::path padded_slot_image(const fs::path& dir, const fs::path& slot, uint64_t pad) {
  fs::path out = dir / ("slot-" + std::to_string(pad / kMiB) + ".ext4");
  fs::path random = dir / "random.bin";
  write_random_file(random, pad);
  pad_slot_image(slot, random, out);
  fs::remove(random);
  return out;
}

struct Measure {
  uint64_t payload = 0;
  double upgrade = 1e9;
  double floor = 1e9;
  uint64_t machined_kib = 0;
  uint64_t installer_mib = 0;
};

}  // namespace

int main() {
  try {
    TempDir work("bronze-bench-stream");
    fs::path d = work.path();
    make_key_pair(d);
    gen_config(d / "cluster", "bench");

    // Boot slots of 1.25 GiB, for the 1 GiB slot image.
    fs::path data = metal_data_dir(d / "data", "3GiB", "1280MiB");
    auto v1_argv = imager_build_argv("metal", d / "v1", "v1", d / "key.pem", {});
    v1_argv.insert(v1_argv.end(), {"--data-dir", data.string()});
    run_checked(v1_argv);
    auto v2_argv = imager_build_argv("installer", d / "v2", "v2", d / "key.pem", {"--platform", "metal"});
    run_checked(v2_argv);
    // Without a chunk index: this measures the full, streamed path.
    UnpackedInstaller v2 = unpack_installer_image(d / "v2/installer-amd64.tar", d / "key.pub", d / "v2-unpacked");
    const fs::path& layer = v2.layer;
    const fs::path& slot = v2.slot;

    registry::test::DockerRegistryProcess registry(d / "registry");
    std::vector<Measure> rows;
    for (uint64_t pad : {100 * kMiB, 1024 * kMiB}) {
      std::string tag = "pad" + std::to_string(pad / kMiB);
      fs::path image = d / (tag + ".tar");
      write_installer_image(image, layer, padded_slot_image(d, slot, pad), d / "key.pem", "v2", false);
      std::string ref = registry.address() + "/bronze/installer:" + tag;
      push_installer_image(image, ref, d / "push");
      oci::ImageArchive pushed(image, "amd64", signing::TrustStore::load(d / "key.pub"));
      const oci::Descriptor payload = *pushed.info().payload;
      fs::remove(image);

      Measure m;
      m.payload = payload.size;
      for (int run = 0; run < 2; ++run) {
        fs::path node_dir = d / (tag + "-" + std::to_string(run));
        fs::create_directories(node_dir);
        HostNodeOptions o;
        o.disk = node_dir / "disk.raw";
        copy_sparse(d / "v1/metal-amd64.raw", o.disk);
        o.trust = d / "key.pub";
        o.work_dir = node_dir;
        o.config = d / "cluster/controlplane.yaml";
        HostNode node(o);
        auto start = std::chrono::steady_clock::now();
        auto r = run_bronzectl({"--bronzeconfig", (d / "cluster/bronzeconfig").string(), "-n", node.endpoint(),
                                "upgrade", "--image", ref, "--insecure", "--stage", "--preserve"});
        double t = seconds_since(start);
        if (r.exit_code != 0) throw Error("upgrade with " + tag + " failed: " + r.err + node.log());
        m.upgrade = std::min(m.upgrade, t);
        m.machined_kib = std::max(m.machined_kib, vm_hwm_kib(node.pid()));
        std::smatch match;
        std::string log = node.log();
        if (std::regex_search(log, match, std::regex("installer peak memory (\\d+) MiB"))) {
          m.installer_mib = std::max<uint64_t>(m.installer_mib, std::stoull(match[1]));
        }
        node.stop();

        // The floor: the same blob from the same registry into the same
        // place, one flush.
        uint64_t offset = disk::find_partition(o.disk, "BOOT-B").start;
        int fd = ::open(o.disk.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) throw_errno("open " + o.disk.string());
        http::HttpOptions options;
        http::HttpClient client(options);
        uint64_t at = offset;
        start = std::chrono::steady_clock::now();
        http::BodyTarget target{nullptr, [&](std::string_view chunk) {
                                  if (::pwrite(fd, chunk.data(), chunk.size(), static_cast<off_t>(at)) !=
                                      static_cast<ssize_t>(chunk.size())) {
                                    throw_errno("pwrite");
                                  }
                                  at += chunk.size();
                                }};
        auto response = client.get("http://" + registry.address() + "/v2/bronze/installer/blobs/" + payload.digest,
                                   {}, target);
        ::fsync(fd);
        double f = seconds_since(start);
        ::close(fd);
        if (response.status != 200 || at - offset != payload.size) throw Error("the floor's fetch failed");
        m.floor = std::min(m.floor, f);
        fs::remove_all(node_dir);
      }
      rows.push_back(m);
    }

    std::printf("## Streamed upgrade from a registry (%s, %ld cores)\n\n",
                run_checked({"date", "-u", "+%F"}).out.substr(0, 10).c_str(), sysconf(_SC_NPROCESSORS_ONLN));
    std::printf("`_build/release/bench/stream_upgrade_bench` (a step of `make bench`); best of 2.\n\n");
    std::printf("| slot image | upgrade, s | floor: fetch + write, s | upgrade / floor (goal <= 1.1) | machined peak RSS | installer peak RSS |\n");
    std::printf("|---|---|---|---|---|---|\n");
    for (const auto& m : rows) {
      std::printf("| %.0f MiB | %.2f | %.2f | %.2f | %.1f MiB | %lu MiB |\n", static_cast<double>(m.payload) / kMiB,
                  m.upgrade, m.floor, m.upgrade / m.floor, static_cast<double>(m.machined_kib) / 1024,
                  static_cast<unsigned long>(m.installer_mib));
    }
    double small = static_cast<double>(rows[0].machined_kib / 1024 + rows[0].installer_mib);
    double large = static_cast<double>(rows[1].machined_kib / 1024 + rows[1].installer_mib);
    std::printf("\nNode peak memory, machined + installer: %.0f MiB for %.0f MiB, %.0f MiB for %.0f MiB "
                "(1 GiB / 100 MiB: %.2f; goal: within 10%% and under 64 MiB)\n",
                small, static_cast<double>(rows[0].payload) / kMiB, large,
                static_cast<double>(rows[1].payload) / kMiB, large / small);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stream_upgrade_bench: %s\n", e.what());
    return 1;
  }
}
