// PolicyStore: the durable state behind consent and budgets — used ticket nonces, consent grants,
// budget spend per calendar window and in-flight reservations.
//
// The interface is small on purpose so that a shared store for fleets (PostgreSQL) can follow the
// embedded SQLite one (OpenSqlitePolicyStore below). Every method is one transaction: it either
// happens entirely or not at all. Any error is returned as a Status (UNAVAILABLE for an I/O or
// database failure, DATA_LOSS for a corrupt database); callers fail closed on every error — a
// store error never means "allowed" (DESIGN.md invariants).
//
// Units: timestamps are microseconds since the Unix epoch (UTC), money is micro-dollars.
// Thread-safety: implementations are thread-safe; many threads may call concurrently, and two
// processes may share one SQLite file (transactions take the write lock up front).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/units.h"

namespace gw::policies {

// ----- consent -----------------------------------------------------------------------------

enum class GrantScope { kOnce = 1, kCategory = 2, kApp = 3 };

// One stored consent grant.
struct GrantRecord {
  std::string grant_id;   // 32 hex chars
  std::string principal;  // who granted (and whom it covers)
  GrantScope scope = GrantScope::kOnce;
  std::string request_digest;  // kOnce: the request it covers (hex); empty otherwise
  std::string category;        // kCategory: the task category it covers
  std::string app_id;          // kApp: the app it covers
  std::string adapter;         // the adapter it covers
  std::string data_class;      // the highest data class it covers
  std::string ticket_nonce;    // nonce of the ticket it was made from (hex)
  Micros granted_at;
  Micros expires_at;
  bool revoked = false;
  bool consumed = false;  // kOnce: already used by a request
};

// ----- budgets -----------------------------------------------------------------------------

// One budget's ledger for one subject and one calendar window.
struct BucketKey {
  std::string budget_id;  // BudgetConfig::id
  std::string subject;    // user or group name the spend is counted for; "" for org budgets
  Micros window_start;    // start of the calendar window (local midnight, as Unix µs)
  bool operator==(const BucketKey&) const = default;
};

// A bucket with the limit to enforce during a reservation.
struct BucketLimit {
  BucketKey key;
  UsdMicros cap;
  bool hard = true;  // false = soft cap: never refuses, only reported
};

// spent + reserved of one bucket at one moment.
struct BucketUsage {
  BucketKey key;
  UsdMicros spent;     // settled charges in the window
  UsdMicros reserved;  // live (unexpired, unsettled) reservations
};

struct ReserveRequest {
  std::string reservation_id;  // caller-chosen unique id (32 hex chars)
  std::string principal;       // for the books; not used for matching
  UsdMicros amount;            // >= 0
  Micros now;
  Micros expires_at;                 // the reservation stops counting after this (crash recovery)
  std::vector<BucketLimit> buckets;  // every bucket that covers the request
};

struct ReserveResult {
  bool reserved = false;  // false: some hard bucket would go over its cap; nothing was written
  // Usage of each requested bucket *before* this reservation, in request order.
  std::vector<BucketUsage> before;
  // Indexes into `before` of hard buckets that refused the amount.
  std::vector<size_t> over_cap;
};

enum class ReservationState { kHeld = 0, kSettled = 1, kReleased = 2, kExpired = 3 };

struct ReservationRecord {
  std::string reservation_id;
  std::string principal;
  UsdMicros amount;   // reserved
  UsdMicros charged;  // settled amount (0 unless kSettled)
  Micros created_at;
  Micros expires_at;
  ReservationState state = ReservationState::kHeld;
  std::vector<BucketKey> buckets;
};

class PolicyStore {
 public:
  virtual ~PolicyStore() = default;

  // Records that a ticket nonce was redeemed. Returns false (and changes nothing) if the nonce
  // was already recorded. `keep_until`: the row may be purged after this (the ticket's expiry;
  // an expired ticket is refused before its nonce is looked at).
  virtual StatusOr<bool> RecordNonce(const std::string& nonce, const std::string& principal,
                                     Micros now, Micros keep_until) = 0;

  // Stores a new grant. ALREADY_EXISTS if grant_id is taken.
  virtual Status InsertGrant(const GrantRecord& g) = 0;
  // The grants of `principal` (all principals if empty), newest first. With `active_only`, only
  // those neither revoked, consumed nor expired at `now`.
  virtual StatusOr<std::vector<GrantRecord>> ListGrants(const std::string& principal,
                                                        bool active_only, Micros now) = 0;
  // Marks a grant revoked. NOT_FOUND if `principal` has no grant `grant_id`.
  virtual Status RevokeGrant(const std::string& principal, const std::string& grant_id,
                             Micros now) = 0;
  // Marks an active kOnce grant consumed. Returns false if it was already consumed, revoked or
  // expired (exactly one of several racing callers gets true).
  virtual StatusOr<bool> ConsumeGrant(const std::string& grant_id, Micros now) = 0;

  // In one transaction: expires held reservations whose expires_at <= now, computes each
  // bucket's usage, and — unless a hard bucket would exceed its cap (spent + reserved + amount
  // > cap) — records the reservation against all buckets. ALREADY_EXISTS for a reused id.
  virtual StatusOr<ReserveResult> Reserve(const ReserveRequest& r) = 0;
  // Charges `actual` to every bucket of the reservation and marks it settled. A reservation that
  // expired meanwhile is still charged (the provider billed it). FAILED_PRECONDITION if it was
  // already settled or released; NOT_FOUND for an unknown id.
  virtual Status Settle(const std::string& reservation_id, UsdMicros actual, Micros now) = 0;
  // Drops a held reservation without charge. FAILED_PRECONDITION if settled/released already;
  // NOT_FOUND for an unknown id. Releasing an expired reservation is OK (no-op).
  virtual Status Release(const std::string& reservation_id, Micros now) = 0;
  // Usage of each bucket at `now` (expired reservations do not count), in order.
  virtual StatusOr<std::vector<BucketUsage>> Usage(const std::vector<BucketKey>& keys,
                                                   Micros now) = 0;
  // One reservation, for books and tests. NOT_FOUND for an unknown id.
  virtual StatusOr<ReservationRecord> GetReservation(const std::string& reservation_id) = 0;
  // Marks held reservations with expires_at <= now expired; returns how many.
  virtual StatusOr<int64_t> ExpireReservations(Micros now) = 0;
};

// Opens (creating if needed) the SQLite store at `path` (usually <state_dir>/policy.db), mode
// 0600, WAL journal, synchronous=FULL, busy_timeout 5 s, and migrates the schema. Errors:
// UNAVAILABLE if the file cannot be opened or written; DATA_LOSS if it is not a database or its
// schema version is unknown. The store owns its connection; see store/sqlite_store.cc.
StatusOr<std::unique_ptr<PolicyStore>> OpenSqlitePolicyStore(const std::string& path);

}  // namespace gw::policies
