// Identity: who is calling. A Principal is derived only from the transport — Unix socket peer
// credentials (SO_PEERCRED, see unix(7)), an mTLS client certificate, or a configured bearer
// token — never from the request body (DESIGN.md "Identity").
//
// Thread-safety: Principal is a value; IdentityResolver is immutable after construction and
// thread-safe.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace gw::daemon {

struct Principal {
  enum class Source { kUnixPeer, kMtls, kToken };
  std::string name;                 // user name, certificate name, or token name
  std::vector<std::string> groups;  // group names (Unix groups, or the token's groups)
  std::optional<uid_t> uid;         // Unix peer only
  bool admin = false;
  Source source = Source::kUnixPeer;

  // "user:alice", "token:ci-bot", "cert:client.example.com" — the form used in logs and audit.
  std::string Display() const;
};

// Unix peer credentials as read from SO_PEERCRED.
struct PeerCred {
  pid_t pid = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

class IdentityResolver {
 public:
  // `daemon_uid`: the daemon's effective uid; that user (and root) is always an admin.
  IdentityResolver(const config::IdentityConfig& cfg, uid_t daemon_uid);

  // Maps peer credentials to a principal: the uid's passwd name ("uid:<n>" if it has none) and
  // the names of all its groups (getgrouplist(3)). Never fails.
  Principal FromPeer(const PeerCred& cred) const;

  // Maps a presented bearer token to its configured principal (constant-time comparison).
  // UNAUTHENTICATED "invalid bearer token" if no configured token matches.
  StatusOr<Principal> FromToken(std::string_view token) const;

  // Maps an mTLS client certificate's name (CN or SAN, per config) to a principal.
  Principal FromCertificate(const std::string& name) const;

 private:
  bool IsAdmin(const std::string& name, const std::vector<std::string>& groups,
               std::optional<uid_t> uid) const;

  const config::IdentityConfig cfg_;
  const uid_t daemon_uid_;
};

}  // namespace gw::daemon
