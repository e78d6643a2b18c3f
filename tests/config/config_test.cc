// Loading valid configs: defaults, every section's keys, secrets, provenance, file reading.
#include "config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "tests/config/test_util.h"

namespace gw::config {
namespace {

using testing::ScopedEnv;
using testing::TempDir;

TEST(DefaultConfigTest, IsLocalOnlyWithAuditDigest) {
  const Config c = DefaultConfig();
  EXPECT_EQ(c.source, "<embedded default>");
  EXPECT_EQ(c.digest.size(), 64u);
  EXPECT_TRUE(c.adapters.empty());
  EXPECT_FALSE(c.policy.enabled);
  EXPECT_TRUE(c.audit.enabled);
  EXPECT_EQ(c.audit.content_capture, ContentCapture::kDigest);
  EXPECT_TRUE(c.server.unix_socket.enabled);
  EXPECT_EQ(c.server.unix_socket.mode, 0660u);
  EXPECT_FALSE(c.server.tcp.enabled);
  EXPECT_FALSE(EmbeddedDefaultYaml().empty());
}

TEST(DefaultConfigTest, EmbeddedYamlMatchesTheSourceFile) {
  std::ifstream in(std::string(GW_CONFIG_SOURCE_DIR) + "/default.yaml", std::ios::binary);
  ASSERT_TRUE(in.good());
  const std::string file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(EmbeddedDefaultYaml(), file);
}

TEST(LoadTest, EmptyDocumentIsAllDefaults) {
  for (const char* text : {"", "\n", "# only a comment\n", "---\n", "~\n"}) {
    StatusOr<Config> c = LoadConfigFromString(text, "empty.yaml");
    ASSERT_TRUE(c.ok()) << "[" << text << "] " << c.status();
    EXPECT_EQ(c->source, "empty.yaml");
    EXPECT_EQ(c->server.tcp.address, "127.0.0.1:7443");
    EXPECT_EQ(c->limits.max_prompt_bytes, 256 << 10);
    EXPECT_EQ(c->audit.content_capture, ContentCapture::kDigest);
    EXPECT_EQ(c->policy.data_classes.size(), 4u);
    EXPECT_FALSE(c->policy.enabled);
  }
}

TEST(LoadTest, DigestIsSha256OfTheSourceBytes) {
  StatusOr<Config> c = LoadConfigFromString("", "x");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->digest, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  StatusOr<Config> d = LoadConfigFromString("logging: {level: warn}\n", "x");
  ASSERT_TRUE(d.ok());
  EXPECT_NE(d->digest, c->digest);
  EXPECT_EQ(d->logging.level, "warn");
}

constexpr char kFull[] = R"yaml(
server:
  unix_socket: {enabled: true, path: /run/gw/gw.sock, mode: "0600", group: gw}
  tcp:
    enabled: true
    address: "0.0.0.0:8443"
    tls:
      cert_file: /etc/gw/cert.pem
      key_file: /etc/gw/key.pem
      client_ca_file: /etc/gw/ca.pem
      require_client_cert: true
  state_dir: /var/lib/gw
  drain_timeout: 250ms
  max_receive_message_bytes: 8MiB
logging: {format: json, level: debug}
identity:
  admin_users: [root]
  admin_groups: [gatewayd-admin]
  mtls_principal_from: san
  tokens:
    - {name: ci-bot, token: "${GW_TEST_TOKEN}", groups: [ci], admin: false}
limits:
  max_concurrent_streams_per_principal: 4
  max_request_bytes: 2MiB
  max_prompt_bytes: 512KiB
  max_messages: 64
  default_max_tokens: 256
  max_max_tokens: 4096
engine:
  model_path: /models/small.gguf
  model_name: small
  threads: 4
  context_length: 4096
  max_concurrency: 2
  max_queue_depth: 16
classifier: {model_path: /models/cls.gguf, complexity_threshold: 0.7, local_queue_threshold: 2}
adapters:
  - name: eu-openai
    type: openai
    model: gpt-4o-mini
    api_key: "${GW_TEST_KEY}"
    region: eu-west-1
    jurisdiction: EU
    retention_days: 30
    zero_data_retention: true
    pricing: {input_per_mtok: "0.15", output_per_mtok: 0.60}
    timeouts: {connect: 2s, first_byte: 20s, idle: 15s, total: 2m}
    max_retries: 1
    fallback: [local-llm]
  - name: local-llm
    type: openai_compatible
    base_url: http://127.0.0.1:8080/v1
    model: llama
policy:
  enabled: true
  data_classes: [public, internal, secret]
  default_class: internal
  detectors:
    builtin_all: false
    builtin: [email, credit_card]
    builtin_classes: {credit_card: secret}
    regexes:
      - {id: proj, pattern: 'PRJ-[0-9]{4}', finding_type: PROJECT_CODE, data_class: internal}
    dictionaries:
      - {id: names, terms: [Apollo], finding_type: CODENAME, data_class: secret,
         case_sensitive: true}
  rules:
    - id: secret-local
      match: {data_class_min: secret}
      action: local_only
    - id: complex-cloud
      description: complex prompts go to the EU adapter
      match: {complexity_min: 0.7, groups: [eng], prompt_bytes_max: 64KiB}
      action: redact_then_cloud
      require_consent: true
      adapters: [eu-openai]
      constraints: {region: ["eu-*"]}
      redact_reversible: false
    - id: default
      action: local_only
budgets:
  timezone: Europe/Berlin
  reservation_ttl: 5m
  budgets:
    - {id: per-user, scope: user, subject: "*", window: daily, cap: "2.50"}
    - {id: org, scope: org, window: monthly, cap: 1000, hard: false, at_cap: degrade_local}
consent:
  ticket_ttl: 5m
  max_grant_duration: 7d
  pregrants:
    - {groups: [eng], categories: [coding], adapters: [eu-openai], data_class_max: internal}
audit:
  enabled: true
  dir: /var/log/gw
  content_capture: encrypted
  encryption_key: "${GW_TEST_AUDIT_KEY}"
  group_commit_interval: 2ms
  segment_max_bytes: 16MiB
  segment_max_age: 12h
  checkpoint_interval: 30s
  retention_days: 365
  local_on_failure: false
)yaml";

TEST(LoadTest, ReadsEverySection) {
  ScopedEnv token("GW_TEST_TOKEN", "tok-123");
  ScopedEnv key("GW_TEST_KEY", "sk-abc");
  ScopedEnv audit_key("GW_TEST_AUDIT_KEY", std::string(64, 'a'));
  StatusOr<Config> r = LoadConfigFromString(kFull, "full.yaml");
  ASSERT_TRUE(r.ok()) << r.status();
  const Config& c = *r;

  EXPECT_EQ(c.server.unix_socket.path, "/run/gw/gw.sock");
  EXPECT_EQ(c.server.unix_socket.mode, 0600u);
  EXPECT_EQ(c.server.unix_socket.group, "gw");
  EXPECT_TRUE(c.server.tcp.enabled);
  ASSERT_TRUE(c.server.tcp.tls.has_value());
  EXPECT_EQ(c.server.tcp.tls->client_ca_file, "/etc/gw/ca.pem");
  EXPECT_TRUE(c.server.tcp.tls->require_client_cert);
  EXPECT_EQ(c.server.drain_timeout, Micros(250'000));
  EXPECT_EQ(c.server.max_receive_message_bytes, 8 << 20);
  EXPECT_EQ(c.logging.format, "json");
  EXPECT_EQ(c.identity.mtls_principal_from, "san");
  ASSERT_EQ(c.identity.tokens.size(), 1u);
  EXPECT_EQ(c.identity.tokens[0].token.Reveal(), "tok-123");
  EXPECT_EQ(c.identity.tokens[0].groups, std::vector<std::string>{"ci"});
  EXPECT_EQ(c.limits.max_request_bytes, 2 << 20);
  EXPECT_EQ(c.limits.max_prompt_bytes, 512 << 10);
  EXPECT_EQ(c.limits.default_max_tokens, 256);
  EXPECT_EQ(c.engine.threads, 4);
  EXPECT_EQ(c.engine.max_queue_depth, 16);
  EXPECT_DOUBLE_EQ(c.classifier.complexity_threshold, 0.7);

  ASSERT_EQ(c.adapters.size(), 2u);
  const AdapterConfig& a = c.adapters[0];
  EXPECT_EQ(a.base_url, "https://api.openai.com/v1");  // default per type
  EXPECT_EQ(a.provider, "openai");
  EXPECT_EQ(a.api_key.Reveal(), "sk-abc");
  EXPECT_EQ(a.pricing.input_per_mtok, UsdMicros(150'000));
  EXPECT_EQ(a.pricing.output_per_mtok, UsdMicros(600'000));
  EXPECT_EQ(a.pricing.cached_input_per_mtok, UsdMicros(150'000));  // defaults to input price
  EXPECT_EQ(a.timeouts.total, Micros(120'000'000));
  EXPECT_EQ(a.fallback, std::vector<std::string>{"local-llm"});
  EXPECT_TRUE(a.zero_data_retention);
  EXPECT_EQ(a.line, 38);
  EXPECT_TRUE(c.adapters[1].api_key.empty());

  EXPECT_TRUE(c.policy.enabled);
  EXPECT_EQ(c.policy.default_class, "internal");
  EXPECT_FALSE(c.policy.detectors.builtin_all);
  EXPECT_EQ(c.policy.detectors.builtin_classes.at("credit_card"), "secret");
  ASSERT_EQ(c.policy.detectors.regexes.size(), 1u);
  EXPECT_EQ(c.policy.detectors.regexes[0].pattern, "PRJ-[0-9]{4}");
  EXPECT_EQ(c.policy.detectors.regexes[0].line, 63);
  EXPECT_TRUE(c.policy.detectors.dictionaries[0].case_sensitive);
  ASSERT_EQ(c.policy.rules.size(), 3u);
  const RuleConfig& rule = c.policy.rules[1];
  EXPECT_EQ(rule.action, RuleAction::kRedactThenCloud);
  EXPECT_TRUE(rule.require_consent);
  EXPECT_EQ(rule.match.complexity_min, 0.7);
  EXPECT_EQ(rule.match.prompt_bytes_max, 64 << 10);
  EXPECT_EQ(rule.constraints.at("region"), std::vector<std::string>{"eu-*"});
  EXPECT_FALSE(rule.redact_reversible);
  EXPECT_EQ(c.policy.rules[0].match.data_class_min, "secret");

  EXPECT_EQ(c.budgets.timezone, "Europe/Berlin");
  ASSERT_EQ(c.budgets.budgets.size(), 2u);
  EXPECT_EQ(c.budgets.budgets[0].cap, UsdMicros(2'500'000));
  EXPECT_EQ(c.budgets.budgets[0].window, BudgetWindow::kDaily);
  EXPECT_EQ(c.budgets.budgets[1].scope, BudgetScope::kOrg);
  EXPECT_EQ(c.budgets.budgets[1].at_cap, AtCapAction::kDegradeLocal);
  EXPECT_FALSE(c.budgets.budgets[1].hard);
  EXPECT_EQ(c.consent.max_grant_duration, Micros(7LL * 86'400'000'000));
  EXPECT_EQ(c.consent.pregrants[0].data_class_max, "internal");

  EXPECT_EQ(c.audit.content_capture, ContentCapture::kEncrypted);
  EXPECT_EQ(c.audit.encryption_key.Reveal(), std::string(64, 'a'));
  EXPECT_EQ(c.audit.group_commit_interval, Micros(2'000));
  EXPECT_EQ(c.audit.segment_max_bytes, 16 << 20);
  EXPECT_FALSE(c.audit.local_on_failure);
}

TEST(SecretTest, FileReferenceStripsTrailingNewline) {
  TempDir dir;
  const std::string key = dir.Write("key", "sk-from-file\n", 0600);
  StatusOr<Config> c = LoadConfigFromString(
      "adapters:\n  - {name: a, type: anthropic, model: m, api_key: \"file:" + key + "\"}\n",
      "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->adapters[0].api_key.Reveal(), "sk-from-file");
  EXPECT_EQ(c->adapters[0].base_url, "https://api.anthropic.com");
}

TEST(SecretTest, LiteralIsAccepted) {
  StatusOr<Config> c = LoadConfigFromString(
      "identity:\n  tokens:\n    - {name: t, token: literal-test-token}\n", "t.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->identity.tokens[0].token.Reveal(), "literal-test-token");
}

TEST(LoadFileTest, ReadsAFile) {
  TempDir dir;
  const std::string p = dir.Write("gw.yaml", "logging: {format: json}\n", 0644);
  StatusOr<Config> c = LoadConfigFile(p);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->source, p);
  EXPECT_EQ(c->logging.format, "json");
}

TEST(LoadFileTest, MissingFileIsNotFound) {
  TempDir dir;
  const std::string p = dir.path() + "/absent.yaml";
  StatusOr<Config> c = LoadConfigFile(p);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(testing::Msg(c.status()), p + ": cannot read: No such file or directory");
}

TEST(LoadFileTest, UnreadableFileIsPermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: file permissions do not apply";
  TempDir dir;
  const std::string p = dir.Write("gw.yaml", "{}\n", 0000);
  StatusOr<Config> c = LoadConfigFile(p);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(testing::Msg(c.status()), p + ": cannot read: Permission denied");
}

TEST(LoadFileTest, DirectoryIsRejected) {
  TempDir dir;
  StatusOr<Config> c = LoadConfigFile(dir.path());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(testing::Msg(c.status()), dir.path() + ": cannot read: Is a directory");
}

TEST(LoadFileTest, ErrorsNameTheFile) {
  TempDir dir;
  const std::string p = dir.Write("gw.yaml", "engine:\n  threads: -1\n");
  StatusOr<Config> c = LoadConfigFile(p);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(testing::Msg(c.status()), p + ":2:12: engine.threads: -1 out of range 0..1024");
}

}  // namespace
}  // namespace gw::config
