// Canonical line encoding shared by the writer and the reader (internal to audit/).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"

namespace gw::audit::internal {

// A JSON string literal (with quotes) in canonical form; invalid UTF-8 becomes U+FFFD.
std::string JsonString(std::string_view s);

// The parts of a line that do not depend on the chain position, computed once per record
// (on the caller's thread, off the writer's critical path).
struct PreparedRecord {
  std::string head;       // {"body":<body>,"prev":"
  std::string mid;        // ","principal":"..","request_id":"..","seq":
  std::string tail;       // ,"ts_us":     (then ts, then the type part)
  std::string type_part;  // ,"type":"<name>"}
};
PreparedRecord Prepare(const AuditRecord& r);

// Appends the line (without newline) to *out. The signed bytes are the line with sig empty.
void AppendLine(const PreparedRecord& p, uint64_t seq, int64_t ts_us, std::string_view prev_hex,
                std::string_view sig_hex, std::string* out);

// The name of the segment whose first record has `first_seq`.
std::string SegmentName(uint64_t first_seq);
// True for names of the form SegmentName() produces; sets *first_seq.
bool ParseSegmentName(std::string_view name, uint64_t* first_seq);

inline constexpr std::string_view kZeroHash =
    "0000000000000000000000000000000000000000000000000000000000000000";
inline constexpr std::string_view kFormatName = "gw-audit-v1";

}  // namespace gw::audit::internal

namespace gw::audit::internal {

// Records the log writes about itself (bodies documented in docs/audit.md).
AuditRecord MakeSegmentHeader(int64_t segment_index, uint64_t first_seq,
                              std::string_view prev_segment, std::string_view prev_last_hash,
                              std::string_view public_key_hex);
AuditRecord MakeCheckpoint(std::string_view segment, int64_t records_since_checkpoint);
AuditRecord MakeRecovery(std::string_view segment, int64_t truncated_bytes,
                         int64_t unsigned_records, uint64_t last_seq);
AuditRecord MakeRetention(const std::vector<std::string>& removed, int64_t retention_days);

}  // namespace gw::audit::internal
