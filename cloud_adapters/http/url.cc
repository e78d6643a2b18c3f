#include "cloud_adapters/http/url.h"

#include <cstdlib>

#include "cloud_adapters/strings.h"

namespace gw::cloud {

std::string Url::HostPort() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + std::to_string(port);
}

StatusOr<Url> ParseUrl(std::string_view s) {
  Url u;
  size_t p = s.find("://");
  if (p == std::string_view::npos) return absl::InvalidArgumentError("url: missing scheme");
  u.scheme = str::Lower(s.substr(0, p));
  if (u.scheme != "http" && u.scheme != "https") {
    return absl::InvalidArgumentError("url: scheme must be http or https");
  }
  std::string_view rest = s.substr(p + 3);
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return absl::InvalidArgumentError("url: userinfo is not supported");
  }
  std::string_view port_str;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return absl::InvalidArgumentError("url: bad IPv6 host");
    u.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return absl::InvalidArgumentError("url: bad port");
      port_str = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_str = authority.substr(colon + 1);
  }
  if (u.host.empty()) return absl::InvalidArgumentError("url: empty host");
  u.port = u.tls() ? 443 : 80;
  if (!port_str.empty()) {
    uint32_t port = 0;
    if (!str::ParseInt(port_str, &port) || port == 0 || port > 65535) {
      return absl::InvalidArgumentError("url: bad port");
    }
    u.port = static_cast<uint16_t>(port);
  }
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  u.path = std::string(path);
  return u;
}

std::optional<std::string> GetEnv(std::string_view name) {
  const char* v = std::getenv(std::string(name).c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

namespace {
std::optional<std::string> FirstEnv(const EnvLookup& env, std::string_view a, std::string_view b) {
  if (auto v = env(a); v && !v->empty()) return v;
  if (auto v = env(b); v && !v->empty()) return v;
  return std::nullopt;
}

bool NoProxyMatches(std::string_view no_proxy, std::string_view host) {
  std::string h = str::Lower(host);
  for (std::string_view entry : str::Split(no_proxy, ',')) {
    entry = str::Strip(entry);
    if (entry == "*") return true;
    size_t colon = entry.rfind(':');
    if (colon != std::string_view::npos && entry.find(']') == std::string_view::npos &&
        entry.find(':') == colon) {
      entry = entry.substr(0, colon);
    }
    if (entry.starts_with("*")) entry.remove_prefix(1);
    if (entry.starts_with(".")) entry.remove_prefix(1);
    std::string e = str::Lower(entry);
    if (e.empty()) continue;
    if (h == e) return true;
    if (h.size() > e.size() && h.ends_with(e) && h[h.size() - e.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}
}  // namespace

StatusOr<std::optional<Url>> ProxyFor(const Url& target, std::string_view configured,
                                      const EnvLookup& env) {
  std::optional<std::string> proxy;
  if (!configured.empty()) {
    proxy = std::string(configured);
  } else {
    proxy = target.tls() ? FirstEnv(env, "HTTPS_PROXY", "https_proxy")
                         : FirstEnv(env, "HTTP_PROXY", "http_proxy");
    if (proxy) {
      if (auto np = FirstEnv(env, "NO_PROXY", "no_proxy"); np && NoProxyMatches(*np, target.host)) {
        proxy.reset();
      }
    }
  }
  if (!proxy) return std::optional<Url>();
  std::string p = *proxy;
  if (p.find("://") == std::string::npos) p = "http://" + p;
  auto u = ParseUrl(p);
  if (!u.ok()) return absl::InvalidArgumentError("proxy " + std::string(u.status().message()));
  if (u->tls()) return absl::InvalidArgumentError("proxy url: only http:// proxies are supported");
  return std::optional<Url>(*u);
}

}  // namespace gw::cloud
