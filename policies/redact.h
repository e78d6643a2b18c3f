// Redaction before egress: findings are replaced by typed placeholders ("<EMAIL_1>",
// "<CARD_2>") that are consistent within a conversation (the same value always gets the same
// placeholder), and restored in the provider's streamed answer, including a placeholder split
// across chunks. Or masked irreversibly ("<EMAIL>"), keeping no mapping at all.
//
// The mapping (placeholder -> original value) lives only in this process's memory: it is never
// logged, serialised or returned except through Restore(); it is wiped (OPENSSL_cleanse) when the
// Redactor is destroyed. A placeholder is "<" + type + "_" + n + ">", where type is the finding
// type upper-cased with every byte outside [A-Z0-9_] replaced by '_' (at most 40 bytes).
//
// Thread-safety: Redactor is thread-safe (one mutex). A StreamRestorer serves one stream and is
// not thread-safe; it borrows its Redactor, which must outlive it.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/status.h"
#include "policies/scan.h"

namespace gw::policies {

enum class RedactionMode {
  kReversible,  // "<TYPE_n>", restorable
  kMask,        // "<TYPE>", nothing kept
};

// One conversation's redaction state.
class Redactor {
 public:
  explicit Redactor(RedactionMode mode) : mode_(mode) {}
  ~Redactor();
  Redactor(const Redactor&) = delete;
  Redactor& operator=(const Redactor&) = delete;

  // `text` with every finding's byte span replaced by its placeholder. `findings` must be sorted
  // by begin, non-overlapping and inside `text` (as Scanner::Scan returns them); otherwise
  // INVALID_ARGUMENT and nothing is recorded.
  StatusOr<std::string> Redact(std::string_view text, const std::vector<Finding>& findings);

  // `text` with every known placeholder replaced by its value (unknown ones left as they are).
  // In kMask mode returns `text` unchanged.
  std::string Restore(std::string_view text) const;

  RedactionMode mode() const { return mode_; }
  // Number of distinct values recorded (0 in kMask mode).
  size_t size() const;

  // Longest possible placeholder, in bytes.
  static constexpr size_t kMaxPlaceholderBytes = 1 + 40 + 1 + 20 + 1;

 private:
  friend class StreamRestorer;
  // Copies the value of `placeholder` into `value`; false when unknown. Takes mu_.
  bool Lookup(std::string_view placeholder, std::string* value) const;

  const RedactionMode mode_;
  mutable absl::Mutex mu_;
  std::map<std::string, std::string, std::less<>> by_placeholder_ ABSL_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, std::string> by_value_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int> counters_ ABSL_GUARDED_BY(mu_);
};

// Restores placeholders in a stream of chunks. Bytes that could be the start of a placeholder
// are held back until the next chunk decides (at most Redactor::kMaxPlaceholderBytes).
class StreamRestorer {
 public:
  explicit StreamRestorer(const Redactor& redactor) : redactor_(redactor) {}
  ~StreamRestorer();
  // The restored text that can be released after `chunk`.
  std::string Feed(std::string_view chunk);
  // Everything still held back (call once at the end of the stream).
  std::string Finish();

 private:
  std::string Drain(bool final);
  const Redactor& redactor_;
  std::string pending_;
};

}  // namespace gw::policies
