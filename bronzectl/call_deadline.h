// How long a single call may take before bronzectl says the node did not answer.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>

namespace bronze::ctl {

inline std::unique_ptr<grpc::ClientContext> call_context(std::chrono::seconds deadline = std::chrono::seconds(30)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + deadline);
  return context;
}

}  // namespace bronze::ctl
