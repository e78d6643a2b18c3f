#include "common/ids.h"

#include <openssl/rand.h>

#include <vector>

#include "common/check.h"

namespace gw {

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.resize(bytes.size() * 2);
  for (size_t i = 0; i < bytes.size(); ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = kDigits[b >> 4];
    out[2 * i + 1] = kDigits[b & 0xF];
  }
  return out;
}

std::string RandomHex(size_t n) {
  std::vector<unsigned char> buf(n);
  GW_CHECK(RAND_bytes(buf.data(), static_cast<int>(n)) == 1);
  return ToHex(std::string_view(reinterpret_cast<const char*>(buf.data()), n));
}

RequestId NewRequestId() { return RequestId(RandomHex(16)); }

}  // namespace gw
