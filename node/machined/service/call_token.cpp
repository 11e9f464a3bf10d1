#include "node/machined/service/call_token.h"

#include "pki/join_token.h"

namespace bronze::machined {

TokenCheck check_call_token(const grpc::ServerContext& context, const std::string& expected) {
  const auto& metadata = context.client_metadata();
  if (metadata.count(kTokenMetadataKey) != 1) return TokenCheck::Missing;
  const grpc::string_ref shown = metadata.find(kTokenMetadataKey)->second;
  return config::secrets_equal(std::string_view(shown.data(), shown.size()), expected) ? TokenCheck::Ok
                                                                                        : TokenCheck::Wrong;
}

}  // namespace bronze::machined
