#include "cloud_adapters/resilience/retry.h"

#include <algorithm>
#include <ctime>
#include <string>

#include "absl/time/time.h"
#include "cloud_adapters/strings.h"

namespace gw::cloud {

Micros Backoff(const RetryPolicy& p, int retry, std::mt19937_64& rng) {
  int64_t cap = p.base_backoff.value();
  for (int i = 1; i < retry && cap < p.max_backoff.value(); ++i) cap *= 2;
  cap = std::min(cap, p.max_backoff.value());
  if (cap <= 0) return Micros(0);
  std::uniform_int_distribution<int64_t> d(0, cap);
  return Micros(d(rng));
}

std::optional<Micros> ParseRetryAfter(std::string_view value, Micros now_unix) {
  value = str::Strip(value);
  if (value.empty()) return std::nullopt;
  if (value.find_first_not_of("0123456789") == std::string_view::npos) {
    int64_t secs = 0;
    if (value.size() > 9 || !str::ParseInt(value, &secs)) return std::nullopt;
    return Micros(secs * 1'000'000);
  }
  absl::Time t;
  std::string err;
  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  if (!absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(value), &t, &err)) {
    return std::nullopt;
  }
  int64_t at = absl::ToUnixMicros(t);
  return Micros(std::max<int64_t>(0, at - now_unix.value()));
}

}  // namespace gw::cloud
