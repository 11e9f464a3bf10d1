// kspp-audit: checks a kernel config or image against the KSPP
// recommendations. Exit status: 0 nothing fails, 1 a rule fails, 2 bad usage
// or unreadable input.
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "kernel/audit/kspp_audit.h"
#include "kernel/audit/report_output.h"

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitUsage = 2;

constexpr const char* kUsage = R"(usage: kspp-audit [options] CONFIG_OR_KERNEL

Checks a kernel .config, or the config embedded in a kernel image
(CONFIG_IKCONFIG), against the Kernel Self Protection Project's
recommended settings. Prints one row per rule: OK, FAIL, N/A (not for this
arch, kernel version or configuration) or ACCEPTED (a listed exception).

options:
  --arch amd64|arm64        the kernel's arch (default: from the config)
  --kernel-version VERSION  e.g. 6.1 or 6.1.192 (default: the config's header)
  --cmdline "ARGS"          also check this kernel command line
  --exceptions FILE         YAML mapping of option to the reason it may fail
  --sysctls                 also list the recommended sysctls for this kernel
  --json                    machine-readable output
  -h, --help                this text

exit status: 0 when nothing fails, 1 when a rule fails, 2 for bad usage or
unreadable input.
)";

struct Arguments {
  std::string input;
  bronze::kspp::AuditOptions options;
  std::optional<std::string> exceptions_file;
  bool json = false;
  bool sysctls = false;
  bool help = false;
};

struct UsageError {
  std::string message;
};

Arguments parse_arguments(int argc, char** argv) {
  Arguments args;
  std::vector<std::string> words(argv + 1, argv + argc);
  for (size_t i = 0; i < words.size(); ++i) {
    std::string word = words[i];
    std::optional<std::string> inline_value;
    if (word.starts_with("--") && word.find('=') != std::string::npos) {
      inline_value = word.substr(word.find('=') + 1);
      word = word.substr(0, word.find('='));
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= words.size()) throw UsageError{word + " needs a value"};
      return words[++i];
    };
    auto no_value = [&]() {
      if (inline_value) throw UsageError{word + " takes no value"};
    };
    if (word == "-h" || word == "--help") {
      no_value();
      args.help = true;
    } else if (word == "--json") {
      no_value();
      args.json = true;
    } else if (word == "--sysctls") {
      no_value();
      args.sysctls = true;
    } else if (word == "--arch") {
      args.options.arch = value();
      if (args.options.arch != "amd64" && args.options.arch != "arm64") {
        throw UsageError{"--arch must be amd64 or arm64, not '" + args.options.arch + "'"};
      }
    } else if (word == "--kernel-version") {
      args.options.kernel_version = value();
    } else if (word == "--cmdline") {
      args.options.cmdline = value();
    } else if (word == "--exceptions") {
      args.exceptions_file = value();
    } else if (word.starts_with("-") && word != "-") {
      throw UsageError{"unknown option " + word};
    } else if (args.input.empty()) {
      args.input = word;
    } else {
      throw UsageError{"one CONFIG_OR_KERNEL only (got '" + args.input + "' and '" + word + "')"};
    }
  }
  if (!args.help && args.input.empty()) throw UsageError{"missing CONFIG_OR_KERNEL"};
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  try {
    args = parse_arguments(argc, argv);
  } catch (const UsageError& e) {
    std::cerr << "kspp-audit: " << e.message << "\n\n" << kUsage;
    return kExitUsage;
  }
  if (args.help) {
    std::cout << kUsage;
    return kExitPass;
  }
  try {
    if (args.exceptions_file) args.options.exceptions = bronze::kspp::load_exceptions(*args.exceptions_file);
    auto config = bronze::kspp::load_config(args.input);
    auto report = bronze::kspp::audit(config, args.options);
    std::vector<bronze::kspp::SysctlSetting> sysctls;
    if (args.sysctls) sysctls = bronze::kspp::recommended_sysctls(config, args.options);

    if (args.json) {
      auto json = bronze::kspp::to_json(report);
      if (args.sysctls) json["sysctls"] = bronze::kspp::to_json(sysctls);
      std::cout << json.dump(2) << "\n";
    } else {
      std::cout << bronze::kspp::format_table(report);
      if (args.sysctls) std::cout << "\n" << bronze::kspp::format_sysctls(sysctls);
    }
    for (const auto& option : report.unused_exceptions) {
      std::cerr << "kspp-audit: note: the exception for " << option << " matched no failing rule; remove it\n";
    }
    if (!report.passed()) {
      std::cerr << "kspp-audit: " << report.failures() << " KSPP rule(s) FAIL for " << args.input << "\n";
      return kExitFail;
    }
    return kExitPass;
  } catch (const bronze::Error& e) {
    std::cerr << "kspp-audit: " << e.what() << "\n";
    return kExitUsage;
  }
}
