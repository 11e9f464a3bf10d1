#include "node/platform/node_environment.h"

#include <blkid/blkid.h>
#include <sys/mount.h>

#include <filesystem>
#include <memory>

#include "base/error.h"
#include "base/files.h"
#include "http/http_client.h"

namespace bronze::platform {

namespace fs = std::filesystem;

HttpAnswer NodeEnvironment::http(const std::string& method, const std::string& url,
                                 const std::map<std::string, std::string>& headers) {
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
    auto response = client.request(method, url, lines, {}, http::collect_body(body, kMaxMetadataBytes, url));
    return {response.status, response.status >= 200 && response.status < 300 ? body : response.error_body};
  } catch (const Error& e) {
    // Not reachable (yet), or too slow: worth another attempt.
    throw NotAvailable(e.what());
  }
}

std::optional<std::string> NodeEnvironment::read_volume_file(const std::vector<std::string>& labels,
                                                             const std::string& path) {
  blkid_cache cache = nullptr;
  if (blkid_get_cache(&cache, "/dev/null") != 0) throw Error("libblkid could not make a cache");
  std::unique_ptr<std::remove_pointer_t<blkid_cache>, decltype(&blkid_put_cache)> owned(cache, &blkid_put_cache);
  blkid_probe_all(cache);
  for (const auto& label : labels) {
    std::unique_ptr<char, decltype(&free)> device(blkid_get_devname(cache, "LABEL", label.c_str()), &free);
    if (!device) continue;
    std::unique_ptr<char, decltype(&free)> type(blkid_get_tag_value(cache, "TYPE", device.get()), &free);
    std::string fs_type = type ? type.get() : "";
    if (fs_type != "iso9660" && fs_type != "vfat" && fs_type != "udf") {
      throw Error(std::string(device.get()) + " is labelled " + label + " but holds " +
                  (fs_type.empty() ? "no known filesystem" : fs_type) + " (iso9660, vfat or udf expected)");
    }
    TempDir mount_point("bronze-volume");
    if (::mount(device.get(), mount_point.path().c_str(), fs_type.c_str(), MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                nullptr) != 0) {
      throw_errno(std::string("mount ") + device.get() + " (" + label + ", " + fs_type + ") read-only");
    }
    std::optional<std::string> content;
    std::string failure;
    try {
      fs::path file = mount_point.path() / path;
      if (fs::is_regular_file(file)) {
        if (fs::file_size(file) > kMaxMetadataBytes) {
          failure = file.string() + " on " + label + " is larger than " + std::to_string(kMaxMetadataBytes) + " bytes";
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
  return std::nullopt;
}

}  // namespace bronze::platform
