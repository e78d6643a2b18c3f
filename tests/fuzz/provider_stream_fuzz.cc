// Fuzzes provider response decoding: bytes → SseParser → each WireCodec (JSON mapping) and the
// error-body message extraction. Must never crash or throw.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cloud_adapters/anthropic/anthropic_codec.h"
#include "cloud_adapters/gemini/gemini_codec.h"
#include "cloud_adapters/openai/openai_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using gw::cloud::AnthropicCodec;
  using gw::cloud::GeminiCodec;
  using gw::cloud::OpenAiCodec;
  using gw::cloud::ParseUrl;
  using gw::cloud::SseEvent;
  using gw::cloud::SseParser;
  using gw::cloud::StreamState;
  using gw::cloud::Url;
  using gw::cloud::WireCodec;
  static const gw::config::AdapterConfig cfg = [] {
    gw::config::AdapterConfig c;
    c.model = "m";
    c.api_key = gw::Secret("k");
    return c;
  }();
  static const Url base = *ParseUrl("https://example.com/v1");
  static const OpenAiCodec openai(OpenAiCodec::Flavor::kOpenAi, cfg, base);
  static const AnthropicCodec anthropic(cfg, base);
  static const GeminiCodec gemini(cfg, base);
  if (size == 0) return 0;
  const WireCodec* codecs[] = {&openai, &anthropic, &gemini};
  const WireCodec& codec = *codecs[data[0] % 3];
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  StreamState st;
  size_t text = 0;
  st.emit_text = [&](std::string_view t) { text += t.size(); };
  SseParser p(1 << 16);
  (void)p.Feed(in, [&](const SseEvent& ev) { (void)codec.OnEvent(ev, st); });
  (void)codec.ErrorMessage(in);
  return 0;
}
