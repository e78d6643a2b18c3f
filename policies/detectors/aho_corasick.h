// Multi-pattern exact matcher: Aho–Corasick automaton (A. V. Aho, M. J. Corasick, "Efficient
// string matching: an aid to bibliographic search", CACM 18(6), 1975), compiled to a dense DFA
// over byte equivalence classes so that scanning costs one table load per input byte.
//
// Matching folds ASCII case (A-Z == a-z); callers verify case-sensitive patterns themselves.
// Non-ASCII bytes match exactly. Memory: states x (distinct pattern bytes + 1) x 4 bytes.
//
// Thread-safety: immutable after Build(); Scan() is const and re-entrant.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::policies::internal {

class AhoCorasick {
 public:
  // Adds a pattern (non-empty) before Build(); returns its id (0, 1, ...).
  int Add(std::string_view pattern);
  // Compiles the automaton. Call once, after every Add(). Returns false (and matches nothing)
  // when the DFA table would exceed kMaxTableEntries (4 bytes each).
  bool Build();
  static constexpr size_t kMaxTableEntries = size_t{1} << 26;

  // Calls `on_match(pattern_id, begin, end)` for every occurrence (overlapping ones included),
  // in order of end offset. Byte offsets into `text`.
  template <typename F>
  void Scan(std::string_view text, F&& on_match) const;

  // Like Scan(), but reports only occurrences that begin at a "word start": offset 0, any
  // offset whose previous byte is not an ASCII letter or digit, or any non-alphanumeric byte.
  // A walk down the trie from each such offset: no failure links, no dependency chain across
  // words, several times faster than Scan() on prose. Order: by begin, then by length.
  template <typename F>
  void ScanWordStarts(std::string_view text, F&& on_match) const;

  size_t pattern_count() const { return lengths_.size(); }
  size_t state_count() const { return emit_.size(); }

 private:
  void Emit(uint32_t state, size_t end, const auto& on_match) const;

  // Build-time trie.
  struct Node {
    std::vector<std::pair<unsigned char, uint32_t>> next;
    uint32_t fail = 0;
    std::vector<int> out;
  };
  std::vector<Node> trie_ = {Node{}};
  std::vector<size_t> lengths_;

  // Compiled form.
  uint8_t classes_[256] = {};
  uint32_t num_classes_ = 1;
  // delta_[state * num_classes_ + class] = next state * num_classes_ (premultiplied), with
  // kEmitBit set when some pattern ends in the next state.
  static constexpr uint32_t kEmitBit = 0x80000000u;
  std::vector<uint32_t> delta_;
  std::vector<uint8_t> emit_;        // per state: 1 if any pattern ends here (own or suffix)
  std::vector<uint32_t> out_begin_;  // per state: [out_begin_[s], out_begin_[s+1]) in outs_
  std::vector<int> outs_;            // own patterns of each state
  std::vector<uint32_t> dict_link_;  // nearest proper suffix state with own output, or 0
  // Trie edges only: goto_[state * nc + class] = child * nc (premultiplied) or 0 for none, with
  // kEmitBit when the child has own output.
  std::vector<uint32_t> goto_;
  uint8_t alnum_[256] = {};
  // bigram_[c0 * nc + c1] = 1 if some pattern starts with classes c0, c1 (any c1 for a
  // one-byte pattern, including class 0 and the end of the text).
  std::vector<uint8_t> bigram_;
};

template <typename F>
void AhoCorasick::ScanWordStarts(std::string_view text, F&& on_match) const {
  if (goto_.empty()) return;
  const uint32_t* go = goto_.data();
  const uint8_t* bigram = bigram_.data();
  const uint32_t nc = num_classes_;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  // Pass 1 (branch-free): collect word starts whose first two bytes begin some pattern.
  // Pass 2: walk the trie from each candidate. Blocks keep the candidates in L1.
  constexpr size_t kBlock = 1024;
  size_t cand[kBlock];
  unsigned prev_alnum = 0;
  for (size_t i = 0; i < n; i += kBlock) {
    const size_t end = std::min(n, i + kBlock);
    size_t k = 0;
    for (size_t j = i; j < end; ++j) {
      const unsigned a = alnum_[p[j]];
      const unsigned c1 = j + 1 < n ? classes_[p[j + 1]] : 0;
      cand[k] = j;
      k += ((prev_alnum ^ 1u) | (a ^ 1u)) & bigram[classes_[p[j]] * nc + c1];
      prev_alnum = a;
    }
    for (size_t q = 0; q < k; ++q) {
      const size_t b = cand[q];
      uint32_t s = 0;
      for (size_t j = b; j < n; ++j) {
        s = go[s + classes_[p[j]]];
        if (s == 0) break;
        if (s & kEmitBit) {
          s &= ~kEmitBit;
          const uint32_t st = s / nc;
          for (uint32_t o = out_begin_[st]; o < out_begin_[st + 1]; ++o) {
            on_match(outs_[o], b, j + 1);
          }
        }
      }
    }
  }
}

template <typename F>
void AhoCorasick::Scan(std::string_view text, F&& on_match) const {
  if (delta_.empty()) return;
  const uint32_t* delta = delta_.data();
  const uint32_t nc = num_classes_;
  uint32_t s = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    s = delta[s + classes_[p[i]]];
    if (s & kEmitBit) [[unlikely]] {
      s &= ~kEmitBit;
      Emit(s / nc, i + 1, on_match);
    }
  }
}

void AhoCorasick::Emit(uint32_t state, size_t end, const auto& on_match) const {
  for (uint32_t st = state; st != 0; st = dict_link_[st]) {
    for (uint32_t k = out_begin_[st]; k < out_begin_[st + 1]; ++k) {
      const int id = outs_[k];
      on_match(id, end - lengths_[id], end);
    }
  }
}

}  // namespace gw::policies::internal
