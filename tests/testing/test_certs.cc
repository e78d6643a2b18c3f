#include "tests/testing/test_certs.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>

namespace gw::testing {
namespace {

EVP_PKEY* NewKey() {
  EVP_PKEY* k = EVP_EC_gen("P-256");
  if (k == nullptr) throw std::runtime_error("EVP_EC_gen failed");
  return k;
}

void WritePem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) throw std::runtime_error("cannot write " + path);
  if (cert != nullptr) PEM_write_X509(f, cert);
  if (key != nullptr) PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  if (key != nullptr) chmod(path.c_str(), 0600);
}

void AddExt(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) throw std::runtime_error("bad extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

X509* NewCert(const std::string& cn, EVP_PKEY* key, int serial, int days) {
  X509* c = X509_new();
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), serial);
  X509_gmtime_adj(X509_getm_notBefore(c), days < 0 ? (days - 1) * 86400L : -3600);
  X509_gmtime_adj(X509_getm_notAfter(c), days * 86400L);
  X509_set_pubkey(c, key);
  X509_NAME* name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
  return c;
}

}  // namespace

TestCa::TestCa(const std::string& dir, const std::string& name) : dir_(dir) {
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert(name, key, serial_++, 30);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  AddExt(cert, cert, NID_basic_constraints, "critical,CA:TRUE");
  AddExt(cert, cert, NID_key_usage, "critical,keyCertSign,cRLSign");
  X509_sign(cert, key, EVP_sha256());
  ca_cert_path_ = dir_ + "/" + name + "-ca.pem";
  WritePem(ca_cert_path_, cert, nullptr);
  ca_key_ = key;
  ca_cert_ = cert;
}

TestCa::~TestCa() {
  EVP_PKEY_free(static_cast<EVP_PKEY*>(ca_key_));
  X509_free(static_cast<X509*>(ca_cert_));
}

CertFiles TestCa::Issue(const std::string& cn, const std::vector<std::string>& dns_sans,
                        const std::vector<std::string>& ip_sans, int days) {
  auto* ca_cert = static_cast<X509*>(ca_cert_);
  EVP_PKEY* key = NewKey();
  X509* cert = NewCert(cn, key, serial_++, days);
  X509_set_issuer_name(cert, X509_get_subject_name(ca_cert));
  std::string san;
  for (const auto& d : dns_sans) san += (san.empty() ? "DNS:" : ",DNS:") + d;
  for (const auto& i : ip_sans) san += (san.empty() ? "IP:" : ",IP:") + i;
  if (!san.empty()) AddExt(cert, ca_cert, NID_subject_alt_name, san);
  AddExt(cert, ca_cert, NID_basic_constraints, "CA:FALSE");
  X509_sign(cert, static_cast<EVP_PKEY*>(ca_key_), EVP_sha256());
  CertFiles out{dir_ + "/" + cn + ".pem", dir_ + "/" + cn + ".key"};
  WritePem(out.cert, cert, nullptr);
  WritePem(out.key, nullptr, key);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

}  // namespace gw::testing
