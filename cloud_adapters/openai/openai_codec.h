// OpenAI Chat Completions wire format (https://platform.openai.com/docs/api-reference/chat/create
// and .../chat-streaming), also spoken by Azure OpenAI (deployment URLs, api-key header;
// https://learn.microsoft.com/azure/ai-services/openai/reference) and by OpenAI-compatible servers
// (vLLM, Ollama, llama.cpp server). Streaming with stream_options.include_usage so the last chunk
// carries usage; the stream ends with "data: [DONE]". Thread-safety: immutable, thread-safe.
#pragma once

#include "cloud_adapters/http/url.h"
#include "cloud_adapters/wire_codec.h"
#include "config/config.h"

namespace gw::cloud {

class OpenAiCodec final : public WireCodec {
 public:
  enum class Flavor { kOpenAi, kAzure, kCompatible };
  // `base` is the adapter's parsed base_url.
  OpenAiCodec(Flavor flavor, const config::AdapterConfig& config, const Url& base);
  StatusOr<HttpRequest> BuildRequest(const ChatCall& call) const override;
  Status OnEvent(const SseEvent& ev, StreamState& st) const override;

 private:
  const Flavor flavor_;
  const std::string model_;
  const Secret key_;
  const std::string target_;
};

}  // namespace gw::cloud
