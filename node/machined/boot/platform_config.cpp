#include "node/machined/boot/platform_config.h"

#include "machine_config/machine_config.h"
#include "node/machined/state/apply_config.h"

namespace bronze::machined {

std::optional<std::string> config_from_platform(NodeContext& node, platform::MetadataEnvironment& env,
                                                const platform::RetryPolicy& policy, const std::string& config_url) {
  auto source = platform::source_for(node.facts.platform, config_url);
  if (!source) {
    node.say("platform: " + node.facts.platform +
             " has no config source yet; pass bronze.config=URL, or apply a config in maintenance mode");
    return std::nullopt;
  }
  auto fetched = platform::fetch_with_retries(*source, env, policy);
  if (!fetched.config) {
    node.say("platform: no machine config from " + source->name() + " (" + fetched.failure +
             "); staying in maintenance mode");
    return std::nullopt;
  }
  const std::string& text = *fetched.config->user_data;
  try {
    apply_machine_config(node, text, std::nullopt);
  } catch (const BadConfig& e) {
    node.say("platform: the user data from " + fetched.config->source +
             " is not a valid machine config, refused whole (STATE unchanged): " + e.what() +
             "; staying in maintenance mode");
    return std::nullopt;
  } catch (const std::exception& e) {
    node.say("platform: the machine config from " + fetched.config->source + " cannot be kept in STATE: " + e.what() +
             "; staying in maintenance mode");
    return std::nullopt;
  }
  // The config's machine.network.hostname wins; the platform's fills in.
  auto config = config::parse_machine_config(text, fetched.config->source);
  if (node.hostname.empty() && config.machine.network.hostname.empty()) node.hostname = fetched.config->hostname;
  node.platform_nameservers = fetched.config->dns_servers;
  return text;
}

}  // namespace bronze::machined
