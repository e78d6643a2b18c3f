// The embedded PolicyStore: one SQLite database (C API, https://sqlite.org/c3ref/intro.html).
//
// Durability choices:
//  - journal_mode=WAL: readers never block the writer; one writer at a time.
//  - synchronous=FULL: a commit is on disk before Reserve/RecordNonce return. With NORMAL, a
//    power loss may roll back the last commits; that would forget a redeemed ticket nonce (a
//    replay after reboot) or a settled charge (overspend). The cost is one fsync per commit
//    (see bench/policy_bench for the figure).
//  - busy_timeout=5000 ms and BEGIN IMMEDIATE: a transaction takes the write lock before it
//    reads, so two processes sharing the file cannot both read the same remaining budget.
// In-process, one connection is shared under a mutex; prepared statements are cached on it.
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "policies/store.h"

namespace gw::policies {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS used_nonces(
  nonce TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  used_us INTEGER NOT NULL,
  keep_until_us INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS used_nonces_keep ON used_nonces(keep_until_us);
CREATE TABLE IF NOT EXISTS grants(
  grant_id TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  scope INTEGER NOT NULL,
  request_digest TEXT NOT NULL,
  category TEXT NOT NULL,
  app_id TEXT NOT NULL,
  adapter TEXT NOT NULL,
  data_class TEXT NOT NULL,
  ticket_nonce TEXT NOT NULL,
  granted_us INTEGER NOT NULL,
  expires_us INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0,
  consumed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS grants_principal ON grants(principal, granted_us);
CREATE TABLE IF NOT EXISTS budget_spend(
  budget_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  window_start_us INTEGER NOT NULL,
  spent INTEGER NOT NULL,
  PRIMARY KEY(budget_id, subject, window_start_us));
CREATE TABLE IF NOT EXISTS reservations(
  id TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  amount INTEGER NOT NULL,
  charged INTEGER NOT NULL DEFAULT 0,
  created_us INTEGER NOT NULL,
  expires_us INTEGER NOT NULL,
  state INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS reservations_held ON reservations(state, expires_us);
CREATE TABLE IF NOT EXISTS reservation_buckets(
  reservation_id TEXT NOT NULL,
  budget_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  window_start_us INTEGER NOT NULL,
  PRIMARY KEY(reservation_id, budget_id, subject, window_start_us));
CREATE INDEX IF NOT EXISTS reservation_buckets_bucket
  ON reservation_buckets(budget_id, subject, window_start_us);
)sql";

Status SqlError(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  std::string msg = absl::StrCat("policy store: ", std::string(what), ": ",
                                 db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) return absl::DataLossError(msg);
  return absl::UnavailableError(msg);
}

class SqliteStore final : public PolicyStore {
 public:
  explicit SqliteStore(sqlite3* db) : db_(db) {}
  ~SqliteStore() override {
    absl::MutexLock lock(&mu_);
    for (auto& [sql, st] : stmts_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }

  Status Init() {
    absl::MutexLock lock(&mu_);
    GW_RETURN_IF_ERROR(ExecLocked("PRAGMA busy_timeout=5000", "busy_timeout"));
    // journal_mode returns a row; exec ignores it.
    GW_RETURN_IF_ERROR(ExecLocked("PRAGMA journal_mode=WAL", "journal_mode"));
    GW_RETURN_IF_ERROR(ExecLocked("PRAGMA synchronous=FULL", "synchronous"));
    GW_RETURN_IF_ERROR(ExecLocked("PRAGMA foreign_keys=ON", "foreign_keys"));
    GW_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE", "begin"));
    Status s = [&]() -> Status {
      GW_ASSIGN_OR_RETURN(int64_t version, QueryIntLocked("PRAGMA user_version", {}, 0));
      if (version > kSchemaVersion) {
        return absl::DataLossError(absl::StrCat("policy store: schema version ", version,
                                                " is newer than this gatewayd (", kSchemaVersion,
                                                ")"));
      }
      GW_RETURN_IF_ERROR(ExecLocked(kSchema, "schema"));
      return ExecLocked(absl::StrCat("PRAGMA user_version=", kSchemaVersion), "user_version");
    }();
    return FinishTxnLocked(s);
  }

  StatusOr<bool> RecordNonce(const std::string& nonce, const std::string& principal, Micros now,
                             Micros keep_until) override {
    absl::MutexLock lock(&mu_);
    GW_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE", "begin"));
    bool inserted = false;
    Status s = [&]() -> Status {
      GW_ASSIGN_OR_RETURN(auto* st,
                          PrepareLocked("INSERT OR IGNORE INTO used_nonces(nonce, principal, "
                                        "used_us, keep_until_us) VALUES(?1, ?2, ?3, ?4)"));
      BindText(st, 1, nonce);
      BindText(st, 2, principal);
      sqlite3_bind_int64(st, 3, now.value());
      sqlite3_bind_int64(st, 4, keep_until.value());
      GW_RETURN_IF_ERROR(StepDoneLocked(st, "record nonce"));
      inserted = sqlite3_changes(db_) == 1;
      GW_ASSIGN_OR_RETURN(auto* purge,
                          PrepareLocked("DELETE FROM used_nonces WHERE keep_until_us < ?1"));
      sqlite3_bind_int64(purge, 1, now.value());
      return StepDoneLocked(purge, "purge nonces");
    }();
    GW_RETURN_IF_ERROR(FinishTxnLocked(s));
    return inserted;
  }

  Status InsertGrant(const GrantRecord& g) override {
    absl::MutexLock lock(&mu_);
    GW_ASSIGN_OR_RETURN(
        auto* st,
        PrepareLocked("INSERT INTO grants(grant_id, principal, scope, request_digest, category, "
                      "app_id, adapter, data_class, ticket_nonce, granted_us, expires_us, "
                      "revoked, consumed) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"));
    BindText(st, 1, g.grant_id);
    BindText(st, 2, g.principal);
    sqlite3_bind_int(st, 3, static_cast<int>(g.scope));
    BindText(st, 4, g.request_digest);
    BindText(st, 5, g.category);
    BindText(st, 6, g.app_id);
    BindText(st, 7, g.adapter);
    BindText(st, 8, g.data_class);
    BindText(st, 9, g.ticket_nonce);
    sqlite3_bind_int64(st, 10, g.granted_at.value());
    sqlite3_bind_int64(st, 11, g.expires_at.value());
    sqlite3_bind_int(st, 12, g.revoked ? 1 : 0);
    sqlite3_bind_int(st, 13, g.consumed ? 1 : 0);
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT) {
      return absl::AlreadyExistsError(
          absl::StrCat("policy store: grant ", g.grant_id, " already exists"));
    }
    if (rc != SQLITE_DONE) return SqlError(db_, rc, "insert grant");
    return absl::OkStatus();
  }

  StatusOr<std::vector<GrantRecord>> ListGrants(const std::string& principal, bool active_only,
                                                Micros now) override {
    absl::MutexLock lock(&mu_);
    GW_ASSIGN_OR_RETURN(
        auto* st,
        PrepareLocked("SELECT grant_id, principal, scope, request_digest, category, app_id, "
                      "adapter, data_class, ticket_nonce, granted_us, expires_us, revoked, "
                      "consumed FROM grants WHERE (?1 = '' OR principal = ?1) AND "
                      "(?2 = 0 OR (revoked = 0 AND consumed = 0 AND expires_us > ?3)) "
                      "ORDER BY granted_us DESC, grant_id"));
    BindText(st, 1, principal);
    sqlite3_bind_int(st, 2, active_only ? 1 : 0);
    sqlite3_bind_int64(st, 3, now.value());
    std::vector<GrantRecord> out;
    for (;;) {
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return SqlError(db_, rc, "list grants");
      }
      GrantRecord g;
      g.grant_id = ColText(st, 0);
      g.principal = ColText(st, 1);
      const int scope = sqlite3_column_int(st, 2);
      if (scope < 1 || scope > 3) {
        sqlite3_reset(st);
        return absl::DataLossError(
            absl::StrCat("policy store: grant ", g.grant_id, " has unknown scope ", scope));
      }
      g.scope = static_cast<GrantScope>(scope);
      g.request_digest = ColText(st, 3);
      g.category = ColText(st, 4);
      g.app_id = ColText(st, 5);
      g.adapter = ColText(st, 6);
      g.data_class = ColText(st, 7);
      g.ticket_nonce = ColText(st, 8);
      g.granted_at = Micros(sqlite3_column_int64(st, 9));
      g.expires_at = Micros(sqlite3_column_int64(st, 10));
      g.revoked = sqlite3_column_int(st, 11) != 0;
      g.consumed = sqlite3_column_int(st, 12) != 0;
      out.push_back(std::move(g));
    }
    sqlite3_reset(st);
    return out;
  }

  Status RevokeGrant(const std::string& principal, const std::string& grant_id,
                     Micros now) override {
    absl::MutexLock lock(&mu_);
    GW_ASSIGN_OR_RETURN(auto* st, PrepareLocked("UPDATE grants SET revoked = 1 WHERE "
                                                "grant_id = ?1 AND principal = ?2"));
    BindText(st, 1, grant_id);
    BindText(st, 2, principal);
    GW_RETURN_IF_ERROR(StepDoneLocked(st, "revoke grant"));
    if (sqlite3_changes(db_) != 1) {
      return absl::NotFoundError(absl::StrCat("no consent grant '", grant_id, "' of ", principal));
    }
    return absl::OkStatus();
  }

  StatusOr<bool> ConsumeGrant(const std::string& grant_id, Micros now) override {
    absl::MutexLock lock(&mu_);
    GW_ASSIGN_OR_RETURN(auto* st,
                        PrepareLocked("UPDATE grants SET consumed = 1 WHERE grant_id = ?1 AND "
                                      "consumed = 0 AND revoked = 0 AND expires_us > ?2"));
    BindText(st, 1, grant_id);
    sqlite3_bind_int64(st, 2, now.value());
    GW_RETURN_IF_ERROR(StepDoneLocked(st, "consume grant"));
    return sqlite3_changes(db_) == 1;
  }

  StatusOr<ReserveResult> Reserve(const ReserveRequest& r) override {
    if (r.amount.value() < 0) {
      return absl::InvalidArgumentError("policy store: negative reservation amount");
    }
    absl::MutexLock lock(&mu_);
    GW_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE", "begin"));
    ReserveResult result;
    Status s = [&]() -> Status {
      GW_RETURN_IF_ERROR(ExpireLocked(r.now).status());
      for (size_t i = 0; i < r.buckets.size(); ++i) {
        const BucketLimit& b = r.buckets[i];
        GW_ASSIGN_OR_RETURN(BucketUsage u, UsageLocked(b.key, std::nullopt));
        result.before.push_back(u);
        // 128-bit sum: spent/reserved come from the database and must not overflow the check.
        const __int128 total =
            static_cast<__int128>(u.spent.value()) + u.reserved.value() + r.amount.value();
        if (b.hard && total > b.cap.value()) result.over_cap.push_back(i);
      }
      if (!result.over_cap.empty()) return absl::OkStatus();
      GW_ASSIGN_OR_RETURN(auto* ins,
                          PrepareLocked("INSERT INTO reservations(id, principal, amount, charged, "
                                        "created_us, expires_us, state) "
                                        "VALUES(?1, ?2, ?3, 0, ?4, ?5, 0)"));
      BindText(ins, 1, r.reservation_id);
      BindText(ins, 2, r.principal);
      sqlite3_bind_int64(ins, 3, r.amount.value());
      sqlite3_bind_int64(ins, 4, r.now.value());
      sqlite3_bind_int64(ins, 5, r.expires_at.value());
      const int rc = sqlite3_step(ins);
      sqlite3_reset(ins);
      if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        return absl::AlreadyExistsError(
            absl::StrCat("policy store: reservation ", r.reservation_id, " already exists"));
      }
      if (rc != SQLITE_DONE) return SqlError(db_, rc, "insert reservation");
      GW_ASSIGN_OR_RETURN(auto* bins,
                          PrepareLocked("INSERT OR IGNORE INTO reservation_buckets(reservation_id,"
                                        " budget_id, subject, window_start_us) "
                                        "VALUES(?1, ?2, ?3, ?4)"));
      for (const BucketLimit& b : r.buckets) {
        BindText(bins, 1, r.reservation_id);
        BindText(bins, 2, b.key.budget_id);
        BindText(bins, 3, b.key.subject);
        sqlite3_bind_int64(bins, 4, b.key.window_start.value());
        GW_RETURN_IF_ERROR(StepDoneLocked(bins, "insert reservation bucket"));
      }
      result.reserved = true;
      return absl::OkStatus();
    }();
    GW_RETURN_IF_ERROR(FinishTxnLocked(s));
    return result;
  }

  Status Settle(const std::string& reservation_id, UsdMicros actual, Micros now) override {
    if (actual.value() < 0) return absl::InvalidArgumentError("policy store: negative charge");
    absl::MutexLock lock(&mu_);
    GW_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE", "begin"));
    Status s = [&]() -> Status {
      GW_ASSIGN_OR_RETURN(ReservationRecord rec, GetLocked(reservation_id));
      if (rec.state == ReservationState::kSettled || rec.state == ReservationState::kReleased) {
        return absl::FailedPreconditionError(
            absl::StrCat("reservation ", reservation_id, " was already ",
                         rec.state == ReservationState::kSettled ? "settled" : "released"));
      }
      GW_ASSIGN_OR_RETURN(auto* add,
                          PrepareLocked("INSERT INTO budget_spend(budget_id, subject, "
                                        "window_start_us, spent) VALUES(?1, ?2, ?3, ?4) "
                                        "ON CONFLICT(budget_id, subject, window_start_us) "
                                        "DO UPDATE SET spent = spent + excluded.spent"));
      for (const BucketKey& k : rec.buckets) {
        BindText(add, 1, k.budget_id);
        BindText(add, 2, k.subject);
        sqlite3_bind_int64(add, 3, k.window_start.value());
        sqlite3_bind_int64(add, 4, actual.value());
        GW_RETURN_IF_ERROR(StepDoneLocked(add, "charge bucket"));
      }
      GW_ASSIGN_OR_RETURN(
          auto* upd,
          PrepareLocked("UPDATE reservations SET state = 1, charged = ?2 WHERE id = ?1"));
      BindText(upd, 1, reservation_id);
      sqlite3_bind_int64(upd, 2, actual.value());
      return StepDoneLocked(upd, "settle reservation");
    }();
    return FinishTxnLocked(s);
  }

  Status Release(const std::string& reservation_id, Micros now) override {
    absl::MutexLock lock(&mu_);
    GW_RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE", "begin"));
    Status s = [&]() -> Status {
      GW_ASSIGN_OR_RETURN(ReservationRecord rec, GetLocked(reservation_id));
      if (rec.state == ReservationState::kSettled || rec.state == ReservationState::kReleased) {
        return absl::FailedPreconditionError(
            absl::StrCat("reservation ", reservation_id, " was already ",
                         rec.state == ReservationState::kSettled ? "settled" : "released"));
      }
      if (rec.state == ReservationState::kExpired) return absl::OkStatus();
      GW_ASSIGN_OR_RETURN(auto* upd,
                          PrepareLocked("UPDATE reservations SET state = 2 WHERE id = ?1"));
      BindText(upd, 1, reservation_id);
      return StepDoneLocked(upd, "release reservation");
    }();
    return FinishTxnLocked(s);
  }

  StatusOr<std::vector<BucketUsage>> Usage(const std::vector<BucketKey>& keys,
                                           Micros now) override {
    absl::MutexLock lock(&mu_);
    GW_RETURN_IF_ERROR(ExecLocked("BEGIN", "begin"));
    std::vector<BucketUsage> out;
    Status s = [&]() -> Status {
      for (const BucketKey& k : keys) {
        GW_ASSIGN_OR_RETURN(BucketUsage u, UsageLocked(k, now));
        out.push_back(std::move(u));
      }
      return absl::OkStatus();
    }();
    GW_RETURN_IF_ERROR(FinishTxnLocked(s));
    return out;
  }

  StatusOr<ReservationRecord> GetReservation(const std::string& reservation_id) override {
    absl::MutexLock lock(&mu_);
    return GetLocked(reservation_id);
  }

  StatusOr<int64_t> ExpireReservations(Micros now) override {
    absl::MutexLock lock(&mu_);
    return ExpireLocked(now);
  }

 private:
  static void BindText(sqlite3_stmt* st, int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  static std::string ColText(sqlite3_stmt* st, int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
    return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(st, i));
  }

  StatusOr<sqlite3_stmt*> PrepareLocked(const char* sql) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = stmts_.find(sql);
    if (it != stmts_.end()) {
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* st = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, nullptr);
    if (rc != SQLITE_OK) return SqlError(db_, rc, "prepare");
    stmts_.emplace(sql, st);
    return st;
  }

  Status StepDoneLocked(sqlite3_stmt* st, std::string_view what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return SqlError(db_, rc, what);
    return absl::OkStatus();
  }

  Status ExecLocked(const std::string& sql, std::string_view what)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqlError(db_, rc, what);
    return absl::OkStatus();
  }

  // Commits when `s` is OK, else rolls back and returns `s`.
  Status FinishTxnLocked(const Status& s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!s.ok()) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return s;
    }
    const int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      Status err = SqlError(db_, rc, "commit");
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return err;
    }
    return absl::OkStatus();
  }

  StatusOr<int64_t> QueryIntLocked(const char* sql, const std::vector<int64_t>& args,
                                   int64_t if_none) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    GW_ASSIGN_OR_RETURN(auto* st, PrepareLocked(sql));
    for (size_t i = 0; i < args.size(); ++i) {
      sqlite3_bind_int64(st, static_cast<int>(i + 1), args[i]);
    }
    const int rc = sqlite3_step(st);
    int64_t v = if_none;
    if (rc == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db_, rc, "query");
    return v;
  }

  // Usage of one bucket; with `now`, reservations past their expiry are not counted (a read
  // that does not write); without, only state does (the caller expired them in this txn).
  StatusOr<BucketUsage> UsageLocked(const BucketKey& k, std::optional<Micros> now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    BucketUsage u;
    u.key = k;
    GW_ASSIGN_OR_RETURN(auto* sp,
                        PrepareLocked("SELECT spent FROM budget_spend WHERE budget_id = ?1 AND "
                                      "subject = ?2 AND window_start_us = ?3"));
    BindText(sp, 1, k.budget_id);
    BindText(sp, 2, k.subject);
    sqlite3_bind_int64(sp, 3, k.window_start.value());
    int rc = sqlite3_step(sp);
    if (rc == SQLITE_ROW) u.spent = UsdMicros(sqlite3_column_int64(sp, 0));
    sqlite3_reset(sp);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return SqlError(db_, rc, "read spend");
    GW_ASSIGN_OR_RETURN(
        auto* rs, PrepareLocked("SELECT COALESCE(SUM(r.amount), 0) FROM reservation_buckets b "
                                "JOIN reservations r ON r.id = b.reservation_id "
                                "WHERE b.budget_id = ?1 AND b.subject = ?2 AND "
                                "b.window_start_us = ?3 AND r.state = 0 AND r.expires_us > ?4"));
    BindText(rs, 1, k.budget_id);
    BindText(rs, 2, k.subject);
    sqlite3_bind_int64(rs, 3, k.window_start.value());
    sqlite3_bind_int64(rs, 4, now.has_value() ? now->value() : INT64_MIN);
    rc = sqlite3_step(rs);
    if (rc == SQLITE_ROW) u.reserved = UsdMicros(sqlite3_column_int64(rs, 0));
    sqlite3_reset(rs);
    if (rc != SQLITE_ROW) return SqlError(db_, rc, "read reservations");
    return u;
  }

  StatusOr<int64_t> ExpireLocked(Micros now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    GW_ASSIGN_OR_RETURN(auto* st, PrepareLocked("UPDATE reservations SET state = 3 WHERE "
                                                "state = 0 AND expires_us <= ?1"));
    sqlite3_bind_int64(st, 1, now.value());
    GW_RETURN_IF_ERROR(StepDoneLocked(st, "expire reservations"));
    return static_cast<int64_t>(sqlite3_changes(db_));
  }

  StatusOr<ReservationRecord> GetLocked(const std::string& id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    GW_ASSIGN_OR_RETURN(auto* st,
                        PrepareLocked("SELECT principal, amount, charged, created_us, expires_us, "
                                      "state FROM reservations WHERE id = ?1"));
    BindText(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
      sqlite3_reset(st);
      return absl::NotFoundError(absl::StrCat("no budget reservation '", id, "'"));
    }
    if (rc != SQLITE_ROW) {
      sqlite3_reset(st);
      return SqlError(db_, rc, "read reservation");
    }
    ReservationRecord rec;
    rec.reservation_id = id;
    rec.principal = ColText(st, 0);
    rec.amount = UsdMicros(sqlite3_column_int64(st, 1));
    rec.charged = UsdMicros(sqlite3_column_int64(st, 2));
    rec.created_at = Micros(sqlite3_column_int64(st, 3));
    rec.expires_at = Micros(sqlite3_column_int64(st, 4));
    const int state = sqlite3_column_int(st, 5);
    sqlite3_reset(st);
    if (state < 0 || state > 3) {
      return absl::DataLossError(
          absl::StrCat("policy store: reservation ", id, " has unknown state ", state));
    }
    rec.state = static_cast<ReservationState>(state);
    GW_ASSIGN_OR_RETURN(auto* bs, PrepareLocked("SELECT budget_id, subject, window_start_us FROM "
                                                "reservation_buckets WHERE reservation_id = ?1 "
                                                "ORDER BY rowid"));
    BindText(bs, 1, id);
    while ((rc = sqlite3_step(bs)) == SQLITE_ROW) {
      rec.buckets.push_back(
          BucketKey{ColText(bs, 0), ColText(bs, 1), Micros(sqlite3_column_int64(bs, 2))});
    }
    sqlite3_reset(bs);
    if (rc != SQLITE_DONE) return SqlError(db_, rc, "read reservation buckets");
    return rec;
  }

  absl::Mutex mu_;
  sqlite3* const db_ ABSL_PT_GUARDED_BY(mu_);
  // Keyed by the SQL text's address: every statement is a string literal.
  std::map<const char*, sqlite3_stmt*> stmts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

StatusOr<std::unique_ptr<PolicyStore>> OpenSqlitePolicyStore(const std::string& path) {
  // Create the file ourselves so that it is never world-readable, even for an instant.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("policy store: cannot open ", path, ": ", std::strerror(errno)));
  }
  ::close(fd);
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqlError(db, rc, absl::StrCat("open ", path));
    sqlite3_close(db);
    return s;
  }
  sqlite3_extended_result_codes(db, 1);
  auto store = std::make_unique<SqliteStore>(db);
  GW_RETURN_IF_ERROR(store->Init());
  return std::unique_ptr<PolicyStore>(std::move(store));
}

}  // namespace gw::policies
