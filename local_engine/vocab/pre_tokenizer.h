// BPE pre-tokenizers: split text into words before merges, as the Hugging Face regexes of each
// family do. Internal to local_engine. Thread-safe (pure functions).
//
//   gpt2      's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//   llama-bpe (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//             ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   qwen2     the llama-bpe expression with \p{N} (one digit) instead of \p{N}{1,3}
//   smollm    \p{N}, then gpt2 on the pieces between digits
// RE2 lacks the (?!\S) lookahead, so the expressions are hand-written matchers, following
// llama.cpp's unicode_regex_split_custom_gpt2/_llama3 (unicode.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "local_engine/engine.h"

namespace gw::engine {

// Splits code points cpts[0, n) into words, appending each word's length in code points to
// `lens` (the lengths sum to n). `type` must not be kNone.
void SplitWords(PreTokenizerType type, const uint32_t* cpts, size_t n, std::vector<uint32_t>* lens);

}  // namespace gw::engine
