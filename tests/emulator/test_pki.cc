#include "tests/emulator/test_pki.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <memory>

namespace gw::emulator {
namespace {

struct Del {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Del>;
using Cert = std::unique_ptr<X509, Del>;

std::string Pem(X509* x) {
  std::unique_ptr<BIO, Del> b(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(b.get(), x);
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, n);
}

std::string Pem(EVP_PKEY* k) {
  std::unique_ptr<BIO, Del> b(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(b.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, n);
}

bool AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

Cert MakeCert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, long not_before,
              long not_after, const char* san, bool ca, long serial) {
  Cert c(X509_new());
  X509_set_version(c.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), not_before);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), not_after);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* iss = issuer ? issuer : c.get();
  X509_set_issuer_name(c.get(), X509_get_subject_name(iss));
  bool ok = true;
  if (ca) {
    ok &= AddExt(c.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
    ok &= AddExt(c.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok &= AddExt(c.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
    ok &= AddExt(c.get(), iss, NID_ext_key_usage, "serverAuth");
    ok &= AddExt(c.get(), iss, NID_subject_alt_name, san);
  }
  ok &= AddExt(c.get(), iss, NID_subject_key_identifier, "hash");
  if (!ok || X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) return nullptr;
  return c;
}

}  // namespace

StatusOr<TestPki> MakeTestPki() {
  Key ca_key(EVP_EC_gen("P-256"));
  Key key(EVP_EC_gen("P-256"));
  if (!ca_key || !key) return absl::InternalError("EVP_EC_gen failed");
  const long day = 24 * 3600;
  Cert ca = MakeCert(ca_key.get(), "gatewayd test CA", nullptr, nullptr, -day, 30 * day, nullptr,
                     true, 1);
  if (!ca) return absl::InternalError("cannot make CA certificate");
  const char* san = "DNS:localhost,IP:127.0.0.1";
  Cert good =
      MakeCert(key.get(), "localhost", ca.get(), ca_key.get(), -day, 30 * day, san, false, 2);
  Cert expired =
      MakeCert(key.get(), "localhost", ca.get(), ca_key.get(), -3 * day, -day, san, false, 3);
  Cert self = MakeCert(key.get(), "localhost", nullptr, nullptr, -day, 30 * day, san, false, 4);
  Cert wrong = MakeCert(key.get(), "other.example", ca.get(), ca_key.get(), -day, 30 * day,
                        "DNS:other.example", false, 5);
  if (!good || !expired || !self || !wrong) return absl::InternalError("cannot make certificate");
  TestPki p;
  p.ca_cert_pem = Pem(ca.get());
  p.server_key_pem = Pem(key.get());
  p.server_cert_pem = Pem(good.get());
  p.expired_cert_pem = Pem(expired.get());
  p.self_signed_cert_pem = Pem(self.get());
  p.wrong_host_cert_pem = Pem(wrong.get());
  return p;
}

Status WriteFile(const std::string& path, const std::string& contents) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError("cannot create " + path);
  size_t off = 0;
  while (off < contents.size()) {
    ssize_t n = ::write(fd, contents.data() + off, contents.size() - off);
    if (n <= 0) {
      ::close(fd);
      return absl::InternalError("cannot write " + path);
    }
    off += static_cast<size_t>(n);
  }
  ::close(fd);
  return Status();
}

}  // namespace gw::emulator
