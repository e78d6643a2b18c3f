// One exact-message test per config error class (table-driven), plus the error classes that
// need files or environment variables. Messages are "<file>:<line>:<col>: <key.path>: <message>".
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "tests/config/test_util.h"

namespace gw::config {
namespace {

using testing::ScopedEnv;
using testing::TempDir;

struct ErrorCase {
  const char* name;
  const char* yaml;
  const char* message;
};

// An adapter that passes validation, for cases about references to it.
#define GW_ADAPTER "adapters:\n  - {name: oa, type: openai, model: m, api_key: k}\n"

const ErrorCase kCases[] = {
    // YAML syntax.
    {"syntax_unclosed_flow", "server: [\n",
     "t.yaml:2:1: YAML syntax error: end of sequence flow not found"},
    {"syntax_bad_indent", "server:\n  tcp: {}\n bad: 1\n",
     "t.yaml:3:2: YAML syntax error: end of map not found"},
    // Found by config_fuzz: yaml-cpp's LoadAll looped forever on this input.
    {"fuzz_regression_loadall_loop", ",-8 !!bIn!ry \" defau",
     "t.yaml:1:1: expected one YAML document, found a second one here"},
    {"two_documents", "logging: {}\n---\nlogging: {}\n",
     "t.yaml:2:1: expected one YAML document, found a second one here"},
    // Unknown keys.
    {"unknown_key_suggests", "server:\n  unix_sockt: {}\n",
     "t.yaml:2:3: server.unix_sockt: unknown key; did you mean \"unix_socket\"?"},
    {"unknown_key_lists_allowed", "logging:\n  colour: red\n",
     "t.yaml:2:3: logging.colour: unknown key; allowed keys: format, level"},
    {"unknown_top_level_key", "polcy: {}\n",
     "t.yaml:1:1: polcy: unknown key; did you mean \"policy\"?"},
    {"duplicate_key", "logging:\n  level: info\n  level: warn\n",
     "t.yaml:3:3: logging.level: duplicate key (first at line 2)"},
    {"non_string_key", "logging:\n  [a]: b\n",
     "t.yaml:2:3: logging: expected a string key, got a sequence"},
    // Wrong types.
    {"not_a_mapping_top", "- a\n", "t.yaml:1:1: expected a mapping, got a sequence"},
    {"not_a_mapping", "server: 5\n", "t.yaml:1:9: server: expected a mapping, got a scalar"},
    {"not_a_sequence", "adapters: {}\n",
     "t.yaml:1:11: adapters: expected a sequence, got a mapping"},
    {"not_a_string", "engine:\n  model_path: [a]\n",
     "t.yaml:2:15: engine.model_path: expected a string, got a sequence"},
    {"null_string", "engine:\n  model_path:\n",
     "t.yaml:2:3: engine.model_path: expected a string, got null"},
    {"not_an_int", "engine:\n  threads: four\n",
     "t.yaml:2:12: engine.threads: expected an integer, got \"four\""},
    {"quoted_int", "engine:\n  threads: \"4\"\n",
     "t.yaml:2:12: engine.threads: expected an integer, got \"4\""},
    {"not_a_bool", "audit:\n  enabled: yes\n",
     "t.yaml:2:12: audit.enabled: expected a bool (true or false), got \"yes\""},
    {"not_a_number", "classifier:\n  complexity_threshold: high\n",
     "t.yaml:2:25: classifier.complexity_threshold: expected a number, got \"high\""},
    {"not_a_string_list", "identity:\n  admin_users: root\n",
     "t.yaml:2:16: identity.admin_users: expected a sequence of strings, got a scalar"},
    // Bad enum values.
    {"bad_action", "policy:\n  rules:\n    - id: r\n      action: maybe\n",
     "t.yaml:4:15: policy.rules[0].action: bad value \"maybe\"; allowed: local_only, "
     "allow_cloud, redact_then_cloud, deny"},
    {"bad_scope", "budgets:\n  budgets:\n    - {id: b, scope: team, cap: 1}\n",
     "t.yaml:3:22: budgets.budgets[0].scope: bad value \"team\"; allowed: user, group, org"},
    {"bad_window", "budgets:\n  budgets:\n    - {id: b, scope: org, window: weekly, cap: 1}\n",
     "t.yaml:3:35: budgets.budgets[0].window: bad value \"weekly\"; allowed: daily, monthly"},
    {"bad_at_cap", "budgets:\n  budgets:\n    - {id: b, scope: org, cap: 1, at_cap: queue}\n",
     "t.yaml:3:43: budgets.budgets[0].at_cap: bad value \"queue\"; allowed: deny, degrade_local"},
    {"bad_capture", "audit:\n  content_capture: full\n",
     "t.yaml:2:20: audit.content_capture: bad value \"full\"; allowed: none, digest, encrypted"},
    {"bad_log_level", "logging:\n  level: loud\n",
     "t.yaml:2:10: logging.level: bad value \"loud\"; allowed: trace, debug, info, warn, error, "
     "off"},
    {"bad_adapter_type", "adapters:\n  - {name: a, type: openia, model: m}\n",
     "t.yaml:2:21: adapters[0].type: bad value \"openia\"; allowed: openai, anthropic, "
     "azure_openai, gemini, openai_compatible"},
    {"bad_builtin_detector", "policy:\n  detectors:\n    builtin: [email, passport]\n",
     "t.yaml:3:22: policy.detectors.builtin[1]: unknown built-in detector \"passport\"; allowed: "
     "email, phone, credit_card, iban, us_ssn, ip_address, date_of_birth, aws_key, "
     "google_api_key, github_token, slack_token, openai_key, jwt, private_key, "
     "password_assignment"},
    // Out-of-range numbers.
    {"int_out_of_range", "engine:\n  max_concurrency: 0\n",
     "t.yaml:2:20: engine.max_concurrency: 0 out of range 1..1024"},
    {"int_overflow", "engine:\n  threads: 99999999999999999999\n",
     "t.yaml:2:12: engine.threads: 99999999999999999999 out of range 0..1024"},
    {"number_out_of_range", "classifier:\n  complexity_threshold: 1.5\n",
     "t.yaml:2:25: classifier.complexity_threshold: 1.5 out of range 0..1"},
    {"default_tokens_above_max", "limits:\n  max_max_tokens: 100\n  default_max_tokens: 200\n",
     "t.yaml:3:23: limits.default_max_tokens: 200 out of range 1..100"},
    {"default_tokens_above_lowered_max", "limits:\n  max_max_tokens: 100\n",
     "t.yaml:2:3: limits.default_max_tokens: 512 exceeds max_max_tokens 100"},
    {"duration_out_of_range", "server:\n  drain_timeout: 2h\n",
     "t.yaml:2:18: server.drain_timeout: 2h out of range 0s..1h"},
    {"size_out_of_range", "limits:\n  max_prompt_bytes: 2GiB\n",
     "t.yaml:2:21: limits.max_prompt_bytes: 2GiB out of range 1..1073741824 bytes"},
    // Bad duration / size / money.
    {"bad_duration", "server:\n  drain_timeout: 10\n",
     "t.yaml:2:18: server.drain_timeout: bad duration \"10\": expected an integer with a unit "
     "us, ms, s, m, h or d (e.g. \"250ms\")"},
    {"bad_size", "limits:\n  max_prompt_bytes: 4MB\n",
     "t.yaml:2:21: limits.max_prompt_bytes: bad size \"4MB\": expected a byte count or an "
     "integer with KiB, MiB, GiB or TiB (e.g. \"4MiB\")"},
    {"bad_money_exponent", "budgets:\n  budgets:\n    - {id: b, scope: org, cap: 1e3}\n",
     "t.yaml:3:32: budgets.budgets[0].cap: bad amount \"1e3\": expected a non-negative decimal "
     "number of USD (e.g. \"2.50\")"},
    {"bad_money_precision", "budgets:\n  budgets:\n    - {id: b, scope: org, cap: \"0.0000001\"}\n",
     "t.yaml:3:32: budgets.budgets[0].cap: bad amount \"0.0000001\": more than 6 decimal "
     "places (1 micro-dollar)"},
    {"bad_money_pricing",
     "adapters:\n  - name: a\n    type: openai\n    model: m\n    api_key: k\n"
     "    pricing: {input_per_mtok: -1}\n",
     "t.yaml:6:31: adapters[0].pricing.input_per_mtok: bad amount \"-1\": expected a "
     "non-negative decimal number of USD (e.g. \"2.50\")"},
    // Octal mode.
    {"bad_mode", "server:\n  unix_socket:\n    mode: \"0999\"\n",
     "t.yaml:3:11: server.unix_socket.mode: bad mode \"0999\": expected an octal string like "
     "\"0660\""},
    // Missing required fields.
    {"missing_adapter_name", "adapters:\n  - type: openai\n",
     "t.yaml:2:5: adapters[0].name: missing required field"},
    {"missing_adapter_model", "adapters:\n  - {name: a, type: openai, api_key: k}\n",
     "t.yaml:2:5: adapters[0].model: missing required field"},
    {"missing_api_key", "adapters:\n  - {name: a, type: gemini, model: m}\n",
     "t.yaml:2:5: adapters[0].api_key: missing required field"},
    {"missing_azure_deployment",
     "adapters:\n  - {name: a, type: azure_openai, api_key: k, base_url: 'https://x'}\n",
     "t.yaml:2:5: adapters[0].deployment: missing required field"},
    {"missing_rule_action", "policy:\n  rules:\n    - id: r\n",
     "t.yaml:3:7: policy.rules[0].action: missing required field"},
    {"missing_budget_cap", "budgets:\n  budgets:\n    - {id: b, scope: org}\n",
     "t.yaml:3:7: budgets.budgets[0].cap: missing required field"},
    {"missing_budget_subject", "budgets:\n  budgets:\n    - {id: b, scope: user, cap: 1}\n",
     "t.yaml:3:7: budgets.budgets[0].subject: missing required field"},
    {"missing_tls_key", "server:\n  tcp:\n    tls: {cert_file: c.pem}\n",
     "t.yaml:3:10: server.tcp.tls.key_file: missing required field"},
    {"missing_encryption_key", "audit:\n  content_capture: encrypted\n",
     "t.yaml:2:3: audit.encryption_key: missing required field"},
    {"empty_required_string", "adapters:\n  - {name: '', type: openai}\n",
     "t.yaml:2:12: adapters[0].name: must not be empty"},
    // Duplicate names.
    {"duplicate_adapter",
     "adapters:\n  - {name: a, type: openai, model: m, api_key: k}\n"
     "  - {name: a, type: openai, model: m, api_key: k}\n",
     "t.yaml:3:12: adapters[1].name: duplicate name \"a\" (first at line 2)"},
    {"duplicate_rule",
     "policy:\n  rules:\n    - {id: r, action: deny}\n    - {id: r, action: local_only}\n",
     "t.yaml:4:12: policy.rules[1].id: duplicate name \"r\" (first at line 3)"},
    {"duplicate_budget",
     "budgets:\n  budgets:\n    - {id: b, scope: org, cap: 1}\n    - {id: b, scope: org, cap: 2}\n",
     "t.yaml:4:12: budgets.budgets[1].id: duplicate name \"b\" (first at line 3)"},
    {"duplicate_token_name",
     "identity:\n  tokens:\n    - {name: t, token: x1}\n    - {name: t, token: x2}\n",
     "t.yaml:4:14: identity.tokens[1].name: duplicate name \"t\" (first at line 3)"},
    {"duplicate_token_value",
     "identity:\n  tokens:\n    - {name: t1, token: same}\n    - {name: t2, token: same}\n",
     "t.yaml:4:25: identity.tokens[1].token: same token as identity.tokens[0]"},
    {"duplicate_detector_id",
     "policy:\n  detectors:\n    regexes:\n"
     "      - {id: d, pattern: x, finding_type: X, data_class: public}\n"
     "    dictionaries:\n      - {id: d, terms: [y], finding_type: Y, data_class: public}\n",
     "t.yaml:6:14: policy.detectors.dictionaries[0].id: duplicate name \"d\" (first at line 4)"},
    // References to unknown adapters and data classes.
    {"rule_unknown_adapter",
     GW_ADAPTER "policy:\n  rules:\n    - {id: r, action: allow_cloud, adapters: [oa, ob]}\n",
     "t.yaml:5:51: policy.rules[0].adapters[1]: unknown adapter \"ob\" (known: oa)"},
    {"fallback_unknown_adapter",
     "adapters:\n  - {name: oa, type: openai, model: m, api_key: k, fallback: [nope]}\n",
     "t.yaml:2:63: adapters[0].fallback[0]: unknown adapter \"nope\" (known: oa)"},
    {"fallback_to_itself",
     "adapters:\n  - {name: oa, type: openai, model: m, api_key: k, fallback: [oa]}\n",
     "t.yaml:2:63: adapters[0].fallback[0]: an adapter cannot fall back to itself"},
    {"pregrant_unknown_adapter",
     "consent:\n  pregrants:\n    - {groups: [g], adapters: [x], data_class_max: public}\n",
     "t.yaml:3:32: consent.pregrants[0].adapters[0]: unknown adapter \"x\" (known: none)"},
    {"pregrant_unknown_class",
     "consent:\n  pregrants:\n    - {groups: [g], data_class_max: topsecret}\n",
     "t.yaml:3:37: consent.pregrants[0].data_class_max: unknown data class \"topsecret\" (known: "
     "public, internal, confidential, restricted)"},
    {"rule_unknown_class",
     "policy:\n  rules:\n    - {id: r, action: deny, match: {data_class_min: secret}}\n",
     "t.yaml:3:53: policy.rules[0].match.data_class_min: unknown data class \"secret\" (known: "
     "public, internal, confidential, restricted)"},
    {"default_class_unknown", "policy:\n  data_classes: [low, high]\n  default_class: public\n",
     "t.yaml:3:18: policy.default_class: unknown data class \"public\" (known: low, high)"},
    {"builtin_class_unknown", "policy:\n  detectors:\n    builtin_classes: {email: pii}\n",
     "t.yaml:3:30: policy.detectors.builtin_classes.email: unknown data class \"pii\" (known: "
     "public, internal, confidential, restricted)"},
    {"duplicate_data_class", "policy:\n  data_classes: [a, b, a]\n",
     "t.yaml:2:24: policy.data_classes[2]: duplicate name \"a\" (first at line 2)"},
    // Policy without a catch-all default rule.
    {"policy_without_default_rule",
     "policy:\n  enabled: true\n  rules:\n    - {id: r, action: deny, match: {apps: [x]}}\n",
     "t.yaml:4:7: policy.rules[0]: the last rule must match everything (empty match) so every "
     "request gets a decision"},
    {"policy_without_rules", "policy:\n  enabled: true\n",
     "t.yaml:2:3: policy.rules: policy is enabled but has no rules; the last rule must match "
     "everything (empty match)"},
    {"consent_on_local_rule",
     "policy:\n  rules:\n    - {id: r, action: local_only, require_consent: true}\n",
     "t.yaml:3:52: policy.rules[0].require_consent: require_consent applies only to "
     "allow_cloud and redact_then_cloud"},
    // Invalid RE2 pattern: the message comes from RE2; the position is the pattern's.
    {"invalid_regex",
     "policy:\n  detectors:\n    regexes:\n      - id: r\n        pattern: 'PRJ-(\\d+'\n"
     "        finding_type: P\n        data_class: public\n",
     "t.yaml:5:18: policy.detectors.regexes[0].pattern: invalid RE2 pattern: missing ): "
     "PRJ-(\\d+"},
    // TCP listener.
    {"tcp_not_host_port", "server:\n  tcp: {address: localhost}\n",
     "t.yaml:2:18: server.tcp.address: expected host:port (e.g. \"127.0.0.1:7443\" or "
     "\"[::1]:7443\"), got \"localhost\""},
    {"tcp_port_range", "server:\n  tcp: {address: \"127.0.0.1:70000\"}\n",
     "t.yaml:2:18: server.tcp.address: port 70000 out of range 0..65535"},
    {"tcp_public_without_tls", "server:\n  tcp: {enabled: true, address: \"0.0.0.0:7443\"}\n",
     "t.yaml:2:33: server.tcp.address: non-loopback address \"0.0.0.0:7443\" requires "
     "server.tcp.tls"},
    {"tcp_client_cert_without_ca",
     "server:\n  tcp:\n    tls: {cert_file: c, key_file: k, require_client_cert: true}\n",
     "t.yaml:3:59: server.tcp.tls.require_client_cert: require_client_cert needs "
     "client_ca_file"},
    {"no_listener", "server:\n  unix_socket: {enabled: false}\n",
     "t.yaml:2:3: server: no listener enabled; enable server.unix_socket or server.tcp"},
    // Secrets: shape errors that need no environment (the value never appears).
    {"bad_encryption_key", "audit:\n  content_capture: encrypted\n  encryption_key: abc123\n",
     "t.yaml:3:19: audit.encryption_key: expected 64 hex digits (a 32-byte AES-256 key), got 6 "
     "characters"},
    {"malformed_env_reference", "identity:\n  tokens:\n    - {name: t, token: \"${A-B}\"}\n",
     "t.yaml:3:24: identity.tokens[0].token: malformed environment reference; expected ${NAME}"},
};

class ConfigErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrorTest, ExactMessage) {
  const ErrorCase& c = GetParam();
  StatusOr<Config> r = LoadConfigFromString(c.yaml, "t.yaml");
  ASSERT_FALSE(r.ok()) << c.name;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
  EXPECT_EQ(testing::Msg(r.status()), c.message) << c.name;
}

INSTANTIATE_TEST_SUITE_P(AllClasses, ConfigErrorTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<ErrorCase>& i) {
                           return std::string(i.param.name);
                         });

TEST(SecretErrorTest, UnsetEnvironmentVariable) {
  ScopedEnv unset("GW_CONFIG_TEST_UNSET", std::nullopt);
  StatusOr<Config> r = LoadConfigFromString(
      "adapters:\n  - {name: a, type: openai, model: m, api_key: \"${GW_CONFIG_TEST_UNSET}\"}\n",
      "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(testing::Msg(r.status()),
            "t.yaml:2:48: adapters[0].api_key: environment variable GW_CONFIG_TEST_UNSET is not "
            "set");
}

TEST(SecretErrorTest, EmptyEnvironmentVariable) {
  ScopedEnv empty("GW_CONFIG_TEST_EMPTY", "");
  StatusOr<Config> r = LoadConfigFromString(
      "identity:\n  tokens:\n    - {name: t, token: \"${GW_CONFIG_TEST_EMPTY}\"}\n", "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(testing::Msg(r.status()),
            "t.yaml:3:24: identity.tokens[0].token: environment variable GW_CONFIG_TEST_EMPTY is "
            "empty");
}

TEST(SecretErrorTest, UnreadableSecretFile) {
  TempDir dir;
  const std::string p = dir.path() + "/absent";
  StatusOr<Config> r = LoadConfigFromString(
      "identity:\n  tokens:\n    - {name: t, token: \"file:" + p + "\"}\n", "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(testing::Msg(r.status()),
            "t.yaml:3:24: identity.tokens[0].token: cannot read secret "
            "file \"" +
                p + "\": No such file or directory");
}

TEST(SecretErrorTest, GroupReadableSecretFileIsRefusedWithoutLeakingIt) {
  TempDir dir;
  const std::string p = dir.Write("key", "sk-very-secret-value\n", 0640);
  StatusOr<Config> r = LoadConfigFromString(
      "adapters:\n  - {name: a, type: openai, model: m, api_key: \"file:" + p + "\"}\n", "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(testing::Msg(r.status()), "t.yaml:2:48: adapters[0].api_key: secret file \"" + p +
                                          "\" is accessible by group or others (mode 0640); "
                                          "chmod 600 it");
  EXPECT_EQ(testing::Msg(r.status()).find("sk-very-secret"), std::string::npos);
}

TEST(SecretErrorTest, OtherReadableSecretFileIsRefused) {
  TempDir dir;
  const std::string p = dir.Write("key", "k", 0604);
  StatusOr<Config> r =
      LoadConfigFromString("audit:\n  encryption_key: \"file:" + p + "\"\n", "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(testing::Msg(r.status()), "t.yaml:2:19: audit.encryption_key: secret file \"" + p +
                                          "\" is accessible by group or others (mode 0604); "
                                          "chmod 600 it");
}

TEST(SecretErrorTest, WrongLengthKeyFromEnvironmentIsNotEchoed) {
  ScopedEnv key("GW_CONFIG_TEST_AUDIT_KEY", "not-hex-secret-material");
  StatusOr<Config> r = LoadConfigFromString(
      "audit:\n  content_capture: encrypted\n  encryption_key: ${GW_CONFIG_TEST_AUDIT_KEY}\n",
      "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(testing::Msg(r.status()),
            "t.yaml:3:19: audit.encryption_key: expected 64 hex digits (a 32-byte AES-256 key), "
            "got 23 characters");
}

TEST(ErrorTest, LongValuesAreTruncatedAndEscaped) {
  const std::string value = std::string(100, 'x') + "\x01";
  StatusOr<Config> r = LoadConfigFromString("logging:\n  level: \"" + value + "\"\n", "t.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(testing::Msg(r.status()), "t.yaml:2:10: logging.level: bad value \"" +
                                          std::string(64, 'x') +
                                          "...\"; allowed: trace, debug, info, warn, error, off");
}

}  // namespace
}  // namespace gw::config
