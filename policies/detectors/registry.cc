#include "policies/detectors/registry.h"

namespace gw::policies::internal {

const std::vector<BuiltinInfo>& Builtins() {
  // Order matters for numeric runs: the first detector that claims a run wins
  // (an IPv4 address or a date is never also a phone number).
  static const auto* const kBuiltins = new std::vector<BuiltinInfo>{
      {"email", "confidential", &NewEmailDetector},
      {"ip_address", "internal", &NewIpAddressDetector},
      {"date_of_birth", "confidential", &NewDateOfBirthDetector},
      {"us_ssn", "restricted", &NewSsnDetector},
      {"credit_card", "restricted", &NewCardDetector},
      {"iban", "restricted", &NewIbanDetector},
      {"phone", "confidential", &NewPhoneDetector},
      {"aws_key", "restricted", &NewAwsKeyDetector},
      {"google_api_key", "restricted", &NewGoogleApiKeyDetector},
      {"github_token", "restricted", &NewGithubTokenDetector},
      {"slack_token", "restricted", &NewSlackTokenDetector},
      {"openai_key", "restricted", &NewOpenAiKeyDetector},
      {"jwt", "restricted", &NewJwtDetector},
      {"private_key", "restricted", &NewPrivateKeyDetector},
      {"password_assignment", "restricted", &NewPasswordAssignmentDetector},
  };
  return *kBuiltins;
}

const BuiltinInfo* FindBuiltin(std::string_view id) {
  for (const BuiltinInfo& b : Builtins()) {
    if (b.id == id) return &b;
  }
  return nullptr;
}

}  // namespace gw::policies::internal
