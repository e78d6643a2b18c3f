// The explicit registry of built-in detectors (CONVENTIONS.md: no static initialisers).
// To add a detector: implement internal::Detector, declare its factory below, add one row to
// kBuiltins in registry.cc, and document it in docs/policy.md. Thread-safe (immutable data).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "policies/detectors/detector.h"

namespace gw::policies::internal {

struct BuiltinInfo {
  std::string_view id;             // config id, e.g. "credit_card"
  std::string_view default_class;  // used when builtin_classes has no entry and it is configured
  std::unique_ptr<Detector> (*factory)();
};

// Every built-in detector, in numeric-run priority order.
const std::vector<BuiltinInfo>& Builtins();
// The entry for `id`, or nullptr.
const BuiltinInfo* FindBuiltin(std::string_view id);

// Factories (structured.cc, secrets.cc).
std::unique_ptr<Detector> NewEmailDetector();
std::unique_ptr<Detector> NewIpAddressDetector();
std::unique_ptr<Detector> NewDateOfBirthDetector();
std::unique_ptr<Detector> NewSsnDetector();
std::unique_ptr<Detector> NewCardDetector();
std::unique_ptr<Detector> NewIbanDetector();
std::unique_ptr<Detector> NewPhoneDetector();
std::unique_ptr<Detector> NewAwsKeyDetector();
std::unique_ptr<Detector> NewGoogleApiKeyDetector();
std::unique_ptr<Detector> NewGithubTokenDetector();
std::unique_ptr<Detector> NewSlackTokenDetector();
std::unique_ptr<Detector> NewOpenAiKeyDetector();
std::unique_ptr<Detector> NewJwtDetector();
std::unique_ptr<Detector> NewPrivateKeyDetector();
std::unique_ptr<Detector> NewPasswordAssignmentDetector();

}  // namespace gw::policies::internal
