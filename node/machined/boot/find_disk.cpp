#include "node/machined/boot/find_disk.h"

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "disk/slots/bronze_disk.h"

namespace bronze::machined {
namespace fs = std::filesystem;

std::vector<fs::path> list_disks() {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/sys/block", error)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("loop", 0) == 0 || name.rfind("ram", 0) == 0) continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  std::vector<fs::path> out;
  for (const auto& name : names) out.push_back(fs::path("/dev") / name);
  return out;
}

std::optional<fs::path> find_boot_disk() {
  for (const auto& device : list_disks()) {
    try {
      disk::BronzeDisk::open(device);
      return device;
    } catch (const std::exception&) {
      // Not ours; look further.
    }
  }
  return std::nullopt;
}

std::optional<fs::path> wait_for_boot_disk(std::chrono::milliseconds limit, const std::function<void()>& keep_alive) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    if (auto disk = find_boot_disk()) return disk;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    if (keep_alive) keep_alive();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

}  // namespace bronze::machined
