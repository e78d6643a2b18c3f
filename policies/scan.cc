#include "policies/scan.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "policies/detectors/aho_corasick.h"
#include "policies/detectors/custom.h"
#include "policies/detectors/detector.h"
#include "policies/detectors/registry.h"

namespace gw::policies {

// ----- DataClassSet ---------------------------------------------------------------------------

StatusOr<DataClassSet> DataClassSet::Create(const std::vector<std::string>& names,
                                            std::string_view default_class) {
  if (names.empty()) return absl::InvalidArgumentError("data_classes: empty list");
  DataClassSet s;
  std::set<std::string> seen;
  for (const std::string& n : names) {
    if (n.empty()) return absl::InvalidArgumentError("data_classes: empty class name");
    if (!seen.insert(n).second) {
      return absl::InvalidArgumentError(absl::StrCat("data_classes: duplicate class '", n, "'"));
    }
    s.names_.push_back(n);
  }
  auto d = s.Find(default_class);
  if (!d.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("default_class: unknown data class '", std::string(default_class), "'"));
  }
  s.default_ = *d;
  return s;
}

StatusOr<DataClass> DataClassSet::Find(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return DataClass(static_cast<int>(i));
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown data class '", std::string(name), "'"));
}

const std::string& DataClassSet::Name(DataClass c) const {
  const int r = std::clamp(c.rank(), 0, static_cast<int>(names_.size()) - 1);
  return names_[static_cast<size_t>(r)];
}

StatusOr<DataClass> RequestClass(const DataClassSet& classes, const std::vector<Finding>& findings,
                                 const std::vector<std::string>& declared_labels) {
  DataClass c = classes.Default();
  for (const Finding& f : findings) c = std::max(c, f.data_class);
  for (const std::string& label : declared_labels) {
    auto l = classes.Find(label);
    if (!l.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown data class label '", label, "'"));
    }
    c = std::max(c, *l);
  }
  return c;
}

std::vector<std::string> BuiltinDetectorIds() {
  std::vector<std::string> ids;
  for (const auto& b : internal::Builtins()) ids.emplace_back(b.id);
  return ids;
}

// ----- the engine -----------------------------------------------------------------------------

namespace internal {

bool ScanState::HasContext(int slot, size_t lo, size_t hi) const {
  auto it = std::lower_bound(context.begin(), context.end(), lo,
                             [](const ContextHit& h, size_t v) { return h.begin < v; });
  for (; it != context.end() && it->begin <= hi; ++it) {
    if (it->slot == slot) return true;
  }
  return false;
}

namespace {
enum Trig : uint8_t { kNone = 0, kDigitT, kAtT, kPlusT, kParenT, kColonT };

bool NotWord(std::string_view t, size_t i) { return !IsAlnum(static_cast<unsigned char>(t[i])); }

// Parses a numeric run at `start` ('+', '(' or a digit). Returns false when there is none.
bool ParseRun(std::string_view t, size_t start, NumericRun* r) {
  const size_t n = t.size();
  size_t i = start;
  r->begin = start;
  r->digits.clear();
  r->groups.clear();
  r->group_end.clear();
  r->seps.clear();
  r->plus = r->paren = r->extension = false;
  if (t[i] == '+') {
    r->plus = true;
    ++i;
  }
  while (i < n) {
    bool open = false;
    if (t[i] == '(') {
      open = true;
      ++i;
    }
    const size_t gs = i;
    while (i < n && IsDigit(t[i])) ++i;
    if (i == gs || i - gs > 19 || r->digits.size() + (i - gs) > 24) {
      if (i - gs > 19 || r->digits.size() + (i - gs) > 24) {
        while (i < n && IsDigit(t[i])) ++i;
        r->end = i;
        r->groups.clear();
        return false;
      }
      if (r->groups.empty()) return false;
      i = gs - (open ? 1 : 0);
      // Drop the dangling separator.
      r->seps.pop_back();
      break;
    }
    r->digits.append(t.substr(gs, i - gs));
    r->groups.push_back(static_cast<int>(i - gs));
    r->group_end.push_back(i);
    if (open) {
      if (i >= n || t[i] != ')') return false;
      r->paren = true;
      ++i;
      if (i + 1 < n && (t[i] == ' ' || t[i] == '-') && (IsDigit(t[i + 1]))) ++i;
      if (i < n && IsDigit(t[i])) {
        r->seps.push_back(')');
        continue;
      }
      break;
    }
    if (i + 1 < n && (t[i] == ' ' || t[i] == '-' || t[i] == '.' || t[i] == '/') &&
        (IsDigit(t[i + 1]) || (t[i + 1] == '(' && t[i] == ' '))) {
      r->seps.push_back(t[i]);
      ++i;
      continue;
    }
    if (i + 1 < n && t[i] == '(' && IsDigit(t[i + 1])) {  // "+49(0)30 1234567"
      r->seps.push_back('(');
      continue;
    }
    break;
  }
  r->digits_end = r->group_end.back();
  r->end = r->digits_end;
  // Extension: "x123", " x123", " ext 123", " ext. 123".
  size_t j = r->digits_end;
  if (j < n && t[j] == ' ') ++j;
  size_t k = j;
  if (k < n && (t[k] == 'x' || t[k] == 'X')) {
    ++k;
  } else if (t.substr(k, 3) == "ext") {
    k += 3;
    if (k < n && t[k] == '.') ++k;
    if (k < n && t[k] == ' ') ++k;
  }
  if (k > j) {
    const size_t ds = k;
    while (k < n && IsDigit(t[k]) && k - ds < 6) ++k;
    if (k > ds && (k >= n || NotWord(t, k))) {
      r->extension = true;
      r->end = k;
    }
  }
  if (r->end < n && IsAlnum(t[r->end])) return false;
  return true;
}
}  // namespace

class ScanEngine {
 public:
  struct Slot {
    std::string id;
    std::vector<std::string> types;
    DataClass data_class;
    std::unique_ptr<Detector> detector;  // null for a custom regex
  };
  struct KeywordRef {
    int slot;
    int keyword;
    Keyword::Role role;
    bool case_sensitive;
    bool left_boundary;
    bool right_boundary;
    std::string text;
  };

  Status AddSlot(std::string id, DataClass c, std::unique_ptr<Detector> d) {
    for (const Slot& s : slots_) {
      if (s.id == id) {
        return absl::InvalidArgumentError(absl::StrCat("duplicate detector id '", id, "'"));
      }
    }
    Slot s;
    s.id = std::move(id);
    s.data_class = c;
    if (d) {
      for (std::string_view t : d->finding_types()) s.types.emplace_back(t);
    }
    s.detector = std::move(d);
    slots_.push_back(std::move(s));
    return absl::OkStatus();
  }
  int next_slot() const { return static_cast<int>(slots_.size()); }
  RegexSet& regexes() { return regexes_; }
  Slot& slot(int i) { return slots_[i]; }

  Status Finish() {
    for (int i = 0; i < static_cast<int>(slots_.size()); ++i) {
      const Detector* d = slots_[i].detector.get();
      if (!d) continue;
      const std::vector<Keyword> kws = d->Keywords();
      for (int k = 0; k < static_cast<int>(kws.size()); ++k) {
        const Keyword& kw = kws[k];
        ac_.Add(kw.text);
        // A keyword that may start inside a word needs the full Aho–Corasick scan.
        if (!kw.left_boundary && IsAlnum(static_cast<unsigned char>(kw.text[0]))) {
          word_starts_only_ = false;
        }
        keywords_.push_back(KeywordRef{i, k, kw.role, kw.case_sensitive, kw.left_boundary,
                                       kw.right_boundary, kw.text});
      }
      if (d->wants_numeric()) numeric_.push_back(i);
      if (d->wants_at()) at_.push_back(i);
      if (d->wants_colon()) colon_.push_back(i);
      if (d->wants_country_prefix()) country_.push_back(i);
    }
    if (!ac_.Build()) {
      return absl::InvalidArgumentError(
          "policy.detectors: dictionaries too large (keyword automaton over 256 MiB)");
    }
    if (!numeric_.empty()) {
      for (int c = '0'; c <= '9'; ++c) trig_[c] = kDigitT;
      trig_[static_cast<uint8_t>('+')] = kPlusT;
      trig_[static_cast<uint8_t>('(')] = kParenT;
    } else if (!country_.empty() || !colon_.empty()) {
      for (int c = '0'; c <= '9'; ++c) trig_[c] = kDigitT;
    }
    if (!at_.empty()) trig_[static_cast<uint8_t>('@')] = kAtT;
    if (!colon_.empty()) trig_[static_cast<uint8_t>(':')] = kColonT;
    return absl::OkStatus();
  }

  std::vector<internal::RawFinding> Scan(std::string_view text) const;
  const std::vector<Slot>& slots() const { return slots_; }

 private:
  void KeywordPass(ScanState& s) const;
  void BytePass(ScanState& s) const;

  std::vector<Slot> slots_;
  AhoCorasick ac_;
  std::vector<KeywordRef> keywords_;
  std::vector<int> numeric_, at_, colon_, country_;
  uint8_t trig_[256] = {};
  bool word_starts_only_ = true;
  RegexSet regexes_;
};

void ScanEngine::KeywordPass(ScanState& s) const {
  const std::string_view t = s.text;
  struct Hit {
    int kw;
    size_t b, e;
  };
  std::vector<Hit> triggers;
  auto on_match = [&](int id, size_t b, size_t e) {
    const KeywordRef& k = keywords_[id];
    if (k.left_boundary && b > 0 && IsAlnum(t[b - 1])) return;
    if (k.right_boundary && e < t.size() && IsAlnum(t[e])) return;
    if (k.case_sensitive && t.compare(b, e - b, k.text) != 0) return;
    if (k.role == Keyword::kContext) {
      s.context.push_back(ContextHit{b, e, k.slot, k.keyword});
    } else {
      triggers.push_back(Hit{id, b, e});
    }
  };
  if (word_starts_only_) {
    ac_.ScanWordStarts(t, on_match);
  } else {
    ac_.Scan(t, on_match);
  }
  std::sort(s.context.begin(), s.context.end(),
            [](const ContextHit& a, const ContextHit& b) { return a.begin < b.begin; });
  for (const Hit& h : triggers) {
    const KeywordRef& k = keywords_[h.kw];
    slots_[k.slot].detector->OnKeyword(s, k.slot, k.keyword, h.b, h.e);
  }
}

void ScanEngine::BytePass(ScanState& s) const {
  const std::string_view t = s.text;
  const size_t n = t.size();
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  NumericRun run;
  size_t i = 0;
  while (i < n) {
    // Tight skip over non-trigger bytes (most of any text).
    while (i < n && trig_[p[i]] == kNone) ++i;
    if (i >= n) break;
    switch (trig_[p[i]]) {
      case kAtT: {
        size_t next = i + 1;
        for (int slot : at_) next = std::max(next, slots_[slot].detector->OnAt(s, slot, i));
        i = next;
        continue;
      }
      case kColonT: {
        size_t next = i + 1;
        for (int slot : colon_) next = std::max(next, slots_[slot].detector->OnColon(s, slot, i));
        i = next;
        continue;
      }
      case kPlusT:
      case kParenT:
        if (i + 1 >= n || !IsDigit(p[i + 1]) || (i > 0 && IsAlnum(p[i - 1]))) {
          ++i;
          continue;
        }
        break;
      case kDigitT:
        if (i > 0 && IsAlnum(p[i - 1])) {
          if (!country_.empty() && i >= 2 && IsUpper(p[i - 1]) && IsUpper(p[i - 2]) &&
              (i == 2 || !IsAlnum(p[i - 3])) && i + 1 < n && IsDigit(p[i + 1])) {
            size_t next = i;
            for (int slot : country_) {
              next = std::max(next, slots_[slot].detector->OnCountryPrefix(s, slot, i - 2));
            }
            if (next > i) {
              i = next;
              continue;
            }
          }
          while (i < n && IsAlnum(p[i])) ++i;
          continue;
        }
        if (!colon_.empty()) {
          size_t j = i;
          while (j < n && IsHex(p[j]) && j - i < 5) ++j;
          if (j < n && p[j] == ':') {
            size_t next = j + 1;
            for (int slot : colon_) {
              next = std::max(next, slots_[slot].detector->OnColon(s, slot, j));
            }
            if (next > j + 1) {
              i = next;
              continue;
            }
          }
        }
        if (numeric_.empty()) {
          while (i < n && IsAlnum(p[i])) ++i;
          continue;
        }
        break;
    }
    // A numeric run starting at i.
    if (!ParseRun(t, i, &run)) {
      ++i;
      while (i < n && IsAlnum(p[i])) ++i;
      continue;
    }
    for (int slot : numeric_) {
      if (slots_[slot].detector->OnNumericRun(s, slot, run)) break;
    }
    i = std::max(i + 1, run.end);
  }
}

std::vector<RawFinding> ScanEngine::Scan(std::string_view text) const {
  std::vector<RawFinding> raw;
  ScanState s;
  s.text = text;
  s.out = &raw;
  KeywordPass(s);
  BytePass(s);
  regexes_.Scan(text, &raw);
  return raw;
}

}  // namespace internal

// ----- Scanner --------------------------------------------------------------------------------

Scanner::Scanner(DataClassSet classes, std::unique_ptr<internal::ScanEngine> engine)
    : classes_(std::move(classes)), engine_(std::move(engine)) {}
Scanner::~Scanner() = default;

namespace {
std::string Where(std::string_view source, std::string_view what, int line) {
  std::string w = source.empty() ? std::string("<config>") : std::string(source);
  if (line > 0) absl::StrAppend(&w, ":", line);
  absl::StrAppend(&w, ": ", std::string(what));
  return w;
}
}  // namespace

StatusOr<std::unique_ptr<Scanner>> Scanner::Create(const config::DetectorsConfig& config,
                                                   const DataClassSet& classes,
                                                   std::string_view source_name) {
  auto engine = std::make_unique<internal::ScanEngine>();
  // Built-ins.
  std::vector<const internal::BuiltinInfo*> enabled;
  if (config.builtin_all && config.builtin.empty()) {
    for (const auto& b : internal::Builtins()) enabled.push_back(&b);
  } else {
    for (const std::string& id : config.builtin) {
      if (internal::FindBuiltin(id) == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(source_name, "policy.detectors.builtin", 0), ": unknown detector '", id, "'"));
      }
    }
    // Keep registry order (it is the numeric-run priority order).
    for (const auto& b : internal::Builtins()) {
      if (std::find(config.builtin.begin(), config.builtin.end(), b.id) != config.builtin.end()) {
        enabled.push_back(&b);
      }
    }
  }
  for (const auto& [id, cls] : config.builtin_classes) {
    if (internal::FindBuiltin(id) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(source_name, "policy.detectors.builtin_classes", 0),
                       ": unknown detector '", id, "'"));
    }
    if (!classes.Find(cls).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(source_name, "policy.detectors.builtin_classes", 0), ".", id,
                       ": unknown data class '", cls, "'"));
    }
  }
  for (const internal::BuiltinInfo* b : enabled) {
    DataClass c = classes.Highest();
    auto it = config.builtin_classes.find(std::string(b->id));
    if (it != config.builtin_classes.end()) {
      c = *classes.Find(it->second);
    } else if (auto d = classes.Find(b->default_class); d.ok()) {
      c = *d;
    }
    GW_RETURN_IF_ERROR(engine->AddSlot(std::string(b->id), c, b->factory()));
  }
  // Dictionaries.
  for (size_t i = 0; i < config.dictionaries.size(); ++i) {
    const config::DictionaryConfig& d = config.dictionaries[i];
    const std::string where =
        Where(source_name, absl::StrCat("policy.detectors.dictionaries[", i, "]"), d.line);
    if (d.id.empty() || d.finding_type.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": id and finding_type are required"));
    }
    auto c = classes.Find(d.data_class);
    if (!c.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": dictionary '", d.id,
                                                     "': unknown data class '", d.data_class, "'"));
    }
    GW_ASSIGN_OR_RETURN(auto det, internal::DictionaryDetector::Create(d, where));
    Status st = engine->AddSlot(d.id, *c, std::move(det));
    if (!st.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", st.message()));
  }
  // Custom regexes.
  for (size_t i = 0; i < config.regexes.size(); ++i) {
    const config::CustomRegexConfig& r = config.regexes[i];
    const std::string where =
        Where(source_name, absl::StrCat("policy.detectors.regexes[", i, "]"), r.line);
    if (r.id.empty() || r.finding_type.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": id and finding_type are required"));
    }
    auto c = classes.Find(r.data_class);
    if (!c.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": regex '", r.id, "': unknown data class '", r.data_class, "'"));
    }
    const int slot = engine->next_slot();
    Status st = engine->AddSlot(r.id, *c, nullptr);
    if (!st.ok()) return absl::InvalidArgumentError(absl::StrCat(where, ": ", st.message()));
    engine->slot(slot).types.push_back(r.finding_type);
    GW_RETURN_IF_ERROR(engine->regexes().Add(r, slot, where));
  }
  GW_RETURN_IF_ERROR(engine->regexes().Compile());
  GW_RETURN_IF_ERROR(engine->Finish());
  return std::unique_ptr<Scanner>(new Scanner(classes, std::move(engine)));
}

std::vector<Finding> Scanner::Scan(std::string_view text) const {
  std::vector<internal::RawFinding> raw = engine_->Scan(text);
  const auto& slots = engine_->slots();
  std::sort(raw.begin(), raw.end(),
            [](const internal::RawFinding& a, const internal::RawFinding& b) {
              if (a.begin != b.begin) return a.begin < b.begin;
              return a.end > b.end;
            });
  // Overlaps: keep the higher class, then confidence, then the longer span (fail closed).
  auto better = [&slots](const internal::RawFinding& a, const internal::RawFinding& b) {
    const DataClass ca = slots[a.slot].data_class, cb = slots[b.slot].data_class;
    if (ca != cb) return ca > cb;
    if (a.confidence != b.confidence) return a.confidence > b.confidence;
    return (a.end - a.begin) > (b.end - b.begin);
  };
  std::vector<const internal::RawFinding*> kept;
  for (const internal::RawFinding& f : raw) {
    if (f.end <= f.begin || f.end > text.size()) continue;
    // Drop every kept finding that `f` overlaps and beats; drop `f` if one of them beats it.
    bool lose = false;
    size_t popped = 0;
    while (kept.size() > popped && kept[kept.size() - 1 - popped]->end > f.begin) {
      const internal::RawFinding& k = *kept[kept.size() - 1 - popped];
      if (better(k, f) || !better(f, k)) {
        lose = true;
        break;
      }
      ++popped;
    }
    if (!lose) {
      kept.resize(kept.size() - popped);
      kept.push_back(&f);
    }
  }
  std::vector<Finding> out;
  out.reserve(kept.size());
  for (const internal::RawFinding* f : kept) {
    const auto& slot = slots[f->slot];
    out.push_back(
        Finding{std::string(f->type), f->begin, f->end, f->confidence, slot.id, slot.data_class});
  }
  return out;
}

std::vector<std::string> Scanner::FindingTypes() const {
  std::set<std::string> types;
  for (const auto& s : engine_->slots()) types.insert(s.types.begin(), s.types.end());
  return {types.begin(), types.end()};
}

std::vector<std::string> Scanner::DetectorIds() const {
  std::vector<std::string> ids;
  for (const auto& s : engine_->slots()) ids.push_back(s.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace gw::policies
