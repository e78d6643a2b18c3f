// Streaming detokenization that only ever emits valid UTF-8 (RFC 3629 well-formed sequences).
#include "local_engine/engine.h"

namespace gw::engine {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

enum class Seq { kComplete, kIncomplete, kInvalid };

// Classifies the sequence starting at p[0] (n >= 1 bytes available). Sets *len to the sequence
// length for kComplete, and to the length of the maximal valid prefix (>= 1) for kInvalid, which
// is replaced by a single U+FFFD (Unicode "substitution of maximal subparts", as Python does).
Seq Classify(const uint8_t* p, size_t n, size_t* len) {
  uint8_t c = p[0];
  if (c < 0x80) {
    *len = 1;
    return Seq::kComplete;
  }
  size_t need;
  uint8_t lo = 0x80;
  uint8_t hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    need = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    *len = 1;
    return Seq::kInvalid;
  }
  for (size_t k = 1; k < need; ++k) {
    if (k >= n) return Seq::kIncomplete;
    uint8_t b = p[k];
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
      *len = k;
      return Seq::kInvalid;
    }
  }
  *len = need;
  return Seq::kComplete;
}

}  // namespace

StreamingDetokenizer::StreamingDetokenizer(const Tokenizer& tokenizer, bool render_special)
    : tokenizer_(tokenizer), render_special_(render_special) {}

std::string StreamingDetokenizer::Push(TokenId id) {
  pending_.append(tokenizer_.TokenToPiece(id, render_special_));
  return Drain(false);
}

std::string StreamingDetokenizer::Finish() { return Drain(true); }

std::string StreamingDetokenizer::Drain(bool final) {
  std::string out;
  const auto* p = reinterpret_cast<const uint8_t*>(pending_.data());
  const size_t n = pending_.size();
  size_t k = 0;
  while (k < n) {
    size_t len = 0;
    Seq s = Classify(p + k, n - k, &len);
    if (s == Seq::kComplete) {
      out.append(pending_, k, len);
      k += len;
    } else if (s == Seq::kInvalid) {
      out.append(kReplacement);
      k += len;
    } else if (final) {
      // An unfinished sequence at the end of the stream is one replacement character.
      out.append(kReplacement);
      k = n;
    } else {
      break;
    }
  }
  pending_.erase(0, k);
  return out;
}

}  // namespace gw::engine
