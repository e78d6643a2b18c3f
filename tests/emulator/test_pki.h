// Test certificates made with the OpenSSL APIs at run time (no key material in the repo): a CA,
// a server certificate it signs for DNS:localhost and IP:127.0.0.1, the same certificate
// expired, a self-signed one, and one for another host name. P-256 keys, SHA-256 signatures.
// Thread-safety: MakeTestPki is thread-safe.
#pragma once

#include <string>

#include "common/status.h"

namespace gw::emulator {

struct TestPki {
  std::string ca_cert_pem;
  std::string server_key_pem;        // key of every server certificate below
  std::string server_cert_pem;       // valid now, signed by the CA
  std::string expired_cert_pem;      // signed by the CA, expired yesterday
  std::string self_signed_cert_pem;  // valid dates, not signed by the CA
  std::string wrong_host_cert_pem;   // signed by the CA for DNS:other.example only
};

// INTERNAL on an OpenSSL failure.
StatusOr<TestPki> MakeTestPki();

// Writes `contents` to `path` with mode 0600. INTERNAL on failure.
Status WriteFile(const std::string& path, const std::string& contents);

}  // namespace gw::emulator
