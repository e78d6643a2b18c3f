// Fuzzes the audit record-line parser (audit/verify.h ParseRecordLine): any bytes must give a
// record or INVALID_ARGUMENT, never a crash; a parsed line must round-trip canonically.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "audit/verify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto r = gw::audit::ParseRecordLine(line);
  if (r.ok()) {
    if (r->raw != line || r->prev.size() != 64) std::abort();
    if (r->sig.empty() ? r->signed_bytes != line : r->signed_bytes.size() >= line.size()) {
      std::abort();
    }
  } else if (r.status().code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }
  return 0;
}
