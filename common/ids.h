// Identifiers. A RequestId names one request across logs, audit records and events.
//
// Format: 32 lowercase hex characters (128 random bits from a CSPRNG, OpenSSL RAND_bytes).
// Thread-safety: RequestId is a value type; NewRequestId() is thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace gw {

class RequestId {
 public:
  RequestId() = default;
  explicit RequestId(std::string v) : v_(std::move(v)) {}
  const std::string& str() const { return v_; }
  bool empty() const { return v_.empty(); }
  bool operator==(const RequestId&) const = default;

 private:
  std::string v_;
};

// A fresh random request id. GW_CHECK-fails if the system CSPRNG fails (unrecoverable).
RequestId NewRequestId();

// `n` random bytes as lowercase hex (2n characters), from the CSPRNG.
std::string RandomHex(size_t n);

// Lowercase hex of arbitrary bytes.
std::string ToHex(std::string_view bytes);

}  // namespace gw
