#include "disk/boot/grub_cfg.h"

namespace bronze::disk {

// Kept in step with boot_state.{h,cpp}: the same variable names, the same
// rule for choosing a copy, the same torn-write checks.
std::string grub_cfg() {
  return R"GRUB(# Bronze boot configuration: static, written once at install.
# Upgrades, commits and rollbacks change only the boot state beside it:
#   state-1.env, state-2.env  two copies; the valid one with the higher
#                             generation wins (a copy is valid when the
#                             generation at its end matches the one at its start)
#   tally.env                 tries spent on the slot on trial (written here)

# The first serial port too (com0), on a PC. arm64 UEFI has no com0: there
# the firmware's console is the serial line already.
if [ "$grub_cpu" != arm64 ]; then
  serial --unit=0 --speed=115200
  terminal_input serial console
  terminal_output serial console
fi
set timeout=1

regexp --set=1:bronze_disk '^([^,]+)' "$root"
set bronze_esp="(${bronze_disk},gpt1)/boot/grub"

function bronze_read_state {
  unset bronze_gen
  unset bronze_default
  unset bronze_trial
  unset bronze_tries
  unset bronze_end
  if load_env --file "$1" bronze_gen bronze_default bronze_trial bronze_tries bronze_end; then
    if [ -n "$bronze_gen" ]; then
      if [ "$bronze_gen" = "$bronze_end" ]; then
        return 0
      fi
    fi
  fi
  return 1
}

set bronze_use=none
if bronze_read_state "${bronze_esp}/state-1.env"; then
  set bronze_use=1
  set bronze_s1_gen="$bronze_gen"
  set bronze_s1_default="$bronze_default"
  set bronze_s1_trial="$bronze_trial"
  set bronze_s1_tries="$bronze_tries"
fi
if bronze_read_state "${bronze_esp}/state-2.env"; then
  if [ "$bronze_use" = none ]; then
    set bronze_use=2
  elif [ "$bronze_gen" ">" "$bronze_s1_gen" ]; then
    set bronze_use=2
  fi
fi
if [ "$bronze_use" = 1 ]; then
  set bronze_cur_gen="$bronze_s1_gen"
  set bronze_cur_default="$bronze_s1_default"
  set bronze_cur_trial="$bronze_s1_trial"
  set bronze_cur_tries="$bronze_s1_tries"
elif [ "$bronze_use" = 2 ]; then
  set bronze_cur_gen="$bronze_gen"
  set bronze_cur_default="$bronze_default"
  set bronze_cur_trial="$bronze_trial"
  set bronze_cur_tries="$bronze_tries"
else
  echo "Bronze: no valid boot state; booting slot A"
  set bronze_cur_gen=0
  set bronze_cur_default=A
  set bronze_cur_trial=N
  set bronze_cur_tries=0
fi

# A slot on trial boots only while it has tries left, and only once the
# spent try is on disk; otherwise the committed slot boots.
set bronze_boot="$bronze_cur_default"
if [ "$bronze_cur_trial" != N ]; then
  set bronze_left="$bronze_cur_tries"
  unset bronze_tally_gen
  unset bronze_tally_left
  unset bronze_tally_end
  if load_env --file "${bronze_esp}/tally.env" bronze_tally_gen bronze_tally_left bronze_tally_end; then
    if [ "$bronze_tally_end" != "${bronze_tally_gen}-${bronze_tally_left}" ]; then
      set bronze_left=0
    elif [ "$bronze_tally_gen" = "$bronze_cur_gen" ]; then
      set bronze_left="$bronze_tally_left"
    fi
  else
    set bronze_left=0
  fi
  set bronze_next=none
  if [ "$bronze_left" = 9 ]; then set bronze_next=8; fi
  if [ "$bronze_left" = 8 ]; then set bronze_next=7; fi
  if [ "$bronze_left" = 7 ]; then set bronze_next=6; fi
  if [ "$bronze_left" = 6 ]; then set bronze_next=5; fi
  if [ "$bronze_left" = 5 ]; then set bronze_next=4; fi
  if [ "$bronze_left" = 4 ]; then set bronze_next=3; fi
  if [ "$bronze_left" = 3 ]; then set bronze_next=2; fi
  if [ "$bronze_left" = 2 ]; then set bronze_next=1; fi
  if [ "$bronze_left" = 1 ]; then set bronze_next=0; fi
  if [ "$bronze_next" != none ]; then
    set bronze_tally_gen="$bronze_cur_gen"
    set bronze_tally_left="$bronze_next"
    set bronze_tally_end="${bronze_cur_gen}-${bronze_next}"
    if save_env --file "${bronze_esp}/tally.env" bronze_tally_gen bronze_tally_left bronze_tally_end; then
      set bronze_boot="$bronze_cur_trial"
    fi
  else
    echo "Bronze: slot ${bronze_cur_trial} has no tries left; booting slot ${bronze_cur_default}"
  fi
fi

# fallback takes entry numbers only (an id there is ignored), so count the
# entries as they are defined: A's, when there is one, is the first.
set bronze_entries=0
unset bronze_a_entry
unset bronze_b_entry
unset bronze_version
unset bronze_cmdline
if [ -f "(${bronze_disk},gpt3)/slot.env" ]; then
  if load_env --file "(${bronze_disk},gpt3)/slot.env" bronze_version bronze_cmdline; then
    set bronze_a_version="$bronze_version"
    set bronze_a_cmdline="$bronze_cmdline"
    menuentry "Bronze ${bronze_a_version} (slot A)" --id slot-A {
      set gfxpayload=text
      linux (${bronze_disk},gpt3)/vmlinuz ${bronze_a_cmdline} bronze.slot=A
      initrd (${bronze_disk},gpt3)/initramfs.img
    }
    set bronze_a_entry=0
    set bronze_entries=1
  fi
fi
unset bronze_version
unset bronze_cmdline
if [ -f "(${bronze_disk},gpt4)/slot.env" ]; then
  if load_env --file "(${bronze_disk},gpt4)/slot.env" bronze_version bronze_cmdline; then
    set bronze_b_version="$bronze_version"
    set bronze_b_cmdline="$bronze_cmdline"
    menuentry "Bronze ${bronze_b_version} (slot B)" --id slot-B {
      set gfxpayload=text
      linux (${bronze_disk},gpt4)/vmlinuz ${bronze_b_cmdline} bronze.slot=B
      initrd (${bronze_disk},gpt4)/initramfs.img
    }
    set bronze_b_entry="$bronze_entries"
  fi
fi

set default="slot-${bronze_boot}"
unset fallback
if [ "$bronze_cur_default" = A -a -n "$bronze_a_entry" ]; then set fallback="$bronze_a_entry"; fi
if [ "$bronze_cur_default" = B -a -n "$bronze_b_entry" ]; then set fallback="$bronze_b_entry"; fi
)GRUB";
}

}  // namespace bronze::disk
