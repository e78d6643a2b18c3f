// Internal: the Provider implementation shared by every provider: HTTP client, retries, circuit
// breaker, egress hook, SSE decoding through a WireCodec. Not a public header.
#pragma once

#include <memory>

#include "cloud_adapters/http/url.h"
#include "cloud_adapters/registry.h"
#include "cloud_adapters/wire_codec.h"

namespace gw::cloud {

// `base` is the parsed adapter base URL (used for host and proxy selection).
StatusOr<std::unique_ptr<Provider>> MakeHttpProvider(const config::AdapterConfig& config,
                                                     AdapterRuntime& runtime,
                                                     const ProviderOptions& options,
                                                     std::unique_ptr<WireCodec> codec,
                                                     const Url& base);

// Replaces the API key, "sk-…"-style tokens and any prompt text quoted in `msg`, and bounds its
// length, so a provider's message can travel in a Status.
std::string ScrubProviderMessage(std::string_view msg, const Secret& key, const ChatCall& call);

}  // namespace gw::cloud
