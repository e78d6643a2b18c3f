// OpenSSL wrappers used by the audit log (internal to audit/).
//
// Ed25519: RFC 8032 via OpenSSL EVP (one-shot EVP_DigestSign/Verify, no pre-hash).
// Keys on disk: PKCS#8 PEM private key, SubjectPublicKeyInfo PEM public key (RFC 8410).
// Thread-safety: Ed25519Signer and Ed25519Verifier are immutable after construction and
// thread-safe (each call uses its own EVP_MD_CTX). Free functions are thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace gw::audit::internal {

using Hash = std::array<uint8_t, 32>;

Hash Sha256(std::string_view bytes);
std::string HashHex(const Hash& h);
// Decodes lowercase/uppercase hex; nullopt-like empty result with ok=false on bad input.
bool HexDecode(std::string_view hex, std::string* out);
bool IsLowerHex(std::string_view s, size_t len);

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const;
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

class Ed25519Signer {
 public:
  // Loads <keys_dir>/ed25519.pem, or generates it (0600) with ed25519.pub.pem (0644) when
  // absent. keys_dir is created 0700. PERMISSION_DENIED if the key file is readable by group or
  // others; INTERNAL on OpenSSL failure; UNAVAILABLE on I/O errors.
  static StatusOr<std::unique_ptr<Ed25519Signer>> LoadOrCreate(const std::string& keys_dir);
  // 64-byte signature as 128 lowercase hex characters.
  std::string SignHex(std::string_view message) const;
  const std::string& public_pem() const { return public_pem_; }
  const std::string& public_raw_hex() const { return public_raw_hex_; }

 private:
  PkeyPtr key_;
  std::string public_pem_;
  std::string public_raw_hex_;
};

class Ed25519Verifier {
 public:
  // INVALID_ARGUMENT if the PEM is not an Ed25519 public key.
  static StatusOr<Ed25519Verifier> FromPem(std::string_view pem);
  // INVALID_ARGUMENT unless 64 hex characters.
  static StatusOr<Ed25519Verifier> FromRawHex(std::string_view hex);
  bool Verify(std::string_view message, std::string_view sig_hex) const;
  const std::string& raw_hex() const { return raw_hex_; }

 private:
  std::shared_ptr<EVP_PKEY> key_;
  std::string raw_hex_;
};

// Reads or creates a 32-byte secret key file (0600) under keys_dir. Same errors as the signer.
StatusOr<std::string> LoadOrCreateSecretKey(const std::string& keys_dir, const std::string& name);

// Lowercase hex HMAC-SHA256 (RFC 2104).
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// AES-256-GCM with a random 12-byte nonce; out_ct_tag = ciphertext||16-byte tag.
Status Aes256GcmEncrypt(std::string_view key32, std::string_view plaintext, std::string_view aad,
                        std::string* nonce, std::string* ct_tag);
Status Aes256GcmDecrypt(std::string_view key32, std::string_view nonce, std::string_view ct_tag,
                        std::string_view aad, std::string* plaintext);

std::string Base64Encode(std::string_view bytes);
// Strict RFC 4648 decoding (padding required); false on bad input.
bool Base64Decode(std::string_view b64, std::string* out);

// Reads a whole file. NOT_FOUND / PERMISSION_DENIED / UNAVAILABLE with "<path>: <strerror>".
StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace gw::audit::internal
