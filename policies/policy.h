// Rules and residency: the ordered rules of config::PolicyConfig decide, for the facts of one
// request, whether and where its prompt may leave the device.
//
// Evaluation is first-match over the rules in config order; the last rule must match
// everything (the default rule). A rule's adapters are narrowed by its attribute constraints,
// e.g. {"region": ["eu-*"]}: every constrained attribute of an adapter must match one of the
// globs ('*' any run, '?' one byte; case-sensitive). Attributes: name, type, provider, region,
// jurisdiction, retention_days (decimal), zero_data_retention ("true"/"false").
// A disabled policy (enabled: false) decides local_only for every request (fail closed).
//
// Thread-safety: PolicyEngine is immutable after Create(); Evaluate() is thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "policies/scan.h"

namespace gw::policies {

// What the pipeline knows about a request when the policy stage runs.
struct RequestFacts {
  std::string principal;                   // authenticated principal name
  std::vector<std::string> groups;         // the principal's groups
  std::string app;                         // calling app id
  std::string category;                    // task category from the classifier
  double complexity = 0;                   // classifier probability that the prompt is complex
  DataClass data_class;                    // from RequestClass()
  std::vector<std::string> finding_types;  // types of the scan's findings (duplicates allowed)
  int64_t prompt_bytes = 0;                // bytes of all message contents
};

struct Decision {
  std::string rule_id;  // the rule that fired ("" only when policy disabled)
  int rule_line = 0;    // its line in the config file (0 if unknown)
  config::RuleAction action = config::RuleAction::kLocalOnly;
  bool require_consent = false;       // the escalation needs a valid consent grant
  bool redact_reversible = true;      // for kRedactThenCloud: restore placeholders
  std::vector<std::string> adapters;  // allowed adapters, in config order; empty for
                                      // local_only/deny (and = no egress)
  std::vector<std::string> reasons;   // human-readable; never contains prompt text
};

// "local_only", "allow_cloud", "redact_then_cloud", "deny".
std::string_view RuleActionName(config::RuleAction a);

class PolicyEngine {
 public:
  // Validates and compiles `policy` and `adapters` (adapters are copied; api keys are not
  // kept). INVALID_ARGUMENT with "<source>:<line>: rule '<id>': ..." when: there are no rules;
  // the last rule does not match everything; two rules share an id; a rule names an unknown
  // adapter, data class, finding type (one no configured detector produces) or constraint
  // attribute; an allow_cloud / redact_then_cloud rule is left with no adapter; a deny or
  // local_only rule asks for consent; complexity or size bounds are inverted. Scanner errors
  // (see Scanner::Create) are returned as they are. The engine owns its Scanner.
  static StatusOr<std::unique_ptr<PolicyEngine>> Create(
      const config::PolicyConfig& policy, const std::vector<config::AdapterConfig>& adapters,
      std::string_view source_name = "");
  ~PolicyEngine();

  // The decision for `facts` (first matching rule). Never fails: the default rule always
  // matches. `facts.data_class` must come from classes().
  Decision Evaluate(const RequestFacts& facts) const;

  const Scanner& scanner() const { return *scanner_; }
  const DataClassSet& classes() const { return scanner_->classes(); }
  bool enabled() const { return enabled_; }

 private:
  struct CompiledRule;
  struct AdapterAttrs;
  PolicyEngine() = default;

  bool enabled_ = false;
  std::unique_ptr<Scanner> scanner_;
  std::vector<CompiledRule> rules_;
  std::vector<AdapterAttrs> adapters_;
};

// Glob match: '*' matches any run of bytes (including none), '?' exactly one byte.
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace gw::policies
