#include "cloud_adapters/registry.h"

#include "cloud_adapters/factories.h"

namespace gw::cloud {
namespace {

struct Entry {
  std::string_view type;
  ProviderFactory factory;
};

constexpr Entry kProviders[] = {
    {"openai", &CreateOpenAiProvider},
    {"anthropic", &CreateAnthropicProvider},
    {"azure_openai", &CreateAzureOpenAiProvider},
    {"gemini", &CreateGeminiProvider},
    {"openai_compatible", &CreateOpenAiCompatibleProvider},
};

}  // namespace

std::vector<std::string_view> ProviderTypes() {
  std::vector<std::string_view> out;
  for (const auto& e : kProviders) out.push_back(e.type);
  return out;
}

StatusOr<Url> AdapterBaseUrl(const config::AdapterConfig& config, std::string_view fallback) {
  std::string_view s = config.base_url.empty() ? fallback : std::string_view(config.base_url);
  if (s.empty()) {
    return absl::InvalidArgumentError("adapter '" + config.name +
                                      "': base_url is required for type " + config.type);
  }
  auto u = ParseUrl(s);
  if (!u.ok()) {
    return absl::InvalidArgumentError("adapter '" + config.name +
                                      "': base_url: " + std::string(u.status().message()));
  }
  return u;
}

StatusOr<std::unique_ptr<Provider>> CreateProvider(const config::AdapterConfig& config,
                                                   AdapterRuntime& runtime,
                                                   const ProviderOptions& options) {
  for (const auto& e : kProviders) {
    if (e.type == config.type) {
      auto p = e.factory(config, runtime, options);
      if (!p.ok() && p.status().message().find("adapter '") != 0) {
        return Status(p.status().code(),
                      "adapter '" + config.name + "': " + std::string(p.status().message()));
      }
      return p;
    }
  }
  return absl::InvalidArgumentError("adapter '" + config.name + "': unknown type '" + config.type +
                                    "'");
}

}  // namespace gw::cloud
