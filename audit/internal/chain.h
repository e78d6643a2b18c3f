// Chain checking shared by VerifyDir and the writer's recovery (internal to audit/).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "audit/internal/crypto.h"
#include "audit/verify.h"

namespace gw::audit::internal {

// Running state while walking segments in order.
struct ChainState {
  bool started = false;  // a previous segment has been checked (next_seq/head are known)
  uint64_t next_seq = 0;
  std::string head;  // hash of the last line checked
  int64_t last_ts = 0;
  int64_t segment_index = -1;
  std::optional<Ed25519Verifier> verifier;  // pinned key, or set from the first header
  bool key_pinned = false;
  std::optional<VerifyFailure> first_unsigned;  // first record not yet covered by a signature
  int64_t unsigned_count = 0;
  int64_t records = 0;
  uint64_t first_seq = 0;
  // Facts about the last segment checked.
  int64_t segment_start_ts = 0;
  int64_t segment_records = 0;
};

// ParseRecordLine without its fast path (a JSON library parse and re-serialisation): for the
// differential fuzzer, which checks both agree.
StatusOr<ParsedRecord> ParseRecordLineSlow(std::string_view line);

// Checks one segment's bytes, continuing `st`. Returns the first failure, or nullopt. A final
// line without newline is a failure ("no newline at end: torn or truncated line").
std::optional<VerifyFailure> CheckSegment(std::string_view name, std::string_view content,
                                          ChainState* st);

}  // namespace gw::audit::internal
