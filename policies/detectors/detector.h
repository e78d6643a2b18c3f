// Internal interface of the detectors run by policies::Scanner (not a public header).
//
// Scanning is organised as one Aho–Corasick pass (dictionary terms, plus every built-in
// detector's trigger prefixes and context words) and one byte pass over trigger bytes (digits,
// '@', '+', '(', ':'), where a numeric run is parsed once and offered to the numeric detectors
// in priority order. Custom regexes run as one RE2::Set. Detectors see spans, never log them.
//
// Thread-safety: detectors are immutable after construction; all hooks are const and re-entrant.
// Per-scan state lives in ScanState, owned by one Scan() call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gw::policies::internal {

// A finding before data classes are attached. `type` and `detector` point at strings owned by
// the detector (alive as long as the Scanner).
struct RawFinding {
  std::string_view type;
  size_t begin = 0;
  size_t end = 0;
  float confidence = 0;
  int slot = 0;  // index of the producing detector in the engine
};

// A keyword that a detector wants found by the shared Aho–Corasick pass.
struct Keyword {
  std::string text;
  bool case_sensitive = false;
  // kTrigger: OnKeyword() is called for each occurrence (after boundary checks).
  // kContext: the occurrence is only recorded, for HasContext() queries.
  enum Role { kTrigger, kContext } role = kContext;
  // Require a non-alphanumeric byte (or text edge) before / after the keyword.
  bool left_boundary = true;
  bool right_boundary = true;
};

// Context-word occurrences recorded during the keyword pass, sorted by position.
struct ContextHit {
  size_t begin;
  size_t end;
  int slot;     // detector slot that declared the keyword
  int keyword;  // index in that detector's Keywords()
};

// A run of digits with single separators, as parsed once by the byte pass.
struct NumericRun {
  size_t begin = 0;               // first byte ('+', '(' or a digit)
  size_t end = 0;                 // one past the last digit (extension included if present)
  size_t digits_end = 0;          // one past the last digit before any extension
  std::string digits;             // the digits only (before any extension)
  std::vector<int> groups;        // lengths of digit groups
  std::vector<size_t> group_end;  // byte offset one past each group
  std::string seps;               // separators between groups (one char per gap; ')' for ") ")
  bool plus = false;              // starts with '+'
  bool paren = false;             // contains a "(...)" group
  bool extension = false;         // "x123" / " ext 123" follows
};

struct ScanState {
  std::string_view text;
  std::vector<ContextHit> context;  // sorted by begin
  std::vector<RawFinding>* out = nullptr;

  // True if a context keyword of `slot` starts within [lo, hi] (byte offsets, clamped).
  bool HasContext(int slot, size_t lo, size_t hi) const;
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string_view id() const = 0;
  // Every finding type this detector may produce.
  virtual std::vector<std::string_view> finding_types() const = 0;

  virtual std::vector<Keyword> Keywords() const { return {}; }
  // A trigger keyword `keyword` (index in Keywords()) occurs at [begin, end).
  virtual void OnKeyword(const ScanState& s, int slot, int keyword, size_t begin,
                         size_t end) const {}

  // Numeric runs, offered in registry priority order; return true to claim the run.
  virtual bool wants_numeric() const { return false; }
  virtual bool OnNumericRun(const ScanState& s, int slot, const NumericRun& run) const {
    return false;
  }
  // '@' at `pos` (email). Returns the end of the consumed span, or pos + 1.
  virtual bool wants_at() const { return false; }
  virtual size_t OnAt(const ScanState& s, int slot, size_t pos) const { return pos + 1; }
  // ':' at `pos` or a hex run followed by ':' (IPv6). Returns the end of the consumed span.
  virtual bool wants_colon() const { return false; }
  virtual size_t OnColon(const ScanState& s, int slot, size_t pos) const { return pos + 1; }
  // Two ASCII uppercase letters followed by two digits at `pos`, at a word start (IBAN).
  virtual bool wants_country_prefix() const { return false; }
  virtual size_t OnCountryPrefix(const ScanState& s, int slot, size_t pos) const { return pos; }
};

inline bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
inline bool IsAlpha(unsigned char c) { return IsUpper(c) || IsLower(c); }
inline bool IsAlnum(unsigned char c) { return IsDigit(c) || IsAlpha(c); }
inline bool IsHex(unsigned char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

}  // namespace gw::policies::internal
