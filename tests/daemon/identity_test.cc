#include "daemon/identity.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

namespace gw::daemon {
namespace {

config::IdentityConfig Cfg() {
  config::IdentityConfig c;
  c.admin_users = {"alice"};
  c.admin_groups = {"gw-admins"};
  config::TokenConfig t;
  t.name = "ci-bot";
  t.token = Secret("tok-123");
  t.groups = {"ci"};
  c.tokens.push_back(t);
  config::TokenConfig a;
  a.name = "ops";
  a.token = Secret("tok-ops");
  a.groups = {"gw-admins"};
  c.tokens.push_back(a);
  return c;
}

TEST(IdentityTest, RootPeerIsAdminWithGroups) {
  IdentityResolver r(Cfg(), /*daemon_uid=*/12345);
  Principal p = r.FromPeer({.pid = 1, .uid = 0, .gid = 0});
  EXPECT_EQ(p.name, "root");
  EXPECT_EQ(p.Display(), "user:root");
  EXPECT_TRUE(p.admin);
  EXPECT_FALSE(p.groups.empty());
  EXPECT_EQ(p.groups.front(), "root");
}

TEST(IdentityTest, UnknownUidIsNamedByNumberAndNotAdmin) {
  IdentityResolver r(Cfg(), /*daemon_uid=*/12345);
  Principal p = r.FromPeer({.pid = 1, .uid = 4000123, .gid = 4000123});
  EXPECT_EQ(p.name, "uid:4000123");
  EXPECT_FALSE(p.admin);
  ASSERT_EQ(p.groups.size(), 1u);
  EXPECT_EQ(p.groups[0], "gid:4000123");
}

TEST(IdentityTest, DaemonOwnUserIsAdmin) {
  passwd* nobody = getpwnam("nobody");
  if (nobody == nullptr) GTEST_SKIP() << "no user nobody";
  IdentityResolver as_other(Cfg(), /*daemon_uid=*/0);
  EXPECT_FALSE(as_other.FromPeer({1, nobody->pw_uid, nobody->pw_gid}).admin);
  IdentityResolver as_nobody(Cfg(), nobody->pw_uid);
  EXPECT_TRUE(as_nobody.FromPeer({1, nobody->pw_uid, nobody->pw_gid}).admin);
}

TEST(IdentityTest, TokensMapToTheirPrincipalAndGroups) {
  IdentityResolver r(Cfg(), 0);
  auto p = r.FromToken("tok-123");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->Display(), "token:ci-bot");
  EXPECT_EQ(p->groups, std::vector<std::string>{"ci"});
  EXPECT_FALSE(p->admin);
  auto ops = r.FromToken("tok-ops");
  ASSERT_TRUE(ops.ok());
  EXPECT_TRUE(ops->admin);  // via admin_groups
  auto bad = r.FromToken("tok-12");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(bad.status().message(), "invalid bearer token: it matches no token in identity.tokens");
}

TEST(IdentityTest, CertificateNamesAreAdminOnlyWhenListed) {
  IdentityResolver r(Cfg(), 0);
  EXPECT_TRUE(r.FromCertificate("alice").admin);
  EXPECT_FALSE(r.FromCertificate("bob").admin);
  EXPECT_EQ(r.FromCertificate("bob").Display(), "cert:bob");
}

}  // namespace
}  // namespace gw::daemon
