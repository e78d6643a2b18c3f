// Budgets: pricing in integer micro-dollars, calendar windows in a configured time zone, and the
// ledger that reserves an estimate against every covering budget before egress and settles it
// with the provider's reported usage afterwards (DESIGN.md "Budget";
// docs/consent-and-budgets.md).
//
// Money is always micro-dollars (UsdMicros, 1 USD = 1,000,000), never floating point. Prices are
// micro-dollars per million tokens (config::PricingConfig), so a cost is
// ceil(tokens × price / 1,000,000): rounding is always up, never in the spender's favour.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/status.h"
#include "common/units.h"
#include "config/config.h"
#include "policies/store.h"

namespace gw::policies {

// ----- pricing -----------------------------------------------------------------------------

// The estimate reserved before egress: prompt_tokens × input price + max_tokens × output price,
// rounded up to a whole micro-dollar. INVALID_ARGUMENT for negative counts; OUT_OF_RANGE if the
// result does not fit int64. Pure; thread-safe.
StatusOr<UsdMicros> EstimateCost(const config::PricingConfig& p, TokenCount prompt_tokens,
                                 TokenCount max_tokens);

// The actual charge from reported usage: (input − cached) × input price + cached × cached price
// + output × output price, rounded up. `cached_input` is the part of `input` the provider read
// from its cache; a cached price of 0 means the provider does not bill cached input differently
// (the input price applies). INVALID_ARGUMENT for negative counts or cached > input;
// OUT_OF_RANGE on overflow. Pure; thread-safe.
StatusOr<UsdMicros> ActualCost(const config::PricingConfig& p, TokenCount input, TokenCount output,
                               TokenCount cached_input);

// "$1.234567" (always six decimals; negative amounts get a leading '-').
std::string FormatUsd(UsdMicros v);

// ----- calendar windows --------------------------------------------------------------------

// Daily and monthly calendar windows in one IANA time zone, read from the system tz database
// (/usr/share/zoneinfo) through Abseil's time-zone library (cctz), which is thread-safe — unlike
// setenv("TZ") + localtime_r. A window is [start, end) in Unix µs; around DST changes a day is
// 23 or 25 hours long. Immutable; thread-safe.
class CalendarWindows {
 public:
  struct Window {
    Micros start;
    Micros end;
  };
  // INVALID_ARGUMENT "unknown time zone '<name>'" if the database has no such zone.
  static StatusOr<CalendarWindows> Create(const std::string& iana_name);
  Window Daily(Micros t) const;
  Window Monthly(Micros t) const;
  Window For(config::BudgetWindow w, Micros t) const;
  // "2026-11-21" / "2026-11" of the window containing `t`, in the zone.
  std::string Label(config::BudgetWindow w, Micros t) const;
  const std::string& name() const { return name_; }

 private:
  CalendarWindows(std::string name, absl::TimeZone tz) : name_(std::move(name)), tz_(tz) {}
  std::string name_;
  absl::TimeZone tz_;
};

// ----- the ledger --------------------------------------------------------------------------

// Who spends: the principal's name (Principal::Display() form, e.g. "user:alice", or the bare
// name — whatever the budget subjects in config use) and its groups.
struct BudgetPrincipal {
  std::string name;
  std::vector<std::string> groups;
};

enum class BudgetOutcome {
  kReserved,      // go ahead; settle or release `reservation_id` later
  kDegradeLocal,  // a hard cap with at_cap: degrade_local is reached: answer locally, no egress
};

struct Reservation {
  BudgetOutcome outcome = BudgetOutcome::kReserved;
  std::string reservation_id;  // empty for kDegradeLocal (nothing was reserved)
  UsdMicros amount;
  std::vector<BucketKey> buckets;     // every bucket charged
  std::vector<std::string> warnings;  // soft caps exceeded, degradation; for ChatEvent.warnings
};

// One budget for one subject in its current window (Admin.BudgetShow, gatewayctl budget show).
struct BudgetLine {
  std::string budget_id;
  config::BudgetScope scope = config::BudgetScope::kUser;
  std::string subject;  // the user or group charged; "" for org
  config::BudgetWindow window = config::BudgetWindow::kMonthly;
  std::string window_label;  // "2026-11-21" or "2026-11"
  Micros window_start;
  Micros window_end;
  UsdMicros cap;
  bool hard = true;
  config::AtCapAction at_cap = config::AtCapAction::kDeny;
  UsdMicros spent;
  UsdMicros reserved;
  UsdMicros remaining;  // max(0, cap − spent − reserved)
};

// Reserve → Settle | Release against every budget covering a principal: user budgets whose
// subject is the principal's name (or "*"), group budgets whose subject is one of its groups
// (or "*": each of its groups), and every org budget — daily and monthly together, in one store
// transaction so that concurrent requests can never overspend a hard cap. Reservations live
// until settled, released, or BudgetsConfig::reservation_ttl passes (a crashed request).
//
// Thread-safety: thread-safe. Borrows `store` and `clock` (must outlive it). Any store error is
// returned (UNAVAILABLE / DATA_LOSS): the caller must not send anything (fail closed).
class BudgetLedger {
 public:
  BudgetLedger(PolicyStore& store, const Clock& clock);

  // Installs (or replaces, on reload) the budgets. INVALID_ARGUMENT for an unknown time zone, a
  // non-positive reservation_ttl, a negative cap, a duplicate id, or a user/group budget without
  // a subject. Spend is kept per budget id, so a reload that changes a cap keeps the books.
  Status SetConfig(const config::BudgetsConfig& cfg);

  // Reserves `estimate` (>= 0) against every covering budget. Returns kReserved (maybe with
  // soft-cap warnings) or kDegradeLocal; RESOURCE_EXHAUSTED naming the budget, its window, the
  // amounts and when it resets if a hard cap with at_cap deny would be exceeded (deny wins over
  // degrade when both apply). Nothing is reserved unless the outcome is kReserved.
  StatusOr<Reservation> Reserve(const BudgetPrincipal& who, UsdMicros estimate);
  // Charges the actual cost (may exceed the estimate: the books follow the provider) to the
  // reservation's buckets. FAILED_PRECONDITION if already settled/released; NOT_FOUND if unknown.
  Status Settle(const std::string& reservation_id, UsdMicros actual);
  // Drops a reservation without charge (the call failed before the provider billed anything).
  Status Release(const std::string& reservation_id);
  // The covering budgets of `who` in their current windows, in config order.
  StatusOr<std::vector<BudgetLine>> Show(const BudgetPrincipal& who);
  // Expires reservations older than the TTL; returns how many (also done by every Reserve).
  StatusOr<int64_t> ExpireStale();

  // The configured IANA zone name ("" before SetConfig).
  std::string timezone() const;

 private:
  struct Covering {
    const config::BudgetConfig* budget;
    BucketKey key;
    CalendarWindows::Window window;
  };
  struct Snapshot {
    config::BudgetsConfig cfg;
    CalendarWindows windows;
  };
  std::shared_ptr<const Snapshot> snapshot() const;
  static std::vector<Covering> CoveringBudgets(const Snapshot& s, const BudgetPrincipal& who,
                                               Micros now);

  PolicyStore& store_;
  const Clock& clock_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const Snapshot> snap_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gw::policies
