// GGUF files: a zero-copy reader over a memory mapping and a writer.
//
// Format source: the GGUF specification, ggml docs/gguf.md (versions 2 and 3; version 1 is
// refused). All integers and floats are little-endian. Layout:
//   header      "GGUF" u32 version, u64 tensor_count, u64 metadata_kv_count
//   metadata    kv_count x (string key, u32 value_type, value)
//   tensor info tensor_count x (string name, u32 n_dims, u64 ne[n_dims], u32 ggml_type, u64 offset)
//   padding     to `general.alignment` (u32, default 32, a power of two)
//   tensor data tensor offsets are relative to the start of this section and aligned
// A string is u64 length + bytes (no terminator); an array is u32 element type, u64 count,
// elements (arrays may nest).
//
// Every count, length, offset, size, dimension and type is checked with overflow-safe arithmetic
// before use. A malformed file yields INVALID_ARGUMENT with the message
//   "gguf: <field> at offset <byte offset>: <what is wrong>"
// and never an out-of-bounds read. (A file truncated by another process *after* it was mapped
// can still raise SIGBUS; the daemon only opens files it does not expect to change.)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace gw::engine {

// ggml tensor types (ggml.h `enum ggml_type`; the numbers are part of the file format).
enum class GgmlType : uint32_t {
  kF32 = 0,
  kF16 = 1,
  kQ4_0 = 2,
  kQ4_1 = 3,
  kQ5_0 = 6,
  kQ5_1 = 7,
  kQ8_0 = 8,
  kQ8_1 = 9,
  kQ2_K = 10,
  kQ3_K = 11,
  kQ4_K = 12,
  kQ5_K = 13,
  kQ6_K = 14,
  kQ8_K = 15,
  kIQ2_XXS = 16,
  kIQ2_XS = 17,
  kIQ3_XXS = 18,
  kIQ1_S = 19,
  kIQ4_NL = 20,
  kIQ3_S = 21,
  kIQ2_S = 22,
  kIQ4_XS = 23,
  kI8 = 24,
  kI16 = 25,
  kI32 = 26,
  kI64 = 27,
  kF64 = 28,
  kIQ1_M = 29,
  kBF16 = 30,
  kTQ1_0 = 34,
  kTQ2_0 = 35,
};

// Block geometry of a ggml type: `block_size` elements are stored in `type_size` bytes
// (ggml.c type_traits). Returns nullopt for numbers that are not a known type (including the
// removed Q4_2/Q4_3 and Q4_0_4_4.. repack types). Thread-safe.
struct GgmlTypeTraits {
  std::string_view name;  // "f32", "q4_K", ... as ggml_type_name() spells it
  uint32_t block_size;    // elements per block
  uint32_t type_size;     // bytes per block
};
std::optional<GgmlTypeTraits> GetGgmlTypeTraits(uint32_t type);

// Byte size of a row-major tensor of `type` with dimensions `ne` (ne[0] innermost);
// INVALID_ARGUMENT when ne[0] is not a multiple of the block size, a dimension is negative, or the
// size overflows 64 bits. Thread-safe.
StatusOr<uint64_t> GgmlTensorBytes(GgmlType type, const std::vector<int64_t>& ne);

// GGUF metadata value types (gguf.h `enum gguf_type`).
enum class GgufValueType : uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};
std::string_view GgufValueTypeName(GgufValueType t);

// One metadata value. String data and scalar array bytes are borrowed: for a reader-produced value
// they point into the reader's mapping (valid while the GgufReader lives). Copyable,
// thread-compatible.
struct GgufValue {
  GgufValueType type = GgufValueType::kUint8;
  // Scalars: exactly one of these is meaningful, by `type`.
  uint64_t u = 0;       // kUint8/16/32/64, kBool (0 or 1)
  int64_t i = 0;        // kInt8/16/32/64
  double f = 0;         // kFloat32 (widened), kFloat64
  std::string_view sv;  // kString: the bytes (inside the mapping for a reader-produced value)
  // Arrays.
  GgufValueType elem_type = GgufValueType::kUint8;
  uint64_t count = 0;                     // number of elements
  std::string_view raw;                   // scalar element arrays: count * element size bytes, LE
  std::vector<std::string_view> strings;  // string element arrays
  std::vector<GgufValue> elems;           // nested array element arrays

  // Convenience accessors; nullopt when the type does not fit (no lossy conversion: an
  // integer accessor accepts any integer type whose value fits).
  std::optional<uint64_t> AsUint() const;
  std::optional<int64_t> AsInt() const;
  std::optional<double> AsFloat() const;
  std::optional<bool> AsBool() const;
  std::optional<std::string_view> AsString() const;
};

// One tensor as described by the file: a view into the mapping (zero-copy).
struct GgufTensorInfo {
  std::string_view name;
  GgmlType type = GgmlType::kF32;
  uint32_t n_dims = 0;
  std::array<int64_t, 4> ne = {1, 1, 1, 1};  // elements per dimension, ne[0] innermost
  uint64_t offset = 0;            // bytes, relative to the start of the tensor data section
  uint64_t file_offset = 0;       // bytes, from the start of the file
  uint64_t n_bytes = 0;           // bytes of tensor data
  const uint8_t* data = nullptr;  // into the mapping; valid while the reader lives
  int64_t NumElements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

// Reads a GGUF file. Open() maps the file read-only and parses the header, metadata and tensor
// infos eagerly; tensor data is not touched until the caller reads it through `data`.
// Thread-safety: immutable after construction; all const methods are thread-safe.
class GgufReader {
 public:
  // Maps `path`. Errors: NOT_FOUND / PERMISSION_DENIED / UNAVAILABLE from open/mmap (the message
  // names the path), INVALID_ARGUMENT for a malformed file (see the header comment).
  static StatusOr<std::unique_ptr<GgufReader>> Open(const std::string& path);
  // Parses `bytes`, which the caller owns and must keep alive and unchanged while the reader
  // lives (used by tests and fuzzers). Errors: INVALID_ARGUMENT as above.
  static StatusOr<std::unique_ptr<GgufReader>> FromBuffer(std::string_view bytes);

  ~GgufReader();
  GgufReader(const GgufReader&) = delete;
  GgufReader& operator=(const GgufReader&) = delete;

  uint32_t version() const { return version_; }
  uint32_t alignment() const { return alignment_; }      // bytes
  uint64_t data_offset() const { return data_offset_; }  // bytes from file start
  uint64_t file_size() const { return size_; }           // bytes

  // Metadata in file order.
  const std::vector<std::pair<std::string_view, GgufValue>>& metadata() const { return kv_; }
  // The value of `key`, or nullptr (borrowed pointer into this reader).
  const GgufValue* Find(std::string_view key) const;

  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  // The tensor named `name`, or nullptr (borrowed pointer into this reader).
  const GgufTensorInfo* FindTensor(std::string_view name) const;

 private:
  GgufReader() = default;
  Status Parse();

  // Immutable after construction.
  void* map_ = nullptr;  // owned mmap region (nullptr for FromBuffer)
  size_t map_size_ = 0;
  const uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  uint32_t version_ = 0;
  uint32_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::vector<std::pair<std::string_view, GgufValue>> kv_;
  std::vector<GgufTensorInfo> tensors_;
};

// Builds a GGUF (version 3) file in memory. Keys and tensor names must be unique; metadata and
// tensors are written in insertion order; each Set* encodes its value at once. Thread-compatible
// (one writer per thread).
class GgufWriter {
 public:
  GgufWriter() = default;

  void SetUint8(std::string_view key, uint8_t v);
  void SetInt8(std::string_view key, int8_t v);
  void SetUint16(std::string_view key, uint16_t v);
  void SetInt16(std::string_view key, int16_t v);
  void SetUint32(std::string_view key, uint32_t v);
  void SetInt32(std::string_view key, int32_t v);
  void SetUint64(std::string_view key, uint64_t v);
  void SetInt64(std::string_view key, int64_t v);
  void SetFloat32(std::string_view key, float v);
  void SetFloat64(std::string_view key, double v);
  void SetBool(std::string_view key, bool v);
  void SetString(std::string_view key, std::string_view v);
  void SetStringArray(std::string_view key, const std::vector<std::string>& v);
  void SetInt32Array(std::string_view key, const std::vector<int32_t>& v);
  void SetFloat32Array(std::string_view key, const std::vector<float>& v);
  // Any value, including nested arrays (`elems`), string arrays (`strings`) and scalar arrays
  // (`raw`, count * element size bytes, little-endian). Borrowed data is copied during the call.
  void SetValue(std::string_view key, const GgufValue& v);
  // Sets general.alignment (bytes; a power of two) and uses it for the tensor data.
  void SetAlignment(uint32_t alignment);

  // Adds a tensor; `data` is copied and must be GgmlTensorBytes(type, ne) bytes.
  // Errors: INVALID_ARGUMENT for a duplicate name, a bad shape or a wrong data size.
  Status AddTensor(std::string_view name, GgmlType type, const std::vector<int64_t>& ne,
                   std::string_view data);

  // The complete file. Errors: INVALID_ARGUMENT for a duplicate key.
  StatusOr<std::string> Serialize() const;
  // Serialize() written to `path` (created or truncated). Errors: as Serialize(), or
  // UNAVAILABLE when the file cannot be written.
  Status WriteFile(const std::string& path) const;

 private:
  struct Tensor {
    std::string name;
    GgmlType type;
    std::vector<int64_t> ne;
    std::string data;
  };
  void AddKv(std::string_view key, const GgufValue& v);

  std::vector<std::string> keys_;
  std::string kv_bytes_;  // encoded metadata pairs
  uint64_t kv_count_ = 0;
  std::string duplicate_key_;  // first duplicate key seen, reported by Serialize()
  bool has_duplicate_ = false;
  std::vector<Tensor> tensors_;
  uint32_t alignment_ = 32;
};

}  // namespace gw::engine
