// The on-device engine: open a GGUF model file, read its metadata, turn text into tokens and back,
// and render a chat conversation with the model's template family.
//
// Sources: tokenizers follow llama.cpp (src/llama-vocab.cpp at commit c392e509) token for token:
// SentencePiece-style ("llama" vocab: score-ordered bigram merges, byte fallback <0xXX>) and
// byte-level BPE ("gpt2" vocab: GPT-2 byte-to-unicode mapping, rank-ordered merges) with the
// pre-tokenizer regexes of llama-bpe (Llama 3), qwen2 and gpt2, implemented by hand over Unicode
// category tables. Chat formats follow the families' published templates (see ChatTemplate).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/units.h"
#include "local_engine/gguf.h"

namespace gw::engine {

// A token id: an index into the vocabulary.
using TokenId = int32_t;
inline constexpr TokenId kNoToken = -1;

// tokenizer.ggml.model
enum class VocabType { kSpm, kBpe };
// tokenizer.ggml.pre (BPE only; kNone for SPM)
enum class PreTokenizerType { kNone, kLlama3, kQwen2, kGpt2, kSmolLm };
// tokenizer.ggml.token_type values (llama.cpp llama_token_type).
enum class TokenType : int32_t {
  kUndefined = 0,
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

std::string_view VocabTypeName(VocabType t);  // "spm" / "bpe"
std::string_view PreTokenizerName(
    PreTokenizerType t);  // "none", "llama-bpe", "qwen2", "gpt2", "smollm"

// A tokenizer built from the tokenizer.ggml.* keys of a GGUF file. Owns a copy of the vocabulary
// (independent of the reader's lifetime).
// Thread-safety: immutable after construction; all methods are thread-safe.
class Tokenizer {
 public:
  // Errors: INVALID_ARGUMENT "tokenizer: <key>: <what>" when a key is missing, has the wrong
  // type or inconsistent sizes, or names an unsupported model/pre-tokenizer.
  static StatusOr<std::unique_ptr<Tokenizer>> FromGguf(const GgufReader& gguf);
  ~Tokenizer();

  // Tokenizes UTF-8 `text` (invalid bytes are tokenized as U+FFFD for BPE, as bytes for SPM,
  // exactly like llama.cpp). `add_special` adds BOS/EOS as the vocabulary's add_bos/add_eos flags
  // say; `parse_special` turns text spelling a control token (e.g. "<|im_end|>") into that token,
  // otherwise it is tokenized as plain text. User-defined tokens are always matched.
  // Cost: O(bytes log bytes); no error is possible.
  std::vector<TokenId> Tokenize(std::string_view text, bool add_special,
                                bool parse_special = false) const;
  // The number of tokens Tokenize(text, add_special, false) returns.
  TokenCount CountTokens(std::string_view text, bool add_special) const;

  // The bytes a token stands for (may be part of a UTF-8 sequence). Control/unknown tokens give
  // their text when `render_special`, else "". Out-of-range ids give "".
  std::string_view TokenToPiece(TokenId id, bool render_special = false) const;
  // Concatenated pieces. For an SPM vocabulary with add_space_prefix, one leading space of the
  // first text token is removed (after an optional leading BOS), so that
  // Detokenize(Tokenize(t)) == t for every valid UTF-8 t the vocabulary covers. The result can
  // contain invalid UTF-8 when the ids split a sequence. Clean-up of spaces before punctuation
  // (Hugging Face clean_up_tokenization_spaces) is deliberately not applied: it loses text.
  std::string Detokenize(const std::vector<TokenId>& ids, bool render_special = false) const;

  VocabType type() const;
  PreTokenizerType pre_tokenizer() const;
  int32_t n_vocab() const;
  std::string_view token_text(TokenId id) const;  // raw vocabulary text; "" when out of range
  TokenType token_type(TokenId id) const;
  TokenId bos() const;  // kNoToken when absent
  TokenId eos() const;
  TokenId eot() const;  // end of turn (<|eot_id|>, <|im_end|>, <|end|>, <end_of_turn>) or kNoToken
  bool add_bos() const;
  bool add_eos() const;
  bool add_space_prefix() const;

  struct Impl;

 private:
  explicit Tokenizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Turns a stream of token ids into text that is always valid UTF-8: bytes of an incomplete
// sequence are held back until the rest arrives; each maximal ill-formed subpart (RFC 3629
// well-formedness, Unicode ch. 3 "U+FFFD substitution of maximal subparts") becomes one U+FFFD.
// Borrows the tokenizer (must outlive this object). Thread-compatible: one instance per generation
// stream.
class StreamingDetokenizer {
 public:
  explicit StreamingDetokenizer(const Tokenizer& tokenizer, bool render_special = false);
  // Appends the piece of `id` and returns the text that became complete (possibly "").
  std::string Push(TokenId id);
  // Ends the stream: held-back bytes of an unfinished sequence come out as U+FFFD.
  std::string Finish();
  // Bytes currently held back (0..3).
  size_t pending_bytes() const { return pending_.size(); }

 private:
  std::string Drain(bool final);
  const Tokenizer& tokenizer_;
  bool render_special_;
  std::string pending_;
};

// Chat template families, recognised from tokenizer.chat_template by their distinctive markers.
enum class ChatTemplateFamily {
  kChatMl,  // <|im_start|>role\ncontent<|im_end|>\n (Qwen, SmolLM2, many others)
  kLlama3,  // <|start_header_id|>role<|end_header_id|>\n\ncontent<|eot_id|>
  kLlama2,  // [INST] ... [/INST] (Llama 2, Mistral v0.1/v0.2), <<SYS>> when supported
  kPhi3,    // <|role|>\ncontent<|end|>\n
  kZephyr,  // <|role|>\ncontent</s>\n (Zephyr, TinyLlama chat)
  kGemma,   // <start_of_turn>role\ncontent<end_of_turn>\n
};
std::string_view ChatTemplateFamilyName(ChatTemplateFamily f);  // "chatml", "llama3", ...

struct ChatMessage {
  std::string role;  // "system", "user" or "assistant"
  std::string content;
};

// A recognised chat template. Thread-safety: immutable value type.
class ChatTemplate {
 public:
  // Recognises the family of a Jinja template text. `recognised` (optional) is set to false when
  // no marker matched; the result is then ChatML and a warning is logged (without the text).
  static ChatTemplate Detect(std::string_view jinja, bool* recognised = nullptr);
  static ChatTemplate ForFamily(ChatTemplateFamily family);

  // Renders `messages` as the family's published format does. BOS is not written (Tokenize with
  // add_special adds it); `eos_text` is the vocabulary's EOS text used by Zephyr/Llama 2 turns.
  // With `add_generation_prompt` the header of an assistant turn is appended.
  std::string Render(const std::vector<ChatMessage>& messages, bool add_generation_prompt,
                     std::string_view eos_text = "</s>") const;

  ChatTemplateFamily family() const { return family_; }
  // Llama 2 variants (from the template text): <<SYS>> support, BOS inside history, strip().
  bool llama2_system() const { return llama2_system_; }

 private:
  ChatTemplateFamily family_ = ChatTemplateFamily::kChatMl;
  bool llama2_system_ = true;
  bool llama2_bos_inside_ = true;
  bool llama2_strip_ = false;
};

// Metadata of a model file, for routing decisions and `gatewayctl model info`.
struct ModelInfo {
  std::string architecture;  // general.architecture, e.g. "llama", "qwen2"
  std::string name;          // general.name, "" when absent
  uint32_t gguf_version = 0;
  uint64_t file_bytes = 0;
  uint64_t parameter_count = 0;  // sum of the element counts of all tensors
  uint64_t tensor_count = 0;
  // Tensor types and how many tensors use each, ordered by type number.
  std::vector<std::pair<GgmlType, uint64_t>> tensor_types;
  uint64_t context_length = 0;    // <arch>.context_length, 0 when absent (tokens)
  uint64_t embedding_length = 0;  // <arch>.embedding_length, 0 when absent
  uint64_t block_count = 0;       // <arch>.block_count, 0 when absent
  int32_t n_vocab = 0;
  VocabType vocab_type = VocabType::kSpm;
  PreTokenizerType pre_tokenizer = PreTokenizerType::kNone;
  ChatTemplateFamily chat_template = ChatTemplateFamily::kChatMl;
  bool chat_template_recognised = false;  // false: absent or unknown, ChatML is assumed
};

// An opened model file: the mapping, its metadata, tokenizer and chat template. Part 2 adds the
// runtime (weights are reachable through gguf().tensors()).
// Thread-safety: immutable after Open; all methods are thread-safe.
class Model {
 public:
  // Maps and validates `path`. Errors: as GgufReader::Open, and the Tokenizer::FromGguf errors.
  static StatusOr<std::unique_ptr<Model>> Open(const std::string& path);
  // The same over a reader the caller hands over.
  static StatusOr<std::unique_ptr<Model>> FromReader(std::unique_ptr<GgufReader> reader);

  const ModelInfo& info() const { return info_; }
  const Tokenizer& tokenizer() const { return *tokenizer_; }
  const ChatTemplate& chat_template() const { return chat_template_; }
  const GgufReader& gguf() const { return *reader_; }

  // Renders with the model's template family and EOS text.
  std::string RenderChat(const std::vector<ChatMessage>& messages,
                         bool add_generation_prompt) const;

 private:
  Model() = default;
  std::unique_ptr<GgufReader> reader_;
  std::unique_ptr<Tokenizer> tokenizer_;
  ChatTemplate chat_template_;
  ModelInfo info_;
};

}  // namespace gw::engine
