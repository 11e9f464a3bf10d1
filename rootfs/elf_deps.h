// The shared libraries a dynamically linked program needs, found by reading
// its ELF dynamic section (DT_NEEDED, PT_INTERP) with libelf. Unlike ldd it
// runs nothing, so it works for another arch's binaries too.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace bronze::rootfs {

struct ElfInfo {
  std::string interpreter;           // "/lib64/ld-linux-x86-64.so.2", empty when static
  std::vector<std::string> needed;   // sonames
};

ElfInfo read_elf_info(const std::filesystem::path& binary);

// Every library `binary` needs, transitively, as absolute paths found in
// `search_dirs`, plus the interpreter. Throws naming a soname not found.
std::vector<std::filesystem::path> resolve_libraries(const std::filesystem::path& binary,
                                                     const std::vector<std::filesystem::path>& search_dirs);

// The arch an ELF file is built for, in Debian's spelling ("amd64",
// "arm64"), or "ELF machine N" for any other. Throws when it is no ELF file.
std::string elf_arch(const std::filesystem::path& binary);

// Throws, naming `what` and the arch it has, unless `binary` is built for
// `arch`: an image must not carry another arch's programs.
void require_elf_arch(const std::filesystem::path& binary, const std::string& arch, const std::string& what,
                      const std::string& hint);

// The GNU build-id note (hex) the linker computed over the binary's
// content, or "" when it has none. Names a build without hashing it.
std::string build_id(const std::filesystem::path& binary);

// Removes debug information from a copy of our own binary (node images carry
// no debugger), with the strip of the binary's arch.
void strip_debug(const std::filesystem::path& binary, const std::string& arch);

// Debian's library folders for an arch ("amd64" or "arm64").
std::vector<std::filesystem::path> default_library_dirs(const std::string& arch);

}  // namespace bronze::rootfs
