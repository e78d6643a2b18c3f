// BudgetLedger: which budgets cover a principal, and reserve/settle/release through the store.
#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/ids.h"
#include "common/logging.h"
#include "policies/budget.h"

namespace gw::policies {
namespace {

std::string_view ScopeName(config::BudgetScope s) {
  switch (s) {
    case config::BudgetScope::kUser:
      return "user";
    case config::BudgetScope::kGroup:
      return "group";
    case config::BudgetScope::kOrg:
      return "org";
  }
  return "?";
}

std::string_view WindowName(config::BudgetWindow w) {
  return w == config::BudgetWindow::kDaily ? "daily" : "monthly";
}

std::string FormatUtc(Micros t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixMicros(t.value()),
                          absl::UTCTimeZone());
}

// "budget 'eng-monthly' (group eng, monthly window 2026-11)"
std::string Describe(const config::BudgetConfig& b, const std::string& subject,
                     const std::string& label) {
  std::string who = b.scope == config::BudgetScope::kOrg
                        ? std::string("org")
                        : absl::StrCat(std::string(ScopeName(b.scope)), " ", subject);
  return absl::StrCat("budget '", b.id, "' (", who, ", ", std::string(WindowName(b.window)),
                      " window ", label, ")");
}

}  // namespace

BudgetLedger::BudgetLedger(PolicyStore& store, const Clock& clock) : store_(store), clock_(clock) {}

Status BudgetLedger::SetConfig(const config::BudgetsConfig& cfg) {
  GW_ASSIGN_OR_RETURN(CalendarWindows windows, CalendarWindows::Create(cfg.timezone));
  if (cfg.reservation_ttl.value() <= 0) {
    return absl::InvalidArgumentError("budgets.reservation_ttl must be positive");
  }
  std::set<std::string> ids;
  for (const auto& b : cfg.budgets) {
    if (b.id.empty()) return absl::InvalidArgumentError("budgets: a budget has no id");
    if (!ids.insert(b.id).second) {
      return absl::InvalidArgumentError(absl::StrCat("budgets: duplicate id '", b.id, "'"));
    }
    if (b.cap.value() < 0) {
      return absl::InvalidArgumentError(absl::StrCat("budgets: '", b.id, "' has a negative cap"));
    }
    if (b.scope != config::BudgetScope::kOrg && b.subject.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("budgets: '", b.id, "' needs a subject (a name, or \"*\" for each one)"));
    }
  }
  auto snap = std::make_shared<const Snapshot>(Snapshot{cfg, std::move(windows)});
  absl::MutexLock lock(&mu_);
  snap_ = std::move(snap);
  return absl::OkStatus();
}

std::shared_ptr<const BudgetLedger::Snapshot> BudgetLedger::snapshot() const {
  absl::MutexLock lock(&mu_);
  return snap_;
}

std::string BudgetLedger::timezone() const {
  auto s = snapshot();
  return s == nullptr ? std::string() : s->cfg.timezone;
}

std::vector<BudgetLedger::Covering> BudgetLedger::CoveringBudgets(const Snapshot& s,
                                                                  const BudgetPrincipal& who,
                                                                  Micros now) {
  std::vector<Covering> out;
  for (const auto& b : s.cfg.budgets) {
    std::vector<std::string> subjects;
    switch (b.scope) {
      case config::BudgetScope::kUser:
        if (b.subject == "*" || b.subject == who.name) subjects.push_back(who.name);
        break;
      case config::BudgetScope::kGroup:
        for (const auto& g : who.groups) {
          if (b.subject == "*" || b.subject == g) subjects.push_back(g);
        }
        break;
      case config::BudgetScope::kOrg:
        subjects.push_back("");
        break;
    }
    // A principal listed twice in one group list must not be charged twice.
    std::sort(subjects.begin(), subjects.end());
    subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
    const CalendarWindows::Window w = s.windows.For(b.window, now);
    for (auto& subject : subjects) {
      out.push_back(Covering{&b, BucketKey{b.id, std::move(subject), w.start}, w});
    }
  }
  return out;
}

StatusOr<Reservation> BudgetLedger::Reserve(const BudgetPrincipal& who, UsdMicros estimate) {
  if (estimate.value() < 0) return absl::InvalidArgumentError("negative cost estimate");
  auto snap = snapshot();
  if (snap == nullptr) return absl::FailedPreconditionError("budgets are not configured");
  const Micros now = clock_.NowUnixMicros();
  const std::vector<Covering> covering = CoveringBudgets(*snap, who, now);
  ReserveRequest req;
  req.reservation_id = RandomHex(16);
  req.principal = who.name;
  req.amount = estimate;
  req.now = now;
  req.expires_at = now + snap->cfg.reservation_ttl;
  for (const auto& c : covering) {
    req.buckets.push_back(BucketLimit{c.key, c.budget->cap, c.budget->hard});
  }
  GW_ASSIGN_OR_RETURN(ReserveResult res, store_.Reserve(req));

  Reservation out;
  out.amount = estimate;
  if (!res.reserved) {
    // Deny wins over degrade: report the first denying budget, else degrade.
    const Covering* deny = nullptr;
    const Covering* degrade = nullptr;
    const BucketUsage* usage = nullptr;
    for (size_t i : res.over_cap) {
      const Covering& c = covering[i];
      if (c.budget->at_cap == config::AtCapAction::kDeny && deny == nullptr) {
        deny = &c;
        usage = &res.before[i];
      } else if (c.budget->at_cap == config::AtCapAction::kDegradeLocal && degrade == nullptr) {
        degrade = &c;
        if (deny == nullptr) usage = &res.before[i];
      }
    }
    const Covering& c = deny != nullptr ? *deny : *degrade;
    const std::string what =
        absl::StrCat(Describe(*c.budget, c.key.subject, snap->windows.Label(c.budget->window, now)),
                     " is at its cap: spent ", FormatUsd(usage->spent), " + reserved ",
                     FormatUsd(usage->reserved), " + this request's estimate ", FormatUsd(estimate),
                     " > cap ", FormatUsd(c.budget->cap), "; resets at ", FormatUtc(c.window.end));
    log::Warn("", "budget {} at cap for {}: {}", c.budget->id, who.name,
              deny != nullptr ? "deny" : "degrade to local");
    if (deny != nullptr) return absl::ResourceExhaustedError(what);
    out.outcome = BudgetOutcome::kDegradeLocal;
    out.warnings.push_back(absl::StrCat(what, "; answered locally instead"));
    return out;
  }
  out.outcome = BudgetOutcome::kReserved;
  out.reservation_id = req.reservation_id;
  for (size_t i = 0; i < covering.size(); ++i) {
    const Covering& c = covering[i];
    out.buckets.push_back(c.key);
    if (c.budget->hard) continue;
    const BucketUsage& u = res.before[i];
    const __int128 total =
        static_cast<__int128>(u.spent.value()) + u.reserved.value() + estimate.value();
    if (total > c.budget->cap.value()) {
      out.warnings.push_back(absl::StrCat(
          Describe(*c.budget, c.key.subject, snap->windows.Label(c.budget->window, now)),
          " is over its soft cap ", FormatUsd(c.budget->cap), ": spent ", FormatUsd(u.spent),
          " + reserved ", FormatUsd(u.reserved), " + this request's estimate ",
          FormatUsd(estimate)));
      log::Warn("", "budget {} over soft cap for {}", c.budget->id, who.name);
    }
  }
  return out;
}

Status BudgetLedger::Settle(const std::string& reservation_id, UsdMicros actual) {
  return store_.Settle(reservation_id, actual, clock_.NowUnixMicros());
}

Status BudgetLedger::Release(const std::string& reservation_id) {
  return store_.Release(reservation_id, clock_.NowUnixMicros());
}

StatusOr<int64_t> BudgetLedger::ExpireStale() {
  return store_.ExpireReservations(clock_.NowUnixMicros());
}

StatusOr<std::vector<BudgetLine>> BudgetLedger::Show(const BudgetPrincipal& who) {
  auto snap = snapshot();
  if (snap == nullptr) return absl::FailedPreconditionError("budgets are not configured");
  const Micros now = clock_.NowUnixMicros();
  const std::vector<Covering> covering = CoveringBudgets(*snap, who, now);
  std::vector<BucketKey> keys;
  for (const auto& c : covering) keys.push_back(c.key);
  GW_ASSIGN_OR_RETURN(std::vector<BucketUsage> usage, store_.Usage(keys, now));
  std::vector<BudgetLine> out;
  for (size_t i = 0; i < covering.size(); ++i) {
    const Covering& c = covering[i];
    BudgetLine l;
    l.budget_id = c.budget->id;
    l.scope = c.budget->scope;
    l.subject = c.key.subject;
    l.window = c.budget->window;
    l.window_label = snap->windows.Label(c.budget->window, now);
    l.window_start = c.window.start;
    l.window_end = c.window.end;
    l.cap = c.budget->cap;
    l.hard = c.budget->hard;
    l.at_cap = c.budget->at_cap;
    l.spent = usage[i].spent;
    l.reserved = usage[i].reserved;
    const __int128 left =
        static_cast<__int128>(l.cap.value()) - l.spent.value() - l.reserved.value();
    l.remaining = UsdMicros(left > 0 ? static_cast<int64_t>(left) : 0);
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace gw::policies
