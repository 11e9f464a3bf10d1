#include "tests/support/installer_cli.h"

#include "base/error.h"
#include "tests/support/image_fixture.h"

namespace bronze::test {
namespace fs = std::filesystem;

RunResult run_installer(const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> argv = {BRONZE_INSTALLER};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, options);
}

nlohmann::json disk_status(const fs::path& disk) {
  auto r = run_installer({"status", "--disk", disk.string(), "--json"});
  if (r.exit_code != 0) throw Error("installer status failed: " + r.err);
  return nlohmann::json::parse(r.out);
}

fs::path build_installer_image(const fs::path& out_dir, const std::string& version, const fs::path& signing_key,
                               const std::vector<std::string>& extra_args) {
  run_checked(imager_build_argv("installer", out_dir, version, signing_key, extra_args));
  return out_dir / "installer-amd64.tar";
}

}  // namespace bronze::test
