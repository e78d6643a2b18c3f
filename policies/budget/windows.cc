// Calendar windows through Abseil's civil-time and time-zone library (cctz).
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "policies/budget.h"

namespace gw::policies {
namespace {

absl::Time FromMicros(Micros t) { return absl::FromUnixMicros(t.value()); }
Micros ToMicros(absl::Time t) { return Micros(absl::ToUnixMicros(t)); }

}  // namespace

StatusOr<CalendarWindows> CalendarWindows::Create(const std::string& iana_name) {
  absl::TimeZone tz;
  if (iana_name.empty() || !absl::LoadTimeZone(iana_name, &tz)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone '", iana_name, "' (not in the system tz database)"));
  }
  return CalendarWindows(iana_name, tz);
}

CalendarWindows::Window CalendarWindows::Daily(Micros t) const {
  const absl::CivilDay day = absl::ToCivilDay(FromMicros(t), tz_);
  // FromCivil resolves a midnight skipped by a DST jump to the transition instant.
  return Window{ToMicros(absl::FromCivil(day, tz_)), ToMicros(absl::FromCivil(day + 1, tz_))};
}

CalendarWindows::Window CalendarWindows::Monthly(Micros t) const {
  const absl::CivilMonth month = absl::ToCivilMonth(FromMicros(t), tz_);
  return Window{ToMicros(absl::FromCivil(month, tz_)), ToMicros(absl::FromCivil(month + 1, tz_))};
}

CalendarWindows::Window CalendarWindows::For(config::BudgetWindow w, Micros t) const {
  return w == config::BudgetWindow::kDaily ? Daily(t) : Monthly(t);
}

std::string CalendarWindows::Label(config::BudgetWindow w, Micros t) const {
  return absl::FormatTime(w == config::BudgetWindow::kDaily ? "%Y-%m-%d" : "%Y-%m", FromMicros(t),
                          tz_);
}

}  // namespace gw::policies
