// End-to-end tests of the real gatewayd binary over real sockets (DESIGN.md, issue "spine").
#include <gmock/gmock.h>
#include <grp.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "gateway/v1/gateway.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/testing/daemon_process.h"
#include "tests/testing/test_certs.h"

namespace gw {
namespace {

namespace v1 = ::gateway::v1;
using ::gw::testing::DaemonProcess;
using ::gw::testing::RunProcess;
using ::gw::testing::TempDir;
using ::testing::HasSubstr;

std::chrono::system_clock::time_point Deadline(int seconds = 10) {
  return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

std::shared_ptr<grpc::Channel> UnixChannel(const DaemonProcess& d) {
  return grpc::CreateChannel(d.unix_target(), grpc::InsecureChannelCredentials());
}

grpc::Status GetStatus(const std::shared_ptr<grpc::Channel>& ch, v1::StatusResponse* out,
                       const std::string& token = "") {
  auto stub = v1::Admin::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
  return stub->Status(&ctx, v1::StatusRequest(), out);
}

std::string MyUserName() {
  passwd* pw = getpwuid(geteuid());
  return pw != nullptr ? pw->pw_name : "uid:" + std::to_string(geteuid());
}

v1::ChatRequest SimpleChat(const std::string& text) {
  v1::ChatRequest req;
  auto* m = req.add_messages();
  m->set_role(v1::ROLE_USER);
  m->set_content(text);
  return req;
}

// Reads a Chat stream to its end and returns the final status.
grpc::Status RunChat(const std::shared_ptr<grpc::Channel>& ch, const v1::ChatRequest& req) {
  auto stub = v1::Gateway::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  auto reader = stub->Chat(&ctx, req);
  v1::ChatEvent ev;
  while (reader->Read(&ev)) {
  }
  return reader->Finish();
}

class DaemonE2eTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(DaemonE2eTest, HealthAndReflection) {
  DaemonProcess d(dir_, {});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = UnixChannel(d);

  auto health = grpc::health::v1::Health::NewStub(ch);
  grpc::ClientContext hctx;
  hctx.set_deadline(Deadline());
  grpc::health::v1::HealthCheckRequest hreq;
  grpc::health::v1::HealthCheckResponse hresp;
  ASSERT_TRUE(health->Check(&hctx, hreq, &hresp).ok());
  EXPECT_EQ(hresp.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  auto refl = grpc::reflection::v1alpha::ServerReflection::NewStub(ch);
  grpc::ClientContext rctx;
  rctx.set_deadline(Deadline());
  auto stream = refl->ServerReflectionInfo(&rctx);
  grpc::reflection::v1alpha::ServerReflectionRequest rreq;
  rreq.set_list_services("*");
  ASSERT_TRUE(stream->Write(rreq));
  stream->WritesDone();
  grpc::reflection::v1alpha::ServerReflectionResponse rresp;
  ASSERT_TRUE(stream->Read(&rresp));
  std::vector<std::string> names;
  for (const auto& s : rresp.list_services_response().service()) names.push_back(s.name());
  EXPECT_THAT(names, ::testing::IsSupersetOf({"gateway.v1.Gateway", "gateway.v1.Admin",
                                              "gateway.v1.Consent", "grpc.health.v1.Health"}));
  EXPECT_TRUE(stream->Finish().ok());

  // The socket is 0660 as configured by default.
  struct stat st {};
  ASSERT_EQ(stat(d.socket_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0660u);
}

TEST_F(DaemonE2eTest, IdentityComesFromPeerCredentials) {
  DaemonProcess d(dir_, {});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  v1::StatusResponse st;
  ASSERT_TRUE(GetStatus(UnixChannel(d), &st).ok());
  EXPECT_EQ(st.principal(), "user:" + MyUserName());
  EXPECT_TRUE(st.serving());
  EXPECT_FALSE(st.config_digest().empty());
  EXPECT_EQ(st.config_source(), "<embedded default>");
}

// A second uid: as root, run gatewayctl as "nobody" (group "nogroup") against a socket whose
// group is nogroup. The daemon must name the caller from SO_PEERCRED and refuse its reload.
TEST_F(DaemonE2eTest, SecondUidIsIdentifiedAndIsNotAdmin) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to switch to a second uid";
  passwd* nobody = getpwnam("nobody");
  group* nogroup = getgrnam("nogroup");
  if (nobody == nullptr || nogroup == nullptr) GTEST_SKIP() << "no nobody/nogroup on this host";
  ASSERT_EQ(chmod(dir_.path().c_str(), 0755), 0);
  const std::string cfg = dir_.Write("gw.yaml", "server:\n  unix_socket:\n    group: nogroup\n");
  DaemonProcess d(dir_, {"--config", cfg});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  const uid_t uid = nobody->pw_uid;
  const gid_t gid = nogroup->gr_gid;
  auto run_as_nobody = [&](std::vector<std::string> args) {
    // Fork a child that drops to nobody and execs gatewayctl (exec keeps this fork-safe).
    TempDir out;
    chmod(out.path().c_str(), 0777);
    const std::string out_file = out.path() + "/out";
    const pid_t pid = fork();
    if (pid == 0) {
      FILE* f = std::freopen(out_file.c_str(), "w", stdout);
      (void)f;
      dup2(fileno(stdout), 2);
      if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(100);
      args.insert(args.begin(), gw::testing::BinaryPath("cli/gatewayctl"));
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    std::ifstream in(out_file);
    std::stringstream ss;
    ss << in.rdbuf();
    return std::make_pair(WEXITSTATUS(status), ss.str());
  };
  auto [rc, out] = run_as_nobody({"status", "--json", "--socket", d.socket_path()});
  ASSERT_EQ(rc, 0) << out;
  EXPECT_THAT(out, HasSubstr("\"principal\":\"user:nobody\""));
  auto [rc2, out2] = run_as_nobody({"reload", "--socket", d.socket_path()});
  EXPECT_EQ(rc2, 1);
  EXPECT_THAT(out2, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(out2, HasSubstr("user:nobody is not an admin"));
}

TEST_F(DaemonE2eTest, BadRequestsGetClearErrorsAndOthersAreStillServed) {
  const std::string cfg = dir_.Write("gw.yaml",
                                     "limits:\n"
                                     "  max_prompt_bytes: 1000\n"
                                     "  max_messages: 3\n"
                                     "server:\n"
                                     "  max_receive_message_bytes: 65536\n");
  DaemonProcess d(dir_, {"--config", cfg});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = UnixChannel(d);

  grpc::Status s = RunChat(ch, v1::ChatRequest());
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("at least one message"));

  v1::ChatRequest bad_role = SimpleChat("hi");
  bad_role.mutable_messages(0)->set_role(v1::ROLE_UNSPECIFIED);
  s = RunChat(ch, bad_role);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("messages[0].role"));

  v1::ChatRequest unknown_role = SimpleChat("hi");
  unknown_role.mutable_messages(0)->set_role(static_cast<v1::Role>(42));
  s = RunChat(ch, unknown_role);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("42 is not a known role"));

  s = RunChat(ch, SimpleChat(std::string(1001, 'x')));
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("prompt is 1001 bytes; the limit"));

  v1::ChatRequest many = SimpleChat("a");
  for (int i = 0; i < 3; ++i) *many.add_messages() = many.messages(0);
  s = RunChat(ch, many);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("4 messages; the limit is 3"));

  v1::ChatRequest label = SimpleChat("a");
  label.add_data_labels("top-secret");
  s = RunChat(ch, label);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("'top-secret' is not a data class"));

  v1::ChatRequest temp = SimpleChat("a");
  temp.mutable_options()->set_temperature(7.0f);
  s = RunChat(ch, temp);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("options.temperature"));

  // Beyond the transport limit gRPC itself refuses the message.
  s = RunChat(ch, SimpleChat(std::string(70000, 'x')));
  EXPECT_EQ(s.error_code(), grpc::RESOURCE_EXHAUSTED);

  // A well-formed request is answered honestly: this build has no routing pipeline.
  s = RunChat(ch, SimpleChat("hello"));
  EXPECT_EQ(s.error_code(), grpc::UNAVAILABLE);
  EXPECT_THAT(s.error_message(), HasSubstr("no routing pipeline"));

  // Garbage bytes on a fresh raw connection do not disturb the daemon.
  {
    const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, d.socket_path().c_str(), sizeof(addr.sun_path) - 1);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    static constexpr char kJunk[] = "GET / HTTP/1.1\r\n\r\n\x00\xff\xfe garbage";
    const std::string junk(kJunk, sizeof(kJunk) - 1);
    ASSERT_GT(write(fd, junk.data(), junk.size()), 0);
    close(fd);
  }
  // Every refused stream released its slot (released when gRPC is done with the call, which
  // can trail the client's view by a moment).
  v1::StatusResponse st;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(GetStatus(ch, &st).ok());
    if (st.active_streams() == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(st.serving());
  EXPECT_EQ(st.active_streams(), 0);
  // No prompt text in the log.
  EXPECT_EQ(d.Stderr().find("xxxxxxxxxx"), std::string::npos);
}

TEST_F(DaemonE2eTest, InvalidUtf8IsRefusedWithItsOffset) {
  DaemonProcess d(dir_, {});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = UnixChannel(d);
  v1::ChatRequest req = SimpleChat("fine");
  req.add_messages()->set_role(v1::ROLE_USER);
  req.mutable_messages(1)->set_content(std::string("ab\xc3\x28", 4));
  grpc::Status s = RunChat(ch, req);
  EXPECT_EQ(s.error_code(), grpc::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "messages[1].content: invalid UTF-8 at byte offset 2");
  // Overlong encodings and surrogates are invalid too.
  req.mutable_messages(1)->set_content(std::string("\xc0\xaf", 2));
  EXPECT_EQ(RunChat(ch, req).error_code(), grpc::INVALID_ARGUMENT);
  req.mutable_messages(1)->set_content(std::string("\xed\xa0\x80", 3));
  EXPECT_EQ(RunChat(ch, req).error_code(), grpc::INVALID_ARGUMENT);
  v1::StatusResponse st;
  EXPECT_TRUE(GetStatus(ch, &st).ok());
}

TEST_F(DaemonE2eTest, PerPrincipalStreamLimit) {
  const std::string cfg =
      dir_.Write("gw.yaml", "limits:\n  max_concurrent_streams_per_principal: 2\n");
  DaemonProcess d(dir_, {"--config", cfg});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = UnixChannel(d);
  auto stub = v1::Admin::NewStub(ch);
  auto open = [&](grpc::ClientContext* ctx, v1::StatusResponse* first) {
    auto r = stub->WatchStatus(ctx, v1::WatchStatusRequest());
    const bool got = r->Read(first);
    return std::make_pair(std::move(r), got);
  };
  grpc::ClientContext c1, c2, c3;
  v1::StatusResponse s1, s2, s3;
  auto [r1, ok1] = open(&c1, &s1);
  auto [r2, ok2] = open(&c2, &s2);
  ASSERT_TRUE(ok1);
  ASSERT_TRUE(ok2);
  auto [r3, ok3] = open(&c3, &s3);
  EXPECT_FALSE(ok3);
  grpc::Status st3 = r3->Finish();
  EXPECT_EQ(st3.error_code(), grpc::RESOURCE_EXHAUSTED);
  EXPECT_THAT(st3.error_message(), HasSubstr("already has 2 open streams"));
  // Closing one frees its slot.
  c1.TryCancel();
  r1->Finish();
  bool reopened = false;
  for (int i = 0; i < 100 && !reopened; ++i) {
    grpc::ClientContext c4;
    v1::StatusResponse s4;
    auto [r4, ok4] = open(&c4, &s4);
    reopened = ok4;
    c4.TryCancel();
    r4->Finish();
    if (!reopened) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(reopened);
  c2.TryCancel();
  r2->Finish();
}

TEST_F(DaemonE2eTest, SighupReloadsValidConfigAndKeepsOldOnInvalid) {
  const std::string cfg_path = dir_.Write("gw.yaml", "limits:\n  max_messages: 10\n");
  DaemonProcess d(dir_, {"--config", cfg_path});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = UnixChannel(d);
  v1::StatusResponse before;
  ASSERT_TRUE(GetStatus(ch, &before).ok());

  // Valid change → new digest.
  dir_.Write("gw.yaml", "limits:\n  max_messages: 20\n");
  d.Signal(SIGHUP);
  std::string digest = before.config_digest();
  for (int i = 0; i < 200 && digest == before.config_digest(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    v1::StatusResponse now;
    ASSERT_TRUE(GetStatus(ch, &now).ok());
    digest = now.config_digest();
  }
  EXPECT_NE(digest, before.config_digest());

  // Invalid change → old config kept; the reason names file and line.
  dir_.Write("gw.yaml", "limits:\n  max_messages: 20\n  no_such_limit: 1\n");
  d.Signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  v1::StatusResponse after;
  ASSERT_TRUE(GetStatus(ch, &after).ok());
  EXPECT_EQ(after.config_digest(), digest);
  EXPECT_THAT(d.Stderr(), HasSubstr("config reload by signal:SIGHUP refused"));
  EXPECT_THAT(d.Stderr(), HasSubstr("gw.yaml:3:"));

  // The same through Admin.ReloadConfig.
  auto admin = v1::Admin::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  v1::ReloadConfigResponse resp;
  ASSERT_TRUE(admin->ReloadConfig(&ctx, v1::ReloadConfigRequest(), &resp).ok());
  EXPECT_FALSE(resp.reloaded());
  EXPECT_THAT(resp.error(), HasSubstr("limits.no_such_limit"));
  EXPECT_EQ(resp.config_digest(), digest);

  dir_.Write("gw.yaml", "limits:\n  max_messages: 30\n");
  grpc::ClientContext ctx2;
  ctx2.set_deadline(Deadline());
  ASSERT_TRUE(admin->ReloadConfig(&ctx2, v1::ReloadConfigRequest(), &resp).ok());
  EXPECT_TRUE(resp.reloaded()) << resp.error();
  EXPECT_NE(resp.config_digest(), digest);

  // Listener settings need a restart: refused, old kept.
  dir_.Write("gw.yaml", "server:\n  unix_socket:\n    mode: \"0600\"\n");
  grpc::ClientContext ctx3;
  ctx3.set_deadline(Deadline());
  ASSERT_TRUE(admin->ReloadConfig(&ctx3, v1::ReloadConfigRequest(), &resp).ok());
  EXPECT_FALSE(resp.reloaded());
  EXPECT_THAT(resp.error(), HasSubstr("server.unix_socket cannot change on reload"));
}

TEST_F(DaemonE2eTest, SigtermDrainsLiveStreamAndExitsZero) {
  DaemonProcess d(dir_, {});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = UnixChannel(d);
  auto stub = v1::Admin::NewStub(ch);
  grpc::ClientContext ctx;
  auto reader = stub->WatchStatus(&ctx, v1::WatchStatusRequest());
  v1::StatusResponse msg;
  ASSERT_TRUE(reader->Read(&msg));
  EXPECT_TRUE(msg.serving());
  EXPECT_EQ(msg.active_streams(), 1);

  d.Signal(SIGTERM);
  ASSERT_TRUE(reader->Read(&msg));
  EXPECT_FALSE(msg.serving());
  EXPECT_FALSE(reader->Read(&msg));
  EXPECT_TRUE(reader->Finish().ok());
  auto code = d.WaitExit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_THAT(d.Stderr(), HasSubstr("shutting down: draining"));
  // The socket file is gone.
  struct stat st {};
  EXPECT_NE(stat(d.socket_path().c_str(), &st), 0);
}

TEST_F(DaemonE2eTest, RefusesNonLoopbackTcpWithoutTls) {
  const std::string cfg =
      dir_.Write("gw.yaml", "server:\n  tcp:\n    enabled: true\n    address: \"0.0.0.0:0\"\n");
  DaemonProcess d(dir_, {"--config", cfg});
  EXPECT_FALSE(d.WaitReady());
  auto code = d.WaitExit();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_THAT(d.Stderr(), HasSubstr("tls"));
  EXPECT_THAT(d.Stderr(), HasSubstr("loopback"));
}

TEST_F(DaemonE2eTest, PortInUseIsReported) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  const int port = ntohs(addr.sin_port);
  const std::string cfg =
      dir_.Write("gw.yaml", "server:\n  tcp:\n    enabled: true\n    address: \"127.0.0.1:" +
                                std::to_string(port) + "\"\n");
  DaemonProcess d(dir_, {"--config", cfg});
  EXPECT_FALSE(d.WaitReady());
  EXPECT_EQ(d.WaitExit().value_or(-99), 1);
  EXPECT_THAT(d.Stderr(), HasSubstr("address already in use"));
  close(fd);
}

TEST_F(DaemonE2eTest, SecondDaemonOnSameSocketIsRefused) {
  DaemonProcess d1(dir_, {});
  ASSERT_TRUE(d1.WaitReady()) << d1.Stderr();
  DaemonProcess d2(dir_, {"--state-dir", dir_.path() + "/state2"});
  EXPECT_FALSE(d2.WaitReady());
  EXPECT_EQ(d2.WaitExit().value_or(-99), 1);
  EXPECT_THAT(d2.Stderr(), HasSubstr("another process is listening"));
  v1::StatusResponse st;
  EXPECT_TRUE(GetStatus(UnixChannel(d1), &st).ok());
}

TEST_F(DaemonE2eTest, UnsafeStateDirAndSocketModeAreRefused) {
  const std::string state = dir_.path() + "/open-state";
  ASSERT_EQ(mkdir(state.c_str(), 0777), 0);
  ASSERT_EQ(chmod(state.c_str(), 0777), 0);
  DaemonProcess d(dir_, {"--state-dir", state});
  EXPECT_EQ(d.WaitExit().value_or(-99), 1);
  EXPECT_THAT(d.Stderr(), HasSubstr("writable by group or others (mode 0777)"));

  const std::string cfg = dir_.Write("gw.yaml", "server:\n  unix_socket:\n    mode: \"0666\"\n");
  DaemonProcess d2(dir_, {"--config", cfg});
  EXPECT_EQ(d2.WaitExit().value_or(-99), 1);
  EXPECT_THAT(d2.Stderr(), HasSubstr("gives every local user access"));
}

TEST_F(DaemonE2eTest, CheckConfigReportsFileLineAndExitCode) {
  const std::string good = dir_.Write("good.yaml", "limits:\n  max_messages: 5\n");
  auto r =
      RunProcess({gw::testing::BinaryPath("daemon/gatewayd"), "--config", good, "--check-config"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("config ok"));
  const std::string bad = dir_.Write("bad.yaml", "limits:\n  max_messages: lots\n");
  r = RunProcess({gw::testing::BinaryPath("daemon/gatewayd"), "--config", bad, "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("bad.yaml:2:"));
  EXPECT_THAT(r.err, HasSubstr("limits.max_messages"));
  r = RunProcess({gw::testing::BinaryPath("daemon/gatewayd"), "--config",
                  dir_.path() + "/missing.yaml", "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot read"));
}

TEST_F(DaemonE2eTest, MutualTlsNamesThePrincipalFromTheClientCertificate) {
  gw::testing::TestCa ca(dir_.path(), "test");
  auto server = ca.Issue("gatewayd.test", {"localhost"}, {"127.0.0.1"});
  auto client = ca.Issue("alice", {}, {});
  const std::string cfg = dir_.Write(
      "gw.yaml",
      "server:\n  tcp:\n    enabled: true\n    address: \"127.0.0.1:0\"\n"
      "    tls:\n      cert_file: " +
          server.cert + "\n      key_file: " + server.key +
          "\n      client_ca_file: " + ca.ca_cert_path() + "\n      require_client_cert: true\n");
  DaemonProcess d(dir_, {"--config", cfg});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  ASSERT_FALSE(d.tcp_address().empty());

  auto read = [](const std::string& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  grpc::SslCredentialsOptions with_cert;
  with_cert.pem_root_certs = read(ca.ca_cert_path());
  with_cert.pem_cert_chain = read(client.cert);
  with_cert.pem_private_key = read(client.key);
  auto ch = grpc::CreateChannel(d.tcp_address(), grpc::SslCredentials(with_cert));
  v1::StatusResponse st;
  grpc::Status s = GetStatus(ch, &st);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(st.principal(), "cert:alice");

  // Without a client certificate the handshake fails: no call reaches a handler.
  grpc::SslCredentialsOptions no_cert;
  no_cert.pem_root_certs = read(ca.ca_cert_path());
  auto ch2 = grpc::CreateChannel(d.tcp_address(), grpc::SslCredentials(no_cert));
  s = GetStatus(ch2, &st);
  EXPECT_EQ(s.error_code(), grpc::UNAVAILABLE);

  // gatewayctl speaks mTLS too.
  auto r = RunProcess({gw::testing::BinaryPath("cli/gatewayctl"), "status", "--json", "--addr",
                       d.tcp_address(), "--tls-ca", ca.ca_cert_path(), "--tls-cert", client.cert,
                       "--tls-key", client.key});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"principal\":\"cert:alice\""));
}

TEST_F(DaemonE2eTest, BearerTokensOnLoopbackTcp) {
  setenv("GW_E2E_TOKEN", "s3cret-token-value-123", 1);
  const std::string cfg =
      dir_.Write("gw.yaml",
                 "server:\n  tcp:\n    enabled: true\n    address: \"127.0.0.1:0\"\n"
                 "identity:\n  tokens:\n    - name: ci-bot\n      token: \"${GW_E2E_TOKEN}\"\n"
                 "      groups: [ci]\n");
  DaemonProcess d(dir_, {"--config", cfg});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = grpc::CreateChannel(d.tcp_address(), grpc::InsecureChannelCredentials());
  v1::StatusResponse st;
  ASSERT_TRUE(GetStatus(ch, &st, "s3cret-token-value-123").ok());
  EXPECT_EQ(st.principal(), "token:ci-bot");
  grpc::Status s = GetStatus(ch, &st, "wrong");
  EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED);
  s = GetStatus(ch, &st);
  EXPECT_EQ(s.error_code(), grpc::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("no identity"));
  // Non-admin token cannot reload.
  auto admin = v1::Admin::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer s3cret-token-value-123");
  v1::ReloadConfigResponse resp;
  s = admin->ReloadConfig(&ctx, v1::ReloadConfigRequest(), &resp);
  EXPECT_EQ(s.error_code(), grpc::PERMISSION_DENIED);
  EXPECT_EQ(d.Stderr().find("s3cret-token-value-123"), std::string::npos);
}

TEST_F(DaemonE2eTest, GatewayctlScriptedUse) {
  DaemonProcess d(dir_, {});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  const std::string ctl = gw::testing::BinaryPath("cli/gatewayctl");
  auto r = RunProcess({ctl, "status", "--socket", d.socket_path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("serving"));
  r = RunProcess({ctl, "models", "--socket", d.socket_path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  r = RunProcess({ctl, "chat", "--socket", d.socket_path(), "hello"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
  r = RunProcess({ctl, "status", "--socket", dir_.path() + "/nope.sock"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("is gatewayd running?"));
  r = RunProcess({ctl, "consent", "list", "--socket", d.socket_path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("no grants"));
  // A ticket the daemon never issued is refused, and the refusal is audited.
  r = RunProcess({ctl, "consent", "grant", "--socket", d.socket_path(), "not-a-ticket"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(r.err, HasSubstr("consent ticket is malformed"));
  r = RunProcess({ctl, "budget", "show", "--socket", d.socket_path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(DaemonE2eTest, BudgetShowReportsConfiguredBudgets) {
  const std::string cfg = dir_.Write("gw.yaml",
                                     "budgets:\n"
                                     "  timezone: Europe/Berlin\n"
                                     "  budgets:\n"
                                     "    - id: per-user-daily\n"
                                     "      scope: user\n"
                                     "      subject: \"*\"\n"
                                     "      window: daily\n"
                                     "      cap: \"2.50\"\n"
                                     "    - id: org-monthly\n"
                                     "      scope: org\n"
                                     "      window: monthly\n"
                                     "      cap: 100\n"
                                     "      hard: false\n");
  DaemonProcess d(dir_, {"--config", cfg});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto admin = v1::Admin::NewStub(UnixChannel(d));
  grpc::ClientContext ctx;
  ctx.set_deadline(Deadline());
  v1::BudgetShowResponse resp;
  grpc::Status s = admin->BudgetShow(&ctx, v1::BudgetShowRequest(), &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::map<std::string, v1::BudgetWindowUsage> by_id;
  for (const auto& w : resp.budgets()) by_id[w.budget_id()] = w;
  ASSERT_EQ(by_id.count("per-user-daily"), 1u) << resp.DebugString();
  ASSERT_EQ(by_id.count("org-monthly"), 1u) << resp.DebugString();
  EXPECT_EQ(by_id["per-user-daily"].cap_usd_micros(), 2'500'000);
  EXPECT_EQ(by_id["per-user-daily"].remaining_usd_micros(), 2'500'000);
  EXPECT_EQ(by_id["per-user-daily"].subject(), MyUserName());
  EXPECT_EQ(by_id["org-monthly"].cap_usd_micros(), 100'000'000);
  EXPECT_FALSE(by_id["org-monthly"].hard());
  auto r = RunProcess(
      {gw::testing::BinaryPath("cli/gatewayctl"), "budget", "show", "--socket", d.socket_path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("per-user-daily"));
}

}  // namespace
}  // namespace gw
