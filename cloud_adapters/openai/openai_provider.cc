#include "cloud_adapters/factories.h"
#include "cloud_adapters/http_provider.h"
#include "cloud_adapters/openai/openai_codec.h"

namespace gw::cloud {

StatusOr<std::unique_ptr<Provider>> CreateOpenAiProvider(const config::AdapterConfig& config,
                                                         AdapterRuntime& runtime,
                                                         const ProviderOptions& options) {
  GW_ASSIGN_OR_RETURN(Url base, AdapterBaseUrl(config, "https://api.openai.com/v1"));
  if (config.model.empty()) return absl::InvalidArgumentError("model is required");
  if (config.api_key.empty()) return absl::InvalidArgumentError("api_key is required");
  return MakeHttpProvider(config, runtime, options,
                          std::make_unique<OpenAiCodec>(OpenAiCodec::Flavor::kOpenAi, config, base),
                          base);
}

}  // namespace gw::cloud
