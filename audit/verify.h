// Reading an audit directory: record-line parsing, verification, queries, tail, export.
//
// Everything here treats the files as untrusted input (an attacker may have edited them): no
// function trusts a length, a nesting depth or a field type it has not checked. None needs a
// secret; verification needs only the Ed25519 public key (PEM, exported by `audit pubkey`).
// Format: see audit/audit_log.h and docs/audit.md.
//
// Thread-safety: free functions, thread-safe; they read the files without locking, so a
// concurrently written log is seen up to some recent line (a line still being written is
// reported as "no newline" by VerifyDir when it is the last line of the last segment).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gw::audit {

// Lines longer than this are rejected (bytes).
inline constexpr size_t kMaxLineBytes = 1 << 20;
// JSON nesting deeper than this is rejected.
inline constexpr int kMaxJsonDepth = 32;

// One parsed record line. `body_json` is the canonical JSON of `body`.
struct ParsedRecord {
  uint64_t seq = 0;
  int64_t ts_us = 0;
  std::string type;
  std::string request_id;
  std::string principal;
  std::string prev;          // 64 hex
  std::string sig;           // 128 hex, or empty
  std::string body_json;     // canonical JSON object
  std::string adapter;       // body.adapter if a string, else ""
  std::string decision;      // body.decision if a string, else ""
  std::string signed_bytes;  // canonical bytes without `sig` (what the signature covers)
  std::string raw;           // the line as read
  // Where it was read (filled by readers, not by ParseRecordLine).
  std::string segment;
  int64_t line = 0;
};

// Parses one line (without its newline). Errors, all INVALID_ARGUMENT, with exact messages:
//   "line too long"                      more than kMaxLineBytes
//   "nesting too deep"                   more than kMaxJsonDepth
//   "not valid JSON"                     syntax error or invalid UTF-8
//   "not a JSON object"
//   "not canonical JSON"                 re-serialising does not give the same bytes
//   "unknown field <k>"
//   "missing field <k>"
//   "field <k>: expected <unsigned integer|integer|string|object>"
//   "field prev: expected 64 lowercase hex"
//   "field sig: expected 128 lowercase hex"
//   "field type: unknown record type"
StatusOr<ParsedRecord> ParseRecordLine(std::string_view line);

// Where and why verification failed.
struct VerifyFailure {
  std::string segment;          // file name within the directory
  int64_t line = 0;             // 1-based line number (0 if about the file or directory)
  std::optional<uint64_t> seq;  // the record named, when known
  std::string reason;
  std::string ToString() const;  // "<segment>:<line>: seq <n>: <reason>"
};

struct VerifyReport {
  int64_t segments = 0;
  int64_t records = 0;
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
  std::string head_hash;
  bool key_pinned = false;               // a public key was given and every header matched it
  std::optional<VerifyFailure> failure;  // nullopt = the whole log verified
  bool ok() const { return !failure.has_value(); }
};

// Verifies every segment of `dir` in order: canonical form, seq continuity, the prev chain
// (within and across segments), segment headers (index, first seq, commitment to the previous
// segment's last hash, public key), every signature, and that every record is covered by a
// signature. Stops at the first bad record and names it. If `public_key_pem` is empty, the key
// in the first segment header is used and key_pinned is false (proves integrity only against
// edits by someone without that key: pass the exported key to prove authenticity).
// A log whose first segment starts after seq 0 (retention removed older ones) verifies from
// there. Errors (as Status): NOT_FOUND (no such dir / no segments), INVALID_ARGUMENT (bad PEM),
// UNAVAILABLE (read error). Tampering is reported in VerifyReport::failure, not as a Status.
StatusOr<VerifyReport> VerifyDir(const std::string& dir, std::string_view public_key_pem = {});

// The segment file names in `dir`, in log order. NOT_FOUND if the dir cannot be listed.
StatusOr<std::vector<std::string>> ListSegments(const std::string& dir);

struct QueryFilter {
  std::optional<int64_t> since_us;  // inclusive, UTC micros
  std::optional<int64_t> until_us;  // exclusive
  std::string principal;            // exact match; empty = any
  std::string type;                 // exact record type name; empty = any
  std::string adapter;              // body.adapter; empty = any
  std::string decision;             // body.decision; empty = any
  bool Matches(const ParsedRecord& r) const;
};

// Streams matching records in log order to `sink` until it returns false. Unparsable lines are
// skipped and counted in *skipped (may be null); use VerifyDir to prove integrity. For the Admin
// RPC: the caller checks authorisation before calling. Errors: NOT_FOUND, UNAVAILABLE.
Status Query(const std::string& dir, const QueryFilter& filter,
             const std::function<bool(const ParsedRecord&)>& sink, int64_t* skipped = nullptr);

// The last `n` parsable records, oldest first.
StatusOr<std::vector<ParsedRecord>> Tail(const std::string& dir, size_t n);

enum class ExportFormat { kJsonl, kCsv };

// One record as an export line (with trailing newline). jsonl: the original canonical line.
// csv (RFC 4180): seq,ts_us,time,type,request_id,principal,adapter,decision,body
std::string FormatExportLine(const ParsedRecord& r, ExportFormat format);
// The CSV header line (with trailing newline).
std::string CsvHeader();

// Parses a time given as RFC 3339 ("2026-11-21T10:00:00Z", "...T10:00:00.5+01:00") or as an
// integer count of unix microseconds. INVALID_ARGUMENT otherwise.
StatusOr<int64_t> ParseTimeArg(std::string_view s);
// RFC 3339 UTC with microseconds: "2026-11-21T10:00:00.123456Z".
std::string FormatRfc3339(int64_t unix_us);

}  // namespace gw::audit
