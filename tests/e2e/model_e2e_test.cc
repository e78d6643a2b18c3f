// gatewayd with a local GGUF model: the model's metadata is read at start-up and reported by
// ListModels and Admin.Status; a corrupt model file stops the daemon with the GGUF error.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>

#include "gateway/v1/gateway.grpc.pb.h"
#include "local_engine/gguf.h"
#include "tests/testing/daemon_process.h"

namespace gw {
namespace {

namespace v1 = ::gateway::v1;
using ::gw::testing::DaemonProcess;
using ::gw::testing::TempDir;
using ::testing::HasSubstr;

// A small llama-architecture GGUF with a byte-level BPE vocabulary (the 256 byte symbols of
// GPT-2's byte encoder plus one merge) and one Q8_0 tensor: enough for metadata and tokenizer.
std::string WriteTinyModel(const TempDir& dir) {
  engine::GgufWriter w;
  w.SetString("general.architecture", "llama");
  w.SetString("general.name", "tiny-e2e");
  w.SetUint32("llama.context_length", 2048);
  w.SetString("tokenizer.ggml.model", "gpt2");
  w.SetString("tokenizer.ggml.pre", "llama-bpe");
  std::vector<std::string> tokens;
  uint32_t next = 256;
  for (int b = 0; b < 256; ++b) {
    uint32_t cp = static_cast<uint32_t>(b);
    const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
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
  w.SetStringArray("tokenizer.ggml.tokens", tokens);
  w.SetStringArray("tokenizer.ggml.merges", {"h i"});
  w.SetUint32("tokenizer.ggml.bos_token_id", 256);
  w.SetUint32("tokenizer.ggml.eos_token_id", 256);
  w.SetString("tokenizer.chat_template", "{% for m in messages %}<|im_start|>{% endfor %}");
  // One Q8_0 block row: 32 weights = 34 bytes (fp16 scale + 32 int8).
  EXPECT_TRUE(
      w.AddTensor("blk.0.attn_q.weight", engine::GgmlType::kQ8_0, {32, 2}, std::string(68, '\0'))
          .ok());
  std::string path = dir.path() + "/tiny-e2e.gguf";
  EXPECT_TRUE(w.WriteFile(path).ok());
  return path;
}

TEST(ModelE2eTest, LocalModelIsListedWithItsMetadata) {
  TempDir dir;
  const std::string model = WriteTinyModel(dir);
  const std::string cfg = dir.Write("gw.yaml", "engine:\n  model_path: " + model + "\n");
  DaemonProcess d(dir, {"--config", cfg});
  ASSERT_TRUE(d.WaitReady()) << d.Stderr();
  auto ch = grpc::CreateChannel(d.unix_target(), grpc::InsecureChannelCredentials());
  auto stub = v1::Gateway::NewStub(ch);
  grpc::ClientContext ctx;
  v1::ListModelsResponse models;
  ASSERT_TRUE(stub->ListModels(&ctx, v1::ListModelsRequest(), &models).ok());
  ASSERT_EQ(models.models_size(), 1);
  const auto& m = models.models(0);
  EXPECT_EQ(m.name(), "tiny-e2e");
  EXPECT_EQ(m.target(), v1::TARGET_LOCAL);
  EXPECT_EQ(m.architecture(), "llama");
  EXPECT_EQ(m.quantization(), "q8_0");
  EXPECT_EQ(m.context_length(), 2048);
  EXPECT_FALSE(m.available());
  EXPECT_THAT(m.unavailable_reason(), HasSubstr("generation is not in this build"));

  auto admin = v1::Admin::NewStub(ch);
  grpc::ClientContext sctx;
  v1::StatusResponse st;
  ASSERT_TRUE(admin->Status(&sctx, v1::StatusRequest(), &st).ok());
  bool found = false;
  for (const auto& c : st.components()) {
    if (c.name() == "local_engine") {
      found = true;
      EXPECT_THAT(c.detail(), HasSubstr("tiny-e2e: llama, 64 parameters, q8_0, context 2048"));
      EXPECT_THAT(c.detail(), HasSubstr("chat template chatml"));
    }
  }
  EXPECT_TRUE(found);
}

TEST(ModelE2eTest, CorruptModelStopsStartWithTheGgufError) {
  TempDir dir;
  const std::string model = WriteTinyModel(dir);
  std::string bytes;
  {
    std::ifstream in(model, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  bytes.resize(bytes.size() / 2);  // truncated download
  dir.Write("tiny-e2e.gguf", bytes);
  const std::string cfg = dir.Write("gw.yaml", "engine:\n  model_path: " + model + "\n");
  DaemonProcess d(dir, {"--config", cfg});
  EXPECT_FALSE(d.WaitReady());
  EXPECT_EQ(d.WaitExit().value_or(-99), 1);
  EXPECT_THAT(d.Stderr(), HasSubstr("engine.model_path " + model + ": gguf: "));
}

TEST(ModelE2eTest, InvalidPolicyRegexIsAConfigErrorWithLine) {
  TempDir dir;
  const std::string cfg = dir.Write("gw.yaml",
                                    "policy:\n"
                                    "  detectors:\n"
                                    "    regexes:\n"
                                    "      - id: codes\n"
                                    "        pattern: \"(unclosed\"\n"
                                    "        finding_type: CODE\n"
                                    "        data_class: internal\n");
  auto r = gw::testing::RunProcess(
      {gw::testing::BinaryPath("daemon/gatewayd"), "--config", cfg, "--check-config"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("gw.yaml:"));
  EXPECT_THAT(r.err, HasSubstr("missing )"));
}

}  // namespace
}  // namespace gw
