#include <gtest/gtest.h>

#include "cloud_adapters/resilience/circuit_breaker.h"
#include "cloud_adapters/resilience/retry.h"

namespace gw::cloud {
namespace {

TEST(CircuitBreaker, OpensHalfOpensAndCloses) {
  FakeClock clock;
  CircuitBreaker b({/*failure_threshold=*/3, /*open_duration=*/Micros(1'000'000)}, clock);
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.Allow());
    b.RecordFailure();
  }
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  ASSERT_TRUE(b.Allow());
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitState::kOpen);
  EXPECT_FALSE(b.Allow());
  clock.Advance(Micros(1'000'000));
  EXPECT_EQ(b.state(), CircuitState::kHalfOpen);
  EXPECT_TRUE(b.Allow());   // the probe
  EXPECT_FALSE(b.Allow());  // only one probe at a time
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitState::kOpen);
  clock.Advance(Micros(1'000'000));
  EXPECT_TRUE(b.Allow());
  b.Release();  // the probe never reached the provider
  EXPECT_TRUE(b.Allow());
  b.RecordSuccess();
  EXPECT_EQ(b.state(), CircuitState::kClosed);
  EXPECT_TRUE(b.Allow());
}

TEST(CircuitBreaker, SuccessResetsTheFailureCount) {
  FakeClock clock;
  CircuitBreaker b({2, Micros(1'000'000)}, clock);
  b.RecordFailure();
  b.RecordSuccess();
  b.RecordFailure();
  EXPECT_EQ(b.state(), CircuitState::kClosed);
}

TEST(Retry, BackoffIsBoundedExponentialWithJitter) {
  RetryPolicy p{Micros(100), Micros(1000)};
  std::mt19937_64 rng(42);
  for (int retry = 1; retry <= 8; ++retry) {
    int64_t cap = std::min<int64_t>(1000, 100LL << (retry - 1));
    int64_t max_seen = 0;
    for (int i = 0; i < 200; ++i) {
      Micros d = Backoff(p, retry, rng);
      ASSERT_GE(d.value(), 0);
      ASSERT_LE(d.value(), cap);
      max_seen = std::max(max_seen, d.value());
    }
    EXPECT_GT(max_seen, cap / 2) << "jitter spans the range";
  }
}

TEST(Retry, ParsesRetryAfter) {
  Micros now(1445412480LL * 1'000'000);  // 2015-10-21 07:28:00 UTC
  EXPECT_EQ(ParseRetryAfter("120", now), Micros(120'000'000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), Micros(0));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", now), Micros(10'000'000));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), Micros(0));
  EXPECT_FALSE(ParseRetryAfter("", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("-1", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("1.5", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("9999999999", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("tomorrow", now).has_value());
}

}  // namespace
}  // namespace gw::cloud
