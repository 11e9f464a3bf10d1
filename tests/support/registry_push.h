// Publishing an installer image to a registry the way README.md tells a
// release to: skopeo copies the image by its tag and, beside it, every
// signature the archive carries, each under its own sha256-<hex>.sig tag.
#pragma once

#include <filesystem>
#include <string>

namespace bronze::test {

// Pushes the image of `archive` to `reference` (host:port/repo:tag) over
// plain HTTP or HTTPS without checking its certificate, with its signatures
// unless `with_signatures` is false, logged in as `credentials`
// ("user:password") when given; returns the digest of the manifest the
// registry holds. Fails the test run when a copy fails.
std::string push_installer_image(const std::filesystem::path& archive, const std::string& reference,
                                 const std::filesystem::path& work_dir, bool with_signatures = true,
                                 const std::string& credentials = {});

}  // namespace bronze::test
