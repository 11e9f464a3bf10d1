// One exception type for every failure a user has to act on. The message
// names what went wrong and, where we know it, what to do about it.
#pragma once

#include <stdexcept>
#include <string>

namespace bronze {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Error carrying errno's text: "open /x: No such file or directory".
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace bronze
