#include "daemon/request_validation.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/utf8.h"

namespace gw::daemon {
namespace {

bool PrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

}  // namespace

StatusOr<ValidatedChat> ValidateChatRequest(const gateway::v1::ChatRequest& req,
                                            const config::LimitsConfig& limits,
                                            const std::vector<std::string>& data_classes) {
  using absl::InvalidArgumentError;
  using absl::StrFormat;
  const int64_t size = static_cast<int64_t>(req.ByteSizeLong());
  if (size > limits.max_request_bytes) {
    return InvalidArgumentError(
        StrFormat("request is %d bytes; the limit is %d bytes (limits.max_request_bytes)", size,
                  limits.max_request_bytes));
  }
  if (req.messages().empty()) {
    return InvalidArgumentError("messages: at least one message is required");
  }
  if (req.messages_size() > limits.max_messages) {
    return InvalidArgumentError(StrFormat("messages: %d messages; the limit is %d",
                                          req.messages_size(), limits.max_messages));
  }
  ValidatedChat out;
  for (int i = 0; i < req.messages_size(); ++i) {
    const auto& m = req.messages(i);
    if (!gateway::v1::Role_IsValid(m.role()) || m.role() == gateway::v1::ROLE_UNSPECIFIED) {
      return InvalidArgumentError(
          StrFormat("messages[%d].role: %d is not a known role (use ROLE_SYSTEM, ROLE_USER or "
                    "ROLE_ASSISTANT)",
                    i, static_cast<int>(m.role())));
    }
    if (const size_t bad = FindInvalidUtf8(m.content()); bad != std::string_view::npos) {
      return InvalidArgumentError(
          StrFormat("messages[%d].content: invalid UTF-8 at byte offset %d", i, bad));
    }
    out.prompt_bytes += static_cast<int64_t>(m.content().size());
  }
  if (out.prompt_bytes > limits.max_prompt_bytes) {
    return InvalidArgumentError(StrFormat(
        "prompt is %d bytes; the limit for this gateway is %d bytes (limits.max_prompt_bytes)",
        out.prompt_bytes, limits.max_prompt_bytes));
  }
  const auto& o = req.options();
  out.max_tokens = o.max_tokens() == 0 ? limits.default_max_tokens : o.max_tokens();
  if (out.max_tokens > limits.max_max_tokens) {
    return InvalidArgumentError(StrFormat("options.max_tokens: %d exceeds the limit %d",
                                          out.max_tokens, limits.max_max_tokens));
  }
  if (o.has_temperature() && !(o.temperature() >= 0.0f && o.temperature() <= 2.0f)) {
    return InvalidArgumentError("options.temperature: must be in [0, 2]");
  }
  if (o.has_top_p() && !(o.top_p() > 0.0f && o.top_p() <= 1.0f)) {
    return InvalidArgumentError("options.top_p: must be in (0, 1]");
  }
  if (o.stop_size() > 8) {
    return InvalidArgumentError(
        StrFormat("options.stop: %d stop strings; at most 8", o.stop_size()));
  }
  for (int i = 0; i < o.stop_size(); ++i) {
    if (o.stop(i).empty() || o.stop(i).size() > 256 || !IsValidUtf8(o.stop(i))) {
      return InvalidArgumentError(
          StrFormat("options.stop[%d]: must be 1..256 bytes of valid UTF-8", i));
    }
  }
  for (int i = 0; i < req.data_labels_size(); ++i) {
    const auto& l = req.data_labels(i);
    if (std::find(data_classes.begin(), data_classes.end(), l) == data_classes.end()) {
      return InvalidArgumentError(
          StrFormat("data_labels[%d]: '%s' is not a data class of this gateway (known: %s)", i,
                    PrintableAscii(l) && l.size() <= 64 ? l : std::string("<unprintable>"),
                    absl::StrJoin(data_classes, ", ")));
    }
  }
  if (req.app_id().size() > 128 || !PrintableAscii(req.app_id())) {
    if (!req.app_id().empty()) {
      return InvalidArgumentError("app_id: must be at most 128 bytes of printable ASCII");
    }
  }
  if (req.idempotency_key().size() > 128 ||
      (!req.idempotency_key().empty() && !PrintableAscii(req.idempotency_key()))) {
    return InvalidArgumentError("idempotency_key: must be at most 128 bytes of printable ASCII");
  }
  return out;
}

}  // namespace gw::daemon
