// Integer pricing: micro-dollars per million tokens → micro-dollars, rounded up.
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "policies/budget.h"

namespace gw::policies {
namespace {

constexpr __int128 kPerMillion = 1'000'000;

// ceil(sum / 1e6) of a non-negative 128-bit sum, or OUT_OF_RANGE if it does not fit int64.
StatusOr<UsdMicros> RoundUp(__int128 sum) {
  const __int128 v = (sum + kPerMillion - 1) / kPerMillion;
  if (v > std::numeric_limits<int64_t>::max()) {
    return absl::OutOfRangeError("cost does not fit in int64 micro-dollars");
  }
  return UsdMicros(static_cast<int64_t>(v));
}

Status CheckPrices(const config::PricingConfig& p) {
  if (p.input_per_mtok.value() < 0 || p.output_per_mtok.value() < 0 ||
      p.cached_input_per_mtok.value() < 0) {
    return absl::InvalidArgumentError("pricing: negative price");
  }
  return absl::OkStatus();
}

}  // namespace

StatusOr<UsdMicros> EstimateCost(const config::PricingConfig& p, TokenCount prompt_tokens,
                                 TokenCount max_tokens) {
  GW_RETURN_IF_ERROR(CheckPrices(p));
  if (prompt_tokens.value() < 0 || max_tokens.value() < 0) {
    return absl::InvalidArgumentError("cost estimate: negative token count");
  }
  const __int128 sum = static_cast<__int128>(prompt_tokens.value()) * p.input_per_mtok.value() +
                       static_cast<__int128>(max_tokens.value()) * p.output_per_mtok.value();
  return RoundUp(sum);
}

StatusOr<UsdMicros> ActualCost(const config::PricingConfig& p, TokenCount input, TokenCount output,
                               TokenCount cached_input) {
  GW_RETURN_IF_ERROR(CheckPrices(p));
  if (input.value() < 0 || output.value() < 0 || cached_input.value() < 0) {
    return absl::InvalidArgumentError("usage: negative token count");
  }
  if (cached_input > input) {
    return absl::InvalidArgumentError("usage: cached input tokens exceed input tokens");
  }
  const int64_t cached_price = p.cached_input_per_mtok.value() > 0 ? p.cached_input_per_mtok.value()
                                                                   : p.input_per_mtok.value();
  const __int128 sum =
      static_cast<__int128>(input.value() - cached_input.value()) * p.input_per_mtok.value() +
      static_cast<__int128>(cached_input.value()) * cached_price +
      static_cast<__int128>(output.value()) * p.output_per_mtok.value();
  return RoundUp(sum);
}

std::string FormatUsd(UsdMicros v) {
  const int64_t x = v.value();
  // Magnitude as unsigned so that INT64_MIN does not overflow.
  const uint64_t mag = x < 0 ? 0 - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
  return absl::StrFormat("%s$%d.%06d", x < 0 ? "-" : "", mag / 1'000'000, mag % 1'000'000);
}

}  // namespace gw::policies
