#include "policies/detectors/validators.h"

#include <gtest/gtest.h>

namespace gw::policies::internal {
namespace {

TEST(Validators, Luhn) {
  struct Case {
    const char* digits;
    bool valid;
  } cases[] = {
      {"4532276644577020", true},
      {"4532276644577021", false},
      {"79927398713", true},
      {"79927398710", false},
      {"0", false},
      {"12a4", false},
      {"5213591727586604", true},
      {"378282246310005", true},
  };
  for (const auto& c : cases) EXPECT_EQ(LuhnValid(c.digits), c.valid) << c.digits;
}

TEST(Validators, CardNetwork) {
  struct Case {
    const char* digits;
    const char* network;
  } cases[] = {
      {"4111111111111111", "visa"},       {"5555555555554444", "mastercard"},
      {"2223003122003222", "mastercard"}, {"378282246310005", "amex"},
      {"6011111111111117", "discover"},   {"3530111333300000", "jcb"},
      {"30569309025904", "diners"},       {"213100123456783", "jcb"},
      {"1234567812345670", ""},           {"411111111111111", ""},  // visa prefix, wrong length
  };
  for (const auto& c : cases) EXPECT_EQ(CardNetwork(c.digits), c.network) << c.digits;
}

TEST(Validators, Iban) {
  struct Case {
    const char* iban;
    bool valid;
  } cases[] = {
      {"DE89370400440532013000", true},      {"GB82WEST12345698765432", true},
      {"FR1420041010050500013M02606", true}, {"NO9386011117947", true},
      {"DE89370400440532013001", false},  // checksum
      {"DE8937040044053201300", false},   // length for DE
      {"XX89370400440532013000", false},  // unknown country
      {"GB82west12345698765432", false},  // lowercase not accepted
  };
  for (const auto& c : cases) EXPECT_EQ(IbanValid(c.iban), c.valid) << c.iban;
  EXPECT_EQ(IbanLength("DE"), 22);
  EXPECT_EQ(IbanLength("ZZ"), 0);
}

TEST(Validators, Ssn) {
  EXPECT_TRUE(SsnValid("531", "21", "7351"));
  EXPECT_FALSE(SsnValid("000", "21", "7351"));
  EXPECT_FALSE(SsnValid("666", "21", "7351"));
  EXPECT_FALSE(SsnValid("900", "21", "7351"));
  EXPECT_FALSE(SsnValid("531", "00", "7351"));
  EXPECT_FALSE(SsnValid("531", "21", "0000"));
}

TEST(Validators, Ip) {
  EXPECT_TRUE(Ipv4Valid("58.74.121.78"));
  EXPECT_TRUE(Ipv4Valid("0.0.0.0"));
  EXPECT_FALSE(Ipv4Valid("256.1.1.1"));
  EXPECT_FALSE(Ipv4Valid("1.2.3"));
  EXPECT_FALSE(Ipv4Valid("1.2.3.4.5"));
  EXPECT_FALSE(Ipv4Valid("01.2.3.4"));
  EXPECT_TRUE(Ipv6Valid("2001:db8::1"));
  EXPECT_TRUE(Ipv6Valid("fe80::1ff:fe23:4567:890a"));
  EXPECT_FALSE(Ipv6Valid("12:30:45"));
  EXPECT_FALSE(Ipv6Valid("2001:db8:::1"));
}

TEST(Validators, EntropyAndBase64Url) {
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0.0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abab"), 1.0);
  EXPECT_EQ(*Base64UrlDecode("eyJhbGciOiJIUzI1NiJ9"), "{\"alg\":\"HS256\"}");
  EXPECT_FALSE(Base64UrlDecode("a").has_value());
  EXPECT_FALSE(Base64UrlDecode("ab+/").has_value());
}

}  // namespace
}  // namespace gw::policies::internal
