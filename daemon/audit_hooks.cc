#include "daemon/audit_hooks.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"

namespace gw::daemon {

void AuditAppendAsync(audit::AuditLog* log, const audit::AuditRecord& record) {
  if (log == nullptr) return;
  const std::string type(audit::RecordTypeName(record.type));
  const std::string rid = record.request_id;
  log->Append(record, [type, rid](const StatusOr<uint64_t>& seq) {
    if (!seq.ok()) {
      log::Error(rid, "audit record {} not written: {}", type, std::string(seq.status().message()));
    }
  });
}

void AuditRequestReceived(audit::AuditLog* log, const RequestId& id, const std::string& principal,
                          const std::string& api, const gateway::v1::ChatRequest& req,
                          int64_t prompt_bytes) {
  if (log == nullptr) return;
  audit::RequestReceivedFields f;
  f.api = api;
  f.app = req.app_id();
  f.prompt_bytes = prompt_bytes;
  for (const auto& l : req.data_labels()) f.declared_labels.push_back(l);
  if (prompt_bytes > 0) {
    // The captured form covers the conversation as sent: role-tagged messages in order.
    std::string text;
    for (const auto& m : req.messages()) {
      text += gateway::v1::Role_Name(m.role());
      text += '\n';
      text += m.content();
      text += '\n';
    }
    auto captured = log->CaptureContent(text);
    if (captured.ok()) {
      f.prompt = *captured;
    } else {
      log::Error(id.str(), "audit content capture failed: {}",
                 std::string(captured.status().message()));
    }
  }
  AuditAppendAsync(log, audit::MakeRequestReceived(id, principal, f));
}

void AuditCompletion(audit::AuditLog* log, const RequestId& id, const std::string& principal,
                     const Status& status, Micros latency) {
  if (log == nullptr) return;
  audit::CompletionFields f;
  f.status = absl::StatusCodeToString(status.code());
  f.latency = latency;
  AuditAppendAsync(log, audit::MakeCompletion(id, principal, f));
}

void AuditAdminAction(audit::AuditLog* log, const RequestId& id, const std::string& principal,
                      const std::string& action, const Status& result, const std::string& detail) {
  if (log == nullptr) return;
  audit::AdminActionFields f;
  f.action = action;
  f.result = absl::StatusCodeToString(result.code());
  f.detail = detail;
  AuditAppendAsync(log, audit::MakeAdminAction(id, principal, f));
}

namespace {
const char* ScopeName(policies::GrantScope s) {
  switch (s) {
    case policies::GrantScope::kOnce:
      return "once";
    case policies::GrantScope::kCategory:
      return "category";
    case policies::GrantScope::kApp:
      return "app";
  }
  return "once";
}
}  // namespace

void AuditConsentObserver::OnTicketRefused(const std::string& principal,
                                           policies::TicketRefusal reason, const Status& status) {
  audit::ConsentFields f;
  f.reason = absl::StrCat(std::string(policies::TicketRefusalName(reason)), ": ",
                          absl::StatusCodeToString(status.code()));
  AuditAppendAsync(
      log_, audit::MakeConsent(audit::RecordType::kConsentRefused, NewRequestId(), principal, f));
}

void AuditConsentObserver::OnGrantCreated(const policies::GrantRecord& grant) {
  audit::ConsentFields f;
  f.ticket_id = grant.grant_id;
  f.adapter = grant.adapter;
  f.scope = ScopeName(grant.scope);
  f.expires_us = grant.expires_at.value();
  AuditAppendAsync(log_, audit::MakeConsent(audit::RecordType::kConsentGranted, NewRequestId(),
                                            grant.principal, f));
}

void AuditConsentObserver::OnGrantRevoked(const std::string& principal,
                                          const std::string& grant_id) {
  audit::ConsentFields f;
  f.ticket_id = grant_id;
  f.reason = "revoked by the principal";
  AuditAppendAsync(
      log_, audit::MakeConsent(audit::RecordType::kConsentRevoked, NewRequestId(), principal, f));
}

}  // namespace gw::daemon
