// The one grub.cfg of a Bronze disk. It is static: written at install and
// never again. Which slot boots is decided at boot time from the boot state
// files beside it (see boot_state.h); the menu entries read each slot's own
// version and kernel command line from the slot's slot.env.
#pragma once

#include <string>

namespace bronze::disk {

std::string grub_cfg();

}  // namespace bronze::disk
