// Tokenizer parity with llama.cpp on the shared reference data, plus round trips and streaming.
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "common/utf8.h"
#include "gtest/gtest.h"
#include "local_engine/engine.h"
#include "local_engine/gguf.h"
#include "tests/local_engine/test_data.h"

namespace gw::engine {
namespace {

using ::gw::engine::testing::ReadFileBytes;

struct Case {
  std::string text;
  std::vector<TokenId> ids;
};

// Parses an .inp/.out pair as described in testdata/engine/vocab/FORMAT.md.
std::vector<Case> LoadCases(const std::string& inp_path, const std::string& out_path) {
  const std::string inp = ReadFileBytes(inp_path);
  const std::string out = ReadFileBytes(out_path);
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> texts;
  size_t pos = 0;
  while (pos < inp.size()) {
    size_t m = inp.find(sep, pos);
    if (m == std::string::npos) break;
    texts.push_back(inp.substr(pos, m - pos));
    pos = m + sep.size();
  }
  std::vector<Case> cases;
  std::istringstream lines(out);
  std::string line;
  size_t k = 0;
  while (std::getline(lines, line)) {
    if (k >= texts.size()) break;
    Case c{texts[k++], {}};
    std::istringstream ids(line);
    long id;
    while (ids >> id) c.ids.push_back(static_cast<TokenId>(id));
    cases.push_back(std::move(c));
  }
  EXPECT_EQ(cases.size(), texts.size()) << out_path;
  return cases;
}

std::string CollapseReplacements(std::string s) {
  const std::string r = "\xEF\xBF\xBD";
  for (size_t p = s.find(r + r); p != std::string::npos; p = s.find(r + r)) s.erase(p, 3);
  return s;
}

std::unique_ptr<Model> OpenModel(const std::string& path) {
  auto model = Model::Open(path);
  EXPECT_TRUE(model.ok()) << model.status();
  return model.ok() ? std::move(*model) : nullptr;
}

struct ParityParam {
  const char* name;
  const char* gguf;   // relative to testdata/engine
  const char* cases;  // .inp/.out prefix relative to testdata/engine
  VocabType type;
  PreTokenizerType pre;
  bool lossless;  // Detokenize(Tokenize(t)) == t for valid UTF-8
};

class ParityTest : public ::testing::TestWithParam<ParityParam> {};

TEST_P(ParityTest, MatchesLlamaCppCases) {
  const ParityParam& p = GetParam();
  GW_REQUIRE_SHARED(gguf, std::string("testdata/engine/") + p.gguf);
  GW_REQUIRE_SHARED(inp, std::string("testdata/engine/") + p.cases + ".inp");
  GW_REQUIRE_SHARED(out, std::string("testdata/engine/") + p.cases + ".out");
  auto model = OpenModel(gguf);
  ASSERT_NE(model, nullptr);
  const Tokenizer& tok = model->tokenizer();
  EXPECT_EQ(tok.type(), p.type);
  EXPECT_EQ(tok.pre_tokenizer(), p.pre);
  auto cases = LoadCases(inp, out);
  ASSERT_EQ(cases.size(), 46u);
  int failures = 0;
  for (size_t k = 0; k < cases.size(); ++k) {
    const Case& c = cases[k];
    std::vector<TokenId> got = tok.Tokenize(c.text, /*add_special=*/false);
    EXPECT_EQ(got, c.ids) << "case " << k << " text \"" << c.text << "\"";
    if (got != c.ids) ++failures;
    EXPECT_EQ(tok.CountTokens(c.text, false).value(), static_cast<int64_t>(c.ids.size()));
    if (p.lossless && IsValidUtf8(c.text)) {
      EXPECT_EQ(tok.Detokenize(c.ids), c.text) << "case " << k;
    }
  }
  EXPECT_EQ(failures, 0);
}

INSTANTIATE_TEST_SUITE_P(
    Vocabs, ParityTest,
    ::testing::Values(
        ParityParam{"llama_spm", "vocab/ggml-vocab-llama-spm.gguf",
                    "vocab/ggml-vocab-llama-spm.gguf", VocabType::kSpm, PreTokenizerType::kNone,
                    true},
        ParityParam{"phi3", "vocab/ggml-vocab-phi-3.gguf", "vocab/ggml-vocab-phi-3.gguf",
                    VocabType::kSpm, PreTokenizerType::kNone, true},
        ParityParam{"llama_bpe", "vocab/ggml-vocab-llama-bpe.gguf",
                    "vocab/ggml-vocab-llama-bpe.gguf", VocabType::kBpe, PreTokenizerType::kLlama3,
                    true},
        // The qwen2 vocab-only file is not stored; the tiny model has the same tokenizer keys.
        ParityParam{"qwen2", "models/tiny-qwen2-q8_0.gguf", "vocab/ggml-vocab-qwen2.gguf",
                    VocabType::kBpe, PreTokenizerType::kQwen2, true},
        // The llama-spm cases against a model file with the same tokenizer keys.
        ParityParam{"tiny_llama", "models/tiny-llama-q8_0.gguf", "vocab/ggml-vocab-llama-spm.gguf",
                    VocabType::kSpm, PreTokenizerType::kNone, true}),
    [](const auto& info) { return std::string(info.param.name); });

// The prompt token ids of every reference model (llama_tokenize with add_special=true).
TEST(RefPromptsTest, MatchLlamaCppTokenIds) {
  const char* kRefs[][2] = {
      {"ref/tiny-llama-f32.ref.json", "models/tiny-llama-f32.gguf"},
      {"ref/tiny-llama-q4_0.ref.json", "models/tiny-llama-q4_0.gguf"},
      {"ref/tiny-llama-q4_k_m.ref.json", "models/tiny-llama-q4_k_m.gguf"},
      {"ref/tiny-llama-q8_0.ref.json", "models/tiny-llama-q8_0.gguf"},
      {"ref/tiny-qwen2-q8_0.ref.json", "models/tiny-qwen2-q8_0.gguf"},
  };
  int checked = 0;
  for (const auto& r : kRefs) {
    GW_REQUIRE_SHARED(ref, std::string("testdata/engine/") + r[0]);
    GW_REQUIRE_SHARED(gguf, std::string("testdata/engine/") + r[1]);
    auto model = OpenModel(gguf);
    ASSERT_NE(model, nullptr);
    const Tokenizer& tok = model->tokenizer();
    auto j = nlohmann::json::parse(ReadFileBytes(ref));
    EXPECT_EQ(tok.add_bos(), j.at("add_bos").get<bool>()) << r[0];
    EXPECT_EQ(tok.bos(), j.at("bos_id").get<int>()) << r[0];
    EXPECT_EQ(tok.n_vocab(), j.at("n_vocab").get<int>()) << r[0];
    for (const auto& p : j.at("prompts")) {
      const std::string text = p.at("text").get<std::string>();
      auto want = p.at("tokens").get<std::vector<TokenId>>();
      EXPECT_EQ(tok.Tokenize(text, /*add_special=*/true), want)
          << r[0] << " prompt " << p.at("index");
      // Detokenizing the prompt gives the text back (BOS renders as nothing).
      EXPECT_EQ(tok.Detokenize(want), text) << r[0];
      // Streaming the greedy continuation yields the reference text. The reference replaced
      // every invalid byte by U+FFFD; we replace each maximal ill-formed subpart (Unicode's
      // recommended practice, as Python does), so runs of U+FFFD are compared collapsed.
      StreamingDetokenizer stream(tok);
      std::string got;
      for (TokenId id : p.at("greedy16").get<std::vector<TokenId>>()) {
        std::string part = stream.Push(id);
        EXPECT_TRUE(IsValidUtf8(part));
        got += part;
      }
      got += stream.Finish();
      EXPECT_EQ(CollapseReplacements(got),
                CollapseReplacements(p.at("greedy16_text").get<std::string>()))
          << r[0] << " prompt " << p.at("index");
      ++checked;
    }
  }
  EXPECT_EQ(checked, 20);
}

TEST(StreamingDetokenizerTest, RandomIdsNeverEmitInvalidUtf8) {
  GW_REQUIRE_SHARED(gguf, "testdata/engine/models/tiny-qwen2-q8_0.gguf");
  GW_REQUIRE_SHARED(spm, "testdata/engine/vocab/ggml-vocab-llama-spm.gguf");
  for (const std::string& path : {gguf, spm}) {
    auto model = OpenModel(path);
    ASSERT_NE(model, nullptr);
    const Tokenizer& tok = model->tokenizer();
    std::mt19937 rng(42);
    std::uniform_int_distribution<TokenId> any(-5, tok.n_vocab() + 5);
    for (int round = 0; round < 200; ++round) {
      StreamingDetokenizer stream(tok, /*render_special=*/round % 2 == 0);
      std::string all;
      for (int k = 0; k < 40; ++k) {
        // Mix byte-level tokens in, since they split multi-byte sequences most often.
        TokenId id = k % 3 == 0 ? static_cast<TokenId>(rng() % 300) : any(rng);
        std::string part = stream.Push(id);
        ASSERT_TRUE(IsValidUtf8(part)) << path << " round " << round;
        all += part;
        EXPECT_LE(stream.pending_bytes(), 3u);
      }
      std::string tail = stream.Finish();
      ASSERT_TRUE(IsValidUtf8(tail));
      EXPECT_EQ(stream.pending_bytes(), 0u);
    }
  }
}

TEST(StreamingDetokenizerTest, HoldsBackSplitSequenceAndReplacesBadBytes) {
  GW_REQUIRE_SHARED(spm, "testdata/engine/vocab/ggml-vocab-llama-spm.gguf");
  auto model = OpenModel(spm);
  ASSERT_NE(model, nullptr);
  const Tokenizer& tok = model->tokenizer();
  // SPM byte tokens <0xXX> are ids 3..258.
  auto byte = [](int b) { return static_cast<TokenId>(3 + b); };
  ASSERT_EQ(tok.token_text(byte(0xF0)), "<0xF0>");
  StreamingDetokenizer s(tok);
  EXPECT_EQ(s.Push(byte(0xF0)), "");  // 🚀 = F0 9F 9A 80
  EXPECT_EQ(s.Push(byte(0x9F)), "");
  EXPECT_EQ(s.Push(byte(0x9A)), "");
  EXPECT_EQ(s.pending_bytes(), 3u);
  EXPECT_EQ(s.Push(byte(0x80)), "\xF0\x9F\x9A\x80");
  // A truncated sequence followed by ASCII: one U+FFFD for the maximal subpart, then the text.
  EXPECT_EQ(s.Push(byte(0xE4)), "");
  EXPECT_EQ(s.Push(byte(0xB8)), "");
  EXPECT_EQ(s.Push(byte('A')),
            "\xEF\xBF\xBD"
            "A");
  // A lone continuation byte and an overlong lead are replaced at once.
  EXPECT_EQ(s.Push(byte(0x80)), "\xEF\xBF\xBD");
  EXPECT_EQ(s.Push(byte(0xC0)), "\xEF\xBF\xBD");
  // Unfinished at the end of the stream.
  EXPECT_EQ(s.Push(byte(0xE4)), "");
  EXPECT_EQ(s.Finish(), "\xEF\xBF\xBD");
}

TEST(TokenizerTest, SpecialTokensAndFlags) {
  GW_REQUIRE_SHARED(path, "testdata/engine/models/tiny-qwen2-q8_0.gguf");
  auto model = OpenModel(path);
  ASSERT_NE(model, nullptr);
  const Tokenizer& tok = model->tokenizer();
  EXPECT_FALSE(tok.add_bos());
  EXPECT_EQ(tok.token_text(151644), "<|im_start|>");
  EXPECT_EQ(tok.token_type(151644), TokenType::kControl);
  EXPECT_EQ(tok.eot(), 151645);
  const std::string text = "<|im_start|>user\nhi<|im_end|>";
  auto parsed = tok.Tokenize(text, false, /*parse_special=*/true);
  ASSERT_GE(parsed.size(), 3u);
  EXPECT_EQ(parsed.front(), 151644);
  EXPECT_EQ(parsed.back(), 151645);
  auto plain = tok.Tokenize(text, false, /*parse_special=*/false);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), 151644), 0);
  EXPECT_GT(plain.size(), parsed.size());
  // Control tokens render only on request.
  EXPECT_EQ(tok.Detokenize(parsed), "user\nhi");
  EXPECT_EQ(tok.Detokenize(parsed, /*render_special=*/true), text);
  EXPECT_EQ(tok.TokenToPiece(-1), "");
  EXPECT_EQ(tok.TokenToPiece(tok.n_vocab()), "");
}

// llama.cpp gives every special token of a Phi-3 model the RSTRIP attribute.
TEST(TokenizerTest, Phi3SpecialTokensStripFollowingWhitespace) {
  GW_REQUIRE_SHARED(path, "testdata/engine/vocab/ggml-vocab-phi-3.gguf");
  auto model = OpenModel(path);
  ASSERT_NE(model, nullptr);
  const Tokenizer& tok = model->tokenizer();
  std::vector<TokenId> want = {32010};  // <|user|>
  for (TokenId id : tok.Tokenize("Hi", false)) want.push_back(id);
  want.push_back(32007);  // <|end|>
  want.push_back(32001);  // <|assistant|>
  EXPECT_EQ(tok.Tokenize("<|user|>\n Hi<|end|>\n<|assistant|>\n", false, true), want);
  EXPECT_EQ(tok.eot(), 32007);
}

TEST(TokenizerTest, InvalidUtf8IsTokenizedLikeLlamaCpp) {
  GW_REQUIRE_SHARED(path, "testdata/engine/vocab/ggml-vocab-llama-bpe.gguf");
  auto model = OpenModel(path);
  ASSERT_NE(model, nullptr);
  const Tokenizer& tok = model->tokenizer();
  // llama.cpp decodes invalid bytes as U+FFFD, so "a\xFFb" tokenizes as "a\uFFFDb".
  EXPECT_EQ(tok.Tokenize("a\xFF"
                         "b",
                         false),
            tok.Tokenize("a\xEF\xBF\xBD"
                         "b",
                         false));
  EXPECT_TRUE(tok.Tokenize("", false).empty());
  EXPECT_EQ(tok.Tokenize("", true), std::vector<TokenId>{128000});
}

TEST(TokenizerTest, MissingKeysAreReported) {
  GgufWriter w;
  w.SetString("tokenizer.ggml.model", "llama");
  auto bytes = w.Serialize();
  ASSERT_TRUE(bytes.ok());
  auto reader = GgufReader::FromBuffer(*bytes);
  ASSERT_TRUE(reader.ok()) << reader.status();
  auto tok = Tokenizer::FromGguf(**reader);
  EXPECT_EQ(tok.status(), absl::InvalidArgumentError("tokenizer: tokenizer.ggml.tokens: missing"));

  GgufWriter w2;
  w2.SetString("tokenizer.ggml.model", "gpt2");
  w2.SetString("tokenizer.ggml.pre", "mystery");
  w2.SetStringArray("tokenizer.ggml.tokens", {"a"});
  bytes = w2.Serialize();
  ASSERT_TRUE(bytes.ok());
  reader = GgufReader::FromBuffer(*bytes);
  ASSERT_TRUE(reader.ok());
  tok = Tokenizer::FromGguf(**reader);
  EXPECT_EQ(tok.status(),
            absl::InvalidArgumentError("tokenizer: tokenizer.ggml.pre: unsupported pre-tokenizer "
                                       "'mystery' (supported: llama-bpe, qwen2, gpt2, smollm)"));

  GgufWriter w3;
  w3.SetString("tokenizer.ggml.model", "llama");
  w3.SetStringArray("tokenizer.ggml.tokens", {"a", "b"});
  w3.SetFloat32Array("tokenizer.ggml.scores", {0.5f});
  bytes = w3.Serialize();
  ASSERT_TRUE(bytes.ok());
  reader = GgufReader::FromBuffer(*bytes);
  ASSERT_TRUE(reader.ok());
  tok = Tokenizer::FromGguf(**reader);
  EXPECT_EQ(tok.status(),
            absl::InvalidArgumentError("tokenizer: tokenizer.ggml.scores: 1 scores for 2 tokens"));
}

// A hand-made SPM vocabulary: merges follow scores, unknown characters fall back to bytes.
TEST(TokenizerTest, SpmMergesByScoreWithByteFallback) {
  std::vector<std::string> tokens = {"<unk>", "<s>", "</s>"};
  std::vector<int32_t> types = {2, 3, 3};
  std::vector<float> scores = {0, 0, 0};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    tokens.push_back(name);
    types.push_back(6);
    scores.push_back(0);
  }
  auto add = [&](const std::string& t, float s) {
    tokens.push_back(t);
    types.push_back(1);
    scores.push_back(s);
    return static_cast<TokenId>(tokens.size() - 1);
  };
  TokenId sp = add("\xE2\x96\x81", -1);
  TokenId a = add("a", -2);
  TokenId b = add("b", -2);
  TokenId ab = add("ab", -3);
  TokenId spa =
      add("\xE2\x96\x81"
          "a",
          -1.5f);
  GgufWriter w;
  w.SetString("tokenizer.ggml.model", "llama");
  w.SetStringArray("tokenizer.ggml.tokens", tokens);
  w.SetFloat32Array("tokenizer.ggml.scores", scores);
  w.SetInt32Array("tokenizer.ggml.token_type", types);
  auto bytes = w.Serialize();
  ASSERT_TRUE(bytes.ok());
  auto reader = GgufReader::FromBuffer(*bytes);
  ASSERT_TRUE(reader.ok());
  auto tok = Tokenizer::FromGguf(**reader);
  ASSERT_TRUE(tok.ok()) << tok.status();
  // "▁ab": "▁a" (-1.5) beats "ab" (-3), then "b" stays alone.
  EXPECT_EQ((*tok)->Tokenize("ab", false), (std::vector<TokenId>{spa, b}));
  EXPECT_EQ((*tok)->Tokenize("ab", true), (std::vector<TokenId>{1, spa, b}));
  // "é" is not in the vocabulary: two byte tokens.
  EXPECT_EQ((*tok)->Tokenize("\xC3\xA9", false), (std::vector<TokenId>{sp, 3 + 0xC3, 3 + 0xA9}));
  EXPECT_EQ((*tok)->Detokenize({1, spa, b}), "ab");
  (void)a;
  (void)ab;
}

}  // namespace
}  // namespace gw::engine
