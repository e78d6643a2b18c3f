// Detector evaluation against Presidio-format labelled data (microsoft/presidio-research
// generated datasets): a JSON array of {"full_text", "spans": [{"entity_type", "start_position",
// "end_position", ...}], ...}, offsets in Unicode code points, end-exclusive.
//
// Our finding types map to Presidio entities through one table (kEntityMap in the .cc,
// documented in docs/policy.md). A predicted span of a mapped type is a true positive when it
// overlaps a not-yet-matched gold span of the same entity; other predictions are false
// positives; unmatched gold spans are false negatives. Entities we do not cover are ignored.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "policies/scan.h"

namespace gw::policies::eval {

struct GoldSpan {
  std::string entity;  // Presidio entity type, e.g. "CREDIT_CARD"
  int64_t begin = 0;   // code points
  int64_t end = 0;
};

struct Sample {
  std::string text;  // UTF-8
  std::vector<GoldSpan> spans;
};

// Parses the dataset. INVALID_ARGUMENT with "record <i>: <what>" for: not JSON, not an array,
// a record that is not an object, a missing/non-string full_text, missing/non-array spans, a span
// without a string entity_type or integer positions, positions outside the text or inverted.
StatusOr<std::vector<Sample>> ParsePresidioJson(std::string_view json);

// The Presidio entity of a finding type, or "" when the type is not evaluated.
std::string_view PresidioEntity(std::string_view finding_type);
// Every Presidio entity our detectors cover, sorted.
std::vector<std::string> CoveredEntities();

struct Score {
  int64_t tp = 0, fp = 0, fn = 0;
  int64_t support() const { return tp + fn; }
  double precision() const { return tp + fp == 0 ? 0.0 : double(tp) / double(tp + fp); }
  double recall() const { return tp + fn == 0 ? 0.0 : double(tp) / double(tp + fn); }
  double f1() const {
    const double p = precision(), r = recall();
    return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
  }
};

struct Report {
  std::map<std::string, Score> entities;  // covered entities with support or predictions
  Score micro;                            // summed over those entities
};

Report Evaluate(const Scanner& scanner, const std::vector<Sample>& samples);

// {"entities": {TYPE: {"precision", "recall", "f1", "support"}}, "micro": {...}}
std::string ReportToJson(const Report& r);
// A fixed-width table for people.
std::string ReportToText(const Report& r);

}  // namespace gw::policies::eval
