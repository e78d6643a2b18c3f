// Retry policy: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
// Backoff And Jitter", 2015) and Retry-After (RFC 9110 section 10.2.3: delay-seconds or an
// HTTP-date). Thread-safety: RetryPolicy is an immutable value; Backoff takes the caller's RNG.
#pragma once

#include <optional>
#include <random>
#include <string_view>

#include "common/units.h"

namespace gw::cloud {

struct RetryPolicy {
  Micros base_backoff = Micros(250'000);   // first retry waits up to this
  Micros max_backoff = Micros(8'000'000);  // cap of one wait
};

// The wait before retry number `retry` (1-based): uniform in [0, min(max, base * 2^(retry-1))].
Micros Backoff(const RetryPolicy& p, int retry, std::mt19937_64& rng);

// Parses a Retry-After value; nullopt if malformed. `now_unix` converts an HTTP-date to a delay
// (a date in the past gives 0).
std::optional<Micros> ParseRetryAfter(std::string_view value, Micros now_unix);

}  // namespace gw::cloud
