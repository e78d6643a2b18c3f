// The daemon's audit records: what gatewayd itself appends to the audit log (request received,
// completion, config loaded/reloaded, admin actions). Never the text of a prompt or answer: the
// prompt goes through AuditLog::CaptureContent (digest or ciphertext per config).
//
// All functions take a nullable AuditLog (audit disabled = nullptr) and never block on disk:
// records are group-committed; a failed append is logged and shows in Admin.Status.
// Thread-safety: thread-safe (AuditLog is).
#pragma once

#include <string>

#include "audit/audit_log.h"
#include "common/ids.h"
#include "common/status.h"
#include "gateway/v1/gateway.pb.h"
#include "policies/consent.h"

namespace gw::daemon {

// `api` is e.g. "grpc.Chat". `prompt_bytes` from validation (0 if the request was invalid).
void AuditRequestReceived(audit::AuditLog* log, const RequestId& id, const std::string& principal,
                          const std::string& api, const gateway::v1::ChatRequest& req,
                          int64_t prompt_bytes);

// The end of a request: its status and latency (microseconds).
void AuditCompletion(audit::AuditLog* log, const RequestId& id, const std::string& principal,
                     const Status& status, Micros latency);

void AuditAdminAction(audit::AuditLog* log, const RequestId& id, const std::string& principal,
                      const std::string& action, const Status& result, const std::string& detail);

// Forwards consent events (refused tickets, grants, revocations) to the audit log.
// Thread-safe; borrows the log (nullable).
class AuditConsentObserver final : public policies::ConsentObserver {
 public:
  explicit AuditConsentObserver(audit::AuditLog* log) : log_(log) {}
  void OnTicketRefused(const std::string& principal, policies::TicketRefusal reason,
                       const Status& status) override;
  void OnGrantCreated(const policies::GrantRecord& grant) override;
  void OnGrantRevoked(const std::string& principal, const std::string& grant_id) override;

 private:
  audit::AuditLog* const log_;
};

// Appends without waiting; failures are logged with the record type.
void AuditAppendAsync(audit::AuditLog* log, const audit::AuditRecord& record);

}  // namespace gw::daemon
