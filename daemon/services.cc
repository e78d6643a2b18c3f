#include "daemon/services.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/auth_context.h>

#include <deque>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "audit/verify.h"
#include "common/ids.h"
#include "common/logging.h"
#include "daemon/audit_hooks.h"
#include "daemon/consent_service.h"
#include "daemon/grpc_status.h"
#include "daemon/request_validation.h"

namespace gw::daemon {

namespace v1 = ::gateway::v1;

StatusOr<Principal> Authenticate(const grpc::CallbackServerContext& ctx, DaemonState& state,
                                 const ConfigSnapshot& snap) {
  const auto& md = ctx.client_metadata();
  if (auto it = md.find("authorization"); it != md.end()) {
    std::string_view v(it->second.data(), it->second.size());
    if (v.substr(0, 7) != "Bearer ") {
      return absl::UnauthenticatedError(
          "authorization metadata must be 'Bearer <token>' with a token from identity.tokens");
    }
    v.remove_prefix(7);
    return snap.identity.FromToken(v);
  }
  if (auto cred = state.peers().Lookup(ctx.peer()); cred.has_value()) {
    return snap.identity.FromPeer(*cred);
  }
  const auto auth = ctx.auth_context();
  if (auth != nullptr && auth->IsPeerAuthenticated()) {
    const bool want_san = snap.config.identity.mtls_principal_from == "san";
    const char* prop = want_san ? "x509_subject_alternative_name" : "x509_common_name";
    const auto values = auth->FindPropertyValues(prop);
    if (!values.empty()) {
      return snap.identity.FromCertificate(
          std::string(values.front().data(), values.front().size()));
    }
    return absl::UnauthenticatedError(absl::StrCat(
        "client certificate has no ", want_san ? "subject alternative name" : "common name",
        " to name the principal (identity.mtls_principal_from)"));
  }
  return absl::UnauthenticatedError(
      "no identity: connect over the Unix socket, present a client certificate (mTLS), or send "
      "'authorization: Bearer <token>' with a configured token");
}

namespace {

// Finishes a unary reactor with a status.
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* ctx, const Status& s) {
  auto* r = ctx->DefaultReactor();
  r->Finish(ToGrpcStatus(s));
  return r;
}

std::string PeerForLog(const Principal& p) { return p.Display(); }

// The message for requests that need the routing pipeline, which this build does not have.
constexpr char kNoPipeline[] =
    "no route available: this gatewayd has no routing pipeline yet (the classifier/router and "
    "local generation are not part of this build); the request was not sent anywhere";

// Refuses work when the audit log cannot be written and config says not to answer without it.
Status AuditGate(const DaemonState& state, const ConfigSnapshot& snap) {
  audit::AuditLog* log = state.audit();
  if (log == nullptr || snap.config.audit.local_on_failure) return absl::OkStatus();
  const auto health = log->Health();
  if (health.writable) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("audit log unwritable (", health.reason,
                                             "); requests are refused while it is "
                                             "(audit.local_on_failure: false)"));
}

// A Chat stream. Holds the principal's stream slot until gRPC is done with it. Every request
// that names a principal leaves a request_received and a completion record in the audit log.
class ChatReactor final : public grpc::ServerWriteReactor<v1::ChatEvent> {
 public:
  ChatReactor(grpc::CallbackServerContext* ctx, const v1::ChatRequest* req, DaemonState& state)
      : state_(state), request_id_(NewRequestId()), started_(state.clock().NowMonotonicMicros()) {
    state_.CountRequest();
    ctx->AddInitialMetadata("x-request-id", request_id_.str());
    const auto snap = state_.snapshot();
    auto principal = Authenticate(*ctx, state_, *snap);
    if (!principal.ok()) {
      End(principal.status());
      return;
    }
    principal_ = principal->Display();
    auto valid = ValidateChatRequest(*req, snap->config.limits, snap->config.policy.data_classes);
    AuditRequestReceived(state_.audit(), request_id_, principal_, "grpc.Chat", *req,
                         valid.ok() ? valid->prompt_bytes : 0);
    auto slot =
        state_.AcquireStream(principal_, snap->config.limits.max_concurrent_streams_per_principal);
    if (!slot.ok()) {
      End(slot.status());
      return;
    }
    slot_ = std::move(*slot);
    if (!valid.ok()) {
      End(valid.status());
      return;
    }
    if (Status gate = AuditGate(state_, *snap); !gate.ok()) {
      End(gate);
      return;
    }
    log::Info(request_id_.str(), "chat from {}: {} messages, {} prompt bytes", principal_,
              req->messages_size(), valid->prompt_bytes);
    End(absl::UnavailableError(kNoPipeline));
  }

  void OnDone() override { delete this; }

 private:
  void End(const Status& s) {
    if (!s.ok()) {
      log::Info(request_id_.str(), "chat from {} ended: {}", principal_.empty() ? "-" : principal_,
                s.ToString());
    }
    if (!principal_.empty()) {
      AuditCompletion(state_.audit(), request_id_, principal_, s,
                      state_.clock().NowMonotonicMicros() - started_);
    }
    Finish(ToGrpcStatus(s));
  }

  DaemonState& state_;
  const RequestId request_id_;
  const Micros started_;
  std::string principal_;
  StreamSlot slot_;
};

}  // namespace

grpc::ServerWriteReactor<v1::ChatEvent>* GatewayServiceImpl::Chat(grpc::CallbackServerContext* ctx,
                                                                  const v1::ChatRequest* req) {
  return new ChatReactor(ctx, req, state_);
}

grpc::ServerUnaryReactor* GatewayServiceImpl::Explain(grpc::CallbackServerContext* ctx,
                                                      const v1::ChatRequest* req,
                                                      v1::RouteDecision* resp) {
  state_.CountRequest();
  const RequestId rid = NewRequestId();
  ctx->AddInitialMetadata("x-request-id", rid.str());
  const auto snap = state_.snapshot();
  auto principal = Authenticate(*ctx, state_, *snap);
  if (!principal.ok()) return FinishUnary(ctx, principal.status());
  const Micros started = state_.clock().NowMonotonicMicros();
  auto valid = ValidateChatRequest(*req, snap->config.limits, snap->config.policy.data_classes);
  AuditRequestReceived(state_.audit(), rid, principal->Display(), "grpc.Explain", *req,
                       valid.ok() ? valid->prompt_bytes : 0);
  Status result = valid.ok() ? AuditGate(state_, *snap) : valid.status();
  if (result.ok()) result = absl::UnavailableError(kNoPipeline);
  log::Info(rid.str(), "explain from {}: {}", PeerForLog(*principal), result.ToString());
  AuditCompletion(state_.audit(), rid, principal->Display(), result,
                  state_.clock().NowMonotonicMicros() - started);
  return FinishUnary(ctx, result);
}

grpc::ServerUnaryReactor* GatewayServiceImpl::ListModels(grpc::CallbackServerContext* ctx,
                                                         const v1::ListModelsRequest* req,
                                                         v1::ListModelsResponse* resp) {
  const auto snap = state_.snapshot();
  auto principal = Authenticate(*ctx, state_, *snap);
  if (!principal.ok()) return FinishUnary(ctx, principal.status());
  if (models_fn_) models_fn_(resp);
  for (const auto& a : snap->config.adapters) {
    auto* m = resp->add_models();
    m->set_name(a.model);
    m->set_target(v1::TARGET_CLOUD);
    m->set_adapter(a.name);
    m->set_provider(a.provider.empty() ? a.type : a.provider);
    m->set_region(a.region);
    m->set_available(false);
    m->set_unavailable_reason("cloud adapters are not part of this build");
  }
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* AdminServiceImpl::Status(grpc::CallbackServerContext* ctx,
                                                   const v1::StatusRequest*,
                                                   v1::StatusResponse* resp) {
  const auto snap = state_.snapshot();
  auto principal = Authenticate(*ctx, state_, *snap);
  if (!principal.ok()) return FinishUnary(ctx, principal.status());
  state_.FillStatus(resp);
  resp->set_principal(principal->Display());
  return FinishUnary(ctx, absl::OkStatus());
}

grpc::ServerUnaryReactor* AdminServiceImpl::ReloadConfig(grpc::CallbackServerContext* ctx,
                                                         const v1::ReloadConfigRequest*,
                                                         v1::ReloadConfigResponse* resp) {
  const auto snap = state_.snapshot();
  auto principal = Authenticate(*ctx, state_, *snap);
  if (!principal.ok()) return FinishUnary(ctx, principal.status());
  if (!principal->admin) {
    log::Warn("", "reload refused for non-admin {}", principal->Display());
    ::gw::Status denied = absl::PermissionDeniedError(absl::StrCat(
        principal->Display(), " is not an admin (identity.admin_users / admin_groups)"));
    AuditAdminAction(state_.audit(), NewRequestId(), principal->Display(), "reload", denied,
                     "not an admin");
    return FinishUnary(ctx, denied);
  }
  auto* reactor = ctx->DefaultReactor();
  // Reading and validating the file is blocking work: do it off the gRPC thread.
  std::thread([this, reactor, resp, p = *principal] {
    *resp = reload_(p);
    reactor->Finish(grpc::Status::OK);
  }).detach();
  return reactor;
}

namespace {

// Admin.WatchStatus: a status now, on every change, and a final serving=false on shutdown.
class WatchReactor final : public grpc::ServerWriteReactor<v1::StatusResponse> {
 public:
  WatchReactor(grpc::CallbackServerContext* ctx, DaemonState& state) : state_(state) {
    const auto snap = state_.snapshot();
    auto principal = Authenticate(*ctx, state_, *snap);
    if (!principal.ok()) {
      Finish(ToGrpcStatus(principal.status()));
      return;
    }
    principal_ = principal->Display();
    auto slot =
        state_.AcquireStream(principal_, snap->config.limits.max_concurrent_streams_per_principal);
    if (!slot.ok()) {
      Finish(ToGrpcStatus(slot.status()));
      return;
    }
    slot_ = std::move(*slot);
    shared_ = std::make_shared<Shared>();
    shared_->reactor = this;
    auto shared = shared_;
    watcher_id_ = state_.AddWatcher([shared](bool final) {
      absl::MutexLock lock(&shared->mu);
      if (shared->reactor != nullptr) shared->reactor->EnqueueLocked(final);
    });
    absl::MutexLock lock(&shared_->mu);
    EnqueueLocked(!state_.serving());
  }

  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&shared_->mu);
    writing_ = false;
    if (!ok) {
      FinishLocked(grpc::Status::CANCELLED);
      return;
    }
    WriteNextLocked();
  }

  void OnCancel() override {
    absl::MutexLock lock(&shared_->mu);
    FinishLocked(grpc::Status::CANCELLED);
  }

  void OnDone() override {
    if (shared_ != nullptr) {
      state_.RemoveWatcher(watcher_id_);
      absl::MutexLock lock(&shared_->mu);
      shared_->reactor = nullptr;
    }
    delete this;
  }

 private:
  struct Shared {
    absl::Mutex mu;
    WatchReactor* reactor ABSL_GUARDED_BY(mu) = nullptr;
  };

  void EnqueueLocked(bool final) {
    if (finished_ || final_queued_) return;
    v1::StatusResponse s;
    state_.FillStatus(&s);
    s.set_principal(principal_);
    if (final) {
      s.set_serving(false);
      final_queued_ = true;
    }
    queue_.push_back(std::move(s));
    WriteNextLocked();
  }

  void WriteNextLocked() {
    if (writing_ || finished_) return;
    if (queue_.empty()) {
      if (final_queued_) FinishLocked(grpc::Status::OK);
      return;
    }
    current_ = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    StartWrite(&current_);
  }

  void FinishLocked(const grpc::Status& s) {
    if (finished_) return;
    finished_ = true;
    Finish(s);
  }

  DaemonState& state_;
  std::string principal_;
  StreamSlot slot_;
  std::shared_ptr<Shared> shared_;
  int watcher_id_ = -1;
  // Guarded by shared_->mu.
  std::deque<v1::StatusResponse> queue_;
  v1::StatusResponse current_;
  bool writing_ = false;
  bool finished_ = false;
  bool final_queued_ = false;
};

}  // namespace

namespace {

// Admin.AuditQuery: reads the log on its own thread (file I/O stays off gRPC threads) and
// streams the matches, one write at a time.
class AuditQueryReactor final : public grpc::ServerWriteReactor<v1::AuditRecordLine> {
 public:
  AuditQueryReactor(grpc::CallbackServerContext* ctx, const v1::AuditQueryRequest* req,
                    DaemonState& state) {
    const auto snap = state.snapshot();
    auto principal = Authenticate(*ctx, state, *snap);
    if (!principal.ok()) {
      Finish(ToGrpcStatus(principal.status()));
      return;
    }
    const RequestId rid = NewRequestId();
    if (!principal->admin) {
      Status denied = absl::PermissionDeniedError(
          absl::StrCat(principal->Display(), " may not read the audit log (admins only)"));
      AuditAdminAction(state.audit(), rid, principal->Display(), "audit_query", denied, "");
      Finish(ToGrpcStatus(denied));
      return;
    }
    if (state.audit() == nullptr) {
      Finish(ToGrpcStatus(absl::UnavailableError("audit is disabled (audit.enabled: false)")));
      return;
    }
    audit::QueryFilter filter;
    if (req->since_unix_us() != 0) filter.since_us = req->since_unix_us();
    if (req->until_unix_us() != 0) filter.until_us = req->until_unix_us();
    filter.principal = req->principal();
    filter.type = req->type();
    filter.adapter = req->adapter();
    filter.decision = req->decision();
    const size_t limit = req->limit() == 0 ? 1000 : std::min<uint32_t>(req->limit(), 100000);
    AuditAdminAction(state.audit(), rid, principal->Display(), "audit_query", absl::OkStatus(),
                     absl::StrCat("type=", filter.type, " principal=", filter.principal));
    const std::string dir = state.audit()->dir();
    std::thread([this, dir, filter, limit] {
      Status s = audit::Query(dir, filter, [this, limit](const audit::ParsedRecord& r) {
        v1::AuditRecordLine line;
        line.set_seq(r.seq);
        line.set_ts_unix_us(r.ts_us);
        line.set_type(r.type);
        line.set_request_id(r.request_id);
        line.set_principal(r.principal);
        line.set_line(r.raw);
        records_.push_back(std::move(line));
        return records_.size() < limit;
      });
      status_ = ToGrpcStatus(s);
      Next();
    }).detach();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::CANCELLED);
      return;
    }
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (!status_.ok() || next_ >= records_.size()) {
      Finish(status_);
      return;
    }
    StartWrite(&records_[next_++]);
  }

  std::vector<v1::AuditRecordLine> records_;  // filled before the first write, then read-only
  size_t next_ = 0;
  grpc::Status status_;
};

}  // namespace

grpc::ServerUnaryReactor* AdminServiceImpl::BudgetShow(grpc::CallbackServerContext* ctx,
                                                       const v1::BudgetShowRequest* req,
                                                       v1::BudgetShowResponse* resp) {
  return HandleBudgetShow(ctx, req, resp, state_, ledger_);
}

grpc::ServerWriteReactor<v1::AuditRecordLine>* AdminServiceImpl::AuditQuery(
    grpc::CallbackServerContext* ctx, const v1::AuditQueryRequest* req) {
  return new AuditQueryReactor(ctx, req, state_);
}

grpc::ServerWriteReactor<v1::StatusResponse>* AdminServiceImpl::WatchStatus(
    grpc::CallbackServerContext* ctx, const v1::WatchStatusRequest*) {
  return new WatchReactor(ctx, state_);
}

}  // namespace gw::daemon
