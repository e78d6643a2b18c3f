// The Consent service (gateway.v1.Consent) and the Admin.BudgetShow handler, built on
// policies/consent.h and policies/budget.h.
//
// Every handler authenticates the caller (Authenticate in daemon/services.h), validates, and
// runs the store work (SQLite, an fsync per commit) on its own thread, never on a gRPC thread,
// as AdminServiceImpl::ReloadConfig does. Errors leave through ToGrpcStatus only. Consent
// grants are keyed by Principal::Display() ("user:alice"); budgets by Principal::name and
// groups, the names budget subjects use in config.
//
// Thread-safety: thread-safe; borrows DaemonState, ConsentManager and BudgetLedger (all
// thread-safe), which must outlive the server.
#pragma once

#include "daemon/state.h"
#include "gateway/v1/gateway.grpc.pb.h"
#include "policies/budget.h"
#include "policies/consent.h"

namespace grpc {
class CallbackServerContext;
}

namespace gw::daemon {

// Consent.Grant / Revoke / List for the calling principal.
//   Grant: INVALID_ARGUMENT for an unknown scope or a negative duration, and the ticket
//          refusals of policies/consent.h (INVALID_ARGUMENT / PERMISSION_DENIED /
//          FAILED_PRECONDITION). duration_s is capped at consent.max_grant_duration.
//   Revoke: NOT_FOUND if the caller has no such grant.
//   All: UNAVAILABLE / DATA_LOSS when the consent store fails.
class PolicyConsentService final : public gateway::v1::Consent::CallbackService {
 public:
  PolicyConsentService(DaemonState& state, policies::ConsentManager& consent)
      : state_(state), consent_(consent) {}
  grpc::ServerUnaryReactor* Grant(grpc::CallbackServerContext* ctx,
                                  const gateway::v1::ConsentGrantRequest* req,
                                  gateway::v1::ConsentGrant* resp) override;
  grpc::ServerUnaryReactor* Revoke(grpc::CallbackServerContext* ctx,
                                   const gateway::v1::ConsentRevokeRequest* req,
                                   gateway::v1::ConsentRevokeResponse* resp) override;
  grpc::ServerUnaryReactor* List(grpc::CallbackServerContext* ctx,
                                 const gateway::v1::ConsentListRequest* req,
                                 gateway::v1::ConsentListResponse* resp) override;

 private:
  DaemonState& state_;
  policies::ConsentManager& consent_;
};

// Admin.BudgetShow: the caller's budgets, or (admins only; PERMISSION_DENIED otherwise)
// `req->principal`'s, whose groups come from identity.tokens when it names a token, else from
// the system user database (getgrouplist(3)); NOT_FOUND if neither knows the name.
// AdminServiceImpl::BudgetShow forwards to this.
grpc::ServerUnaryReactor* HandleBudgetShow(grpc::CallbackServerContext* ctx,
                                           const gateway::v1::BudgetShowRequest* req,
                                           gateway::v1::BudgetShowResponse* resp,
                                           DaemonState& state, policies::BudgetLedger& ledger);

// Conversions, exposed for tests.
void ToProto(const policies::GrantRecord& g, gateway::v1::ConsentGrant* out);
void ToProto(const policies::BudgetLine& l, gateway::v1::BudgetWindowUsage* out);

}  // namespace gw::daemon
