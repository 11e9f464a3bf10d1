// A secret a caller shows in a call's metadata, under "token": the join
// token a worker shows trustd, the maintenance token a client shows a node
// in maintenance mode. Over TLS only, like every call here.
#pragma once

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

namespace bronze::machined {

inline constexpr const char* kTokenMetadataKey = "token";

enum class TokenCheck { Missing, Wrong, Ok };

// Compares the token of the call with `expected` in constant time
// (config::secrets_equal). A call with no token, or with several, shows
// none.
TokenCheck check_call_token(const grpc::ServerContext& context, const std::string& expected);

}  // namespace bronze::machined
