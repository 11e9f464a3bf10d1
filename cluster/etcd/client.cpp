#include "cluster/etcd/client.h"

#include "cluster/etcd/etcd_rpc.grpc.pb.h"
#include "cluster/etcd/grpc_channels.h"
#include "cluster/etcd/grpc_keep_alive_stream.h"

namespace bronze::etcd {

namespace {

Member member_from(const etcdserverpb::Member& proto) {
  Member member;
  member.id = proto.id();
  member.name = proto.name();
  member.peer_urls.assign(proto.peerurls().begin(), proto.peerurls().end());
  member.client_urls.assign(proto.clienturls().begin(), proto.clienturls().end());
  member.is_learner = proto.islearner();
  return member;
}

KeyValue key_value_from(const mvccpb::KeyValue& proto) {
  return {proto.value(), proto.create_revision(), proto.mod_revision(), proto.lease()};
}

void check(const std::string& rpc, const CallResult& result) {
  if (!result.status.ok()) throw_rpc_error(rpc, result);
}

}  // namespace

Client::Client(std::vector<std::string> endpoints, std::chrono::milliseconds timeout, std::optional<TlsCredentials> tls)
    : channels_(std::make_unique<GrpcChannels>(std::move(endpoints), timeout, std::move(tls))) {}

Client::~Client() = default;

const std::vector<std::string>& Client::endpoints() const { return channels_->endpoints(); }
std::chrono::milliseconds Client::timeout() const { return channels_->timeout(); }
bool Client::uses_tls() const { return channels_->uses_tls(); }

std::vector<Member> Client::members() {
  etcdserverpb::MemberListResponse response;
  check("MemberList", channels_->call("MemberList", [&](auto channel, grpc::ClientContext& context) {
    return etcdserverpb::Cluster::NewStub(channel)->MemberList(&context, {}, &response);
  }));
  std::vector<Member> members;
  for (const auto& member : response.members()) members.push_back(member_from(member));
  return members;
}

MemberStatus Client::status(const std::string& client_url) {
  grpc::ClientContext context;
  channels_->set_deadline(context);
  etcdserverpb::StatusResponse response;
  grpc::Status status =
      etcdserverpb::Maintenance::NewStub(channels_->channel(client_url))->Status(&context, {}, &response);
  if (!status.ok()) {
    if (GrpcChannels::means_unreachable(status)) {
      channels_->member_unreachable(client_url);
      std::string why = describe(status);
      throw Error("etcd Status at " + client_url + ": " + why + channels_->unreachable_hint(why));
    }
    throw_rpc_error("Status", {status, client_url});
  }
  MemberStatus result;
  result.member_id = response.header().member_id();
  result.leader = response.leader();
  result.raft_term = response.raftterm();
  result.raft_index = response.raftindex();
  result.version = response.version();
  result.errors.assign(response.errors().begin(), response.errors().end());
  return result;
}

void Client::move_leader(const std::string& leader_client_url, uint64_t target) {
  grpc::ClientContext context;
  channels_->set_deadline(context);
  etcdserverpb::MoveLeaderRequest request;
  request.set_targetid(target);
  etcdserverpb::MoveLeaderResponse response;
  grpc::Status status = etcdserverpb::Maintenance::NewStub(channels_->channel(leader_client_url))
                            ->MoveLeader(&context, request, &response);
  if (!status.ok()) throw_rpc_error("MoveLeader", {status, leader_client_url});
}

void Client::snapshot(const std::function<bool(const std::string&)>& sink, std::chrono::seconds deadline) {
  std::string failures;
  for (const std::string& url : channels_->endpoints_preferred_first()) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + deadline);
    auto reader = etcdserverpb::Maintenance::NewStub(channels_->channel(url))->Snapshot(&context, {});
    etcdserverpb::SnapshotResponse response;
    bool received = false, cancelled = false;
    while (reader->Read(&response)) {
      received = true;
      if (!sink(response.blob())) {
        cancelled = true;
        context.TryCancel();
        break;
      }
    }
    grpc::Status status = reader->Finish();
    if (cancelled) throw Error("etcd Snapshot from " + url + ": stopped before the end");
    if (status.ok()) {
      if (!received) throw Error("etcd Snapshot from " + url + ": the stream ended without any data");
      return;
    }
    // Another member may serve it, but only while nothing was passed on.
    if (received || !GrpcChannels::means_unreachable(status)) throw_rpc_error("Snapshot", {status, url});
    channels_->endpoint_failed(url);
    failures += (failures.empty() ? "" : "; ") + url + ": " + describe(status);
  }
  throw Error("etcd Snapshot failed at every endpoint: " + failures + channels_->unreachable_hint(failures));
}

uint64_t Client::add_member(const std::vector<std::string>& peer_urls) {
  etcdserverpb::MemberAddRequest request;
  for (const std::string& url : peer_urls) request.add_peerurls(url);
  etcdserverpb::MemberAddResponse response;
  check("MemberAdd", channels_->call("MemberAdd", [&](auto channel, grpc::ClientContext& context) {
    return etcdserverpb::Cluster::NewStub(channel)->MemberAdd(&context, request, &response);
  }));
  return response.member().id();
}

void Client::remove_member(uint64_t id) {
  etcdserverpb::MemberRemoveRequest request;
  request.set_id(id);
  etcdserverpb::MemberRemoveResponse response;
  CallResult result = channels_->call("MemberRemove", [&](auto channel, grpc::ClientContext& context) {
    return etcdserverpb::Cluster::NewStub(channel)->MemberRemove(&context, request, &response);
  });
  // A removal that one member applied but answered too late is tried at the
  // next member, which no longer knows the id: the member is gone, as asked.
  if (result.status.error_code() == grpc::StatusCode::NOT_FOUND) return;
  check("MemberRemove " + member_id_hex(id), result);
}

std::optional<KeyValue> Client::get_entry(const std::string& key) {
  etcdserverpb::RangeRequest request;
  request.set_key(key);
  etcdserverpb::RangeResponse response;
  check("Range " + key, channels_->call("Range", [&](auto channel, grpc::ClientContext& context) {
    return etcdserverpb::KV::NewStub(channel)->Range(&context, request, &response);
  }));
  if (response.kvs().empty()) return std::nullopt;
  return key_value_from(response.kvs(0));
}

std::optional<std::string> Client::get(const std::string& key) {
  std::optional<KeyValue> entry = get_entry(key);
  if (!entry) return std::nullopt;
  return entry->value;
}

void Client::put(const std::string& key, const std::string& value, int64_t lease) {
  etcdserverpb::PutRequest request;
  request.set_key(key);
  request.set_value(value);
  request.set_lease(lease);
  etcdserverpb::PutResponse response;
  check("Put " + key, channels_->call("Put", [&](auto channel, grpc::ClientContext& context) {
    return etcdserverpb::KV::NewStub(channel)->Put(&context, request, &response);
  }));
}

bool Client::erase(const std::string& key) {
  etcdserverpb::DeleteRangeRequest request;
  request.set_key(key);
  etcdserverpb::DeleteRangeResponse response;
  check("DeleteRange " + key, channels_->call("DeleteRange", [&](auto channel, grpc::ClientContext& context) {
    return etcdserverpb::KV::NewStub(channel)->DeleteRange(&context, request, &response);
  }));
  return response.deleted() > 0;
}

std::optional<KeyValue> Client::put_if_absent(const std::string& key, const std::string& value, int64_t lease) {
  etcdserverpb::TxnRequest request;
  etcdserverpb::Compare* absent = request.add_compare();
  absent->set_key(key);
  absent->set_target(etcdserverpb::Compare::CREATE);
  absent->set_result(etcdserverpb::Compare::EQUAL);
  absent->set_create_revision(0);
  etcdserverpb::PutRequest* put = request.add_success()->mutable_request_put();
  put->set_key(key);
  put->set_value(value);
  put->set_lease(lease);
  // Read in the same transaction: the entry that made the compare fail.
  request.add_failure()->mutable_request_range()->set_key(key);
  etcdserverpb::TxnResponse response;
  check("Txn " + key, channels_->call("Txn", [&](auto channel, grpc::ClientContext& context) {
    return etcdserverpb::KV::NewStub(channel)->Txn(&context, request, &response);
  }));
  if (response.succeeded()) return std::nullopt;
  if (response.responses().empty() || response.responses(0).response_range().kvs().empty()) {
    // The compare failed yet the read found nothing: cannot happen within
    // one transaction, unless the server is not the etcd we expect.
    throw Error("etcd Txn " + key + ": the key exists but reading it returned nothing");
  }
  return key_value_from(response.responses(0).response_range().kvs(0));
}

int64_t Client::grant_lease(std::chrono::seconds ttl) {
  etcdserverpb::LeaseGrantRequest request;
  request.set_ttl(ttl.count());
  etcdserverpb::LeaseGrantResponse response;
  check("LeaseGrant", channels_->call("LeaseGrant", [&](auto channel, grpc::ClientContext& context) {
    return etcdserverpb::Lease::NewStub(channel)->LeaseGrant(&context, request, &response);
  }));
  if (!response.error().empty()) throw Error("etcd LeaseGrant: " + response.error());
  return response.id();
}

bool Client::revoke_lease(int64_t id) {
  etcdserverpb::LeaseRevokeRequest request;
  request.set_id(id);
  etcdserverpb::LeaseRevokeResponse response;
  CallResult result = channels_->call("LeaseRevoke", [&](auto channel, grpc::ClientContext& context) {
    return etcdserverpb::Lease::NewStub(channel)->LeaseRevoke(&context, request, &response);
  });
  // etcd answers NOT_FOUND ("requested lease not found") for a lease that
  // expired or was revoked already: what the caller wanted has happened.
  if (result.status.error_code() == grpc::StatusCode::NOT_FOUND) return false;
  check("LeaseRevoke " + std::to_string(id), result);
  return true;
}

int64_t Client::lease_ttl_left(int64_t id) {
  etcdserverpb::LeaseTimeToLiveRequest request;
  request.set_id(id);
  etcdserverpb::LeaseTimeToLiveResponse response;
  check("LeaseTimeToLive " + std::to_string(id),
        channels_->call("LeaseTimeToLive", [&](auto channel, grpc::ClientContext& context) {
          return etcdserverpb::Lease::NewStub(channel)->LeaseTimeToLive(&context, request, &response);
        }));
  return response.ttl() < 0 ? -1 : response.ttl();
}

bool Client::keep_alive_once(int64_t id) {
  std::string failures;
  // Like the unary calls: the next endpoint when one does not answer.
  for (size_t attempt = 0; attempt < channels_->endpoints().size(); ++attempt) {
    std::unique_ptr<KeepAliveStream> stream = open_keep_alive_stream(channels_->timeout());
    std::optional<int64_t> ttl = stream->renew(id);
    if (ttl) return *ttl > 0;
    failures += (failures.empty() ? "" : "; ") + stream->endpoint() + ": no answer within " +
                std::to_string(channels_->timeout().count()) + " ms";
  }
  throw Error("etcd LeaseKeepAlive " + std::to_string(id) + ": no endpoint answered: " + failures);
}

std::unique_ptr<KeepAliveStream> Client::open_keep_alive_stream(std::chrono::milliseconds lifetime) {
  return open_grpc_keep_alive_stream(*channels_, lifetime);
}

}  // namespace bronze::etcd
