#include "tests/support/registry_push.h"

#include "base/error.h"
#include "base/files.h"
#include "base/subprocess.h"
#include "installer_image/documents.h"
#include "installer_image/media_types.h"
#include "installer_image/outer_archive.h"
#include "installer_image/signature_artifact.h"

namespace bronze::test {
namespace fs = std::filesystem;

std::string push_installer_image(const fs::path& archive, const std::string& reference, const fs::path& work_dir,
                                 bool with_signatures, const std::string& credentials) {
  fs::create_directories(work_dir);
  fs::path policy = work_dir / "policy.json";
  write_file(policy, R"({"default":[{"type":"insecureAcceptAnything"}]})");
  RunOptions options{{{"TMPDIR", work_dir.string()}}, {}, {}};
  auto copy = [&](const std::string& from_tag, const std::string& to, const std::vector<std::string>& extra) {
    // --preserve-digests: skopeo would otherwise compress the layer, and a
    // changed manifest is one its signature no longer names.
    std::vector<std::string> argv = {"skopeo", "--policy", policy.string(), "copy", "--quiet",
                                     "--preserve-digests", "--dest-tls-verify=false"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    if (!credentials.empty()) argv.insert(argv.end(), {"--dest-creds", credentials});
    argv.push_back("oci-archive:" + archive.string() + ":" + from_tag);
    argv.push_back("docker://" + to);
    run_checked(argv, options);
  };
  std::string repository = reference.substr(0, reference.rfind(':'));
  oci::ImageIndex index = oci::parse_index(oci::OuterArchive(archive).read_member("index.json", 1 << 20));
  std::string image_tag;
  for (const auto& d : index.manifests) {
    auto ref = d.annotations.find(oci::kRefNameAnnotation);
    if (ref == d.annotations.end()) continue;
    if (oci::is_signature_tag(ref->second)) {
      if (with_signatures) copy(ref->second, repository + ":" + ref->second, {});
    } else {
      image_tag = ref->second;
    }
  }
  if (image_tag.empty()) throw Error(archive.string() + " names no image by tag");
  fs::path digest_file = work_dir / "pushed-digest";
  copy(image_tag, reference, {"--digestfile", digest_file.string()});
  return read_file(digest_file);
}

}  // namespace bronze::test
