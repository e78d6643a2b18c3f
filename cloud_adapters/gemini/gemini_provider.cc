#include "cloud_adapters/factories.h"
#include "cloud_adapters/gemini/gemini_codec.h"
#include "cloud_adapters/http_provider.h"

namespace gw::cloud {

StatusOr<std::unique_ptr<Provider>> CreateGeminiProvider(const config::AdapterConfig& config,
                                                         AdapterRuntime& runtime,
                                                         const ProviderOptions& options) {
  GW_ASSIGN_OR_RETURN(Url base,
                      AdapterBaseUrl(config, "https://generativelanguage.googleapis.com/v1beta"));
  if (config.model.empty()) return absl::InvalidArgumentError("model is required");
  if (config.model.find_first_of("/?#% ") != std::string::npos) {
    return absl::InvalidArgumentError("model contains characters not allowed in a URL path");
  }
  if (config.api_key.empty()) return absl::InvalidArgumentError("api_key is required");
  return MakeHttpProvider(config, runtime, options, std::make_unique<GeminiCodec>(config, base),
                          base);
}

}  // namespace gw::cloud
