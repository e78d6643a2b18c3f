// Fuzzes the audit record-line parser (audit/verify.h ParseRecordLine): any bytes must give a
// record or INVALID_ARGUMENT, never a crash; and its fast canonical scanner must agree with the
// slow JSON-library path on every line the fast path accepts.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "audit/internal/chain.h"
#include "audit/verify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  auto r = gw::audit::ParseRecordLine(line);
  if (r.ok()) {
    if (r->raw != line || r->prev.size() != 64) std::abort();
    if (r->sig.empty() ? r->signed_bytes != line : r->signed_bytes.size() >= line.size()) {
      std::abort();
    }
    auto slow = gw::audit::internal::ParseRecordLineSlow(line);
    if (!slow.ok() || slow->seq != r->seq || slow->ts_us != r->ts_us || slow->type != r->type ||
        slow->principal != r->principal || slow->request_id != r->request_id ||
        slow->prev != r->prev || slow->sig != r->sig || slow->body_json != r->body_json ||
        slow->adapter != r->adapter || slow->decision != r->decision ||
        slow->signed_bytes != r->signed_bytes) {
      std::abort();
    }
  } else if (r.status().code() != absl::StatusCode::kInvalidArgument) {
    std::abort();
  }
  return 0;
}
