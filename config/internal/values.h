// Scalar value parsers and small helpers shared by the config loader (internal to config/).
//
// Thread-safety: all functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/status.h"

namespace gw::config::internal {

// String concatenation over std::string_view and numbers. (The system Abseil is built with its
// own absl::string_view, which does not accept std::string_view, so absl::StrCat is not used.)
inline void AppendPiece(std::string* out, std::string_view v) { out->append(v); }
inline void AppendPiece(std::string* out, const char* v) { out->append(v); }
template <typename T>
requires(std::is_integral_v<T> && !std::is_same_v<T, bool> &&
         !std::is_same_v<T, char>) void AppendPiece(std::string* out, T v) {
  out->append(std::to_string(v));
}
inline void AppendPiece(std::string* out, double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  out->append(buf);
}
template <typename... A>
std::string Cat(const A&... a) {
  std::string out;
  (AppendPiece(&out, a), ...);
  return out;
}

// "a, b, c".
std::string Join(const std::vector<std::string_view>& items, std::string_view sep = ", ");

// C-style escape of `s` (non-printable bytes as \xNN), at most `max` input bytes.
std::string Escape(std::string_view s, size_t max = 64);

// Quotes a value for an error message: C-escaped, at most 64 bytes (longer values end in "...").
// Never call this with a secret's value.
std::string Quote(std::string_view s);

// Parses "0660" / "660" / "0755" (octal, at most 07777). INVALID_ARGUMENT otherwise.
StatusOr<uint32_t> ParseOctalMode(std::string_view s);

struct HostPort {
  std::string host;  // without brackets for IPv6 ("::1")
  int64_t port = 0;  // 0..65535
};
// Parses "host:port" or "[v6]:port". INVALID_ARGUMENT: not host:port, or port out of 0..65535.
StatusOr<HostPort> ParseHostPort(std::string_view s);

// True for "localhost", 127.0.0.0/8 and ::1 (textual forms accepted by inet_pton).
bool IsLoopbackHost(std::string_view host);

// The candidate closest to `word` by edit distance, or "" when none is plausibly a typo
// (distance greater than max(1, |word| / 3)).
std::string ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

// SHA-256 of `data` as 64 lowercase hex digits (OpenSSL EVP).
std::string Sha256Hex(std::string_view data);

}  // namespace gw::config::internal
