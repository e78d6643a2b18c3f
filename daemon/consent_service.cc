#include "daemon/consent_service.h"

#include <grp.h>
#include <grpcpp/grpcpp.h>
#include <pwd.h>
#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "daemon/grpc_status.h"
#include "daemon/services.h"

namespace gw::daemon {

namespace v1 = ::gateway::v1;

namespace {

grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* ctx, const Status& s) {
  auto* r = ctx->DefaultReactor();
  r->Finish(ToGrpcStatus(s));
  return r;
}

// Runs `work` (blocking store I/O) off the gRPC thread and finishes the reactor with its status.
template <typename Work>
grpc::ServerUnaryReactor* RunOffThread(grpc::CallbackServerContext* ctx, Work work) {
  auto* reactor = ctx->DefaultReactor();
  std::thread([reactor, work = std::move(work)]() mutable {
    reactor->Finish(ToGrpcStatus(work()));
  }).detach();
  return reactor;
}

StatusOr<policies::GrantScope> ScopeFromProto(v1::ConsentScope s) {
  switch (s) {
    case v1::CONSENT_SCOPE_UNSPECIFIED:
    case v1::CONSENT_SCOPE_ONCE:
      return policies::GrantScope::kOnce;
    case v1::CONSENT_SCOPE_CATEGORY:
      return policies::GrantScope::kCategory;
    case v1::CONSENT_SCOPE_APP:
      return policies::GrantScope::kApp;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unknown consent scope ", static_cast<int>(s)));
  }
}

v1::ConsentScope ScopeToProto(policies::GrantScope s) {
  switch (s) {
    case policies::GrantScope::kOnce:
      return v1::CONSENT_SCOPE_ONCE;
    case policies::GrantScope::kCategory:
      return v1::CONSENT_SCOPE_CATEGORY;
    case policies::GrantScope::kApp:
      return v1::CONSENT_SCOPE_APP;
  }
  return v1::CONSENT_SCOPE_UNSPECIFIED;
}

// The groups of a named principal, for an admin's BudgetShow of someone else.
StatusOr<std::vector<std::string>> GroupsOf(const std::string& name, const ConfigSnapshot& snap) {
  for (const auto& t : snap.config.identity.tokens) {
    if (t.name == name) return t.groups;
  }
  long bufsize = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buf(bufsize > 0 ? static_cast<size_t>(bufsize) : 16384);
  struct passwd pw {};
  struct passwd* found = nullptr;
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    return absl::NotFoundError(absl::StrCat(
        "no principal '", name, "': neither a configured token nor a user on this system"));
  }
  int n = 64;
  std::vector<gid_t> gids(n);
  while (getgrouplist(name.c_str(), pw.pw_gid, gids.data(), &n) < 0) gids.resize(n);
  gids.resize(n);
  std::vector<std::string> out;
  std::vector<char> gbuf(16384);
  for (gid_t gid : gids) {
    struct group gr {};
    struct group* g = nullptr;
    if (getgrgid_r(gid, &gr, gbuf.data(), gbuf.size(), &g) == 0 && g != nullptr) {
      out.emplace_back(g->gr_name);
    }
  }
  return out;
}

std::string_view ScopeName(config::BudgetScope s) {
  switch (s) {
    case config::BudgetScope::kUser:
      return "user";
    case config::BudgetScope::kGroup:
      return "group";
    case config::BudgetScope::kOrg:
      return "org";
  }
  return "";
}

}  // namespace

void ToProto(const policies::GrantRecord& g, v1::ConsentGrant* out) {
  out->set_grant_id(g.grant_id);
  out->set_principal(g.principal);
  out->set_scope(ScopeToProto(g.scope));
  out->set_category(g.category);
  out->set_app_id(g.app_id);
  out->set_adapter(g.adapter);
  out->set_data_class(g.data_class);
  out->set_granted_at_unix_us(g.granted_at.value());
  out->set_expires_at_unix_us(g.expires_at.value());
  out->set_revoked(g.revoked);
  out->set_consumed(g.consumed);
}

void ToProto(const policies::BudgetLine& l, v1::BudgetWindowUsage* out) {
  out->set_budget_id(l.budget_id);
  out->set_scope(std::string(ScopeName(l.scope)));
  out->set_subject(l.subject);
  out->set_window(l.window == config::BudgetWindow::kDaily ? "daily" : "monthly");
  out->set_window_label(l.window_label);
  out->set_window_start_unix_us(l.window_start.value());
  out->set_window_end_unix_us(l.window_end.value());
  out->set_cap_usd_micros(l.cap.value());
  out->set_spent_usd_micros(l.spent.value());
  out->set_reserved_usd_micros(l.reserved.value());
  out->set_remaining_usd_micros(l.remaining.value());
  out->set_hard(l.hard);
  out->set_at_cap(l.at_cap == config::AtCapAction::kDeny ? "deny" : "degrade_local");
}

grpc::ServerUnaryReactor* PolicyConsentService::Grant(grpc::CallbackServerContext* ctx,
                                                      const v1::ConsentGrantRequest* req,
                                                      v1::ConsentGrant* resp) {
  const auto snap = state_.snapshot();
  auto principal = Authenticate(*ctx, state_, *snap);
  if (!principal.ok()) return FinishUnary(ctx, principal.status());
  auto scope = ScopeFromProto(req->scope());
  if (!scope.ok()) return FinishUnary(ctx, scope.status());
  if (req->duration_s() < 0) {
    return FinishUnary(ctx, absl::InvalidArgumentError("duration_s must not be negative"));
  }
  if (req->ticket().empty()) {
    return FinishUnary(ctx, absl::InvalidArgumentError("ticket is empty"));
  }
  policies::GrantRequest g;
  g.token = req->ticket();
  g.scope = *scope;
  // Seconds → µs without overflow; the manager caps it at max_grant_duration anyway.
  constexpr int64_t kMaxSeconds = INT64_MAX / 1'000'000;
  g.duration = Micros(std::min<int64_t>(req->duration_s(), kMaxSeconds) * 1'000'000);
  g.principal = principal->Display();
  return RunOffThread(ctx, [this, g = std::move(g), resp]() -> Status {
    auto rec = consent_.Grant(g);
    if (!rec.ok()) return rec.status();
    ToProto(*rec, resp);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* PolicyConsentService::Revoke(grpc::CallbackServerContext* ctx,
                                                       const v1::ConsentRevokeRequest* req,
                                                       v1::ConsentRevokeResponse*) {
  const auto snap = state_.snapshot();
  auto principal = Authenticate(*ctx, state_, *snap);
  if (!principal.ok()) return FinishUnary(ctx, principal.status());
  if (req->grant_id().empty()) {
    return FinishUnary(ctx, absl::InvalidArgumentError("grant_id is empty"));
  }
  return RunOffThread(ctx, [this, who = principal->Display(), id = req->grant_id()] {
    return consent_.Revoke(who, id);
  });
}

grpc::ServerUnaryReactor* PolicyConsentService::List(grpc::CallbackServerContext* ctx,
                                                     const v1::ConsentListRequest* req,
                                                     v1::ConsentListResponse* resp) {
  const auto snap = state_.snapshot();
  auto principal = Authenticate(*ctx, state_, *snap);
  if (!principal.ok()) return FinishUnary(ctx, principal.status());
  return RunOffThread(
      ctx, [this, who = principal->Display(), all = req->include_inactive(), resp]() -> Status {
        auto grants = consent_.List(who, all);
        if (!grants.ok()) return grants.status();
        for (const auto& g : *grants) ToProto(g, resp->add_grants());
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* HandleBudgetShow(grpc::CallbackServerContext* ctx,
                                           const v1::BudgetShowRequest* req,
                                           v1::BudgetShowResponse* resp, DaemonState& state,
                                           policies::BudgetLedger& ledger) {
  const auto snap = state.snapshot();
  auto principal = Authenticate(*ctx, state, *snap);
  if (!principal.ok()) return FinishUnary(ctx, principal.status());
  policies::BudgetPrincipal who{principal->name, principal->groups};
  if (!req->principal().empty() && req->principal() != principal->name) {
    if (!principal->admin) {
      log::Warn("", "budget show of {} refused for non-admin {}", req->principal(),
                principal->Display());
      return FinishUnary(
          ctx, absl::PermissionDeniedError(absl::StrCat(
                   principal->Display(), " may only see its own budgets (admins see everyone's)")));
    }
    who.name = req->principal();
  }
  const bool self = who.name == principal->name;
  return RunOffThread(ctx, [&ledger, snap, who = std::move(who), self, resp]() mutable -> Status {
    if (!self) {
      auto groups = GroupsOf(who.name, *snap);
      if (!groups.ok()) return groups.status();
      who.groups = std::move(*groups);
    }
    auto lines = ledger.Show(who);
    if (!lines.ok()) return lines.status();
    resp->set_principal(who.name);
    resp->set_timezone(ledger.timezone());
    for (const auto& l : *lines) ToProto(l, resp->add_budgets());
    return absl::OkStatus();
  });
}

}  // namespace gw::daemon
