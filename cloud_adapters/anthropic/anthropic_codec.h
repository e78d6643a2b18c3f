// Anthropic Messages API wire format (https://docs.anthropic.com/en/api/messages and
// https://docs.anthropic.com/en/docs/build-with-claude/streaming): POST <base>/messages with
// x-api-key and anthropic-version 2023-06-01; system messages go to the top-level `system`;
// stream events message_start (input usage), content_block_delta (text_delta), message_delta
// (stop_reason, output usage), message_stop, ping, error. Thread-safety: immutable.
#pragma once

#include "cloud_adapters/http/url.h"
#include "cloud_adapters/wire_codec.h"
#include "config/config.h"

namespace gw::cloud {

class AnthropicCodec final : public WireCodec {
 public:
  static constexpr int64_t kDefaultMaxTokens = 4096;  // the API requires max_tokens
  AnthropicCodec(const config::AdapterConfig& config, const Url& base);
  StatusOr<HttpRequest> BuildRequest(const ChatCall& call) const override;
  Status OnEvent(const SseEvent& ev, StreamState& st) const override;

 private:
  const std::string model_;
  const Secret key_;
  const std::string target_;
};

}  // namespace gw::cloud
