#include "node/platform/vmware/vmware_source.h"

#include "base/base64.h"
#include "base/error.h"
#include "node/platform/xml_document.h"

namespace bronze::platform {

std::map<std::string, std::string> read_ovf_properties(const std::string& xml) {
  XmlElement root = parse_xml(xml, "the OVF environment");
  if (root.name != "Environment") throw Error("the OVF environment's root is <" + root.name + ">, not <Environment>");
  std::map<std::string, std::string> properties;
  const XmlElement* section = root.child("PropertySection");
  if (section == nullptr) return properties;
  for (const auto& property : section->children) {
    if (property.name != "Property") continue;
    auto key = property.attributes.find("key");
    auto value = property.attributes.find("value");
    if (key == property.attributes.end()) throw Error("the OVF environment has a Property without oe:key");
    properties[key->second] = value == property.attributes.end() ? "" : value->second;
  }
  return properties;
}

void read_vmware_properties(const std::map<std::string, std::string>& properties, PlatformConfig& into) {
  for (const char* key : {"bronze.config", "user-data"}) {
    auto found = properties.find(key);
    if (found == properties.end() || found->second.empty()) continue;
    auto decoded = base64_decode_wrapped(found->second);
    if (!decoded) throw Error(std::string("the OVF property ") + key + " is not base64");
    into.user_data = *decoded;
    into.source = std::string("the OVF property ") + key;
    break;
  }
  if (auto hostname = properties.find("hostname"); hostname != properties.end()) into.hostname = hostname->second;
}

PlatformConfig VmwareSource::fetch(MetadataEnvironment& env) {
  auto document = env.read_media_file("ovf-env.xml");
  if (!document) throw NotAvailable("no CD holds ovf-env.xml (set the vApp's OVF environment transport to ISO image)");
  PlatformConfig c;
  read_vmware_properties(read_ovf_properties(*document), c);
  if (!c.user_data) throw NotAvailable("the OVF environment has no bronze.config or user-data property");
  return c;
}

}  // namespace bronze::platform
