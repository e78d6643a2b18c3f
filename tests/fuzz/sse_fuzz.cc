// Fuzzes SseParser: arbitrary bytes split at fuzzer-chosen boundaries must parse without
// crashing, and the events must not depend on where the stream was split.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cloud_adapters/http/sse_parser.h"

namespace {
std::vector<gw::cloud::SseEvent> Parse(std::string_view data, size_t step, bool* failed) {
  gw::cloud::SseParser p(1 << 16);
  std::vector<gw::cloud::SseEvent> out;
  *failed = false;
  for (size_t i = 0; i < data.size(); i += step) {
    auto s = p.Feed(data.substr(i, step), [&](const gw::cloud::SseEvent& e) { out.push_back(e); });
    if (!s.ok()) {
      *failed = true;
      break;
    }
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  size_t step = 1 + data[0] % 17;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool f1 = false, f2 = false;
  auto whole = Parse(in, in.size() + 1, &f1);
  auto split = Parse(in, step, &f2);
  if (f1 || f2) return 0;  // oversize: either way is an error, the event lists may differ
  if (whole.size() != split.size()) std::abort();
  for (size_t i = 0; i < whole.size(); ++i) {
    if (whole[i].data != split[i].data || whole[i].type != split[i].type ||
        whole[i].last_id != split[i].last_id) {
      std::abort();
    }
  }
  return 0;
}
