#include "policies/policy.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gw::policies {

struct PolicyEngine::CompiledRule {
  config::RuleConfig cfg;
  std::optional<DataClass> class_min, class_max;
  std::vector<size_t> adapters;  // indexes into adapters_, after constraints
  std::vector<std::string> adapter_reasons;
};

struct PolicyEngine::AdapterAttrs {
  std::string name;
  std::map<std::string, std::string> attrs;
};

std::string_view RuleActionName(config::RuleAction a) {
  switch (a) {
    case config::RuleAction::kLocalOnly:
      return "local_only";
    case config::RuleAction::kAllowCloud:
      return "allow_cloud";
    case config::RuleAction::kRedactThenCloud:
      return "redact_then_cloud";
    case config::RuleAction::kDeny:
      return "deny";
  }
  return "unknown";
}

bool GlobMatch(std::string_view p, std::string_view t) {
  // Iterative wildcard matching with single backtrack point: O(|p| * |t|) worst case.
  size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

namespace {

const char* const kAttributes[] = {"name",         "type",           "provider",           "region",
                                   "jurisdiction", "retention_days", "zero_data_retention"};

bool IsDefaultMatch(const config::RuleMatch& m) {
  return m.principals.empty() && m.groups.empty() && m.apps.empty() && m.categories.empty() &&
         !m.complexity_min && !m.complexity_max && !m.data_class_min && !m.data_class_max &&
         m.finding_types.empty() && !m.prompt_bytes_min && !m.prompt_bytes_max;
}

bool AnyGlob(const std::vector<std::string>& patterns, std::string_view v) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [v](const std::string& p) { return GlobMatch(p, v); });
}

std::string List(const std::vector<std::string>& v) { return "[" + absl::StrJoin(v, ", ") + "]"; }

}  // namespace

PolicyEngine::~PolicyEngine() = default;

StatusOr<std::unique_ptr<PolicyEngine>> PolicyEngine::Create(
    const config::PolicyConfig& policy, const std::vector<config::AdapterConfig>& adapters,
    std::string_view source_name) {
  const std::string src = source_name.empty() ? "<config>" : std::string(source_name);
  GW_ASSIGN_OR_RETURN(DataClassSet classes,
                      DataClassSet::Create(policy.data_classes, policy.default_class));
  auto engine = std::unique_ptr<PolicyEngine>(new PolicyEngine());
  engine->enabled_ = policy.enabled;
  GW_ASSIGN_OR_RETURN(engine->scanner_, Scanner::Create(policy.detectors, classes, source_name));
  const std::vector<std::string> types = engine->scanner_->FindingTypes();

  std::set<std::string> adapter_names;
  for (const config::AdapterConfig& a : adapters) {
    if (!adapter_names.insert(a.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(src, ":", a.line, ": adapters: duplicate adapter '", a.name, "'"));
    }
    AdapterAttrs attrs;
    attrs.name = a.name;
    attrs.attrs = {{"name", a.name},
                   {"type", a.type},
                   {"provider", a.provider.empty() ? a.type : a.provider},
                   {"region", a.region},
                   {"jurisdiction", a.jurisdiction},
                   {"retention_days", std::to_string(a.retention_days)},
                   {"zero_data_retention", a.zero_data_retention ? "true" : "false"}};
    engine->adapters_.push_back(std::move(attrs));
  }

  if (policy.rules.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(src, ": policy.rules: a default rule (empty match) is mandatory"));
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < policy.rules.size(); ++i) {
    const config::RuleConfig& r = policy.rules[i];
    const std::string where = absl::StrCat(src, ":", r.line, ": rule '", r.id, "': ");
    auto err = [&where](auto&&... parts) {
      return absl::InvalidArgumentError(absl::StrCat(where, parts...));
    };
    if (r.id.empty()) return err("rule id is required");
    if (!ids.insert(r.id).second) return err("duplicate rule id");
    const config::RuleMatch& m = r.match;
    CompiledRule cr;
    cr.cfg = r;
    if (m.data_class_min) {
      auto c = classes.Find(*m.data_class_min);
      if (!c.ok()) return err("match.data_class_min: unknown data class '", *m.data_class_min, "'");
      cr.class_min = *c;
    }
    if (m.data_class_max) {
      auto c = classes.Find(*m.data_class_max);
      if (!c.ok()) return err("match.data_class_max: unknown data class '", *m.data_class_max, "'");
      cr.class_max = *c;
    }
    if (cr.class_min && cr.class_max && *cr.class_min > *cr.class_max) {
      return err("match: data_class_min is above data_class_max");
    }
    if (m.complexity_min && m.complexity_max && *m.complexity_min >= *m.complexity_max) {
      return err("match: complexity_min must be below complexity_max");
    }
    if (m.prompt_bytes_min && m.prompt_bytes_max && *m.prompt_bytes_min > *m.prompt_bytes_max) {
      return err("match: prompt_bytes_min is above prompt_bytes_max");
    }
    for (const std::string& t : m.finding_types) {
      if (!std::binary_search(types.begin(), types.end(), t)) {
        return err("match.finding_types: no configured detector produces '", t, "'");
      }
    }
    for (const std::string& a : r.adapters) {
      if (adapter_names.count(a) == 0) return err("adapters: unknown adapter '", a, "'");
    }
    for (const auto& [attr, globs] : r.constraints) {
      if (std::find(std::begin(kAttributes), std::end(kAttributes), attr) ==
          std::end(kAttributes)) {
        return err("constraints: unknown adapter attribute '", attr, "'");
      }
      if (globs.empty()) return err("constraints.", attr, ": empty list");
    }
    const bool cloud = r.action == config::RuleAction::kAllowCloud ||
                       r.action == config::RuleAction::kRedactThenCloud;
    if (!cloud && (!r.adapters.empty() || !r.constraints.empty())) {
      return err(std::string(RuleActionName(r.action)), " cannot name adapters or constraints");
    }
    if (!cloud && r.require_consent) {
      return err("require_consent only combines with allow_cloud or redact_then_cloud");
    }
    if (cloud) {
      for (size_t ai = 0; ai < engine->adapters_.size(); ++ai) {
        const AdapterAttrs& a = engine->adapters_[ai];
        if (!r.adapters.empty() &&
            std::find(r.adapters.begin(), r.adapters.end(), a.name) == r.adapters.end()) {
          continue;
        }
        bool ok = true;
        for (const auto& [attr, globs] : r.constraints) {
          const std::string& v = a.attrs.at(attr);
          if (!AnyGlob(globs, v)) {
            cr.adapter_reasons.push_back(absl::StrCat("adapter '", a.name, "' excluded: ", attr,
                                                      " '", v, "' not in ", List(globs)));
            ok = false;
            break;
          }
        }
        if (ok) cr.adapters.push_back(ai);
      }
      if (cr.adapters.empty()) {
        return err(std::string(RuleActionName(r.action)),
                   ": no configured adapter satisfies the rule's adapters and constraints");
      }
    }
    engine->rules_.push_back(std::move(cr));
  }
  const config::RuleConfig& last = policy.rules.back();
  if (!IsDefaultMatch(last.match)) {
    return absl::InvalidArgumentError(
        absl::StrCat(src, ":", last.line, ": rule '", last.id,
                     "': the last rule must match everything (empty match: the default rule)"));
  }
  return engine;
}

Decision PolicyEngine::Evaluate(const RequestFacts& f) const {
  Decision d;
  if (!enabled_) {
    d.action = config::RuleAction::kLocalOnly;
    d.reasons.push_back("policy disabled: every request stays local");
    return d;
  }
  const DataClassSet& cls = classes();
  for (const CompiledRule& cr : rules_) {
    const config::RuleMatch& m = cr.cfg.match;
    std::vector<std::string> why;
    if (!m.principals.empty()) {
      if (!AnyGlob(m.principals, f.principal)) continue;
      why.push_back(absl::StrCat("principal '", f.principal, "' in ", List(m.principals)));
    }
    if (!m.groups.empty()) {
      auto it = std::find_if(f.groups.begin(), f.groups.end(),
                             [&m](const std::string& g) { return AnyGlob(m.groups, g); });
      if (it == f.groups.end()) continue;
      why.push_back(absl::StrCat("group '", *it, "' in ", List(m.groups)));
    }
    if (!m.apps.empty()) {
      if (!AnyGlob(m.apps, f.app)) continue;
      why.push_back(absl::StrCat("app '", f.app, "' in ", List(m.apps)));
    }
    if (!m.categories.empty()) {
      if (std::find(m.categories.begin(), m.categories.end(), f.category) == m.categories.end()) {
        continue;
      }
      why.push_back(absl::StrCat("category '", f.category, "' in ", List(m.categories)));
    }
    if (m.complexity_min) {
      if (!(f.complexity >= *m.complexity_min)) continue;
      why.push_back(absl::StrCat("complexity ", f.complexity, " >= ", *m.complexity_min));
    }
    if (m.complexity_max) {
      if (!(f.complexity < *m.complexity_max)) continue;
      why.push_back(absl::StrCat("complexity ", f.complexity, " < ", *m.complexity_max));
    }
    if (cr.class_min) {
      if (f.data_class < *cr.class_min) continue;
      why.push_back(
          absl::StrCat("data class ", cls.Name(f.data_class), " >= ", cls.Name(*cr.class_min)));
    }
    if (cr.class_max) {
      if (f.data_class > *cr.class_max) continue;
      why.push_back(
          absl::StrCat("data class ", cls.Name(f.data_class), " <= ", cls.Name(*cr.class_max)));
    }
    if (!m.finding_types.empty()) {
      auto it =
          std::find_if(f.finding_types.begin(), f.finding_types.end(), [&m](const std::string& t) {
            return std::find(m.finding_types.begin(), m.finding_types.end(), t) !=
                   m.finding_types.end();
          });
      if (it == f.finding_types.end()) continue;
      why.push_back(absl::StrCat("finding type ", *it, " in ", List(m.finding_types)));
    }
    if (m.prompt_bytes_min) {
      if (f.prompt_bytes < *m.prompt_bytes_min) continue;
      why.push_back(absl::StrCat("prompt ", f.prompt_bytes, " bytes >= ", *m.prompt_bytes_min));
    }
    if (m.prompt_bytes_max) {
      if (f.prompt_bytes > *m.prompt_bytes_max) continue;
      why.push_back(absl::StrCat("prompt ", f.prompt_bytes, " bytes <= ", *m.prompt_bytes_max));
    }
    d.rule_id = cr.cfg.id;
    d.rule_line = cr.cfg.line;
    d.action = cr.cfg.action;
    d.require_consent = cr.cfg.require_consent;
    d.redact_reversible = cr.cfg.redact_reversible;
    std::string head = absl::StrCat("rule '", cr.cfg.id, "'");
    if (cr.cfg.line > 0) absl::StrAppend(&head, " (line ", cr.cfg.line, ")");
    absl::StrAppend(&head, why.empty() ? " matched (default rule)" : " matched: ",
                    absl::StrJoin(why, "; "), " -> ", std::string(RuleActionName(cr.cfg.action)),
                    cr.cfg.require_consent ? " + require_consent" : "");
    d.reasons.push_back(std::move(head));
    for (size_t ai : cr.adapters) d.adapters.push_back(adapters_[ai].name);
    if (!d.adapters.empty()) {
      d.reasons.push_back(absl::StrCat("adapters allowed: ", List(d.adapters)));
    }
    d.reasons.insert(d.reasons.end(), cr.adapter_reasons.begin(), cr.adapter_reasons.end());
    return d;
  }
  // Unreachable by construction (the default rule matches everything); fail closed anyway.
  d.action = config::RuleAction::kLocalOnly;
  d.reasons.push_back("no rule matched: local only");
  return d;
}

}  // namespace gw::policies
