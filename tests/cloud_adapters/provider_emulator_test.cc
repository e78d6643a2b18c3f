// Behaviour of the adapters against the provider emulator over real loopback TCP and real TLS.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>

#include "cloud_adapters/provider.h"
#include "cloud_adapters/registry.h"
#include "tests/emulator/emulator.h"
#include "tests/emulator/test_pki.h"

namespace gw::cloud {
namespace {

using emulator::Fault;
using emulator::ProviderEmulator;
using emulator::Wire;
using K = Fault::Kind;
namespace fs = std::filesystem;

const emulator::TestPki& Pki() {
  static const emulator::TestPki* pki = [] {
    auto p = emulator::MakeTestPki();
    if (!p.ok()) std::abort();
    return new emulator::TestPki(*p);
  }();
  return *pki;
}

class AdapterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gw-adapters-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    ca_file_ = dir_ + "/ca.pem";
    ASSERT_TRUE(emulator::WriteFile(ca_file_, Pki().ca_cert_pem).ok());
    options_.retry = RetryPolicy{Micros(1000), Micros(5000)};
    options_.env = [](std::string_view) -> std::optional<std::string> { return std::nullopt; };
    options_.jitter_seed = 1;
  }
  void TearDown() override {
    providers_.clear();
    emus_.clear();
    fs::remove_all(dir_);
  }

  ProviderEmulator& StartEmulator(Wire wire, bool tls = true, const std::string* cert = nullptr) {
    emulator::EmulatorOptions o;
    o.wire = wire;
    if (tls) {
      o.cert_pem = cert ? *cert : Pki().server_cert_pem;
      o.key_pem = Pki().server_key_pem;
    }
    emus_.push_back(std::make_unique<ProviderEmulator>(o));
    EXPECT_TRUE(emus_.back()->Start().ok());
    return *emus_.back();
  }

  config::AdapterConfig Config(const std::string& type, const ProviderEmulator& emu,
                               bool tls = true) {
    config::AdapterConfig a;
    a.name = type + "-" + std::to_string(providers_.size());
    a.type = type;
    a.model = "test-model";
    a.api_key = Secret("sk-emulated-secret-key-42");
    a.base_url = std::string(tls ? "https" : "http") +
                 "://localhost:" + std::to_string(emu.port()) +
                 (type == "azure_openai" ? "" : "/v1");
    if (type == "azure_openai") {
      a.deployment = "gpt4o-eu";
      a.region = "westeurope";
    }
    a.ca_file = tls ? ca_file_ : "";
    a.timeouts.connect = Micros(2'000'000);
    a.timeouts.first_byte = Micros(2'000'000);
    a.timeouts.idle = Micros(2'000'000);
    a.timeouts.total = Micros(10'000'000);
    a.max_retries = 2;
    return a;
  }

  Provider& Make(const config::AdapterConfig& c) {
    auto p = CreateProvider(c, runtime_, options_);
    EXPECT_TRUE(p.ok()) << p.status();
    providers_.push_back(std::move(*p));
    return *providers_.back();
  }

  static ChatCall Call() {
    ChatCall c;
    c.request_id = RequestId("00112233445566778899aabbccddeeff");
    c.messages = {{"system", "Be brief."}, {"user", "Say hello to the world please"}};
    c.options.max_tokens = 32;
    return c;
  }

  struct Run {
    StreamResult r;
    std::string text;
  };
  Run Go(Provider& p, ChatCall c = Call(), CancellationToken cancel = {}) {
    Run run;
    run.r = StreamAndWait(
        p, std::move(c), [&](std::string_view t) { run.text += t; }, std::move(cancel));
    return run;
  }

  std::string dir_, ca_file_;
  AdapterRuntime runtime_;
  ProviderOptions options_;
  std::vector<std::unique_ptr<ProviderEmulator>> emus_;
  std::vector<std::unique_ptr<Provider>> providers_;
};

TEST_F(AdapterTest, OpenAiStreamsOverTlsAndHookSeesExactBytes) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  auto& p = Make(Config("openai", emu));
  std::string hook_host, hook_body;
  ChatCall c = Call();
  c.on_before_send = [&](std::string_view host, std::string_view body) {
    hook_host = host;
    hook_body = body;
    EXPECT_TRUE(emu.received_bytes().empty()) << "hook runs before any byte is sent";
    return Status();
  };
  Run run = Go(p, c);
  ASSERT_TRUE(run.r.status.ok()) << run.r.status;
  EXPECT_EQ(run.text, "Hello, world!");
  EXPECT_EQ(run.r.finish, FinishReason::kStop);
  EXPECT_EQ(run.r.attempts, 1);
  EXPECT_TRUE(run.r.usage.reported);
  EXPECT_EQ(run.r.usage.input.value(), 12);
  EXPECT_EQ(run.r.usage.output.value(), 4);
  EXPECT_EQ(run.r.usage.cached_input.value(), 3);
  auto reqs = emu.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(hook_host, "localhost");
  EXPECT_EQ(hook_body, reqs[0].body);
  EXPECT_EQ(reqs[0].target, "/v1/chat/completions");
  EXPECT_EQ(reqs[0].headers["authorization"], "Bearer sk-emulated-secret-key-42");
  EXPECT_EQ(reqs[0].headers["x-request-id"], "00112233445566778899aabbccddeeff");
  EXPECT_NE(emu.received_bytes().find(hook_body), std::string::npos);
}

TEST_F(AdapterTest, EveryProviderTypeStreams) {
  struct C {
    std::string type;
    Wire wire;
    bool tls;
    std::string target;
  };
  for (const C& c : std::vector<C>{
           {"anthropic", Wire::kAnthropic, true, "/v1/messages"},
           {"gemini", Wire::kGemini, true, "/v1/models/test-model:streamGenerateContent?alt=sse"},
           {"azure_openai", Wire::kOpenAi, true,
            "/openai/deployments/gpt4o-eu/chat/completions?api-version=2024-10-21"},
           {"openai_compatible", Wire::kOpenAi, false, "/v1/chat/completions"}}) {
    auto& emu = StartEmulator(c.wire, c.tls);
    auto& p = Make(Config(c.type, emu, c.tls));
    Run run = Go(p);
    ASSERT_TRUE(run.r.status.ok()) << c.type << ": " << run.r.status;
    EXPECT_EQ(run.text, "Hello, world!") << c.type;
    EXPECT_EQ(run.r.finish, FinishReason::kStop) << c.type;
    EXPECT_EQ(run.r.usage.input.value(), 12) << c.type;
    EXPECT_EQ(run.r.usage.output.value(), 4) << c.type;
    EXPECT_EQ(run.r.usage.cached_input.value(), 3) << c.type;
    ASSERT_EQ(emu.requests().size(), 1u);
    EXPECT_EQ(emu.requests()[0].target, c.target) << c.type;
  }
}

TEST_F(AdapterTest, FailingHookSendsNothing) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  auto& p = Make(Config("openai", emu));
  ChatCall c = Call();
  c.on_before_send = [](std::string_view, std::string_view) {
    return absl::UnavailableError("audit log not durable");
  };
  Run run = Go(p, c);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(run.r.status.message(), "audit log not durable");
  EXPECT_EQ(run.r.attempts, 0);
  EXPECT_EQ(emu.connections(), 0);
  EXPECT_TRUE(emu.received_bytes().empty());
}

TEST_F(AdapterTest, RetriesHonourRetryAfter) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  emu.SetScript({{K::kHttpStatus, 429, "1"}});
  auto& p = Make(Config("openai", emu));
  Run run = Go(p);
  ASSERT_TRUE(run.r.status.ok()) << run.r.status;
  EXPECT_EQ(run.r.attempts, 2);
  EXPECT_GE(run.r.total_backoff.value(), 1'000'000);
  EXPECT_EQ(run.text, "Hello, world!");
}

TEST_F(AdapterTest, RetryAfterBeyondBudgetIsResourceExhaustedAtOnce) {
  auto& emu = StartEmulator(Wire::kAnthropic);
  emu.SetScript({{K::kHttpStatus, 429, "3600"}});
  auto& p = Make(Config("anthropic", emu));
  Run run = Go(p);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(run.r.attempts, 1);
  EXPECT_NE(std::string(run.r.status.message()).find("retry budget exhausted"), std::string::npos);
  EXPECT_EQ(emu.requests().size(), 1u);
}

TEST_F(AdapterTest, Retries500And503ThenSucceeds) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  emu.SetScript({{K::kHttpStatus, 500}, {K::kHttpStatus, 503}});
  auto& p = Make(Config("openai", emu));
  Run run = Go(p);
  ASSERT_TRUE(run.r.status.ok()) << run.r.status;
  EXPECT_EQ(run.r.attempts, 3);
}

TEST_F(AdapterTest, GivesUpAfterMaxRetries) {
  auto& emu = StartEmulator(Wire::kGemini);
  emu.SetScript({{K::kHttpStatus, 503}, {K::kHttpStatus, 503}, {K::kHttpStatus, 503}});
  auto& p = Make(Config("gemini", emu));
  Run run = Go(p);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(run.r.attempts, 3);
  EXPECT_EQ(emu.requests().size(), 3u);
  EXPECT_NE(std::string(run.r.status.message()).find("HTTP 503"), std::string::npos);
}

TEST_F(AdapterTest, ResetBeforeResponseIsRetried) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  emu.SetScript({{K::kResetBeforeResponse}});
  auto& p = Make(Config("openai", emu));
  Run run = Go(p);
  ASSERT_TRUE(run.r.status.ok()) << run.r.status;
  EXPECT_EQ(run.r.attempts, 2);
}

TEST_F(AdapterTest, ResetMidStreamIsNotRetriedAndReportsUsageSoFar) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  Fault f{K::kResetMidStream};
  f.after_deltas = 2;
  emu.SetScript({f});
  auto& p = Make(Config("openai", emu));
  Run run = Go(p);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(run.text, "Hello, ");
  EXPECT_TRUE(run.r.any_text);
  EXPECT_EQ(run.r.attempts, 1);
  EXPECT_EQ(emu.requests().size(), 1u);
  EXPECT_FALSE(run.r.usage.reported);
  EXPECT_EQ(run.r.usage.output.value(), 2);  // lower bound: one token per delta
}

TEST_F(AdapterTest, AnthropicCutStreamKeepsInputUsage) {
  auto& emu = StartEmulator(Wire::kAnthropic);
  Fault f{K::kCutStream};
  f.after_deltas = 1;
  emu.SetScript({f});
  auto& p = Make(Config("anthropic", emu));
  Run run = Go(p);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(run.text, "Hello");
  EXPECT_EQ(run.r.attempts, 1);
  EXPECT_EQ(run.r.usage.input.value(), 12);
  EXPECT_EQ(run.r.usage.cached_input.value(), 3);
  EXPECT_EQ(run.r.usage.output.value(), 1);
  EXPECT_FALSE(run.r.usage.reported);
}

TEST_F(AdapterTest, SlowChunksComplete) {
  auto& emu = StartEmulator(Wire::kAnthropic);
  Fault f{K::kSlowChunks};
  f.delay_ms = 20;
  emu.SetScript({f});
  auto& p = Make(Config("anthropic", emu));
  Run run = Go(p);
  ASSERT_TRUE(run.r.status.ok()) << run.r.status;
  EXPECT_EQ(run.text, "Hello, world!");
}

TEST_F(AdapterTest, IdleStallAfterTextIsDeadlineExceededWithoutRetry) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  Fault f{K::kStallMidStream};
  f.after_deltas = 1;
  emu.SetScript({f});
  auto cfg = Config("openai", emu);
  cfg.timeouts.idle = Micros(200'000);
  auto& p = Make(cfg);
  Run run = Go(p);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_NE(std::string(run.r.status.message()).find("idle timeout"), std::string::npos)
      << run.r.status;
  EXPECT_EQ(run.text, "Hello");
  EXPECT_EQ(run.r.attempts, 1);
}

TEST_F(AdapterTest, StallBeforeFirstTokenIsRetried) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  Fault f{K::kStallMidStream};
  f.after_deltas = 0;
  emu.SetScript({f});
  auto cfg = Config("openai", emu);
  cfg.timeouts.idle = Micros(200'000);
  auto& p = Make(cfg);
  Run run = Go(p);
  ASSERT_TRUE(run.r.status.ok()) << run.r.status;
  EXPECT_EQ(run.r.attempts, 2);
  EXPECT_EQ(run.text, "Hello, world!");
}

TEST_F(AdapterTest, TotalTimeoutBoundsASlowStream) {
  auto& emu = StartEmulator(Wire::kAnthropic);
  Fault f{K::kSlowChunks};
  f.delay_ms = 300;
  emu.SetScript({f});
  auto cfg = Config("anthropic", emu);
  cfg.timeouts.total = Micros(500'000);
  Run run = Go(Make(cfg));
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kDeadlineExceeded) << run.r.status;
  EXPECT_NE(std::string(run.r.status.message()).find("total timeout"), std::string::npos)
      << run.r.status;
  EXPECT_EQ(run.r.attempts, 1);
}

TEST_F(AdapterTest, MalformedJsonEndsTheStream) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  Fault f{K::kMalformedJson};
  f.after_deltas = 1;
  emu.SetScript({f});
  auto& p = Make(Config("openai", emu));
  Run run = Go(p);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(std::string(run.r.status.message()).find("malformed stream chunk"), std::string::npos);
  EXPECT_EQ(run.r.attempts, 1);
}

TEST_F(AdapterTest, WrongContentTypeIsUnavailable) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  emu.SetScript({{K::kWrongContentType}});
  auto& p = Make(Config("openai", emu));
  Run run = Go(p);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(std::string(run.r.status.message()).find("content type 'text/html'"), std::string::npos)
      << run.r.status;
  EXPECT_FALSE(run.r.any_text);
}

TEST_F(AdapterTest, ErrorsMapToCodesAndAreScrubbed) {
  struct C {
    int http;
    absl::StatusCode code;
  };
  for (const C& c : std::vector<C>{{400, absl::StatusCode::kInvalidArgument},
                                   {401, absl::StatusCode::kUnauthenticated},
                                   {403, absl::StatusCode::kPermissionDenied},
                                   {404, absl::StatusCode::kInvalidArgument}}) {
    for (Wire w : {Wire::kOpenAi, Wire::kAnthropic, Wire::kGemini}) {
      auto& emu = StartEmulator(w);
      emu.SetScript({{K::kHttpStatus, c.http}});
      const char* type = w == Wire::kOpenAi      ? "openai"
                         : w == Wire::kAnthropic ? "anthropic"
                                                 : "gemini";
      auto& p = Make(Config(type, emu));
      Run run = Go(p);
      std::string msg(run.r.status.message());
      EXPECT_EQ(run.r.status.code(), c.code) << type << " " << c.http << ": " << msg;
      EXPECT_EQ(run.r.attempts, 1);
      EXPECT_NE(msg.find("HTTP " + std::to_string(c.http)), std::string::npos) << msg;
      EXPECT_EQ(msg.find("emulated-secret"), std::string::npos) << msg;
      EXPECT_EQ(msg.find("hello to the world"), std::string::npos) << msg;
    }
  }
}

TEST_F(AdapterTest, BadCertificatesAreRefusedBeforeAnyRequestByte) {
  const auto& pki = Pki();
  struct C {
    const std::string* cert;
    std::string why;
  };
  for (const C& c : std::vector<C>{{&pki.expired_cert_pem, "certificate has expired"},
                                   {&pki.self_signed_cert_pem, "self-signed certificate"},
                                   {&pki.wrong_host_cert_pem, ""}}) {
    auto& emu = StartEmulator(Wire::kOpenAi, true, c.cert);
    auto& p = Make(Config("openai", emu));
    Run run = Go(p);
    std::string msg(run.r.status.message());
    EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable) << msg;
    EXPECT_NE(msg.find("TLS handshake with localhost failed"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.why), std::string::npos) << msg;
    EXPECT_TRUE(emu.requests().empty());
    EXPECT_EQ(run.r.attempts, 1) << "verification failures are not retried";
  }
  // Without the test CA the system store does not trust the emulator.
  auto& emu = StartEmulator(Wire::kOpenAi);
  auto cfg = Config("openai", emu);
  cfg.ca_file.clear();
  Run run = Go(Make(cfg));
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(emu.requests().empty());
}

TEST_F(AdapterTest, ProxyTunnelsWithConnect) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  emulator::ConnectProxy proxy;
  ASSERT_TRUE(proxy.Start().ok());
  auto cfg = Config("openai", emu);
  cfg.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  Run run = Go(Make(cfg));
  ASSERT_TRUE(run.r.status.ok()) << run.r.status;
  EXPECT_EQ(run.text, "Hello, world!");
  ASSERT_EQ(proxy.connect_targets().size(), 1u);
  EXPECT_EQ(proxy.connect_targets()[0], "localhost:" + std::to_string(emu.port()));
}

TEST_F(AdapterTest, ProxyFromEnvironment) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  emulator::ConnectProxy proxy;
  ASSERT_TRUE(proxy.Start().ok());
  std::string proxy_url = "127.0.0.1:" + std::to_string(proxy.port());
  options_.env = [&](std::string_view k) -> std::optional<std::string> {
    if (k == "HTTPS_PROXY") return proxy_url;
    return std::nullopt;
  };
  Run run = Go(Make(Config("openai", emu)));
  ASSERT_TRUE(run.r.status.ok()) << run.r.status;
  EXPECT_EQ(proxy.connect_targets().size(), 1u);
}

TEST_F(AdapterTest, ProxyRefusingConnectIsUnavailableAndNothingReachesTheProvider) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  emulator::ConnectProxy proxy(403);
  ASSERT_TRUE(proxy.Start().ok());
  auto cfg = Config("openai", emu);
  cfg.proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  Run run = Go(Make(cfg));
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(std::string(run.r.status.message()).find("proxy refused CONNECT"), std::string::npos)
      << run.r.status;
  EXPECT_EQ(run.r.attempts, 1);
  EXPECT_EQ(emu.connections(), 0);
}

TEST_F(AdapterTest, CancellationStopsAStalledStream) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  Fault f{K::kStallMidStream};
  f.after_deltas = 1;
  emu.SetScript({f});
  auto& p = Make(Config("openai", emu));
  CancellationToken cancel;
  Run run;
  run.r = StreamAndWait(
      p, Call(),
      [&](std::string_view t) {
        run.text += t;
        cancel.Cancel();
      },
      cancel);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kCancelled) << run.r.status;
  EXPECT_EQ(run.text, "Hello");
}

TEST_F(AdapterTest, KeepAliveReusesTheConnection) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  auto& p = Make(Config("openai", emu));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Go(p).r.status.ok());
  EXPECT_EQ(emu.connections(), 1);
  EXPECT_EQ(emu.requests().size(), 3u);
}

TEST_F(AdapterTest, CircuitBreakerOpensAndShortCircuits) {
  auto& emu = StartEmulator(Wire::kOpenAi);
  emu.SetScript({{K::kHttpStatus, 503}, {K::kHttpStatus, 503}});
  options_.breaker = CircuitBreakerOptions{2, Micros(60'000'000)};
  auto cfg = Config("openai", emu);
  cfg.max_retries = 0;
  auto& p = Make(cfg);
  EXPECT_EQ(p.circuit_state(), CircuitState::kClosed);
  Go(p);
  Go(p);
  EXPECT_EQ(p.circuit_state(), CircuitState::kOpen);
  Run run = Go(p);
  EXPECT_EQ(run.r.status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(std::string(run.r.status.message()).find("circuit open"), std::string::npos);
  EXPECT_EQ(emu.requests().size(), 2u);
}

TEST_F(AdapterTest, FallbackMovesOnOnlyBeforeTheFirstToken) {
  auto& bad = StartEmulator(Wire::kOpenAi);
  bad.SetScript({{K::kHttpStatus, 503}});
  auto& good = StartEmulator(Wire::kAnthropic);
  auto bad_cfg = Config("openai", bad);
  bad_cfg.max_retries = 0;
  Provider& a = Make(bad_cfg);
  Provider& b = Make(Config("anthropic", good));
  struct Obs : StreamObserver {
    std::string text;
    std::promise<StreamResult> done;
    void OnText(std::string_view t) override { text += t; }
    void OnComplete(const StreamResult& r) override { done.set_value(r); }
  };
  std::vector<std::string> hosts;
  ChatCall c = Call();
  c.on_before_send = [&](std::string_view host, std::string_view) {
    hosts.emplace_back(host);
    return Status();
  };
  {
    Obs obs;
    StreamWithFallback({&a, &b}, c, obs, {});
    StreamResult r = obs.done.get_future().get();
    ASSERT_TRUE(r.status.ok()) << r.status;
    EXPECT_EQ(r.adapter, b.name());
    EXPECT_EQ(obs.text, "Hello, world!");
    EXPECT_EQ(hosts.size(), 2u);
  }
  // After a partial stream there is no fallback (the client already has text).
  Fault f{K::kResetMidStream};
  f.after_deltas = 1;
  bad.SetScript({f});
  {
    Obs obs;
    StreamWithFallback({&a, &b}, c, obs, {});
    StreamResult r = obs.done.get_future().get();
    EXPECT_EQ(r.status.code(), absl::StatusCode::kUnavailable);
    EXPECT_EQ(r.adapter, a.name());
    EXPECT_EQ(obs.text, "Hello");
    EXPECT_EQ(good.requests().size(), 1u);
  }
}

TEST_F(AdapterTest, RegistryRejectsBadConfigs) {
  config::AdapterConfig a;
  a.name = "x";
  a.type = "nope";
  EXPECT_EQ(CreateProvider(a, runtime_).status().message(), "adapter 'x': unknown type 'nope'");
  a.type = "azure_openai";
  a.base_url = "https://res.openai.azure.com";
  a.api_key = Secret("k");
  EXPECT_EQ(CreateProvider(a, runtime_).status().message(), "adapter 'x': deployment is required");
  a.type = "openai_compatible";
  a.base_url = "";
  EXPECT_EQ(CreateProvider(a, runtime_).status().message(),
            "adapter 'x': base_url is required for type openai_compatible");
  a.type = "openai";
  a.model = "m";
  a.ca_file = "/nonexistent/ca.pem";
  auto s = CreateProvider(a, runtime_).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(s.message()).find("ca_file /nonexistent/ca.pem: cannot load"),
            std::string::npos);
  EXPECT_EQ(ProviderTypes().size(), 5u);
}

}  // namespace
}  // namespace gw::cloud
