// The daemon's audit trail end to end: records written by the real gatewayd, verified by the
// real `gatewayctl audit verify`, read back through Admin.AuditQuery, and fail-closed behaviour
// when the log cannot be written.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway/v1/gateway.grpc.pb.h"
#include "tests/testing/daemon_process.h"

namespace gw {
namespace {

namespace v1 = ::gateway::v1;
using ::gw::testing::DaemonProcess;
using ::gw::testing::RunProcess;
using ::gw::testing::TempDir;
using ::testing::HasSubstr;

constexpr char kSecretPrompt[] = "the-quick-marker-7f3a9 says hello";

grpc::Status Chat(const std::shared_ptr<grpc::Channel>& ch, const std::string& text) {
  auto stub = v1::Gateway::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ChatRequest req;
  auto* m = req.add_messages();
  m->set_role(v1::ROLE_USER);
  m->set_content(text);
  auto r = stub->Chat(&ctx, req);
  v1::ChatEvent ev;
  while (r->Read(&ev)) {
  }
  return r->Finish();
}

std::string ReadDir(const std::string& dir) {
  std::string all;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    all += ss.str();
  }
  return all;
}

std::vector<v1::AuditRecordLine> Query(const std::shared_ptr<grpc::Channel>& ch,
                                       const v1::AuditQueryRequest& req, grpc::Status* status) {
  auto stub = v1::Admin::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto r = stub->AuditQuery(&ctx, req);
  std::vector<v1::AuditRecordLine> out;
  v1::AuditRecordLine line;
  while (r->Read(&line)) out.push_back(line);
  *status = r->Finish();
  return out;
}

TEST(AuditE2eTest, DaemonRecordsAreChainedVerifiableAndFreeOfPromptText) {
  TempDir dir;
  const std::string cfg = dir.Write("gw.yaml", "limits:\n  max_messages: 10\n");
  {
    DaemonProcess d(dir, {"--config", cfg});
    ASSERT_TRUE(d.WaitReady()) << d.Stderr();
    auto ch = grpc::CreateChannel(d.unix_target(), grpc::InsecureChannelCredentials());
    EXPECT_EQ(Chat(ch, kSecretPrompt).error_code(), grpc::UNAVAILABLE);
    dir.Write("gw.yaml", "limits:\n  max_messages: 11\n");
    auto ctl = RunProcess(
        {gw::testing::BinaryPath("cli/gatewayctl"), "reload", "--socket", d.socket_path()});
    EXPECT_EQ(ctl.exit_code, 0) << ctl.err;

    v1::AuditQueryRequest q;
    q.set_type("request_received");
    grpc::Status st;
    auto lines = Query(ch, q, &st);
    ASSERT_TRUE(st.ok()) << st.error_message();
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].principal().rfind("user:", 0), 0u);
    EXPECT_THAT(lines[0].line(), HasSubstr("\"api\":\"grpc.Chat\""));
    EXPECT_THAT(lines[0].line(), HasSubstr("\"prompt\":{\"hmac_sha256\":"));

    // A forged consent ticket is refused and the refusal recorded.
    ctl = RunProcess({gw::testing::BinaryPath("cli/gatewayctl"), "consent", "grant", "--socket",
                      d.socket_path(), "AAAA.BBBB"});
    EXPECT_EQ(ctl.exit_code, 1);

    q.set_type("");
    auto all = Query(ch, q, &st);
    std::set<std::string> types;
    for (const auto& l : all) types.insert(l.type());
    EXPECT_THAT(types,
                ::testing::IsSupersetOf({"config_loaded", "request_received", "completion",
                                         "config_reloaded", "admin_action", "consent_refused"}));
    d.Signal(SIGTERM);
    ASSERT_EQ(d.WaitExit().value_or(-99), 0);
  }
  const std::string audit_dir = dir.path() + "/state/audit";
  EXPECT_EQ(ReadDir(audit_dir).find("the-quick-marker"), std::string::npos);
  auto verify =
      RunProcess({gw::testing::BinaryPath("cli/gatewayctl"), "audit", "verify", audit_dir});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;

  // A flipped byte in the middle of the log is caught and named.
  std::string seg;
  for (const auto& e : std::filesystem::directory_iterator(audit_dir)) {
    if (e.path().extension() == ".log") seg = e.path();
  }
  ASSERT_FALSE(seg.empty());
  std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const auto pos = content.find("\"api\":\"grpc.Chat\"");
  ASSERT_NE(pos, std::string::npos);
  f.seekp(static_cast<std::streamoff>(pos + 8));
  f.put('X');
  f.close();
  verify = RunProcess({gw::testing::BinaryPath("cli/gatewayctl"), "audit", "verify", audit_dir});
  EXPECT_EQ(verify.exit_code, 1);
}

TEST(AuditE2eTest, NonAdminsCannotQuery) {
  TempDir dir;
  setenv("GW_AUDIT_E2E_TOKEN", "tok-audit-e2e-1", 1);
  const std::string cfg =
      dir.Write("gw.yaml",
                "server:\n  tcp:\n    enabled: true\n    address: \"127.0.0.1:0\"\n"
                "identity:\n  tokens:\n    - name: app\n      token: \"${GW_AUDIT_E2E_TOKEN}\"\n");
  DaemonProcess d(dir, {"--config", cfg});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = grpc::CreateChannel(d.tcp_address(), grpc::InsecureChannelCredentials());
  auto stub = v1::Admin::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer tok-audit-e2e-1");
  auto r = stub->AuditQuery(&ctx, v1::AuditQueryRequest());
  v1::AuditRecordLine line;
  EXPECT_FALSE(r->Read(&line));
  grpc::Status st = r->Finish();
  EXPECT_EQ(st.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_THAT(st.error_message(), HasSubstr("token:app may not read the audit log"));
}

// Make the log unwritable mid-run (a file-size limit on the daemon: root-proof, EFBIG). With
// audit.local_on_failure: false the next request is refused with UNAVAILABLE, and Admin.Status
// says why.
TEST(AuditE2eTest, UnwritableLogFailsClosed) {
  TempDir dir;
  const std::string cfg = dir.Write("gw.yaml", "audit:\n  local_on_failure: false\n");
  DaemonProcess d(dir, {"--config", cfg});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = grpc::CreateChannel(d.unix_target(), grpc::InsecureChannelCredentials());
  EXPECT_THAT(Chat(ch, "first").error_message(), HasSubstr("no routing pipeline"));

  rlimit lim{0, RLIM_INFINITY};
  lim.rlim_cur = 1;  // any further append to a non-empty segment fails with EFBIG
  ASSERT_EQ(prlimit(d.pid(), RLIMIT_FSIZE, &lim, nullptr), 0);
  // The next record write fails; the log enters the failed state.
  grpc::Status s = Chat(ch, "second");
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    s = Chat(ch, "third");
    refused = s.error_message().find("audit log unwritable") != std::string::npos;
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(refused) << s.error_message();
  EXPECT_EQ(s.error_code(), grpc::UNAVAILABLE);
  auto admin = v1::Admin::NewStub(ch);
  grpc::ClientContext ctx;
  v1::StatusResponse st;
  ASSERT_TRUE(admin->Status(&ctx, v1::StatusRequest(), &st).ok());
  bool audit_down = false;
  for (const auto& c : st.components()) {
    if (c.name() == "audit") audit_down = !c.ready() && c.detail().find("unwritable") == 0;
  }
  EXPECT_TRUE(audit_down) << st.DebugString();

  // Lift the limit: the log recovers by itself and requests flow again.
  lim.rlim_cur = RLIM_INFINITY;
  ASSERT_EQ(prlimit(d.pid(), RLIMIT_FSIZE, &lim, nullptr), 0);
  bool recovered = false;
  for (int i = 0; i < 300 && !recovered; ++i) {
    s = Chat(ch, "fourth");
    recovered = s.error_message().find("no routing pipeline") != std::string::npos;
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(recovered) << s.error_message();
  d.Signal(SIGTERM);
  EXPECT_EQ(d.WaitExit().value_or(-99), 0);
  auto verify = RunProcess(
      {gw::testing::BinaryPath("cli/gatewayctl"), "audit", "verify", dir.path() + "/state/audit"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

}  // namespace
}  // namespace gw
