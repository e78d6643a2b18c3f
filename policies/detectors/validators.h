// Checksums and format validators used by the built-in detectors. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gw::policies::internal {

// Luhn mod-10 check (ISO/IEC 7812-1 Annex B) over ASCII digits; false for a non-digit or < 2.
bool LuhnValid(std::string_view digits);

// Card network of a digit string by IIN range and length (Visa, Mastercard incl. 2221-2720,
// Amex, Discover, JCB, Diners, UnionPay, Maestro), per the networks' published IIN tables;
// empty when no known network issues that prefix with that length.
std::string_view CardNetwork(std::string_view digits);

// IBAN (ISO 13616): `iban` is uppercase letters and digits, no spaces. True when the country
// is in the SWIFT IBAN registry, the length is that country's, and mod-97 (ISO 7064) == 1.
bool IbanValid(std::string_view iban);
// Registered IBAN length of a two-letter country code, or 0.
int IbanLength(std::string_view country);

// US SSN area/group/serial validity (SSA rules): area not 000, 666 or 900-999; group not 00;
// serial not 0000. Inputs are the three digit groups.
bool SsnValid(std::string_view area, std::string_view group, std::string_view serial);

// IPv4 dotted quad (four decimal octets 0..255, no leading zeros beyond "0").
bool Ipv4Valid(std::string_view s);
// IPv6 text form (RFC 4291 section 2.2) via inet_pton; zone ids are not accepted.
bool Ipv6Valid(std::string_view s);

// Shannon entropy in bits per byte of `s` (0 for empty).
double ShannonEntropy(std::string_view s);

// RFC 4648 section 5 base64url decoding without padding; nullopt on a bad character or length.
std::optional<std::string> Base64UrlDecode(std::string_view s);

}  // namespace gw::policies::internal
