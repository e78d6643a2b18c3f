// Unicode helpers for the tokenizers: code point categories and lenient UTF-8 decoding exactly as
// llama.cpp's unicode.cpp does it. Internal to local_engine. Thread-safe (pure functions; the
// category table is built once, on first use, under a function-local static).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::engine::unicode {

enum CodepointFlag : uint8_t {
  kLetter = 1,      // general category L*  (regex \p{L})
  kNumber = 2,      // general category N*  (regex \p{N})
  kWhitespace = 4,  // White_Space property (regex \s)
};

// Flags of `cp`; 0 for code points above U+10FFFF.
uint8_t Flags(uint32_t cp);

// Length of the UTF-8 sequence a lead byte announces, as llama.cpp's unicode_len_utf8 counts it
// (continuation and invalid bytes count 1).
inline size_t SeqLen(uint8_t lead) {
  static constexpr uint8_t kLen[16] = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4};
  return kLen[lead >> 4];
}

// Decodes `s` to code points like llama.cpp's unicode_cpts_from_utf8: lenient about overlong
// forms and surrogates; a byte that does not start a complete sequence becomes U+FFFD and
// decoding resumes at the next byte; values above U+10FFFF become U+FFFD. Returns true when
// re-encoding the result gives `s` back byte for byte.
bool DecodeLenient(std::string_view s, std::vector<uint32_t>* cpts);

// Appends the UTF-8 encoding of `cp` (<= U+10FFFF) to `out`.
void AppendUtf8(uint32_t cp, std::string* out);

// GPT-2 byte-level BPE: the printable code point that stands for byte `b`, and the inverse
// (returns -1 when `cp` stands for no byte).
uint32_t ByteToCodepoint(uint8_t b);
int CodepointToByte(uint32_t cp);

}  // namespace gw::engine::unicode
