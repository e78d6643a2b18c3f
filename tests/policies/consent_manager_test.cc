// ConsentManager on the real SQLite store: every ticket attack, every scope, revocation,
// pre-grants, and fail-closed on store errors.
#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "policies/consent.h"

namespace gw::policies {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kSec = 1'000'000;

class RecordingObserver final : public ConsentObserver {
 public:
  void OnTicketRefused(const std::string& principal, TicketRefusal reason,
                       const Status& status) override {
    absl::MutexLock lock(&mu_);
    refusals.push_back({principal, reason, status});
  }
  void OnGrantCreated(const GrantRecord& g) override {
    absl::MutexLock lock(&mu_);
    created.push_back(g.grant_id);
  }
  void OnGrantRevoked(const std::string&, const std::string& id) override {
    absl::MutexLock lock(&mu_);
    revoked.push_back(id);
  }
  struct Refusal {
    std::string principal;
    TicketRefusal reason;
    Status status;
  };
  absl::Mutex mu_;
  std::vector<Refusal> refusals;
  std::vector<std::string> created;
  std::vector<std::string> revoked;
};

class ConsentManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gw_consent_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto store = OpenSqlitePolicyStore(dir_ / "policy.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto key = LoadOrCreateConsentKey(dir_ / "consent.key");
    ASSERT_TRUE(key.ok()) << key.status();
    mgr_ = std::make_unique<ConsentManager>(*store_, *key, clock_, &observer_);
    cfg_.ticket_ttl = Micros(600 * kSec);
    cfg_.max_grant_duration = Micros(3600 * kSec);
    ASSERT_TRUE(mgr_->SetConfig(cfg_, classes_).ok());
  }
  void TearDown() override {
    mgr_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  ConsentTicket Facts(const std::string& principal = "user:alice",
                      const std::string& digest = "d1") {
    ConsentTicket t;
    t.principal = principal;
    t.request_digest = digest;
    t.adapter = "openai-eu";
    t.provider = "openai";
    t.region = "eu-west-1";
    t.data_class = "internal";
    t.findings = {{"EMAIL", 1}};
    t.category = "coding";
    t.app_id = "com.example.ide";
    t.estimated_cost = UsdMicros(1234);
    return t;
  }
  std::string Issue(const std::string& principal = "user:alice", const std::string& digest = "d1") {
    auto issued = mgr_->IssueTicket(Facts(principal, digest));
    EXPECT_TRUE(issued.ok()) << issued.status();
    return issued->token;
  }
  ConsentQuery Query(const std::string& digest = "d1") {
    ConsentQuery q;
    q.principal = "user:alice";
    q.groups = {"alice", "staff"};
    q.request_digest = digest;
    q.adapter = "openai-eu";
    q.category = "coding";
    q.app_id = "com.example.ide";
    q.data_class = "internal";
    return q;
  }
  StatusOr<GrantRecord> GrantT(const std::string& token, GrantScope scope,
                               Micros duration = Micros(0),
                               const std::string& principal = "user:alice",
                               const std::string& digest = "") {
    GrantRequest r;
    r.token = token;
    r.scope = scope;
    r.duration = duration;
    r.principal = principal;
    r.request_digest = digest;
    return mgr_->Grant(r);
  }
  bool Covered(const ConsentQuery& q, bool consume = true) {
    auto c = mgr_->Covers(q, consume);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() && c->covered;
  }

  fs::path dir_;
  FakeClock clock_;
  RecordingObserver observer_;
  config::ConsentConfig cfg_;
  std::vector<std::string> classes_ = {"public", "internal", "confidential", "restricted"};
  std::unique_ptr<PolicyStore> store_;
  std::unique_ptr<ConsentManager> mgr_;
};

TEST_F(ConsentManagerTest, IssuedTicketCarriesWhatWouldLeaveAndExpiry) {
  auto issued = mgr_->IssueTicket(Facts());
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->ticket.issued_at, clock_.NowUnixMicros());
  EXPECT_EQ(issued->ticket.expires_at, clock_.NowUnixMicros() + Micros(600 * kSec));
  EXPECT_EQ(issued->ticket.nonce.size(), 32u);
  EXPECT_EQ(issued->ticket.adapter, "openai-eu");
  EXPECT_FALSE(mgr_->IssueTicket(ConsentTicket{}).ok());
}

TEST_F(ConsentManagerTest, NothingIsCoveredWithoutAGrant) { EXPECT_FALSE(Covered(Query())); }

TEST_F(ConsentManagerTest, OnceScopeCoversExactlyThatRequestOnce) {
  auto g = GrantT(Issue(), GrantScope::kOnce);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->expires_at, clock_.NowUnixMicros() + Micros(600 * kSec));
  EXPECT_FALSE(Covered(Query("d2")));    // another request
  EXPECT_TRUE(Covered(Query(), false));  // read-only check does not use it up
  EXPECT_TRUE(Covered(Query()));         // used now
  EXPECT_FALSE(Covered(Query()));        // and never again
  ASSERT_EQ(observer_.created.size(), 1u);
}

TEST_F(ConsentManagerTest, OnceGrantByResubmissionIsUsedByThatRequest) {
  auto g = GrantT(Issue(), GrantScope::kOnce, Micros(0), "user:alice", "d1");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_TRUE(g->consumed);
  EXPECT_FALSE(Covered(Query()));
}

TEST_F(ConsentManagerTest, OnceGrantIsConsumedByExactlyOneOfManyRacers) {
  ASSERT_TRUE(GrantT(Issue(), GrantScope::kOnce).ok());
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto c = mgr_->Covers(Query(), true);
      if (c.ok() && c->covered) wins.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_F(ConsentManagerTest, CategoryScopeCoversTheCategoryForItsPeriod) {
  auto g = GrantT(Issue(), GrantScope::kCategory, Micros(60 * kSec));
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->category, "coding");
  ConsentQuery q = Query("other-request");
  EXPECT_TRUE(Covered(q));
  EXPECT_TRUE(Covered(q));  // not used up
  q.category = "math_reasoning";
  EXPECT_FALSE(Covered(q));
  q.category = "coding";
  q.adapter = "anthropic-us";  // a grant is for its adapter only
  EXPECT_FALSE(Covered(q));
  q.adapter = "openai-eu";
  q.data_class = "confidential";  // above the ticket's class
  EXPECT_FALSE(Covered(q));
  q.data_class = "public";  // below is fine
  EXPECT_TRUE(Covered(q));
  q.principal = "user:bob";  // another principal
  EXPECT_FALSE(Covered(q));
  clock_.Advance(Micros(60 * kSec));
  EXPECT_FALSE(Covered(Query()));  // expired
}

TEST_F(ConsentManagerTest, AppScopeCoversTheAppForItsPeriodCappedByMaxDuration) {
  auto g = GrantT(Issue(), GrantScope::kApp, Micros(10 * 3600 * kSec));
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->app_id, "com.example.ide");
  EXPECT_EQ(g->expires_at - g->granted_at, Micros(3600 * kSec));  // capped
  ConsentQuery q = Query("x");
  q.category = "summarization";
  EXPECT_TRUE(Covered(q));
  q.app_id = "com.example.other";
  EXPECT_FALSE(Covered(q));
  clock_.Advance(Micros(3600 * kSec - 1));
  EXPECT_TRUE(Covered(Query("y")));
  clock_.Advance(Micros(1));
  EXPECT_FALSE(Covered(Query("y")));
}

TEST_F(ConsentManagerTest, PeriodScopesNeedADurationAndTheirSubject) {
  auto g = GrantT(Issue(), GrantScope::kCategory, Micros(0));
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  ConsentTicket t = Facts();
  t.app_id.clear();
  auto issued = mgr_->IssueTicket(t);
  ASSERT_TRUE(issued.ok());
  auto a = GrantT(issued->token, GrantScope::kApp, Micros(kSec));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(),
            "this consent ticket has no app id; grant it once or for its category instead");
}

TEST_F(ConsentManagerTest, RevokedGrantCoversNothing) {
  auto g = GrantT(Issue(), GrantScope::kApp, Micros(600 * kSec));
  ASSERT_TRUE(g.ok());
  EXPECT_TRUE(Covered(Query()));
  // Bob cannot revoke Alice's grant.
  auto bob = mgr_->Revoke("user:bob", g->grant_id);
  EXPECT_EQ(bob.code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(mgr_->Revoke("user:alice", g->grant_id).ok());
  EXPECT_FALSE(Covered(Query()));
  EXPECT_EQ(observer_.revoked, std::vector<std::string>{g->grant_id});
  EXPECT_EQ(mgr_->Revoke("user:alice", "nope").code(), absl::StatusCode::kNotFound);
}

TEST_F(ConsentManagerTest, ListShowsActiveOrAll) {
  auto a = GrantT(Issue(), GrantScope::kApp, Micros(600 * kSec));
  clock_.Advance(Micros(1));
  auto b = GrantT(Issue(), GrantScope::kCategory, Micros(600 * kSec));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(mgr_->Revoke("user:alice", a->grant_id).ok());
  ASSERT_TRUE(GrantT(Issue("user:bob"), GrantScope::kOnce, Micros(0), "user:bob").ok());
  auto active = mgr_->List("user:alice", false);
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 1u);
  EXPECT_EQ((*active)[0].grant_id, b->grant_id);
  auto all = mgr_->List("user:alice", true);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].grant_id, b->grant_id);  // newest first
  EXPECT_TRUE((*all)[1].revoked);
}

// Every attack on a ticket: its status, its message, and its report to the observer.
TEST_F(ConsentManagerTest, TicketAttacksAreRefusedDistinctlyAndRecorded) {
  const std::string good = Issue();
  std::string altered = good;
  altered[5] = altered[5] == 'A' ? 'B' : 'A';

  struct Case {
    std::string name;
    std::function<StatusOr<GrantRecord>()> act;
    absl::StatusCode code;
    TicketRefusal reason;
    std::string message_part;
  };
  // A well-formed ticket signed with a key that is not this gateway's.
  ConsentTicket claim = Facts();
  claim.issued_at = clock_.NowUnixMicros();
  claim.expires_at = claim.issued_at + Micros(600 * kSec);
  claim.nonce = std::string(32, '0');
  const std::string forged = TicketSigner(Secret(std::string(32, 'x'))).Sign(claim);
  const std::vector<Case> cases = {
      {"malformed", [&] { return GrantT("Zm9yZ2Vk.Zm9yZ2Vk", GrantScope::kOnce); },
       absl::StatusCode::kInvalidArgument, TicketRefusal::kMalformed, "malformed"},
      {"forged", [&] { return GrantT(forged, GrantScope::kOnce); },
       absl::StatusCode::kInvalidArgument, TicketRefusal::kForgedOrAltered,
       "signature does not verify"},
      {"altered", [&] { return GrantT(altered, GrantScope::kOnce); },
       absl::StatusCode::kInvalidArgument, TicketRefusal::kForgedOrAltered,
       "signature does not verify"},
      {"another principal's",
       [&] { return GrantT(good, GrantScope::kOnce, Micros(0), "user:eve"); },
       absl::StatusCode::kPermissionDenied, TicketRefusal::kWrongPrincipal,
       "issued to another principal"},
      {"another request's",
       [&] { return GrantT(good, GrantScope::kOnce, Micros(0), "user:alice", "d-other"); },
       absl::StatusCode::kPermissionDenied, TicketRefusal::kWrongRequest,
       "issued for a different request"},
  };
  for (const auto& c : cases) {
    const size_t before = observer_.refusals.size();
    auto r = c.act();
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status();
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos)
        << c.name << ": " << r.status();
    ASSERT_EQ(observer_.refusals.size(), before + 1) << c.name;
    EXPECT_EQ(observer_.refusals.back().reason, c.reason) << c.name;
    EXPECT_EQ(observer_.refusals.back().status, r.status()) << c.name;
  }
  // None of those burnt the ticket: its owner can still use it once...
  ASSERT_TRUE(GrantT(good, GrantScope::kOnce).ok());
  // ... and a replay is refused.
  auto replay = GrantT(good, GrantScope::kApp, Micros(kSec));
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(replay.status().message().find("already used"), std::string::npos);
  EXPECT_EQ(observer_.refusals.back().reason, TicketRefusal::kReplayed);
  EXPECT_EQ(observer_.refusals.back().principal, "user:alice");
}

TEST_F(ConsentManagerTest, ExpiredTicketIsRefused) {
  const std::string t = Issue();
  clock_.Advance(Micros(600 * kSec));
  auto r = GrantT(t, GrantScope::kOnce);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(r.status().message().find("consent ticket expired at "), std::string::npos);
  EXPECT_EQ(observer_.refusals.back().reason, TicketRefusal::kExpired);
}

TEST_F(ConsentManagerTest, TicketIsSingleUseAcrossRestarts) {
  const std::string t = Issue();
  ASSERT_TRUE(GrantT(t, GrantScope::kOnce).ok());
  // A new manager on a reopened store (a daemon restart) still knows the nonce.
  mgr_.reset();
  store_.reset();
  auto store = OpenSqlitePolicyStore(dir_ / "policy.db");
  ASSERT_TRUE(store.ok());
  store_ = std::move(*store);
  auto key = LoadOrCreateConsentKey(dir_ / "consent.key");
  ASSERT_TRUE(key.ok());
  mgr_ = std::make_unique<ConsentManager>(*store_, *key, clock_, &observer_);
  ASSERT_TRUE(mgr_->SetConfig(cfg_, classes_).ok());
  auto r = GrantT(t, GrantScope::kOnce);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(observer_.refusals.back().reason, TicketRefusal::kReplayed);
}

TEST_F(ConsentManagerTest, PregrantsCoverTheirGroupsUpToTheirClass) {
  config::PregrantConfig p;
  p.groups = {"staff"};
  p.categories = {"coding"};
  p.adapters = {"openai-eu"};
  p.data_class_max = "internal";
  cfg_.pregrants = {p};
  ASSERT_TRUE(mgr_->SetConfig(cfg_, classes_).ok());
  auto c = mgr_->Covers(Query(), true);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->covered);
  EXPECT_EQ(c->pregrant_index, 0);
  ConsentQuery q = Query();
  q.groups = {"contractors"};
  EXPECT_FALSE(Covered(q));
  q = Query();
  q.data_class = "restricted";
  EXPECT_FALSE(Covered(q));
  q = Query();
  q.category = "summarization";
  EXPECT_FALSE(Covered(q));
  q = Query();
  q.adapter = "anthropic-us";
  EXPECT_FALSE(Covered(q));
  q = Query();
  q.data_class = "no-such-class";
  EXPECT_FALSE(Covered(q));

  config::ConsentConfig bad = cfg_;
  bad.pregrants[0].data_class_max = "secret";
  EXPECT_EQ(mgr_->SetConfig(bad, classes_).message(),
            "consent.pregrants[0].data_class_max: unknown data class 'secret'");
}

// A PolicyStore whose every call fails, as a broken disk would.
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

TEST_F(ConsentManagerTest, StoreErrorsFailClosed) {
  FailingStore failing;
  auto key = LoadOrCreateConsentKey(dir_ / "consent.key");
  ASSERT_TRUE(key.ok());
  ConsentManager m(failing, *key, clock_, &observer_);
  ASSERT_TRUE(m.SetConfig(cfg_, classes_).ok());
  auto issued = m.IssueTicket(Facts());
  ASSERT_TRUE(issued.ok());
  GrantRequest r;
  r.token = issued->token;
  r.principal = "user:alice";
  auto g = m.Grant(r);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), absl::StatusCode::kUnavailable);
  auto c = m.Covers(Query(), true);
  ASSERT_FALSE(c.ok());  // an error, never "covered"
  EXPECT_EQ(c.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(m.List("user:alice", true).ok());
  EXPECT_FALSE(m.Revoke("user:alice", "x").ok());
}

}  // namespace
}  // namespace gw::policies
