#include "local_engine/vocab/unicode.h"

#include <array>
#include <memory>

namespace gw::engine::unicode {
namespace {

struct CodepointRange {
  uint32_t first;
  uint32_t last;
};

#include "local_engine/vocab/unicode_tables.inc"

constexpr uint32_t kMaxCodepoint = 0x10FFFF;

const std::vector<uint8_t>& Table() {
  static const std::vector<uint8_t>* table = [] {
    auto* t = new std::vector<uint8_t>(kMaxCodepoint + 1, 0);
    for (const auto& r : kLetterRanges) {
      for (uint32_t c = r.first; c <= r.last; ++c) (*t)[c] |= kLetter;
    }
    for (const auto& r : kNumberRanges) {
      for (uint32_t c = r.first; c <= r.last; ++c) (*t)[c] |= kNumber;
    }
    for (const auto& r : kWhitespaceRanges) {
      for (uint32_t c = r.first; c <= r.last; ++c) (*t)[c] |= kWhitespace;
    }
    return t;
  }();
  return *table;
}

struct ByteMap {
  std::array<uint32_t, 256> to_cp{};
  std::array<int16_t, 512> from_cp{};  // every mapped code point is < 0x144
};

const ByteMap& Bytes() {
  static const ByteMap map = [] {
    // GPT-2 bytes_to_unicode(): printable Latin-1 bytes map to themselves, the other 68 bytes to
    // U+0100 upwards in byte order.
    ByteMap m;
    m.from_cp.fill(-1);
    uint32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      uint32_t cp = printable ? static_cast<uint32_t>(b) : next++;
      m.to_cp[b] = cp;
      m.from_cp[cp] = static_cast<int16_t>(b);
    }
    return m;
  }();
  return map;
}

}  // namespace

uint8_t Flags(uint32_t cp) { return cp <= kMaxCodepoint ? Table()[cp] : 0; }

bool DecodeLenient(std::string_view s, std::vector<uint32_t>* cpts) {
  cpts->clear();
  cpts->reserve(s.size());
  bool identical = true;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  auto cont = [&](size_t k) { return k < n && (p[k] & 0xC0) == 0x80; };
  while (i < n) {
    uint8_t c = p[i];
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0x40) == 0) {
      cp = 0xFFFD;
      len = 0;
    } else if ((c & 0x20) == 0) {
      if (!cont(i + 1)) {
        cp = 0xFFFD;
        len = 0;
      } else {
        cp = (static_cast<uint32_t>(c & 0x1F) << 6) | (p[i + 1] & 0x3F);
        len = 2;
      }
    } else if ((c & 0x10) == 0) {
      if (!cont(i + 1) || !cont(i + 2)) {
        cp = 0xFFFD;
        len = 0;
      } else {
        cp = (static_cast<uint32_t>(c & 0x0F) << 12) |
             (static_cast<uint32_t>(p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
        len = 3;
      }
    } else if ((c & 0x08) == 0) {
      if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) {
        cp = 0xFFFD;
        len = 0;
      } else {
        cp = (static_cast<uint32_t>(c & 0x07) << 18) |
             (static_cast<uint32_t>(p[i + 1] & 0x3F) << 12) |
             (static_cast<uint32_t>(p[i + 2] & 0x3F) << 6) | (p[i + 3] & 0x3F);
        len = 4;
      }
    } else {
      cp = 0xFFFD;
      len = 0;
    }
    if (len == 0) {
      identical = false;
      i += 1;
    } else {
      if (cp > kMaxCodepoint) {
        cp = 0xFFFD;
        identical = false;
      } else {
        size_t canonical = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (canonical != len) identical = false;
      }
      i += len;
    }
    cpts->push_back(cp);
  }
  return identical;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

uint32_t ByteToCodepoint(uint8_t b) { return Bytes().to_cp[b]; }

int CodepointToByte(uint32_t cp) { return cp < 512 ? Bytes().from_cp[cp] : -1; }

}  // namespace gw::engine::unicode
