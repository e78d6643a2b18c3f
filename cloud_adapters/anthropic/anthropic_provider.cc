#include "cloud_adapters/anthropic/anthropic_codec.h"
#include "cloud_adapters/factories.h"
#include "cloud_adapters/http_provider.h"

namespace gw::cloud {

StatusOr<std::unique_ptr<Provider>> CreateAnthropicProvider(const config::AdapterConfig& config,
                                                            AdapterRuntime& runtime,
                                                            const ProviderOptions& options) {
  GW_ASSIGN_OR_RETURN(Url base, AdapterBaseUrl(config, "https://api.anthropic.com/v1"));
  if (config.model.empty()) return absl::InvalidArgumentError("model is required");
  if (config.api_key.empty()) return absl::InvalidArgumentError("api_key is required");
  return MakeHttpProvider(config, runtime, options, std::make_unique<AnthropicCodec>(config, base),
                          base);
}

}  // namespace gw::cloud
