// String concatenation that accepts std::string_view (the system Abseil is built with its own
// absl::string_view, so absl::StrCat does not take std::string_view). Internal to audit/.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>

namespace gw::audit::internal {

inline void AppendPiece(std::string* out, std::string_view s) { out->append(s); }
inline void AppendPiece(std::string* out, const char* s) { out->append(s); }
inline void AppendPiece(std::string* out, const std::string& s) { out->append(s); }
template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
void AppendPiece(std::string* out, T v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

template <typename... Args>
void StrAppend(std::string* out, const Args&... args) {
  (AppendPiece(out, args), ...);
}

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (AppendPiece(&out, args), ...);
  return out;
}

}  // namespace gw::audit::internal
