// ParseDuration, ParseSize, ParseUsd: accepted forms and exact rejections.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"
#include "tests/config/test_util.h"

namespace gw::config {
namespace {

struct DurationCase {
  std::string in;
  int64_t micros;
};

TEST(ParseDurationTest, AcceptsEveryUnit) {
  const DurationCase cases[] = {
      {"0s", 0},           {"250us", 250},          {"250ms", 250'000},         {"10s", 10'000'000},
      {"5m", 300'000'000}, {"24h", 86'400'000'000}, {"30d", 2'592'000'000'000}, {"1ms", 1'000}};
  for (const auto& c : cases) {
    StatusOr<Micros> d = ParseDuration(c.in);
    ASSERT_TRUE(d.ok()) << c.in << ": " << d.status();
    EXPECT_EQ(d->value(), c.micros) << c.in;
  }
}

TEST(ParseDurationTest, RejectsWithExactMessage) {
  const char* kTail = ": expected an integer with a unit us, ms, s, m, h or d (e.g. \"250ms\")";
  for (const char* in : {"", "10", "s", "1.5s", "-1s", "10 s", "10sec", "1e3s", "ms", "+5m"}) {
    StatusOr<Micros> d = ParseDuration(in);
    ASSERT_FALSE(d.ok()) << in;
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(testing::Msg(d.status()), std::string("bad duration \"") + in + "\"" + kTail);
  }
  StatusOr<Micros> big = ParseDuration("9999999999999999d");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(testing::Msg(big.status()), "duration \"9999999999999999d\" is too large");
}

TEST(ParseSizeTest, AcceptsBytesAndBinaryUnits) {
  EXPECT_EQ(*ParseSize("0"), 0);
  EXPECT_EQ(*ParseSize("1048576"), 1048576);
  EXPECT_EQ(*ParseSize("512KiB"), 512 * 1024);
  EXPECT_EQ(*ParseSize("4MiB"), 4 << 20);
  EXPECT_EQ(*ParseSize("1GiB"), int64_t{1} << 30);
  EXPECT_EQ(*ParseSize("2TiB"), int64_t{2} << 40);
}

TEST(ParseSizeTest, RejectsWithExactMessage) {
  const char* kTail =
      ": expected a byte count or an integer with KiB, MiB, GiB or TiB (e.g. \"4MiB\")";
  for (const char* in : {"", "4MB", "4 MiB", "1.5MiB", "-1", "KiB", "4mib", "0x10"}) {
    StatusOr<int64_t> v = ParseSize(in);
    ASSERT_FALSE(v.ok()) << in;
    EXPECT_EQ(testing::Msg(v.status()), std::string("bad size \"") + in + "\"" + kTail);
  }
  StatusOr<int64_t> big = ParseSize("9000000000TiB");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(testing::Msg(big.status()), "size \"9000000000TiB\" is too large");
}

TEST(ParseUsdTest, IsExact) {
  EXPECT_EQ(ParseUsd("0.000001")->value(), 1);
  EXPECT_EQ(ParseUsd("2.50")->value(), 2'500'000);
  EXPECT_EQ(ParseUsd("2.5")->value(), 2'500'000);
  EXPECT_EQ(ParseUsd("3")->value(), 3'000'000);
  EXPECT_EQ(ParseUsd("0")->value(), 0);
  EXPECT_EQ(ParseUsd("0.000015")->value(), 15);
  EXPECT_EQ(ParseUsd("1000.123456")->value(), 1'000'123'456);
  // 0.1 + 0.2 in floating point is not 0.3; here the amounts are exact integers.
  EXPECT_EQ(ParseUsd("0.1")->value() + ParseUsd("0.2")->value(), ParseUsd("0.3")->value());
}

TEST(ParseUsdTest, RejectsWithExactMessage) {
  const char* kTail = ": expected a non-negative decimal number of USD (e.g. \"2.50\")";
  for (const char* in : {"1e3", "", "-1", "+1", "1.", ".5", "$2", "2,50", "1.2.3", " 1", "nan"}) {
    StatusOr<UsdMicros> v = ParseUsd(in);
    ASSERT_FALSE(v.ok()) << in;
    EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(testing::Msg(v.status()), std::string("bad amount \"") + in + "\"" + kTail);
  }
  StatusOr<UsdMicros> fine = ParseUsd("0.0000001");
  ASSERT_FALSE(fine.ok());
  EXPECT_EQ(testing::Msg(fine.status()),
            "bad amount \"0.0000001\": more than 6 decimal places (1 micro-dollar)");
  StatusOr<UsdMicros> big = ParseUsd("99999999999999");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(testing::Msg(big.status()), "amount \"99999999999999\" is too large");
}

}  // namespace
}  // namespace gw::config
