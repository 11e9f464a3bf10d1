#include "imager/outputs/build_installer.h"
#include "imager/outputs/up_to_date.h"

#include "base/error.h"
#include "base/files.h"
#include "chunks/chunk_index.h"
#include "installer_image/image_archive.h"
#include "installer_image/image_writer.h"
#include "installer_image/installer_image.h"
#include "installer_image/signature_artifact.h"
#include "rootfs/elf_deps.h"
#include "signing/image_signature.h"

namespace bronze::imager {
namespace fs = std::filesystem;

void stage_installer_layer(const BuildRequest& r, const fs::path& dir) {
  if (r.installer.empty() || !fs::is_regular_file(r.installer)) {
    throw Error("installer binary " + r.installer.string() + " not found (build it with `make build`)");
  }
  fs::create_directories(dir / "bin");
  fs::copy_file(r.installer, dir / "bin/installer");
  rootfs::strip_debug(dir / "bin/installer", r.arch);
  for (const auto& library : rootfs::resolve_libraries(r.installer, rootfs::default_library_dirs(r.arch))) {
    fs::path target = dir / library.relative_path();
    fs::create_directories(target.parent_path());
    fs::copy_file(fs::canonical(library), target, fs::copy_options::overwrite_existing);
  }
  set_tree_times(dir, r.epoch);
}

BuildResult build_installer_image(const BuildRequest& r, Progress& progress, bool with_digests) {
  progress.stage("check inputs");
  CheckedInputs in = check_inputs(r);
  BuildResult result;
  result.image_name = "installer-" + r.arch;
  result.cmdline = in.cmdline;
  fs::path out = r.out_dir / (result.image_name + ".tar");
  fs::path stamp_path = r.out_dir / (result.image_name + ".inputs");
  std::vector<fs::path> finals = {out};
  if (outputs_current(stamp_path, in.stamp, finals)) {
    progress.done();
    result.up_to_date = true;
    result.outputs = describe_outputs(finals, with_digests);
    result.signature_tag = oci::signature_tag(oci::tagged_manifest_digest(out, r.version));
    return result;
  }
  std::error_code ignored;
  fs::remove(stamp_path, ignored);
  TempDir work("bronze-imager");
  AssembledSlot slot = assemble_slot(r, in, work.path(), progress);

  progress.stage("installer image");
  fs::path layer = work.path() / "layer";
  stage_installer_layer(r, layer);
  oci::ImageSpec spec;
  // Cosign-style: the signature names the image manifest's digest, which
  // names every blob, so it covers the installer, its loader and libraries
  // and the slot image alike (see signing/image_signature.h).
  spec.sign = [&](const std::string& manifest_digest) {
    return signing::sign_image(manifest_digest, {r.version, r.arch, in.platform.name, r.security_version}, in.key);
  };
  spec.slot_payload = slot.slot_image;
  // Published beside the slot image so that nodes can upgrade by delta
  // (chunks/, docs/DESIGN.md decision 22): 2.3 MiB per GiB of image.
  spec.chunk_index = chunks::serialize(chunks::index_path(slot.slot_image));
  spec.arch = r.arch;
  spec.tag = r.version;
  spec.epoch = r.epoch;
  spec.annotations = {{"org.opencontainers.image.title", "bronze-installer"},
                      {"org.opencontainers.image.version", r.version},
                      {"org.opencontainers.image.description", "Bronze installer for " + in.image_name},
                      {"dev.bronze.arch", r.arch},
                      {"dev.bronze.platform", in.platform.name}};
  for (const auto& entry : fs::recursive_directory_iterator(layer)) {
    if (!entry.is_regular_file()) continue;
    auto perms = static_cast<uint32_t>(fs::status(entry.path()).permissions() & fs::perms::mask);
    spec.files.push_back({fs::relative(entry.path(), layer).string(), entry.path(), perms});
  }
  oci::write_image_archive(spec, out);
  write_file(stamp_path, in.stamp);
  result.signature_tag = oci::signature_tag(oci::tagged_manifest_digest(out, r.version));
  progress.note("signed; publish the signature beside the image as tag " + result.signature_tag);
  progress.done();
  result.outputs = describe_outputs(finals, with_digests);
  return result;
}

}  // namespace bronze::imager
