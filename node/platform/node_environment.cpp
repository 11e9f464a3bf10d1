#include "node/platform/node_environment.h"

#include <blkid/blkid.h>
#include <sys/mount.h>

#include <cctype>
#include <filesystem>
#include <memory>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/files.h"
#include "http/http_client.h"

namespace bronze::platform {

namespace fs = std::filesystem;

namespace {

// `path` on `device` (a `fs_type` filesystem, `what` for messages), mounted
// read-only for the moment of the read; nullopt when it holds no such file.
std::optional<std::string> read_from_device(const std::string& device, const std::string& fs_type,
                                            const std::string& what, const std::string& path) {
  TempDir mount_point("bronze-volume");
  if (::mount(device.c_str(), mount_point.path().c_str(), fs_type.c_str(), MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
              nullptr) != 0) {
    throw_errno("mount " + device + " (" + what + ", " + fs_type + ") read-only");
  }
  std::optional<std::string> content;
  std::string failure;
  try {
    fs::path file = mount_point.path() / path;
    if (fs::is_regular_file(file)) {
      if (fs::file_size(file) > kMaxMetadataBytes) {
        failure = file.string() + " on " + what + " is larger than " + std::to_string(kMaxMetadataBytes) + " bytes";
      } else {
        content = read_file(file);
      }
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  ::umount2(mount_point.path().c_str(), MNT_DETACH);
  if (!failure.empty()) throw Error(failure);
  return content;
}

using BlkidCache = std::unique_ptr<std::remove_pointer_t<blkid_cache>, decltype(&blkid_put_cache)>;

BlkidCache probed_devices() {
  blkid_cache cache = nullptr;
  if (blkid_get_cache(&cache, "/dev/null") != 0) throw Error("libblkid could not make a cache");
  BlkidCache owned(cache, &blkid_put_cache);
  blkid_probe_all(cache);
  return owned;
}

}  // namespace

HttpAnswer NodeEnvironment::http(const std::string& method, const std::string& url,
                                 const std::map<std::string, std::string>& headers, const std::string& request_body) {
  http::HttpOptions options;
  options.timeout_seconds = timeout_seconds_;
  options.peer = "the metadata service";
  options.follow_redirects = false;
  options.user_agent = "bronze-node";
  http::HttpClient client(options);
  std::vector<std::string> lines;
  for (const auto& [name, value] : headers) lines.push_back(name + ": " + value);
  std::string body;
  try {
    auto response = client.request(method, url, lines, request_body, http::collect_body(body, kMaxMetadataBytes, url));
    return {response.status, response.status >= 200 && response.status < 300 ? body : response.error_body};
  } catch (const Error& e) {
    // Not reachable (yet), or too slow: worth another attempt.
    throw NotAvailable(e.what());
  }
}

std::optional<std::string> NodeEnvironment::read_volume_file(const std::vector<std::string>& labels,
                                                             const std::string& path) {
  auto owned = probed_devices();
  blkid_cache cache = owned.get();
  for (const auto& label : labels) {
    std::unique_ptr<char, decltype(&free)> device(blkid_get_devname(cache, "LABEL", label.c_str()), &free);
    if (!device) continue;
    std::unique_ptr<char, decltype(&free)> type(blkid_get_tag_value(cache, "TYPE", device.get()), &free);
    std::string fs_type = type ? type.get() : "";
    if (fs_type != "iso9660" && fs_type != "vfat" && fs_type != "udf") {
      throw Error(std::string(device.get()) + " is labelled " + label + " but holds " +
                  (fs_type.empty() ? "no known filesystem" : fs_type) + " (iso9660, vfat or udf expected)");
    }
    return read_from_device(device.get(), fs_type, label, path);
  }
  return std::nullopt;
}

std::optional<std::string> NodeEnvironment::read_media_file(const std::string& path) {
  auto owned = probed_devices();
  blkid_dev_iterate devices = blkid_dev_iterate_begin(owned.get());
  std::vector<std::pair<std::string, std::string>> media;  // device, type
  blkid_dev device = nullptr;
  while (blkid_dev_next(devices, &device) == 0) {
    const char* name = blkid_dev_devname(device);
    std::unique_ptr<char, decltype(&free)> type(blkid_get_tag_value(owned.get(), "TYPE", name), &free);
    if (type && (std::string(type.get()) == "iso9660" || std::string(type.get()) == "udf")) {
      media.emplace_back(name, type.get());
    }
  }
  blkid_dev_iterate_end(devices);
  for (const auto& [name, type] : media) {
    if (auto content = read_from_device(name, type, name, path)) return content;
  }
  return std::nullopt;
}

std::string NodeEnvironment::interface_with_mac(const std::string& mac) {
  auto lower = [](std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  };
  std::string wanted = lower(mac);
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/class/net", ec)) {
    std::string address = read_file_or_empty(entry.path() / "address");
    while (!address.empty() && std::isspace(static_cast<unsigned char>(address.back()))) address.pop_back();
    // A bond or VLAN shares its first member's address; the NIC is what is meant.
    if (lower(address) == wanted && std::filesystem::exists(entry.path() / "device")) return entry.path().filename();
  }
  return "";
}

}  // namespace bronze::platform
