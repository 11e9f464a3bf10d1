#include "node/platform/xml_document.h"

#include <expat.h>

#include <memory>

#include "base/error.h"

namespace bronze::platform {

namespace {

constexpr size_t kMaxDepth = 32;
constexpr size_t kMaxElements = 10000;
constexpr size_t kMaxBytes = 1024 * 1024;

std::string local_name(const char* name) {
  std::string text(name);
  auto colon = text.rfind(':');
  return colon == std::string::npos ? text : text.substr(colon + 1);
}

struct Builder {
  XmlElement root;
  std::vector<XmlElement*> open;  // the path from the root to the element being read
  size_t elements = 0;
  std::string too_much;           // set when a bound was crossed
  XML_Parser parser = nullptr;
};

void on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto* b = static_cast<Builder*>(data);
  if (++b->elements > kMaxElements || b->open.size() >= kMaxDepth) {
    b->too_much = b->elements > kMaxElements ? "more than 10000 elements" : "elements nested deeper than 32";
    XML_StopParser(b->parser, XML_FALSE);
    return;
  }
  XmlElement* element;
  if (b->open.empty()) {
    element = &b->root;
  } else {
    b->open.back()->children.emplace_back();
    element = &b->open.back()->children.back();
  }
  element->name = local_name(name);
  for (size_t i = 0; attributes[i] != nullptr; i += 2) element->attributes[local_name(attributes[i])] = attributes[i + 1];
  b->open.push_back(element);
}

// No platform document has a DTD; one can only be there to declare
// entities (external files, or a billion laughs), so it ends the parse.
void on_doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
  auto* b = static_cast<Builder*>(data);
  b->too_much = "a DOCTYPE declaration (refused: platform documents have none)";
  XML_StopParser(b->parser, XML_FALSE);
}

void on_end(void* data, const XML_Char*) {
  auto* b = static_cast<Builder*>(data);
  if (!b->open.empty()) b->open.pop_back();
}

void on_text(void* data, const XML_Char* text, int length) {
  auto* b = static_cast<Builder*>(data);
  if (!b->open.empty()) b->open.back()->text.append(text, static_cast<size_t>(length));
}

}  // namespace

const XmlElement* XmlElement::child(std::string_view child_name) const {
  for (const auto& c : children) {
    if (c.name == child_name) return &c;
  }
  return nullptr;
}

const XmlElement* XmlElement::find(std::initializer_list<std::string_view> path) const {
  const XmlElement* at = this;
  for (auto step : path) {
    at = at->child(step);
    if (at == nullptr) return nullptr;
  }
  return at;
}

XmlElement parse_xml(std::string_view text, const std::string& what) {
  if (text.size() > kMaxBytes) throw Error(what + " is larger than 1 MiB");
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr),
                                                                                       &XML_ParserFree);
  if (!parser) throw Error("expat could not make a parser");
  Builder builder;
  builder.parser = parser.get();
  XML_SetUserData(parser.get(), &builder);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
  if (XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE) != XML_STATUS_OK) {
    if (!builder.too_much.empty()) throw Error(what + " has " + builder.too_much);
    throw Error(what + " is not well-formed XML (line " + std::to_string(XML_GetCurrentLineNumber(parser.get())) +
                ": " + XML_ErrorString(XML_GetErrorCode(parser.get())) + ")");
  }
  if (builder.root.name.empty()) throw Error(what + " has no root element");
  return std::move(builder.root);
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace bronze::platform
