// Fixtures shared by the kspp-audit unit tests: compressing bytes the way a
// kernel build does, and fake kernel images that carry a config.
#pragma once

#include <string>
#include <string_view>

#include "kernel/audit/kspp_audit.h"

namespace bronze::kspp::testing {

enum class Compression { Gzip, Xz, Zstd, Bzip2, Lzma };

// `data` compressed into one stream of the given format (libarchive's writer).
std::string compress(std::string_view data, Compression compression);

// What CONFIG_IKCONFIG puts into a kernel: "IKCFG_ST" + gzip(config) + "IKCFG_ED".
std::string ikconfig_blob(std::string_view config_text);

// A kernel-like image: some code bytes, a payload compressed with `payload`
// that holds the IKCONFIG blob among other bytes, then trailing bytes.
std::string fake_compressed_kernel(std::string_view config_text, Compression payload);

// Audits config text; arch and version come from the text unless set.
Report audit_text(std::string_view config_text, AuditOptions options = {});

// A config header for `arch` ("x86" or "arm64") and `version`, plus the arch symbol.
std::string header(std::string_view arch, std::string_view version);

}  // namespace bronze::kspp::testing
