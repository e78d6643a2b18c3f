// libFuzzer target: arbitrary text through a byte-level BPE tokenizer (each pre-tokenizer) and
// an SPM tokenizer built in memory, then through the streaming detokenizer, which must only ever
// emit valid UTF-8; BPE detokenization must give the (valid UTF-8) input back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "common/utf8.h"
#include "local_engine/engine.h"
#include "local_engine/gguf.h"

namespace {

using gw::engine::GgufReader;
using gw::engine::GgufWriter;
using gw::engine::Tokenizer;

struct Vocab {
  std::string bytes;  // the GGUF file; the reader borrows it
  std::unique_ptr<GgufReader> reader;
  std::unique_ptr<Tokenizer> tokenizer;
};

std::string ByteText(int b) {
  bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
  static const std::vector<uint32_t> map = [] {
    std::vector<uint32_t> m(256);
    uint32_t next = 256;
    for (int k = 0; k < 256; ++k) {
      bool p = (k >= 0x21 && k <= 0x7E) || (k >= 0xA1 && k <= 0xAC) || k >= 0xAE;
      m[k] = p ? static_cast<uint32_t>(k) : next++;
    }
    return m;
  }();
  uint32_t cp = printable ? static_cast<uint32_t>(b) : map[b];
  std::string s;
  if (cp < 0x80) {
    s.push_back(static_cast<char>(cp));
  } else {
    s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
  return s;
}

std::unique_ptr<Vocab> MakeVocab(const std::string& model, const std::string& pre) {
  GgufWriter w;
  w.SetString("tokenizer.ggml.model", model);
  std::vector<std::string> tokens;
  std::vector<int32_t> types;
  std::vector<float> scores;
  std::vector<std::string> merges;
  if (model == "gpt2") {
    w.SetString("tokenizer.ggml.pre", pre);
    for (int b = 0; b < 256; ++b) tokens.push_back(ByteText(b));
    for (const char* m : {"h e", "l l", "he ll", "Ġ t", "Ġt h", "i n", "e r", "1 2", "Ġ Ġ"}) {
      merges.push_back(m);
      std::string t(m);
      t.erase(t.find(' '), 1);
      tokens.push_back(t);
    }
    types.assign(tokens.size(), 1);
    tokens.push_back("<|end|>");
    types.push_back(3);
    tokens.push_back("<user>");
    types.push_back(4);
    w.SetStringArray("tokenizer.ggml.merges", merges);
    w.SetUint32("tokenizer.ggml.bos_token_id", static_cast<uint32_t>(tokens.size() - 2));
  } else {
    tokens = {"<unk>", "<s>", "</s>"};
    types = {2, 3, 3};
    for (int b = 0; b < 256; ++b) {
      char name[8];
      std::snprintf(name, sizeof(name), "<0x%02X>", b);
      tokens.push_back(name);
      types.push_back(6);
    }
    for (const char* t :
         {"\u2581", "a", "b", "ab", "\u2581a", "\u00e9", "he", "hel", "hello", "\u2581hello"}) {
      tokens.push_back(t);
      types.push_back(1);
    }
    for (size_t k = 0; k < tokens.size(); ++k) scores.push_back(-static_cast<float>(k % 7));
    w.SetFloat32Array("tokenizer.ggml.scores", scores);
  }
  w.SetStringArray("tokenizer.ggml.tokens", tokens);
  w.SetInt32Array("tokenizer.ggml.token_type", types);
  auto v = std::make_unique<Vocab>();
  v->bytes = *w.Serialize();
  v->reader = std::move(*GgufReader::FromBuffer(v->bytes));
  auto tok = Tokenizer::FromGguf(*v->reader);
  if (!tok.ok()) std::abort();
  v->tokenizer = std::move(*tok);
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Built once; destroyed at exit, so LeakSanitizer sees no leak.
  static const std::vector<std::unique_ptr<Vocab>> vocabs = [] {
    std::vector<std::unique_ptr<Vocab>> v;
    v.push_back(MakeVocab("gpt2", "llama-bpe"));
    v.push_back(MakeVocab("gpt2", "qwen2"));
    v.push_back(MakeVocab("gpt2", "gpt2"));
    v.push_back(MakeVocab("gpt2", "smollm"));
    v.push_back(MakeVocab("llama", ""));
    return v;
  }();
  std::string text(reinterpret_cast<const char*>(data), size);
  for (const auto& v : vocabs) {
    const Tokenizer& tok = *v->tokenizer;
    for (bool special : {false, true}) {
      auto ids = tok.Tokenize(text, special, special);
      for (auto id : ids) {
        if (id < 0 || id >= tok.n_vocab()) std::abort();
      }
      gw::engine::StreamingDetokenizer stream(tok, special);
      std::string out;
      for (auto id : ids) {
        std::string part = stream.Push(id);
        if (!gw::IsValidUtf8(part)) std::abort();
        out += part;
      }
      std::string tail = stream.Finish();
      if (!gw::IsValidUtf8(tail)) std::abort();
      out += tail;
      if (!special && tok.type() == gw::engine::VocabType::kBpe && gw::IsValidUtf8(text) &&
          out != text) {
        std::abort();  // byte-level BPE is lossless on valid UTF-8
      }
    }
  }
  return 0;
}
