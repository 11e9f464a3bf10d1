#include "tests/support/simulated_node.h"

#include <chrono>

#include "base/error.h"
#include "disk/filesystems/ext4.h"
#include "disk/slots/bronze_disk.h"
#include "tests/support/grub_emu.h"
#include "tests/support/qemu.h"

namespace bronze::test {

SimulatedNode::SimulatedNode(std::string name, const HostNodeOptions& options) : name_(std::move(name)), options_(options) {
  if (options_.port == 0) options_.port = free_local_port();
  options_.slot = choose_slot();
  process_ = std::make_unique<HostNode>(options_);
  slots_.push_back(options_.slot);
  ++boots_;
  supervisor_ = std::thread([this] { supervise(); });
}

SimulatedNode::~SimulatedNode() {
  stopping_ = true;
  if (supervisor_.joinable()) supervisor_.join();
  std::lock_guard lock(mutex_);
  if (process_) process_->stop();
}

std::string SimulatedNode::logs() const {
  std::lock_guard lock(mutex_);
  return past_logs_ + (process_ ? process_->log() : "");
}

std::vector<std::string> SimulatedNode::boot_slots() const {
  std::lock_guard lock(mutex_);
  return slots_;
}

// What GRUB boots now; a slot whose command line asks for a panic crashes
// (the machine resets) and GRUB chooses again, as on a real machine.
std::string SimulatedNode::choose_slot() {
  for (int attempt = 0; attempt < 4; ++attempt) {
    GrubEmuOptions grub;
    grub.list_entries = false;
    auto decision = evaluate_grub_cfg(options_.disk, grub);
    if (decision.booted != "slot-A" && decision.booted != "slot-B") {
      throw Error(name_ + ": GRUB booted no slot:\n" + decision.output);
    }
    std::string slot = decision.booted.substr(5);
    auto disk = disk::BronzeDisk::open(options_.disk);
    auto env = disk::read_from_ext4(options_.disk, disk.slot_partition(slot[0]).start, "/slot.env");
    if (env.find("bronze.test.panic") == std::string::npos) return slot;
    std::lock_guard lock(mutex_);
    slots_.push_back(slot + "!");
  }
  throw Error(name_ + ": every boot crashed");
}

void SimulatedNode::supervise() {
  while (!stopping_) {
    int code = -1;
    {
      std::lock_guard lock(mutex_);
      code = process_ ? process_->wait_exit(0) : -1;
      if (code == kRebootExitCode) {
        past_logs_ += process_->log();
        process_.reset();
      }
    }
    if (code == -1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (code != kRebootExitCode) return;  // it ended for good; logs() says why
    try {
      options_.slot = choose_slot();
      auto started = std::make_unique<HostNode>(options_);
      std::lock_guard lock(mutex_);
      process_ = std::move(started);
      slots_.push_back(options_.slot);
      ++boots_;
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      past_logs_ += std::string("\nharness: cannot reboot ") + name_ + ": " + e.what() + "\n";
      return;
    }
  }
}

}  // namespace bronze::test
