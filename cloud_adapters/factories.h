// Internal: one factory per provider folder, listed by registry.cc.
#pragma once

#include <memory>

#include "cloud_adapters/http/url.h"
#include "cloud_adapters/registry.h"

namespace gw::cloud {

using ProviderFactory = StatusOr<std::unique_ptr<Provider>> (*)(const config::AdapterConfig&,
                                                                AdapterRuntime&,
                                                                const ProviderOptions&);

StatusOr<std::unique_ptr<Provider>> CreateOpenAiProvider(const config::AdapterConfig&,
                                                         AdapterRuntime&, const ProviderOptions&);
StatusOr<std::unique_ptr<Provider>> CreateAnthropicProvider(const config::AdapterConfig&,
                                                            AdapterRuntime&,
                                                            const ProviderOptions&);
StatusOr<std::unique_ptr<Provider>> CreateAzureOpenAiProvider(const config::AdapterConfig&,
                                                              AdapterRuntime&,
                                                              const ProviderOptions&);
StatusOr<std::unique_ptr<Provider>> CreateGeminiProvider(const config::AdapterConfig&,
                                                         AdapterRuntime&, const ProviderOptions&);
StatusOr<std::unique_ptr<Provider>> CreateOpenAiCompatibleProvider(const config::AdapterConfig&,
                                                                   AdapterRuntime&,
                                                                   const ProviderOptions&);

// Parses config.base_url, or `fallback` when it is empty; INVALID_ARGUMENT naming the adapter.
StatusOr<Url> AdapterBaseUrl(const config::AdapterConfig& config, std::string_view fallback);

}  // namespace gw::cloud
