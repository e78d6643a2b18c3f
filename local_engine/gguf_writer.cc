// GGUF writer (ggml docs/gguf.md, version 3, little-endian).
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "local_engine/gguf.h"
#include "local_engine/internal/absl_compat.h"

namespace gw::engine {
namespace {

template <typename T>
void Put(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));  // host is little-endian (x86-64, arm64)
  out.append(buf, sizeof(T));
}

void PutString(std::string& out, std::string_view s) {
  Put<uint64_t>(out, s.size());
  out.append(s);
}

void PutValue(std::string& out, const GgufValue& v, bool with_type) {
  if (with_type) Put<uint32_t>(out, static_cast<uint32_t>(v.type));
  switch (v.type) {
    case GgufValueType::kUint8:
      Put<uint8_t>(out, static_cast<uint8_t>(v.u));
      break;
    case GgufValueType::kInt8:
      Put<int8_t>(out, static_cast<int8_t>(v.i));
      break;
    case GgufValueType::kUint16:
      Put<uint16_t>(out, static_cast<uint16_t>(v.u));
      break;
    case GgufValueType::kInt16:
      Put<int16_t>(out, static_cast<int16_t>(v.i));
      break;
    case GgufValueType::kUint32:
      Put<uint32_t>(out, static_cast<uint32_t>(v.u));
      break;
    case GgufValueType::kInt32:
      Put<int32_t>(out, static_cast<int32_t>(v.i));
      break;
    case GgufValueType::kUint64:
      Put<uint64_t>(out, v.u);
      break;
    case GgufValueType::kInt64:
      Put<int64_t>(out, v.i);
      break;
    case GgufValueType::kFloat32:
      Put<float>(out, static_cast<float>(v.f));
      break;
    case GgufValueType::kFloat64:
      Put<double>(out, v.f);
      break;
    case GgufValueType::kBool:
      Put<uint8_t>(out, v.u != 0 ? 1 : 0);
      break;
    case GgufValueType::kString:
      PutString(out, v.sv);
      break;
    case GgufValueType::kArray:
      Put<uint32_t>(out, static_cast<uint32_t>(v.elem_type));
      Put<uint64_t>(out, v.count);
      if (v.elem_type == GgufValueType::kString) {
        for (std::string_view s : v.strings) PutString(out, s);
      } else if (v.elem_type == GgufValueType::kArray) {
        for (const GgufValue& e : v.elems) PutValue(out, e, /*with_type=*/false);
      } else {
        out.append(v.raw);
      }
      break;
  }
}

GgufValue Scalar(GgufValueType t) {
  GgufValue v;
  v.type = t;
  return v;
}

}  // namespace

void GgufWriter::AddKv(std::string_view key, const GgufValue& v) {
  for (const auto& k : keys_) {
    if (k == key && !has_duplicate_) {
      has_duplicate_ = true;
      duplicate_key_ = std::string(key);
    }
  }
  keys_.emplace_back(key);
  PutString(kv_bytes_, key);
  PutValue(kv_bytes_, v, /*with_type=*/true);
  ++kv_count_;
}

void GgufWriter::SetUint8(std::string_view key, uint8_t x) {
  GgufValue v = Scalar(GgufValueType::kUint8);
  v.u = x;
  AddKv(key, v);
}
void GgufWriter::SetInt8(std::string_view key, int8_t x) {
  GgufValue v = Scalar(GgufValueType::kInt8);
  v.i = x;
  AddKv(key, v);
}
void GgufWriter::SetUint16(std::string_view key, uint16_t x) {
  GgufValue v = Scalar(GgufValueType::kUint16);
  v.u = x;
  AddKv(key, v);
}
void GgufWriter::SetInt16(std::string_view key, int16_t x) {
  GgufValue v = Scalar(GgufValueType::kInt16);
  v.i = x;
  AddKv(key, v);
}
void GgufWriter::SetUint32(std::string_view key, uint32_t x) {
  GgufValue v = Scalar(GgufValueType::kUint32);
  v.u = x;
  AddKv(key, v);
}
void GgufWriter::SetInt32(std::string_view key, int32_t x) {
  GgufValue v = Scalar(GgufValueType::kInt32);
  v.i = x;
  AddKv(key, v);
}
void GgufWriter::SetUint64(std::string_view key, uint64_t x) {
  GgufValue v = Scalar(GgufValueType::kUint64);
  v.u = x;
  AddKv(key, v);
}
void GgufWriter::SetInt64(std::string_view key, int64_t x) {
  GgufValue v = Scalar(GgufValueType::kInt64);
  v.i = x;
  AddKv(key, v);
}
void GgufWriter::SetFloat32(std::string_view key, float x) {
  GgufValue v = Scalar(GgufValueType::kFloat32);
  v.f = x;
  AddKv(key, v);
}
void GgufWriter::SetFloat64(std::string_view key, double x) {
  GgufValue v = Scalar(GgufValueType::kFloat64);
  v.f = x;
  AddKv(key, v);
}
void GgufWriter::SetBool(std::string_view key, bool x) {
  GgufValue v = Scalar(GgufValueType::kBool);
  v.u = x ? 1 : 0;
  AddKv(key, v);
}
void GgufWriter::SetString(std::string_view key, std::string_view x) {
  GgufValue v = Scalar(GgufValueType::kString);
  v.sv = x;
  AddKv(key, v);
}
void GgufWriter::SetStringArray(std::string_view key, const std::vector<std::string>& x) {
  GgufValue v = Scalar(GgufValueType::kArray);
  v.elem_type = GgufValueType::kString;
  v.count = x.size();
  v.strings.assign(x.begin(), x.end());
  AddKv(key, v);
}
void GgufWriter::SetInt32Array(std::string_view key, const std::vector<int32_t>& x) {
  GgufValue v = Scalar(GgufValueType::kArray);
  v.elem_type = GgufValueType::kInt32;
  v.count = x.size();
  v.raw = std::string_view(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(int32_t));
  AddKv(key, v);
}
void GgufWriter::SetFloat32Array(std::string_view key, const std::vector<float>& x) {
  GgufValue v = Scalar(GgufValueType::kArray);
  v.elem_type = GgufValueType::kFloat32;
  v.count = x.size();
  v.raw = std::string_view(reinterpret_cast<const char*>(x.data()), x.size() * sizeof(float));
  AddKv(key, v);
}
void GgufWriter::SetValue(std::string_view key, const GgufValue& v) { AddKv(key, v); }

void GgufWriter::SetAlignment(uint32_t alignment) {
  alignment_ = alignment;
  SetUint32("general.alignment", alignment);
}

Status GgufWriter::AddTensor(std::string_view name, GgmlType type, const std::vector<int64_t>& ne,
                             std::string_view data) {
  for (const auto& t : tensors_) {
    if (t.name == name) {
      return absl::InvalidArgumentError(
          absl::StrCat("gguf writer: duplicate tensor '", Av(name), "'"));
    }
  }
  if (name.size() > 64) {
    return absl::InvalidArgumentError("gguf writer: tensor name longer than 64 bytes");
  }
  auto bytes = GgmlTensorBytes(type, ne);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("gguf writer: tensor '", Av(name), "': ", bytes.status().message()));
  }
  if (*bytes != data.size()) {
    return absl::InvalidArgumentError(absl::StrCat("gguf writer: tensor '", Av(name), "' needs ",
                                                   *bytes, " bytes, got ", data.size()));
  }
  tensors_.push_back(Tensor{std::string(name), type, ne, std::string(data)});
  return absl::OkStatus();
}

StatusOr<std::string> GgufWriter::Serialize() const {
  if (has_duplicate_) {
    return absl::InvalidArgumentError(
        absl::StrCat("gguf writer: duplicate key '", duplicate_key_, "'"));
  }
  if (alignment_ == 0 || (alignment_ & (alignment_ - 1)) != 0) {
    return absl::InvalidArgumentError("gguf writer: alignment is not a power of two");
  }
  auto pad = [&](uint64_t n) { return (alignment_ - n % alignment_) % alignment_; };
  std::string out;
  out.append("GGUF", 4);
  Put<uint32_t>(out, 3);
  Put<uint64_t>(out, tensors_.size());
  Put<uint64_t>(out, kv_count_);
  out.append(kv_bytes_);
  uint64_t offset = 0;
  for (const auto& t : tensors_) {
    PutString(out, t.name);
    Put<uint32_t>(out, static_cast<uint32_t>(t.ne.size()));
    for (int64_t d : t.ne) Put<uint64_t>(out, static_cast<uint64_t>(d));
    Put<uint32_t>(out, static_cast<uint32_t>(t.type));
    Put<uint64_t>(out, offset);
    offset += t.data.size() + pad(t.data.size());
  }
  out.append(pad(out.size()), '\0');
  for (const auto& t : tensors_) {
    out.append(t.data);
    out.append(pad(t.data.size()), '\0');
  }
  return out;
}

Status GgufWriter::WriteFile(const std::string& path) const {
  GW_ASSIGN_OR_RETURN(std::string bytes, Serialize());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return absl::UnavailableError(absl::StrCat("gguf writer: cannot create ", path));
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) return absl::UnavailableError(absl::StrCat("gguf writer: cannot write ", path));
  return absl::OkStatus();
}

}  // namespace gw::engine
