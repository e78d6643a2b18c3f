#include "config/internal/values.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>

#include <algorithm>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "config/config.h"

namespace gw::config {
using internal::Cat;
namespace internal {
namespace {

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Parses a run of decimal digits; false on overflow of int64.
bool ParseDigits(std::string_view s, int64_t* out) {
  if (!AllDigits(s)) return false;
  int64_t v = 0;
  for (char c : s) {
    if (v > (std::numeric_limits<int64_t>::max() - (c - '0')) / 10) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string Join(const std::vector<std::string_view>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.append(sep);
    out.append(items[i]);
  }
  return out;
}

std::string Escape(std::string_view s, size_t max) {
  const std::string_view part = s.substr(0, max);
  return absl::CHexEscape(absl::string_view(part.data(), part.size()));
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 64;
  return Cat("\"", Escape(s, kMax), s.size() > kMax ? "...\"" : "\"");
}

StatusOr<uint32_t> ParseOctalMode(std::string_view s) {
  const bool ok = !s.empty() && s.size() <= 5 &&
                  std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '7'; });
  uint32_t v = 0;
  if (ok) {
    for (char c : s) v = v * 8 + static_cast<uint32_t>(c - '0');
  }
  if (!ok || v > 07777) {
    return absl::InvalidArgumentError(
        Cat("bad mode ", Quote(s), ": expected an octal string like \"0660\""));
  }
  return v;
}

StatusOr<HostPort> ParseHostPort(std::string_view s) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        Cat("expected host:port (e.g. \"127.0.0.1:7443\" or \"[::1]:7443\"), got ", Quote(s)));
  };
  HostPort hp;
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
      return bad();
    }
    hp.host = std::string(s.substr(1, close - 1));
    port = s.substr(close + 2);
    in6_addr a6;
    if (inet_pton(AF_INET6, hp.host.c_str(), &a6) != 1) return bad();
  } else {
    const size_t colon = s.rfind(':');
    if (colon == std::string_view::npos) return bad();
    hp.host = std::string(s.substr(0, colon));
    port = s.substr(colon + 1);
    // An unbracketed IPv6 address is ambiguous.
    if (hp.host.find(':') != std::string::npos) return bad();
    const bool host_ok =
        !hp.host.empty() && std::all_of(hp.host.begin(), hp.host.end(), [](char c) {
          return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' ||
                 c == '_';
        });
    if (!host_ok) return bad();
  }
  if (hp.host.empty() || !AllDigits(port) || port.size() > 6) return bad();
  int64_t p = 0;
  if (!ParseDigits(port, &p)) return bad();
  if (p > 65535) {
    return absl::InvalidArgumentError(Cat("port ", p, " out of range 0..65535"));
  }
  hp.port = p;
  return hp;
}

bool IsLoopbackHost(std::string_view host) {
  const std::string h(host);
  if (absl::AsciiStrToLower(h) == "localhost") return true;
  in_addr a4;
  if (inet_pton(AF_INET, h.c_str(), &a4) == 1) {
    return (ntohl(a4.s_addr) >> 24) == 127;
  }
  in6_addr a6;
  if (inet_pton(AF_INET6, h.c_str(), &a6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&a6);
  }
  return false;
}

std::string ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates) {
  if (word.size() > 64) return "";
  std::string best;
  size_t best_d = std::max<size_t>(1, word.size() / 3) + 1;
  std::vector<size_t> prev, cur;
  for (std::string_view c : candidates) {
    // Levenshtein distance, two rows.
    prev.resize(c.size() + 1);
    cur.resize(c.size() + 1);
    for (size_t j = 0; j <= c.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= word.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= c.size(); ++j) {
        const size_t sub = prev[j - 1] + (word[i - 1] == c[j - 1] ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    if (prev[c.size()] < best_d) {
      best_d = prev[c.size()];
      best = std::string(c);
    }
  }
  return best;
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    return std::string();
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(md), static_cast<size_t>(len)));
}

}  // namespace internal

StatusOr<Micros> ParseDuration(std::string_view s) {
  struct Unit {
    std::string_view suffix;
    int64_t micros;
  };
  // Longest suffixes first so "ms" is not read as "m" + "s".
  static constexpr Unit kUnits[] = {{"us", 1},         {"ms", 1'000},        {"s", 1'000'000},
                                    {"m", 60'000'000}, {"h", 3'600'000'000}, {"d", 86'400'000'000}};
  for (const Unit& u : kUnits) {
    if (s.size() <= u.suffix.size() || s.substr(s.size() - u.suffix.size()) != u.suffix) continue;
    std::string_view digits = s.substr(0, s.size() - u.suffix.size());
    if (!internal::AllDigits(digits)) break;
    int64_t n = 0;
    if (!internal::ParseDigits(digits, &n) || n > std::numeric_limits<int64_t>::max() / u.micros) {
      return absl::InvalidArgumentError(Cat("duration ", internal::Quote(s), " is too large"));
    }
    return Micros(n * u.micros);
  }
  return absl::InvalidArgumentError(
      Cat("bad duration ", internal::Quote(s),
          ": expected an integer with a unit us, ms, s, m, h or d (e.g. \"250ms\")"));
}

StatusOr<int64_t> ParseSize(std::string_view s) {
  struct Unit {
    std::string_view suffix;
    int shift;
  };
  static constexpr Unit kUnits[] = {{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"", 0}};
  for (const Unit& u : kUnits) {
    if (s.size() <= u.suffix.size() || s.substr(s.size() - u.suffix.size()) != u.suffix) continue;
    std::string_view digits = s.substr(0, s.size() - u.suffix.size());
    if (!internal::AllDigits(digits)) break;
    int64_t n = 0;
    if (!internal::ParseDigits(digits, &n) ||
        n > (std::numeric_limits<int64_t>::max() >> u.shift)) {
      return absl::InvalidArgumentError(Cat("size ", internal::Quote(s), " is too large"));
    }
    return n << u.shift;
  }
  return absl::InvalidArgumentError(
      Cat("bad size ", internal::Quote(s),
          ": expected a byte count or an integer with KiB, MiB, GiB or TiB (e.g. \"4MiB\")"));
}

StatusOr<UsdMicros> ParseUsd(std::string_view s) {
  const size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  const bool shape_ok =
      internal::AllDigits(whole) && (dot == std::string_view::npos || internal::AllDigits(frac));
  if (!shape_ok) {
    return absl::InvalidArgumentError(
        Cat("bad amount ", internal::Quote(s),
            ": expected a non-negative decimal number of USD (e.g. \"2.50\")"));
  }
  if (frac.size() > 6) {
    return absl::InvalidArgumentError(
        Cat("bad amount ", internal::Quote(s), ": more than 6 decimal places (1 micro-dollar)"));
  }
  int64_t w = 0;
  int64_t f = 0;
  constexpr int64_t kMaxWhole = std::numeric_limits<int64_t>::max() / 1'000'000 - 1;
  if (!internal::ParseDigits(whole, &w) || w > kMaxWhole) {
    return absl::InvalidArgumentError(Cat("amount ", internal::Quote(s), " is too large"));
  }
  if (!frac.empty()) {
    internal::ParseDigits(frac, &f);
    for (size_t i = frac.size(); i < 6; ++i) f *= 10;
  }
  return UsdMicros(w * 1'000'000 + f);
}

}  // namespace gw::config
