// /etc/os-release, the freedesktop format: KEY=value or KEY="value".
#pragma once

#include <map>
#include <string>

namespace bronze::machined {

std::map<std::string, std::string> parse_os_release(const std::string& text);

}  // namespace bronze::machined
