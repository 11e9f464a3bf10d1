#include "cluster/etcd/grpc_keep_alive_stream.h"

#include "cluster/etcd/etcd_rpc.grpc.pb.h"

namespace bronze::etcd {

namespace {

using Stream = grpc::ClientReaderWriter<etcdserverpb::LeaseKeepAliveRequest, etcdserverpb::LeaseKeepAliveResponse>;

class GrpcKeepAliveStream : public KeepAliveStream {
 public:
  GrpcKeepAliveStream(GrpcChannels& channels, std::chrono::milliseconds lifetime)
      : channels_(channels), endpoint_(channels.preferred_endpoint()) {
    context_.set_deadline(std::chrono::system_clock::now() + lifetime);
    stub_ = etcdserverpb::Lease::NewStub(channels_.channel(endpoint_));
    stream_ = stub_->LeaseKeepAlive(&context_);
  }

  ~GrpcKeepAliveStream() override {
    // Finish() waits for the server to end the call; cancelling first makes
    // that immediate whatever state the stream is in.
    context_.TryCancel();
    stream_->Finish();
  }

  std::optional<int64_t> renew(int64_t lease) override {
    etcdserverpb::LeaseKeepAliveRequest request;
    request.set_id(lease);
    etcdserverpb::LeaseKeepAliveResponse response;
    if (!stream_->Write(request) || !stream_->Read(&response)) {
      channels_.endpoint_failed(endpoint_);
      return std::nullopt;
    }
    return response.ttl();
  }

  void cancel() override { context_.TryCancel(); }
  const std::string& endpoint() const override { return endpoint_; }

 private:
  GrpcChannels& channels_;
  std::string endpoint_;
  grpc::ClientContext context_;
  std::unique_ptr<etcdserverpb::Lease::Stub> stub_;
  std::unique_ptr<Stream> stream_;
};

}  // namespace

std::unique_ptr<KeepAliveStream> open_grpc_keep_alive_stream(GrpcChannels& channels,
                                                              std::chrono::milliseconds lifetime) {
  return std::make_unique<GrpcKeepAliveStream>(channels, lifetime);
}

}  // namespace bronze::etcd
