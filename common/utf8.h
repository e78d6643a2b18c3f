// UTF-8 validation (RFC 3629): rejects overlong forms, surrogates (U+D800..U+DFFF) and code
// points above U+10FFFF. Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <string_view>

namespace gw {

// Returns the byte offset of the first invalid sequence, or npos if `s` is valid UTF-8.
size_t FindInvalidUtf8(std::string_view s);

inline bool IsValidUtf8(std::string_view s) { return FindInvalidUtf8(s) == std::string_view::npos; }

}  // namespace gw
