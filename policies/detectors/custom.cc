#include "policies/detectors/custom.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace gw::policies::internal {

namespace {
RE2::Options PatternOptions() {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(8 << 20);
  return o;
}
}  // namespace

StatusOr<std::unique_ptr<DictionaryDetector>> DictionaryDetector::Create(
    const config::DictionaryConfig& c, std::string_view where) {
  // The constructor is private (only this factory builds one), so no make_unique.
  std::unique_ptr<DictionaryDetector> d(new DictionaryDetector());  // NOLINT(modernize-make-unique)
  d->id_ = c.id;
  d->type_ = c.finding_type;
  d->case_sensitive_ = c.case_sensitive;
  auto add = [&d](std::string_view term) {
    while (!term.empty() && (term.back() == '\r' || term.back() == ' ' || term.back() == '\t')) {
      term.remove_suffix(1);
    }
    while (!term.empty() && (term.front() == ' ' || term.front() == '\t')) term.remove_prefix(1);
    if (!term.empty()) d->terms_.emplace_back(term);
  };
  for (const std::string& t : c.terms) add(t);
  if (!c.terms_file.empty()) {
    std::ifstream f(c.terms_file, std::ios::binary);
    if (!f) {
      const int err = errno;
      const std::string msg =
          absl::StrCat(std::string(where), ": dictionary '", c.id, "': ", c.terms_file,
                       ": cannot read: ", std::strerror(err));
      return err == EACCES ? absl::PermissionDeniedError(msg) : absl::NotFoundError(msg);
    }
    std::string line;
    while (std::getline(f, line)) add(line);
  }
  if (d->terms_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(where), ": dictionary '", c.id, "': no terms"));
  }
  return d;
}

std::vector<Keyword> DictionaryDetector::Keywords() const {
  std::vector<Keyword> k;
  k.reserve(terms_.size());
  for (const std::string& t : terms_) {
    Keyword kw{t};
    kw.role = Keyword::kTrigger;
    kw.case_sensitive = case_sensitive_;
    // Whole words: only where the term's own edge is a word character.
    kw.left_boundary = IsAlnum(t.front());
    kw.right_boundary = IsAlnum(t.back());
    k.push_back(std::move(kw));
  }
  return k;
}

void DictionaryDetector::OnKeyword(const ScanState& s, int slot, int keyword, size_t begin,
                                   size_t end) const {
  s.out->push_back(RawFinding{type_, begin, end, 0.9f, slot});
}

Status RegexSet::Add(const config::CustomRegexConfig& c, int slot, std::string_view where) {
  auto re = std::make_unique<RE2>(c.pattern, PatternOptions());
  if (!re->ok()) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(where), ": regex '", c.id,
                                                   "': invalid RE2 pattern: ", re->error()));
  }
  if (RE2::FullMatch("", *re)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(where), ": regex '", c.id, "': pattern matches the empty string"));
  }
  if (!set_) {
    RE2::Options so = PatternOptions();
    so.set_max_mem(64 << 20);  // the DFA cache of all patterns together
    set_ = std::make_unique<RE2::Set>(so, RE2::UNANCHORED);
  }
  std::string err;
  if (set_->Add(c.pattern, &err) < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(where), ": regex '", c.id, "': invalid RE2 pattern: ", err));
  }
  patterns_.push_back(Pattern{c.id, c.finding_type, slot});
  res_.push_back(std::move(re));
  return absl::OkStatus();
}

Status RegexSet::Compile() {
  if (set_ && !set_->Compile()) {
    return absl::InvalidArgumentError("custom regexes: the combined RE2 set exceeds its memory");
  }
  return absl::OkStatus();
}

void RegexSet::Scan(std::string_view text, std::vector<RawFinding>* out) const {
  if (patterns_.empty()) return;
  std::vector<int> matched;
  RE2::Set::ErrorInfo info{};
  if (!set_->Match(text, &matched, &info)) {
    if (info.kind == RE2::Set::kNoError) return;
    // The set's DFA ran out of memory: fail closed by running every pattern.
    matched.clear();
    for (size_t i = 0; i < patterns_.size(); ++i) matched.push_back(static_cast<int>(i));
  }
  for (int idx : matched) {
    const RE2& re = *res_[idx];
    const Pattern& p = patterns_[idx];
    size_t pos = 0;
    re2::StringPiece m;
    while (pos <= text.size() && re.Match(text, pos, text.size(), RE2::UNANCHORED, &m, 1)) {
      const size_t b = static_cast<size_t>(m.data() - text.data());
      const size_t e = b + m.size();
      if (e == b) {
        pos = b + 1;  // an empty match is not a finding
        continue;
      }
      out->push_back(RawFinding{p.type, b, e, 0.9f, p.slot});
      pos = e;
    }
  }
}

}  // namespace gw::policies::internal
