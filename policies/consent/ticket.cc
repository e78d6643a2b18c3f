// Ticket payload encoding, HMAC-SHA256 signing (OpenSSL) and the consent key file.
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/check.h"
#include "policies/consent.h"

namespace gw::policies {
namespace {

constexpr uint8_t kVersion = 1;
constexpr size_t kMaxString = 4096;
constexpr size_t kMaxFindings = 256;
constexpr size_t kMaxToken = 16 << 10;
constexpr size_t kKeyBytes = 32;

void PutU32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutI64(std::string& out, int64_t v) {
  const auto u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}
void PutStr(std::string& out, const std::string& s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out += s;
}

Status Malformed(std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("consent ticket is malformed: ", std::string(what)));
}

// A cursor over payload bytes; every read checks the remaining length.
class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  StatusOr<uint32_t> U32(std::string_view field) {
    if (b_.size() < 4) return Malformed(absl::StrCat("truncated at ", std::string(field)));
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(b_[i]);
    b_.remove_prefix(4);
    return v;
  }
  StatusOr<int64_t> I64(std::string_view field) {
    if (b_.size() < 8) return Malformed(absl::StrCat("truncated at ", std::string(field)));
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(b_[i]);
    b_.remove_prefix(8);
    return static_cast<int64_t>(v);
  }
  StatusOr<bool> Bool(std::string_view field) {
    if (b_.empty()) return Malformed(absl::StrCat("truncated at ", std::string(field)));
    const auto c = static_cast<uint8_t>(b_[0]);
    b_.remove_prefix(1);
    if (c > 1) return Malformed(absl::StrCat(std::string(field), " is not a boolean"));
    return c == 1;
  }
  StatusOr<std::string> Str(std::string_view field) {
    GW_ASSIGN_OR_RETURN(uint32_t n, U32(field));
    if (n > kMaxString) {
      return Malformed(absl::StrCat(std::string(field), " longer than ", kMaxString, " bytes"));
    }
    if (b_.size() < n) return Malformed(absl::StrCat("truncated at ", std::string(field)));
    std::string s(b_.substr(0, n));
    b_.remove_prefix(n);
    return s;
  }
  bool empty() const { return b_.empty(); }

 private:
  std::string_view b_;
};

}  // namespace

std::string EncodeTicketPayload(const ConsentTicket& t) {
  std::string out;
  out.push_back(static_cast<char>(kVersion));
  PutStr(out, t.principal);
  PutStr(out, t.request_digest);
  PutStr(out, t.adapter);
  PutStr(out, t.provider);
  PutStr(out, t.region);
  PutStr(out, t.data_class);
  PutU32(out, static_cast<uint32_t>(t.findings.size()));
  for (const auto& f : t.findings) {
    PutStr(out, f.type);
    PutI64(out, f.count);
  }
  out.push_back(t.redaction ? 1 : 0);
  PutI64(out, t.estimated_cost.value());
  PutStr(out, t.category);
  PutStr(out, t.app_id);
  PutI64(out, t.issued_at.value());
  PutI64(out, t.expires_at.value());
  PutStr(out, t.nonce);
  return out;
}

StatusOr<ConsentTicket> DecodeTicketPayload(std::string_view payload) {
  if (payload.empty()) return Malformed("empty payload");
  if (static_cast<uint8_t>(payload[0]) != kVersion) {
    return Malformed(
        absl::StrCat("unknown version ", static_cast<int>(static_cast<uint8_t>(payload[0]))));
  }
  Reader r(payload.substr(1));
  ConsentTicket t;
  GW_ASSIGN_OR_RETURN(t.principal, r.Str("principal"));
  GW_ASSIGN_OR_RETURN(t.request_digest, r.Str("request_digest"));
  GW_ASSIGN_OR_RETURN(t.adapter, r.Str("adapter"));
  GW_ASSIGN_OR_RETURN(t.provider, r.Str("provider"));
  GW_ASSIGN_OR_RETURN(t.region, r.Str("region"));
  GW_ASSIGN_OR_RETURN(t.data_class, r.Str("data_class"));
  GW_ASSIGN_OR_RETURN(uint32_t n, r.U32("findings"));
  if (n > kMaxFindings) return Malformed(absl::StrCat("more than ", kMaxFindings, " findings"));
  for (uint32_t i = 0; i < n; ++i) {
    TicketFinding f;
    GW_ASSIGN_OR_RETURN(f.type, r.Str("finding type"));
    GW_ASSIGN_OR_RETURN(f.count, r.I64("finding count"));
    t.findings.push_back(std::move(f));
  }
  GW_ASSIGN_OR_RETURN(t.redaction, r.Bool("redaction"));
  GW_ASSIGN_OR_RETURN(int64_t cost, r.I64("estimated_cost"));
  t.estimated_cost = UsdMicros(cost);
  GW_ASSIGN_OR_RETURN(t.category, r.Str("category"));
  GW_ASSIGN_OR_RETURN(t.app_id, r.Str("app_id"));
  GW_ASSIGN_OR_RETURN(int64_t issued, r.I64("issued_at"));
  GW_ASSIGN_OR_RETURN(int64_t expires, r.I64("expires_at"));
  t.issued_at = Micros(issued);
  t.expires_at = Micros(expires);
  GW_ASSIGN_OR_RETURN(t.nonce, r.Str("nonce"));
  if (!r.empty()) return Malformed("trailing bytes after the last field");
  return t;
}

TicketSigner::TicketSigner(Secret key) : key_(std::move(key)) {
  GW_CHECK(key_.Reveal().size() == kKeyBytes);
}

std::string TicketSigner::Mac(std::string_view payload) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string& k = key_.Reveal();
  const unsigned char* ok =
      HMAC(EVP_sha256(), k.data(), static_cast<int>(k.size()),
           reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), out, &len);
  // HMAC with SHA-256 and an in-memory key fails only if OpenSSL itself is broken.
  GW_CHECK(ok != nullptr && len == 32);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string TicketSigner::Sign(const ConsentTicket& t) const {
  const std::string payload = EncodeTicketPayload(t);
  return absl::StrCat(absl::WebSafeBase64Escape(payload), ".",
                      absl::WebSafeBase64Escape(Mac(payload)));
}

StatusOr<ConsentTicket> TicketSigner::Verify(std::string_view token, TicketRefusal* refusal) const {
  TicketRefusal ignored;
  if (refusal == nullptr) refusal = &ignored;
  *refusal = TicketRefusal::kMalformed;
  if (token.empty()) return Malformed("empty ticket");
  if (token.size() > kMaxToken) {
    return Malformed(absl::StrCat("longer than ", kMaxToken, " bytes"));
  }
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) {
    return Malformed("expected <payload>.<signature>");
  }
  const std::string_view p64 = token.substr(0, dot);
  const std::string_view m64 = token.substr(dot + 1);
  for (std::string_view part : {p64, m64}) {
    for (char c : part) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
      if (!ok) return Malformed("not base64url (RFC 4648 section 5, no padding)");
    }
  }
  std::string payload;
  std::string mac;
  if (!absl::WebSafeBase64Unescape(std::string(p64), &payload) ||
      !absl::WebSafeBase64Unescape(std::string(m64), &mac)) {
    return Malformed("not base64url (RFC 4648 section 5, no padding)");
  }
  if (mac.size() != 32) return Malformed("signature is not 32 bytes");
  const std::string want = Mac(payload);
  if (CRYPTO_memcmp(want.data(), mac.data(), want.size()) != 0) {
    *refusal = TicketRefusal::kForgedOrAltered;
    return absl::InvalidArgumentError(
        "consent ticket signature does not verify: the ticket was forged or altered, or was "
        "issued by another gatewayd");
  }
  return DecodeTicketPayload(payload);
}

StatusOr<Secret> LoadOrCreateConsentKey(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    unsigned char key[kKeyBytes];
    if (RAND_bytes(key, sizeof(key)) != 1) {
      return absl::UnavailableError("consent key: the system CSPRNG failed");
    }
    const int wfd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (wfd >= 0) {
      const ssize_t n = ::write(wfd, key, sizeof(key));
      const bool synced = n == static_cast<ssize_t>(sizeof(key)) && ::fsync(wfd) == 0;
      const int err = errno;
      ::close(wfd);
      if (!synced) {
        ::unlink(path.c_str());
        OPENSSL_cleanse(key, sizeof(key));
        return absl::UnavailableError(
            absl::StrCat("consent key: cannot write ", path, ": ", std::strerror(err)));
      }
      Secret s(std::string(reinterpret_cast<const char*>(key), sizeof(key)));
      OPENSSL_cleanse(key, sizeof(key));
      return s;
    }
    OPENSSL_cleanse(key, sizeof(key));
    if (errno != EEXIST) {
      return absl::UnavailableError(
          absl::StrCat("consent key: cannot create ", path, ": ", std::strerror(errno)));
    }
    // Another process created it first: read theirs.
    fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd < 0) {
    if (errno == ELOOP) {
      return absl::PermissionDeniedError(
          absl::StrCat("consent key: ", path, " is a symbolic link; refusing it"));
    }
    return absl::UnavailableError(
        absl::StrCat("consent key: cannot open ", path, ": ", std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat("consent key: cannot stat ", path, ": ", std::strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::PermissionDeniedError(
        absl::StrCat("consent key: ", path, " is not a regular file"));
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return absl::PermissionDeniedError(absl::StrCat("consent key: ", path,
                                                    " is accessible to group or others (mode ",
                                                    mode, "); run chmod 600 on it"));
  }
  if (st.st_uid != ::geteuid()) {
    ::close(fd);
    return absl::PermissionDeniedError(absl::StrCat("consent key: ", path, " is owned by uid ",
                                                    st.st_uid, ", not by the daemon's uid ",
                                                    ::geteuid()));
  }
  if (st.st_size != static_cast<off_t>(kKeyBytes)) {
    ::close(fd);
    return absl::FailedPreconditionError(absl::StrCat("consent key: ", path, " must be exactly ",
                                                      kKeyBytes, " bytes, found ", st.st_size));
  }
  std::string key(kKeyBytes, '\0');
  const ssize_t n = ::read(fd, key.data(), key.size());
  const int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeyBytes)) {
    OPENSSL_cleanse(key.data(), key.size());
    return absl::UnavailableError(absl::StrCat("consent key: cannot read ", path, ": ",
                                               n < 0 ? std::strerror(err) : "short read"));
  }
  Secret s(key);
  OPENSSL_cleanse(key.data(), key.size());
  return s;
}

std::string_view TicketRefusalName(TicketRefusal r) {
  switch (r) {
    case TicketRefusal::kMalformed:
      return "malformed";
    case TicketRefusal::kForgedOrAltered:
      return "forged_or_altered";
    case TicketRefusal::kWrongPrincipal:
      return "wrong_principal";
    case TicketRefusal::kWrongRequest:
      return "wrong_request";
    case TicketRefusal::kExpired:
      return "expired";
    case TicketRefusal::kReplayed:
      return "replayed";
  }
  return "unknown";
}

}  // namespace gw::policies
