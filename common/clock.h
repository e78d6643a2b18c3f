// Injectable clocks. Production code takes a `Clock&`; tests pass a FakeClock.
//
// Thread-safety: SystemClock is stateless; FakeClock is thread-safe (atomic).
#pragma once

#include <atomic>
#include <chrono>

#include "common/units.h"

namespace gw {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time: microseconds since the Unix epoch, UTC.
  virtual Micros NowUnixMicros() const = 0;
  // Monotonic time in microseconds from an arbitrary origin; use for durations and deadlines.
  virtual Micros NowMonotonicMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  Micros NowUnixMicros() const override {
    return Micros(std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count());
  }
  Micros NowMonotonicMicros() const override {
    return Micros(std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now().time_since_epoch())
                      .count());
  }
  // A process-wide instance.
  static SystemClock& Get() {
    static SystemClock clock;
    return clock;
  }
};

// A clock that only moves when told to; both readings move together.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Micros start_unix = Micros(1'700'000'000'000'000))
      : now_(start_unix.value()) {}
  Micros NowUnixMicros() const override { return Micros(now_.load()); }
  Micros NowMonotonicMicros() const override { return Micros(now_.load()); }
  void Advance(Micros d) { now_.fetch_add(d.value()); }
  void Set(Micros unix_now) { now_.store(unix_now.value()); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace gw
