// The ISO's grub.cfg: one menu entry booting the image's kernel and
// initramfs from the ISO in maintenance mode ("live": no slot, no disk of
// ours), on the serial line and the screen like the disk's grub.cfg.
#pragma once

#include <string>
#include <vector>

namespace bronze::imager {

// The arguments the live system boots with after the image's command line:
// machined finds no slot to commit and no STATE, and says so.
const std::vector<std::string>& live_kernel_args();

// `cmdline`: the image's kernel command line (the manifest's); `arch`: the
// image's ("amd64" or "arm64"), which decides how GRUB reaches the serial line.
std::string iso_grub_cfg(const std::string& version, const std::string& cmdline, const std::string& arch);

// One word quoted for GRUB's script lexer, which treats $ ; & | < > { } and
// quotes specially: inside single quotes nothing is special but the quote.
std::string grub_quote(const std::string& word);

}  // namespace bronze::imager
