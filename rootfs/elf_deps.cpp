#include "rootfs/elf_deps.h"

#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <set>

#include "base/error.h"
#include "base/sha256.h"
#include "base/subprocess.h"

namespace bronze::rootfs {

namespace {

// An ELF file open for reading through libelf; throws when it is none.
class ElfFile {
 public:
  explicit ElfFile(const std::filesystem::path& path) {
    if (elf_version(EV_CURRENT) == EV_NONE) throw Error("libelf is too old");
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw_errno("cannot open " + path.string());
    elf_ = elf_begin(fd_, ELF_C_READ, nullptr);
    if (!elf_ || elf_kind(elf_) != ELF_K_ELF) {
      close();
      throw Error(path.string() + " is not an ELF file");
    }
  }
  ~ElfFile() { close(); }
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;
  Elf* get() const { return elf_; }

 private:
  void close() {
    if (elf_) elf_end(elf_);
    if (fd_ >= 0) ::close(fd_);
    elf_ = nullptr;
    fd_ = -1;
  }
  int fd_ = -1;
  Elf* elf_ = nullptr;
};

}  // namespace

ElfInfo read_elf_info(const std::filesystem::path& binary) {
  ElfFile file(binary);
  Elf* elf = file.get();
  ElfInfo info;

  size_t program_headers = 0;
  if (elf_getphdrnum(elf, &program_headers) != 0) throw Error(binary.string() + ": cannot read program headers");
  for (size_t i = 0; i < program_headers; ++i) {
    GElf_Phdr phdr;
    if (!gelf_getphdr(elf, static_cast<int>(i), &phdr) || phdr.p_type != PT_INTERP) continue;
    size_t size = 0;
    char* raw = elf_rawfile(elf, &size);
    if (raw && phdr.p_offset + phdr.p_filesz <= size) {
      info.interpreter = std::string(raw + phdr.p_offset, strnlen(raw + phdr.p_offset, phdr.p_filesz));
    }
  }

  Elf_Scn* section = nullptr;
  while ((section = elf_nextscn(elf, section)) != nullptr) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(section, &shdr) || shdr.sh_type != SHT_DYNAMIC) continue;
    Elf_Data* data = elf_getdata(section, nullptr);
    if (!data || shdr.sh_entsize == 0) continue;
    size_t count = shdr.sh_size / shdr.sh_entsize;
    for (size_t i = 0; i < count; ++i) {
      GElf_Dyn dyn;
      if (!gelf_getdyn(data, static_cast<int>(i), &dyn) || dyn.d_tag != DT_NEEDED) continue;
      const char* name = elf_strptr(elf, shdr.sh_link, dyn.d_un.d_val);
      if (name) info.needed.emplace_back(name);
    }
  }
  return info;
}

std::vector<std::filesystem::path> resolve_libraries(const std::filesystem::path& binary,
                                                     const std::vector<std::filesystem::path>& search_dirs) {
  std::vector<std::filesystem::path> out;
  std::set<std::string> seen;
  std::vector<std::filesystem::path> queue{binary};
  while (!queue.empty()) {
    auto current = queue.back();
    queue.pop_back();
    ElfInfo info = read_elf_info(current);
    if (!info.interpreter.empty() && seen.insert(info.interpreter).second) out.emplace_back(info.interpreter);
    for (const auto& soname : info.needed) {
      if (!seen.insert(soname).second) continue;
      std::filesystem::path found;
      for (const auto& dir : search_dirs) {
        if (std::filesystem::exists(dir / soname)) {
          found = dir / soname;
          break;
        }
      }
      if (found.empty()) {
        throw Error(current.string() + " needs " + soname + ", which is in none of the library folders searched");
      }
      out.push_back(found);
      queue.push_back(found);
    }
  }
  return out;
}

std::string elf_arch(const std::filesystem::path& binary) {
  ElfFile file(binary);
  Elf* elf = file.get();
  GElf_Ehdr header;
  if (!gelf_getehdr(elf, &header)) throw Error(binary.string() + ": cannot read the ELF header");
  if (header.e_machine == EM_X86_64) return "amd64";
  if (header.e_machine == EM_AARCH64) return "arm64";
  return "ELF machine " + std::to_string(header.e_machine);
}

void require_elf_arch(const std::filesystem::path& binary, const std::string& arch, const std::string& what,
                      const std::string& hint) {
  std::string has = elf_arch(binary);
  if (has != arch) throw Error(what + " " + binary.string() + " is built for " + has + ", not " + arch + "; " + hint);
}

std::string build_id(const std::filesystem::path& binary) {
  if (elf_version(EV_CURRENT) == EV_NONE) throw Error("libelf is too old");
  int fd = ::open(binary.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_errno("cannot open " + binary.string());
  std::unique_ptr<int, void (*)(int*)> fd_guard(&fd, [](int* f) { ::close(*f); });
  Elf* elf = elf_begin(fd, ELF_C_READ, nullptr);
  if (!elf) return "";
  std::unique_ptr<Elf, decltype(&elf_end)> guard(elf, &elf_end);
  Elf_Scn* section = nullptr;
  while ((section = elf_nextscn(elf, section)) != nullptr) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(section, &shdr) || shdr.sh_type != SHT_NOTE) continue;
    Elf_Data* data = elf_getdata(section, nullptr);
    if (!data) continue;
    size_t offset = 0, name_offset = 0, desc_offset = 0;
    GElf_Nhdr note;
    while ((offset = gelf_getnote(data, offset, &note, &name_offset, &desc_offset)) > 0) {
      if (note.n_type != NT_GNU_BUILD_ID || note.n_namesz != 4) continue;
      const auto* bytes = static_cast<const uint8_t*>(data->d_buf);
      if (std::memcmp(bytes + name_offset, "GNU", 4) != 0) continue;
      return to_hex(bytes + desc_offset, note.n_descsz);
    }
  }
  return "";
}

void strip_debug(const std::filesystem::path& binary, const std::string& arch) {
  run_checked({arch == "arm64" ? "aarch64-linux-gnu-strip" : "strip", "--strip-debug", binary.string()});
}

std::vector<std::filesystem::path> default_library_dirs(const std::string& arch) {
  std::string triplet = arch == "arm64" ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
  if (arch == "arm64") {
    // Debian multiarch's arm64 packages first: the loader is theirs
    // (/lib/ld-linux-aarch64.so.1), and libc must come from the same build
    // as the loader. The cross toolchain's own copies come last.
    return {"/lib/" + triplet, "/usr/lib/" + triplet, "/usr/" + triplet + "/lib"};
  }
  return {"/lib/" + triplet, "/usr/lib/" + triplet, "/lib64", "/usr/lib64"};
}

}  // namespace bronze::rootfs
