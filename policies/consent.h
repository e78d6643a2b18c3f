// Consent: signed single-use tickets that say exactly what would leave the device, and the
// grants people make from them (DESIGN.md "Consent"; docs/consent-and-budgets.md).
//
// Ticket wire form (outside data: it comes back from clients):
//   base64url(payload) "." base64url(HMAC-SHA256(key, payload))      (RFC 4648 §5, RFC 2104)
// without padding. `payload` is the canonical binary encoding of ConsentTicket (EncodeTicket-
// Payload): a version byte 0x01, then the fields in declaration order; strings and the findings
// list are a 4-byte big-endian length followed by the bytes/items, integers are 8-byte
// big-endian two's complement, booleans one byte 0/1; nothing may follow the last field. The key
// is 32 random bytes in <state_dir>/consent.key (LoadOrCreateConsentKey).
//
// Refusals of a presented ticket, each with its own status and message:
//   malformed                INVALID_ARGUMENT    "consent ticket is malformed: ..."
//   forged or altered        INVALID_ARGUMENT    "consent ticket signature does not verify ..."
//   another principal's      PERMISSION_DENIED   "consent ticket was issued to another principal"
//   another request's digest PERMISSION_DENIED   "consent ticket was issued for a different ..."
//   expired                  FAILED_PRECONDITION "consent ticket expired ..."
//   replayed                 FAILED_PRECONDITION "consent ticket was already used ..."
// Every refusal is reported to the ConsentObserver (the daemon writes it to the audit log).
// Messages never contain ticket contents beyond ids and times.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "common/secret.h"
#include "common/status.h"
#include "common/units.h"
#include "config/config.h"
#include "policies/store.h"

namespace gw::policies {

struct TicketFinding {
  std::string type;   // e.g. "EMAIL"
  int64_t count = 0;  // occurrences; values are never carried
  bool operator==(const TicketFinding&) const = default;
};

// What would leave, to whom, for whom. A value type.
struct ConsentTicket {
  std::string principal;       // the principal it was issued to (Principal::Display() form)
  std::string request_digest;  // hex digest of the request, computed by the router
  std::string adapter;
  std::string provider;
  std::string region;
  std::string data_class;
  std::vector<TicketFinding> findings;
  bool redaction = false;    // findings are replaced by placeholders before egress
  UsdMicros estimated_cost;  // micro-dollars
  std::string category;      // task category from the classifier
  std::string app_id;        // the calling app
  Micros issued_at;          // µs since the Unix epoch
  Micros expires_at;         // µs since the Unix epoch
  std::string nonce;         // 32 hex chars (128 random bits); the single-use key
  bool operator==(const ConsentTicket&) const = default;
};

// Canonical payload bytes (format above). Pure; thread-safe.
std::string EncodeTicketPayload(const ConsentTicket& t);
// Parses payload bytes. INVALID_ARGUMENT "consent ticket is malformed: <what>" on a wrong
// version, a truncated field, a string over 4096 bytes, more than 256 findings, a bool other than
// 0/1, or trailing bytes. Pure; thread-safe.
StatusOr<ConsentTicket> DecodeTicketPayload(std::string_view payload);

enum class TicketRefusal {
  kMalformed,
  kForgedOrAltered,
  kWrongPrincipal,
  kWrongRequest,
  kExpired,
  kReplayed,
};
// "malformed", "forged_or_altered", "wrong_principal", "wrong_request", "expired", "replayed".
std::string_view TicketRefusalName(TicketRefusal r);

// Signs and verifies tickets with one HMAC-SHA256 key. Immutable; thread-safe.
class TicketSigner {
 public:
  // `key` must be 32 bytes (GW_CHECKed: LoadOrCreateConsentKey guarantees it).
  explicit TicketSigner(Secret key);
  // The wire form of `t`.
  std::string Sign(const ConsentTicket& t) const;
  // Checks the MAC (constant time) and decodes. INVALID_ARGUMENT: malformed (no '.', bad
  // base64url, over 16 KiB, bad payload) or "signature does not verify" (forged/altered).
  // Does not check principal, digest, expiry or replay: ConsentManager does. On error,
  // `*refusal` (nullable) says whether the ticket was malformed or forged/altered.
  StatusOr<ConsentTicket> Verify(std::string_view token, TicketRefusal* refusal = nullptr) const;

 private:
  std::string Mac(std::string_view payload) const;
  const Secret key_;
};

// Reads the 32-byte key at `path`, or creates it (mode 0600, O_EXCL, fsync) from the system
// CSPRNG if the file does not exist. Errors: PERMISSION_DENIED if the file is accessible to group
// or others, not owned by the effective uid, or not a regular file (symlinks are not followed);
// FAILED_PRECONDITION if it is not exactly 32 bytes; UNAVAILABLE for other I/O errors.
StatusOr<Secret> LoadOrCreateConsentKey(const std::string& path);

// Receives consent events (the daemon forwards them to the audit log). Called synchronously on
// the caller's thread; implementations must be thread-safe and must not call back into the
// ConsentManager.
class ConsentObserver {
 public:
  virtual ~ConsentObserver() = default;
  // `principal` is the presenter (not the ticket's claim); `status` is what the caller gets.
  virtual void OnTicketRefused(const std::string& principal, TicketRefusal reason,
                               const Status& status) = 0;
  virtual void OnGrantCreated(const GrantRecord& grant) {}
  virtual void OnGrantRevoked(const std::string& principal, const std::string& grant_id) {}
};

// The facts of one request as the consent check sees them.
struct ConsentQuery {
  std::string principal;  // Principal::Display() form
  std::vector<std::string> groups;
  std::string request_digest;
  std::string adapter;
  std::string category;
  std::string app_id;
  std::string data_class;
};

struct Coverage {
  bool covered = false;
  std::string grant_id;     // the covering grant ("" for a pre-grant or not covered)
  int pregrant_index = -1;  // index into ConsentConfig::pregrants when a pre-grant covers
};

struct GrantRequest {
  std::string token;  // the ticket's wire form
  GrantScope scope = GrantScope::kOnce;
  Micros duration;        // kCategory / kApp: how long the grant lasts (> 0); capped
  std::string principal;  // the authenticated presenter
  // When the grant is made by resubmitting the request itself: its digest. The ticket must match
  // it, and a kOnce grant is then stored already consumed (it was used by this request).
  std::string request_digest;
};

// Issues tickets and keeps grants. Thread-safe. Borrows `store` and `clock` (must outlive it);
// `observer` is nullable and borrowed.
//
// Any store error is returned as it is (UNAVAILABLE / DATA_LOSS): never "covered", never a grant.
class ConsentManager {
 public:
  ConsentManager(PolicyStore& store, Secret key, const Clock& clock, ConsentObserver* observer);

  // Installs (or, on reload, replaces) the config. `data_classes` is the policy's ordered list
  // (lowest first). INVALID_ARGUMENT if a pre-grant names an unknown data class, or if
  // ticket_ttl or max_grant_duration is not positive.
  Status SetConfig(const config::ConsentConfig& cfg, std::vector<std::string> data_classes);

  // Fills issued_at, expires_at (now + ticket_ttl) and a fresh nonce into `t` and returns it
  // with its wire form. INVALID_ARGUMENT if principal, request_digest or adapter is empty.
  struct Issued {
    ConsentTicket ticket;
    std::string token;
  };
  StatusOr<Issued> IssueTicket(ConsentTicket t) const;

  // Redeems a ticket into a grant (Consent.Grant, or ChatRequest.consent). Checks, in order:
  // signature, presenter == ticket principal, request digest (if given), expiry, then records
  // the nonce (replay). Refusals as listed at the top of this file. INVALID_ARGUMENT also for a
  // kCategory/kApp grant without a positive duration, or whose ticket has no category/app.
  // The duration is capped at max_grant_duration; a kOnce grant expires with its ticket.
  StatusOr<GrantRecord> Grant(const GrantRequest& req);

  // Whether a pre-grant or an active grant of `q.principal` covers the request: same adapter,
  // data class at most the grant's, and kOnce: same digest / kCategory: same category / kApp:
  // same app. With `consume`, a covering kOnce grant is used up (exactly once under races); pass
  // false for read-only checks (Explain). Unknown data classes are never covered.
  StatusOr<Coverage> Covers(const ConsentQuery& q, bool consume);

  // The principal's grants, newest first (only active ones unless include_inactive).
  StatusOr<std::vector<GrantRecord>> List(const std::string& principal, bool include_inactive);
  // Revokes a grant of `principal`; NOT_FOUND if it has no such grant.
  Status Revoke(const std::string& principal, const std::string& grant_id);

 private:
  Status Refuse(const std::string& principal, TicketRefusal reason, Status s);
  int ClassRank(const std::string& data_class) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  PolicyStore& store_;
  const TicketSigner signer_;
  const Clock& clock_;
  ConsentObserver* const observer_;

  mutable absl::Mutex mu_;
  config::ConsentConfig cfg_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> data_classes_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gw::policies
