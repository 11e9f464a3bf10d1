#include "tests/support/grub_emu.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"

extern char** environ;

namespace bronze::test {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// What the wrapper reports starts with this. Each marker follows an empty
// echo, since GRUB's progress display ("[ grub.cfg 4.61KiB 100% ]") leaves
// the cursor mid-line; the parser still looks for it anywhere in a line.
constexpr std::string_view kMarker = "@@bronze-emu ";

// GRUB prints this when the default and every fallback failed, then waits
// for a key and shows the menu with no timeout: the run would never end.
constexpr std::string_view kAllFailed = "Failed to boot both default and fallback entries.";

// `linux`, `initrd` and `serial` are not commands in grub-emu, so these
// functions stand in for them (GRUB looks up commands before functions; the
// probe below proves the functions are the ones called). The mode moves from
// "probe" to "decide" once the probe passed, and to "list" once an entry
// booted: then the fallback list is pointed at every entry in turn, each
// reports itself, and the harness's own last entry halts.
// root is the ESP, as core.img's prefix (,gpt1) and BOOTX64.EFI leave it;
// `source` adds the cfg's entries to this menu as a boot's own config load
// does. pager=0 and bronze_emu_list are set in front of it.
constexpr const char* kWrapper = R"GRUB(set root=hd0,gpt1
set bronze_emu_mode=probe
function serial {
  return 0
}
function linux {
  unset bronze_emu_kernel
  if [ "$bronze_emu_mode" = probe ]; then
    echo; echo "@@bronze-emu probe"
    return 0
  fi
  echo; echo "@@bronze-emu $bronze_emu_mode $chosen"
  if [ "$bronze_emu_mode" = list ]; then return 0; fi
  if [ -f "$1" ]; then
    set bronze_emu_kernel="$chosen"
  else
    echo; echo "@@bronze-emu missing $1"
  fi
}
function initrd {
  if [ "$bronze_emu_mode" != decide ]; then return 0; fi
  for f in "$@"; do
    if [ ! -f "$f" ]; then
      echo; echo "@@bronze-emu missing $f"
      return 1
    fi
  done
  if [ "$bronze_emu_kernel" != "$chosen" ]; then return 1; fi
  echo; echo "@@bronze-emu boot $chosen"
  if [ "$bronze_emu_list" = 0 ]; then
    echo; echo "@@bronze-emu end"
    halt
  fi
  set bronze_emu_mode=list
  set fallback="0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31"
  return 1
}
linux bronze-emu-probe
set bronze_emu_mode=decide
source (hd0,gpt1)/boot/grub/grub.cfg
echo; echo "@@bronze-emu default $default"
echo; echo "@@bronze-emu fallback $fallback"
menuentry "bronze-emu-end" --id bronze-emu-end {
  echo; echo "@@bronze-emu end $bronze_emu_mode"
  halt
}
set timeout=0
)GRUB";

struct EmuRun {
  std::string raw;
  bool timed_out = false;
  bool all_failed = false;
};

std::vector<std::string> emulator_environment() {
  // The emulator draws with escape sequences whatever TERM says; leaving out
  // the caller's terminal settings keeps its output the same everywhere.
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    if (entry.starts_with("TERM=") || entry.starts_with("COLUMNS=") || entry.starts_with("LINES=")) continue;
    env.emplace_back(entry);
  }
  return env;
}

void kill_group(pid_t pid) { ::kill(-pid, SIGKILL); }

// Runs grub-emu by argv with no terminal on stdin, stdout and stderr merged
// so errors stay in order with the rest, and kills it at the deadline or as
// soon as GRUB says every entry failed.
EmuRun run_emulator(const fs::path& dir, const fs::path& device_map, std::chrono::seconds timeout) {
  if (!program_exists("grub-emu")) {
    throw Error("grub-emu not found: install the Debian package grub-emu (apt-get install grub-emu)");
  }
  std::vector<std::string> argv = {"grub-emu", "--device-map", device_map.string(), "--directory", dir.string()};
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("cannot create a pipe");

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so that the kill reaches anything it started.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  auto env_strings = emulator_environment();
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, "grub-emu", &actions, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    throw Error(std::string("cannot run grub-emu: ") + std::strerror(rc));
  }

  EmuRun run;
  auto deadline = Clock::now() + timeout;
  char buffer[65536];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      run.timed_out = true;
      kill_group(pid);
      break;
    }
    struct pollfd p = {fds[0], POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left));
    if (n < 0) {
      if (errno == EINTR) continue;
      kill_group(pid);
      ::close(fds[0]);
      throw_errno("poll");
    }
    if (n == 0) continue;
    ssize_t got = ::read(fds[0], buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    size_t from = run.raw.size() > kAllFailed.size() ? run.raw.size() - kAllFailed.size() : 0;
    run.raw.append(buffer, static_cast<size_t>(got));
    if (run.raw.find(kAllFailed, from) != std::string::npos) {
      run.all_failed = true;
      kill_group(pid);
      break;
    }
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw_errno("waitpid grub-emu");
  }
  return run;
}

// Removes the emulator's terminal control: CSI sequences (ESC [ ... final
// byte), other two-byte escapes, and carriage returns.
std::string strip_escapes(const std::string& raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\x1b' && i + 1 < raw.size()) {
      if (raw[i + 1] == '[') {
        size_t j = i + 2;
        while (j < raw.size() && !(raw[j] >= 0x40 && raw[j] <= 0x7e)) ++j;
        i = j;
      } else {
        ++i;
      }
      continue;
    }
    if (c == '\r') continue;
    out += c;
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string emulator_failure(const std::string& what, const std::string& output) {
  return "grub-emu " + what + "; it printed:\n" + output;
}

// A scratch --directory with the wrapper as its grub.cfg, and a device map
// naming the disk (hd0).
struct EmuDir {
  TempDir dir{"bronze-grub-emu"};
  fs::path map() const { return dir.path() / "device.map"; }
  EmuDir(const fs::path& disk, const std::string& config) {
    write_file(map(), "(hd0) " + fs::absolute(disk).string() + "\n");
    write_file(dir.path() / "grub.cfg", config);
  }
};

}  // namespace

GrubDecision evaluate_grub_cfg(const fs::path& disk, const GrubEmuOptions& options) {
  if (!fs::exists(disk)) throw Error("no disk image at " + disk.string());
  std::string config = "set pager=0\nset bronze_emu_list=" + std::string(options.list_entries ? "1" : "0") + "\n";
  EmuDir emu(disk, config + kWrapper);
  EmuRun run = run_emulator(emu.dir.path(), emu.map(), options.timeout);

  GrubDecision d;
  d.output = strip_escapes(run.raw);
  bool probed = false, ended = false;
  for (const auto& line : lines_of(d.output)) {
    // GRUB's progress display leaves text at the start of a line that an
    // error or a marker then follows.
    if (size_t at = line.find("error: "); at != std::string::npos) d.errors.push_back(line.substr(at));
    size_t at = line.find(kMarker);
    if (at == std::string::npos) continue;
    std::string rest = line.substr(at + kMarker.size());
    size_t space = rest.find(' ');
    std::string key = rest.substr(0, space);
    std::string value = space == std::string::npos ? "" : rest.substr(space + 1);
    if (key == "probe") probed = true;
    else if (key == "default") d.default_entry = value;
    else if (key == "fallback") d.fallback_entry = value;
    else if (key == "decide") d.tried.push_back(value);
    else if (key == "boot") d.booted = value;
    else if (key == "list") d.entries.push_back(value);
    else if (key == "end") ended = true;
  }
  if (run.timed_out) {
    throw Error(emulator_failure("did not finish within " + std::to_string(options.timeout.count()) + " s", d.output));
  }
  if (!probed) {
    throw Error(emulator_failure("did not run the harness's linux function (does this grub-emu have a linux command?)",
                                 d.output));
  }
  if (!run.all_failed && !ended) throw Error(emulator_failure("stopped before the menu ran", d.output));
  return d;
}

std::string run_grub_script(const fs::path& disk, const std::string& script, const GrubEmuOptions& options) {
  EmuDir emu(disk, "set pager=0\nset root=hd0,gpt1\n" + script + "\necho; echo \"@@bronze-emu end\"\nhalt\n");
  EmuRun run = run_emulator(emu.dir.path(), emu.map(), options.timeout);
  std::string output = strip_escapes(run.raw);
  if (run.timed_out) {
    throw Error(emulator_failure("did not finish within " + std::to_string(options.timeout.count()) + " s", output));
  }
  if (output.find(std::string(kMarker) + "end") == std::string::npos) {
    throw Error(emulator_failure("stopped before the end of the script", output));
  }
  return output;
}

bool is_emulator_only_error(const std::string& error_line) {
  return error_line == "error: terminal `serial' isn't found.";
}

std::vector<std::string> unexpected_errors(const GrubDecision& decision) {
  std::vector<std::string> out;
  for (const auto& e : decision.errors) {
    if (!is_emulator_only_error(e)) out.push_back(e);
  }
  return out;
}

}  // namespace bronze::test
