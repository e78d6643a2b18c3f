// Tokenizer loading from GGUF metadata (llama.cpp llama_vocab::impl::load), special-token
// matching (tokenizer_st_partition) and detokenization (token_to_piece).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "local_engine/internal/absl_compat.h"
#include "local_engine/vocab/unicode.h"
#include "local_engine/vocab/vocab.h"

namespace gw::engine {
namespace {

Status Bad(std::string_view key, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("tokenizer: ", Av(key), ": ", Av(what)));
}

StatusOr<const GgufValue*> FindArray(const GgufReader& g, std::string_view key, GgufValueType elem,
                                     bool required) {
  const GgufValue* v = g.Find(key);
  if (v == nullptr) {
    if (required) return Bad(key, "missing");
    return nullptr;
  }
  if (v->type != GgufValueType::kArray || v->elem_type != elem) {
    return Bad(key, absl::StrCat("expected an array of ", Av(GgufValueTypeName(elem))));
  }
  return v;
}

// Reads an optional token id key; ids outside the vocabulary are ignored, as llama.cpp does.
Status ReadId(const GgufReader& g, std::string_view key, int32_t n_vocab, TokenId* id) {
  const GgufValue* v = g.Find(key);
  if (v == nullptr) return absl::OkStatus();
  auto x = v->AsUint();
  if (!x) return Bad(key, "expected an unsigned integer");
  if (*x < static_cast<uint64_t>(n_vocab)) *id = static_cast<TokenId>(*x);
  return absl::OkStatus();
}

Status ReadBool(const GgufReader& g, std::string_view key, bool* b) {
  const GgufValue* v = g.Find(key);
  if (v == nullptr) return absl::OkStatus();
  auto x = v->AsBool();
  if (!x) return Bad(key, "expected a bool");
  *b = *x;
  return absl::OkStatus();
}

}  // namespace

std::string_view VocabTypeName(VocabType t) { return t == VocabType::kSpm ? "spm" : "bpe"; }

std::string_view PreTokenizerName(PreTokenizerType t) {
  switch (t) {
    case PreTokenizerType::kNone:
      return "none";
    case PreTokenizerType::kLlama3:
      return "llama-bpe";
    case PreTokenizerType::kQwen2:
      return "qwen2";
    case PreTokenizerType::kGpt2:
      return "gpt2";
    case PreTokenizerType::kSmolLm:
      return "smollm";
  }
  return "none";
}

Tokenizer::Tokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::FromGguf(const GgufReader& g) {
  auto impl = std::make_unique<Impl>();
  Impl& v = *impl;

  const GgufValue* model = g.Find("tokenizer.ggml.model");
  if (model == nullptr) return Bad("tokenizer.ggml.model", "missing");
  auto model_name = model->AsString();
  if (!model_name) return Bad("tokenizer.ggml.model", "expected a string");
  if (*model_name == "llama") {
    v.type = VocabType::kSpm;
    v.bos = 1;
    v.eos = 2;
    v.unk = 0;
    v.add_bos = true;
    v.add_space_prefix = true;
  } else if (*model_name == "gpt2") {
    v.type = VocabType::kBpe;
    v.bos = 11;
    v.eos = 11;
    const GgufValue* pre = g.Find("tokenizer.ggml.pre");
    if (pre == nullptr) return Bad("tokenizer.ggml.pre", "missing (needed for a gpt2 vocabulary)");
    auto p = pre->AsString();
    if (!p) return Bad("tokenizer.ggml.pre", "expected a string");
    if (*p == "llama3" || *p == "llama-v3" || *p == "llama-bpe" || *p == "falcon3") {
      v.pre = PreTokenizerType::kLlama3;
      v.ignore_merges = true;
      v.add_bos = true;
    } else if (*p == "qwen2" || *p == "deepseek-r1-qwen") {
      v.pre = PreTokenizerType::kQwen2;
    } else if (*p == "gpt-2" || *p == "gpt2" || *p == "phi-2" || *p == "roberta-bpe") {
      v.pre = PreTokenizerType::kGpt2;
    } else if (*p == "smollm") {
      v.pre = PreTokenizerType::kSmolLm;
    } else {
      return Bad("tokenizer.ggml.pre",
                 absl::StrCat("unsupported pre-tokenizer '", absl::CHexEscape(Av(p->substr(0, 64))),
                              "' (supported: llama-bpe, qwen2, gpt2, smollm)"));
    }
  } else {
    return Bad("tokenizer.ggml.model",
               absl::StrCat("unsupported model '", absl::CHexEscape(Av(model_name->substr(0, 64))),
                            "' (supported: llama, gpt2)"));
  }

  GW_ASSIGN_OR_RETURN(const GgufValue* tokens,
                      FindArray(g, "tokenizer.ggml.tokens", GgufValueType::kString, true));
  if (tokens->count == 0 || tokens->count > static_cast<uint64_t>(INT32_MAX)) {
    return Bad("tokenizer.ggml.tokens", absl::StrCat("bad token count ", tokens->count));
  }
  const int32_t n = static_cast<int32_t>(tokens->count);
  GW_ASSIGN_OR_RETURN(const GgufValue* scores,
                      FindArray(g, "tokenizer.ggml.scores", GgufValueType::kFloat32, false));
  GW_ASSIGN_OR_RETURN(const GgufValue* types,
                      FindArray(g, "tokenizer.ggml.token_type", GgufValueType::kInt32, false));
  if (scores != nullptr && scores->count != tokens->count) {
    return Bad("tokenizer.ggml.scores", absl::StrCat(scores->count, " scores for ", n, " tokens"));
  }
  if (types != nullptr && types->count != tokens->count) {
    return Bad("tokenizer.ggml.token_type",
               absl::StrCat(types->count, " token types for ", n, " tokens"));
  }

  // Token texts: empty texts are renamed "[EMPTY_<id>]" as llama.cpp does.
  size_t total = 0;
  for (int32_t i = 0; i < n; ++i) {
    std::string_view t = tokens->strings[i];
    total += t.empty() ? 32 : t.size();
  }
  v.arena.reserve(total);
  std::vector<std::pair<size_t, size_t>> spans(n);
  for (int32_t i = 0; i < n; ++i) {
    std::string_view t = tokens->strings[i];
    std::string renamed;
    if (t.empty()) {
      renamed = absl::StrCat("[EMPTY_", i, "]");
      t = renamed;
    }
    spans[i] = {v.arena.size(), t.size()};
    v.arena.append(t);
  }
  v.text.resize(n);
  v.scores.assign(n, 0.0f);
  v.types.assign(n, TokenType::kNormal);
  v.to_id.reserve(n);
  for (int32_t i = 0; i < n; ++i) {
    v.text[i] = std::string_view(v.arena).substr(spans[i].first, spans[i].second);
    v.to_id[v.text[i]] = i;
    if (scores != nullptr) std::memcpy(&v.scores[i], scores->raw.data() + 4 * i, 4);
    if (types != nullptr) {
      int32_t t;
      std::memcpy(&t, types->raw.data() + 4 * i, 4);
      v.types[i] = (t >= 0 && t <= 6) ? static_cast<TokenType>(t) : TokenType::kUndefined;
    }
  }

  GW_RETURN_IF_ERROR(ReadId(g, "tokenizer.ggml.bos_token_id", n, &v.bos));
  GW_RETURN_IF_ERROR(ReadId(g, "tokenizer.ggml.eos_token_id", n, &v.eos));
  GW_RETURN_IF_ERROR(ReadId(g, "tokenizer.ggml.unknown_token_id", n, &v.unk));
  GW_RETURN_IF_ERROR(ReadId(g, "tokenizer.ggml.eot_token_id", n, &v.eot));
  if (v.bos >= n) v.bos = kNoToken;
  if (v.eos >= n) v.eos = kNoToken;
  if (v.unk >= n) v.unk = kNoToken;
  GW_RETURN_IF_ERROR(ReadBool(g, "tokenizer.ggml.add_bos_token", &v.add_bos));
  GW_RETURN_IF_ERROR(ReadBool(g, "tokenizer.ggml.add_eos_token", &v.add_eos));
  GW_RETURN_IF_ERROR(ReadBool(g, "tokenizer.ggml.add_space_prefix", &v.add_space_prefix));
  if (v.add_bos && v.bos == kNoToken) v.add_bos = false;
  if (v.add_eos && v.eos == kNoToken) v.add_eos = false;
  if (v.eot == kNoToken) {
    // llama.cpp finds the end-of-turn token by its text and makes it a control token.
    for (std::string_view t :
         {"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<EOT>"}) {
      TokenId id = v.Find(t);
      if (id != kNoToken) {
        v.eot = id;
        v.types[id] = TokenType::kControl;
        break;
      }
    }
  }

  // Byte tokens and decoded pieces.
  if (v.type == VocabType::kSpm) {
    v.spm_pairs.assign(65536 / 64, 0);
    for (std::string_view t : v.text) {
      for (size_t k = 1; k < t.size(); ++k) {
        uint32_t key = (static_cast<uint32_t>(static_cast<uint8_t>(t[k - 1])) << 8) |
                       static_cast<uint8_t>(t[k]);
        v.spm_pairs[key >> 6] |= uint64_t{1} << (key & 63);
      }
    }
    for (int b = 0; b < 256; ++b) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      const char name[6] = {'<', '0', 'x', kHex[b >> 4], kHex[b & 15], '>'};
      TokenId id = v.Find(std::string_view(name, 6));
      if (id == kNoToken) {
        const char c = static_cast<char>(b);
        id = v.Find(std::string_view(&c, 1));
      }
      v.byte_token[b] = id;
    }
  } else {
    for (int b = 0; b < 256; ++b) {
      v.byte_encoded[b].clear();
      unicode::AppendUtf8(unicode::ByteToCodepoint(static_cast<uint8_t>(b)), &v.byte_encoded[b]);
      v.byte_token[b] = v.Find(v.byte_encoded[b]);
    }
  }
  v.pieces.resize(n);
  std::vector<uint32_t> cpts;
  for (int32_t i = 0; i < n; ++i) {
    std::string_view t = v.text[i];
    std::string& piece = v.pieces[i];
    switch (v.types[i]) {
      case TokenType::kUserDefined:
        piece.assign(t);
        break;
      case TokenType::kNormal:
        if (v.type == VocabType::kSpm) {
          for (size_t k = 0; k < t.size(); ++k) {
            if (t.substr(k, 3) == "\xE2\x96\x81") {
              piece.push_back(' ');
              k += 2;
            } else {
              piece.push_back(t[k]);
            }
          }
        } else {
          unicode::DecodeLenient(t, &cpts);
          for (uint32_t cp : cpts) {
            int byte = unicode::CodepointToByte(cp);
            if (byte >= 0) {
              piece.push_back(static_cast<char>(byte));
            } else {
              unicode::AppendUtf8(cp, &piece);
            }
          }
        }
        break;
      case TokenType::kByte:
        if (v.type == VocabType::kSpm && t.size() == 6 && t.substr(0, 3) == "<0x" && t[5] == '>') {
          char hex[3] = {t[3], t[4], 0};
          char* end = nullptr;
          long b = std::strtol(hex, &end, 16);
          if (end == hex + 2) piece.push_back(static_cast<char>(b));
        }
        break;
      default:
        break;
    }
  }

  if (v.type == VocabType::kBpe) {
    GW_ASSIGN_OR_RETURN(const GgufValue* merges,
                        FindArray(g, "tokenizer.ggml.merges", GgufValueType::kString, true));
    v.merge_by_ids.reserve(merges->count);
    for (uint64_t i = 0; i < merges->count; ++i) {
      std::string_view m = merges->strings[i];
      size_t pos = m.size() > 1 ? m.find(' ', 1) : std::string_view::npos;
      if (pos == std::string_view::npos) continue;  // can never match a pair of symbols
      std::string_view a = m.substr(0, pos);
      std::string_view b = m.substr(pos + 1);
      TokenId ia = v.Find(a);
      TokenId ib = v.Find(b);
      int32_t rank = static_cast<int32_t>(std::min<uint64_t>(i, INT32_MAX));
      if (ia != kNoToken && ib != kNoToken) {
        v.merge_by_ids.emplace((static_cast<uint64_t>(ia) << 32) | static_cast<uint32_t>(ib), rank);
      } else {
        v.merge_by_text.emplace(absl::StrCat(Av(a), " ", Av(b)), rank);
      }
    }
  }

  for (int32_t i = 0; i < n; ++i) {
    TokenType t = v.types[i];
    if (t == TokenType::kControl || t == TokenType::kUserDefined || t == TokenType::kUnknown) {
      v.special.push_back(i);
    }
  }
  std::stable_sort(v.special.begin(), v.special.end(),
                   [&](TokenId a, TokenId b) { return v.text[a].size() > v.text[b].size(); });
  v.rstrip.assign(n, 0);
  if (const GgufValue* name = g.Find("general.name"); name != nullptr && name->AsString()) {
    std::string lower(*name->AsString());
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.find("phi-3") != std::string::npos || lower.find("phi3") != std::string::npos) {
      for (TokenId id : v.special) v.rstrip[id] = 1;
      if (TokenId id = v.Find("</s>"); id != kNoToken) v.rstrip[id] = 1;
      for (std::string_view t : {"<unk>", "<s>", "<|endoftext|>"}) {
        if (TokenId id = v.Find(t); id != kNoToken) v.rstrip[id] = 0;
      }
    }
  }
  return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(impl)));
}

std::vector<TokenId> Tokenizer::Tokenize(std::string_view text, bool add_special,
                                         bool parse_special) const {
  const Impl& v = *impl_;
  // Fragments: raw text spans, or already-matched special tokens.
  struct Fragment {
    TokenId token;  // kNoToken for raw text
    size_t offset;
    size_t length;
  };
  std::vector<Fragment> frags;
  if (!text.empty()) frags.push_back(Fragment{kNoToken, 0, text.size()});
  std::vector<Fragment> next;
  for (TokenId id : v.special) {
    if (!parse_special && v.types[id] != TokenType::kUserDefined) continue;
    std::string_view st = v.text[id];
    bool any = false;
    for (const Fragment& f : frags) {
      if (f.token == kNoToken &&
          text.substr(f.offset, f.length).find(st) != std::string_view::npos) {
        any = true;
        break;
      }
    }
    if (!any) continue;
    next.clear();
    for (const Fragment& f : frags) {
      if (f.token != kNoToken) {
        next.push_back(f);
        continue;
      }
      size_t start = f.offset;
      const size_t end = f.offset + f.length;
      while (start < end) {
        size_t m = text.substr(0, end).find(st, start);
        if (m == std::string_view::npos) break;
        if (m > start) next.push_back(Fragment{kNoToken, start, m - start});
        next.push_back(Fragment{id, m, st.size()});
        start = m + st.size();
        if (v.rstrip[id]) {
          while (start < end && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
        }
      }
      if (start < end) next.push_back(Fragment{kNoToken, start, end - start});
    }
    frags.swap(next);
  }

  std::vector<TokenId> out;
  out.reserve(text.size() / 3 + 4);
  if (add_special && v.add_bos) out.push_back(v.bos);
  if (v.type == VocabType::kSpm) {
    bool prev_special = true;  // a space is put before the first text fragment
    std::string buf;
    for (const Fragment& f : frags) {
      if (f.token != kNoToken) {
        out.push_back(f.token);
        prev_special = true;
        continue;
      }
      std::string_view raw = text.substr(f.offset, f.length);
      if (v.add_space_prefix && prev_special) {
        buf.assign(" ");
        buf.append(raw);
        v.TokenizeSpm(buf, &out);
      } else {
        v.TokenizeSpm(raw, &out);
      }
      prev_special = false;
    }
  } else {
    for (const Fragment& f : frags) {
      if (f.token != kNoToken) {
        out.push_back(f.token);
      } else {
        v.TokenizeBpe(text.substr(f.offset, f.length), &out);
      }
    }
  }
  if (add_special && v.add_eos) out.push_back(v.eos);
  return out;
}

TokenCount Tokenizer::CountTokens(std::string_view text, bool add_special) const {
  return TokenCount(static_cast<int64_t>(Tokenize(text, add_special, false).size()));
}

std::string_view Tokenizer::TokenToPiece(TokenId id, bool render_special) const {
  const Impl& v = *impl_;
  if (id < 0 || id >= static_cast<TokenId>(v.text.size())) return {};
  TokenType t = v.types[id];
  if (t == TokenType::kControl || t == TokenType::kUnknown) {
    return render_special ? v.text[id] : std::string_view();
  }
  return v.pieces[id];
}

std::string Tokenizer::Detokenize(const std::vector<TokenId>& ids, bool render_special) const {
  const Impl& v = *impl_;
  std::string out;
  size_t first = 0;
  if (!ids.empty() && ids[0] == v.bos && v.bos != kNoToken) {
    out.append(TokenToPiece(ids[0], render_special));
    first = 1;
  }
  for (size_t k = first; k < ids.size(); ++k) {
    std::string_view piece = TokenToPiece(ids[k], render_special);
    if (k == first && v.type == VocabType::kSpm && v.add_space_prefix && !piece.empty() &&
        piece[0] == ' ' && v.types[ids[k]] == TokenType::kNormal) {
      piece.remove_prefix(1);
    }
    out.append(piece);
  }
  return out;
}

VocabType Tokenizer::type() const { return impl_->type; }
PreTokenizerType Tokenizer::pre_tokenizer() const { return impl_->pre; }
int32_t Tokenizer::n_vocab() const { return static_cast<int32_t>(impl_->text.size()); }
std::string_view Tokenizer::token_text(TokenId id) const {
  if (id < 0 || id >= n_vocab()) return {};
  return impl_->text[id];
}
TokenType Tokenizer::token_type(TokenId id) const {
  if (id < 0 || id >= n_vocab()) return TokenType::kUndefined;
  return impl_->types[id];
}
TokenId Tokenizer::bos() const { return impl_->bos; }
TokenId Tokenizer::eos() const { return impl_->eos; }
TokenId Tokenizer::eot() const { return impl_->eot; }
bool Tokenizer::add_bos() const { return impl_->add_bos; }
bool Tokenizer::add_eos() const { return impl_->add_eos; }
bool Tokenizer::add_space_prefix() const { return impl_->add_space_prefix; }

}  // namespace gw::engine
