// Every annotated example in config/examples/ loads cleanly with its secrets provided.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "config/config.h"
#include "tests/config/test_util.h"

namespace gw::config {
namespace {

using testing::ScopedEnv;

std::string Example(const std::string& name) {
  return std::string(GW_CONFIG_SOURCE_DIR) + "/examples/" + name;
}

class ExamplesTest : public ::testing::Test {
 protected:
  // The secrets the examples reference as ${VAR}.
  ScopedEnv openai_{"OPENAI_API_KEY", "sk-test-openai"};
  ScopedEnv anthropic_{"ANTHROPIC_API_KEY", "sk-test-anthropic"};
  ScopedEnv azure_{"AZURE_OPENAI_API_KEY", "sk-test-azure"};
  ScopedEnv mistral_{"MISTRAL_API_KEY", "sk-test-mistral"};
  ScopedEnv audit_{"GATEWAYD_AUDIT_KEY", std::string(64, 'f')};
  ScopedEnv ci_{"GATEWAYD_CI_TOKEN", "ci-token"};
};

TEST_F(ExamplesTest, ThereAreFourAndAllLoad) {
  std::vector<std::string> names;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(GW_CONFIG_SOURCE_DIR) + "/examples")) {
    if (e.path().extension() == ".yaml") names.push_back(e.path().filename().string());
  }
  EXPECT_EQ(names.size(), 4u);
  for (const std::string& n : names) {
    StatusOr<Config> c = LoadConfigFile(Example(n));
    EXPECT_TRUE(c.ok()) << n << ": " << c.status();
  }
}

TEST_F(ExamplesTest, EuResidencyOnlyAllowsEuAdapters) {
  StatusOr<Config> c = LoadConfigFile(Example("eu_data_residency.yaml"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->policy.enabled);
  ASSERT_FALSE(c->adapters.empty());
  for (const AdapterConfig& a : c->adapters) EXPECT_EQ(a.jurisdiction, "EU") << a.name;
  bool constrained = false;
  for (const RuleConfig& r : c->policy.rules) {
    if (r.action == RuleAction::kAllowCloud || r.action == RuleAction::kRedactThenCloud) {
      ASSERT_TRUE(r.constraints.count("jurisdiction")) << r.id;
      EXPECT_EQ(r.constraints.at("jurisdiction"), std::vector<std::string>{"EU"});
      constrained = true;
    }
  }
  EXPECT_TRUE(constrained);
}

TEST_F(ExamplesTest, CostCappedHasOrgAndUserBudgets) {
  StatusOr<Config> c = LoadConfigFile(Example("cost_capped_company.yaml"));
  ASSERT_TRUE(c.ok()) << c.status();
  bool org = false;
  bool user = false;
  for (const BudgetConfig& b : c->budgets.budgets) {
    org = org || b.scope == BudgetScope::kOrg;
    user = user || (b.scope == BudgetScope::kUser && b.subject == "*");
  }
  EXPECT_TRUE(org);
  EXPECT_TRUE(user);
}

TEST_F(ExamplesTest, OsAssistantFallsBack) {
  StatusOr<Config> c = LoadConfigFile(Example("os_assistant_fallback.yaml"));
  ASSERT_TRUE(c.ok()) << c.status();
  bool has_fallback = false;
  for (const AdapterConfig& a : c->adapters) has_fallback = has_fallback || !a.fallback.empty();
  EXPECT_TRUE(has_fallback);
}

TEST_F(ExamplesTest, ComplianceCapturesEncryptedContent) {
  StatusOr<Config> c = LoadConfigFile(Example("compliance_heavy.yaml"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->audit.content_capture, ContentCapture::kEncrypted);
  EXPECT_FALSE(c->audit.local_on_failure);
  EXPECT_EQ(c->audit.retention_days, 2555);
}

}  // namespace
}  // namespace gw::config
