// The one list of provider types (CONVENTIONS.md: explicit registry, no static initialisers).
//
//   type                 provider folder               default base_url
//   "openai"             cloud_adapters/openai/        https://api.openai.com/v1
//   "anthropic"          cloud_adapters/anthropic/     https://api.anthropic.com/v1
//   "azure_openai"       cloud_adapters/azure_openai/  (required:
//   https://<resource>.openai.azure.com) "gemini"             cloud_adapters/gemini/
//   https://generativelanguage.googleapis.com/v1beta "openai_compatible"  cloud_adapters/openai/
//   codec in compatible mode (required base_url)
// To add a provider: write a WireCodec in its own folder and add a row to kProviders in
// registry.cc. Wire formats are documented in docs/adapters.md.
//
// Thread-safety: the functions are thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloud_adapters/provider.h"
#include "cloud_adapters/resilience/circuit_breaker.h"
#include "cloud_adapters/resilience/retry.h"
#include "common/clock.h"

namespace gw::cloud {

// Knobs that are not in AdapterConfig (tests shorten waits; production uses the defaults).
struct ProviderOptions {
  RetryPolicy retry;
  CircuitBreakerOptions breaker;
  const Clock* clock = nullptr;  // nullptr = SystemClock; borrowed, must outlive the provider
  // Environment lookup for HTTPS_PROXY/NO_PROXY; empty = the process environment.
  std::function<std::optional<std::string>(std::string_view)> env;
  uint64_t jitter_seed = 0;  // 0 = seeded from the CSPRNG
};

// The `type:` strings known to the registry.
std::vector<std::string_view> ProviderTypes();

// Creates the adapter described by `config`. INVALID_ARGUMENT for an unknown type, a bad
// base_url/proxy, a missing field the type needs (azure: deployment; compatible: base_url), or
// an unreadable ca_file. `runtime` is borrowed and must outlive the provider.
StatusOr<std::unique_ptr<Provider>> CreateProvider(const config::AdapterConfig& config,
                                                   AdapterRuntime& runtime,
                                                   const ProviderOptions& options = {});

}  // namespace gw::cloud
