// libFuzzer target: arbitrary bytes into the config loader. Any crash, hang, sanitizer report or
// escaping exception is a bug; every input must give either a Config or an error Status whose
// message starts with the source name.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "config/config.h"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);  // literal-secret warnings would flood the output
  // Referenced by seeds that use "${VAR}" secrets.
  setenv("GW_FUZZ_KEY", "fuzz-secret", 1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);
  gw::StatusOr<gw::config::Config> c = gw::config::LoadConfigFromString(yaml, "fuzz.yaml");
  if (c.ok()) {
    if (c->digest.size() != 64 || c->source != "fuzz.yaml") std::abort();
  } else {
    const std::string_view msg(c.status().message().data(), c.status().message().size());
    if (msg.substr(0, 10) != "fuzz.yaml:") std::abort();
    if (c.status().code() != absl::StatusCode::kInvalidArgument) std::abort();
  }
  return 0;
}
