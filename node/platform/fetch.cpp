#include "node/platform/fetch.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "base/error.h"

namespace bronze::platform {

namespace {

// "2.00" for 2000 ms.
std::string seconds_text(std::chrono::milliseconds delay) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", std::chrono::duration<double>(delay).count());
  return text;
}

}  // namespace

FetchResult fetch_with_retries(ConfigSource& source, MetadataEnvironment& env, const RetryPolicy& policy) {
  FetchResult result;
  auto delay = policy.first_delay;
  for (int attempt = 1; attempt <= policy.attempts; ++attempt) {
    result.attempts = attempt;
    env.say("platform: " + source.name() + ": fetching the machine config (attempt " + std::to_string(attempt) +
            " of " + std::to_string(policy.attempts) + ")");
    try {
      PlatformConfig config = source.fetch(env);
      if (!config.user_data || config.user_data->empty()) throw NotAvailable("the user data is empty");
      env.say("platform: " + source.name() + ": got " + std::to_string(config.user_data->size()) + " bytes from " +
              config.source + (config.hostname.empty() ? "" : "; hostname " + config.hostname));
      result.config = std::move(config);
      return result;
    } catch (const std::exception& e) {
      // NotAvailable (no data, 404, a timeout) and a platform answering
      // nonsense alike: a VM's metadata may come late or flap at boot.
      result.failure = e.what();
    }
    if (attempt == policy.attempts) break;
    env.say("platform: " + source.name() + ": " + result.failure + "; retrying in " +
            seconds_text(delay) + " s");
    if (policy.sleep) {
      policy.sleep(delay);
    } else {
      std::this_thread::sleep_for(delay);
    }
    delay = std::min(delay * 2, policy.max_delay);
  }
  env.say("platform: " + source.name() + ": giving up after " + std::to_string(result.attempts) +
          " attempts: " + result.failure);
  return result;
}

}  // namespace bronze::platform
