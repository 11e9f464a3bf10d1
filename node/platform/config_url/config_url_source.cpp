#include "node/platform/config_url/config_url_source.h"

#include "base/error.h"

namespace bronze::platform {

PlatformConfig ConfigUrlSource::fetch(MetadataEnvironment& env) {
  if (url_.rfind("http://", 0) != 0 && url_.rfind("https://", 0) != 0) {
    throw Error("bronze.config=" + url_ + " is not an http or https URL");
  }
  PlatformConfig c;
  c.source = url_;
  c.user_data = require_ok(env.http("GET", url_), "the machine config at " + url_);
  return c;
}

}  // namespace bronze::platform
