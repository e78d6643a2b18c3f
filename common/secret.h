// A secret string (API key, bearer token, HMAC key) that never prints itself.
//
// Streaming or formatting a Secret yields "<redacted>"; only Reveal() gives the bytes, so each
// use of the real value is visible in review. Thread-safety: a value type.
#pragma once

#include <ostream>
#include <string>

namespace gw {

class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string v) : v_(std::move(v)) {}
  const std::string& Reveal() const { return v_; }
  bool empty() const { return v_.empty(); }
  // Constant-time comparison, for checking presented tokens.
  bool EqualsConstantTime(std::string_view other) const;
  friend std::ostream& operator<<(std::ostream& os, const Secret&) { return os << "<redacted>"; }

 private:
  std::string v_;
};

}  // namespace gw
