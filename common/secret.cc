#include "common/secret.h"

#include <openssl/crypto.h>

namespace gw {

bool Secret::EqualsConstantTime(std::string_view other) const {
  if (other.size() != v_.size()) return false;
  if (v_.empty()) return true;
  return CRYPTO_memcmp(v_.data(), other.data(), v_.size()) == 0;
}

}  // namespace gw
