// Validation of a ChatRequest before any stage sees it. Every outside-world error is a Status:
// INVALID_ARGUMENT with a message naming the field (and message index / byte offset), never the
// content itself. Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "gateway/v1/gateway.pb.h"

namespace gw::daemon {

struct ValidatedChat {
  int64_t prompt_bytes = 0;  // sum of message content sizes, bytes
  int64_t max_tokens = 0;    // effective max_tokens after defaults
};

// Checks: at least one message and at most limits.max_messages; every role set; content valid
// UTF-8 (RFC 3629); serialized size <= limits.max_request_bytes; prompt bytes <=
// limits.max_prompt_bytes; max_tokens <= limits.max_max_tokens; temperature in [0, 2]; top_p in
// (0, 1]; at most 8 stop strings of 1..256 bytes each; data labels among `data_classes`; app_id
// and idempotency_key <= 128 bytes of printable ASCII.
StatusOr<ValidatedChat> ValidateChatRequest(const gateway::v1::ChatRequest& req,
                                            const config::LimitsConfig& limits,
                                            const std::vector<std::string>& data_classes);

}  // namespace gw::daemon
