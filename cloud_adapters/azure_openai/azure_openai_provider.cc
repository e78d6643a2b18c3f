// Azure OpenAI:
// https://<resource>.openai.azure.com/openai/deployments/<deployment>/chat/completions
// ?api-version=<v>, key in the `api-key` header. The adapter's `region` attribute (config) is what
// residency rules match; it is not derivable from the URL. Wire format: openai/openai_codec.h.
#include "cloud_adapters/factories.h"
#include "cloud_adapters/http_provider.h"
#include "cloud_adapters/openai/openai_codec.h"

namespace gw::cloud {

constexpr const char* kDefaultAzureApiVersion = "2024-10-21";  // latest GA data-plane version

StatusOr<std::unique_ptr<Provider>> CreateAzureOpenAiProvider(const config::AdapterConfig& in,
                                                              AdapterRuntime& runtime,
                                                              const ProviderOptions& options) {
  config::AdapterConfig config = in;
  GW_ASSIGN_OR_RETURN(Url base, AdapterBaseUrl(config, ""));
  if (config.deployment.empty()) return absl::InvalidArgumentError("deployment is required");
  if (config.deployment.find_first_of("/?#% ") != std::string::npos) {
    return absl::InvalidArgumentError("deployment contains characters not allowed in a URL path");
  }
  if (config.api_key.empty()) return absl::InvalidArgumentError("api_key is required");
  if (config.api_version.empty()) config.api_version = kDefaultAzureApiVersion;
  return MakeHttpProvider(config, runtime, options,
                          std::make_unique<OpenAiCodec>(OpenAiCodec::Flavor::kAzure, config, base),
                          base);
}

}  // namespace gw::cloud
