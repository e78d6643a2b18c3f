// Strong types for units that must not be mixed up (CONVENTIONS.md "Naming").
//
// Micros     a duration or timestamp in microseconds (int64).
// UsdMicros  an amount of money in micro-dollars (1 USD = 1,000,000); costs are never floats.
// TokenCount a number of tokens.
// All are trivially copyable value types; thread-safe as values.
#pragma once

#include <compare>
#include <cstdint>

namespace gw {

template <typename Tag, typename Rep = int64_t>
class StrongInt {
 public:
  using rep = Rep;
  constexpr StrongInt() = default;
  constexpr explicit StrongInt(Rep v) : v_(v) {}
  constexpr Rep value() const { return v_; }
  constexpr auto operator<=>(const StrongInt&) const = default;
  constexpr StrongInt operator+(StrongInt o) const { return StrongInt(v_ + o.v_); }
  constexpr StrongInt operator-(StrongInt o) const { return StrongInt(v_ - o.v_); }
  constexpr StrongInt& operator+=(StrongInt o) {
    v_ += o.v_;
    return *this;
  }
  constexpr StrongInt& operator-=(StrongInt o) {
    v_ -= o.v_;
    return *this;
  }

 private:
  Rep v_ = 0;
};

struct MicrosTag {};
struct UsdMicrosTag {};
struct TokenCountTag {};

using Micros = StrongInt<MicrosTag, int64_t>;
using UsdMicros = StrongInt<UsdMicrosTag, int64_t>;
using TokenCount = StrongInt<TokenCountTag, int64_t>;

}  // namespace gw
