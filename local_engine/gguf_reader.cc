// GGUF reader: parsing with bounds and overflow checks on every field (ggml docs/gguf.md).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <unordered_set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "local_engine/gguf.h"
#include "local_engine/internal/absl_compat.h"

namespace gw::engine {
namespace {

constexpr uint32_t kMaxDims = 4;
constexpr uint64_t kMaxNameBytes = 64;    // spec: tensor names are at most 64 bytes
constexpr uint64_t kMaxKeyBytes = 65535;  // spec: keys are at most 2^16-1 bytes
constexpr int kMaxArrayDepth = 8;

Status Corrupt(std::string_view field, uint64_t offset, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("gguf: ", Av(field), " at offset ", offset, ": ", Av(what)));
}

// Keys and names are printed escaped, shortened, so that hostile bytes stay readable.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string out = absl::CHexEscape(Av(s.substr(0, kMax)));
  if (s.size() > kMax) out += "...";
  return absl::StrCat("'", out, "'");
}

bool MulOverflows(uint64_t a, uint64_t b, uint64_t* out) {
  return __builtin_mul_overflow(a, b, out);
}

uint64_t ValueMinBytes(GgufValueType t) {
  switch (t) {
    case GgufValueType::kUint8:
    case GgufValueType::kInt8:
    case GgufValueType::kBool:
      return 1;
    case GgufValueType::kUint16:
    case GgufValueType::kInt16:
      return 2;
    case GgufValueType::kUint32:
    case GgufValueType::kInt32:
    case GgufValueType::kFloat32:
      return 4;
    case GgufValueType::kUint64:
    case GgufValueType::kInt64:
    case GgufValueType::kFloat64:
    case GgufValueType::kString:
      return 8;
    case GgufValueType::kArray:
      return 12;
  }
  return 1;
}

bool IsScalar(GgufValueType t) { return t != GgufValueType::kString && t != GgufValueType::kArray; }

bool ValidValueType(uint32_t t) { return t <= 12; }

// A bounds-checked little-endian cursor over the file bytes.
class Cursor {
 public:
  Cursor(const uint8_t* base, uint64_t size) : base_(base), size_(size) {}
  uint64_t pos() const { return pos_; }
  uint64_t left() const { return size_ - pos_; }

  template <typename T>
  Status Read(std::string_view field, T* out) {
    if (left() < sizeof(T)) return Truncated(field, sizeof(T));
    std::memcpy(out, base_ + pos_, sizeof(T));  // host is little-endian (x86-64, arm64)
    pos_ += sizeof(T);
    return absl::OkStatus();
  }

  Status ReadString(std::string_view field, std::string_view* out, uint64_t max_len) {
    uint64_t at = pos_;
    uint64_t len = 0;
    GW_RETURN_IF_ERROR(Read(field, &len));
    if (len > left()) {
      return Corrupt(
          field, at,
          absl::StrCat("string length ", len, " runs past end of file (", left(), " bytes left)"));
    }
    if (len > max_len) {
      return Corrupt(field, at, absl::StrCat("string length ", len, " exceeds ", max_len));
    }
    *out = std::string_view(reinterpret_cast<const char*>(base_ + pos_), len);
    pos_ += len;
    return absl::OkStatus();
  }

  Status Skip(std::string_view field, uint64_t n) {
    if (left() < n) return Truncated(field, n);
    pos_ += n;
    return absl::OkStatus();
  }

  const uint8_t* at(uint64_t pos) const { return base_ + pos; }

 private:
  Status Truncated(std::string_view field, uint64_t need) {
    return Corrupt(
        field, pos_,
        absl::StrCat("unexpected end of file (need ", need, " bytes, ", left(), " left)"));
  }

  const uint8_t* base_;
  uint64_t size_;
  uint64_t pos_ = 0;
};

Status ReadValue(Cursor& c, GgufValueType type, std::string_view field, int depth, GgufValue* v) {
  v->type = type;
  switch (type) {
    case GgufValueType::kUint8: {
      uint8_t x;
      GW_RETURN_IF_ERROR(c.Read(field, &x));
      v->u = x;
      return absl::OkStatus();
    }
    case GgufValueType::kInt8: {
      int8_t x;
      GW_RETURN_IF_ERROR(c.Read(field, &x));
      v->i = x;
      return absl::OkStatus();
    }
    case GgufValueType::kUint16: {
      uint16_t x;
      GW_RETURN_IF_ERROR(c.Read(field, &x));
      v->u = x;
      return absl::OkStatus();
    }
    case GgufValueType::kInt16: {
      int16_t x;
      GW_RETURN_IF_ERROR(c.Read(field, &x));
      v->i = x;
      return absl::OkStatus();
    }
    case GgufValueType::kUint32: {
      uint32_t x;
      GW_RETURN_IF_ERROR(c.Read(field, &x));
      v->u = x;
      return absl::OkStatus();
    }
    case GgufValueType::kInt32: {
      int32_t x;
      GW_RETURN_IF_ERROR(c.Read(field, &x));
      v->i = x;
      return absl::OkStatus();
    }
    case GgufValueType::kUint64: {
      GW_RETURN_IF_ERROR(c.Read(field, &v->u));
      return absl::OkStatus();
    }
    case GgufValueType::kInt64: {
      GW_RETURN_IF_ERROR(c.Read(field, &v->i));
      return absl::OkStatus();
    }
    case GgufValueType::kFloat32: {
      float x;
      GW_RETURN_IF_ERROR(c.Read(field, &x));
      v->f = x;
      return absl::OkStatus();
    }
    case GgufValueType::kFloat64: {
      GW_RETURN_IF_ERROR(c.Read(field, &v->f));
      return absl::OkStatus();
    }
    case GgufValueType::kBool: {
      uint64_t at = c.pos();
      uint8_t x;
      GW_RETURN_IF_ERROR(c.Read(field, &x));
      if (x > 1) return Corrupt(field, at, absl::StrCat("bool value ", x, " is not 0 or 1"));
      v->u = x;
      return absl::OkStatus();
    }
    case GgufValueType::kString:
      return c.ReadString(field, &v->sv, std::numeric_limits<uint64_t>::max());
    case GgufValueType::kArray: {
      uint64_t at = c.pos();
      if (depth >= kMaxArrayDepth) {
        return Corrupt(field, at, absl::StrCat("arrays nested deeper than ", kMaxArrayDepth));
      }
      uint32_t et = 0;
      GW_RETURN_IF_ERROR(c.Read(field, &et));
      if (!ValidValueType(et)) {
        return Corrupt(field, at, absl::StrCat("unknown array element type ", et));
      }
      v->elem_type = static_cast<GgufValueType>(et);
      uint64_t count_at = c.pos();
      GW_RETURN_IF_ERROR(c.Read(field, &v->count));
      uint64_t min_bytes = 0;
      if (MulOverflows(v->count, ValueMinBytes(v->elem_type), &min_bytes) || min_bytes > c.left()) {
        return Corrupt(field, count_at,
                       absl::StrCat("array of ", v->count, " ", Av(GgufValueTypeName(v->elem_type)),
                                    " elements cannot fit in the ", c.left(), " bytes left"));
      }
      if (IsScalar(v->elem_type)) {
        v->raw = std::string_view(reinterpret_cast<const char*>(c.at(c.pos())), min_bytes);
        return c.Skip(field, min_bytes);
      }
      if (v->elem_type == GgufValueType::kString) {
        v->strings.resize(v->count);
        for (uint64_t k = 0; k < v->count; ++k) {
          GW_RETURN_IF_ERROR(
              c.ReadString(field, &v->strings[k], std::numeric_limits<uint64_t>::max()));
        }
        return absl::OkStatus();
      }
      v->elems.resize(v->count);
      for (uint64_t k = 0; k < v->count; ++k) {
        GW_RETURN_IF_ERROR(ReadValue(c, GgufValueType::kArray, field, depth + 1, &v->elems[k]));
      }
      return absl::OkStatus();
    }
  }
  return Corrupt(field, c.pos(), "unknown value type");
}

}  // namespace

std::string_view GgufValueTypeName(GgufValueType t) {
  switch (t) {
    case GgufValueType::kUint8:
      return "u8";
    case GgufValueType::kInt8:
      return "i8";
    case GgufValueType::kUint16:
      return "u16";
    case GgufValueType::kInt16:
      return "i16";
    case GgufValueType::kUint32:
      return "u32";
    case GgufValueType::kInt32:
      return "i32";
    case GgufValueType::kFloat32:
      return "f32";
    case GgufValueType::kBool:
      return "bool";
    case GgufValueType::kString:
      return "string";
    case GgufValueType::kArray:
      return "array";
    case GgufValueType::kUint64:
      return "u64";
    case GgufValueType::kInt64:
      return "i64";
    case GgufValueType::kFloat64:
      return "f64";
  }
  return "unknown";
}

std::optional<GgmlTypeTraits> GetGgmlTypeTraits(uint32_t type) {
  switch (static_cast<GgmlType>(type)) {
    case GgmlType::kF32:
      return GgmlTypeTraits{"f32", 1, 4};
    case GgmlType::kF16:
      return GgmlTypeTraits{"f16", 1, 2};
    case GgmlType::kQ4_0:
      return GgmlTypeTraits{"q4_0", 32, 18};
    case GgmlType::kQ4_1:
      return GgmlTypeTraits{"q4_1", 32, 20};
    case GgmlType::kQ5_0:
      return GgmlTypeTraits{"q5_0", 32, 22};
    case GgmlType::kQ5_1:
      return GgmlTypeTraits{"q5_1", 32, 24};
    case GgmlType::kQ8_0:
      return GgmlTypeTraits{"q8_0", 32, 34};
    case GgmlType::kQ8_1:
      return GgmlTypeTraits{"q8_1", 32, 36};
    case GgmlType::kQ2_K:
      return GgmlTypeTraits{"q2_K", 256, 84};
    case GgmlType::kQ3_K:
      return GgmlTypeTraits{"q3_K", 256, 110};
    case GgmlType::kQ4_K:
      return GgmlTypeTraits{"q4_K", 256, 144};
    case GgmlType::kQ5_K:
      return GgmlTypeTraits{"q5_K", 256, 176};
    case GgmlType::kQ6_K:
      return GgmlTypeTraits{"q6_K", 256, 210};
    case GgmlType::kQ8_K:
      return GgmlTypeTraits{"q8_K", 256, 292};
    case GgmlType::kIQ2_XXS:
      return GgmlTypeTraits{"iq2_xxs", 256, 66};
    case GgmlType::kIQ2_XS:
      return GgmlTypeTraits{"iq2_xs", 256, 74};
    case GgmlType::kIQ3_XXS:
      return GgmlTypeTraits{"iq3_xxs", 256, 98};
    case GgmlType::kIQ1_S:
      return GgmlTypeTraits{"iq1_s", 256, 50};
    case GgmlType::kIQ4_NL:
      return GgmlTypeTraits{"iq4_nl", 32, 18};
    case GgmlType::kIQ3_S:
      return GgmlTypeTraits{"iq3_s", 256, 110};
    case GgmlType::kIQ2_S:
      return GgmlTypeTraits{"iq2_s", 256, 82};
    case GgmlType::kIQ4_XS:
      return GgmlTypeTraits{"iq4_xs", 256, 136};
    case GgmlType::kI8:
      return GgmlTypeTraits{"i8", 1, 1};
    case GgmlType::kI16:
      return GgmlTypeTraits{"i16", 1, 2};
    case GgmlType::kI32:
      return GgmlTypeTraits{"i32", 1, 4};
    case GgmlType::kI64:
      return GgmlTypeTraits{"i64", 1, 8};
    case GgmlType::kF64:
      return GgmlTypeTraits{"f64", 1, 8};
    case GgmlType::kIQ1_M:
      return GgmlTypeTraits{"iq1_m", 256, 56};
    case GgmlType::kBF16:
      return GgmlTypeTraits{"bf16", 1, 2};
    case GgmlType::kTQ1_0:
      return GgmlTypeTraits{"tq1_0", 256, 54};
    case GgmlType::kTQ2_0:
      return GgmlTypeTraits{"tq2_0", 256, 66};
  }
  return std::nullopt;
}

StatusOr<uint64_t> GgmlTensorBytes(GgmlType type, const std::vector<int64_t>& ne) {
  auto traits = GetGgmlTypeTraits(static_cast<uint32_t>(type));
  if (!traits) return absl::InvalidArgumentError("unknown ggml type");
  if (ne.empty() || ne.size() > kMaxDims) {
    return absl::InvalidArgumentError("a tensor has 1 to 4 dimensions");
  }
  for (int64_t d : ne) {
    if (d < 0) return absl::InvalidArgumentError("negative dimension");
  }
  if (ne[0] % traits->block_size != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ne[0] = ", ne[0], " is not a multiple of block size ", traits->block_size));
  }
  uint64_t bytes = static_cast<uint64_t>(ne[0]) / traits->block_size;
  if (MulOverflows(bytes, traits->type_size, &bytes)) {
    return absl::InvalidArgumentError("tensor size overflows");
  }
  for (size_t k = 1; k < ne.size(); ++k) {
    if (MulOverflows(bytes, static_cast<uint64_t>(ne[k]), &bytes)) {
      return absl::InvalidArgumentError("tensor size overflows");
    }
  }
  return bytes;
}

std::optional<uint64_t> GgufValue::AsUint() const {
  switch (type) {
    case GgufValueType::kUint8:
    case GgufValueType::kUint16:
    case GgufValueType::kUint32:
    case GgufValueType::kUint64:
      return u;
    case GgufValueType::kInt8:
    case GgufValueType::kInt16:
    case GgufValueType::kInt32:
    case GgufValueType::kInt64:
      if (i < 0) return std::nullopt;
      return static_cast<uint64_t>(i);
    default:
      return std::nullopt;
  }
}

std::optional<int64_t> GgufValue::AsInt() const {
  switch (type) {
    case GgufValueType::kUint8:
    case GgufValueType::kUint16:
    case GgufValueType::kUint32:
    case GgufValueType::kUint64:
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
      return static_cast<int64_t>(u);
    case GgufValueType::kInt8:
    case GgufValueType::kInt16:
    case GgufValueType::kInt32:
    case GgufValueType::kInt64:
      return i;
    default:
      return std::nullopt;
  }
}

std::optional<double> GgufValue::AsFloat() const {
  if (type == GgufValueType::kFloat32 || type == GgufValueType::kFloat64) return f;
  return std::nullopt;
}

std::optional<bool> GgufValue::AsBool() const {
  if (type == GgufValueType::kBool) return u != 0;
  return std::nullopt;
}

std::optional<std::string_view> GgufValue::AsString() const {
  if (type == GgufValueType::kString) return sv;
  return std::nullopt;
}

GgufReader::~GgufReader() {
  if (map_ != nullptr) munmap(map_, map_size_);
}

StatusOr<std::unique_ptr<GgufReader>> GgufReader::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = absl::StrCat("gguf: cannot open ", path, ": ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(msg);
    if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(msg);
    return absl::UnavailableError(msg);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return absl::UnavailableError(
        absl::StrCat("gguf: cannot stat ", path, ": ", std::strerror(err)));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::InvalidArgumentError(absl::StrCat("gguf: ", path, " is not a regular file"));
  }
  auto reader = std::unique_ptr<GgufReader>(new GgufReader());
  reader->size_ = static_cast<uint64_t>(st.st_size);
  if (st.st_size > 0) {
    void* m = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      int err = errno;
      ::close(fd);
      return absl::UnavailableError(
          absl::StrCat("gguf: cannot map ", path, ": ", std::strerror(err)));
    }
    reader->map_ = m;
    reader->map_size_ = static_cast<size_t>(st.st_size);
    reader->base_ = static_cast<const uint8_t*>(m);
  }
  ::close(fd);
  GW_RETURN_IF_ERROR(reader->Parse());
  return reader;
}

StatusOr<std::unique_ptr<GgufReader>> GgufReader::FromBuffer(std::string_view bytes) {
  auto reader = std::unique_ptr<GgufReader>(new GgufReader());
  reader->base_ = reinterpret_cast<const uint8_t*>(bytes.data());
  reader->size_ = bytes.size();
  GW_RETURN_IF_ERROR(reader->Parse());
  return reader;
}

Status GgufReader::Parse() {
  static const uint8_t kEmpty = 0;
  Cursor c(base_ != nullptr ? base_ : &kEmpty, size_);
  uint8_t magic[4];
  if (c.left() < 4) {
    return Corrupt("magic", 0,
                   absl::StrCat("unexpected end of file (need 4 bytes, ", c.left(), " left)"));
  }
  std::memcpy(magic, c.at(0), 4);
  if (std::memcmp(magic, "GGUF", 4) != 0) {
    return Corrupt(
        "magic", 0,
        absl::StrCat("expected \"GGUF\", found \"",
                     absl::CHexEscape(absl::string_view(reinterpret_cast<const char*>(magic), 4)),
                     "\""));
  }
  GW_RETURN_IF_ERROR(c.Skip("magic", 4));
  GW_RETURN_IF_ERROR(c.Read("version", &version_));
  if (version_ != 2 && version_ != 3) {
    return Corrupt("version", 4,
                   absl::StrCat("unsupported version ", version_, " (expected 2 or 3)"));
  }
  uint64_t n_tensors = 0;
  uint64_t n_kv = 0;
  GW_RETURN_IF_ERROR(c.Read("tensor_count", &n_tensors));
  GW_RETURN_IF_ERROR(c.Read("metadata_kv_count", &n_kv));
  // Minimal encodings: a kv is key length (8) + type (4) + 1 value byte; a tensor info is name
  // length (8) + n_dims (4) + type (4) + offset (8).
  uint64_t min_bytes = 0;
  if (MulOverflows(n_kv, 13, &min_bytes) || min_bytes > c.left()) {
    return Corrupt("metadata_kv_count", 16,
                   absl::StrCat(n_kv, " pairs cannot fit in the ", c.left(), " bytes left"));
  }
  if (MulOverflows(n_tensors, 24, &min_bytes) || min_bytes > c.left()) {
    return Corrupt("tensor_count", 8,
                   absl::StrCat(n_tensors, " tensors cannot fit in the ", c.left(), " bytes left"));
  }

  kv_.reserve(n_kv);
  std::unordered_set<std::string_view> keys;
  keys.reserve(n_kv);
  for (uint64_t k = 0; k < n_kv; ++k) {
    uint64_t key_at = c.pos();
    std::string_view key;
    GW_RETURN_IF_ERROR(c.ReadString("metadata key", &key, kMaxKeyBytes));
    if (!keys.insert(key).second) {
      return Corrupt("metadata key", key_at, absl::StrCat("duplicate key ", Quote(key)));
    }
    std::string field = absl::StrCat("value of ", Quote(key));
    uint64_t type_at = c.pos();
    uint32_t type = 0;
    GW_RETURN_IF_ERROR(c.Read(field, &type));
    if (!ValidValueType(type)) {
      return Corrupt(field, type_at, absl::StrCat("unknown value type ", type));
    }
    GgufValue v;
    uint64_t value_at = c.pos();
    GW_RETURN_IF_ERROR(ReadValue(c, static_cast<GgufValueType>(type), field, 0, &v));
    if (key == "general.alignment") {
      if (v.type != GgufValueType::kUint32) {
        return Corrupt("general.alignment", value_at,
                       absl::StrCat("type is ", Av(GgufValueTypeName(v.type)), ", expected u32"));
      }
      if (v.u == 0 || (v.u & (v.u - 1)) != 0) {
        return Corrupt("general.alignment", value_at, absl::StrCat(v.u, " is not a power of two"));
      }
      alignment_ = static_cast<uint32_t>(v.u);
    }
    kv_.emplace_back(key, std::move(v));
  }

  tensors_.reserve(n_tensors);
  std::vector<uint64_t> offset_field_at;
  offset_field_at.reserve(n_tensors);
  std::unordered_set<std::string_view> names;
  names.reserve(n_tensors);
  for (uint64_t k = 0; k < n_tensors; ++k) {
    GgufTensorInfo t;
    uint64_t name_at = c.pos();
    GW_RETURN_IF_ERROR(c.ReadString("tensor name", &t.name, kMaxNameBytes));
    if (!names.insert(t.name).second) {
      return Corrupt("tensor name", name_at, absl::StrCat("duplicate tensor ", Quote(t.name)));
    }
    std::string q = Quote(t.name);
    uint64_t at = c.pos();
    GW_RETURN_IF_ERROR(c.Read(absl::StrCat("n_dims of tensor ", q), &t.n_dims));
    if (t.n_dims == 0 || t.n_dims > kMaxDims) {
      return Corrupt(absl::StrCat("n_dims of tensor ", q), at,
                     absl::StrCat(t.n_dims, " is not in [1, ", kMaxDims, "]"));
    }
    for (uint32_t d = 0; d < t.n_dims; ++d) {
      std::string field = absl::StrCat("ne[", d, "] of tensor ", q);
      at = c.pos();
      uint64_t ne = 0;
      GW_RETURN_IF_ERROR(c.Read(field, &ne));
      if (ne > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Corrupt(field, at, absl::StrCat(ne, " does not fit in int64"));
      }
      t.ne[d] = static_cast<int64_t>(ne);
    }
    uint64_t elements = 1;
    for (int64_t ne : t.ne) {
      if (MulOverflows(elements, static_cast<uint64_t>(ne), &elements) ||
          elements > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Corrupt(absl::StrCat("ne of tensor ", q), at, "element count overflows int64");
      }
    }
    at = c.pos();
    uint32_t type = 0;
    GW_RETURN_IF_ERROR(c.Read(absl::StrCat("type of tensor ", q), &type));
    auto traits = GetGgmlTypeTraits(type);
    if (!traits) {
      return Corrupt(absl::StrCat("type of tensor ", q), at,
                     absl::StrCat("unknown ggml type ", type));
    }
    t.type = static_cast<GgmlType>(type);
    if (t.ne[0] % traits->block_size != 0) {
      return Corrupt(absl::StrCat("type of tensor ", q), at,
                     absl::StrCat("ne[0] = ", t.ne[0], " is not a multiple of the ",
                                  Av(traits->name), " block size ", traits->block_size));
    }
    // Cannot overflow: bytes <= elements * type_size / block_size and elements < 2^63 only
    // bounds the element count, so check the byte size explicitly.
    uint64_t bytes = static_cast<uint64_t>(t.ne[0]) / traits->block_size;
    bool overflow = MulOverflows(bytes, traits->type_size, &bytes);
    for (int d = 1; d < 4 && !overflow; ++d) {
      overflow = MulOverflows(bytes, static_cast<uint64_t>(t.ne[d]), &bytes);
    }
    if (overflow) {
      return Corrupt(absl::StrCat("type of tensor ", q), at, "tensor byte size overflows");
    }
    t.n_bytes = bytes;
    at = c.pos();
    GW_RETURN_IF_ERROR(c.Read(absl::StrCat("offset of tensor ", q), &t.offset));
    if (t.offset % alignment_ != 0) {
      return Corrupt(absl::StrCat("offset of tensor ", q), at,
                     absl::StrCat(t.offset, " is not a multiple of the alignment ", alignment_));
    }
    tensors_.push_back(t);
    offset_field_at.push_back(at);
  }

  // The data section starts at the next multiple of the alignment.
  uint64_t pos = c.pos();
  uint64_t pad = (alignment_ - pos % alignment_) % alignment_;
  data_offset_ = pos + pad;  // pos <= size_ < 2^63, alignment <= 2^31: no overflow
  if (!tensors_.empty() && data_offset_ > size_) {
    return Corrupt("tensor data", pos,
                   absl::StrCat("padding to alignment ", alignment_, " runs past end of file (",
                                size_, " bytes)"));
  }
  uint64_t data_size = data_offset_ <= size_ ? size_ - data_offset_ : 0;
  for (size_t k = 0; k < tensors_.size(); ++k) {
    GgufTensorInfo& t = tensors_[k];
    uint64_t end = 0;
    if (__builtin_add_overflow(t.offset, t.n_bytes, &end) || end > data_size) {
      return Corrupt(absl::StrCat("offset of tensor ", Quote(t.name)), offset_field_at[k],
                     absl::StrCat("data [", t.offset, ", +", t.n_bytes,
                                  ") runs past end of the data section (", data_size, " bytes)"));
    }
    t.file_offset = data_offset_ + t.offset;
    t.data = base_ + t.file_offset;
  }
  return absl::OkStatus();
}

const GgufValue* GgufReader::Find(std::string_view key) const {
  for (const auto& [k, v] : kv_) {
    if (k == key) return &v;
  }
  return nullptr;
}

const GgufTensorInfo* GgufReader::FindTensor(std::string_view name) const {
  for (const auto& t : tensors_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

}  // namespace gw::engine
