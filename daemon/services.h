// The gRPC services of gateway.v1 (callback API), plus caller authentication.
//
// Every handler: authenticate (Authenticate below) → validate → act, never blocking a gRPC
// thread. Errors leave through ToGrpcStatus (daemon/grpc_status.h) only.
//
// Thread-safety: services are stateless apart from DaemonState (thread-safe); gRPC calls them
// from many threads.
#pragma once

#include <functional>

#include "daemon/state.h"
#include "gateway/v1/gateway.grpc.pb.h"
#include "policies/budget.h"

namespace grpc {
class CallbackServerContext;
}

namespace gw::daemon {

// Identifies the caller of `ctx` from the transport, in this order: a bearer token in
// `authorization: Bearer …` metadata (must be valid if present), Unix peer credentials of a
// connection accepted by UnixListener, the verified mTLS client certificate.
// UNAUTHENTICATED if none applies.
StatusOr<Principal> Authenticate(const grpc::CallbackServerContext& ctx, DaemonState& state,
                                 const ConfigSnapshot& snap);

class GatewayServiceImpl final : public gateway::v1::Gateway::CallbackService {
 public:
  explicit GatewayServiceImpl(DaemonState& state) : state_(state) {}
  grpc::ServerWriteReactor<gateway::v1::ChatEvent>* Chat(
      grpc::CallbackServerContext* ctx, const gateway::v1::ChatRequest* req) override;
  grpc::ServerUnaryReactor* Explain(grpc::CallbackServerContext* ctx,
                                    const gateway::v1::ChatRequest* req,
                                    gateway::v1::RouteDecision* resp) override;
  grpc::ServerUnaryReactor* ListModels(grpc::CallbackServerContext* ctx,
                                       const gateway::v1::ListModelsRequest* req,
                                       gateway::v1::ListModelsResponse* resp) override;

  // Fills local model entries for ListModels (set once at start-up, may be empty).
  using ModelsFn = std::function<void(gateway::v1::ListModelsResponse*)>;
  void set_models_fn(ModelsFn fn) { models_fn_ = std::move(fn); }

 private:
  DaemonState& state_;
  ModelsFn models_fn_;
};

class AdminServiceImpl final : public gateway::v1::Admin::CallbackService {
 public:
  // `reload` loads and swaps the config; returns the response to send.
  using ReloadFn = std::function<gateway::v1::ReloadConfigResponse(const Principal&)>;
  // `ledger` is borrowed and must outlive the service.
  AdminServiceImpl(DaemonState& state, ReloadFn reload, policies::BudgetLedger& ledger)
      : state_(state), reload_(std::move(reload)), ledger_(ledger) {}
  grpc::ServerUnaryReactor* Status(grpc::CallbackServerContext* ctx,
                                   const gateway::v1::StatusRequest* req,
                                   gateway::v1::StatusResponse* resp) override;
  grpc::ServerUnaryReactor* ReloadConfig(grpc::CallbackServerContext* ctx,
                                         const gateway::v1::ReloadConfigRequest* req,
                                         gateway::v1::ReloadConfigResponse* resp) override;
  grpc::ServerWriteReactor<gateway::v1::StatusResponse>* WatchStatus(
      grpc::CallbackServerContext* ctx, const gateway::v1::WatchStatusRequest* req) override;
  grpc::ServerUnaryReactor* BudgetShow(grpc::CallbackServerContext* ctx,
                                       const gateway::v1::BudgetShowRequest* req,
                                       gateway::v1::BudgetShowResponse* resp) override;
  grpc::ServerWriteReactor<gateway::v1::AuditRecordLine>* AuditQuery(
      grpc::CallbackServerContext* ctx, const gateway::v1::AuditQueryRequest* req) override;

 private:
  DaemonState& state_;
  ReloadFn reload_;
  policies::BudgetLedger& ledger_;
};

}  // namespace gw::daemon
