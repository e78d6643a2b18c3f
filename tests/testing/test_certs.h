// Test PKI: a CA and certificates signed by it, generated in-process with OpenSSL (EC P-256,
// SHA-256), written as PEM files. For tests only. Thread-safety: none needed.
#pragma once

#include <string>
#include <vector>

namespace gw::testing {

struct CertFiles {
  std::string cert;  // PEM certificate path
  std::string key;   // PEM private key path (mode 0600)
};

class TestCa {
 public:
  // Creates a CA named `name`; files go under `dir`.
  TestCa(const std::string& dir, const std::string& name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  const std::string& ca_cert_path() const { return ca_cert_path_; }
  // Issues a certificate with subject CN `cn` and the given DNS / IP subject alternative names,
  // valid from now-1h to now+`days` days (negative `days` makes an expired certificate).
  CertFiles Issue(const std::string& cn, const std::vector<std::string>& dns_sans,
                  const std::vector<std::string>& ip_sans, int days = 1);

 private:
  std::string dir_;
  std::string ca_cert_path_;
  void* ca_key_ = nullptr;   // EVP_PKEY*
  void* ca_cert_ = nullptr;  // X509*
  int serial_ = 1;
};

}  // namespace gw::testing
