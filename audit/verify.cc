// Parsing, verification, queries and export of audit directories.
#include "audit/verify.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <nlohmann/json.hpp>

#include "audit/audit_log.h"
#include "audit/internal/chain.h"
#include "audit/internal/codec.h"
#include "audit/internal/crypto.h"
#include "audit/internal/strcat.h"
#include "common/utf8.h"

namespace gw::audit {
namespace {

using nlohmann::json;

// Depth of JSON nesting outside strings, so the recursive parser never sees hostile depth.
bool DepthWithin(std::string_view s, int max_depth) {
  int depth = 0;
  bool in_str = false, esc = false;
  for (char c : s) {
    if (in_str) {
      if (esc) {
        esc = false;
      } else if (c == '\\') {
        esc = true;
      } else if (c == '"') {
        in_str = false;
      }
      continue;
    }
    if (c == '"') {
      in_str = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return false;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return true;
}

std::string GetStr(const json& b, const char* k) {
  auto it = b.find(k);
  return it != b.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status Bad(std::string_view msg) { return absl::InvalidArgumentError(std::string(msg)); }

struct Parsed {
  ParsedRecord rec;
};

// The fast path: a single-pass validator of the canonical form this module writes (sorted keys,
// no whitespace, integers only, minimal escapes, valid UTF-8). It accepts exactly the lines the
// nlohmann-based slow path accepts without floats; anything it does not accept goes to the slow
// path, which gives the precise error. Verifying large logs is dominated by this function.
class CanonicalScanner {
 public:
  explicit CanonicalScanner(std::string_view s) : s_(s) {}

  bool Record(ParsedRecord* r) {
    if (!Eat('{')) return false;
    static constexpr std::string_view kKeys[] = {"body", "prev", "principal", "request_id",
                                                 "seq",  "sig",  "ts_us",     "type"};
    size_t next_key = 0;
    bool first = true;
    while (true) {
      if (!first && !Eat(',')) break;
      first = false;
      std::string key;
      if (!String(&key) || !Eat(':')) return false;
      while (next_key < std::size(kKeys) && kKeys[next_key] != key) {
        if (kKeys[next_key] != "sig") return false;  // missing required key (or unknown/unsorted)
        ++next_key;
      }
      if (next_key == std::size(kKeys)) return false;
      const std::string_view k = kKeys[next_key++];
      if (k == "body") {
        size_t start = i_;
        if (!Body(r)) return false;
        r->body_json = std::string(s_.substr(start, i_ - start));
      } else if (k == "seq") {
        bool neg;
        uint64_t v;
        if (!Int(&neg, &v) || neg) return false;
        r->seq = v;
      } else if (k == "ts_us") {
        bool neg;
        uint64_t v;
        if (!Int(&neg, &v) || v > static_cast<uint64_t>(INT64_MAX)) return false;
        r->ts_us = neg ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
      } else {
        std::string v;
        if (!String(&v)) return false;
        if (k == "prev") {
          r->prev = std::move(v);
        } else if (k == "principal") {
          r->principal = std::move(v);
        } else if (k == "request_id") {
          r->request_id = std::move(v);
        } else if (k == "sig") {
          r->sig = std::move(v);
        } else if (k == "type") {
          r->type = std::move(v);
        }
      }
      if (Peek() == '}') break;
    }
    if (next_key != std::size(kKeys) || !Eat('}')) return false;
    return i_ == s_.size();
  }

 private:
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  bool Eat(char c) {
    if (Peek() != c || i_ >= s_.size()) return false;
    ++i_;
    return true;
  }

  bool Body(ParsedRecord* r) {
    if (!Eat('{')) return false;
    if (Eat('}')) return true;
    std::string prev_key, key;
    bool first = true;
    do {
      key.clear();
      if (!String(&key) || (!first && !(prev_key < key)) || !Eat(':')) return false;
      first = false;
      if ((key == "adapter" || key == "decision") && Peek() == '"') {
        std::string v;
        if (!String(&v)) return false;
        (key == "adapter" ? r->adapter : r->decision) = std::move(v);
      } else if (!Value(2)) {
        return false;
      }
      prev_key.swap(key);
    } while (Eat(','));
    return Eat('}');
  }

  bool Value(int depth) {
    if (depth > kMaxJsonDepth) return false;
    char c = Peek();
    if (c == '"') return String(nullptr);
    if (c == '{') {
      ++i_;
      if (Eat('}')) return true;
      std::string prev_key, key;
      bool first = true;
      do {
        key.clear();
        if (!String(&key) || (!first && !(prev_key < key)) || !Eat(':') || !Value(depth + 1)) {
          return false;
        }
        first = false;
        prev_key.swap(key);
      } while (Eat(','));
      return Eat('}');
    }
    if (c == '[') {
      ++i_;
      if (Eat(']')) return true;
      do {
        if (!Value(depth + 1)) return false;
      } while (Eat(','));
      return Eat(']');
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      bool neg;
      uint64_t v;
      return Int(&neg, &v);
    }
    for (std::string_view lit : {"true", "false", "null"}) {
      if (s_.substr(i_, lit.size()) == lit) {
        i_ += lit.size();
        return true;
      }
    }
    return false;
  }

  // Canonical integer: -?(0|[1-9][0-9]*), fits 64 bits, no "-0", no fraction or exponent.
  bool Int(bool* neg, uint64_t* out) {
    *neg = Eat('-');
    if (Peek() < '0' || Peek() > '9') return false;
    if (Peek() == '0') {
      ++i_;
      *out = 0;
      if (*neg) return false;
    } else {
      uint64_t v = 0;
      while (Peek() >= '0' && Peek() <= '9') {
        uint64_t d = static_cast<uint64_t>(Peek() - '0');
        if (v > (UINT64_MAX - d) / 10) return false;
        v = v * 10 + d;
        ++i_;
      }
      *out = v;
      if (*neg && v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    }
    char c = Peek();
    return c != '.' && c != 'e' && c != 'E' && !(c >= '0' && c <= '9');
  }

  // Canonical string: raw UTF-8 except '"', '\\' and control characters, which use the short
  // escapes \b \f \n \r \t or \u00xx (lowercase hex).
  bool String(std::string* out) {
    if (!Eat('"')) return false;
    size_t start = i_;
    bool escaped = false;
    std::string buf;
    while (true) {
      if (i_ >= s_.size()) return false;
      unsigned char c = static_cast<unsigned char>(s_[i_]);
      if (c == '"') break;
      if (c < 0x20) return false;
      if (c != '\\') {
        ++i_;
        continue;
      }
      if (!escaped) {
        buf.assign(s_.substr(start, i_ - start));
        escaped = true;
      } else {
        buf.append(s_.substr(start, i_ - start));
      }
      if (i_ + 1 >= s_.size()) return false;
      char e = s_[i_ + 1];
      i_ += 2;
      switch (e) {
        case '"':
          buf.push_back('"');
          break;
        case '\\':
          buf.push_back('\\');
          break;
        case 'b':
          buf.push_back('\b');
          break;
        case 'f':
          buf.push_back('\f');
          break;
        case 'n':
          buf.push_back('\n');
          break;
        case 'r':
          buf.push_back('\r');
          break;
        case 't':
          buf.push_back('\t');
          break;
        case 'u': {
          if (s_.substr(i_, 2) != "00" || i_ + 4 > s_.size()) return false;
          int v = 0;
          for (size_t k = i_ + 2; k < i_ + 4; ++k) {
            char h = s_[k];
            if (h >= '0' && h <= '9') {
              v = v * 16 + (h - '0');
            } else if (h >= 'a' && h <= 'f') {
              v = v * 16 + (h - 'a' + 10);
            } else {
              return false;
            }
          }
          if (v >= 0x20 || v == '\b' || v == '\f' || v == '\n' || v == '\r' || v == '\t') {
            return false;
          }
          buf.push_back(static_cast<char>(v));
          i_ += 4;
          break;
        }
        default:
          return false;
      }
      start = i_;
    }
    std::string_view tail = s_.substr(start, i_ - start);
    ++i_;  // closing quote
    if (escaped) {
      buf.append(tail);
      if (!IsValidUtf8(buf)) return false;
      if (out) *out = std::move(buf);
    } else {
      if (!IsValidUtf8(tail)) return false;
      if (out) out->assign(tail);
    }
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

StatusOr<Parsed> ParseFull(std::string_view line);

// Fast path first; on any doubt, the slow path decides (and names the error).
StatusOr<Parsed> ParseLine(std::string_view line) {
  if (line.size() <= kMaxLineBytes) {
    Parsed p;
    ParsedRecord& r = p.rec;
    if (CanonicalScanner(line).Record(&r) && internal::IsLowerHex(r.prev, 64) &&
        (r.sig.empty() || internal::IsLowerHex(r.sig, 128)) && RecordTypeFromName(r.type)) {
      if (r.sig.empty()) {
        r.signed_bytes = std::string(line);
      } else {
        std::string needle = internal::StrCat(",\"sig\":\"", r.sig, "\"");
        size_t pos = line.rfind(needle);
        if (pos != std::string_view::npos) {
          r.signed_bytes = internal::StrCat(line.substr(0, pos), line.substr(pos + needle.size()));
          r.raw = std::string(line);
          return p;
        }
      }
      if (r.sig.empty()) {
        r.raw = std::string(line);
        return p;
      }
    }
  }
  return ParseFull(line);
}

StatusOr<Parsed> ParseFull(std::string_view line) {
  if (line.size() > kMaxLineBytes) return Bad("line too long");
  if (!DepthWithin(line, kMaxJsonDepth)) return Bad("nesting too deep");
  json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Bad("not valid JSON");
  if (!j.is_object()) return Bad("not a JSON object");
  std::string canon;
  try {
    canon = j.dump();
  } catch (const json::exception&) {
    return Bad("not valid JSON");
  }
  if (canon != line) return Bad("not canonical JSON");
  static constexpr std::string_view kFields[] = {"body", "prev", "principal", "request_id",
                                                 "seq",  "sig",  "ts_us",     "type"};
  for (const auto& [k, v] : j.items()) {
    if (std::find(std::begin(kFields), std::end(kFields), k) == std::end(kFields)) {
      return Bad(internal::StrCat("unknown field ", k));
    }
  }
  for (std::string_view k : kFields) {
    if (k != "sig" && !j.contains(k)) return Bad(internal::StrCat("missing field ", k));
  }
  auto need_string = [&](const char* k) -> Status {
    if (!j[k].is_string()) return Bad(internal::StrCat("field ", k, ": expected string"));
    return absl::OkStatus();
  };
  Parsed p;
  ParsedRecord& r = p.rec;
  if (!j["body"].is_object()) return Bad("field body: expected object");
  if (!j["seq"].is_number_unsigned()) return Bad("field seq: expected unsigned integer");
  if (!j["ts_us"].is_number_integer()) return Bad("field ts_us: expected integer");
  GW_RETURN_IF_ERROR(need_string("prev"));
  GW_RETURN_IF_ERROR(need_string("principal"));
  GW_RETURN_IF_ERROR(need_string("request_id"));
  GW_RETURN_IF_ERROR(need_string("type"));
  r.seq = j["seq"].get<uint64_t>();
  r.ts_us = j["ts_us"].get<int64_t>();
  r.prev = j["prev"].get<std::string>();
  r.principal = j["principal"].get<std::string>();
  r.request_id = j["request_id"].get<std::string>();
  r.type = j["type"].get<std::string>();
  if (!internal::IsLowerHex(r.prev, 64)) return Bad("field prev: expected 64 lowercase hex");
  if (j.contains("sig")) {
    GW_RETURN_IF_ERROR(need_string("sig"));
    r.sig = j["sig"].get<std::string>();
    if (!internal::IsLowerHex(r.sig, 128)) return Bad("field sig: expected 128 lowercase hex");
  }
  if (!RecordTypeFromName(r.type)) return Bad("field type: unknown record type");
  const json& body = j["body"];
  r.body_json = body.dump();
  if (body.contains("adapter") && body["adapter"].is_string()) {
    r.adapter = body["adapter"].get<std::string>();
  }
  if (body.contains("decision") && body["decision"].is_string()) {
    r.decision = body["decision"].get<std::string>();
  }
  if (r.sig.empty()) {
    r.signed_bytes = std::string(line);
  } else {
    // The signed bytes are the canonical line without the sig member, which sits between seq
    // and ts_us in canonical order.
    std::string needle = internal::StrCat(",\"sig\":\"", r.sig, "\"");
    size_t pos = line.rfind(needle);
    if (pos == std::string_view::npos) return Bad("not canonical JSON");
    r.signed_bytes = internal::StrCat(line.substr(0, pos), line.substr(pos + needle.size()));
  }
  r.raw = std::string(line);
  return p;
}

std::vector<std::string_view> SplitLines(std::string_view content, bool* torn) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < content.size()) {
    size_t nl = content.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(content.substr(start));
      *torn = true;
      return lines;
    }
    lines.push_back(content.substr(start, nl - start));
    start = nl + 1;
  }
  *torn = false;
  return lines;
}

StatusOr<std::string> ReadSegment(const std::string& dir, const std::string& name) {
  auto content = internal::ReadFile(dir + "/" + name);
  if (!content.ok()) return content.status();
  return content;
}

}  // namespace

namespace internal {
StatusOr<ParsedRecord> ParseRecordLineSlow(std::string_view line) {
  GW_ASSIGN_OR_RETURN(Parsed p, ParseFull(line));
  return std::move(p.rec);
}
}  // namespace internal

StatusOr<ParsedRecord> ParseRecordLine(std::string_view line) {
  GW_ASSIGN_OR_RETURN(Parsed p, ParseLine(line));
  return std::move(p.rec);
}

std::string VerifyFailure::ToString() const {
  std::string s = internal::StrCat(segment, ":", line, ": ");
  if (seq) internal::StrAppend(&s, "seq ", *seq, ": ");
  internal::StrAppend(&s, reason);
  return s;
}

namespace internal {

std::optional<VerifyFailure> CheckSegment(std::string_view name, std::string_view content,
                                          ChainState* st) {
  auto fail = [&](int64_t line, std::optional<uint64_t> seq, std::string reason) {
    return VerifyFailure{std::string(name), line, seq, std::move(reason)};
  };
  uint64_t name_seq = 0;
  if (!ParseSegmentName(name, &name_seq)) return fail(0, std::nullopt, "not a segment file name");
  bool torn = false;
  std::vector<std::string_view> lines = SplitLines(content, &torn);
  if (lines.empty()) return fail(0, std::nullopt, "empty segment (no header)");
  std::vector<std::optional<Parsed>> parsed(lines.size());
  auto parse_at = [&](size_t i) -> StatusOr<const Parsed*> {
    if (!parsed[i]) {
      auto p = ParseLine(lines[i]);
      if (!p.ok()) return p.status();
      parsed[i] = std::move(*p);
    }
    return &*parsed[i];
  };
  st->segment_records = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const int64_t ln = static_cast<int64_t>(i) + 1;
    const std::optional<uint64_t> expect =
        st->started ? std::optional<uint64_t>(st->next_seq) : std::nullopt;
    if (torn && i + 1 == lines.size()) {
      return fail(ln, expect, "no newline at end: torn or truncated line");
    }
    auto pr = parse_at(i);
    if (!pr.ok()) return fail(ln, expect, std::string(pr.status().message()));
    const Parsed& p = **pr;
    const ParsedRecord& r = p.rec;
    const std::string line_hash = HashHex(Sha256(lines[i]));
    if (i == 0) {
      const json body = json::parse(r.body_json, nullptr, /*allow_exceptions=*/false);
      // Segment header: commits to the previous segment and names the key.
      if (r.type != "segment_header") return fail(ln, r.seq, "first line is not a segment_header");
      if (r.sig.empty()) return fail(ln, r.seq, "segment header is not signed");
      if (r.seq != name_seq) return fail(ln, r.seq, "header seq does not match the file name");
      if (GetStr(body, "format") != kFormatName) return fail(ln, r.seq, "unknown format");
      auto idx = body.find("segment_index");
      auto fseq = body.find("first_seq");
      if (idx == body.end() || !idx->is_number_integer() || fseq == body.end() ||
          !fseq->is_number_unsigned() || fseq->get<uint64_t>() != r.seq) {
        return fail(ln, r.seq, "header fields segment_index/first_seq missing or wrong");
      }
      const std::string key_hex = GetStr(body, "public_key");
      if (!st->verifier) {
        auto v = Ed25519Verifier::FromRawHex(key_hex);
        if (!v.ok()) return fail(ln, r.seq, "header public_key is not an Ed25519 key");
        st->verifier = std::move(*v);
      } else if (st->verifier->raw_hex() != key_hex) {
        return fail(ln, r.seq,
                    "header public_key differs from the verifying key (segment from another log?)");
      }
      if (st->started) {
        if (idx->get<int64_t>() != st->segment_index + 1) {
          return fail(ln, r.seq, "segment_index does not follow the previous segment");
        }
        if (GetStr(body, "prev_segment_last_hash") != st->head) {
          return fail(ln, r.seq,
                      "header does not commit to the previous segment's last record (previous "
                      "segment truncated or altered, or this segment spliced in)");
        }
      } else {
        if (r.seq == 0 && r.prev != kZeroHash) {
          return fail(ln, r.seq, "first record's prev is not zero");
        }
        if (GetStr(body, "prev_segment_last_hash") != r.prev) {
          return fail(ln, r.seq, "header prev_segment_last_hash differs from its prev");
        }
        st->next_seq = r.seq;
        st->head = r.prev;
        st->first_seq = r.seq;
        st->last_ts = r.ts_us;
        st->started = true;
      }
      st->segment_index = idx->get<int64_t>();
      st->segment_start_ts = r.ts_us;
    }
    if (r.seq != st->next_seq) {
      if (r.seq > st->next_seq) {
        return fail(ln, st->next_seq,
                    internal::StrCat("expected seq ", st->next_seq, ", found ", r.seq,
                                     ": record seq ", st->next_seq, " missing or out of order"));
      }
      return fail(ln, st->next_seq,
                  internal::StrCat("expected seq ", st->next_seq, ", found ", r.seq,
                                   ": record out of order or duplicated"));
    }
    if (!r.sig.empty() && !st->verifier->Verify(r.signed_bytes, r.sig)) {
      return fail(ln, r.seq, "signature invalid");
    }
    if (r.prev != st->head) {
      // Is this record authentic (chained to a later valid signature)? Then the one before it
      // was altered; otherwise this record (or its prev field) was.
      bool authentic = false;
      std::string h = line_hash;
      for (size_t j = i; j < lines.size() && !(torn && j + 1 == lines.size()); ++j) {
        auto q = parse_at(j);
        if (!q.ok()) break;
        if (j > i) {
          if ((*q)->rec.prev != h) break;
          h = HashHex(Sha256(lines[j]));
        }
        if (!(*q)->rec.sig.empty()) {
          authentic = st->verifier->Verify((*q)->rec.signed_bytes, (*q)->rec.sig);
          break;
        }
      }
      if (authentic && i > 0) {
        return fail(
            ln - 1, r.seq - 1,
            internal::StrCat("record altered: its hash does not match the prev committed by "
                             "seq ",
                             r.seq, " (line ", ln, "), which is signed"));
      }
      if (authentic) {
        return fail(ln, r.seq,
                    "prev does not match the previous segment's last record (previous segment "
                    "altered or truncated)");
      }
      return fail(ln, r.seq, "prev does not match the hash of the previous record");
    }
    if (r.ts_us < st->last_ts) return fail(ln, r.seq, "ts_us goes backwards");
    if (r.sig.empty()) {
      if (!st->first_unsigned) {
        st->first_unsigned = fail(ln, r.seq,
                                  "record not covered by any signature (log truncated after it, or "
                                  "its batch never completed)");
      }
      ++st->unsigned_count;
    } else {
      st->first_unsigned.reset();
      st->unsigned_count = 0;
    }
    st->head = line_hash;
    st->last_ts = r.ts_us;
    st->next_seq = r.seq + 1;
    ++st->records;
    ++st->segment_records;
  }
  return std::nullopt;
}

}  // namespace internal

StatusOr<std::vector<std::string>> ListSegments(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    int e = errno;
    std::string msg = internal::StrCat(dir, ": ", std::strerror(e));
    if (e == ENOENT || e == ENOTDIR) return absl::NotFoundError(msg);
    if (e == EACCES) return absl::PermissionDeniedError(msg);
    return absl::UnavailableError(msg);
  }
  std::vector<std::string> names;
  while (dirent* ent = ::readdir(d)) {
    uint64_t s = 0;
    if (internal::ParseSegmentName(ent->d_name, &s)) names.emplace_back(ent->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());  // fixed-width seq: lexical order = log order
  return names;
}

StatusOr<VerifyReport> VerifyDir(const std::string& dir, std::string_view public_key_pem) {
  internal::ChainState st;
  if (!public_key_pem.empty()) {
    GW_ASSIGN_OR_RETURN(auto v, internal::Ed25519Verifier::FromPem(public_key_pem));
    st.verifier = std::move(v);
    st.key_pinned = true;
  }
  GW_ASSIGN_OR_RETURN(auto names, ListSegments(dir));
  if (names.empty()) return absl::NotFoundError(dir + ": no audit segments");
  VerifyReport rep;
  rep.key_pinned = st.key_pinned;
  for (const auto& name : names) {
    GW_ASSIGN_OR_RETURN(std::string content, ReadSegment(dir, name));
    ++rep.segments;
    auto f = internal::CheckSegment(name, content, &st);
    if (f) {
      rep.failure = std::move(f);
      break;
    }
  }
  if (!rep.failure && st.first_unsigned) rep.failure = st.first_unsigned;
  rep.records = st.records;
  rep.first_seq = st.first_seq;
  rep.last_seq = st.records > 0 ? st.next_seq - 1 : 0;
  rep.head_hash = st.head;
  return rep;
}

bool QueryFilter::Matches(const ParsedRecord& r) const {
  if (since_us && r.ts_us < *since_us) return false;
  if (until_us && r.ts_us >= *until_us) return false;
  if (!principal.empty() && r.principal != principal) return false;
  if (!type.empty() && r.type != type) return false;
  if (!adapter.empty() && r.adapter != adapter) return false;
  if (!decision.empty() && r.decision != decision) return false;
  return true;
}

Status Query(const std::string& dir, const QueryFilter& filter,
             const std::function<bool(const ParsedRecord&)>& sink, int64_t* skipped) {
  GW_ASSIGN_OR_RETURN(auto names, ListSegments(dir));
  if (skipped) *skipped = 0;
  for (const auto& name : names) {
    GW_ASSIGN_OR_RETURN(std::string content, ReadSegment(dir, name));
    bool torn = false;
    auto lines = SplitLines(content, &torn);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (torn && i + 1 == lines.size()) break;  // a line still being written
      auto p = ParseRecordLine(lines[i]);
      if (!p.ok()) {
        if (skipped) ++*skipped;
        continue;
      }
      p->segment = name;
      p->line = static_cast<int64_t>(i) + 1;
      if (filter.Matches(*p) && !sink(*p)) return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

StatusOr<std::vector<ParsedRecord>> Tail(const std::string& dir, size_t n) {
  std::deque<ParsedRecord> last;
  GW_RETURN_IF_ERROR(Query(dir, QueryFilter{}, [&](const ParsedRecord& r) {
    if (n == 0) return false;
    last.push_back(r);
    if (last.size() > n) last.pop_front();
    return true;
  }));
  return std::vector<ParsedRecord>(last.begin(), last.end());
}

namespace {
std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}
}  // namespace

std::string CsvHeader() {
  return "seq,ts_us,time,type,request_id,principal,adapter,decision,body\n";
}

std::string FormatExportLine(const ParsedRecord& r, ExportFormat format) {
  if (format == ExportFormat::kJsonl) return r.raw + "\n";
  return internal::StrCat(r.seq, ",", r.ts_us, ",", FormatRfc3339(r.ts_us), ",", CsvField(r.type),
                          ",", CsvField(r.request_id), ",", CsvField(r.principal), ",",
                          CsvField(r.adapter), ",", CsvField(r.decision), ",",
                          CsvField(r.body_json), "\n");
}

std::string FormatRfc3339(int64_t unix_us) {
  int64_t secs = unix_us / 1'000'000;
  int64_t frac = unix_us % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(frac));
  return buf;
}

StatusOr<int64_t> ParseTimeArg(std::string_view s) {
  auto bad = [&] {
    return absl::InvalidArgumentError(internal::StrCat(
        "bad time \"", s, "\": expected RFC 3339 (2026-11-21T10:00:00Z) or unix microseconds"));
  };
  if (s.empty()) return bad();
  if (s.find_first_not_of("0123456789") == std::string_view::npos) {
    if (s.size() > 18) return bad();
    int64_t v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
  }
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)
  auto num = [&](size_t pos, size_t len, int* out) {
    if (pos + len > s.size()) return false;
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
  };
  int Y, M, D, h, m, sec;
  if (s.size() < 20 || !num(0, 4, &Y) || s[4] != '-' || !num(5, 2, &M) || s[7] != '-' ||
      !num(8, 2, &D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !num(11, 2, &h) ||
      s[13] != ':' || !num(14, 2, &m) || s[16] != ':' || !num(17, 2, &sec)) {
    return bad();
  }
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60) return bad();
  size_t pos = 19;
  int64_t frac_us = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) frac_us = frac_us * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 6; ++i) frac_us *= 10;
  }
  int64_t offset_s = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!num(pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !num(pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  // Days from civil (H. Hinnant's algorithm).
  int y = Y - (M <= 2);
  int era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (M + (M > 2 ? -3 : 9)) + 2) / 5 + D - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = static_cast<int64_t>(era) * 146097 + static_cast<int64_t>(doe) - 719468;
  int64_t secs = days * 86400 + h * 3600 + m * 60 + sec - offset_s;
  return secs * 1'000'000 + frac_us;
}

}  // namespace gw::audit
