// Administrator-defined detectors: keyword dictionaries (terms go into the shared Aho–Corasick
// pass) and custom RE2 regexes (one RE2::Set pass, then per-pattern RE2 for spans only where
// the set matched). Immutable after Create(); thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "policies/detectors/detector.h"
#include "re2/re2.h"
#include "re2/set.h"

namespace gw::policies::internal {

class DictionaryDetector final : public Detector {
 public:
  // Reads terms_file when set. INVALID_ARGUMENT when there are no terms; NOT_FOUND /
  // PERMISSION_DENIED when the file cannot be read.
  static StatusOr<std::unique_ptr<DictionaryDetector>> Create(const config::DictionaryConfig& c,
                                                              std::string_view where);
  std::string_view id() const override { return id_; }
  std::vector<std::string_view> finding_types() const override { return {type_}; }
  std::vector<Keyword> Keywords() const override;
  void OnKeyword(const ScanState& s, int slot, int keyword, size_t begin,
                 size_t end) const override;

 private:
  std::string id_, type_;
  bool case_sensitive_ = false;
  std::vector<std::string> terms_;
};

// All custom regexes of a config, matched together.
class RegexSet {
 public:
  struct Pattern {
    std::string id;
    std::string type;
    int slot;
  };
  // INVALID_ARGUMENT "<where>: regex '<id>': invalid RE2 pattern: <RE2 error>" on a bad pattern.
  Status Add(const config::CustomRegexConfig& c, int slot, std::string_view where);
  Status Compile();
  bool empty() const { return patterns_.empty(); }
  // Appends every non-empty, non-overlapping leftmost-first match of every pattern.
  void Scan(std::string_view text, std::vector<RawFinding>* out) const;
  const std::vector<Pattern>& patterns() const { return patterns_; }

 private:
  std::vector<Pattern> patterns_;
  std::vector<std::unique_ptr<RE2>> res_;
  std::unique_ptr<RE2::Set> set_;
};

}  // namespace gw::policies::internal
