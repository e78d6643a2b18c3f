// The tamper-evident audit log: typed records, content capture, the writer, recovery, status.
//
// Format (docs/audit.md is the auditor's reference): one record per line, each line a JSON object
// in canonical form — keys sorted by byte order, no insignificant whitespace, integers only,
// strings escaped as RFC 8785 (JCS) does (for the ASCII keys and integer values used here the
// bytes equal JCS). Top-level keys:
//   body        object, the type's fields (below)
//   prev        hex SHA-256 of the previous line's bytes (without the newline); the very first
//               record of a log has 64 zeros
//   principal   string, who the request was for ("" for system records)
//   request_id  string ("" for system records)
//   seq         integer, 0-based, +1 per record across all segments
//   sig         optional: hex Ed25519 signature (RFC 8032, OpenSSL) over the line's canonical
//               bytes without the `sig` member. Present on the last record of every committed
//               batch, on segment headers, checkpoints and recovery records; unsigned records are
//               covered by the chain up to the next signature (see audit/README.md).
//   ts_us       integer, UTC microseconds since the Unix epoch, non-decreasing
//   type        string, one of RecordTypeName() below
// Segments are files "<dir>/audit-<first seq, 20 digits>.log"; the first line of each is a
// `segment_header` whose `prev` is the hash of the previous segment's last line.
//
// Never put prompt text, completion text or finding values in a record; pass them to
// AuditLog::CaptureContent, which returns a digest or ciphertext per AuditConfig.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/status.h"
#include "common/units.h"
#include "config/config.h"

namespace gw::audit {

enum class RecordType {
  kRequestReceived,
  kRouteDecision,
  kConsentRequested,
  kConsentGranted,
  kConsentRefused,
  kConsentRevoked,
  kEgress,
  kRedaction,
  kBudgetReserved,
  kBudgetSettled,
  kCompletion,
  kConfigLoaded,
  kConfigReloaded,
  kAdminAction,
  kFailClosed,
  // Written by the log itself.
  kSegmentHeader,
  kCheckpoint,
  kRecovery,
  kRetention,
};

// The wire name ("request_received", "route_decision", ...). Thread-safe.
std::string_view RecordTypeName(RecordType t);
// The inverse; nullopt for an unknown name.
std::optional<RecordType> RecordTypeFromName(std::string_view name);

// Captured content: exactly one of the forms, chosen by AuditConfig::content_capture.
//   digest: hex HMAC-SHA256 (RFC 2104) of the text under a per-log key, so equal texts correlate.
//   encrypted: AES-256-GCM (NIST SP 800-38D), 12-byte random nonce, 16-byte tag; base64 (RFC 4648)
//   of ciphertext||tag and hex nonce. The AAD is the literal "gw-audit-content-v1".
struct CapturedContent {
  std::string digest_hex;
  std::string ciphertext_b64;
  std::string nonce_hex;
};

// A record ready to append: its type, who/what it is about, and the canonical JSON of its body.
// Build it with the Make* functions below, never by hand. A value type.
struct AuditRecord {
  RecordType type = RecordType::kAdminAction;
  std::string request_id;
  std::string principal;
  std::string body_json;  // canonical JSON object
};

// ----- typed record builders (pure, thread-safe) ----------------------------------------------
// Text fields must be valid UTF-8; invalid bytes are replaced by U+FFFD. Money in USD micros,
// durations in microseconds, sizes in bytes.

struct RequestReceivedFields {
  std::string api;  // "grpc.Chat", "http.chat_completions", ...
  std::string app;  // calling application, as identified
  int64_t prompt_bytes = 0;
  int64_t prompt_tokens = 0;  // 0 if not counted yet
  std::vector<std::string> declared_labels;
  std::optional<CapturedContent> prompt;  // from AuditLog::CaptureContent
};
AuditRecord MakeRequestReceived(const RequestId& id, std::string_view principal,
                                const RequestReceivedFields& f);

struct RouteDecisionFields {
  std::string decision;  // "local" | "cloud" | "deny" | "consent_required" | ...
  std::string adapter;   // empty for local
  std::string region;
  std::string category;
  std::string data_class;
  std::vector<std::string> rule_ids;
  std::vector<std::string> reasons;
  std::map<std::string, int64_t> scores_ppm;  // e.g. {"complexity": 730000} (parts per million)
};
AuditRecord MakeRouteDecision(const RequestId& id, std::string_view principal,
                              const RouteDecisionFields& f);

struct ConsentFields {
  std::string ticket_id;
  std::string adapter;
  std::string region;
  std::string scope;       // "once" | "category" | "app"
  int64_t expires_us = 0;  // UTC micros, 0 if none
  UsdMicros estimated_cost{0};
  std::string reason;  // for refused/revoked
};
// `type` must be one of the four kConsent* types (GW_CHECK otherwise).
AuditRecord MakeConsent(RecordType type, const RequestId& id, std::string_view principal,
                        const ConsentFields& f);

struct EgressFields {
  std::string adapter;
  std::string host;
  std::string region;
  int64_t bytes_sent = 0;
  std::string payload_sha256_hex;  // SHA-256 of the exact bytes sent (see Sha256Hex)
  std::optional<CapturedContent> payload;
};
AuditRecord MakeEgress(const RequestId& id, std::string_view principal, const EgressFields& f);

struct RedactionFields {
  std::map<std::string, int64_t> counts_by_type;  // finding type -> count; never the values
  std::string adapter;
};
AuditRecord MakeRedaction(const RequestId& id, std::string_view principal,
                          const RedactionFields& f);

struct BudgetFields {
  std::string reservation_id;
  std::vector<std::string> budget_ids;
  UsdMicros reserved{0};
  UsdMicros actual{0};  // settlement only
  std::string outcome;  // "reserved" | "over_cap_denied" | "degraded_local" | "settled" | ...
};
// `type` must be kBudgetReserved or kBudgetSettled (GW_CHECK otherwise).
AuditRecord MakeBudget(RecordType type, const RequestId& id, std::string_view principal,
                       const BudgetFields& f);

struct CompletionFields {
  std::string status;  // canonical status code name, "OK", "UNAVAILABLE", ...
  std::string target;  // "local" | adapter name
  TokenCount tokens_in{0};
  TokenCount tokens_out{0};
  UsdMicros cost{0};
  Micros latency{0};
  std::optional<CapturedContent> completion;
};
AuditRecord MakeCompletion(const RequestId& id, std::string_view principal,
                           const CompletionFields& f);

// kConfigLoaded (reloaded=false) or kConfigReloaded. `digest` is Config::digest.
AuditRecord MakeConfigEvent(bool reloaded, std::string_view source, std::string_view digest_hex);

struct AdminActionFields {
  std::string action;  // "reload", "revoke_consent", "audit_query", ...
  std::string target;
  std::string result;  // status code name
  std::string detail;  // never a secret
};
AuditRecord MakeAdminAction(const RequestId& id, std::string_view principal,
                            const AdminActionFields& f);

// State of the daemon with respect to fail-closed ("failed" or "recovered") and why.
AuditRecord MakeFailClosed(std::string_view state, std::string_view reason);

// Lowercase hex SHA-256 (FIPS 180-4) of `bytes`. Thread-safe.
std::string Sha256Hex(std::string_view bytes);

// ----- the writer -------------------------------------------------------------------------------

struct AuditStatus {
  bool writable = true;
  std::string reason;      // why not writable ("" when writable)
  uint64_t next_seq = 0;   // seq the next record will get
  std::string head_hash;   // hash of the last line written
  std::string segment;     // current segment file name
  int64_t failures = 0;    // write failures since open
  int64_t recoveries = 0;  // successful recoveries from the failed state since open
  int64_t batches = 0;     // batches committed since open
  // Batches whose write+fdatasync took longer than group_commit_interval (the disk is too slow
  // for the configured bound).
  int64_t slow_commits = 0;
};

struct OpenOptions {
  // Used for ts_us, segment age, checkpoints and retention. Not owned; must outlive the log.
  // nullptr = SystemClock::Get().
  const Clock* clock = nullptr;
  // How often the writer retries after a write failure (monotonic micros).
  Micros retry_interval = Micros(1'000'000);
  // Pending records beyond which Append blocks its caller (back-pressure).
  size_t max_pending = 1 << 16;
};

// The append-only writer for one audit directory.
//
// Layout of `dir` (created 0700 if missing): segment files, and keys/ (0700) holding
// ed25519.pem (private key, PKCS#8 PEM, 0600), ed25519.pub.pem (public key, SPKI PEM) and
// content_hmac.key (32 random bytes, 0600). A key file readable by group or others is refused.
//
// One writer thread owns the file: records queued by Append are written and fdatasync'd in
// batches (group commit: a batch starts as soon as the previous one is durable, so a record is
// durable within two commit times; AuditStatus::slow_commits counts commits slower than
// group_commit_interval), and the last record of each batch is signed. Checkpoints are written
// every checkpoint_interval, segments rotate by segment_max_bytes / segment_max_age, and segments
// whose last record is older than retention_days are deleted (a `retention` record names them).
//
// Fail closed: when a write or fsync fails (ENOSPC, EACCES, EIO, EFBIG, ...) the batch is rolled
// back (file truncated to its last durable size), every pending and later Append* fails with
// UNAVAILABLE "audit log unwritable: <reason>" and Health() reports it; the writer retries every
// retry_interval (or on RetryNow()) and on success appends a `fail_closed` "recovered" record.
//
// Thread-safety: all methods are thread-safe. Destruction drains pending records first.
class AuditLog {
 public:
  // Opens (creating if needed) the log in `dir` (or config.dir). Recovery: a torn last line is
  // truncated; the tail segment's chain, seq and last signature are checked; if anything was
  // truncated or records after the last signature were found, a `recovery` record saying so is
  // appended durably. Errors: INVALID_ARGUMENT (no dir, bad encryption_key), PERMISSION_DENIED
  // (key file readable by group/others, or unreadable), DATA_LOSS (tail of the chain broken:
  // "<segment>:<line>: <why>"; run `gatewayctl audit verify`), UNAVAILABLE (I/O error).
  static StatusOr<std::unique_ptr<AuditLog>> Open(const config::AuditConfig& config,
                                                  OpenOptions options = {});

  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  using AckCallback = std::function<void(StatusOr<uint64_t> seq)>;

  // Group-committed append. The future (or callback, run on the writer thread; keep it short)
  // yields the record's seq once it is on disk, or UNAVAILABLE "audit log unwritable: ..." if it
  // could not be written (the record is then not in the log). Fails immediately with UNAVAILABLE
  // when the log is in the failed state or closing. May block while max_pending are queued.
  std::future<StatusOr<uint64_t>> Append(const AuditRecord& record);
  void Append(const AuditRecord& record, AckCallback done);

  // Write-ahead append: returns only after the record's line is written and fdatasync'd.
  // Use for egress records, before the first byte goes to the provider. Same errors as Append.
  StatusOr<uint64_t> AppendDurable(const AuditRecord& record);

  // Blocks until every record queued before the call is durable (or failed). Thread-safe.
  Status Flush();

  // Health for Admin.Status and for the router's fail-closed check.
  AuditStatus Health() const;
  bool Writable() const { return Health().writable; }

  // Asks the writer to retry now if in the failed state; returns the resulting health error
  // (OK if writable).
  Status RetryNow();

  // Captures content per config: nullopt for kNone, an HMAC digest for kDigest, ciphertext for
  // kEncrypted. Errors: INTERNAL if OpenSSL fails. Never logs `text`.
  StatusOr<std::optional<CapturedContent>> CaptureContent(std::string_view text) const;

  // The public key as PEM (SubjectPublicKeyInfo, RFC 8410), for offline verification.
  const std::string& PublicKeyPem() const;
  const std::string& dir() const;

  class Impl;

 private:
  explicit AuditLog(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The default audit directory: $XDG_STATE_HOME/gatewayd/audit, else /var/lib/gatewayd/audit.
std::string DefaultAuditDir();

}  // namespace gw::audit
