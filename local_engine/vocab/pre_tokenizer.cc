#include "local_engine/vocab/pre_tokenizer.h"

#include "local_engine/vocab/unicode.h"

namespace gw::engine {
namespace {

constexpr uint32_t kOutOfRange = 0xFFFFFFFF;
// A flag that every in-range code point has (llama.cpp's flags.as_uint() != 0 test).
constexpr uint8_t kInRange = 0x80;

class Splitter {
 public:
  Splitter(const uint32_t* cpts, size_t n, std::vector<uint32_t>* lens)
      : cpts_(cpts), n_(n), lens_(lens) {}

  uint32_t Cpt(size_t pos) const { return pos < n_ ? cpts_[pos] : kOutOfRange; }
  uint8_t Fl(size_t pos) const {
    return pos < n_ ? static_cast<uint8_t>(unicode::Flags(cpts_[pos]) | kInRange) : 0;
  }
  size_t Add(size_t end) {
    size_t len = end - prev_end_;
    if (len > 0) lens_->push_back(static_cast<uint32_t>(len));
    prev_end_ = end;
    return len;
  }

  void Gpt2() {
    for (size_t pos = 0; pos < n_;) {
      const uint32_t cpt = Cpt(pos);
      const uint8_t flags = Fl(pos);
      // 's|'t|'re|'ve|'m|'ll|'d
      if (cpt == '\'' && pos + 1 < n_) {
        uint32_t next = Cpt(pos + 1);
        if (next == 's' || next == 't' || next == 'm' || next == 'd') {
          pos += Add(pos + 2);
          continue;
        }
        if (pos + 2 < n_) {
          uint32_t next2 = Cpt(pos + 2);
          if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') ||
              (next == 'l' && next2 == 'l')) {
            pos += Add(pos + 3);
            continue;
          }
        }
      }
      uint8_t flags2 = cpt == ' ' ? Fl(pos + 1) : flags;
      //  ?\p{L}+
      if (flags2 & unicode::kLetter) {
        pos += (cpt == ' ');
        while (flags2 & unicode::kLetter) flags2 = Fl(++pos);
        Add(pos);
        continue;
      }
      //  ?\p{N}+
      if (flags2 & unicode::kNumber) {
        pos += (cpt == ' ');
        while (flags2 & unicode::kNumber) flags2 = Fl(++pos);
        Add(pos);
        continue;
      }
      //  ?[^\s\p{L}\p{N}]+
      if (IsOther(flags2)) {
        pos += (cpt == ' ');
        while (IsOther(flags2)) flags2 = Fl(++pos);
        Add(pos);
        continue;
      }
      size_t num_ws = 0;
      while (Fl(pos + num_ws) & unicode::kWhitespace) ++num_ws;
      // \s+(?!\S)
      if (num_ws > 1 && Cpt(pos + num_ws) != kOutOfRange) {
        pos += num_ws - 1;
        Add(pos);
        continue;
      }
      // \s+
      if (num_ws > 0) {
        pos += num_ws;
        Add(pos);
        continue;
      }
      Add(++pos);
    }
  }

  void Llama3(size_t max_digits) {
    for (size_t pos = 0; pos < n_;) {
      const uint32_t cpt = Cpt(pos);
      const uint8_t flags = Fl(pos);
      // (?i:'s|'t|'re|'ve|'m|'ll|'d)
      if (cpt == '\'' && pos + 1 < n_) {
        uint32_t next = Lower(Cpt(pos + 1));
        if (next == 's' || next == 't' || next == 'm' || next == 'd') {
          pos += Add(pos + 2);
          continue;
        }
        if (pos + 2 < n_) {
          uint32_t next2 = Lower(Cpt(pos + 2));
          if ((next == 'r' && next2 == 'e') || (next == 'v' && next2 == 'e') ||
              (next == 'l' && next2 == 'l')) {
            pos += Add(pos + 3);
            continue;
          }
        }
      }
      // [^\r\n\p{L}\p{N}]?\p{L}+
      if (!(cpt == '\r' || cpt == '\n' || (flags & unicode::kNumber))) {
        if ((flags & unicode::kLetter) || (Fl(pos + 1) & unicode::kLetter)) {
          ++pos;
          while (Fl(pos) & unicode::kLetter) ++pos;
          Add(pos);
          continue;
        }
      }
      // \p{N}{1,max_digits}
      if (flags & unicode::kNumber) {
        size_t ini = pos;
        while (Fl(pos) & unicode::kNumber) {
          if (++pos - ini >= max_digits) {
            Add(pos);
            ini = pos;
          }
        }
        Add(pos);
        continue;
      }
      //  ?[^\s\p{L}\p{N}]+[\r\n]*
      uint8_t flags2 = cpt == ' ' ? Fl(pos + 1) : flags;
      if (IsOther(flags2)) {
        pos += (cpt == ' ');
        while (IsOther(flags2)) flags2 = Fl(++pos);
        uint32_t cpt2 = Cpt(pos);
        while (cpt2 == '\r' || cpt2 == '\n') cpt2 = Cpt(++pos);
        Add(pos);
        continue;
      }
      size_t num_ws = 0;
      size_t last_end_rn = 0;
      while (Fl(pos + num_ws) & unicode::kWhitespace) {
        uint32_t cpt2 = Cpt(pos + num_ws);
        if (cpt2 == '\r' || cpt2 == '\n') last_end_rn = pos + num_ws + 1;
        ++num_ws;
      }
      // \s*[\r\n]+
      if (last_end_rn > 0) {
        pos = last_end_rn;
        Add(pos);
        continue;
      }
      // \s+(?!\S)
      if (num_ws > 1 && Cpt(pos + num_ws) != kOutOfRange) {
        pos += num_ws - 1;
        Add(pos);
        continue;
      }
      // \s+
      if (num_ws > 0) {
        pos += num_ws;
        Add(pos);
        continue;
      }
      Add(++pos);
    }
  }

 private:
  static bool IsOther(uint8_t f) {
    return f != 0 && (f & (unicode::kWhitespace | unicode::kLetter | unicode::kNumber)) == 0;
  }
  // Only ASCII letters take part in the contractions; no non-ASCII code point lowercases to one
  // of "s t m d r v e l".
  static uint32_t Lower(uint32_t c) { return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

  const uint32_t* cpts_;
  size_t n_;
  std::vector<uint32_t>* lens_;
  size_t prev_end_ = 0;
};

}  // namespace

void SplitWords(PreTokenizerType type, const uint32_t* cpts, size_t n,
                std::vector<uint32_t>* lens) {
  Splitter s(cpts, n, lens);
  switch (type) {
    case PreTokenizerType::kGpt2:
      s.Gpt2();
      break;
    case PreTokenizerType::kLlama3:
      s.Llama3(3);
      break;
    case PreTokenizerType::kQwen2:
      s.Llama3(1);
      break;
    case PreTokenizerType::kSmolLm: {
      // Two expressions in turn: \p{N} splits off every digit, then gpt2 splits the rest.
      size_t k = 0;
      while (k < n) {
        if (unicode::Flags(cpts[k]) & unicode::kNumber) {
          lens->push_back(1);
          ++k;
          continue;
        }
        size_t e = k;
        while (e < n && !(unicode::Flags(cpts[e]) & unicode::kNumber)) ++e;
        Splitter(cpts + k, e - k, lens).Gpt2();
        k = e;
      }
      break;
    }
    case PreTokenizerType::kNone:
      if (n > 0) lens->push_back(static_cast<uint32_t>(n));
      break;
  }
}

}  // namespace gw::engine
