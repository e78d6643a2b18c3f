// OpenAI-compatible servers (vLLM, Ollama's /v1, llama.cpp's llama-server, on-prem gateways):
// base_url required (http:// allowed for loopback/on-prem), api_key optional, `max_tokens`.
// Wire format: openai/openai_codec.h.
#include "cloud_adapters/factories.h"
#include "cloud_adapters/http_provider.h"
#include "cloud_adapters/openai/openai_codec.h"

namespace gw::cloud {

StatusOr<std::unique_ptr<Provider>> CreateOpenAiCompatibleProvider(
    const config::AdapterConfig& config, AdapterRuntime& runtime, const ProviderOptions& options) {
  GW_ASSIGN_OR_RETURN(Url base, AdapterBaseUrl(config, ""));
  if (config.model.empty()) return absl::InvalidArgumentError("model is required");
  return MakeHttpProvider(
      config, runtime, options,
      std::make_unique<OpenAiCodec>(OpenAiCodec::Flavor::kCompatible, config, base), base);
}

}  // namespace gw::cloud
