// The daemon's Consent service and Admin.BudgetShow over a real gRPC server (loopback TCP,
// port 0, bearer-token identities), and `gatewayctl budget show` against it.
#include "daemon/consent_service.h"

#include <grpcpp/grpcpp.h>

#include <filesystem>
#include <sstream>

#include "cli/budget_cmd.h"
#include "gtest/gtest.h"

namespace gw::daemon {
namespace {

namespace fs = std::filesystem;
namespace v1 = ::gateway::v1;

class BudgetAdmin final : public v1::Admin::CallbackService {
 public:
  BudgetAdmin(DaemonState& state, policies::BudgetLedger& ledger)
      : state_(state), ledger_(ledger) {}
  grpc::ServerUnaryReactor* BudgetShow(grpc::CallbackServerContext* ctx,
                                       const v1::BudgetShowRequest* req,
                                       v1::BudgetShowResponse* resp) override {
    return HandleBudgetShow(ctx, req, resp, state_, ledger_);
  }

 private:
  DaemonState& state_;
  policies::BudgetLedger& ledger_;
};

config::TokenConfig Token(std::string name, std::string secret, std::vector<std::string> groups,
                          bool admin = false) {
  config::TokenConfig t;
  t.name = std::move(name);
  t.token = Secret(std::move(secret));
  t.groups = std::move(groups);
  t.admin = admin;
  return t;
}

class ConsentServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gw_consent_svc_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    config::Config cfg = config::DefaultConfig();
    cfg.identity.tokens = {Token("alice", "alice-secret", {"eng"}),
                           Token("bob", "bob-secret", {"eng"}),
                           Token("root-bot", "admin-secret", {}, true)};
    config::BudgetConfig b;
    b.id = "eng-monthly";
    b.scope = config::BudgetScope::kGroup;
    b.subject = "eng";
    b.window = config::BudgetWindow::kMonthly;
    b.cap = UsdMicros(50'000'000);
    cfg.budgets.budgets = {b};
    cfg.budgets.timezone = "Europe/Berlin";
    state_ = std::make_unique<DaemonState>(
        std::make_shared<const ConfigSnapshot>(cfg, getuid(), clock_.NowUnixMicros()), clock_);

    auto store = policies::OpenSqlitePolicyStore(dir_ / "policy.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto key = policies::LoadOrCreateConsentKey(dir_ / "consent.key");
    ASSERT_TRUE(key.ok());
    consent_ = std::make_unique<policies::ConsentManager>(*store_, *key, clock_, nullptr);
    ASSERT_TRUE(consent_->SetConfig(cfg.consent, cfg.policy.data_classes).ok());
    ledger_ = std::make_unique<policies::BudgetLedger>(*store_, clock_);
    ASSERT_TRUE(ledger_->SetConfig(cfg.budgets).ok());

    consent_svc_ = std::make_unique<PolicyConsentService>(*state_, *consent_);
    admin_svc_ = std::make_unique<BudgetAdmin>(*state_, *ledger_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(consent_svc_.get());
    builder.RegisterService(admin_svc_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    server_->Shutdown();
    server_.reset();
    fs::remove_all(dir_);
  }

  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    auto ctx = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return ctx;
  }
  std::string TicketFor(const std::string& principal) {
    policies::ConsentTicket t;
    t.principal = principal;
    t.request_digest = "digest-1";
    t.adapter = "openai-eu";
    t.data_class = "internal";
    t.category = "coding";
    t.app_id = "com.example.ide";
    auto issued = consent_->IssueTicket(t);
    EXPECT_TRUE(issued.ok());
    return issued->token;
  }

  fs::path dir_;
  FakeClock clock_;
  std::unique_ptr<DaemonState> state_;
  std::unique_ptr<policies::PolicyStore> store_;
  std::unique_ptr<policies::ConsentManager> consent_;
  std::unique_ptr<policies::BudgetLedger> ledger_;
  std::unique_ptr<PolicyConsentService> consent_svc_;
  std::unique_ptr<BudgetAdmin> admin_svc_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(ConsentServiceTest, GrantListRevokeRoundTrip) {
  auto stub = v1::Consent::NewStub(channel_);
  v1::ConsentGrantRequest req;
  req.set_ticket(TicketFor("token:alice"));
  req.set_scope(v1::CONSENT_SCOPE_APP);
  req.set_duration_s(3600);
  v1::ConsentGrant grant;
  grpc::Status s = stub->Grant(Ctx("alice-secret").get(), req, &grant);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(grant.principal(), "token:alice");
  EXPECT_EQ(grant.scope(), v1::CONSENT_SCOPE_APP);
  EXPECT_EQ(grant.app_id(), "com.example.ide");
  EXPECT_EQ(grant.expires_at_unix_us() - grant.granted_at_unix_us(), 3600LL * 1'000'000);

  // Replaying the same ticket is refused.
  v1::ConsentGrant again;
  s = stub->Grant(Ctx("alice-secret").get(), req, &again);
  EXPECT_EQ(s.error_code(), grpc::FAILED_PRECONDITION) << s.error_message();

  v1::ConsentListResponse list;
  ASSERT_TRUE(stub->List(Ctx("alice-secret").get(), v1::ConsentListRequest(), &list).ok());
  ASSERT_EQ(list.grants_size(), 1);
  EXPECT_EQ(list.grants(0).grant_id(), grant.grant_id());
  // Bob sees none of Alice's grants and cannot revoke them.
  v1::ConsentListResponse bob_list;
  ASSERT_TRUE(stub->List(Ctx("bob-secret").get(), v1::ConsentListRequest(), &bob_list).ok());
  EXPECT_EQ(bob_list.grants_size(), 0);
  v1::ConsentRevokeRequest rv;
  rv.set_grant_id(grant.grant_id());
  v1::ConsentRevokeResponse rv_resp;
  EXPECT_EQ(stub->Revoke(Ctx("bob-secret").get(), rv, &rv_resp).error_code(), grpc::NOT_FOUND);
  ASSERT_TRUE(stub->Revoke(Ctx("alice-secret").get(), rv, &rv_resp).ok());

  v1::ConsentListRequest all;
  all.set_include_inactive(true);
  v1::ConsentListResponse after;
  ASSERT_TRUE(stub->List(Ctx("alice-secret").get(), v1::ConsentListRequest(), &after).ok());
  EXPECT_EQ(after.grants_size(), 0);
  ASSERT_TRUE(stub->List(Ctx("alice-secret").get(), all, &after).ok());
  ASSERT_EQ(after.grants_size(), 1);
  EXPECT_TRUE(after.grants(0).revoked());
}

TEST_F(ConsentServiceTest, RefusalsCarryTheirStatusCodes) {
  auto stub = v1::Consent::NewStub(channel_);
  v1::ConsentGrant out;
  v1::ConsentGrantRequest req;
  req.set_ticket(TicketFor("token:alice"));
  // Another principal presenting Alice's ticket.
  EXPECT_EQ(stub->Grant(Ctx("bob-secret").get(), req, &out).error_code(), grpc::PERMISSION_DENIED);
  // A forged ticket.
  v1::ConsentGrantRequest forged = req;
  forged.set_ticket(policies::TicketSigner(Secret(std::string(32, 'z')))
                        .Sign(policies::ConsentTicket{.principal = "token:alice"}));
  EXPECT_EQ(stub->Grant(Ctx("alice-secret").get(), forged, &out).error_code(),
            grpc::INVALID_ARGUMENT);
  // Bad scope / duration / empty ticket.
  v1::ConsentGrantRequest bad = req;
  bad.set_scope(static_cast<v1::ConsentScope>(42));
  EXPECT_EQ(stub->Grant(Ctx("alice-secret").get(), bad, &out).error_code(), grpc::INVALID_ARGUMENT);
  bad = req;
  bad.set_scope(v1::CONSENT_SCOPE_CATEGORY);
  bad.set_duration_s(-5);
  EXPECT_EQ(stub->Grant(Ctx("alice-secret").get(), bad, &out).error_code(), grpc::INVALID_ARGUMENT);
  // No identity at all.
  EXPECT_EQ(stub->Grant(Ctx("").get(), req, &out).error_code(), grpc::UNAUTHENTICATED);
  // The untouched ticket still works for its owner, once.
  EXPECT_TRUE(stub->Grant(Ctx("alice-secret").get(), req, &out).ok());
}

TEST_F(ConsentServiceTest, BudgetShowForSelfAndForAdmins) {
  auto r = ledger_->Reserve({"alice", {"eng"}}, UsdMicros(2'000'000));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(ledger_->Settle(r->reservation_id, UsdMicros(1'250'000)).ok());
  ASSERT_TRUE(ledger_->Reserve({"bob", {"eng"}}, UsdMicros(300'000)).ok());

  auto stub = v1::Admin::NewStub(channel_);
  v1::BudgetShowResponse resp;
  grpc::Status s = stub->BudgetShow(Ctx("alice-secret").get(), v1::BudgetShowRequest(), &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.principal(), "alice");
  EXPECT_EQ(resp.timezone(), "Europe/Berlin");
  ASSERT_EQ(resp.budgets_size(), 1);
  const auto& b = resp.budgets(0);
  EXPECT_EQ(b.budget_id(), "eng-monthly");
  EXPECT_EQ(b.scope(), "group");
  EXPECT_EQ(b.subject(), "eng");
  EXPECT_EQ(b.window(), "monthly");
  EXPECT_EQ(b.cap_usd_micros(), 50'000'000);
  EXPECT_EQ(b.spent_usd_micros(), 1'250'000);
  EXPECT_EQ(b.reserved_usd_micros(), 300'000);
  EXPECT_EQ(b.remaining_usd_micros(), 50'000'000 - 1'550'000);
  EXPECT_EQ(b.at_cap(), "deny");
  EXPECT_LT(b.window_start_unix_us(), clock_.NowUnixMicros().value());
  EXPECT_GT(b.window_end_unix_us(), clock_.NowUnixMicros().value());

  v1::BudgetShowRequest other;
  other.set_principal("bob");
  v1::BudgetShowResponse denied;
  EXPECT_EQ(stub->BudgetShow(Ctx("alice-secret").get(), other, &denied).error_code(),
            grpc::PERMISSION_DENIED);
  v1::BudgetShowResponse as_admin;
  s = stub->BudgetShow(Ctx("admin-secret").get(), other, &as_admin);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(as_admin.principal(), "bob");
  ASSERT_EQ(as_admin.budgets_size(), 1);  // bob's token groups: eng
  other.set_principal("no-such-principal-xyz");
  EXPECT_EQ(stub->BudgetShow(Ctx("admin-secret").get(), other, &as_admin).error_code(),
            grpc::NOT_FOUND);
}

TEST_F(ConsentServiceTest, GatewayctlBudgetShowPrintsTheBooks) {
  auto r = ledger_->Reserve({"alice", {"eng"}}, UsdMicros(1'000'000));
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(ledger_->Settle(r->reservation_id, UsdMicros(4'200)).ok());
  cli::ConnectOptions o;
  o.address = "127.0.0.1:" + std::to_string(port_);
  o.token = "alice-secret";
  std::ostringstream out;
  ASSERT_EQ(cli::RunBudgetShow(o, "", out), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("budgets of alice (windows in Europe/Berlin)"), std::string::npos) << text;
  EXPECT_NE(text.find("eng-monthly"), std::string::npos) << text;
  EXPECT_NE(text.find("$50.000000"), std::string::npos) << text;
  EXPECT_NE(text.find("$0.004200"), std::string::npos) << text;
  EXPECT_NE(text.find("$49.995800"), std::string::npos) << text;
  EXPECT_NE(text.find("hard, deny"), std::string::npos) << text;

  o.json = true;
  std::ostringstream js;
  ASSERT_EQ(cli::RunBudgetShow(o, "", js), 0);
  EXPECT_NE(js.str().find("\"spent_usd_micros\": \"4200\""), std::string::npos) << js.str();

  o.json = false;
  std::ostringstream denied;
  EXPECT_EQ(cli::RunBudgetShow(o, "bob", denied), 1);  // not an admin
}

}  // namespace
}  // namespace gw::daemon
