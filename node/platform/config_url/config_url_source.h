// bronze.config=URL on the kernel command line, as Talos's talos.config=:
// the machine config is fetched from that http(s) URL, on any platform.
#pragma once

#include "node/platform/config_source.h"

namespace bronze::platform {

class ConfigUrlSource : public ConfigSource {
 public:
  explicit ConfigUrlSource(std::string url) : url_(std::move(url)) {}
  std::string name() const override { return "bronze.config"; }
  PlatformConfig fetch(MetadataEnvironment& env) override;

 private:
  std::string url_;
};

}  // namespace bronze::platform
