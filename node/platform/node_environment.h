// The MetadataEnvironment of a booted node: HTTP through libcurl with short,
// bounded timeouts, and volumes found by label with libblkid and mounted
// read-only (nosuid, nodev, noexec) for the moment a file is read.
#pragma once

#include <cstdint>
#include <functional>

#include "node/platform/config_source.h"

namespace bronze::platform {

class NodeEnvironment : public MetadataEnvironment {
 public:
  // `timeout_seconds` bounds the connect and any stall of one request.
  explicit NodeEnvironment(std::function<void(const std::string&)> say, long timeout_seconds = 10)
      : say_(std::move(say)), timeout_seconds_(timeout_seconds) {}
  HttpAnswer http(const std::string& method, const std::string& url,
                  const std::map<std::string, std::string>& headers, const std::string& body) override;
  std::optional<std::string> read_volume_file(const std::vector<std::string>& labels, const std::string& path) override;
  std::optional<std::string> read_media_file(const std::string& path) override;
  std::string interface_with_mac(const std::string& mac) override;
  void say(const std::string& line) override { say_(line); }

 private:
  std::function<void(const std::string&)> say_;
  long timeout_seconds_;
};

// The largest user data or metadata document a node reads (AWS allows
// 16 KiB of user data; a machine config is a few KiB).
inline constexpr uint64_t kMaxMetadataBytes = 1024 * 1024;

}  // namespace bronze::platform
