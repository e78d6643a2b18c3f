// Absolute http/https URLs and proxy selection.
//
// ParseUrl accepts "scheme://host[:port][/path]" with scheme http or https (RFC 3986 subset: no
// userinfo, IPv6 literals in brackets). ProxyFor follows the curl conventions for HTTPS_PROXY /
// https_proxy and NO_PROXY / no_proxy (comma-separated host suffixes, "*" = all, optional port
// ignored) because that is what companies configure (https://curl.se/docs/manpage.html#--noproxy).
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gw::cloud {

struct Url {
  std::string scheme;  // "http" | "https"
  std::string host;    // without brackets
  uint16_t port = 0;   // defaulted from scheme
  std::string path;    // "" or "/..." without trailing slash
  bool tls() const { return scheme == "https"; }
  std::string HostPort() const;  // "host:port" (IPv6 bracketed)
};

// INVALID_ARGUMENT "url: <reason>" on anything else.
StatusOr<Url> ParseUrl(std::string_view url);

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;
// Reads the process environment.
std::optional<std::string> GetEnv(std::string_view name);

// The proxy to use for `target`: `configured` if not empty, else HTTPS_PROXY/https_proxy (for
// https targets) or HTTP_PROXY/http_proxy (http targets) unless NO_PROXY/no_proxy matches the
// host. nullopt = connect directly. INVALID_ARGUMENT if the proxy URL does not parse.
StatusOr<std::optional<Url>> ProxyFor(const Url& target, std::string_view configured,
                                      const EnvLookup& env);

}  // namespace gw::cloud
