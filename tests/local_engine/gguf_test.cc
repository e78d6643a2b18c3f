// GGUF reader/writer: corrupt-file table with exact errors, round trips, real files.
#include "local_engine/gguf.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "gtest/gtest.h"
#include "tests/local_engine/test_data.h"

namespace gw::engine {
namespace {

// Little-endian byte builder for hand-made files.
class Bytes {
 public:
  Bytes& Raw(std::string_view s) {
    s_.append(s);
    return *this;
  }
  template <typename T>
  Bytes& Le(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    s_.append(b, sizeof(T));
    return *this;
  }
  Bytes& U8(uint8_t v) { return Le(v); }
  Bytes& U32(uint32_t v) { return Le(v); }
  Bytes& U64(uint64_t v) { return Le(v); }
  Bytes& Str(std::string_view s) { return U64(s.size()).Raw(s); }
  Bytes& Header(uint64_t n_tensors, uint64_t n_kv, uint32_t version = 3) {
    return Raw("GGUF").U32(version).U64(n_tensors).U64(n_kv);
  }
  Bytes& Pad(size_t to) {
    s_.resize(to, '\0');
    return *this;
  }
  // A one-dimensional tensor info.
  Bytes& Tensor1(std::string_view name, uint64_t ne0, uint32_t type, uint64_t offset) {
    return Str(name).U32(1).U64(ne0).U32(type).U64(offset);
  }
  std::string str() const { return s_; }

 private:
  std::string s_;
};

struct CorruptCase {
  const char* name;
  std::string bytes;
  std::string error;
};

std::vector<CorruptCase> CorruptCases() {
  const uint64_t k2p63 = uint64_t{1} << 63;
  std::vector<CorruptCase> c;
  c.push_back(
      {"empty", "", "gguf: magic at offset 0: unexpected end of file (need 4 bytes, 0 left)"});
  c.push_back({"short_magic", "GGU",
               "gguf: magic at offset 0: unexpected end of file (need 4 bytes, 3 left)"});
  c.push_back({"bad_magic", Bytes().Raw("GGML").U32(3).U64(0).U64(0).str(),
               "gguf: magic at offset 0: expected \"GGUF\", found \"GGML\""});
  c.push_back({"version_1", Bytes().Header(0, 0, 1).str(),
               "gguf: version at offset 4: unsupported version 1 (expected 2 or 3)"});
  c.push_back({"version_4", Bytes().Header(0, 0, 4).str(),
               "gguf: version at offset 4: unsupported version 4 (expected 2 or 3)"});
  c.push_back({"truncated_header", Bytes().Raw("GGUF").U32(3).U32(0).str(),
               "gguf: tensor_count at offset 8: unexpected end of file (need 8 bytes, 4 left)"});
  c.push_back({"huge_kv_count", Bytes().Header(0, uint64_t{1} << 62).str(),
               "gguf: metadata_kv_count at offset 16: 4611686018427387904 pairs cannot fit in the "
               "0 bytes left"});
  c.push_back({"overflowing_kv_count", Bytes().Header(0, ~uint64_t{0}).str(),
               "gguf: metadata_kv_count at offset 16: 18446744073709551615 pairs cannot fit in "
               "the 0 bytes left"});
  c.push_back({"huge_tensor_count", Bytes().Header(uint64_t{1} << 40, 0).str(),
               "gguf: tensor_count at offset 8: 1099511627776 tensors cannot fit in the 0 bytes "
               "left"});
  c.push_back({"key_length_past_eof", Bytes().Header(0, 1).U64(1000).Raw("abcde").str(),
               "gguf: metadata key at offset 24: string length 1000 runs past end of file (5 "
               "bytes left)"});
  c.push_back({"key_too_long", Bytes().Header(0, 1).Str(std::string(70000, 'k')).U32(0).U8(1).str(),
               "gguf: metadata key at offset 24: string length 70000 exceeds 65535"});
  c.push_back({"duplicate_key",
               Bytes().Header(0, 2).Str("a").U32(0).U8(1).Str("a").U32(0).U8(2).str(),
               "gguf: metadata key at offset 38: duplicate key 'a'"});
  c.push_back({"unknown_value_type", Bytes().Header(0, 1).Str("a").U32(13).U8(0).Pad(40).str(),
               "gguf: value of 'a' at offset 33: unknown value type 13"});
  c.push_back({"truncated_value", Bytes().Header(0, 1).Str("a").U32(10).U32(7).str(),
               "gguf: value of 'a' at offset 37: unexpected end of file (need 8 bytes, 4 left)"});
  c.push_back({"bool_not_0_or_1", Bytes().Header(0, 1).Str("a").U32(7).U8(2).str(),
               "gguf: value of 'a' at offset 37: bool value 2 is not 0 or 1"});
  c.push_back({"string_value_past_eof", Bytes().Header(0, 1).Str("a").U32(8).U64(k2p63).str(),
               "gguf: value of 'a' at offset 37: string length 9223372036854775808 runs past end "
               "of file (0 bytes left)"});
  c.push_back({"array_unknown_elem_type", Bytes().Header(0, 1).Str("a").U32(9).U32(99).U64(0).str(),
               "gguf: value of 'a' at offset 37: unknown array element type 99"});
  c.push_back({"array_count_huge",
               Bytes().Header(0, 1).Str("a").U32(9).U32(4).U64(uint64_t{1} << 61).str(),
               "gguf: value of 'a' at offset 41: array of 2305843009213693952 u32 elements cannot "
               "fit in the 0 bytes left"});
  c.push_back({"array_count_overflow",
               Bytes().Header(0, 1).Str("a").U32(9).U32(11).U64(k2p63).str(),
               "gguf: value of 'a' at offset 41: array of 9223372036854775808 i64 elements cannot "
               "fit in the 0 bytes left"});
  c.push_back({"array_string_past_eof",
               Bytes().Header(0, 1).Str("a").U32(9).U32(8).U64(2).Str("x").U64(50).Raw("yz").str(),
               "gguf: value of 'a' at offset 58: string length 50 runs past end of file (2 bytes "
               "left)"});
  {
    Bytes b;
    b.Header(0, 1).Str("a").U32(9);
    for (int d = 0; d < 9; ++d) b.U32(9).U64(1);
    b.U32(0).U64(0);
    c.push_back({"arrays_nested_too_deep", b.str(),
                 "gguf: value of 'a' at offset 133: arrays nested deeper than 8"});
  }
  c.push_back({"alignment_not_power_of_two",
               Bytes().Header(0, 1).Str("general.alignment").U32(4).U32(48).str(),
               "gguf: general.alignment at offset 53: 48 is not a power of two"});
  c.push_back({"alignment_zero", Bytes().Header(0, 1).Str("general.alignment").U32(4).U32(0).str(),
               "gguf: general.alignment at offset 53: 0 is not a power of two"});
  c.push_back({"alignment_wrong_type",
               Bytes().Header(0, 1).Str("general.alignment").U32(10).U64(32).str(),
               "gguf: general.alignment at offset 53: type is u64, expected u32"});
  c.push_back({"tensor_name_too_long",
               Bytes().Header(1, 0).Tensor1(std::string(65, 'n'), 8, 0, 0).str(),
               "gguf: tensor name at offset 24: string length 65 exceeds 64"});
  c.push_back({"tensor_n_dims_0", Bytes().Header(1, 0).Str("t").U32(0).U32(0).U64(0).U64(0).str(),
               "gguf: n_dims of tensor 't' at offset 33: 0 is not in [1, 4]"});
  c.push_back({"tensor_n_dims_5", Bytes().Header(1, 0).Str("t").U32(5).Pad(80).str(),
               "gguf: n_dims of tensor 't' at offset 33: 5 is not in [1, 4]"});
  c.push_back({"tensor_negative_dim", Bytes().Header(1, 0).Tensor1("t", k2p63, 0, 0).str(),
               "gguf: ne[0] of tensor 't' at offset 37: 9223372036854775808 does not fit in "
               "int64"});
  c.push_back({"tensor_dims_overflow",
               Bytes()
                   .Header(1, 0)
                   .Str("t")
                   .U32(2)
                   .U64(uint64_t{1} << 32)
                   .U64(uint64_t{1} << 32)
                   .U32(0)
                   .U64(0)
                   .str(),
               "gguf: ne of tensor 't' at offset 45: element count overflows int64"});
  c.push_back({"tensor_bytes_overflow",
               Bytes()
                   .Header(1, 0)
                   .Str("t")
                   .U32(2)
                   .U64(uint64_t{1} << 31)
                   .U64(uint64_t{1} << 31)
                   .U32(0)
                   .U64(0)
                   .str(),
               "gguf: type of tensor 't' at offset 53: tensor byte size overflows"});
  c.push_back({"tensor_unknown_type", Bytes().Header(1, 0).Tensor1("t", 32, 4, 0).str(),
               "gguf: type of tensor 't' at offset 45: unknown ggml type 4"});
  c.push_back({"tensor_type_out_of_range", Bytes().Header(1, 0).Tensor1("t", 32, 1000, 0).str(),
               "gguf: type of tensor 't' at offset 45: unknown ggml type 1000"});
  c.push_back({"tensor_not_whole_blocks", Bytes().Header(1, 0).Tensor1("t", 33, 2, 0).str(),
               "gguf: type of tensor 't' at offset 45: ne[0] = 33 is not a multiple of the q4_0 "
               "block size 32"});
  c.push_back({"tensor_misaligned_offset",
               Bytes().Header(1, 0).Tensor1("t", 8, 0, 3).Pad(128).str(),
               "gguf: offset of tensor 't' at offset 49: 3 is not a multiple of the alignment 32"});
  c.push_back({"tensor_data_past_eof", Bytes().Header(1, 0).Tensor1("t", 8, 0, 0).Pad(64).str(),
               "gguf: offset of tensor 't' at offset 49: data [0, +32) runs past end of the data "
               "section (0 bytes)"});
  c.push_back({"tensor_offset_past_eof",
               Bytes().Header(1, 0).Tensor1("t", 8, 0, uint64_t{1} << 62).Pad(96).str(),
               "gguf: offset of tensor 't' at offset 49: data [4611686018427387904, +32) runs past "
               "end of the data section (32 bytes)"});
  c.push_back({"tensor_offset_plus_size_overflows",
               Bytes().Header(1, 0).Tensor1("t", 8, 0, ~uint64_t{31}).Pad(96).str(),
               "gguf: offset of tensor 't' at offset 49: data [18446744073709551584, +32) runs "
               "past end of the data section (32 bytes)"});
  c.push_back({"tensor_padding_past_eof", Bytes().Header(1, 0).Tensor1("t", 8, 0, 0).str(),
               "gguf: tensor data at offset 57: padding to alignment 32 runs past end of file (57 "
               "bytes)"});
  c.push_back({"duplicate_tensor",
               Bytes().Header(2, 0).Tensor1("t", 8, 0, 0).Tensor1("t", 8, 0, 32).Pad(160).str(),
               "gguf: tensor name at offset 57: duplicate tensor 't'"});
  c.push_back({"truncated_tensor_info",
               Bytes().Header(1, 0).Str("t").U32(1).U64(8).Raw("abc").str(),
               "gguf: type of tensor 't' at offset 45: unexpected end of file (need 4 bytes, 3 "
               "left)"});
  c.push_back({"binary_key_is_escaped",
               Bytes().Header(0, 2).Str("\x01\xff").U32(0).U8(1).Str("\x01\xff").U32(0).U8(2).str(),
               "gguf: metadata key at offset 39: duplicate key '\\x01\\xff'"});
  return c;
}

TEST(GgufReaderTest, CorruptFilesGiveExactErrors) {
  for (const CorruptCase& c : CorruptCases()) {
    auto r = GgufReader::FromBuffer(c.bytes);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(std::string(r.status().message()), c.error) << c.name;
  }
}

// Every truncation of a valid file is an error, never a crash or an out-of-bounds read.
TEST(GgufReaderTest, EveryTruncationIsRejected) {
  GgufWriter w;
  w.SetString("general.architecture", "llama");
  w.SetStringArray("tokenizer.ggml.tokens", {"a", "bc", ""});
  w.SetFloat32Array("tokenizer.ggml.scores", {1.f, 2.f, 3.f});
  std::vector<float> data(64, 1.5f);
  ASSERT_TRUE(w.AddTensor("w", GgmlType::kF32, {64},
                          std::string_view(reinterpret_cast<const char*>(data.data()), 256))
                  .ok());
  auto bytes = w.Serialize();
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(GgufReader::FromBuffer(*bytes).ok());
  for (size_t n = 0; n < bytes->size(); ++n) {
    // Heap copy of exactly n bytes so that ASan sees any over-read.
    std::unique_ptr<char[]> buf(new char[n == 0 ? 1 : n]);
    std::memcpy(buf.get(), bytes->data(), n);
    auto r = GgufReader::FromBuffer(std::string_view(buf.get(), n));
    EXPECT_FALSE(r.ok()) << "prefix of " << n << " bytes";
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(GgufReaderTest, Version2IsAccepted) {
  auto bytes = Bytes().Header(0, 1, 2).Str("general.name").U32(8).Str("v2").str();
  auto r = GgufReader::FromBuffer(bytes);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->version(), 2u);
  ASSERT_NE((*r)->Find("general.name"), nullptr);
  EXPECT_EQ((*r)->Find("general.name")->AsString(), "v2");
}

TEST(GgufWriterTest, RoundTripsEveryValueTypeAndTensor) {
  GgufWriter w;
  w.SetAlignment(64);
  w.SetUint8("u8", 200);
  w.SetInt8("i8", -100);
  w.SetUint16("u16", 60000);
  w.SetInt16("i16", -30000);
  w.SetUint32("u32", 4000000000u);
  w.SetInt32("i32", -2000000000);
  w.SetUint64("u64", std::numeric_limits<uint64_t>::max());
  w.SetInt64("i64", std::numeric_limits<int64_t>::min());
  w.SetFloat32("f32", 0.25f);
  w.SetFloat64("f64", -1e300);
  w.SetBool("bool", true);
  w.SetString("str", std::string("with\0nul", 8));
  w.SetStringArray("strs", {"x", "", "yz"});
  w.SetInt32Array("i32s", {1, -2, 3});
  w.SetFloat32Array("f32s", {});
  GgufValue inner1;
  inner1.type = GgufValueType::kArray;
  inner1.elem_type = GgufValueType::kUint8;
  inner1.count = 3;
  inner1.raw = "\x01\x02\x03";
  GgufValue inner2;
  inner2.type = GgufValueType::kArray;
  inner2.elem_type = GgufValueType::kString;
  inner2.count = 1;
  inner2.strings = {"deep"};
  GgufValue nested;
  nested.type = GgufValueType::kArray;
  nested.elem_type = GgufValueType::kArray;
  nested.count = 2;
  nested.elems = {inner1, inner2};
  w.SetValue("nested", nested);

  std::string f32(4 * 8, '\0');
  for (int k = 0; k < 8; ++k) {
    float x = static_cast<float>(k);
    std::memcpy(&f32[4 * k], &x, 4);
  }
  std::string q8(2 * 34, '\x07');    // two Q8_0 blocks: 64 elements
  std::string q4k(144 * 2, '\x09');  // two Q4_K blocks: 512 elements
  ASSERT_TRUE(w.AddTensor("a.f32", GgmlType::kF32, {4, 2}, f32).ok());
  ASSERT_TRUE(w.AddTensor("b.q8", GgmlType::kQ8_0, {64}, q8).ok());
  ASSERT_TRUE(w.AddTensor("c.q4k", GgmlType::kQ4_K, {256, 1, 2}, q4k).ok());
  EXPECT_EQ(w.AddTensor("b.q8", GgmlType::kQ8_0, {64}, q8),
            absl::InvalidArgumentError("gguf writer: duplicate tensor 'b.q8'"));
  EXPECT_EQ(w.AddTensor("bad", GgmlType::kQ8_0, {33}, q8).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(w.AddTensor("short", GgmlType::kF32, {4}, "abc"),
            absl::InvalidArgumentError("gguf writer: tensor 'short' needs 16 bytes, got 3"));

  // Through a real file and the mmap path.
  std::string path = (std::filesystem::path(::testing::TempDir()) / "roundtrip.gguf").string();
  ASSERT_TRUE(w.WriteFile(path).ok());
  auto r = GgufReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  const GgufReader& g = **r;
  EXPECT_EQ(g.version(), 3u);
  EXPECT_EQ(g.alignment(), 64u);
  EXPECT_EQ(g.metadata().size(), 17u);
  EXPECT_EQ(g.Find("u8")->AsUint(), 200u);
  EXPECT_EQ(g.Find("i8")->AsInt(), -100);
  EXPECT_EQ(g.Find("u16")->AsUint(), 60000u);
  EXPECT_EQ(g.Find("i16")->AsInt(), -30000);
  EXPECT_EQ(g.Find("u32")->AsUint(), 4000000000u);
  EXPECT_EQ(g.Find("i32")->AsInt(), -2000000000);
  EXPECT_EQ(g.Find("u64")->AsUint(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(g.Find("u64")->AsInt(), std::nullopt);
  EXPECT_EQ(g.Find("i64")->AsInt(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(g.Find("i64")->AsUint(), std::nullopt);
  EXPECT_EQ(g.Find("f32")->AsFloat(), 0.25);
  EXPECT_EQ(g.Find("f64")->AsFloat(), -1e300);
  EXPECT_EQ(g.Find("bool")->AsBool(), true);
  EXPECT_EQ(g.Find("str")->AsString(), std::string_view("with\0nul", 8));
  EXPECT_EQ(g.Find("str")->AsUint(), std::nullopt);
  const GgufValue* strs = g.Find("strs");
  ASSERT_NE(strs, nullptr);
  EXPECT_EQ(strs->elem_type, GgufValueType::kString);
  EXPECT_EQ(strs->strings, (std::vector<std::string_view>{"x", "", "yz"}));
  const GgufValue* i32s = g.Find("i32s");
  ASSERT_EQ(i32s->count, 3u);
  int32_t second;
  std::memcpy(&second, i32s->raw.data() + 4, 4);
  EXPECT_EQ(second, -2);
  EXPECT_EQ(g.Find("f32s")->count, 0u);
  const GgufValue* n = g.Find("nested");
  ASSERT_EQ(n->elems.size(), 2u);
  EXPECT_EQ(n->elems[0].raw, "\x01\x02\x03");
  EXPECT_EQ(n->elems[1].strings, (std::vector<std::string_view>{"deep"}));
  EXPECT_EQ(g.Find("missing"), nullptr);

  ASSERT_EQ(g.tensors().size(), 3u);
  EXPECT_EQ(g.data_offset() % 64, 0u);
  const GgufTensorInfo* a = g.FindTensor("a.f32");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->type, GgmlType::kF32);
  EXPECT_EQ(a->n_dims, 2u);
  EXPECT_EQ(a->ne[0], 4);
  EXPECT_EQ(a->ne[1], 2);
  EXPECT_EQ(a->NumElements(), 8);
  EXPECT_EQ(a->n_bytes, 32u);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(a->data), a->n_bytes), f32);
  const GgufTensorInfo* c = g.FindTensor("c.q4k");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->NumElements(), 512);
  EXPECT_EQ(c->n_bytes, 288u);
  EXPECT_EQ(c->file_offset % 64, 0u);
  EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(c->data), c->n_bytes), q4k);
  EXPECT_EQ(g.FindTensor("b.q8")->offset % 64, 0u);
  EXPECT_EQ(g.FindTensor("nope"), nullptr);
}

TEST(GgufWriterTest, DuplicateKeyIsAnError) {
  GgufWriter w;
  w.SetUint32("k", 1);
  w.SetString("k", "again");
  EXPECT_EQ(w.Serialize().status(), absl::InvalidArgumentError("gguf writer: duplicate key 'k'"));
}

TEST(GgufReaderTest, OpenErrors) {
  auto r = GgufReader::Open("/nonexistent/dir/model.gguf");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  r = GgufReader::Open(::testing::TempDir());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  std::string empty = (std::filesystem::path(::testing::TempDir()) / "empty.gguf").string();
  { std::ofstream(empty, std::ios::binary); }
  r = GgufReader::Open(empty);
  EXPECT_EQ(r.status(),
            absl::InvalidArgumentError(
                "gguf: magic at offset 0: unexpected end of file (need 4 bytes, 0 left)"));
}

TEST(GgmlTypesTest, BlockGeometry) {
  struct Row {
    GgmlType type;
    uint32_t block;
    uint32_t size;
  };
  for (const Row& row : std::vector<Row>{{GgmlType::kF32, 1, 4},
                                         {GgmlType::kF16, 1, 2},
                                         {GgmlType::kBF16, 1, 2},
                                         {GgmlType::kQ4_0, 32, 18},
                                         {GgmlType::kQ4_1, 32, 20},
                                         {GgmlType::kQ5_0, 32, 22},
                                         {GgmlType::kQ5_1, 32, 24},
                                         {GgmlType::kQ8_0, 32, 34},
                                         {GgmlType::kQ2_K, 256, 84},
                                         {GgmlType::kQ3_K, 256, 110},
                                         {GgmlType::kQ4_K, 256, 144},
                                         {GgmlType::kQ5_K, 256, 176},
                                         {GgmlType::kQ6_K, 256, 210},
                                         {GgmlType::kQ8_K, 256, 292}}) {
    auto t = GetGgmlTypeTraits(static_cast<uint32_t>(row.type));
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->block_size, row.block) << t->name;
    EXPECT_EQ(t->type_size, row.size) << t->name;
  }
  for (uint32_t removed : {4u, 5u, 31u, 32u, 33u, 36u, 39u, 0xFFFFFFFFu}) {
    EXPECT_FALSE(GetGgmlTypeTraits(removed).has_value()) << removed;
  }
  EXPECT_EQ(GgmlTensorBytes(GgmlType::kQ6_K, {512, 3}).value(), 210u * 2 * 3);
  EXPECT_FALSE(GgmlTensorBytes(GgmlType::kQ6_K, {100}).ok());
  EXPECT_FALSE(GgmlTensorBytes(GgmlType::kF32, {int64_t{1} << 62, 8}).ok());
}

// The shared reference models parse, with the tensor types the README lists.
TEST(GgufReaderTest, ReadsReferenceModels) {
  GW_REQUIRE_SHARED(q4km, "testdata/engine/models/tiny-llama-q4_k_m.gguf");
  auto r = GgufReader::Open(q4km);
  ASSERT_TRUE(r.ok()) << r.status();
  const GgufTensorInfo* emb = (*r)->FindTensor("token_embd.weight");
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(emb->type, GgmlType::kQ6_K);  // tied embedding is stored as Q6_K
  EXPECT_EQ(emb->ne[0], 256);
  EXPECT_EQ(emb->ne[1], 32000);
  GW_REQUIRE_SHARED(qwen, "testdata/engine/models/tiny-qwen2-q8_0.gguf");
  r = GgufReader::Open(qwen);
  ASSERT_TRUE(r.ok()) << r.status();
  emb = (*r)->FindTensor("token_embd.weight");
  ASSERT_NE(emb, nullptr);
  EXPECT_EQ(emb->type, GgmlType::kQ8_0);
  for (const auto& t : (*r)->tensors()) {
    EXPECT_LE(t.file_offset + t.n_bytes, (*r)->file_size());
    EXPECT_EQ(t.file_offset % (*r)->alignment(), 0u);
  }
}

}  // namespace
}  // namespace gw::engine
