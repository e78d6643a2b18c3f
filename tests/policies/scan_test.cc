#include "policies/scan.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace gw::policies {
namespace {

const DataClassSet& Classes() {
  static const DataClassSet* c = new DataClassSet(
      *DataClassSet::Create({"public", "internal", "confidential", "restricted"}, "public"));
  return *c;
}

std::unique_ptr<Scanner> Builtins() {
  auto s = Scanner::Create(config::DetectorsConfig{}, Classes());
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

// Finding types with their matched text, "TYPE=value" (test-only: values stay in the test).
std::vector<std::string> Describe(const Scanner& s, std::string_view text) {
  std::vector<std::string> out;
  for (const Finding& f : s.Scan(text)) {
    out.push_back(f.type + "=" + std::string(text.substr(f.begin, f.end - f.begin)));
  }
  return out;
}

struct Case {
  const char* text;
  std::vector<std::string> expected;
};

void RunTable(const std::vector<Case>& cases) {
  auto s = Builtins();
  for (const Case& c : cases) {
    EXPECT_EQ(Describe(*s, c.text), c.expected) << "text: " << c.text;
  }
}

using V = std::vector<std::string>;

TEST(ScanBuiltins, Email) {
  RunTable({
      {"What's your email? LeaVLind@superrito.com", V{"EMAIL=LeaVLind@superrito.com"}},
      {"mail a.b-c+tag@mail.example.co.uk.", V{"EMAIL=a.b-c+tag@mail.example.co.uk"}},
      {"user@localhost is not routable", V{}},
      {"a@b.c has a one-letter TLD", V{}},
      {"@handle and foo@ and @@", V{}},
      {"x@-bad.com", V{}},
  });
}

TEST(ScanBuiltins, Card) {
  RunTable({
      {"my card # 5213591727586604 for", V{"CARD=5213591727586604"}},
      {"card 4111 1111 1111 1111 exp", V{"CARD=4111 1111 1111 1111"}},
      {"amex 3782-822463-10005.", V{"CARD=3782-822463-10005"}},
      {"jcb 213100123456783", V{"CARD=213100123456783"}},
      {"card 4532276644577021 (bad Luhn)", V{}},
      {"id 1234567812345670 (unknown IIN)", V{}},
      {"mixed 4111 1111-1111 1111", V{}},
      {"inside a token abc4111111111111111", V{}},
  });
}

TEST(ScanBuiltins, Iban) {
  RunTable({
      {"IBAN DE89 3704 0044 0532 0130 00 thanks", V{"IBAN=DE89 3704 0044 0532 0130 00"}},
      {"pay to GB82WEST12345698765432.", V{"IBAN=GB82WEST12345698765432"}},
      {"bad DE89 3704 0044 0532 0130 01", V{}},
      {"short DE89370400440532013", V{}},
      {"unknown XX89370400440532013000", V{}},
  });
}

TEST(ScanBuiltins, Ssn) {
  RunTable({
      {"His social security number is 531-21-7351", V{"US_SSN=531-21-7351"}},
      {"Here's my SSN: 403-57-9558", V{"US_SSN=403-57-9558"}},
      {"SSN 531217351", V{"US_SSN=531217351"}},
      {"area 666-21-7351 is never issued", V{}},
      {"area 900-21-7351 is never issued", V{}},
      {"group 531-00-7351", V{}},
      {"My driver's license number is 481195160", V{}},
  });
}

TEST(ScanBuiltins, IpAddress) {
  RunTable({
      {"keep getting address 58.74.121.78 blocked", V{"IP_ADDRESS=58.74.121.78"}},
      {"client_ip = ?%//!%20\\|98.85.59.159|%20/", V{"IP_ADDRESS=98.85.59.159"}},
      {"v6 2001:db8::1 and fe80::1ff:fe23:4567:890a.",
       V{"IP_ADDRESS=2001:db8::1", "IP_ADDRESS=fe80::1ff:fe23:4567:890a"}},
      {"not 999.1.1.1 nor 1.2.3 nor 12:30:45", V{}},
  });
}

TEST(ScanBuiltins, Phone) {
  RunTable({
      {"+1-944-435-4352x04732 mobile", V{"PHONE=+1-944-435-4352x04732"}},
      {"Please have the manager call me at (96) 627-277 I'd", V{"PHONE=(96) 627-277"}},
      {"Desk: 986.291.2294x751\nFax: 001-420-335-7509x38548",
       V{"PHONE=986.291.2294x751", "PHONE=001-420-335-7509x38548"}},
      {"Can someone call me on (07) 5331 0577?", V{"PHONE=(07) 5331 0577"}},
      {"69 987 88 37 office", V{"PHONE=69 987 88 37"}},
      {"reach (555) 234-5678 today", V{"PHONE=(555) 234-5678"}},
      {"+44 20 7946 0958", V{"PHONE=+44 20 7946 0958"}},
      {"Phone: +49(0)30 1234567", V{"PHONE=+49(0)30 1234567"}},
      {"Her number is 0412 345 678.", V{"PHONE=0412 345 678"}},
      {"order 69 987 88 37 shipped", V{}},  // national format without context
      {"version 1234567", V{}},
      {"call the 6.2.9200.16384 build", V{}},
      {"call me on 12/27/1986", V{}},
      {"pi is 3.14159265", V{}},
  });
}

TEST(ScanBuiltins, DateOfBirth) {
  RunTable({
      {"She was born on 12/27/1986. Her", V{"DATE_OF_BIRTH=12/27/1986"}},
      {"DOB: 1990-01-31", V{"DATE_OF_BIRTH=1990-01-31"}},
      {"It's like that since 12/1/1977", V{}},
      {"When: 1998-06-28 14:48:14", V{}},
  });
}

TEST(ScanBuiltins, Secrets) {
  RunTable({
      {"key AKIAIOSFODNN7EXAMPLE", V{"AWS_ACCESS_KEY=AKIAIOSFODNN7EXAMPLE"}},
      {"id=AKIAIOSFODNN7EXAMPLE secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
       V{"AWS_ACCESS_KEY=AKIAIOSFODNN7EXAMPLE",
         "AWS_SECRET_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}},
      {"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
       V{"AWS_SECRET_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}},
      {"AKIA is a prefix, AKIASHORT too", V{}},
      {"g AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI",
       V{"GOOGLE_API_KEY=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI"}},
      {"token ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
       V{"GITHUB_TOKEN=ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}},
      {"ghp_short", V{}},
      {"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
       V{"SLACK_TOKEN=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"}},
      {"OPENAI_API_KEY sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5",
       V{"OPENAI_KEY=sk-proj-Ab3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1eF3hJ5"}},
      {"the task-force and a risk-assessment", V{}},
      {"jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9"
       "lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c end",
       V{"JWT=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gR"
         "G9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"}},
      {"no alg eyJub3RhbGciOjF9.eyJ4Ijox.c2ln", V{}},
      {"-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END RSA PRIVATE KEY-----",
       V{"PRIVATE_KEY=-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END RSA "
         "PRIVATE KEY-----"}},
      {"-----BEGIN CERTIFICATE-----\nMIIBOgIBAAJBAKj34GkxFhD9\n-----END CERTIFICATE-----", V{}},
      {"db_password=Zx8#kLq2vP9m;", V{"PASSWORD=Zx8#kLq2vP9m"}},
      {"secret: \"q7T!v9Lm2Xp4\"", V{"PASSWORD=q7T!v9Lm2Xp4"}},
      {"password=changeme", V{}},
      {"password: ${DB_PASSWORD}", V{}},
      {"the password is stored elsewhere", V{}},
  });
}

TEST(ScanBuiltins, SortedNonOverlappingAndHigherClassWins) {
  auto s = Builtins();
  const std::string text =
      "mail bob@example.com, card 4111111111111111, ip 10.0.0.1, call +1 555 234 5678";
  const auto f = s->Scan(text);
  ASSERT_EQ(f.size(), 4u);
  for (size_t i = 1; i < f.size(); ++i) EXPECT_LE(f[i - 1].end, f[i].begin);
  EXPECT_EQ(f[1].type, "CARD");
  EXPECT_EQ(f[1].detector, "credit_card");
  EXPECT_EQ(Classes().Name(f[1].data_class), "restricted");
  EXPECT_EQ(Classes().Name(f[2].data_class), "internal");
}

TEST(ScanCustom, DictionaryAndRegex) {
  config::DetectorsConfig c;
  c.builtin_all = false;
  c.builtin = {"email"};
  config::DictionaryConfig d;
  d.id = "codenames";
  d.terms = {"Falcon", "blue heron", "X-Wing"};
  d.finding_type = "PROJECT_CODENAME";
  d.data_class = "confidential";
  c.dictionaries.push_back(d);
  config::CustomRegexConfig r;
  r.id = "tickets";
  r.pattern = R"(\bPRJ-[0-9]{4}\b)";
  r.finding_type = "TICKET";
  r.data_class = "internal";
  c.regexes.push_back(r);
  auto s = Scanner::Create(c, Classes());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(Describe(**s, "Project FALCON and Blue Heron, see PRJ-1234; falconry no; x-wing"),
            (V{"PROJECT_CODENAME=FALCON", "PROJECT_CODENAME=Blue Heron", "TICKET=PRJ-1234",
               "PROJECT_CODENAME=x-wing"}));
  EXPECT_EQ((*s)->FindingTypes(), (V{"EMAIL", "PROJECT_CODENAME", "TICKET"}));
  EXPECT_EQ((*s)->DetectorIds(), (V{"codenames", "email", "tickets"}));
}

TEST(ScanCustom, CaseSensitiveDictionaryFromFile) {
  const auto path = std::filesystem::temp_directory_path() / "gw_policies_terms.txt";
  {
    std::ofstream f(path);
    f << "Orion\r\n\n  Vega  \n";
  }
  config::DetectorsConfig c;
  c.builtin_all = false;
  c.builtin = {"email"};
  config::DictionaryConfig d;
  d.id = "stars";
  d.terms_file = path.string();
  d.finding_type = "STAR";
  d.data_class = "internal";
  d.case_sensitive = true;
  c.dictionaries.push_back(d);
  auto s = Scanner::Create(c, Classes());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(Describe(**s, "orion Orion VEGA Vega"), (V{"STAR=Orion", "STAR=Vega"}));
  std::filesystem::remove(path);
}

TEST(ScanConfig, Errors) {
  struct Case {
    std::function<void(config::DetectorsConfig&)> mutate;
    absl::StatusCode code;
    std::string message;
  };
  auto regex = [](std::string pattern, std::string cls = "internal") {
    config::CustomRegexConfig r;
    r.id = "r1";
    r.pattern = std::move(pattern);
    r.finding_type = "T";
    r.data_class = std::move(cls);
    r.line = 14;
    return r;
  };
  const std::vector<Case> cases = {
      {[](auto& c) {
         c.builtin = {"email", "nope"};
       },
       absl::StatusCode::kInvalidArgument,
       "gw.yaml: policy.detectors.builtin: unknown detector 'nope'"},
      {[](auto& c) { c.builtin_classes["nope"] = "public"; }, absl::StatusCode::kInvalidArgument,
       "gw.yaml: policy.detectors.builtin_classes: unknown detector 'nope'"},
      {[](auto& c) { c.builtin_classes["email"] = "secret"; }, absl::StatusCode::kInvalidArgument,
       "gw.yaml: policy.detectors.builtin_classes.email: unknown data class 'secret'"},
      {[&](auto& c) { c.regexes.push_back(regex("a(b")); }, absl::StatusCode::kInvalidArgument,
       "gw.yaml:14: policy.detectors.regexes[0]: regex 'r1': invalid RE2 pattern: missing ): "
       "a(b"},
      {[&](auto& c) { c.regexes.push_back(regex("(a)\\1")); }, absl::StatusCode::kInvalidArgument,
       "gw.yaml:14: policy.detectors.regexes[0]: regex 'r1': invalid RE2 pattern: invalid "
       "escape sequence: \\1"},
      {[&](auto& c) { c.regexes.push_back(regex("x*")); }, absl::StatusCode::kInvalidArgument,
       "gw.yaml:14: policy.detectors.regexes[0]: regex 'r1': pattern matches the empty string"},
      {[&](auto& c) { c.regexes.push_back(regex("x", "nope")); },
       absl::StatusCode::kInvalidArgument,
       "gw.yaml:14: policy.detectors.regexes[0]: regex 'r1': unknown data class 'nope'"},
      {[&](auto& c) {
         c.regexes.push_back(regex("x"));
         c.regexes.push_back(regex("y"));
       },
       absl::StatusCode::kInvalidArgument,
       "gw.yaml:14: policy.detectors.regexes[1]: duplicate detector id 'r1'"},
      {[](auto& c) {
         config::DictionaryConfig d;
         d.id = "d";
         d.finding_type = "T";
         d.data_class = "public";
         d.line = 3;
         c.dictionaries.push_back(d);
       },
       absl::StatusCode::kInvalidArgument,
       "gw.yaml:3: policy.detectors.dictionaries[0]: dictionary 'd': no terms"},
      {[](auto& c) {
         config::DictionaryConfig d;
         d.id = "d";
         d.finding_type = "T";
         d.data_class = "public";
         d.terms_file = "/nonexistent/terms.txt";
         d.line = 3;
         c.dictionaries.push_back(d);
       },
       absl::StatusCode::kNotFound,
       "gw.yaml:3: policy.detectors.dictionaries[0]: dictionary 'd': /nonexistent/terms.txt: "
       "cannot read: No such file or directory"},
  };
  for (const Case& c : cases) {
    config::DetectorsConfig cfg;
    c.mutate(cfg);
    auto s = Scanner::Create(cfg, Classes(), "gw.yaml");
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_EQ(s.status().code(), c.code) << c.message;
    EXPECT_EQ(s.status().message(), c.message);
  }
}

TEST(DataClasses, OrderAndRequestClass) {
  EXPECT_FALSE(DataClassSet::Create({}, "public").ok());
  EXPECT_FALSE(DataClassSet::Create({"a", "a"}, "a").ok());
  EXPECT_EQ(DataClassSet::Create({"a", "b"}, "c").status().message(),
            "default_class: unknown data class 'c'");
  const DataClassSet& c = Classes();
  EXPECT_LT(*c.Find("public"), *c.Find("internal"));
  EXPECT_EQ(c.Highest(), *c.Find("restricted"));

  std::vector<Finding> findings(1);
  findings[0].data_class = *c.Find("internal");
  EXPECT_EQ(*RequestClass(c, {}, {}), *c.Find("public"));
  EXPECT_EQ(*RequestClass(c, findings, {}), *c.Find("internal"));
  // Labels raise the class...
  EXPECT_EQ(*RequestClass(c, findings, {"confidential"}), *c.Find("confidential"));
  // ...and never lower it.
  EXPECT_EQ(*RequestClass(c, findings, {"public"}), *c.Find("internal"));
  EXPECT_EQ(RequestClass(c, findings, {"top-secret"}).status().message(),
            "unknown data class label 'top-secret'");
}

TEST(ScanConfig, DefaultClassesFallBackToHighest) {
  auto two = *DataClassSet::Create({"low", "high"}, "low");
  auto s = Scanner::Create(config::DetectorsConfig{}, two);
  ASSERT_TRUE(s.ok());
  const auto f = (*s)->Scan("ip 10.1.2.3");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(two.Name(f[0].data_class), "high");
}

TEST(ScanBuiltins, ConcurrentScansAgree) {
  auto s = Builtins();
  const std::string text = "mail bob@example.com, card 4111111111111111, SSN 531-21-7351";
  const auto want = Describe(*s, text);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) ok[t] += Describe(*s, text) == want ? 1 : 0;
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(ok[t], 200);
}

TEST(ScanBuiltins, HandlesHostileInputs) {
  auto s = Builtins();
  const std::string digits(100000, '7');
  EXPECT_TRUE(s->Scan(digits).empty());
  std::string mixed;
  for (int i = 0; i < 5000; ++i) mixed += "-----BEGIN eyJ AKIA @ :: +( ";
  s->Scan(mixed);
  EXPECT_TRUE(s->Scan("").empty());
  EXPECT_TRUE(s->Scan(std::string("\xff\xfe\x00\x01", 4)).empty());
}

}  // namespace
}  // namespace gw::policies
