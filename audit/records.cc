// Typed record builders and the canonical line encoding.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "audit/internal/codec.h"
#include "audit/internal/crypto.h"
#include "audit/internal/strcat.h"
#include "common/check.h"

namespace gw::audit {
namespace {

using nlohmann::json;

constexpr std::pair<RecordType, std::string_view> kTypeNames[] = {
    {RecordType::kRequestReceived, "request_received"},
    {RecordType::kRouteDecision, "route_decision"},
    {RecordType::kConsentRequested, "consent_requested"},
    {RecordType::kConsentGranted, "consent_granted"},
    {RecordType::kConsentRefused, "consent_refused"},
    {RecordType::kConsentRevoked, "consent_revoked"},
    {RecordType::kEgress, "egress"},
    {RecordType::kRedaction, "redaction"},
    {RecordType::kBudgetReserved, "budget_reserved"},
    {RecordType::kBudgetSettled, "budget_settled"},
    {RecordType::kCompletion, "completion"},
    {RecordType::kConfigLoaded, "config_loaded"},
    {RecordType::kConfigReloaded, "config_reloaded"},
    {RecordType::kAdminAction, "admin_action"},
    {RecordType::kFailClosed, "fail_closed"},
    {RecordType::kSegmentHeader, "segment_header"},
    {RecordType::kCheckpoint, "checkpoint"},
    {RecordType::kRecovery, "recovery"},
    {RecordType::kRetention, "retention"},
};

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json Content(const CapturedContent& c) {
  json j = json::object();
  if (!c.digest_hex.empty()) j["hmac_sha256"] = c.digest_hex;
  if (!c.ciphertext_b64.empty()) {
    j["aes256gcm_b64"] = c.ciphertext_b64;
    j["nonce"] = c.nonce_hex;
  }
  return j;
}

AuditRecord Make(RecordType t, const RequestId& id, std::string_view principal, const json& body) {
  AuditRecord r;
  r.type = t;
  r.request_id = id.str();
  r.principal = std::string(principal);
  r.body_json = Dump(body);
  return r;
}

}  // namespace

std::string_view RecordTypeName(RecordType t) {
  for (const auto& [type, name] : kTypeNames) {
    if (type == t) return name;
  }
  return "unknown";
}

std::optional<RecordType> RecordTypeFromName(std::string_view name) {
  for (const auto& [type, n] : kTypeNames) {
    if (n == name) return type;
  }
  return std::nullopt;
}

std::string Sha256Hex(std::string_view bytes) { return internal::HashHex(internal::Sha256(bytes)); }

AuditRecord MakeRequestReceived(const RequestId& id, std::string_view principal,
                                const RequestReceivedFields& f) {
  json b = {{"api", f.api},
            {"app", f.app},
            {"prompt_bytes", f.prompt_bytes},
            {"prompt_tokens", f.prompt_tokens},
            {"declared_labels", f.declared_labels}};
  if (f.prompt) b["prompt"] = Content(*f.prompt);
  return Make(RecordType::kRequestReceived, id, principal, b);
}

AuditRecord MakeRouteDecision(const RequestId& id, std::string_view principal,
                              const RouteDecisionFields& f) {
  json b = {{"decision", f.decision}, {"adapter", f.adapter},        {"region", f.region},
            {"category", f.category}, {"data_class", f.data_class},  {"rule_ids", f.rule_ids},
            {"reasons", f.reasons},   {"scores_ppm", json::object()}};
  for (const auto& [k, v] : f.scores_ppm) b["scores_ppm"][k] = v;
  return Make(RecordType::kRouteDecision, id, principal, b);
}

AuditRecord MakeConsent(RecordType type, const RequestId& id, std::string_view principal,
                        const ConsentFields& f) {
  GW_CHECK(type == RecordType::kConsentRequested || type == RecordType::kConsentGranted ||
           type == RecordType::kConsentRefused || type == RecordType::kConsentRevoked);
  json b = {{"ticket_id", f.ticket_id},   {"adapter", f.adapter},
            {"region", f.region},         {"scope", f.scope},
            {"expires_us", f.expires_us}, {"estimated_cost_usd_micros", f.estimated_cost.value()},
            {"reason", f.reason}};
  return Make(type, id, principal, b);
}

AuditRecord MakeEgress(const RequestId& id, std::string_view principal, const EgressFields& f) {
  json b = {{"adapter", f.adapter},
            {"host", f.host},
            {"region", f.region},
            {"bytes_sent", f.bytes_sent},
            {"payload_sha256", f.payload_sha256_hex}};
  if (f.payload) b["payload"] = Content(*f.payload);
  return Make(RecordType::kEgress, id, principal, b);
}

AuditRecord MakeRedaction(const RequestId& id, std::string_view principal,
                          const RedactionFields& f) {
  json b = {{"adapter", f.adapter}, {"counts", json::object()}};
  for (const auto& [k, v] : f.counts_by_type) b["counts"][k] = v;
  return Make(RecordType::kRedaction, id, principal, b);
}

AuditRecord MakeBudget(RecordType type, const RequestId& id, std::string_view principal,
                       const BudgetFields& f) {
  GW_CHECK(type == RecordType::kBudgetReserved || type == RecordType::kBudgetSettled);
  json b = {{"reservation_id", f.reservation_id},
            {"budget_ids", f.budget_ids},
            {"reserved_usd_micros", f.reserved.value()},
            {"actual_usd_micros", f.actual.value()},
            {"outcome", f.outcome}};
  return Make(type, id, principal, b);
}

AuditRecord MakeCompletion(const RequestId& id, std::string_view principal,
                           const CompletionFields& f) {
  json b = {{"status", f.status},
            {"target", f.target},
            {"tokens_in", f.tokens_in.value()},
            {"tokens_out", f.tokens_out.value()},
            {"cost_usd_micros", f.cost.value()},
            {"latency_us", f.latency.value()}};
  if (f.completion) b["completion"] = Content(*f.completion);
  return Make(RecordType::kCompletion, id, principal, b);
}

AuditRecord MakeConfigEvent(bool reloaded, std::string_view source, std::string_view digest_hex) {
  json b = {{"source", std::string(source)}, {"digest", std::string(digest_hex)}};
  return Make(reloaded ? RecordType::kConfigReloaded : RecordType::kConfigLoaded, RequestId(), "",
              b);
}

AuditRecord MakeAdminAction(const RequestId& id, std::string_view principal,
                            const AdminActionFields& f) {
  json b = {{"action", f.action}, {"target", f.target}, {"result", f.result}, {"detail", f.detail}};
  return Make(RecordType::kAdminAction, id, principal, b);
}

AuditRecord MakeFailClosed(std::string_view state, std::string_view reason) {
  json b = {{"state", std::string(state)}, {"reason", std::string(reason)}};
  return Make(RecordType::kFailClosed, RequestId(), "", b);
}

namespace internal {

std::string JsonString(std::string_view s) {
  bool plain = true;
  for (unsigned char c : s) {
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
      plain = false;
      break;
    }
  }
  if (plain) return internal::StrCat("\"", s, "\"");
  return Dump(json(std::string(s)));
}

PreparedRecord Prepare(const AuditRecord& r) {
  PreparedRecord p;
  p.head = internal::StrCat("{\"body\":", r.body_json.empty() ? "{}" : r.body_json, ",\"prev\":\"");
  p.mid = internal::StrCat("\",\"principal\":", JsonString(r.principal),
                           ",\"request_id\":", JsonString(r.request_id), ",\"seq\":");
  p.tail = ",\"ts_us\":";
  p.type_part = internal::StrCat(",\"type\":\"", RecordTypeName(r.type), "\"}");
  return p;
}

void AppendLine(const PreparedRecord& p, uint64_t seq, int64_t ts_us, std::string_view prev_hex,
                std::string_view sig_hex, std::string* out) {
  internal::StrAppend(out, p.head, prev_hex, p.mid, seq);
  if (!sig_hex.empty()) internal::StrAppend(out, ",\"sig\":\"", sig_hex, "\"");
  internal::StrAppend(out, p.tail, ts_us, p.type_part);
}

std::string SegmentName(uint64_t first_seq) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "audit-%020llu.log", static_cast<unsigned long long>(first_seq));
  return buf;
}

bool ParseSegmentName(std::string_view name, uint64_t* first_seq) {
  if (name.size() != 30 || name.substr(0, 6) != "audit-" || name.substr(26) != ".log") {
    return false;
  }
  uint64_t v = 0;
  for (char c : name.substr(6, 20)) {
    if (c < '0' || c > '9') return false;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  *first_seq = v;
  return true;
}

}  // namespace internal
}  // namespace gw::audit

namespace gw::audit::internal {

AuditRecord MakeSegmentHeader(int64_t segment_index, uint64_t first_seq,
                              std::string_view prev_segment, std::string_view prev_last_hash,
                              std::string_view public_key_hex) {
  json b = {{"format", std::string(kFormatName)},
            {"segment_index", segment_index},
            {"first_seq", first_seq},
            {"prev_segment", std::string(prev_segment)},
            {"prev_segment_last_hash", std::string(prev_last_hash)},
            {"public_key", std::string(public_key_hex)}};
  return Make(RecordType::kSegmentHeader, RequestId(), "", b);
}

AuditRecord MakeCheckpoint(std::string_view segment, int64_t records_since_checkpoint) {
  json b = {{"segment", std::string(segment)},
            {"records_since_checkpoint", records_since_checkpoint}};
  return Make(RecordType::kCheckpoint, RequestId(), "", b);
}

AuditRecord MakeRecovery(std::string_view segment, int64_t truncated_bytes,
                         int64_t unsigned_records, uint64_t last_seq) {
  json b = {{"segment", std::string(segment)},
            {"truncated_bytes", truncated_bytes},
            {"unsigned_records", unsigned_records},
            {"last_seq_before", last_seq}};
  return Make(RecordType::kRecovery, RequestId(), "", b);
}

AuditRecord MakeRetention(const std::vector<std::string>& removed, int64_t retention_days) {
  json b = {{"removed_segments", removed}, {"retention_days", retention_days}};
  return Make(RecordType::kRetention, RequestId(), "", b);
}

}  // namespace gw::audit::internal
