#include "base/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>

#include "base/error.h"

extern char** environ;

namespace bronze {

namespace {

struct Pipe {
  int read_end = -1;
  int write_end = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("cannot create a pipe");
    read_end = fds[0];
    write_end = fds[1];
  }
  ~Pipe() {
    if (read_end >= 0) ::close(read_end);
    if (write_end >= 0) ::close(write_end);
  }
  void close_write() {
    ::close(write_end);
    write_end = -1;
  }
};

std::vector<std::string> build_environment(const RunOptions& options) {
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) merged[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& key : options.unset_env) merged.erase(key);
  for (const auto& [key, value] : options.env) merged[key] = value;
  std::vector<std::string> out;
  for (const auto& [key, value] : merged) out.push_back(key + "=" + value);
  return out;
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

// Passes every complete line of `text` after `relayed` to `sink`.
void relay_lines(const std::string& text, size_t appended_at, size_t& relayed,
                 const std::function<void(const std::string&)>& sink) {
  for (size_t nl = text.find('\n', appended_at); nl != std::string::npos; nl = text.find('\n', nl + 1)) {
    sink(text.substr(relayed, nl - relayed));
    relayed = nl + 1;
  }
}

}  // namespace

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  if (argv.empty()) throw Error("run: empty command");
  Pipe out_pipe, err_pipe;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const char* input = options.stdin_file.empty() ? "/dev/null" : options.stdin_file.c_str();
  posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe.write_end, 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe.write_end, 2);
  if (!options.working_dir.empty()) posix_spawn_file_actions_addchdir_np(&actions, options.working_dir.c_str());

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto env_strings = build_environment(options);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw Error("cannot run " + argv[0] + ": " + std::strerror(rc) +
                (rc == ENOENT ? " (is it installed? `make deps` installs what Bronze needs)" : ""));
  }
  out_pipe.close_write();
  err_pipe.close_write();

  RunResult result;
  size_t relayed = 0;  // stderr bytes already passed to on_stderr_line
  struct pollfd fds[2] = {{out_pipe.read_end, POLLIN, 0}, {err_pipe.read_end, POLLIN, 0}};
  std::string* sinks[2] = {&result.out, &result.err};
  int open_count = 2;
  char buffer[65536];
  while (open_count > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw_errno("poll");
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        size_t before = sinks[i]->size();
        sinks[i]->append(buffer, static_cast<size_t>(n));
        if (i == 1 && options.on_stderr_line) relay_lines(*sinks[i], before, relayed, options.on_stderr_line);
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_count;
      }
    }
  }

  int status = 0;
  struct rusage usage {};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) throw_errno("waitpid " + argv[0]);
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.max_rss_kib = static_cast<uint64_t>(usage.ru_maxrss);
  return result;
}

RunResult run_checked(const std::vector<std::string>& argv, const RunOptions& options) {
  RunResult result = run(argv, options);
  if (result.exit_code != 0) {
    std::string detail = result.err.empty() ? result.out : result.err;
    while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
    throw Error(argv[0] + " failed (exit " + std::to_string(result.exit_code) + "): " + detail +
                "\n  command: " + command_line(argv));
  }
  return result;
}

bool program_exists(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string paths = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= paths.size()) {
    size_t end = paths.find(':', start);
    if (end == std::string::npos) end = paths.size();
    std::string candidate = paths.substr(start, end - start) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace bronze
