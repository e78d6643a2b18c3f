#include "daemon/identity.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gw::daemon {

std::string Principal::Display() const {
  switch (source) {
    case Source::kUnixPeer:
      return absl::StrCat("user:", name);
    case Source::kMtls:
      return absl::StrCat("cert:", name);
    case Source::kToken:
      return absl::StrCat("token:", name);
  }
  return name;
}

IdentityResolver::IdentityResolver(const config::IdentityConfig& cfg, uid_t daemon_uid)
    : cfg_(cfg), daemon_uid_(daemon_uid) {}

bool IdentityResolver::IsAdmin(const std::string& name, const std::vector<std::string>& groups,
                               std::optional<uid_t> uid) const {
  if (uid.has_value() && (*uid == 0 || *uid == daemon_uid_)) return true;
  if (std::find(cfg_.admin_users.begin(), cfg_.admin_users.end(), name) != cfg_.admin_users.end()) {
    return true;
  }
  for (const auto& g : groups) {
    if (std::find(cfg_.admin_groups.begin(), cfg_.admin_groups.end(), g) !=
        cfg_.admin_groups.end()) {
      return true;
    }
  }
  return false;
}

Principal IdentityResolver::FromPeer(const PeerCred& cred) const {
  Principal p;
  p.source = Principal::Source::kUnixPeer;
  p.uid = cred.uid;
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* res = nullptr;
  gid_t primary = cred.gid;
  if (getpwuid_r(cred.uid, &pw, buf.data(), buf.size(), &res) == 0 && res != nullptr) {
    p.name = pw.pw_name;
    primary = pw.pw_gid;
    int ngroups = 64;
    std::vector<gid_t> gids(ngroups);
    if (getgrouplist(pw.pw_name, primary, gids.data(), &ngroups) == -1) {
      gids.resize(ngroups);
      getgrouplist(pw.pw_name, primary, gids.data(), &ngroups);
    }
    gids.resize(std::max(ngroups, 0));
    std::vector<char> gbuf(16384);
    for (gid_t g : gids) {
      group gr{};
      group* gres = nullptr;
      if (getgrgid_r(g, &gr, gbuf.data(), gbuf.size(), &gres) == 0 && gres != nullptr) {
        p.groups.emplace_back(gr.gr_name);
      } else {
        p.groups.push_back(absl::StrCat("gid:", g));
      }
    }
  } else {
    p.name = absl::StrCat("uid:", cred.uid);
    p.groups.push_back(absl::StrCat("gid:", cred.gid));
  }
  p.admin = IsAdmin(p.name, p.groups, p.uid);
  return p;
}

StatusOr<Principal> IdentityResolver::FromToken(std::string_view token) const {
  for (const auto& t : cfg_.tokens) {
    if (t.token.EqualsConstantTime(token)) {
      Principal p;
      p.source = Principal::Source::kToken;
      p.name = t.name;
      p.groups = t.groups;
      p.admin = t.admin || IsAdmin(p.name, p.groups, std::nullopt);
      return p;
    }
  }
  return absl::UnauthenticatedError("invalid bearer token: it matches no token in identity.tokens");
}

Principal IdentityResolver::FromCertificate(const std::string& name) const {
  Principal p;
  p.source = Principal::Source::kMtls;
  p.name = name;
  p.admin = IsAdmin(p.name, p.groups, std::nullopt);
  return p;
}

}  // namespace gw::daemon
