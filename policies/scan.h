// Data scanning: detectors produce findings over a prompt; data classes order their sensitivity.
//
// A Scanner runs, in one construction from `config::DetectorsConfig`, the built-in detectors
// (personal data and secrets, each with a validator: Luhn + IIN ranges, IBAN ISO 13616 mod-97,
// SSA SSN ranges, inet_pton, RFC 7519 JWT header, RFC 7468 PEM labels, Shannon entropy),
// administrator regexes (RE2 syntax, linear time) and keyword dictionaries (Aho–Corasick,
// Aho & Corasick 1975). Findings carry byte spans; the matched text is never copied into a
// Finding, a Status message or a log line.
//
// The built-in detector ids, their finding types and validators are listed in docs/policy.md
// and in policies/detectors/registry.cc.
#pragma once

#include <compare>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"

namespace gw::policies {

// A sensitivity level, as its rank in a DataClassSet (0 = lowest). Value type.
class DataClass {
 public:
  constexpr DataClass() = default;
  constexpr explicit DataClass(int rank) : rank_(rank) {}
  constexpr int rank() const { return rank_; }
  constexpr auto operator<=>(const DataClass&) const = default;

 private:
  int rank_ = 0;
};

// The ordered data classes of a config, e.g. public < internal < confidential < restricted.
// Immutable after construction; thread-safe.
class DataClassSet {
 public:
  // `names` in ascending order of sensitivity; `default_class` is the class of a request with
  // no findings and no labels. INVALID_ARGUMENT if `names` is empty, has an empty or duplicate
  // name, or does not contain `default_class`.
  static StatusOr<DataClassSet> Create(const std::vector<std::string>& names,
                                       std::string_view default_class);

  // The class named `name`; INVALID_ARGUMENT "unknown data class '<name>'" otherwise.
  StatusOr<DataClass> Find(std::string_view name) const;
  // The name of `c` (which must come from this set).
  const std::string& Name(DataClass c) const;
  DataClass Highest() const { return DataClass(static_cast<int>(names_.size()) - 1); }
  DataClass Default() const { return default_; }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  DataClass default_;
};

// One detected item. Offsets are bytes into the scanned text, [begin, end).
struct Finding {
  std::string type;      // finding type, e.g. "EMAIL", "CARD", "AWS_ACCESS_KEY", "PROJECT_CODE"
  size_t begin = 0;      // byte offset of the first byte
  size_t end = 0;        // byte offset one past the last byte
  float confidence = 0;  // 0..1, fixed per detector and validation strength
  std::string detector;  // detector id, e.g. "credit_card" or a custom regex/dictionary id
  DataClass data_class;  // class that this finding gives the request
};

namespace internal {
class ScanEngine;
}  // namespace internal

// Runs every configured detector over a text.
// Immutable after Create(); Scan() is thread-safe and may run concurrently on many threads.
class Scanner {
 public:
  // Builds the detectors. INVALID_ARGUMENT (the message names "<source>:<line>" where the
  // config records a line, and the offending id) when: a built-in id is unknown; a
  // builtin_classes key is not a built-in id; a class name is not in `classes`; a regex is not
  // valid RE2 or has an empty id/finding_type; a dictionary has no terms or a duplicate id.
  // NOT_FOUND / PERMISSION_DENIED when a dictionary terms_file cannot be read.
  // Built-ins without an entry in builtin_classes get their documented default class (see
  // docs/policy.md) when that name is configured, else the highest class (fail closed).
  static StatusOr<std::unique_ptr<Scanner>> Create(const config::DetectorsConfig& config,
                                                   const DataClassSet& classes,
                                                   std::string_view source_name = "");
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // All findings in `text` (any bytes; invalid UTF-8 is scanned as bytes), sorted by begin,
  // non-overlapping: where detectors overlap, the finding with the higher data class wins, then
  // the higher confidence, then the longer span. Cost is linear in text size.
  std::vector<Finding> Scan(std::string_view text) const;

  // Every finding type this scanner can produce (built-in and custom), sorted.
  std::vector<std::string> FindingTypes() const;
  // Ids of every enabled detector (built-in and custom), sorted.
  std::vector<std::string> DetectorIds() const;
  const DataClassSet& classes() const { return classes_; }

 private:
  Scanner(DataClassSet classes, std::unique_ptr<internal::ScanEngine> engine);
  DataClassSet classes_;
  std::unique_ptr<internal::ScanEngine> engine_;
};

// The class of a request: the maximum of `classes.Default()`, every finding's class and every
// label the caller declared (labels can raise the class, never lower it).
// INVALID_ARGUMENT "unknown data class label '<name>'" for a label not in `classes`.
StatusOr<DataClass> RequestClass(const DataClassSet& classes, const std::vector<Finding>& findings,
                                 const std::vector<std::string>& declared_labels);

// The built-in detector ids, in registry order ("email", "phone", ...).
std::vector<std::string> BuiltinDetectorIds();

}  // namespace gw::policies
