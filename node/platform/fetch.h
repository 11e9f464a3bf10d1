// Fetching a platform's config with retries: a missing source, a 404 or a
// timeout is retried with exponential backoff (the metadata service of a VM
// that just started may not answer yet); every attempt is logged. When the
// attempts are spent, the reason comes back and the node stays in
// maintenance mode.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "node/platform/config_source.h"

namespace bronze::platform {

struct RetryPolicy {
  int attempts = 6;
  std::chrono::milliseconds first_delay{2000};
  std::chrono::milliseconds max_delay{30000};
  // How to wait between attempts (the node feeds its watchdog meanwhile;
  // tests do not wait).
  std::function<void(std::chrono::milliseconds)> sleep;
};

struct FetchResult {
  std::optional<PlatformConfig> config;  // with user_data set
  std::string failure;                   // why there is none
  int attempts = 0;
};

FetchResult fetch_with_retries(ConfigSource& source, MetadataEnvironment& env, const RetryPolicy& policy);

}  // namespace bronze::platform
