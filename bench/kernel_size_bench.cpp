// The kernels' sizes and what each platform driver family costs in them.
// The build (kernel/build-kernel.sh) keeps `builtin-sizes`: text, data and
// bss of every built-in directory under drivers/ and net/, each summing its
// subdirectories. A family's cost here is its text + data, uncompressed;
// the compressed vmlinuz grows by about the same share of the total growth
// (compression ratios differ little between driver code). Prints Markdown
// for BENCHMARKS.md.
//
//   kernel_size_bench    (make bench runs it; needs BRONZE_KERNEL_DIR and BRONZE_KERNEL_DIR_ARM64)

#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "base/error.h"
#include "base/files.h"

namespace fs = std::filesystem;
using namespace bronze;

namespace {

struct Family {
  const char* directory;
  const char* what;
};

// The families kernel/config/drivers.config adds, by the folder that holds
// each. Files at the top of drivers/scsi (virtio-scsi, PVSCSI, storvsc) are
// in its total only.
const std::vector<Family> kFamilies = {
    {"drivers/ata", "AHCI SATA (metal)"},
    {"drivers/nvme", "NVMe (aws, gcp, metal)"},
    {"drivers/scsi", "SCSI: core, disks, CD-ROM, virtio-scsi, PVSCSI, storvsc, and the two below"},
    {"drivers/scsi/mpt3sas", "LSI MPT3SAS (metal)"},
    {"drivers/scsi/megaraid", "MegaRAID SAS (metal)"},
    {"drivers/usb", "USB: xHCI, usb-storage, UAS (metal)"},
    {"drivers/net/ethernet/intel", "Intel e1000, e1000e, igb, ixgbe(vf), i40e, ice (metal)"},
    {"drivers/net/ethernet/mellanox", "Mellanox mlx5 (metal, azure)"},
    {"drivers/net/ethernet/amazon", "Amazon ENA (aws)"},
    {"drivers/net/ethernet/google", "Google gVNIC (gcp)"},
    {"drivers/net/vmxnet3", "VMXNET3 (vmware)"},
    {"drivers/hv", "Hyper-V VMBus, utils, balloon (azure)"},
    {"drivers/net/hyperv", "Hyper-V netvsc (azure)"},
    {"drivers/video", "EFI framebuffer and its console (metal, UEFI)"},
    {"drivers/net/bonding", "bonding (machine.network bonds)"},
    {"net/8021q", "802.1Q VLANs (machine.network VLANs)"},
};

// directory -> text + data, from builtin-sizes ("text data bss directory").
std::map<std::string, uint64_t> read_sizes(const fs::path& file) {
  std::map<std::string, uint64_t> sizes;
  std::istringstream lines(read_file(file));
  uint64_t text = 0, data = 0, bss = 0;
  std::string directory;
  while (lines >> text >> data >> bss >> directory) sizes[directory] = text + data;
  return sizes;
}

std::string kib(uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", static_cast<double>(bytes) / 1024.0);
  return text;
}

}  // namespace

int main() {
  try {
    struct Kernel {
      const char* arch;
      const char* file;
      fs::path folder;
    };
    std::vector<Kernel> kernels;
    for (auto [var, arch, file] : {std::tuple{"BRONZE_KERNEL_DIR", "amd64", "bzImage"},
                                   std::tuple{"BRONZE_KERNEL_DIR_ARM64", "arm64", "Image.gz"}}) {
      const char* folder = std::getenv(var);
      if (!folder) throw Error(std::string(var) + " is not set: `make bench` sets it to the cached kernel's folder");
      kernels.push_back({arch, file, folder});
    }
    std::printf("## Kernel size\n\n| arch | vmlinuz, bytes |\n|---|---|\n");
    for (const auto& k : kernels) {
      std::printf("| %s (%s) | %ju |\n", k.arch, k.file, static_cast<uintmax_t>(fs::file_size(k.folder / "vmlinuz")));
    }
    std::printf("\n## What each driver family costs (text + data, KiB, uncompressed)\n\n");
    std::printf("| family | folder | amd64 | arm64 |\n|---|---|---|---|\n");
    std::vector<std::map<std::string, uint64_t>> sizes;
    for (const auto& k : kernels) sizes.push_back(read_sizes(k.folder / "builtin-sizes"));
    for (const auto& family : kFamilies) {
      std::printf("| %s | %s |", family.what, family.directory);
      for (const auto& arch_sizes : sizes) {
        auto found = arch_sizes.find(family.directory);
        std::printf(" %s |", found == arch_sizes.end() || found->second == 0 ? "—" : kib(found->second).c_str());
      }
      std::printf("\n");
    }
    std::printf("| all of drivers/ and net/ | | %s | %s |\n", kib(sizes[0]["drivers"] + sizes[0]["net"]).c_str(),
                kib(sizes[1]["drivers"] + sizes[1]["net"]).c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kernel_size_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
