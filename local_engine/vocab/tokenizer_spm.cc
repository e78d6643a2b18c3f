// SentencePiece-style tokenization (llama.cpp llm_tokenizer_spm_session): start from UTF-8
// characters, repeatedly merge the adjacent pair whose concatenation is the vocabulary token with
// the highest score (ties: leftmost), then emit each symbol as its token or as <0xXX> byte tokens.
#include <algorithm>

#include "local_engine/vocab/unicode.h"
#include "local_engine/vocab/vocab.h"

namespace gw::engine {
namespace {

struct Symbol {
  int32_t prev;
  int32_t next;
  uint32_t start;  // byte offset into the escaped text
  uint32_t n;      // bytes; 0 once merged into the left neighbour
};

struct Bigram {
  int32_t left;
  int32_t right;
  float score;
  uint32_t size;
};

struct BigramLess {
  bool operator()(const Bigram& l, const Bigram& r) const {
    return l.score < r.score || (l.score == r.score && l.left > r.left);
  }
};

}  // namespace

void Tokenizer::Impl::TokenizeSpm(std::string_view raw, std::vector<TokenId>* out) const {
  // Spaces become U+2581 "▁" (llama_escape_whitespace).
  std::string text;
  text.reserve(raw.size() + raw.size() / 4 + 4);
  for (char c : raw) {
    if (c == ' ') {
      text.append("\xE2\x96\x81");
    } else {
      text.push_back(c);
    }
  }
  if (text.empty()) return;

  // Symbols are UTF-8 characters (continuation bytes alone count as one).
  std::vector<uint32_t> starts;
  starts.reserve(text.size() + 1);
  for (size_t offs = 0; offs < text.size();) {
    starts.push_back(static_cast<uint32_t>(offs));
    offs += std::min(unicode::SeqLen(static_cast<uint8_t>(text[offs])), text.size() - offs);
  }
  starts.push_back(static_cast<uint32_t>(text.size()));

  std::vector<Symbol> symbols;
  std::vector<Bigram> heap;
  const BigramLess less;
  size_t seg_begin = 0;  // index into `starts`
  const size_t n_sym = starts.size() - 1;
  for (size_t k = 1; k <= n_sym; ++k) {
    if (k < n_sym && SpmPairMayMerge(static_cast<uint8_t>(text[starts[k] - 1]),
                                     static_cast<uint8_t>(text[starts[k]]))) {
      continue;
    }
    // Symbols [seg_begin, k) form a segment no merge can leave.
    symbols.clear();
    for (size_t j = seg_begin; j < k; ++j) {
      int32_t index = static_cast<int32_t>(j - seg_begin);
      symbols.push_back(
          Symbol{index - 1, j + 1 == k ? -1 : index + 1, starts[j], starts[j + 1] - starts[j]});
    }
    seg_begin = k;
    heap.clear();
    auto try_add = [&](int32_t left, int32_t right) {
      if (left == -1 || right == -1) return;
      uint32_t size = symbols[left].n + symbols[right].n;
      TokenId id = Find(std::string_view(text.data() + symbols[left].start, size));
      if (id == kNoToken) return;
      heap.push_back(Bigram{left, right, scores[id], size});
      std::push_heap(heap.begin(), heap.end(), less);
    };
    for (int32_t i = 1; i < static_cast<int32_t>(symbols.size()); ++i) try_add(i - 1, i);

    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), less);
      Bigram b = heap.back();
      heap.pop_back();
      Symbol& l = symbols[b.left];
      Symbol& r = symbols[b.right];
      if (l.n == 0 || r.n == 0 || l.n + r.n != b.size) continue;
      l.n += r.n;
      r.n = 0;
      l.next = r.next;
      if (r.next >= 0) symbols[r.next].prev = b.left;
      try_add(l.prev, b.left);
      try_add(b.left, l.next);
    }

    for (int32_t i = 0; i != -1; i = symbols[i].next) {
      const Symbol& s = symbols[i];
      std::string_view piece(text.data() + s.start, s.n);
      TokenId id = Find(piece);
      if (id != kNoToken) {
        out->push_back(id);
        continue;
      }
      for (char c : piece) {
        TokenId b = byte_token[static_cast<uint8_t>(c)];
        if (b != kNoToken) {
          out->push_back(b);
        } else if (unk != kNoToken) {
          out->push_back(unk);
        }
      }
    }
  }
}

}  // namespace gw::engine
