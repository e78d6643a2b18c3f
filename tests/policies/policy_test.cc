#include "policies/policy.h"

#include <gtest/gtest.h>

namespace gw::policies {
namespace {

using config::RuleAction;

config::AdapterConfig Adapter(std::string name, std::string region, std::string jurisdiction,
                              bool zdr = false) {
  config::AdapterConfig a;
  a.name = std::move(name);
  a.type = "openai";
  a.region = std::move(region);
  a.jurisdiction = std::move(jurisdiction);
  a.zero_data_retention = zdr;
  return a;
}

std::vector<config::AdapterConfig> Adapters() {
  return {Adapter("openai-us", "us-east-1", "US"), Adapter("azure-eu", "eu-west-1", "EU", true),
          Adapter("mistral-eu", "eu-central-1", "EU")};
}

config::RuleConfig Rule(std::string id, RuleAction action, int line) {
  config::RuleConfig r;
  r.id = std::move(id);
  r.action = action;
  r.line = line;
  return r;
}

config::PolicyConfig Policy() {
  config::PolicyConfig p;
  p.enabled = true;
  auto deny = Rule("no-secrets", RuleAction::kDeny, 10);
  deny.match.finding_types = {"AWS_ACCESS_KEY", "PRIVATE_KEY"};
  auto restricted = Rule("restricted-local", RuleAction::kLocalOnly, 12);
  restricted.match.data_class_min = "restricted";
  auto eu = Rule("confidential-eu", RuleAction::kRedactThenCloud, 14);
  eu.match.data_class_min = "confidential";
  eu.constraints = {{"region", {"eu-*"}}};
  eu.require_consent = true;
  auto admins = Rule("admins-big", RuleAction::kAllowCloud, 20);
  admins.match.groups = {"ml-*"};
  admins.match.prompt_bytes_min = 1000;
  admins.adapters = {"openai-us", "azure-eu"};
  auto complex = Rule("complex-coding", RuleAction::kAllowCloud, 24);
  complex.match.categories = {"coding", "math_reasoning"};
  complex.match.complexity_min = 0.5;
  complex.match.apps = {"ide.*"};
  complex.constraints = {{"zero_data_retention", {"true"}}};
  auto bob = Rule("bob", RuleAction::kAllowCloud, 28);
  bob.match.principals = {"bob"};
  bob.match.complexity_max = 0.2;
  bob.match.data_class_max = "internal";
  p.rules = {
      deny, restricted, eu, admins, complex, bob, Rule("default", RuleAction::kLocalOnly, 30)};
  return p;
}

std::unique_ptr<PolicyEngine> Engine() {
  auto e = PolicyEngine::Create(Policy(), Adapters(), "gw.yaml");
  EXPECT_TRUE(e.ok()) << e.status();
  return std::move(*e);
}

TEST(PolicyEngine, FirstMatchTable) {
  auto e = Engine();
  const DataClassSet& c = e->classes();
  auto cls = [&c](const char* n) { return *c.Find(n); };
  struct Case {
    const char* name;
    RequestFacts facts;
    std::string rule;
    RuleAction action;
    std::vector<std::string> adapters;
    bool consent;
  };
  RequestFacts base;
  base.principal = "alice";
  base.groups = {"staff"};
  base.app = "chat";
  base.category = "summarization";
  base.data_class = cls("public");
  base.prompt_bytes = 100;
  auto with = [&base](auto f) {
    RequestFacts r = base;
    f(r);
    return r;
  };
  const std::vector<Case> cases = {
      {"plain", base, "default", RuleAction::kLocalOnly, {}, false},
      {"secret finding denies",
       with([&](RequestFacts& r) {
         r.finding_types = {"EMAIL", "AWS_ACCESS_KEY"};
         r.data_class = cls("restricted");
       }),
       "no-secrets",
       RuleAction::kDeny,
       {},
       false},
      {"restricted stays local",
       with([&](RequestFacts& r) { r.data_class = cls("restricted"); }),
       "restricted-local",
       RuleAction::kLocalOnly,
       {},
       false},
      {"confidential goes to EU redacted",
       with([&](RequestFacts& r) { r.data_class = cls("confidential"); }),
       "confidential-eu",
       RuleAction::kRedactThenCloud,
       {"azure-eu", "mistral-eu"},
       true},
      {"group glob and size",
       with([](RequestFacts& r) {
         r.groups = {"staff", "ml-research"};
         r.prompt_bytes = 5000;
       }),
       "admins-big",
       RuleAction::kAllowCloud,
       {"openai-us", "azure-eu"},
       false},
      {"group glob but small prompt",
       with([](RequestFacts& r) { r.groups = {"ml-research"}; }),
       "default",
       RuleAction::kLocalOnly,
       {},
       false},
      {"complex coding from the IDE to zero-retention adapters",
       with([](RequestFacts& r) {
         r.category = "coding";
         r.complexity = 0.5;
         r.app = "ide.vscode";
       }),
       "complex-coding",
       RuleAction::kAllowCloud,
       {"azure-eu"},
       false},
      {"complexity below min",
       with([](RequestFacts& r) {
         r.category = "coding";
         r.complexity = 0.49;
         r.app = "ide.vscode";
       }),
       "default",
       RuleAction::kLocalOnly,
       {},
       false},
      {"bob, simple, internal",
       with([&](RequestFacts& r) {
         r.principal = "bob";
         r.complexity = 0.1;
         r.data_class = cls("internal");
       }),
       "bob",
       RuleAction::kAllowCloud,
       {"openai-us", "azure-eu", "mistral-eu"},
       false},
      {"bob at the exclusive complexity bound",
       with([](RequestFacts& r) {
         r.principal = "bob";
         r.complexity = 0.2;
       }),
       "default",
       RuleAction::kLocalOnly,
       {},
       false},
  };
  for (const Case& tc : cases) {
    const Decision d = e->Evaluate(tc.facts);
    EXPECT_EQ(d.rule_id, tc.rule) << tc.name;
    EXPECT_EQ(d.action, tc.action) << tc.name;
    EXPECT_EQ(d.adapters, tc.adapters) << tc.name;
    EXPECT_EQ(d.require_consent, tc.consent) << tc.name;
    EXPECT_FALSE(d.reasons.empty()) << tc.name;
  }
}

TEST(PolicyEngine, ReasonsSayWhy) {
  auto e = Engine();
  RequestFacts f;
  f.principal = "alice";
  f.data_class = *e->classes().Find("confidential");
  const Decision d = e->Evaluate(f);
  ASSERT_EQ(d.reasons.size(), 3u);
  EXPECT_EQ(d.reasons[0],
            "rule 'confidential-eu' (line 14) matched: data class confidential >= confidential "
            "-> redact_then_cloud + require_consent");
  EXPECT_EQ(d.reasons[1], "adapters allowed: [azure-eu, mistral-eu]");
  EXPECT_EQ(d.reasons[2], "adapter 'openai-us' excluded: region 'us-east-1' not in [eu-*]");
}

TEST(PolicyEngine, DisabledPolicyIsLocalOnly) {
  auto p = Policy();
  p.enabled = false;
  auto e = PolicyEngine::Create(p, Adapters());
  ASSERT_TRUE(e.ok());
  RequestFacts f;
  const Decision d = (*e)->Evaluate(f);
  EXPECT_EQ(d.action, RuleAction::kLocalOnly);
  EXPECT_TRUE(d.adapters.empty());
}

TEST(PolicyEngine, ValidationErrors) {
  struct Case {
    std::function<void(config::PolicyConfig&, std::vector<config::AdapterConfig>&)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {[](auto& p, auto&) { p.rules.clear(); },
       "gw.yaml: policy.rules: a default rule (empty match) is mandatory"},
      {[](auto& p, auto&) { p.rules.pop_back(); },
       "gw.yaml:28: rule 'bob': the last rule must match everything (empty match: the default "
       "rule)"},
      {[](auto& p, auto&) { p.rules[1].id = "no-secrets"; },
       "gw.yaml:12: rule 'no-secrets': duplicate rule id"},
      {[](auto& p, auto&) { p.rules[3].adapters = {"nope"}; },
       "gw.yaml:20: rule 'admins-big': adapters: unknown adapter 'nope'"},
      {[](auto& p, auto&) { p.rules[1].match.data_class_min = "secret"; },
       "gw.yaml:12: rule 'restricted-local': match.data_class_min: unknown data class 'secret'"},
      {[](auto& p, auto&) { p.rules[0].match.finding_types = {"PASSPORT"}; },
       "gw.yaml:10: rule 'no-secrets': match.finding_types: no configured detector produces "
       "'PASSPORT'"},
      {[](auto& p, auto&) {
         p.rules[2].constraints = {{"colour", {"blue"}}};
       },
       "gw.yaml:14: rule 'confidential-eu': constraints: unknown adapter attribute 'colour'"},
      {[](auto& p, auto&) {
         p.rules[2].constraints = {{"region", {"ap-*"}}};
       },
       "gw.yaml:14: rule 'confidential-eu': redact_then_cloud: no configured adapter satisfies "
       "the rule's adapters and constraints"},
      {[](auto& p, auto&) { p.rules[0].require_consent = true; },
       "gw.yaml:10: rule 'no-secrets': require_consent only combines with allow_cloud or "
       "redact_then_cloud"},
      {[](auto& p, auto&) { p.rules[1].adapters = {"azure-eu"}; },
       "gw.yaml:12: rule 'restricted-local': local_only cannot name adapters or constraints"},
      {[](auto& p, auto&) { p.rules[4].match.complexity_max = 0.5; },
       "gw.yaml:24: rule 'complex-coding': match: complexity_min must be below complexity_max"},
      {[](auto&, auto& a) { a.push_back(a[0]); },
       "gw.yaml:0: adapters: duplicate adapter 'openai-us'"},
      {[](auto& p, auto&) { p.detectors.builtin = {"emial"}; },
       "gw.yaml: policy.detectors.builtin: unknown detector 'emial'"},
  };
  for (const Case& c : cases) {
    auto p = Policy();
    auto a = Adapters();
    c.mutate(p, a);
    auto e = PolicyEngine::Create(p, a, "gw.yaml");
    ASSERT_FALSE(e.ok()) << c.message;
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(e.status().message(), c.message);
  }
}

TEST(Glob, Matches) {
  EXPECT_TRUE(GlobMatch("eu-*", "eu-west-1"));
  EXPECT_FALSE(GlobMatch("eu-*", "us-east-1"));
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_FALSE(GlobMatch("a?c", "ac"));
  EXPECT_TRUE(GlobMatch("*-1", "eu-west-1"));
  EXPECT_TRUE(GlobMatch("a*b*c", "axxbyyc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "axxbyy"));
}

}  // namespace
}  // namespace gw::policies
