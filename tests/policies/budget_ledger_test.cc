// BudgetLedger on the real SQLite store: covering budgets, caps, reserve/settle/release, window
// roll-over with an injected clock, parallel races for the last dollars, and fail-closed.
#include <atomic>
#include <filesystem>
#include <thread>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "policies/budget.h"

namespace gw::policies {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kUsd = 1'000'000;

config::BudgetConfig Budget(std::string id, config::BudgetScope scope, std::string subject,
                            config::BudgetWindow window, int64_t cap, bool hard = true,
                            config::AtCapAction at_cap = config::AtCapAction::kDeny) {
  config::BudgetConfig b;
  b.id = std::move(id);
  b.scope = scope;
  b.subject = std::move(subject);
  b.window = window;
  b.cap = UsdMicros(cap);
  b.hard = hard;
  b.at_cap = at_cap;
  return b;
}

Micros UtcAt(absl::CivilSecond cs) {
  return Micros(absl::ToUnixMicros(absl::FromCivil(cs, absl::UTCTimeZone())));
}

class BudgetLedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gw_budget_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = OpenSqlitePolicyStore(dir_ / "policy.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    clock_.Set(UtcAt(absl::CivilSecond(2026, 11, 21, 10, 0, 0)));
    ledger_ = std::make_unique<BudgetLedger>(*store_, clock_);
    cfg_.timezone = "UTC";
    cfg_.reservation_ttl = Micros(600 * 1'000'000LL);
  }
  void TearDown() override {
    ledger_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  void Configure(std::vector<config::BudgetConfig> budgets) {
    cfg_.budgets = std::move(budgets);
    ASSERT_TRUE(ledger_->SetConfig(cfg_).ok());
  }
  UsdMicros Spent(const std::string& id, const BudgetPrincipal& who = Alice()) {
    auto lines = ledger_->Show(who);
    EXPECT_TRUE(lines.ok());
    for (const auto& l : *lines) {
      if (l.budget_id == id) return l.spent;
    }
    ADD_FAILURE() << "no budget " << id;
    return UsdMicros(-1);
  }
  static BudgetPrincipal Alice() { return {"alice", {"eng", "staff"}}; }
  static BudgetPrincipal Bob() { return {"bob", {"eng"}}; }

  fs::path dir_;
  FakeClock clock_;
  config::BudgetsConfig cfg_;
  std::unique_ptr<PolicyStore> store_;
  std::unique_ptr<BudgetLedger> ledger_;
};

TEST_F(BudgetLedgerTest, ConfigErrors) {
  config::BudgetsConfig c = cfg_;
  c.timezone = "Nowhere/Special";
  EXPECT_EQ(ledger_->SetConfig(c).code(), absl::StatusCode::kInvalidArgument);
  c = cfg_;
  c.budgets = {Budget("a", config::BudgetScope::kUser, "", config::BudgetWindow::kDaily, 1)};
  EXPECT_EQ(ledger_->SetConfig(c).message(),
            "budgets: 'a' needs a subject (a name, or \"*\" for each one)");
  c.budgets = {Budget("a", config::BudgetScope::kOrg, "", config::BudgetWindow::kDaily, 1),
               Budget("a", config::BudgetScope::kOrg, "", config::BudgetWindow::kDaily, 1)};
  EXPECT_EQ(ledger_->SetConfig(c).message(), "budgets: duplicate id 'a'");
  // Before any config, nothing is reserved.
  EXPECT_EQ(ledger_->Reserve(Alice(), UsdMicros(1)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(BudgetLedgerTest, EveryCoveringBudgetAppliesUserGroupAndOrg) {
  Configure({
      Budget("each-user-daily", config::BudgetScope::kUser, "*", config::BudgetWindow::kDaily,
             10 * kUsd),
      Budget("bob-only", config::BudgetScope::kUser, "bob", config::BudgetWindow::kDaily,
             10 * kUsd),
      Budget("each-group-monthly", config::BudgetScope::kGroup, "*", config::BudgetWindow::kMonthly,
             100 * kUsd),
      Budget("staff", config::BudgetScope::kGroup, "staff", config::BudgetWindow::kMonthly,
             100 * kUsd),
      Budget("org", config::BudgetScope::kOrg, "", config::BudgetWindow::kMonthly, 1000 * kUsd),
  });
  auto r = ledger_->Reserve(Alice(), UsdMicros(2 * kUsd));
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->outcome, BudgetOutcome::kReserved);
  // each-user-daily:alice, each-group-monthly:eng and :staff, staff:staff, org.
  ASSERT_EQ(r->buckets.size(), 5u);
  EXPECT_EQ(r->buckets[0].subject, "alice");
  EXPECT_EQ(r->buckets[1].subject, "eng");
  EXPECT_EQ(r->buckets[2].subject, "staff");
  EXPECT_EQ(r->buckets[4].subject, "");
  ASSERT_TRUE(ledger_->Settle(r->reservation_id, UsdMicros(1'500'000)).ok());
  EXPECT_EQ(Spent("each-user-daily").value(), 1'500'000);
  EXPECT_EQ(Spent("org").value(), 1'500'000);
  // Bob shares the eng group and org buckets, not alice's user bucket.
  auto b = ledger_->Show(Bob());
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->size(), 4u);  // each-user-daily:bob, bob-only, each-group-monthly:eng, org
  EXPECT_EQ((*b)[0].spent.value(), 0);
  EXPECT_EQ((*b)[2].spent.value(), 1'500'000);
  EXPECT_EQ((*b)[3].spent.value(), 1'500'000);
  EXPECT_EQ((*b)[3].remaining.value(), 1000 * kUsd - 1'500'000);
}

TEST_F(BudgetLedgerTest, HardCapDeniesWithResourceExhausted) {
  Configure({Budget("alice-daily", config::BudgetScope::kUser, "alice",
                    config::BudgetWindow::kDaily, 5 * kUsd)});
  auto r1 = ledger_->Reserve(Alice(), UsdMicros(3 * kUsd));
  ASSERT_TRUE(r1.ok());
  auto r2 = ledger_->Reserve(Alice(), UsdMicros(2'000'001));
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(r2.status().message(),
            "budget 'alice-daily' (user alice, daily window 2026-11-21) is at its cap: spent "
            "$0.000000 + reserved $3.000000 + this request's estimate $2.000001 > cap $5.000000; "
            "resets at 2026-11-22T00:00:00Z");
  // Exactly up to the cap is fine.
  auto r3 = ledger_->Reserve(Alice(), UsdMicros(2 * kUsd));
  ASSERT_TRUE(r3.ok()) << r3.status();
  // Releasing gives the money back.
  ASSERT_TRUE(ledger_->Release(r1->reservation_id).ok());
  EXPECT_TRUE(ledger_->Reserve(Alice(), UsdMicros(3 * kUsd)).ok());
}

TEST_F(BudgetLedgerTest, DegradeToLocalReservesNothing) {
  Configure(
      {Budget("alice-daily", config::BudgetScope::kUser, "alice", config::BudgetWindow::kDaily,
              1 * kUsd, true, config::AtCapAction::kDegradeLocal),
       Budget("org", config::BudgetScope::kOrg, "", config::BudgetWindow::kMonthly, 100 * kUsd)});
  auto r = ledger_->Reserve(Alice(), UsdMicros(2 * kUsd));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->outcome, BudgetOutcome::kDegradeLocal);
  EXPECT_TRUE(r->reservation_id.empty());
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_NE(r->warnings[0].find("answered locally instead"), std::string::npos);
  auto lines = ledger_->Show(Alice());
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ((*lines)[1].reserved.value(), 0);  // the org budget was not touched
}

TEST_F(BudgetLedgerTest, DenyWinsOverDegrade) {
  Configure({Budget("degrade", config::BudgetScope::kUser, "alice", config::BudgetWindow::kDaily,
                    1 * kUsd, true, config::AtCapAction::kDegradeLocal),
             Budget("deny", config::BudgetScope::kOrg, "", config::BudgetWindow::kDaily, 1 * kUsd,
                    true, config::AtCapAction::kDeny)});
  auto r = ledger_->Reserve(Alice(), UsdMicros(2 * kUsd));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("budget 'deny'"), std::string::npos);
}

TEST_F(BudgetLedgerTest, SoftCapWarnsButAllows) {
  Configure({Budget("soft", config::BudgetScope::kUser, "*", config::BudgetWindow::kDaily, 1 * kUsd,
                    /*hard=*/false)});
  auto r = ledger_->Reserve(Alice(), UsdMicros(2 * kUsd));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, BudgetOutcome::kReserved);
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0],
            "budget 'soft' (user alice, daily window 2026-11-21) is over its soft cap $1.000000: "
            "spent $0.000000 + reserved $0.000000 + this request's estimate $2.000000");
  auto under = ledger_->Reserve(Bob(), UsdMicros(1));
  ASSERT_TRUE(under.ok());
  EXPECT_TRUE(under->warnings.empty());
}

TEST_F(BudgetLedgerTest, SettleChargesActualIncludingAStreamCutShort) {
  Configure(
      {Budget("d", config::BudgetScope::kUser, "alice", config::BudgetWindow::kDaily, 10 * kUsd)});
  auto r = ledger_->Reserve(Alice(), UsdMicros(5 * kUsd));
  ASSERT_TRUE(r.ok());
  // The stream was cut after a few tokens: the provider billed much less than the estimate.
  ASSERT_TRUE(ledger_->Settle(r->reservation_id, UsdMicros(123)).ok());
  auto lines = ledger_->Show(Alice());
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ((*lines)[0].spent.value(), 123);
  EXPECT_EQ((*lines)[0].reserved.value(), 0);
  EXPECT_EQ((*lines)[0].remaining.value(), 10 * kUsd - 123);
  // Twice is refused; so is releasing a settled one; unknown ids are NOT_FOUND.
  EXPECT_EQ(ledger_->Settle(r->reservation_id, UsdMicros(1)).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->Release(r->reservation_id).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->Settle("nope", UsdMicros(1)).code(), absl::StatusCode::kNotFound);
  // Actual above the estimate is charged as reported.
  auto r2 = ledger_->Reserve(Alice(), UsdMicros(1));
  ASSERT_TRUE(r2.ok());
  ASSERT_TRUE(ledger_->Settle(r2->reservation_id, UsdMicros(1000)).ok());
  EXPECT_EQ(Spent("d").value(), 1123);
}

TEST_F(BudgetLedgerTest, DailyWindowRollsOverAtMidnightInTheConfiguredZone) {
  cfg_.timezone = "Asia/Tokyo";  // UTC+9, no DST
  Configure(
      {Budget("d", config::BudgetScope::kUser, "alice", config::BudgetWindow::kDaily, 1 * kUsd),
       Budget("m", config::BudgetScope::kUser, "alice", config::BudgetWindow::kMonthly, 2 * kUsd)});
  // 2026-11-30 14:59:59 UTC = 23:59:59 in Tokyo.
  clock_.Set(UtcAt(absl::CivilSecond(2026, 11, 30, 14, 59, 59)));
  auto r = ledger_->Reserve(Alice(), UsdMicros(1 * kUsd));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(ledger_->Settle(r->reservation_id, UsdMicros(1 * kUsd)).ok());
  EXPECT_EQ(ledger_->Reserve(Alice(), UsdMicros(1)).status().code(),
            absl::StatusCode::kResourceExhausted);
  // One second later it is December 1st in Tokyo: both windows are fresh.
  clock_.Advance(Micros(1'000'000));
  auto lines = ledger_->Show(Alice());
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ((*lines)[0].window_label, "2026-12-01");
  EXPECT_EQ((*lines)[1].window_label, "2026-12");
  EXPECT_EQ((*lines)[0].spent.value(), 0);
  EXPECT_EQ((*lines)[1].spent.value(), 0);
  auto r2 = ledger_->Reserve(Alice(), UsdMicros(1 * kUsd));
  ASSERT_TRUE(r2.ok()) << r2.status();
  ASSERT_TRUE(ledger_->Settle(r2->reservation_id, UsdMicros(1 * kUsd)).ok());
  // Next day, same month: the daily window is fresh, the monthly one carries $1.
  clock_.Advance(Micros(24LL * 3600 * 1'000'000));
  auto r3 = ledger_->Reserve(Alice(), UsdMicros(1 * kUsd));
  ASSERT_TRUE(r3.ok()) << r3.status();
  auto r4 = ledger_->Reserve(Bob(), UsdMicros(1));  // not covered by alice's budgets
  ASSERT_TRUE(r4.ok());
  EXPECT_TRUE(r4->buckets.empty());
  lines = ledger_->Show(Alice());
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ((*lines)[1].spent.value(), 1 * kUsd);
  EXPECT_EQ((*lines)[1].reserved.value(), 1 * kUsd);
  EXPECT_EQ((*lines)[1].remaining.value(), 0);
}

TEST_F(BudgetLedgerTest, ReservationLeftBehindExpiresAfterTheTtl) {
  Configure(
      {Budget("d", config::BudgetScope::kUser, "alice", config::BudgetWindow::kDaily, 1 * kUsd)});
  auto r = ledger_->Reserve(Alice(), UsdMicros(1 * kUsd));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ledger_->Reserve(Alice(), UsdMicros(1)).status().code(),
            absl::StatusCode::kResourceExhausted);
  clock_.Advance(Micros(600 * 1'000'000LL));
  auto again = ledger_->Reserve(Alice(), UsdMicros(1 * kUsd));
  ASSERT_TRUE(again.ok()) << again.status();
  auto rec = store_->GetReservation(r->reservation_id);
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->state, ReservationState::kExpired);
  // A stream that outlived its reservation is still charged when it settles.
  ASSERT_TRUE(ledger_->Settle(r->reservation_id, UsdMicros(10)).ok());
  EXPECT_EQ(Spent("d").value(), 10);
}

// Many callers race for the last dollars; exactly as many succeed as fit under the cap.
TEST_F(BudgetLedgerTest, ParallelReservationsNeverOverspend) {
  Configure(
      {Budget("u", config::BudgetScope::kUser, "*", config::BudgetWindow::kDaily, 100 * kUsd),
       Budget("org", config::BudgetScope::kOrg, "", config::BudgetWindow::kMonthly, 10 * kUsd)});
  // $9.70 already spent; $0.30 left; each request reserves $0.07 → exactly 4 fit.
  auto pre = ledger_->Reserve(Alice(), UsdMicros(9'700'000));
  ASSERT_TRUE(pre.ok());
  ASSERT_TRUE(ledger_->Settle(pre->reservation_id, UsdMicros(9'700'000)).ok());
  constexpr int kThreads = 16;
  constexpr int kPerThread = 4;
  std::atomic<int> ok{0};
  std::atomic<int> exhausted{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      BudgetPrincipal who{"user" + std::to_string(t), {}};
      for (int i = 0; i < kPerThread; ++i) {
        auto r = ledger_->Reserve(who, UsdMicros(70'000));
        if (r.ok()) {
          ok.fetch_add(1);
        } else if (r.status().code() == absl::StatusCode::kResourceExhausted) {
          exhausted.fetch_add(1);
        } else {
          other.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(exhausted.load(), kThreads * kPerThread - 4);
  EXPECT_EQ(other.load(), 0);
  auto lines = ledger_->Show(Alice());
  ASSERT_TRUE(lines.ok());
  EXPECT_EQ((*lines)[1].spent.value() + (*lines)[1].reserved.value(), 9'980'000);
}

// Two processes' worth of contention: two ledgers on two connections to one file.
TEST_F(BudgetLedgerTest, TwoConnectionsSharingTheFileNeverOverspend) {
  Configure({Budget("org", config::BudgetScope::kOrg, "", config::BudgetWindow::kDaily, 1 * kUsd)});
  auto other_store = OpenSqlitePolicyStore(dir_ / "policy.db");
  ASSERT_TRUE(other_store.ok());
  BudgetLedger other(**other_store, clock_);
  ASSERT_TRUE(other.SetConfig(cfg_).ok());
  std::atomic<int> ok{0};
  std::atomic<int> errors{0};
  auto run = [&](BudgetLedger& l) {
    for (int i = 0; i < 20; ++i) {
      auto r = l.Reserve(Alice(), UsdMicros(100'000));
      if (r.ok()) {
        ok.fetch_add(1);
      } else if (r.status().code() != absl::StatusCode::kResourceExhausted) {
        errors.fetch_add(1);
      }
    }
  };
  std::thread a([&] { run(*ledger_); });
  std::thread b([&] { run(other); });
  a.join();
  b.join();
  EXPECT_EQ(ok.load(), 10);
  EXPECT_EQ(errors.load(), 0);
}

// A PolicyStore that fails every call (a broken disk): the ledger never says "go".
class FailingStore final : public PolicyStore {
 public:
  Status Err() const { return absl::UnavailableError("policy store: disk I/O error"); }
  StatusOr<bool> RecordNonce(const std::string&, const std::string&, Micros, Micros) override {
    return Err();
  }
  Status InsertGrant(const GrantRecord&) override { return Err(); }
  StatusOr<std::vector<GrantRecord>> ListGrants(const std::string&, bool, Micros) override {
    return Err();
  }
  Status RevokeGrant(const std::string&, const std::string&, Micros) override { return Err(); }
  StatusOr<bool> ConsumeGrant(const std::string&, Micros) override { return Err(); }
  StatusOr<ReserveResult> Reserve(const ReserveRequest&) override { return Err(); }
  Status Settle(const std::string&, UsdMicros, Micros) override { return Err(); }
  Status Release(const std::string&, Micros) override { return Err(); }
  StatusOr<std::vector<BucketUsage>> Usage(const std::vector<BucketKey>&, Micros) override {
    return Err();
  }
  StatusOr<ReservationRecord> GetReservation(const std::string&) override { return Err(); }
  StatusOr<int64_t> ExpireReservations(Micros) override { return Err(); }
};

TEST_F(BudgetLedgerTest, StoreErrorsFailClosed) {
  FailingStore failing;
  BudgetLedger l(failing, clock_);
  ASSERT_TRUE(l.SetConfig(cfg_).ok());
  auto r = l.Reserve(Alice(), UsdMicros(1));  // even with no budgets configured
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(l.Settle("x", UsdMicros(1)).ok());
  EXPECT_FALSE(l.Show(Alice()).ok());
}

}  // namespace
}  // namespace gw::policies
