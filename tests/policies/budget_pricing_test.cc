// Pricing in integer micro-dollars and calendar windows in a time zone (injected instants).
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "policies/budget.h"

namespace gw::policies {
namespace {

config::PricingConfig Price(int64_t in, int64_t out, int64_t cached = 0) {
  config::PricingConfig p;
  p.input_per_mtok = UsdMicros(in);
  p.output_per_mtok = UsdMicros(out);
  p.cached_input_per_mtok = UsdMicros(cached);
  return p;
}

TEST(Pricing, EstimateIsPromptAtInputPlusMaxTokensAtOutputRoundedUp) {
  // $2.50 / $10.00 per million tokens.
  const auto p = Price(2'500'000, 10'000'000);
  auto c = EstimateCost(p, TokenCount(1000), TokenCount(500));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->value(), 2'500 + 5'000);
  // 1 token at $2.50/M = 2.5 µ$ → 3 µ$ (rounded up, never down).
  EXPECT_EQ(EstimateCost(p, TokenCount(1), TokenCount(0))->value(), 3);
  EXPECT_EQ(EstimateCost(p, TokenCount(0), TokenCount(0))->value(), 0);
  // Sub-micro-dollar prices still cost at least 1 µ$ once anything is used.
  EXPECT_EQ(EstimateCost(Price(1, 1), TokenCount(1), TokenCount(1))->value(), 1);
}

TEST(Pricing, ActualCostBillsCachedInputAtItsPrice) {
  const auto p = Price(3'000'000, 15'000'000, 300'000);
  auto c = ActualCost(p, TokenCount(10'000), TokenCount(2'000), TokenCount(8'000));
  ASSERT_TRUE(c.ok());
  // 2000 × 3 + 8000 × 0.3 + 2000 × 15 = 6000 + 2400 + 30000 µ$.
  EXPECT_EQ(c->value(), 38'400);
  // No cached price configured: cached input costs the input price.
  EXPECT_EQ(ActualCost(Price(3'000'000, 0), TokenCount(10), TokenCount(0), TokenCount(10))->value(),
            30);
}

TEST(Pricing, BadCountsAndOverflowAreErrors) {
  const auto p = Price(1'000'000, 1'000'000);
  EXPECT_EQ(EstimateCost(p, TokenCount(-1), TokenCount(0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ActualCost(p, TokenCount(1), TokenCount(0), TokenCount(2)).status().message(),
            "usage: cached input tokens exceed input tokens");
  EXPECT_EQ(EstimateCost(Price(INT64_MAX, INT64_MAX), TokenCount(INT64_MAX), TokenCount(INT64_MAX))
                .status()
                .code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_EQ(EstimateCost(Price(-1, 0), TokenCount(1), TokenCount(1)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Pricing, FormatUsd) {
  EXPECT_EQ(FormatUsd(UsdMicros(0)), "$0.000000");
  EXPECT_EQ(FormatUsd(UsdMicros(4200)), "$0.004200");
  EXPECT_EQ(FormatUsd(UsdMicros(12'345'678)), "$12.345678");
  EXPECT_EQ(FormatUsd(UsdMicros(-1)), "-$0.000001");
  EXPECT_EQ(FormatUsd(UsdMicros(INT64_MIN)), "-$9223372036854.775808");
}

Micros At(const std::string& tz_name, absl::CivilSecond cs) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(tz_name, &tz));
  return Micros(absl::ToUnixMicros(absl::FromCivil(cs, tz)));
}

constexpr int64_t kHour = 3600LL * 1'000'000;

TEST(CalendarWindows, UnknownZoneIsRefused) {
  auto w = CalendarWindows::Create("Mars/Olympus_Mons");
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().message(),
            "unknown time zone 'Mars/Olympus_Mons' (not in the system tz database)");
}

TEST(CalendarWindows, DailyWindowRollsOverAtLocalMidnight) {
  auto w = CalendarWindows::Create("Europe/Berlin");
  ASSERT_TRUE(w.ok());
  const Micros before = At("Europe/Berlin", absl::CivilSecond(2026, 11, 21, 23, 59, 59));
  const Micros after = At("Europe/Berlin", absl::CivilSecond(2026, 11, 22, 0, 0, 0));
  EXPECT_EQ(w->Daily(before).end, after);
  EXPECT_EQ(w->Daily(after).start, after);
  EXPECT_EQ(w->Label(config::BudgetWindow::kDaily, before), "2026-11-21");
  EXPECT_EQ(w->Label(config::BudgetWindow::kDaily, after), "2026-11-22");
  // 23:30 UTC is already tomorrow in Berlin (UTC+1 in November).
  const Micros utc_2330 = At("UTC", absl::CivilSecond(2026, 11, 21, 23, 30, 0));
  EXPECT_EQ(w->Daily(utc_2330).start, after);
}

TEST(CalendarWindows, MonthlyWindowRollsOverAtMonthEndsAndLeapDays) {
  auto w = CalendarWindows::Create("America/New_York");
  ASSERT_TRUE(w.ok());
  const Micros jan31 = At("America/New_York", absl::CivilSecond(2028, 1, 31, 23, 59, 59));
  const Micros feb1 = At("America/New_York", absl::CivilSecond(2028, 2, 1, 0, 0, 0));
  const Micros feb29 = At("America/New_York", absl::CivilSecond(2028, 2, 29, 12, 0, 0));
  const Micros mar1 = At("America/New_York", absl::CivilSecond(2028, 3, 1, 0, 0, 0));
  EXPECT_EQ(w->Monthly(jan31).end, feb1);
  EXPECT_EQ(w->Monthly(feb29).start, feb1);
  EXPECT_EQ(w->Monthly(feb29).end, mar1);
  EXPECT_EQ(w->Label(config::BudgetWindow::kMonthly, feb29), "2028-02");
  // December → January crosses the year.
  const Micros dec = At("America/New_York", absl::CivilSecond(2026, 12, 31, 23, 0, 0));
  EXPECT_EQ(w->Monthly(dec).end, At("America/New_York", absl::CivilSecond(2027, 1, 1, 0, 0, 0)));
}

TEST(CalendarWindows, DstDaysAre23And25HoursLong) {
  auto w = CalendarWindows::Create("Europe/Berlin");
  ASSERT_TRUE(w.ok());
  // 2026-03-29: clocks go 02:00 → 03:00; 2026-10-25: 03:00 → 02:00.
  const auto spring = w->Daily(At("Europe/Berlin", absl::CivilSecond(2026, 3, 29, 12, 0, 0)));
  EXPECT_EQ((spring.end - spring.start).value(), 23 * kHour);
  const auto autumn = w->Daily(At("Europe/Berlin", absl::CivilSecond(2026, 10, 25, 12, 0, 0)));
  EXPECT_EQ((autumn.end - autumn.start).value(), 25 * kHour);
}

TEST(CalendarWindows, MidnightSkippedByDstStartsAtTheTransition) {
  // America/Santiago moves 2026-09-06 00:00 → 01:00: that day has no midnight.
  auto w = CalendarWindows::Create("America/Santiago");
  ASSERT_TRUE(w.ok());
  const auto day = w->Daily(At("America/Santiago", absl::CivilSecond(2026, 9, 6, 12, 0, 0)));
  const auto prev = w->Daily(At("America/Santiago", absl::CivilSecond(2026, 9, 5, 12, 0, 0)));
  EXPECT_EQ(prev.end, day.start);  // windows tile time: no gap, no overlap
  EXPECT_EQ((day.end - day.start).value(), 23 * kHour);
}

}  // namespace
}  // namespace gw::policies
