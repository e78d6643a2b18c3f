// Built-in personal-data detectors: e-mail, IPv4/IPv6, labelled dates of birth, US SSN,
// payment cards, IBAN and phone numbers. See docs/policy.md for formats and validators.
#include <algorithm>
#include <memory>

#include "policies/detectors/detector.h"
#include "policies/detectors/registry.h"
#include "policies/detectors/validators.h"

namespace gw::policies::internal {
namespace {

void Add(const ScanState& s, std::string_view type, size_t b, size_t e, float conf, int slot) {
  s.out->push_back(RawFinding{type, b, e, conf, slot});
}

size_t Lo(size_t pos, size_t back) { return pos > back ? pos - back : 0; }

// ----- e-mail (RFC 5321 section 4.1.2 dot-atom subset, as written in prose) -----------------

bool IsLocalChar(unsigned char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
}
bool IsDomainChar(unsigned char c) { return IsAlnum(c) || c == '.' || c == '-'; }

class EmailDetector final : public Detector {
 public:
  std::string_view id() const override { return "email"; }
  std::vector<std::string_view> finding_types() const override { return {"EMAIL"}; }
  bool wants_at() const override { return true; }
  size_t OnAt(const ScanState& s, int slot, size_t pos) const override {
    const std::string_view t = s.text;
    size_t b = pos;
    while (b > 0 && pos - b < 64 && IsLocalChar(t[b - 1])) --b;
    while (b < pos && (t[b] == '.' || t[b] == '\'' || t[b] == '-')) ++b;
    if (b == pos || t[pos - 1] == '.') return pos + 1;
    size_t e = pos + 1;
    while (e < t.size() && e - pos < 254 && IsDomainChar(t[e])) ++e;
    while (e > pos + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;
    const std::string_view domain = t.substr(pos + 1, e - pos - 1);
    if (domain.empty()) return pos + 1;
    // Labels: non-empty, no leading/trailing '-'; at least two; TLD alphabetic, >= 2.
    size_t labels = 0, start = 0;
    while (start <= domain.size()) {
      size_t dot = domain.find('.', start);
      if (dot == std::string_view::npos) dot = domain.size();
      const std::string_view label = domain.substr(start, dot - start);
      if (label.empty() || label.front() == '-' || label.back() == '-') return pos + 1;
      ++labels;
      if (dot == domain.size()) {
        if (label.size() < 2) return pos + 1;
        for (unsigned char c : label) {
          if (!IsAlpha(c)) return pos + 1;
        }
      }
      start = dot + 1;
    }
    if (labels < 2) return pos + 1;
    Add(s, "EMAIL", b, e, 0.95f, slot);
    return e;
  }
};

// ----- IP addresses ------------------------------------------------------------------------

class IpAddressDetector final : public Detector {
 public:
  std::string_view id() const override { return "ip_address"; }
  std::vector<std::string_view> finding_types() const override { return {"IP_ADDRESS"}; }
  bool wants_numeric() const override { return true; }
  bool OnNumericRun(const ScanState& s, int slot, const NumericRun& r) const override {
    if (r.plus || r.paren || r.extension || r.groups.size() != 4 || r.seps != "...") return false;
    if (!Ipv4Valid(s.text.substr(r.begin, r.digits_end - r.begin))) return false;
    Add(s, "IP_ADDRESS", r.begin, r.digits_end, 0.9f, slot);
    return true;
  }
  bool wants_colon() const override { return true; }
  size_t OnColon(const ScanState& s, int slot, size_t pos) const override {
    const std::string_view t = s.text;
    auto ip6 = [](unsigned char c) { return IsHex(c) || c == ':' || c == '.'; };
    size_t b = pos;
    while (b > 0 && pos - b < 45 && ip6(t[b - 1])) --b;
    size_t e = pos;
    while (e < t.size() && e - b < 45 && ip6(t[e])) ++e;
    while (e > pos + 1 && t[e - 1] == '.') --e;
    if ((b > 0 && IsAlnum(t[b - 1])) || (e < t.size() && IsAlnum(t[e]))) return pos + 1;
    const std::string_view cand = t.substr(b, e - b);
    if (std::count(cand.begin(), cand.end(), ':') < 2) return pos + 1;
    if (std::none_of(cand.begin(), cand.end(), [](unsigned char c) { return IsHex(c); })) {
      return pos + 1;
    }
    if (!Ipv6Valid(cand)) return pos + 1;
    Add(s, "IP_ADDRESS", b, e, 0.9f, slot);
    return e;
  }
};

// ----- dates of birth (numeric dates labelled "born", "DOB", "date of birth", ...) ----------

bool PlausibleDate(int y, int m, int d) {
  return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

class DateOfBirthDetector final : public Detector {
 public:
  std::string_view id() const override { return "date_of_birth"; }
  std::vector<std::string_view> finding_types() const override { return {"DATE_OF_BIRTH"}; }
  std::vector<Keyword> Keywords() const override {
    std::vector<Keyword> k;
    for (const char* w : {"born", "birth", "birthday", "birthdate", "dob", "d.o.b", "geboren",
                          "date de naissance", "fecha de nacimiento"}) {
      k.push_back(Keyword{w});
    }
    return k;
  }
  bool wants_numeric() const override { return true; }
  bool OnNumericRun(const ScanState& s, int slot, const NumericRun& r) const override {
    if (r.plus || r.paren || r.groups.size() < 3) return false;
    const char sep = r.seps[0];
    if ((sep != '-' && sep != '/' && sep != '.') || r.seps[1] != sep) return false;
    if (r.groups.size() > 3 && r.seps[2] != ' ') return false;
    auto num = [&](int from, int len) { return std::stoi(r.digits.substr(from, len)); };
    const int g0 = r.groups[0], g1 = r.groups[1], g2 = r.groups[2];
    bool date = false;
    if (g0 == 4 && g1 <= 2 && g2 <= 2) {
      date = PlausibleDate(num(0, 4), num(4, g1), num(4 + g1, g2));
    } else if (g0 <= 2 && g1 <= 2 && g2 == 4) {
      const int a = num(0, g0), b = num(g0, g1), y = num(g0 + g1, 4);
      date = PlausibleDate(y, a, b) || PlausibleDate(y, b, a);
    }
    if (!date) return false;
    const size_t end = r.group_end[2];
    if (s.HasContext(slot, Lo(r.begin, 40), r.begin)) {
      Add(s, "DATE_OF_BIRTH", r.begin, end, 0.85f, slot);
    }
    return true;  // a date is never a phone number or a card
  }
};

// ----- US social security numbers -----------------------------------------------------------

class SsnDetector final : public Detector {
 public:
  std::string_view id() const override { return "us_ssn"; }
  std::vector<std::string_view> finding_types() const override { return {"US_SSN"}; }
  std::vector<Keyword> Keywords() const override {
    std::vector<Keyword> k;
    for (const char* w : {"ssn", "ss#", "ss #", "social security", "social sec", "ssn#"}) {
      k.push_back(Keyword{w});
    }
    return k;
  }
  bool wants_numeric() const override { return true; }
  bool OnNumericRun(const ScanState& s, int slot, const NumericRun& r) const override {
    if (r.plus || r.paren || r.extension || r.digits.size() != 9) return false;
    const bool dashed = r.groups == std::vector<int>{3, 2, 4} && r.seps == "--";
    const bool spaced = r.groups == std::vector<int>{3, 2, 4} && r.seps == "  ";
    const bool bare = r.groups.size() == 1;
    if (!dashed && !spaced && !bare) return false;
    const std::string_view d = r.digits;
    if (!SsnValid(d.substr(0, 3), d.substr(3, 2), d.substr(5, 4))) return false;
    const bool ctx = s.HasContext(slot, Lo(r.begin, 48), r.end + 16);
    if (!dashed && !ctx) return false;
    Add(s, "US_SSN", r.begin, r.digits_end, ctx ? 0.95f : 0.85f, slot);
    return true;
  }
};

// ----- payment cards --------------------------------------------------------------------------

class CardDetector final : public Detector {
 public:
  std::string_view id() const override { return "credit_card"; }
  std::vector<std::string_view> finding_types() const override { return {"CARD"}; }
  bool wants_numeric() const override { return true; }
  bool OnNumericRun(const ScanState& s, int slot, const NumericRun& r) const override {
    if (r.plus || r.paren || r.extension) return false;
    if (r.digits.size() < 12 || r.digits.size() > 19) return false;
    for (char c : r.seps) {
      if (c != r.seps[0] || (c != ' ' && c != '-')) return false;
    }
    for (int g : r.groups) {
      if (r.groups.size() > 1 && (g < 3 || g > 6)) return false;
    }
    if (!LuhnValid(r.digits) || CardNetwork(r.digits).empty()) return false;
    Add(s, "CARD", r.begin, r.digits_end, 0.95f, slot);
    return true;
  }
};

// ----- IBAN (ISO 13616), electronic or print format (groups of four) --------------------------

class IbanDetector final : public Detector {
 public:
  std::string_view id() const override { return "iban"; }
  std::vector<std::string_view> finding_types() const override { return {"IBAN"}; }
  bool wants_country_prefix() const override { return true; }
  size_t OnCountryPrefix(const ScanState& s, int slot, size_t pos) const override {
    const std::string_view t = s.text;
    const int len = IbanLength(t.substr(pos, 2));
    if (len == 0) return pos;
    std::string compact;
    size_t i = pos;
    while (i < t.size() && static_cast<int>(compact.size()) < len) {
      const unsigned char c = t[i];
      if (IsUpper(c) || IsDigit(c)) {
        compact.push_back(static_cast<char>(c));
        ++i;
      } else if (c == ' ' && compact.size() % 4 == 0 && i + 1 < t.size() &&
                 (IsUpper(t[i + 1]) || IsDigit(t[i + 1]))) {
        ++i;
      } else {
        break;
      }
    }
    if (static_cast<int>(compact.size()) != len) return pos;
    if (i < t.size() && IsAlnum(t[i])) return pos;
    if (!IbanValid(compact)) return pos;
    Add(s, "IBAN", pos, i, 0.95f, slot);
    return i;
  }
};

// ----- phone numbers (E.164, NANP, and national formats next to a context word) -------------

class PhoneDetector final : public Detector {
 public:
  std::string_view id() const override { return "phone"; }
  std::vector<std::string_view> finding_types() const override { return {"PHONE"}; }
  std::vector<Keyword> Keywords() const override {
    std::vector<Keyword> k;
    for (const char* w :
         {"phone",    "telephone", "tel",      "call",     "calling", "mobile",  "mob",
          "cell",     "cellphone", "fax",      "desk",     "office",  "contact", "reach",
          "whatsapp", "sms",       "text me",  "landline", "hotline", "dial",    "ph",
          "tlf",      "telefon",   "telefono", "ring",     "number"}) {
      k.push_back(Keyword{w});
    }
    return k;
  }
  bool wants_numeric() const override { return true; }
  bool OnNumericRun(const ScanState& s, int slot, const NumericRun& r) const override {
    const size_t nd = r.digits.size();
    if (nd < 7 || nd > 15) return false;
    for (char c : r.seps) {
      if (c == '/') return false;
    }
    // Dotted runs of four or more groups are versions ("6.2.9200.16384"), not phones.
    if (!r.plus && r.groups.size() >= 4 && r.seps.find_first_not_of('.') == std::string::npos) {
      return false;
    }
    const bool ctx = s.HasContext(slot, Lo(r.begin, 40), r.end + 16);
    float conf = 0;
    if (r.plus && nd >= 8) {
      conf = ctx ? 0.95f : 0.85f;
    } else if (IsNanp(r)) {
      conf = ctx ? 0.9f : 0.75f;
    } else if (ctx && (r.groups.size() >= 2 || (nd >= 10 && nd <= 12))) {
      conf = 0.7f;
    }
    if (conf == 0) return false;
    Add(s, "PHONE", r.begin, r.end, conf, slot);
    return true;
  }

 private:
  // North American numbering plan: [1-|001-](NXX) NXX-XXXX with consistent separators.
  static bool IsNanp(const NumericRun& r) {
    std::vector<int> g = r.groups;
    std::string seps = r.seps;
    if (g.size() == 4 && (g[0] == 1 || g[0] == 3) &&
        (r.digits.compare(0, g[0], g[0] == 1 ? "1" : "001") == 0)) {
      g.erase(g.begin());
      seps.erase(0, 1);
    }
    if (g != std::vector<int>{3, 3, 4}) return false;
    const size_t area = r.digits.size() - 10;
    if (r.digits[area] < '2' || r.digits[area + 3] < '2') return false;
    return seps == "--" || seps == ".." || seps == ")-" || seps == ") " || seps == "  ";
  }
};

}  // namespace

std::unique_ptr<Detector> NewEmailDetector() { return std::make_unique<EmailDetector>(); }
std::unique_ptr<Detector> NewIpAddressDetector() { return std::make_unique<IpAddressDetector>(); }
std::unique_ptr<Detector> NewDateOfBirthDetector() {
  return std::make_unique<DateOfBirthDetector>();
}
std::unique_ptr<Detector> NewSsnDetector() { return std::make_unique<SsnDetector>(); }
std::unique_ptr<Detector> NewCardDetector() { return std::make_unique<CardDetector>(); }
std::unique_ptr<Detector> NewIbanDetector() { return std::make_unique<IbanDetector>(); }
std::unique_ptr<Detector> NewPhoneDetector() { return std::make_unique<PhoneDetector>(); }

}  // namespace gw::policies::internal
