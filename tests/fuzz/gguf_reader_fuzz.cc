// libFuzzer target: GgufReader over arbitrary bytes, then a Model (tokenizer + metadata) over
// whatever parses. Any crash, over-read or sanitizer report is a finding; errors are expected.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "local_engine/engine.h"
#include "local_engine/gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto reader = gw::engine::GgufReader::FromBuffer(bytes);
  if (!reader.ok()) return 0;
  // Touch every tensor byte range the reader vouched for.
  uint64_t sum = 0;
  for (const auto& t : (*reader)->tensors()) {
    if (t.n_bytes > 0) sum += t.data[0] + t.data[t.n_bytes - 1];
  }
  for (const auto& [key, value] : (*reader)->metadata()) sum += key.size() + value.count;
  auto model = gw::engine::Model::FromReader(std::move(*reader));
  if (model.ok()) {
    const auto& tok = (*model)->tokenizer();
    auto ids = tok.Tokenize("Hello, world! 123 caf\xC3\xA9 \xF0\x9F\x9A\x80", true, true);
    sum += tok.Detokenize(ids).size();
  }
  return sum == 0xFFFFFFFFFFFFFFFFull ? 1 : 0;
}
