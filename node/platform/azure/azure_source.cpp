#include "node/platform/azure/azure_source.h"

#include <algorithm>
#include <cctype>

#include "base/base64.h"
#include "base/error.h"
#include "node/platform/xml_document.h"

namespace bronze::platform {

namespace {

constexpr const char* kImds = "http://169.254.169.254/metadata/instance/compute";
constexpr const char* kImdsVersion = "api-version=2021-01-01";
// The wireserver's fixed address, and the protocol version and agent name
// its clients send.
constexpr const char* kWireserver = "http://168.63.129.16";
const std::map<std::string, std::string> kWireHeaders = {
    {"x-ms-agent-name", "WALinuxAgent"}, {"x-ms-version", "2012-11-30"}, {"Content-Type", "text/xml;charset=utf-8"}};

std::string trimmed(std::string text) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  text.erase(text.begin(), std::find_if_not(text.begin(), text.end(), space));
  text.erase(std::find_if_not(text.rbegin(), text.rend(), space).base(), text.end());
  return text;
}

std::string required_text(const XmlElement& root, std::initializer_list<std::string_view> path, const std::string& what) {
  const XmlElement* at = root.find(path);
  if (at == nullptr || trimmed(at->text).empty()) throw Error("the wireserver's goal state has no " + what);
  return trimmed(at->text);
}

void report_ready(MetadataEnvironment& env) {
  try {
    HttpAnswer goal = env.http("GET", std::string(kWireserver) + "/machine/?comp=goalstate", kWireHeaders);
    if (goal.status != 200) throw Error("the goal state request answered HTTP " + std::to_string(goal.status));
    auto state = parse_goal_state(goal.body);
    HttpAnswer health = env.http("POST", std::string(kWireserver) + "/machine?comp=health", kWireHeaders,
                                 ready_report(state));
    if (health.status != 200) throw Error("the health report answered HTTP " + std::to_string(health.status));
    env.say("platform: azure: reported ready to the wireserver (incarnation " + state.incarnation + ", instance " +
            state.instance_id + ")");
  } catch (const std::exception& e) {
    // The node works without it; Azure will call the provisioning failed.
    env.say(std::string("platform: azure: could not report ready to the wireserver: ") + e.what() +
            " (Azure will show the VM's provisioning as failed)");
  }
}

}  // namespace

void read_azure_ovf_env(const std::string& xml, PlatformConfig& into) {
  XmlElement root = parse_xml(xml, "ovf-env.xml");
  if (root.name != "Environment") throw Error("ovf-env.xml's root is <" + root.name + ">, not Azure's <Environment>");
  const XmlElement* set = root.find({"ProvisioningSection", "LinuxProvisioningConfigurationSet"});
  if (set == nullptr) throw Error("ovf-env.xml has no ProvisioningSection/LinuxProvisioningConfigurationSet");
  if (const XmlElement* host = set->child("HostName")) into.hostname = trimmed(host->text);
  if (const XmlElement* custom = set->child("CustomData"); custom != nullptr && !trimmed(custom->text).empty()) {
    auto decoded = base64_decode_wrapped(custom->text);
    if (!decoded) throw Error("ovf-env.xml's CustomData is not base64");
    into.user_data = *decoded;
  }
}

AzureGoalState parse_goal_state(const std::string& xml) {
  XmlElement root = parse_xml(xml, "the wireserver's goal state");
  if (root.name != "GoalState") throw Error("the wireserver's goal state has the root <" + root.name + ">");
  AzureGoalState goal;
  goal.incarnation = required_text(root, {"Incarnation"}, "Incarnation");
  goal.container_id = required_text(root, {"Container", "ContainerId"}, "Container/ContainerId");
  goal.instance_id =
      required_text(root, {"Container", "RoleInstanceList", "RoleInstance", "InstanceId"}, "RoleInstance/InstanceId");
  return goal;
}

std::string ready_report(const AzureGoalState& goal) {
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
         "<Health xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"
         "<GoalStateIncarnation>" + xml_escape(goal.incarnation) + "</GoalStateIncarnation>"
         "<Container><ContainerId>" + xml_escape(goal.container_id) + "</ContainerId>"
         "<RoleInstanceList><Role><InstanceId>" + xml_escape(goal.instance_id) + "</InstanceId>"
         "<Health><State>Ready</State></Health></Role></RoleInstanceList></Container></Health>\n";
}

PlatformConfig AzureSource::fetch(MetadataEnvironment& env) {
  PlatformConfig c;
  if (auto ovf = env.read_media_file("ovf-env.xml")) {
    read_azure_ovf_env(*ovf, c);
    if (c.user_data) c.source = "ovf-env.xml's CustomData on the provisioning media";
  }
  std::map<std::string, std::string> metadata = {{"Metadata", "true"}};
  if (!c.user_data) {
    std::string body = require_ok(env.http("GET", std::string(kImds) + "/userData?" + kImdsVersion + "&format=text", metadata),
                                  "the instance metadata's userData");
    if (trimmed(body).empty()) throw NotAvailable("neither custom data in ovf-env.xml nor user data in IMDS");
    auto decoded = base64_decode_wrapped(body);
    if (!decoded) throw Error("the instance metadata's userData is not base64");
    c.user_data = *decoded;
    c.source = "the instance metadata's userData";
  }
  if (c.hostname.empty()) {
    HttpAnswer name = env.http("GET", std::string(kImds) + "/name?" + kImdsVersion + "&format=text", metadata);
    if (name.status == 200) c.hostname = trimmed(name.body);
  }
  report_ready(env);
  return c;
}

}  // namespace bronze::platform
