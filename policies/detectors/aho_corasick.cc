#include "policies/detectors/aho_corasick.h"

#include <algorithm>
#include <deque>

namespace gw::policies::internal {

namespace {
unsigned char Fold(unsigned char c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }
}  // namespace

int AhoCorasick::Add(std::string_view pattern) {
  uint32_t s = 0;
  for (unsigned char raw : pattern) {
    const unsigned char c = Fold(raw);
    uint32_t next = 0;
    for (const auto& [ch, to] : trie_[s].next) {
      if (ch == c) {
        next = to;
        break;
      }
    }
    if (next == 0) {
      next = static_cast<uint32_t>(trie_.size());
      trie_[s].next.emplace_back(c, next);
      trie_.emplace_back();
    }
    s = next;
  }
  const int id = static_cast<int>(lengths_.size());
  trie_[s].out.push_back(id);
  lengths_.push_back(pattern.size());
  return id;
}

bool AhoCorasick::Build() {
  // Byte classes: one per distinct (folded) pattern byte, class 0 for all other bytes.
  bool used[256] = {};
  for (const Node& n : trie_) {
    for (const auto& e : n.next) used[e.first] = true;
  }
  num_classes_ = 1;
  for (int c = 0; c < 256; ++c) {
    if (used[c]) classes_[c] = static_cast<uint8_t>(num_classes_++);
  }
  for (int c = 'A'; c <= 'Z'; ++c) classes_[c] = classes_[c - 'A' + 'a'];

  // Renumber states in breadth-first order so that the shallow states, where a scan spends
  // nearly all its time, share a few cache lines of the table.
  {
    std::vector<uint32_t> order;
    order.reserve(trie_.size());
    order.push_back(0);
    for (size_t k = 0; k < order.size(); ++k) {
      for (const auto& e : trie_[order[k]].next) order.push_back(e.second);
    }
    std::vector<uint32_t> new_id(trie_.size());
    for (size_t k = 0; k < order.size(); ++k) new_id[order[k]] = static_cast<uint32_t>(k);
    std::vector<Node> renumbered(trie_.size());
    for (size_t k = 0; k < order.size(); ++k) {
      Node& n = renumbered[k];
      n = std::move(trie_[order[k]]);
      for (auto& e : n.next) e.second = new_id[e.second];
    }
    trie_ = std::move(renumbered);
  }
  const size_t ns = trie_.size();
  const uint32_t nc = num_classes_;
  if (ns * nc * 2 > kMaxTableEntries) {
    std::vector<Node>().swap(trie_);
    return false;
  }
  std::vector<uint32_t> goto_fn(ns * nc, UINT32_MAX);
  for (size_t s = 0; s < ns; ++s) {
    for (const auto& [ch, to] : trie_[s].next) goto_fn[s * nc + classes_[ch]] = to;
  }
  delta_.assign(ns * nc, 0);
  dict_link_.assign(ns, 0);
  // BFS: failure links and the full DFA transition table.
  std::deque<uint32_t> queue;
  for (uint32_t c = 0; c < nc; ++c) {
    const uint32_t to = goto_fn[c];
    if (to != UINT32_MAX) {
      trie_[to].fail = 0;
      delta_[c] = to;
      queue.push_back(to);
    } else {
      delta_[c] = 0;
    }
  }
  while (!queue.empty()) {
    const uint32_t s = queue.front();
    queue.pop_front();
    const uint32_t f = trie_[s].fail;
    dict_link_[s] = trie_[f].out.empty() ? dict_link_[f] : f;
    for (uint32_t c = 0; c < nc; ++c) {
      const uint32_t to = goto_fn[s * nc + c];
      if (to != UINT32_MAX) {
        trie_[to].fail = delta_[f * nc + c];
        delta_[s * nc + c] = to;
        queue.push_back(to);
      } else {
        delta_[s * nc + c] = delta_[f * nc + c];
      }
    }
  }
  goto_.assign(ns * nc, 0);
  for (size_t k = 0; k < ns * nc; ++k) {
    if (goto_fn[k] != UINT32_MAX) {
      goto_[k] = goto_fn[k] * nc | (trie_[goto_fn[k]].out.empty() ? 0 : kEmitBit);
    }
  }
  bigram_.assign(size_t{nc} * nc, 0);
  for (uint32_t c0 = 0; c0 < nc; ++c0) {
    const uint32_t s1 = goto_fn[c0];  // child of the root
    if (s1 == UINT32_MAX) continue;
    for (uint32_t c1 = 0; c1 < nc; ++c1) {
      bigram_[c0 * nc + c1] = (!trie_[s1].out.empty() || goto_fn[s1 * nc + c1] != UINT32_MAX);
    }
  }
  for (int c = 0; c < 256; ++c) {
    alnum_[c] = ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  }
  for (uint32_t& d : delta_) d *= nc;
  emit_.assign(ns, 0);
  out_begin_.assign(ns + 1, 0);
  outs_.clear();
  for (size_t s = 0; s < ns; ++s) {
    out_begin_[s] = static_cast<uint32_t>(outs_.size());
    outs_.insert(outs_.end(), trie_[s].out.begin(), trie_[s].out.end());
  }
  out_begin_[ns] = static_cast<uint32_t>(outs_.size());
  for (size_t s = 1; s < ns; ++s) {
    emit_[s] = (!trie_[s].out.empty() || dict_link_[s] != 0) ? 1 : 0;
  }
  for (uint32_t& d : delta_) {
    if (emit_[d / nc]) d |= kEmitBit;
  }
  std::vector<Node>().swap(trie_);
  return true;
}

}  // namespace gw::policies::internal
