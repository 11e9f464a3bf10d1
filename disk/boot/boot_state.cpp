#include "disk/boot/boot_state.h"

#include <charconv>
#include <vector>

#include "base/error.h"

namespace bronze::disk {

namespace {

constexpr std::string_view kSignature = "# GRUB Environment Block\n";

std::string lookup(const std::vector<std::pair<std::string, std::string>>& vars, const std::string& key) {
  for (const auto& [k, v] : vars) {
    if (k == key) return v;
  }
  return {};
}

std::optional<uint64_t> parse_generation(const std::string& text) {
  if (text.size() != 10 || text[0] == '0') return std::nullopt;
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string generation_text(uint64_t generation) {
  if (generation < kFirstGeneration || generation > 9999999999ULL) {
    throw Error("boot state generation " + std::to_string(generation) + " is out of range");
  }
  return std::to_string(generation);
}

bool is_slot(const std::string& s) { return s == "A" || s == "B"; }
bool is_digit(const std::string& s) { return s.size() == 1 && s[0] >= '0' && s[0] <= '9'; }

}  // namespace

std::string encode_env_block(const std::vector<std::pair<std::string, std::string>>& vars) {
  std::string block(kSignature);
  for (const auto& [key, value] : vars) {
    for (char c : value) {
      // GRUB escapes these; our values never need them, so refuse them.
      if (c == '\n' || c == '\\') throw Error("boot environment value for " + key + " holds a newline or backslash");
    }
    block += key + "=" + value + "\n";
  }
  if (block.size() > kEnvBlockSize) throw Error("boot environment block exceeds " + std::to_string(kEnvBlockSize) + " bytes");
  block.resize(kEnvBlockSize, '#');
  return block;
}

std::optional<std::vector<std::pair<std::string, std::string>>> decode_env_block(std::string_view block) {
  if (block.size() != kEnvBlockSize || block.substr(0, kSignature.size()) != kSignature) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> vars;
  size_t pos = kSignature.size();
  while (pos < block.size()) {
    size_t eol = block.find('\n', pos);
    if (eol == std::string_view::npos) break;
    std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    vars.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
  }
  return vars;
}

std::string encode_state(const BootState& s) {
  if (s.default_slot != 'A' && s.default_slot != 'B') throw Error("boot state: default slot must be A or B");
  if (s.trial_slot != 'A' && s.trial_slot != 'B' && s.trial_slot != 'N') throw Error("boot state: trial slot must be A, B or N");
  if (s.tries < 0 || s.tries > 9) throw Error("boot state: tries must be 0 to 9");
  std::string gen = generation_text(s.generation);
  return encode_env_block({{"bronze_gen", gen},
                           {"bronze_default", std::string(1, s.default_slot)},
                           {"bronze_trial", std::string(1, s.trial_slot)},
                           {"bronze_tries", std::to_string(s.tries)},
                           {"bronze_end", gen}});
}

std::optional<BootState> decode_state(std::string_view block) {
  auto vars = decode_env_block(block);
  if (!vars) return std::nullopt;
  std::string gen = lookup(*vars, "bronze_gen");
  if (gen != lookup(*vars, "bronze_end")) return std::nullopt;
  auto generation = parse_generation(gen);
  std::string def = lookup(*vars, "bronze_default");
  std::string trial = lookup(*vars, "bronze_trial");
  std::string tries = lookup(*vars, "bronze_tries");
  if (!generation || !is_slot(def) || !(is_slot(trial) || trial == "N") || !is_digit(tries)) return std::nullopt;
  return BootState{*generation, def[0], trial[0], tries[0] - '0'};
}

std::string encode_tally(const Tally& t) {
  if (t.left < 0 || t.left > 9) throw Error("boot tally: tries left must be 0 to 9");
  std::string gen = generation_text(t.generation);
  std::string left = std::to_string(t.left);
  return encode_env_block({{"bronze_tally_gen", gen}, {"bronze_tally_left", left}, {"bronze_tally_end", gen + "-" + left}});
}

std::optional<Tally> decode_tally(std::string_view block) {
  auto vars = decode_env_block(block);
  if (!vars) return std::nullopt;
  std::string gen = lookup(*vars, "bronze_tally_gen");
  std::string left = lookup(*vars, "bronze_tally_left");
  if (lookup(*vars, "bronze_tally_end") != gen + "-" + left) return std::nullopt;
  auto generation = parse_generation(gen);
  if (!generation || !is_digit(left)) return std::nullopt;
  return Tally{*generation, left[0] - '0'};
}

std::optional<BootState> choose_state(const std::optional<BootState>& first, const std::optional<BootState>& second,
                                      int* which) {
  int chosen = 0;
  if (first) chosen = 1;
  if (second && (!first || second->generation > first->generation)) chosen = 2;
  if (which) *which = chosen;
  if (chosen == 1) return first;
  if (chosen == 2) return second;
  return std::nullopt;
}

std::string encode_slot_env(const std::string& version, const std::string& cmdline) {
  return encode_env_block({{"bronze_version", version}, {"bronze_cmdline", cmdline}});
}

}  // namespace bronze::disk
