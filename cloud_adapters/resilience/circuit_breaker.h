// Per-adapter circuit breaker (the closed / open / half-open machine described by M. Nygard,
// "Release It!", and Envoy's outlier detection): `failure_threshold` consecutive failed calls
// open the circuit; after `open_duration` one probe call is let through (half-open); its
// success closes the circuit, its failure reopens it.
// Time comes from an injected Clock. Thread-safe.
#pragma once

#include <mutex>

#include "absl/base/thread_annotations.h"
#include "cloud_adapters/provider.h"
#include "common/clock.h"

namespace gw::cloud {

struct CircuitBreakerOptions {
  int failure_threshold = 5;
  Micros open_duration = Micros(30'000'000);
};

class CircuitBreaker {
 public:
  CircuitBreaker(CircuitBreakerOptions options, const Clock& clock)
      : options_(options), clock_(clock) {}
  // True if a call may start now (in half-open: only the single probe).
  bool Allow();
  void RecordSuccess();
  void RecordFailure();
  // Gives back an allowed call that never reached the provider (frees the half-open probe).
  void Release();
  // The state as of now (an open circuit whose time is up reads as half-open).
  CircuitState state() const;

 private:
  const CircuitBreakerOptions options_;
  const Clock& clock_;
  mutable std::mutex mu_;
  CircuitState state_ ABSL_GUARDED_BY(mu_) = CircuitState::kClosed;
  int failures_ ABSL_GUARDED_BY(mu_) = 0;
  Micros opened_at_ ABSL_GUARDED_BY(mu_){0};
  bool probe_in_flight_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace gw::cloud
