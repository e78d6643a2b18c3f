// Google Gemini API wire format (https://ai.google.dev/api/generate-content):
// POST <base>/models/<model>:streamGenerateContent?alt=sse with x-goog-api-key; each SSE event
// is a GenerateContentResponse (candidates[].content.parts[].text, finishReason,
// usageMetadata); the stream ends when the connection body ends (no terminal event).
// Roles: user → "user", assistant → "model", system → systemInstruction.
// Thread-safety: immutable.
#pragma once

#include "cloud_adapters/http/url.h"
#include "cloud_adapters/wire_codec.h"
#include "config/config.h"

namespace gw::cloud {

class GeminiCodec final : public WireCodec {
 public:
  GeminiCodec(const config::AdapterConfig& config, const Url& base);
  StatusOr<HttpRequest> BuildRequest(const ChatCall& call) const override;
  Status OnEvent(const SseEvent& ev, StreamState& st) const override;
  bool needs_terminal_event() const override { return false; }

 private:
  const Secret key_;
  const std::string target_;
};

}  // namespace gw::cloud
