#include "cloud_adapters/resilience/circuit_breaker.h"

namespace gw::cloud {

bool CircuitBreaker::Allow() {
  std::lock_guard<std::mutex> l(mu_);
  if (state_ == CircuitState::kOpen &&
      clock_.NowMonotonicMicros() - opened_at_ >= options_.open_duration) {
    state_ = CircuitState::kHalfOpen;
    probe_in_flight_ = false;
  }
  switch (state_) {
    case CircuitState::kClosed:
      return true;
    case CircuitState::kOpen:
      return false;
    case CircuitState::kHalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard<std::mutex> l(mu_);
  state_ = CircuitState::kClosed;
  failures_ = 0;
  probe_in_flight_ = false;
}

void CircuitBreaker::RecordFailure() {
  std::lock_guard<std::mutex> l(mu_);
  ++failures_;
  if (state_ == CircuitState::kHalfOpen || failures_ >= options_.failure_threshold) {
    state_ = CircuitState::kOpen;
    opened_at_ = clock_.NowMonotonicMicros();
    probe_in_flight_ = false;
  }
}

void CircuitBreaker::Release() {
  std::lock_guard<std::mutex> l(mu_);
  probe_in_flight_ = false;
}

CircuitState CircuitBreaker::state() const {
  std::lock_guard<std::mutex> l(mu_);
  if (state_ == CircuitState::kOpen &&
      clock_.NowMonotonicMicros() - opened_at_ >= options_.open_duration) {
    return CircuitState::kHalfOpen;
  }
  return state_;
}

}  // namespace gw::cloud
