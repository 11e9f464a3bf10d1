#include "registry/www_authenticate.h"

#include <cctype>

#include "base/error.h"

namespace bronze::registry {

namespace {

// RFC 9110 token characters, which name the scheme and the parameters.
bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

class ChallengeReader {
 public:
  explicit ChallengeReader(std::string_view text) : text_(text) {}

  void skip_spaces() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t')) ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  bool take(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string_view token() {
    size_t start = pos_;
    while (pos_ < text_.size() && is_token_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // A quoted-string (backslash escapes the next character) or a bare token.
  std::string value() {
    if (!take('"')) return std::string(token());
    std::string out;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == '"') return out;
      if (c == '\\') {
        if (pos_ >= text_.size()) break;
        c = text_[pos_++];
      }
      out.push_back(c);
    }
    fail("a quoted value is not closed");
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw Error("registry sent a malformed WWW-Authenticate header (" + why + " at character " +
                std::to_string(pos_) + "): " + std::string(text_.substr(0, 300)));
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<BearerChallenge> parse_bearer_challenge(std::string_view header) {
  ChallengeReader reader(header);
  reader.skip_spaces();
  if (!equals_ignoring_case(reader.token(), "Bearer")) return std::nullopt;
  if (!reader.take(' ') && !reader.take('\t')) reader.fail("no space after 'Bearer'");

  BearerChallenge challenge;
  bool has_realm = false;
  while (true) {
    reader.skip_spaces();
    if (reader.at_end()) break;
    std::string_view name = reader.token();
    if (name.empty()) reader.fail("expected a parameter name");
    reader.skip_spaces();
    if (!reader.take('=')) reader.fail("expected '=' after '" + std::string(name) + "'");
    reader.skip_spaces();
    std::string value = reader.value();
    if (equals_ignoring_case(name, "realm")) {
      challenge.realm = std::move(value);
      has_realm = true;
    } else if (equals_ignoring_case(name, "service")) {
      challenge.service = std::move(value);
    } else if (equals_ignoring_case(name, "scope")) {
      challenge.scope = std::move(value);
    }
    // Others (error="insufficient_scope", ...) do not change the request.
    reader.skip_spaces();
    if (reader.at_end()) break;
    if (!reader.take(',')) reader.fail("expected ',' between parameters");
  }
  if (!has_realm || challenge.realm.empty()) {
    throw Error("registry asked for a Bearer token but named no realm to get it from: " +
                std::string(header.substr(0, 300)));
  }
  return challenge;
}

bool is_basic_challenge(std::string_view header) {
  ChallengeReader reader(header);
  reader.skip_spaces();
  return equals_ignoring_case(reader.token(), "Basic");
}

}  // namespace bronze::registry
