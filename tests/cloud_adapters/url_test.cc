#include "cloud_adapters/http/url.h"

#include <gtest/gtest.h>

#include <map>

namespace gw::cloud {
namespace {

TEST(Url, Parses) {
  auto u = ParseUrl("https://api.openai.com/v1/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "api.openai.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->path, "/v1");
  u = ParseUrl("http://[::1]:8080");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->HostPort(), "[::1]:8080");
  EXPECT_EQ(u->path, "");
}

TEST(Url, CorruptInputsGiveExactErrors) {
  const std::map<std::string, std::string> bad = {
      {"api.openai.com", "url: missing scheme"},
      {"ftp://x", "url: scheme must be http or https"},
      {"https://user:pw@x", "url: userinfo is not supported"},
      {"https://:443", "url: empty host"},
      {"https://x:0", "url: bad port"},
      {"https://x:70000", "url: bad port"},
      {"https://[::1", "url: bad IPv6 host"},
  };
  for (const auto& [in, err] : bad) {
    auto u = ParseUrl(in);
    ASSERT_FALSE(u.ok()) << in;
    EXPECT_EQ(u.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(u.status().message(), err) << in;
  }
}

TEST(Url, ProxyFromEnvironmentHonoursNoProxy) {
  std::map<std::string, std::string> env = {{"HTTPS_PROXY", "proxy.corp:3128"},
                                            {"NO_PROXY", "localhost, .internal.corp,10.0.0.1"}};
  EnvLookup lookup = [&](std::string_view k) -> std::optional<std::string> {
    auto it = env.find(std::string(k));
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  auto target = *ParseUrl("https://api.openai.com/v1");
  auto p = ProxyFor(target, "", lookup);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->has_value());
  EXPECT_EQ((*p)->HostPort(), "proxy.corp:3128");
  for (const char* direct :
       {"https://localhost:1", "https://llm.internal.corp", "https://10.0.0.1"}) {
    auto d = ProxyFor(*ParseUrl(direct), "", lookup);
    ASSERT_TRUE(d.ok());
    EXPECT_FALSE(d->has_value()) << direct;
  }
  // Configured proxy wins over the environment, even for NO_PROXY hosts.
  auto c = ProxyFor(*ParseUrl("https://localhost"), "http://127.0.0.1:9", lookup);
  ASSERT_TRUE(c.ok() && c->has_value());
  EXPECT_EQ((*c)->port, 9);
  // http:// targets use HTTP_PROXY, not HTTPS_PROXY.
  auto h = ProxyFor(*ParseUrl("http://vllm.local:8000"), "", lookup);
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(h->has_value());
  auto bad = ProxyFor(target, "https://proxy:1", lookup);
  EXPECT_EQ(bad.status().message(), "proxy url: only http:// proxies are supported");
}

}  // namespace
}  // namespace gw::cloud
