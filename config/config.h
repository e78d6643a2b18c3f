// The gatewayd configuration: typed option structs, defaults, and the strict YAML loader.
//
// Only this module touches YAML (CONVENTIONS.md). Other modules take `const FooConfig&`.
//
// YAML conventions (every key, default and error class for administrators: docs/config.md;
// annotated examples: config/examples/):
//  - Durations are strings with a unit: "250ms", "10s", "5m", "24h", "30d" (integer count).
//  - Sizes are integers (bytes) or strings with a binary unit: "512KiB", "4MiB", "1GiB".
//  - Money is a decimal string or number in USD, held exactly as micro-dollars
//    ("2.50" → 2,500,000); more than 6 decimals is an error. Never a float internally.
//  - Secrets (tokens, API keys, encryption keys) are written as "${ENV_VAR}" (read from the
//    environment at load time; unset is an error) or "file:/path" (file contents, trailing
//    newline stripped; a file readable by group or others is refused). A literal secret in the
//    file is allowed only where documented (tests) and logged as a warning.
//  - Unknown keys, wrong types and bad values are errors.
//
// Errors: every load error is INVALID_ARGUMENT with the message
//   "<file>:<line>:<col>: <key.path>: <message>"      e.g.
//   "gw.yaml:12:5: server.tcp.address: port 99999 out of range 0..65535"
// (line and column are 1-based and point at the offending key or value; a missing required
// field points at the mapping that lacks it). A YAML syntax error has no key path:
//   "gw.yaml:3:1: YAML syntax error: end of map not found"
// A file that cannot be read gives NOT_FOUND or PERMISSION_DENIED (other errno values map as
// absl::ErrnoToStatusCode does) with "<file>: cannot read: <strerror>". The full list of error
// classes and keys is in docs/config.md. No error message contains a secret's value.
//
// Thread-safety: Config is an immutable value once loaded; share it as
// std::shared_ptr<const Config>. The loader functions are thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/secret.h"
#include "common/status.h"
#include "common/units.h"

namespace gw::config {

// ----- server --------------------------------------------------------------------------------

struct UnixSocketConfig {
  bool enabled = true;
  // Socket path. Empty = "$XDG_RUNTIME_DIR/gatewayd/gatewayd.sock" if XDG_RUNTIME_DIR is set,
  // else "/run/gatewayd/gatewayd.sock". Resolved by the daemon, not here.
  std::string path;
  uint32_t mode = 0660;  // YAML: octal string "0660"
  std::string group;     // group owner of the socket; empty = the daemon's primary group
};

struct TlsConfig {
  std::string cert_file;             // PEM server certificate chain
  std::string key_file;              // PEM private key (must not be group/other readable)
  std::string client_ca_file;        // PEM CA bundle for client certificates; empty = no mTLS
  bool require_client_cert = false;  // true = mTLS mandatory (needs client_ca_file)
};

struct TcpConfig {
  bool enabled = false;
  // "host:port". Loopback by default. A non-loopback address requires `tls` (the daemon refuses
  // to start otherwise). Port 0 = pick a free port (tests).
  std::string address = "127.0.0.1:7443";
  std::optional<TlsConfig> tls;
};

struct ServerConfig {
  UnixSocketConfig unix_socket;
  TcpConfig tcp;
  // State directory. Empty = "$XDG_STATE_HOME/gatewayd" if set, else "/var/lib/gatewayd".
  // Must be owned by the daemon's user and not writable by group or others.
  std::string state_dir;
  Micros drain_timeout = Micros(10'000'000);    // SIGTERM: max wait for in-flight streams
  int64_t max_receive_message_bytes = 4 << 20;  // gRPC max inbound message size
};

// ----- logging -------------------------------------------------------------------------------

struct LoggingConfig {
  std::string format = "text";  // "text" | "json"
  std::string level = "info";   // trace | debug | info | warn | error | off
};

// ----- identity ------------------------------------------------------------------------------

struct TokenConfig {
  std::string name;  // the principal's name, e.g. "ci-bot"
  Secret token;      // bearer token presented in `authorization: Bearer <token>`
  std::vector<std::string> groups;
  bool admin = false;
};

struct IdentityConfig {
  std::vector<std::string> admin_users;   // principals with the admin role (e.g. "root")
  std::vector<std::string> admin_groups;  // any member is admin (e.g. "gatewayd-admin")
  std::vector<TokenConfig> tokens;
  // mTLS: which certificate field names the principal: "common_name" or "san" (first DNS/URI
  // subject alternative name).
  std::string mtls_principal_from = "common_name";
};

// ----- limits --------------------------------------------------------------------------------

struct LimitsConfig {
  int64_t max_concurrent_streams_per_principal = 16;  // RESOURCE_EXHAUSTED beyond
  int64_t max_request_bytes = 1 << 20;   // serialized ChatRequest size; INVALID_ARGUMENT beyond
  int64_t max_prompt_bytes = 256 << 10;  // sum of message contents; INVALID_ARGUMENT beyond
  int64_t max_messages = 256;
  int64_t default_max_tokens = 512;  // used when a request leaves max_tokens at 0
  int64_t max_max_tokens = 8192;     // upper bound for a request's max_tokens
};

// ----- engine and classifier -----------------------------------------------------------------

struct EngineConfig {
  std::string model_path;       // GGUF file of the local model; empty = no local model
  std::string model_name;       // name shown in decisions; empty = file stem
  int64_t threads = 0;          // 0 = available cores
  int64_t context_length = 0;   // tokens; 0 = the model's own
  int64_t max_concurrency = 1;  // generations running at once
  int64_t max_queue_depth = 8;  // queued beyond that → UNAVAILABLE (router may fall back)
};

struct ClassifierConfig {
  std::string model_path;             // GGUF classifier; empty = the bundled default model
  double complexity_threshold = 0.5;  // complexity >= threshold → complex (cloud candidate)
  int64_t local_queue_threshold = 4;  // local queue depth above which cloud is preferred
};

// ----- policy --------------------------------------------------------------------------------

struct CustomRegexConfig {
  std::string id;            // detector id used in rules, e.g. "project-codes"
  std::string pattern;       // RE2 syntax; compiled at load, an invalid one is a config error
  std::string finding_type;  // e.g. "PROJECT_CODE"
  std::string data_class;    // class of a finding
  int line = 0;              // where it was written (for later validation messages)
};

struct DictionaryConfig {
  std::string id;
  std::vector<std::string> terms;  // inline terms
  std::string terms_file;          // one term per line (UTF-8); merged with `terms`
  std::string finding_type;
  std::string data_class;
  bool case_sensitive = false;
  int line = 0;
};

struct DetectorsConfig {
  // Built-in detectors to run ("email", "phone", "credit_card", "iban", "us_ssn", "ip_address",
  // "date_of_birth", "aws_key", "google_api_key", "github_token", "slack_token", "openai_key",
  // "jwt", "private_key", "password_assignment"); empty list with `builtin_all` = all.
  bool builtin_all = true;
  std::vector<std::string> builtin;
  // Data class of each built-in finding type, e.g. {"credit_card": "restricted"}.
  std::map<std::string, std::string> builtin_classes;
  std::vector<CustomRegexConfig> regexes;
  std::vector<DictionaryConfig> dictionaries;
};

enum class RuleAction { kLocalOnly, kAllowCloud, kRedactThenCloud, kDeny };

struct RuleMatch {
  std::vector<std::string> principals;        // any of; empty = any
  std::vector<std::string> groups;            // any of
  std::vector<std::string> apps;              // app ids, any of
  std::vector<std::string> categories;        // task categories, any of
  std::optional<double> complexity_min;       // inclusive
  std::optional<double> complexity_max;       // exclusive
  std::optional<std::string> data_class_min;  // request class >= this
  std::optional<std::string> data_class_max;  // request class <= this
  std::vector<std::string> finding_types;     // any finding of these types
  std::optional<int64_t> prompt_bytes_min;
  std::optional<int64_t> prompt_bytes_max;
};

struct RuleConfig {
  std::string id;
  std::string description;
  RuleMatch match;  // empty match = matches everything (the default rule)
  RuleAction action = RuleAction::kLocalOnly;
  bool require_consent = false;       // combinable with allow_cloud / redact_then_cloud
  std::vector<std::string> adapters;  // allowed adapters (names); empty = any that fit
  // Attribute constraints on adapters: attribute → glob patterns, e.g. {"region": ["eu-*"]}.
  std::map<std::string, std::vector<std::string>> constraints;
  bool redact_reversible = true;  // restore placeholders in the answer
  int line = 0;
};

struct PolicyConfig {
  bool enabled = false;  // no policy = local only (fail closed)
  std::vector<std::string> data_classes = {"public", "internal", "confidential", "restricted"};
  std::string default_class = "public";
  DetectorsConfig detectors;
  std::vector<RuleConfig> rules;  // ordered; the last must match everything (default rule)
};

// ----- adapters ------------------------------------------------------------------------------

struct PricingConfig {
  UsdMicros input_per_mtok;  // USD per million input tokens, as micro-dollars
  UsdMicros output_per_mtok;
  UsdMicros cached_input_per_mtok;  // where the provider bills cached input differently
};

struct AdapterTimeouts {
  Micros connect = Micros(5'000'000);
  Micros first_byte = Micros(30'000'000);
  Micros idle = Micros(30'000'000);  // max gap between stream chunks
  Micros total = Micros(300'000'000);
};

struct AdapterConfig {
  std::string name;      // unique; used by rules, grants and decisions
  std::string type;      // "openai" | "anthropic" | "azure_openai" | "gemini" | "openai_compatible"
  std::string base_url;  // defaults per type (e.g. https://api.openai.com/v1)
  std::string model;     // provider model name
  Secret api_key;        // may be empty for openai_compatible
  std::string deployment;   // azure_openai
  std::string api_version;  // azure_openai
  // Residency attributes used by rules.
  std::string provider;      // defaults to type's provider name
  std::string region;        // e.g. "eu-west-1"
  std::string jurisdiction;  // e.g. "EU", "US"
  int64_t retention_days = 0;
  bool zero_data_retention = false;
  PricingConfig pricing;
  AdapterTimeouts timeouts;
  std::string ca_file;  // extra CA bundle
  std::string proxy;    // "http://host:port"; empty = HTTPS_PROXY/NO_PROXY from env
  int64_t max_retries = 2;
  std::vector<std::string> fallback;  // adapters to try next, in order
  int line = 0;
};

// ----- budgets -------------------------------------------------------------------------------

enum class BudgetScope { kUser, kGroup, kOrg };
enum class BudgetWindow { kDaily, kMonthly };
enum class AtCapAction { kDeny, kDegradeLocal };

struct BudgetConfig {
  std::string id;
  BudgetScope scope = BudgetScope::kUser;
  std::string subject;  // user or group name; "*" = each user/group separately; "" for org
  BudgetWindow window = BudgetWindow::kMonthly;
  UsdMicros cap;
  bool hard = true;  // soft caps warn but allow
  AtCapAction at_cap = AtCapAction::kDeny;
  int line = 0;
};

struct BudgetsConfig {
  std::string timezone = "UTC";  // IANA name; calendar windows roll over at local midnight
  Micros reservation_ttl = Micros(600'000'000);  // a crashed request's reservation expires
  std::vector<BudgetConfig> budgets;
};

// ----- consent -------------------------------------------------------------------------------

struct PregrantConfig {
  std::vector<std::string> groups;
  std::vector<std::string> categories;  // empty = any
  std::vector<std::string> adapters;    // empty = any
  std::string data_class_max;           // highest class covered
};

struct ConsentConfig {
  Micros ticket_ttl = Micros(600'000'000);  // a ticket's validity
  Micros max_grant_duration = Micros(30LL * 24 * 3600 * 1'000'000);
  std::vector<PregrantConfig> pregrants;
};

// ----- audit ---------------------------------------------------------------------------------

enum class ContentCapture { kNone, kDigest, kEncrypted };

struct AuditConfig {
  bool enabled = true;
  std::string dir;  // empty = <state_dir>/audit
  ContentCapture content_capture = ContentCapture::kDigest;
  Secret encryption_key;  // 32 bytes hex for kEncrypted (AES-256-GCM)
  Micros group_commit_interval = Micros(5'000);
  int64_t segment_max_bytes = 64 << 20;
  Micros segment_max_age = Micros(24LL * 3600 * 1'000'000);
  Micros checkpoint_interval = Micros(60'000'000);
  int64_t retention_days = 0;    // 0 = keep forever
  bool local_on_failure = true;  // keep answering locally when the log cannot be written
};

// ----- the whole file ------------------------------------------------------------------------

struct Config {
  ServerConfig server;
  LoggingConfig logging;
  IdentityConfig identity;
  LimitsConfig limits;
  EngineConfig engine;
  ClassifierConfig classifier;
  PolicyConfig policy;
  std::vector<AdapterConfig> adapters;
  BudgetsConfig budgets;
  ConsentConfig consent;
  AuditConfig audit;

  // Provenance, filled by the loader.
  std::string source;  // file path, or "<embedded default>"
  std::string digest;  // SHA-256 hex of the source bytes
};

// Parses and validates YAML text (one document; an empty document = all defaults).
// `source_name` is used in error messages and Config::source; Config::digest is the SHA-256 of
// `yaml`. Errors: INVALID_ARGUMENT as described above. Secrets are resolved here ("${VAR}" reads
// the environment, "file:" reads the file). Never throws.
StatusOr<Config> LoadConfigFromString(std::string_view yaml, std::string_view source_name);

// Reads and loads a file (at most 16 MiB; see the error contract above). Never throws.
StatusOr<Config> LoadConfigFile(const std::string& path);

// The embedded default config (config/default.yaml, compiled in): local only, no adapters, policy
// disabled, audit on with digest capture. Always valid; source "<embedded default>".
std::string_view EmbeddedDefaultYaml();
Config DefaultConfig();

// Parses "<integer><unit>" with unit us, ms, s, m, h or d ("250ms", "10s", "5m", "24h", "30d")
// into microseconds. INVALID_ARGUMENT for any other form, or when the result overflows int64.
StatusOr<Micros> ParseDuration(std::string_view s);
// Parses an integer byte count ("1048576") or an integer with a binary unit KiB, MiB, GiB or TiB
// ("512KiB", "4MiB", "1GiB") into bytes. Decimal units ("4MB") and fractions are rejected.
// INVALID_ARGUMENT otherwise (also on int64 overflow).
StatusOr<int64_t> ParseSize(std::string_view s);
// Parses a non-negative USD decimal ("2.50", "0.000015", "3") into micro-dollars exactly: at most
// 6 decimals, no sign, no exponent ("1e3" is rejected). INVALID_ARGUMENT otherwise.
StatusOr<UsdMicros> ParseUsd(std::string_view s);

}  // namespace gw::config
