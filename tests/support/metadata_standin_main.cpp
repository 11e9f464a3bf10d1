// metadata_standin PLATFORM PATH=FILE...: answers the one HTTP request on
// its stdin and stdout as PLATFORM's metadata service would, serving FILE
// at PATH. QEMU runs it for each guest connection to 169.254.169.254:80
// (guestfwd=...-cmd:metadata_standin ...).
#include <cstdio>
#include <string>

#include "base/files.h"
#include "tests/support/metadata_standin.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: metadata_standin PLATFORM [PATH=FILE]...\n");
    return 2;
  }
  bronze::test::MetadataStandIn standin;
  standin.platform = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    auto eq = arg.find('=');
    if (eq == std::string::npos) {
      std::fprintf(stderr, "metadata_standin: %s is not PATH=FILE\n", argv[i]);
      return 2;
    }
    standin.files[arg.substr(0, eq)] = bronze::read_file(arg.substr(eq + 1));
  }
  bronze::test::serve_one_request(standin, 0, 1);
  return 0;
}
