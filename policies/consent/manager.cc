// ConsentManager: tickets → grants, grant coverage, pre-grants.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/ids.h"
#include "common/logging.h"
#include "policies/consent.h"

namespace gw::policies {
namespace {

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string FormatUnixMicros(Micros t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMicros(t.value()),
                          absl::UTCTimeZone());
}

}  // namespace

ConsentManager::ConsentManager(PolicyStore& store, Secret key, const Clock& clock,
                               ConsentObserver* observer)
    : store_(store), signer_(std::move(key)), clock_(clock), observer_(observer) {}

Status ConsentManager::SetConfig(const config::ConsentConfig& cfg,
                                 std::vector<std::string> data_classes) {
  if (cfg.ticket_ttl.value() <= 0) {
    return absl::InvalidArgumentError("consent.ticket_ttl must be positive");
  }
  if (cfg.max_grant_duration.value() <= 0) {
    return absl::InvalidArgumentError("consent.max_grant_duration must be positive");
  }
  for (size_t i = 0; i < cfg.pregrants.size(); ++i) {
    const auto& p = cfg.pregrants[i];
    if (!Contains(data_classes, p.data_class_max)) {
      return absl::InvalidArgumentError(absl::StrCat("consent.pregrants[", i,
                                                     "].data_class_max: unknown data class '",
                                                     p.data_class_max, "'"));
    }
    if (p.groups.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("consent.pregrants[", i, "].groups: at least one group is required"));
    }
  }
  absl::MutexLock lock(&mu_);
  cfg_ = cfg;
  data_classes_ = std::move(data_classes);
  return absl::OkStatus();
}

int ConsentManager::ClassRank(const std::string& data_class) const {
  auto it = std::find(data_classes_.begin(), data_classes_.end(), data_class);
  if (it == data_classes_.end()) return -1;
  return static_cast<int>(it - data_classes_.begin());
}

StatusOr<ConsentManager::Issued> ConsentManager::IssueTicket(ConsentTicket t) const {
  if (t.principal.empty() || t.request_digest.empty() || t.adapter.empty()) {
    return absl::InvalidArgumentError(
        "consent ticket needs a principal, a request digest and an adapter");
  }
  Micros ttl;
  {
    absl::ReaderMutexLock lock(&mu_);
    ttl = cfg_.ticket_ttl;
  }
  t.issued_at = clock_.NowUnixMicros();
  t.expires_at = t.issued_at + ttl;
  t.nonce = RandomHex(16);
  Issued out;
  out.token = signer_.Sign(t);
  out.ticket = std::move(t);
  return out;
}

Status ConsentManager::Refuse(const std::string& principal, TicketRefusal reason, Status s) {
  log::Warn("", "consent ticket from {} refused: {}", principal, TicketRefusalName(reason));
  if (observer_ != nullptr) observer_->OnTicketRefused(principal, reason, s);
  return s;
}

StatusOr<GrantRecord> ConsentManager::Grant(const GrantRequest& req) {
  TicketRefusal why = TicketRefusal::kMalformed;
  auto ticket = signer_.Verify(req.token, &why);
  if (!ticket.ok()) return Refuse(req.principal, why, ticket.status());
  const ConsentTicket& t = *ticket;
  if (t.principal != req.principal) {
    return Refuse(req.principal, TicketRefusal::kWrongPrincipal,
                  absl::PermissionDeniedError(
                      "consent ticket was issued to another principal; only the person it was "
                      "issued to can grant it"));
  }
  if (!req.request_digest.empty() && req.request_digest != t.request_digest) {
    return Refuse(req.principal, TicketRefusal::kWrongRequest,
                  absl::PermissionDeniedError(
                      "consent ticket was issued for a different request (the request digest "
                      "does not match); resend the request it was issued for"));
  }
  const Micros now = clock_.NowUnixMicros();
  if (now >= t.expires_at) {
    return Refuse(req.principal, TicketRefusal::kExpired,
                  absl::FailedPreconditionError(
                      absl::StrCat("consent ticket expired at ", FormatUnixMicros(t.expires_at),
                                   "; send the request again to get a new one")));
  }
  GrantRecord g;
  g.grant_id = RandomHex(16);
  g.principal = t.principal;
  g.scope = req.scope;
  g.adapter = t.adapter;
  g.data_class = t.data_class;
  g.ticket_nonce = t.nonce;
  g.granted_at = now;
  Micros max_duration;
  {
    absl::ReaderMutexLock lock(&mu_);
    max_duration = cfg_.max_grant_duration;
  }
  switch (req.scope) {
    case GrantScope::kOnce:
      g.request_digest = t.request_digest;
      g.expires_at = t.expires_at;
      g.consumed = !req.request_digest.empty();
      break;
    case GrantScope::kCategory:
    case GrantScope::kApp: {
      const bool cat = req.scope == GrantScope::kCategory;
      if (req.duration.value() <= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("a ", cat ? "category" : "app", " grant needs a positive duration"));
      }
      if (cat && t.category.empty()) {
        return absl::InvalidArgumentError(
            "this consent ticket has no task category; grant it once or for its app instead");
      }
      if (!cat && t.app_id.empty()) {
        return absl::InvalidArgumentError(
            "this consent ticket has no app id; grant it once or for its category instead");
      }
      (cat ? g.category : g.app_id) = cat ? t.category : t.app_id;
      g.expires_at = now + std::min(req.duration, max_duration);
      break;
    }
  }
  // Recording the nonce is the last check, so that a refused ticket is not burnt.
  GW_ASSIGN_OR_RETURN(bool fresh, store_.RecordNonce(t.nonce, t.principal, now, t.expires_at));
  if (!fresh) {
    return Refuse(req.principal, TicketRefusal::kReplayed,
                  absl::FailedPreconditionError(
                      "consent ticket was already used (tickets are single-use); send the "
                      "request again to get a new one"));
  }
  GW_RETURN_IF_ERROR(store_.InsertGrant(g));
  log::Info("", "consent grant {} created by {} (scope {})", g.grant_id, g.principal,
            static_cast<int>(g.scope));
  if (observer_ != nullptr) observer_->OnGrantCreated(g);
  return g;
}

StatusOr<Coverage> ConsentManager::Covers(const ConsentQuery& q, bool consume) {
  Coverage out;
  const Micros now = clock_.NowUnixMicros();
  int want_rank;
  {
    absl::ReaderMutexLock lock(&mu_);
    want_rank = ClassRank(q.data_class);
    if (want_rank < 0) return out;  // unknown class: never covered (fail closed)
    for (size_t i = 0; i < cfg_.pregrants.size(); ++i) {
      const auto& p = cfg_.pregrants[i];
      const bool group = std::any_of(q.groups.begin(), q.groups.end(),
                                     [&](const std::string& g) { return Contains(p.groups, g); });
      if (!group) continue;
      if (!p.categories.empty() && !Contains(p.categories, q.category)) continue;
      if (!p.adapters.empty() && !Contains(p.adapters, q.adapter)) continue;
      const int max_rank = ClassRank(p.data_class_max);
      if (max_rank < 0 || want_rank > max_rank) continue;
      out.covered = true;
      out.pregrant_index = static_cast<int>(i);
      return out;
    }
  }
  GW_ASSIGN_OR_RETURN(auto grants, store_.ListGrants(q.principal, /*active_only=*/true, now));
  for (const GrantRecord& g : grants) {
    if (g.principal != q.principal || g.adapter != q.adapter) continue;
    int max_rank;
    {
      absl::ReaderMutexLock lock(&mu_);
      max_rank = ClassRank(g.data_class);
    }
    if (max_rank < 0 || want_rank > max_rank) continue;
    switch (g.scope) {
      case GrantScope::kOnce:
        if (q.request_digest.empty() || g.request_digest != q.request_digest) continue;
        if (consume) {
          GW_ASSIGN_OR_RETURN(bool won, store_.ConsumeGrant(g.grant_id, now));
          if (!won) continue;
        }
        break;
      case GrantScope::kCategory:
        if (q.category.empty() || g.category != q.category) continue;
        break;
      case GrantScope::kApp:
        if (q.app_id.empty() || g.app_id != q.app_id) continue;
        break;
    }
    out.covered = true;
    out.grant_id = g.grant_id;
    return out;
  }
  return out;
}

StatusOr<std::vector<GrantRecord>> ConsentManager::List(const std::string& principal,
                                                        bool include_inactive) {
  if (principal.empty()) return absl::InvalidArgumentError("no principal to list grants for");
  return store_.ListGrants(principal, !include_inactive, clock_.NowUnixMicros());
}

Status ConsentManager::Revoke(const std::string& principal, const std::string& grant_id) {
  if (principal.empty()) return absl::InvalidArgumentError("no principal to revoke for");
  GW_RETURN_IF_ERROR(store_.RevokeGrant(principal, grant_id, clock_.NowUnixMicros()));
  log::Info("", "consent grant {} revoked by {}", grant_id, principal);
  if (observer_ != nullptr) observer_->OnGrantRevoked(principal, grant_id);
  return absl::OkStatus();
}

}  // namespace gw::policies
