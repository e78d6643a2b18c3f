// Ticket payload codec, HMAC signing and the consent key file.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "policies/consent.h"

namespace gw::policies {
namespace {

namespace fs = std::filesystem;

ConsentTicket Sample() {
  ConsentTicket t;
  t.principal = "user:alice";
  t.request_digest = std::string(64, 'a');
  t.adapter = "openai-eu";
  t.provider = "openai";
  t.region = "eu-west-1";
  t.data_class = "internal";
  t.findings = {{"EMAIL", 2}, {"PHONE", 1}};
  t.redaction = true;
  t.estimated_cost = UsdMicros(4200);
  t.category = "summarization";
  t.app_id = "com.example.notes";
  t.issued_at = Micros(1'700'000'000'000'000);
  t.expires_at = Micros(1'700'000'600'000'000);
  t.nonce = std::string(32, 'f');
  return t;
}

Secret Key(char c = 'k') { return Secret(std::string(32, c)); }

TEST(TicketPayload, RoundTrips) {
  const ConsentTicket t = Sample();
  auto back = DecodeTicketPayload(EncodeTicketPayload(t));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, t);
}

TEST(TicketPayload, RoundTripsEmptyFieldsAndNegativeNumbers) {
  ConsentTicket t;
  t.estimated_cost = UsdMicros(-1);
  t.issued_at = Micros(INT64_MIN);
  t.expires_at = Micros(INT64_MAX);
  auto back = DecodeTicketPayload(EncodeTicketPayload(t));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, t);
}

// Corrupt payloads and the exact error each one gets.
TEST(TicketPayload, CorruptInputsTable) {
  const std::string good = EncodeTicketPayload(Sample());
  std::string long_string = std::string(1, '\x01') + std::string("\x00\x00\x10\x01", 4);
  std::string many_findings = EncodeTicketPayload(ConsentTicket{});
  // Findings count sits after 6 empty strings (1 + 6*4 bytes).
  many_findings.replace(25, 4, std::string("\x00\x00\x01\x01", 4));
  std::string bad_bool = EncodeTicketPayload(ConsentTicket{});
  bad_bool[29] = 2;  // redaction, right after a zero findings count
  struct Case {
    std::string name;
    std::string bytes;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"empty", "", "consent ticket is malformed: empty payload"},
      {"version", std::string(1, '\x02') + good.substr(1),
       "consent ticket is malformed: unknown version 2"},
      {"only version", std::string(1, '\x01'),
       "consent ticket is malformed: truncated at principal"},
      {"truncated string", good.substr(0, 8),
       "consent ticket is malformed: truncated at principal"},
      {"truncated tail", good.substr(0, good.size() - 1),
       "consent ticket is malformed: truncated at nonce"},
      {"trailing", good + "x", "consent ticket is malformed: trailing bytes after the last field"},
      {"long string", long_string, "consent ticket is malformed: principal longer than 4096 bytes"},
      {"many findings", many_findings, "consent ticket is malformed: more than 256 findings"},
      {"bad bool", bad_bool, "consent ticket is malformed: redaction is not a boolean"},
  };
  for (const auto& c : cases) {
    auto r = DecodeTicketPayload(c.bytes);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(r.status().message(), c.error) << c.name;
  }
}

TEST(TicketSigner, VerifiesItsOwnTickets) {
  TicketSigner s(Key());
  const std::string token = s.Sign(Sample());
  EXPECT_EQ(token.find('='), std::string::npos);
  auto t = s.Verify(token);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, Sample());
}

TEST(TicketSigner, RefusesAlteredPayloadAsForged) {
  TicketSigner s(Key());
  ConsentTicket cheaper = Sample();
  cheaper.estimated_cost = UsdMicros(1);
  const std::string good = s.Sign(Sample());
  const std::string other = s.Sign(cheaper);
  // Payload of one ticket, MAC of another.
  const std::string spliced = other.substr(0, other.find('.')) + good.substr(good.find('.'));
  TicketRefusal why = TicketRefusal::kMalformed;
  auto r = s.Verify(spliced, &why);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(why, TicketRefusal::kForgedOrAltered);
  EXPECT_NE(r.status().message().find("signature does not verify"), std::string::npos);
}

TEST(TicketSigner, RefusesTicketsOfAnotherKey) {
  TicketSigner mine(Key('a'));
  TicketSigner theirs(Key('b'));
  TicketRefusal why = TicketRefusal::kMalformed;
  auto r = mine.Verify(theirs.Sign(Sample()), &why);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(why, TicketRefusal::kForgedOrAltered);
}

TEST(TicketSigner, MalformedTokensTable) {
  TicketSigner s(Key());
  const std::string good = s.Sign(Sample());
  const std::string mac = good.substr(good.find('.') + 1);
  struct Case {
    std::string token;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"", "consent ticket is malformed: empty ticket"},
      {"abc", "consent ticket is malformed: expected <payload>.<signature>"},
      {"a.b.c", "consent ticket is malformed: expected <payload>.<signature>"},
      {"ab+c." + mac,
       "consent ticket is malformed: not base64url (RFC 4648 section 5, no padding)"},
      {good + "==", "consent ticket is malformed: not base64url (RFC 4648 section 5, no padding)"},
      {good.substr(0, good.find('.')) + ".AAAA",
       "consent ticket is malformed: signature is not 32 bytes"},
      {std::string(17 << 10, 'A'), "consent ticket is malformed: longer than 16384 bytes"},
  };
  for (const auto& c : cases) {
    TicketRefusal why = TicketRefusal::kReplayed;
    auto r = s.Verify(c.token, &why);
    ASSERT_FALSE(r.ok()) << c.token.substr(0, 40);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message(), c.error) << c.token.substr(0, 40);
    EXPECT_EQ(why, TicketRefusal::kMalformed);
  }
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gw_consent_key_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(KeyFileTest, CreatesA32ByteKeyWithMode0600AndReusesIt) {
  const std::string path = dir_ / "consent.key";
  auto k1 = LoadOrCreateConsentKey(path);
  ASSERT_TRUE(k1.ok()) << k1.status();
  EXPECT_EQ(k1->Reveal().size(), 32u);
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto k2 = LoadOrCreateConsentKey(path);
  ASSERT_TRUE(k2.ok()) << k2.status();
  EXPECT_EQ(k1->Reveal(), k2->Reveal());
  // Another directory gets another key.
  auto k3 = LoadOrCreateConsentKey(dir_ / "other.key");
  ASSERT_TRUE(k3.ok());
  EXPECT_NE(k1->Reveal(), k3->Reveal());
}

TEST_F(KeyFileTest, RefusesAKeyReadableByGroupOrOthers) {
  const std::string path = dir_ / "consent.key";
  ASSERT_TRUE(LoadOrCreateConsentKey(path).ok());
  for (mode_t mode : {0640, 0604, 0660}) {
    ASSERT_EQ(chmod(path.c_str(), mode), 0);
    auto k = LoadOrCreateConsentKey(path);
    ASSERT_FALSE(k.ok());
    EXPECT_EQ(k.status().code(), absl::StatusCode::kPermissionDenied);
    EXPECT_NE(k.status().message().find("accessible to group or others"), std::string::npos)
        << k.status();
  }
}

TEST_F(KeyFileTest, RefusesWrongSizeAndSymlinks) {
  const std::string path = dir_ / "consent.key";
  {
    std::ofstream f(path);
    f << "short";
  }
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  auto k = LoadOrCreateConsentKey(path);
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(k.status().message().find("must be exactly 32 bytes, found 5"), std::string::npos);

  const std::string link = dir_ / "link.key";
  fs::create_symlink(path, link);
  auto l = LoadOrCreateConsentKey(link);
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(KeyFileTest, UnwritableDirectoryIsUnavailable) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  const fs::path ro = dir_ / "ro";
  fs::create_directory(ro);
  ASSERT_EQ(chmod(ro.c_str(), 0500), 0);
  auto k = LoadOrCreateConsentKey(ro / "consent.key");
  chmod(ro.c_str(), 0700);
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.status().code(), absl::StatusCode::kUnavailable);
}

TEST(TicketRefusalName, NamesEveryReason) {
  EXPECT_EQ(TicketRefusalName(TicketRefusal::kMalformed), "malformed");
  EXPECT_EQ(TicketRefusalName(TicketRefusal::kForgedOrAltered), "forged_or_altered");
  EXPECT_EQ(TicketRefusalName(TicketRefusal::kWrongPrincipal), "wrong_principal");
  EXPECT_EQ(TicketRefusalName(TicketRefusal::kWrongRequest), "wrong_request");
  EXPECT_EQ(TicketRefusalName(TicketRefusal::kExpired), "expired");
  EXPECT_EQ(TicketRefusalName(TicketRefusal::kReplayed), "replayed");
}

}  // namespace
}  // namespace gw::policies
