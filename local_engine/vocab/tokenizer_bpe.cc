// Byte-level BPE tokenization (llama.cpp llm_tokenizer_bpe_session): pre-tokenize into words, map
// each byte to its GPT-2 code point, then repeatedly merge the adjacent pair with the lowest merge
// rank (ties: leftmost) using a priority queue; symbols that are not tokens fall back to the
// tokens of their single bytes.
#include <queue>

#include "local_engine/vocab/pre_tokenizer.h"
#include "local_engine/vocab/unicode.h"
#include "local_engine/vocab/vocab.h"

namespace gw::engine {
namespace {

struct Symbol {
  int32_t prev;
  int32_t next;
  uint32_t start;  // byte offset into the encoded word
  uint32_t n;      // bytes; 0 once merged into the left neighbour
  TokenId id;      // token whose text is this symbol's text, or kNoToken
};

struct Bigram {
  int32_t left;
  int32_t right;
  int32_t rank;
  uint32_t left_n;
  uint32_t right_n;
};

struct BigramGreater {
  bool operator()(const Bigram& l, const Bigram& r) const {
    return l.rank > r.rank || (l.rank == r.rank && l.left > r.left);
  }
};

// Scratch buffers reused across the words of one call (no per-token allocation).
struct Scratch {
  std::vector<uint32_t> cpts;
  std::vector<uint32_t> lens;
  std::string clean;
  std::string word;
  std::vector<Symbol> symbols;
  std::vector<Bigram> heap;
};

}  // namespace

int32_t Tokenizer::Impl::MergeRank(TokenId l, std::string_view lt, TokenId r,
                                   std::string_view rt) const {
  if (l != kNoToken && r != kNoToken) {
    auto it = merge_by_ids.find((static_cast<uint64_t>(l) << 32) | static_cast<uint32_t>(r));
    return it == merge_by_ids.end() ? -1 : it->second;
  }
  if (merge_by_text.empty()) return -1;
  std::string key;
  key.reserve(lt.size() + 1 + rt.size());
  key.append(lt).append(" ").append(rt);
  auto it = merge_by_text.find(key);
  return it == merge_by_text.end() ? -1 : it->second;
}

void Tokenizer::Impl::TokenizeBpe(std::string_view text, std::vector<TokenId>* out) const {
  Scratch s;
  // Like llama.cpp, decode leniently and tokenize the re-encoded text (invalid bytes -> U+FFFD).
  std::string_view src = text;
  if (!unicode::DecodeLenient(text, &s.cpts)) {
    s.clean.reserve(text.size() + 8);
    for (uint32_t cp : s.cpts) unicode::AppendUtf8(cp, &s.clean);
    src = s.clean;
  }
  SplitWords(pre, s.cpts.data(), s.cpts.size(), &s.lens);

  auto cmp = BigramGreater();
  size_t byte_pos = 0;
  size_t cpt_pos = 0;
  for (uint32_t len : s.lens) {
    // Byte extent of the word: sum of the UTF-8 lengths of its code points.
    size_t word_bytes = 0;
    for (size_t k = cpt_pos; k < cpt_pos + len; ++k) {
      uint32_t cp = s.cpts[k];
      word_bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    std::string_view raw = src.substr(byte_pos, word_bytes);
    byte_pos += word_bytes;
    cpt_pos += len;

    s.word.clear();
    for (char c : raw) s.word.append(byte_encoded[static_cast<uint8_t>(c)]);
    if (ignore_merges) {
      TokenId id = Find(s.word);
      if (id != kNoToken) {
        out->push_back(id);
        continue;
      }
    }

    s.symbols.clear();
    uint32_t offs = 0;
    for (size_t k = 0; k < raw.size(); ++k) {
      uint8_t b = static_cast<uint8_t>(raw[k]);
      uint32_t n = static_cast<uint32_t>(byte_encoded[b].size());
      int32_t index = static_cast<int32_t>(k);
      s.symbols.push_back(
          Symbol{index - 1, k + 1 == raw.size() ? -1 : index + 1, offs, n, byte_token[b]});
      offs += n;
    }

    s.heap.clear();
    auto add = [&](int32_t left, int32_t right) {
      if (left == -1 || right == -1) return;
      const Symbol& l = s.symbols[left];
      const Symbol& r = s.symbols[right];
      int32_t rank = MergeRank(l.id, std::string_view(s.word).substr(l.start, l.n), r.id,
                               std::string_view(s.word).substr(r.start, r.n));
      if (rank < 0) return;
      s.heap.push_back(Bigram{left, right, rank, l.n, r.n});
      std::push_heap(s.heap.begin(), s.heap.end(), cmp);
    };
    for (int32_t i = 1; i < static_cast<int32_t>(s.symbols.size()); ++i) add(i - 1, i);

    while (!s.heap.empty()) {
      std::pop_heap(s.heap.begin(), s.heap.end(), cmp);
      Bigram b = s.heap.back();
      s.heap.pop_back();
      Symbol& l = s.symbols[b.left];
      Symbol& r = s.symbols[b.right];
      if (l.n == 0 || r.n == 0 || l.n != b.left_n || r.n != b.right_n) continue;
      l.n += r.n;
      r.n = 0;
      l.id = Find(std::string_view(s.word).substr(l.start, l.n));
      l.next = r.next;
      if (r.next >= 0) s.symbols[r.next].prev = b.left;
      add(l.prev, b.left);
      add(b.left, l.next);
    }

    for (const Symbol& sym : s.symbols) {
      if (sym.n == 0) continue;
      if (sym.id != kNoToken) {
        out->push_back(sym.id);
        continue;
      }
      // As llama.cpp: fall back to tokens spelling single bytes of the encoded text.
      for (char c : std::string_view(s.word).substr(sym.start, sym.n)) {
        TokenId id = Find(std::string_view(&c, 1));
        if (id != kNoToken) out->push_back(id);
      }
    }
  }
}

}  // namespace gw::engine
