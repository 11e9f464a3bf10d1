// Rolling upgrades against single ones, in the same run: three control plane
// nodes (a real 3-member etcd on 127.0.0.1, machined as host processes
// rebooted through grub-emu, as in the cluster suite) upgraded one by one
// with a bronzectl call each, then a fresh three upgraded by one rolling
// `bronzectl upgrade -n a,b,c`; and one worker against N workers with
// --max-unavailable N. Prints a Markdown table for BENCHMARKS.md.
//
//   cluster_bench        (make bench runs it; needs BRONZE_KERNEL_DIR)

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "machine_config/machine_config.h"
#include "tests/support/bronzectl_cli.h"
#include "tests/support/etcd_cluster.h"
#include "tests/support/image_fixture.h"
#include "tests/support/installer_cli.h"
#include "tests/support/simulated_node.h"

namespace fs = std::filesystem;
using namespace bronze;
using namespace bronze::test;

namespace {

struct Bench {
  fs::path dir;
  fs::path v2;

  // Workers get their serving certificates from this control plane's trustd.
  std::unique_ptr<HostNode> trustd;

  std::vector<std::unique_ptr<SimulatedNode>> nodes(const std::string& kind, int count, etcd::test::EtcdCluster* etcd,
                                                    const std::string& run) {
    if (kind == "worker" && !trustd) {
      HostNodeOptions cp;
      cp.disk = dir / "trustd.raw";
      copy_sparse(dir / "v1/metal-amd64.raw", cp.disk);
      cp.trust = dir / "key.pub";
      cp.work_dir = dir / "trustd";
      cp.config = dir / "cluster/controlplane.yaml";
      trustd = std::make_unique<HostNode>(cp);
    }
    auto base = config::load_machine_config(dir / "cluster" / (kind + ".yaml"));
    std::vector<std::unique_ptr<SimulatedNode>> out;
    for (int i = 0; i < count; ++i) {
      std::string name = run + "-" + std::to_string(i);
      auto c = base;
      c.machine.network.hostname = name;
      if (etcd) c.cluster.etcd = config::EtcdConfig{etcd->client_urls(), etcd->name(i), std::nullopt};
      fs::path work = dir / run / name;
      fs::create_directories(work);
      write_file(work / "config.yaml", config::to_yaml(c));
      HostNodeOptions o;
      o.disk = work / "disk.raw";
      copy_sparse(dir / "v1/metal-amd64.raw", o.disk);
      o.trust = dir / "key.pub";
      o.work_dir = work;
      o.config = work / "config.yaml";
      if (trustd) o.trustd_endpoint = trustd->trustd_endpoint();
      out.push_back(std::make_unique<SimulatedNode>(name, o));
    }
    return out;
  }

  double upgrade(const std::vector<std::string>& endpoints, const std::vector<std::string>& extra) {
    std::string list;
    for (const auto& e : endpoints) list += (list.empty() ? "" : ",") + e;
    std::vector<std::string> args = {"--bronzeconfig", (dir / "cluster/bronzeconfig").string(), "-n", list,
                                     "upgrade", "--image", v2.string(), "--preserve", "--wait"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto start = std::chrono::steady_clock::now();
    auto r = run_bronzectl(args);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r.exit_code != 0) throw Error("upgrade of " + list + " failed: " + r.err);
    return seconds;
  }
};

}  // namespace

int main() {
  try {
    TempDir dir("bronze-cluster-bench");
    Bench b{dir.path(), {}, nullptr};
    make_key_pair(b.dir);
    gen_config(b.dir / "cluster", "bench");
    build_image(b.dir / "v1", "v1", b.dir / "key.pem");
    b.v2 = build_installer_image(b.dir / "v2", "v2", b.dir / "key.pem");

    // Control plane: one at a time by hand, then one rolling call.
    double single_sum = 0;
    {
      etcd::test::EtcdCluster etcd(3);
      auto cps = b.nodes("controlplane", 3, &etcd, "single");
      for (auto& n : cps) single_sum += b.upgrade({n->endpoint()}, {});
    }
    double rolling = 0;
    {
      etcd::test::EtcdCluster etcd(3);
      auto cps = b.nodes("controlplane", 3, &etcd, "rolling");
      rolling = b.upgrade({cps[0]->endpoint(), cps[1]->endpoint(), cps[2]->endpoint()}, {});
    }
    // Workers: one alone, then three at once.
    double one_worker = 0, three_workers = 0;
    {
      auto ws = b.nodes("worker", 1, nullptr, "worker");
      one_worker = b.upgrade({ws[0]->endpoint()}, {});
    }
    {
      auto ws = b.nodes("worker", 3, nullptr, "workers");
      three_workers = b.upgrade({ws[0]->endpoint(), ws[1]->endpoint(), ws[2]->endpoint()}, {"--max-unavailable", "3"});
    }
    std::printf("## Rolling upgrades\n");
    std::printf("| measure | value |\n|---|---|\n");
    std::printf("| 3 control plane nodes, one `bronzectl upgrade --wait` each (sum) | %.2f s |\n", single_sum);
    std::printf("| 3 control plane nodes, one rolling `bronzectl upgrade -n a,b,c` | %.2f s |\n", rolling);
    std::printf("| rolling / 3 single (goal <= 1.1) | %.2f |\n", rolling / single_sum);
    std::printf("| 1 worker | %.2f s |\n", one_worker);
    std::printf("| 3 workers, `--max-unavailable 3` | %.2f s |\n", three_workers);
    std::printf("| 3 workers / 1 worker | %.2f |\n", three_workers / one_worker);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cluster_bench: %s\n", e.what());
    return 1;
  }
}
