#include "node/platform/nocloud/nocloud_source.h"

#include <yaml-cpp/yaml.h>

#include "base/error.h"

namespace bronze::platform {

namespace {
const std::vector<std::string> kLabels = {"cidata", "CIDATA"};
}  // namespace

std::string nocloud_hostname(const std::string& meta_data) {
  try {
    YAML::Node doc = YAML::Load(meta_data);
    if (doc.IsMap() && doc["local-hostname"] && doc["local-hostname"].IsScalar()) {
      return doc["local-hostname"].as<std::string>();
    }
    return "";
  } catch (const YAML::Exception& e) {
    throw Error(std::string("NoCloud meta-data is not YAML: ") + e.what());
  }
}

PlatformConfig NoCloudSource::fetch(MetadataEnvironment& env) {
  auto user_data = env.read_volume_file(kLabels, "user-data");
  if (!user_data) throw NotAvailable("no volume labelled cidata with a user-data file");
  PlatformConfig c;
  c.source = "the cidata volume's user-data";
  c.user_data = *user_data;
  if (auto meta = env.read_volume_file(kLabels, "meta-data")) c.hostname = nocloud_hostname(*meta);
  return c;
}

}  // namespace bronze::platform
