#include "audit/internal/crypto.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "audit/internal/strcat.h"
#include "common/ids.h"

namespace gw::audit::internal {
namespace {

Status ErrnoStatus(const std::string& what, int err) {
  std::string msg = StrCat(what, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(msg);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(msg);
  return absl::UnavailableError(msg);
}

Status EnsurePrivateDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return ErrnoStatus(dir, errno);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) return ErrnoStatus(dir, errno);
  if (!S_ISDIR(st.st_mode)) return absl::FailedPreconditionError(dir + ": not a directory");
  if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) return ErrnoStatus(dir, errno);
  return absl::OkStatus();
}

// Reads a key file, refusing one readable or writable by group or others.
StatusOr<std::string> ReadPrivateFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return ErrnoStatus(path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return ErrnoStatus(path, e);
  }
  ::close(fd);
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 0777));
    return absl::PermissionDeniedError(StrCat(
        path, ": key file is accessible by group or others (mode ", mode, "); chmod 600 it"));
  }
  return ReadFile(path);
}

Status WriteNewFile(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return ErrnoStatus(tmp, errno);
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return ErrnoStatus(tmp, e);
    }
    off += static_cast<size_t>(n);
  }
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    return ErrnoStatus(tmp, e);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return ErrnoStatus(path, errno);
  return absl::OkStatus();
}

std::string RawPublicHex(EVP_PKEY* key) {
  unsigned char raw[32];
  size_t len = sizeof(raw);
  if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != 32) return "";
  return ToHex(std::string_view(reinterpret_cast<char*>(raw), len));
}

}  // namespace

void PkeyDeleter::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }

Hash Sha256(std::string_view bytes) {
  Hash h;
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), h.data(), &len, EVP_sha256(), nullptr);
  return h;
}

std::string HashHex(const Hash& h) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

bool IsLowerHex(std::string_view s, size_t len) {
  if (s.size() != len) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  out->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nib(hex[i]), lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

StatusOr<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, errno);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      return ErrnoStatus(path, e);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

StatusOr<std::unique_ptr<Ed25519Signer>> Ed25519Signer::LoadOrCreate(const std::string& keys_dir) {
  GW_RETURN_IF_ERROR(EnsurePrivateDir(keys_dir));
  const std::string priv_path = keys_dir + "/ed25519.pem";
  const std::string pub_path = keys_dir + "/ed25519.pub.pem";
  // The constructor is private (only this factory builds one), so no make_unique.
  std::unique_ptr<Ed25519Signer> signer(new Ed25519Signer());  // NOLINT(modernize-make-unique)
  auto existing = ReadPrivateFile(priv_path);
  if (existing.ok()) {
    BIO* bio = BIO_new_mem_buf(existing->data(), static_cast<int>(existing->size()));
    EVP_PKEY* k = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (k == nullptr || EVP_PKEY_get_base_id(k) != EVP_PKEY_ED25519) {
      EVP_PKEY_free(k);
      return absl::InvalidArgumentError(priv_path + ": not an Ed25519 private key (PKCS#8 PEM)");
    }
    signer->key_.reset(k);
  } else if (absl::IsNotFound(existing.status())) {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
    EVP_PKEY* k = nullptr;
    bool ok = ctx != nullptr && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &k) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) return absl::InternalError("Ed25519 key generation failed");
    signer->key_.reset(k);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, k, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<size_t>(len));
    BIO_free(bio);
    GW_RETURN_IF_ERROR(WriteNewFile(priv_path, pem, 0600));
  } else {
    return existing.status();
  }
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, signer->key_.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  signer->public_pem_.assign(data, static_cast<size_t>(len));
  BIO_free(bio);
  signer->public_raw_hex_ = RawPublicHex(signer->key_.get());
  if (signer->public_raw_hex_.empty()) return absl::InternalError("Ed25519 public key export");
  auto pub = ReadFile(pub_path);
  if (!pub.ok() || *pub != signer->public_pem_) {
    GW_RETURN_IF_ERROR(WriteNewFile(pub_path, signer->public_pem_, 0644));
  }
  return signer;
}

std::string Ed25519Signer::SignHex(std::string_view message) const {
  unsigned char sig[64];
  size_t sig_len = sizeof(sig);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_.get()) == 1 &&
      EVP_DigestSign(ctx, sig, &sig_len, reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  // A signing failure with a loaded key is an OpenSSL internal fault, not outside input.
  if (!ok || sig_len != 64) {
    std::fprintf(stderr, "FATAL audit: Ed25519 signing failed\n");
    std::abort();
  }
  return ToHex(std::string_view(reinterpret_cast<char*>(sig), sig_len));
}

StatusOr<Ed25519Verifier> Ed25519Verifier::FromPem(std::string_view pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (k == nullptr || EVP_PKEY_get_base_id(k) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(k);
    return absl::InvalidArgumentError("public key: not an Ed25519 public key (SPKI PEM)");
  }
  Ed25519Verifier v;
  v.key_.reset(k, EVP_PKEY_free);
  v.raw_hex_ = RawPublicHex(k);
  return v;
}

StatusOr<Ed25519Verifier> Ed25519Verifier::FromRawHex(std::string_view hex) {
  std::string raw;
  if (hex.size() != 64 || !HexDecode(hex, &raw)) {
    return absl::InvalidArgumentError("public key: expected 64 hex characters");
  }
  EVP_PKEY* k = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  if (k == nullptr) return absl::InvalidArgumentError("public key: not a valid Ed25519 key");
  Ed25519Verifier v;
  v.key_.reset(k, EVP_PKEY_free);
  v.raw_hex_ = RawPublicHex(k);
  return v;
}

bool Ed25519Verifier::Verify(std::string_view message, std::string_view sig_hex) const {
  std::string sig;
  if (sig_hex.size() != 128 || !HexDecode(sig_hex, &sig)) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

StatusOr<std::string> LoadOrCreateSecretKey(const std::string& keys_dir, const std::string& name) {
  GW_RETURN_IF_ERROR(EnsurePrivateDir(keys_dir));
  const std::string path = keys_dir + "/" + name;
  auto existing = ReadPrivateFile(path);
  if (existing.ok()) {
    if (existing->size() != 32) return absl::InvalidArgumentError(path + ": expected 32 bytes");
    return *existing;
  }
  if (!absl::IsNotFound(existing.status())) return existing.status();
  std::string key(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), 32) != 1) {
    return absl::InternalError("RAND_bytes failed");
  }
  GW_RETURN_IF_ERROR(WriteNewFile(path, key, 0600));
  return key;
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return ToHex(std::string_view(reinterpret_cast<char*>(out), len));
}

Status Aes256GcmEncrypt(std::string_view key32, std::string_view plaintext, std::string_view aad,
                        std::string* nonce, std::string* ct_tag) {
  if (key32.size() != 32) return absl::InvalidArgumentError("AES-256-GCM key must be 32 bytes");
  nonce->assign(12, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(nonce->data()), 12) != 1) {
    return absl::InternalError("RAND_bytes failed");
  }
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ct_tag->assign(plaintext.size() + 16, '\0');
  auto* out = reinterpret_cast<unsigned char*>(ct_tag->data());
  int len = 0, fin = 0;
  bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key32.data()),
                         reinterpret_cast<const unsigned char*>(nonce->data())) == 1 &&
      EVP_EncryptUpdate(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx, out, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx, out + len, &fin) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + plaintext.size()) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return absl::InternalError("AES-256-GCM encryption failed");
  return absl::OkStatus();
}

Status Aes256GcmDecrypt(std::string_view key32, std::string_view nonce, std::string_view ct_tag,
                        std::string_view aad, std::string* plaintext) {
  if (key32.size() != 32 || nonce.size() != 12 || ct_tag.size() < 16) {
    return absl::InvalidArgumentError("AES-256-GCM: bad key, nonce or ciphertext size");
  }
  size_t ct_len = ct_tag.size() - 16;
  plaintext->assign(ct_len, '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0, fin = 0;
  std::string tag(ct_tag.substr(ct_len));
  bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr,
                         reinterpret_cast<const unsigned char*>(key32.data()),
                         reinterpret_cast<const unsigned char*>(nonce.data())) == 1 &&
      EVP_DecryptUpdate(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(plaintext->data()), &len,
                        reinterpret_cast<const unsigned char*>(ct_tag.data()),
                        static_cast<int>(ct_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(plaintext->data()) + len, &fin) ==
          1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return absl::InvalidArgumentError("AES-256-GCM: authentication failed");
  return absl::OkStatus();
}

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool Base64Decode(std::string_view b64, std::string* out) {
  if (b64.size() % 4 != 0) return false;
  out->assign(b64.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out->data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return false;
  size_t pad = 0;
  if (!b64.empty() && b64.back() == '=') ++pad;
  if (b64.size() > 1 && b64[b64.size() - 2] == '=') ++pad;
  out->resize(static_cast<size_t>(n) - pad);
  return true;
}

}  // namespace gw::audit::internal
