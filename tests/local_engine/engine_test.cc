// Model: metadata of the reference models and of a written model file.
#include "local_engine/engine.h"

#include <filesystem>

#include "gtest/gtest.h"
#include "tests/local_engine/test_data.h"

namespace gw::engine {
namespace {

TEST(ModelTest, InfoOfReferenceModels) {
  GW_REQUIRE_SHARED(path, "testdata/engine/models/tiny-qwen2-q8_0.gguf");
  auto model = Model::Open(path);
  ASSERT_TRUE(model.ok()) << model.status();
  const ModelInfo& info = (*model)->info();
  EXPECT_EQ(info.architecture, "qwen2");
  EXPECT_EQ(info.context_length, 512u);
  EXPECT_EQ(info.embedding_length, 64u);
  EXPECT_EQ(info.block_count, 2u);
  EXPECT_EQ(info.n_vocab, 151936);
  EXPECT_EQ(info.vocab_type, VocabType::kBpe);
  EXPECT_EQ(info.pre_tokenizer, PreTokenizerType::kQwen2);
  uint64_t params = 0;
  for (const auto& t : (*model)->gguf().tensors()) params += static_cast<uint64_t>(t.NumElements());
  EXPECT_EQ(info.parameter_count, params);
  // Tied embedding 151936 x 64 plus two blocks; the embedding dominates.
  EXPECT_GT(info.parameter_count, 151936u * 64u);
  bool has_q8 = false;
  for (const auto& [type, count] : info.tensor_types) has_q8 |= type == GgmlType::kQ8_0;
  EXPECT_TRUE(has_q8);

  GW_REQUIRE_SHARED(llama, "testdata/engine/models/tiny-llama-q4_k_m.gguf");
  model = Model::Open(llama);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ((*model)->info().architecture, "llama");
  EXPECT_EQ((*model)->info().vocab_type, VocabType::kSpm);
  EXPECT_EQ((*model)->info().context_length, 512u);
}

TEST(ModelTest, WrittenModelWithChatTemplate) {
  GgufWriter w;
  w.SetString("general.architecture", "llama");
  w.SetString("general.name", "unit");
  w.SetUint32("llama.context_length", 4096);
  w.SetString("tokenizer.ggml.model", "gpt2");
  w.SetString("tokenizer.ggml.pre", "llama-bpe");
  // Byte-level vocabulary: the 256 byte code points, then a merge and a control token.
  std::vector<std::string> tokens;
  uint32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    uint32_t cp = static_cast<uint32_t>(b);
    bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
    if (!printable) cp = next++;
    std::string s;
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    tokens.push_back(s);
  }
  tokens.push_back("hi");
  tokens.push_back("<|eot_id|>");
  std::vector<int32_t> types(tokens.size(), 1);
  types.back() = 3;
  w.SetStringArray("tokenizer.ggml.tokens", tokens);
  w.SetInt32Array("tokenizer.ggml.token_type", types);
  w.SetStringArray("tokenizer.ggml.merges", {"h i"});
  w.SetUint32("tokenizer.ggml.bos_token_id", 257);
  w.SetUint32("tokenizer.ggml.eos_token_id", 257);
  w.SetString("tokenizer.chat_template", "<|start_header_id|> <|end_header_id|>");
  std::string data(2 * 4 * 4, '\0');
  ASSERT_TRUE(w.AddTensor("output.weight", GgmlType::kF32, {4, 2}, data).ok());
  std::string path = (std::filesystem::path(::testing::TempDir()) / "unit.gguf").string();
  ASSERT_TRUE(w.WriteFile(path).ok());

  auto model = Model::Open(path);
  ASSERT_TRUE(model.ok()) << model.status();
  const ModelInfo& info = (*model)->info();
  EXPECT_EQ(info.name, "unit");
  EXPECT_EQ(info.context_length, 4096u);
  EXPECT_EQ(info.parameter_count, 8u);
  EXPECT_EQ(info.chat_template, ChatTemplateFamily::kLlama3);
  EXPECT_TRUE(info.chat_template_recognised);
  const Tokenizer& tok = (*model)->tokenizer();
  EXPECT_EQ(tok.Tokenize("hi", true), (std::vector<TokenId>{257, 256}));
  EXPECT_EQ(tok.Tokenize("hi<|eot_id|>", false, true), (std::vector<TokenId>{256, 257}));
  EXPECT_EQ(tok.eot(), 257);
  EXPECT_EQ((*model)->RenderChat({{"user", "hi"}}, true),
            "<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(ModelTest, FileWithoutTokenizerIsRejected) {
  GgufWriter w;
  w.SetString("general.architecture", "llama");
  std::string path = (std::filesystem::path(::testing::TempDir()) / "notok.gguf").string();
  ASSERT_TRUE(w.WriteFile(path).ok());
  auto model = Model::Open(path);
  EXPECT_EQ(model.status(), absl::InvalidArgumentError("tokenizer: tokenizer.ggml.model: missing"));
}

}  // namespace
}  // namespace gw::engine
