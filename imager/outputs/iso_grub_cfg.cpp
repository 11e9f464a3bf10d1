#include "imager/outputs/iso_grub_cfg.h"

#include <cctype>
#include <sstream>
#include <string_view>

namespace bronze::imager {

const std::vector<std::string>& live_kernel_args() {
  static const std::vector<std::string> args = {"bronze.slot=live", "bronze.maintenance"};
  return args;
}

std::string grub_quote(const std::string& word) {
  bool plain = !word.empty();
  for (char c : word) {
    bool safe = std::isalnum(static_cast<unsigned char>(c)) || std::string_view("._-=,:/+@%").find(c) != std::string_view::npos;
    if (!safe) plain = false;
  }
  if (plain) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string iso_grub_cfg(const std::string& version, const std::string& cmdline, const std::string& arch) {
  std::string args;
  std::istringstream words(cmdline);
  for (std::string word; words >> word;) args += " " + grub_quote(word);
  for (const auto& word : live_kernel_args()) args += " " + word;
  // The first serial port too (com0), on a PC. arm64 UEFI has no com0
  // (`serial --unit=0` fails there): its firmware's console, GRUB's terminal
  // by default, is the serial line already.
  std::string terminals;
  if (arch != "arm64") {
    terminals = "serial --unit=0 --speed=115200\n"
                "terminal_input serial console\n"
                "terminal_output serial console\n";
  }
  return "# Bronze live ISO: boots the image in maintenance mode, to install it from.\n" + terminals +
         "set timeout=1\n"
         "\n"
         "menuentry " + grub_quote("Bronze " + version + " (live, maintenance mode)") + " --id live {\n"
         "  set gfxpayload=text\n"
         "  linux /boot/vmlinuz" + args + "\n"
         "  initrd /boot/initramfs.img /boot/install.img\n"
         "}\n";
}

}  // namespace bronze::imager
