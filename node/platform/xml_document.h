// The XML documents platforms hand a node (Azure's ovf-env.xml and the
// wireserver's goal state, VMware's OVF environment), read with expat into
// a small tree. Names are kept without their namespace prefix (wa:, oe:,
// ve:): the documents use prefixes inconsistently, and no two elements we
// read differ only by namespace. Bounded in size, depth and element count;
// a DOCTYPE (the only way to declare entities) is refused.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace bronze::platform {

struct XmlElement {
  std::string name;                               // local name: "CustomData"
  std::map<std::string, std::string> attributes;  // local names: "key" for oe:key
  std::string text;                               // the element's own character data
  std::vector<XmlElement> children;

  // The first child named `name`, or null.
  const XmlElement* child(std::string_view child_name) const;
  // Down a path of first children: find({"ProvisioningSection", "HostName"}).
  const XmlElement* find(std::initializer_list<std::string_view> path) const;
};

// The root element of `text`; throws bronze::Error naming `what`, the line
// and expat's reason when it is not well-formed XML or is too large.
XmlElement parse_xml(std::string_view text, const std::string& what);

// `text` with &, <, >, " and ' escaped, for a document we write.
std::string xml_escape(std::string_view text);

}  // namespace bronze::platform
