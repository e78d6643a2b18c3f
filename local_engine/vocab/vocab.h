// The tokenizer's data (Tokenizer::Impl) and the two tokenization algorithms. Internal to
// local_engine. Immutable after Load; thread-safe for concurrent reads.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "local_engine/engine.h"

namespace gw::engine {

struct Tokenizer::Impl {
  VocabType type = VocabType::kSpm;
  PreTokenizerType pre = PreTokenizerType::kNone;

  std::string arena;                   // all token texts, back to back
  std::vector<std::string_view> text;  // per id, into `arena`
  std::vector<float> scores;           // per id (SPM merge priority)
  std::vector<TokenType> types;        // per id
  std::vector<std::string> pieces;     // per id: decoded bytes of a text token, "" otherwise
  absl::flat_hash_map<std::string_view, TokenId> to_id;  // text -> id (last id wins, as llama.cpp)

  // BPE merges: rank by (left id, right id) when both sides are tokens, else by "left right".
  absl::flat_hash_map<uint64_t, int32_t> merge_by_ids;
  absl::flat_hash_map<std::string, int32_t> merge_by_text;
  // BPE: the token of each byte's GPT-2 code point; SPM: the <0xXX> token. kNoToken if absent.
  std::array<TokenId, 256> byte_token{};
  std::array<std::string, 256> byte_encoded;  // BPE: UTF-8 of the byte's GPT-2 code point

  // SPM: bit (a << 8 | b) is set when some token contains byte a immediately followed by byte b.
  // Where no token does, no merge can ever join the two sides, so the text is cut there and the
  // pieces are merged independently (same result, much smaller priority queues).
  std::vector<uint64_t> spm_pairs;
  bool SpmPairMayMerge(uint8_t a, uint8_t b) const {
    uint32_t k = (static_cast<uint32_t>(a) << 8) | b;
    return (spm_pairs[k >> 6] >> (k & 63)) & 1;
  }

  // Control, user-defined and unknown tokens, longest text first (matched before tokenizing).
  std::vector<TokenId> special;
  // Per id: whitespace after a matched special token is dropped (llama.cpp sets this for every
  // special token of Phi-3 models, by general.name).
  std::vector<uint8_t> rstrip;

  TokenId bos = kNoToken;
  TokenId eos = kNoToken;
  TokenId eot = kNoToken;
  TokenId unk = kNoToken;
  bool add_bos = false;
  bool add_eos = false;
  bool add_space_prefix = false;
  bool ignore_merges = false;

  TokenId Find(std::string_view s) const {
    auto it = to_id.find(s);
    return it == to_id.end() ? kNoToken : it->second;
  }
  int32_t MergeRank(TokenId l, std::string_view lt, TokenId r, std::string_view rt) const;

  // Appends the tokens of one raw-text fragment (no special-token matching).
  void TokenizeSpm(std::string_view text, std::vector<TokenId>* out) const;
  void TokenizeBpe(std::string_view text, std::vector<TokenId>* out) const;
};

}  // namespace gw::engine
