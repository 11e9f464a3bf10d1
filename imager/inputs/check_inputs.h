// The first step of every output: check and read the inputs, before any
// work, and hash them all into a stamp (equal stamps, equal outputs).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "imager/profile/build_request.h"
#include "imager/profile/platform.h"
#include "signing/ed25519.h"

namespace bronze::imager {

// Inputs checked and read, before any work.
struct CheckedInputs {
  Platform platform;
  std::string image_name;  // "metal-amd64"
  std::string cmdline;
  uint64_t disk_size = 0;
  std::string format;  // the disk format to write
  signing::PrivateKey key;
  std::string public_pem;
  std::map<std::string, std::string> kspp_exceptions;  // project's and platform's
  std::optional<std::string> machine_config;  // its text, once it parsed
  std::string stamp;  // hash of every input: equal stamps, equal outputs
};

// Throws an Error naming the first bad input; writes nothing but the output
// folder (created when missing).
CheckedInputs check_inputs(const BuildRequest& request);

}  // namespace bronze::imager
