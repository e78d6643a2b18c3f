// Built-in secret detectors, triggered by prefixes found in the shared keyword pass.
// Formats: AWS IAM unique-id prefixes (AWS IAM User Guide, "Unique identifiers"); Google API
// keys ("AIza" + 35); GitHub token prefixes (GitHub blog 2021-04-05 "Behind GitHub's new
// authentication token formats"); Slack token prefixes (api.slack.com/authentication/token-types);
// OpenAI "sk-" keys; JWT (RFC 7519, compact JWS RFC 7515 section 7.1); PEM (RFC 7468).
#include <memory>
#include <nlohmann/json.hpp>

#include "policies/detectors/detector.h"
#include "policies/detectors/registry.h"
#include "policies/detectors/validators.h"

namespace gw::policies::internal {
namespace {

void Add(const ScanState& s, std::string_view type, size_t b, size_t e, float conf, int slot) {
  s.out->push_back(RawFinding{type, b, e, conf, slot});
}

template <typename Pred>
size_t Span(std::string_view t, size_t from, Pred pred, size_t max = 4096) {
  size_t e = from;
  while (e < t.size() && e - from < max && pred(static_cast<unsigned char>(t[e]))) ++e;
  return e;
}

bool RightEdge(std::string_view t, size_t e) { return e >= t.size() || !IsAlnum(t[e]); }

Keyword Trigger(const char* text, bool case_sensitive = true) {
  Keyword k{text};
  k.case_sensitive = case_sensitive;
  k.role = Keyword::kTrigger;
  k.right_boundary = false;
  return k;
}

bool HasClasses(std::string_view v, int min_classes) {
  bool lower = false, upper = false, digit = false, other = false;
  for (unsigned char c : v) {
    if (IsLower(c)) {
      lower = true;
    } else if (IsUpper(c)) {
      upper = true;
    } else if (IsDigit(c)) {
      digit = true;
    } else {
      other = true;
    }
  }
  return lower + upper + digit + other >= min_classes;
}

// ----- AWS access key ids and their secret keys ---------------------------------------------

bool IsB64Std(unsigned char c) { return IsAlnum(c) || c == '/' || c == '+'; }

class AwsKeyDetector final : public Detector {
 public:
  std::string_view id() const override { return "aws_key"; }
  std::vector<std::string_view> finding_types() const override {
    return {"AWS_ACCESS_KEY", "AWS_SECRET_KEY"};
  }
  std::vector<Keyword> Keywords() const override {
    std::vector<Keyword> k;
    for (const char* p :
         {"AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "AROA", "APKA"}) {
      k.push_back(Trigger(p));
    }
    for (const char* p : {"aws_secret_access_key", "secret_access_key", "aws_secret_key",
                          "aws_secret", "secretaccesskey"}) {
      k.push_back(Trigger(p, false));
    }
    return k;
  }
  void OnKeyword(const ScanState& s, int slot, int keyword, size_t b, size_t e) const override {
    const std::string_view t = s.text;
    if (keyword < kFirstContext) {
      const size_t end = Span(
          t, e, [](unsigned char c) { return IsUpper(c) || IsDigit(c); }, 17);
      if (end - e != 16 || !RightEdge(t, end)) return;
      Add(s, "AWS_ACCESS_KEY", b, end, 0.95f, slot);
      // The paired secret: a 40-character base64 token near the key id.
      const size_t lo = b > 300 ? b - 300 : 0;
      const size_t hi = std::min(t.size(), end + 300);
      size_t i = lo;
      while (i < hi) {
        if (!IsB64Std(t[i]) || (i > 0 && IsB64Std(t[i - 1]))) {
          ++i;
          continue;
        }
        const size_t te = Span(t, i, IsB64Std, 41);
        if (te - i == 40 && (te >= t.size() || (!IsB64Std(t[te]) && t[te] != '=')) &&
            LooksLikeAwsSecret(t.substr(i, 40))) {
          Add(s, "AWS_SECRET_KEY", i, te, 0.9f, slot);
        }
        i = Span(t, i, IsB64Std);
      }
      return;
    }
    // "aws_secret_access_key = <40 chars>"
    size_t i = Span(
        t, e,
        [](unsigned char c) {
          return c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '=' || c == ':';
        },
        8);
    const size_t te = Span(t, i, IsB64Std, 41);
    if (te - i == 40 && (te >= t.size() || !IsB64Std(t[te])) &&
        LooksLikeAwsSecret(t.substr(i, 40))) {
      Add(s, "AWS_SECRET_KEY", i, te, 0.95f, slot);
    }
  }

 private:
  static bool LooksLikeAwsSecret(std::string_view v) {
    return HasClasses(v, 3) && ShannonEntropy(v) >= 4.0;
  }
  static constexpr int kFirstContext = 11;  // keywords before this index are key-id prefixes
};

// ----- single-prefix tokens -----------------------------------------------------------------

struct PrefixRule {
  const char* prefix;
  int min_len;  // characters after the prefix
  int max_len;
  bool underscore;
  bool dash;
};

class PrefixTokenDetector final : public Detector {
 public:
  PrefixTokenDetector(std::string_view id, std::string_view type, float conf,
                      std::vector<PrefixRule> rules, double min_entropy)
      : id_(id), type_(type), conf_(conf), rules_(std::move(rules)), min_entropy_(min_entropy) {}
  std::string_view id() const override { return id_; }
  std::vector<std::string_view> finding_types() const override { return {type_}; }
  std::vector<Keyword> Keywords() const override {
    std::vector<Keyword> k;
    for (const PrefixRule& r : rules_) k.push_back(Trigger(r.prefix));
    return k;
  }
  void OnKeyword(const ScanState& s, int slot, int keyword, size_t b, size_t e) const override {
    const PrefixRule& r = rules_[keyword];
    const size_t end = Span(
        s.text, e,
        [&r](unsigned char c) {
          return IsAlnum(c) || (r.underscore && c == '_') || (r.dash && c == '-');
        },
        r.max_len + 1);
    const int n = static_cast<int>(end - e);
    if (n < r.min_len || n > r.max_len || !RightEdge(s.text, end)) return;
    const std::string_view body = s.text.substr(e, end - e);
    if (!HasClasses(body, 2) || ShannonEntropy(body) < min_entropy_) return;
    Add(s, type_, b, end, conf_, slot);
  }

 private:
  std::string_view id_, type_;
  float conf_;
  std::vector<PrefixRule> rules_;
  double min_entropy_;
};

// ----- JWT ----------------------------------------------------------------------------------

bool IsB64Url(unsigned char c) { return IsAlnum(c) || c == '-' || c == '_'; }

class JwtDetector final : public Detector {
 public:
  std::string_view id() const override { return "jwt"; }
  std::vector<std::string_view> finding_types() const override { return {"JWT"}; }
  std::vector<Keyword> Keywords() const override { return {Trigger("eyJ")}; }
  void OnKeyword(const ScanState& s, int slot, int keyword, size_t b, size_t e) const override {
    const std::string_view t = s.text;
    const size_t h_end = Span(t, b, IsB64Url, 2048);
    if (h_end >= t.size() || t[h_end] != '.') return;
    const size_t p_end = Span(t, h_end + 1, IsB64Url, 1 << 16);
    if (p_end == h_end + 1 || p_end >= t.size() || t[p_end] != '.') return;
    const size_t s_end = Span(t, p_end + 1, IsB64Url, 4096);
    if (!RightEdge(t, s_end)) return;
    auto header = Base64UrlDecode(t.substr(b, h_end - b));
    if (!header) return;
    const nlohmann::json j = nlohmann::json::parse(*header, nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("alg") || !j["alg"].is_string()) return;
    auto payload_prefix =
        Base64UrlDecode(t.substr(h_end + 1, std::min<size_t>(4, p_end - h_end - 1)));
    if (!payload_prefix || payload_prefix->empty() || (*payload_prefix)[0] != '{') return;
    Add(s, "JWT", b, s_end, 0.95f, slot);
  }
};

// ----- PEM private keys (RFC 7468) ----------------------------------------------------------

class PrivateKeyDetector final : public Detector {
 public:
  std::string_view id() const override { return "private_key"; }
  std::vector<std::string_view> finding_types() const override { return {"PRIVATE_KEY"}; }
  std::vector<Keyword> Keywords() const override {
    Keyword k = Trigger("-----BEGIN ");
    k.left_boundary = false;
    return {k};
  }
  void OnKeyword(const ScanState& s, int slot, int keyword, size_t b, size_t e) const override {
    const std::string_view t = s.text;
    const size_t label_end = Span(
        t, e, [](unsigned char c) { return IsUpper(c) || IsDigit(c) || c == ' '; }, 64);
    const std::string_view label = t.substr(e, label_end - e);
    if (label.size() < 11 || label.substr(label.size() - 11) != "PRIVATE KEY") return;
    if (t.substr(label_end, 5) != "-----") return;
    size_t end = Span(
        t, label_end + 5,
        [](unsigned char c) {
          return IsAlnum(c) || c == '+' || c == '/' || c == '=' || c == '\r' || c == '\n' ||
                 c == '\t' || c == ' ' || c == ':' || c == ',';
        },
        1 << 20);
    const std::string footer = "-----END " + std::string(label) + "-----";
    if (t.substr(end, footer.size()) == footer) end += footer.size();
    Add(s, "PRIVATE_KEY", b, end, 0.99f, slot);
  }
};

// ----- password= / secret: assignments with a high-entropy value ----------------------------

class PasswordAssignmentDetector final : public Detector {
 public:
  std::string_view id() const override { return "password_assignment"; }
  std::vector<std::string_view> finding_types() const override { return {"PASSWORD"}; }
  std::vector<Keyword> Keywords() const override {
    std::vector<Keyword> k;
    for (const char* w : {"password", "passwd", "pwd", "pass", "passphrase", "secret",
                          "client_secret", "api_key", "apikey", "api-key", "access_token",
                          "auth_token", "token", "private_key", "secret_key"}) {
      Keyword kw{w};
      kw.role = Keyword::kTrigger;
      k.push_back(kw);
    }
    return k;
  }
  void OnKeyword(const ScanState& s, int slot, int keyword, size_t b, size_t e) const override {
    const std::string_view t = s.text;
    size_t i = e;
    if (i < t.size() && (t[i] == '"' || t[i] == '\'')) ++i;
    i = Span(
        t, i, [](unsigned char c) { return c == ' ' || c == '\t'; }, 4);
    if (i >= t.size()) return;
    if (t[i] == ':' && i + 1 < t.size() && t[i + 1] == '=') {
      i += 2;
    } else if (t[i] == '=' && i + 1 < t.size() && t[i + 1] == '>') {
      i += 2;
    } else if (t[i] == '=' || t[i] == ':') {
      i += 1;
    } else {
      return;
    }
    i = Span(
        t, i, [](unsigned char c) { return c == ' ' || c == '\t'; }, 4);
    char quote = 0;
    if (i < t.size() && (t[i] == '"' || t[i] == '\'' || t[i] == '`')) quote = t[i++];
    const size_t v_end = Span(
        t, i,
        [quote](unsigned char c) {
          if (quote) return c != static_cast<unsigned char>(quote) && c != '\n' && c != '\r';
          return c > ' ' && c != ',' && c != ';' && c != '&' && c != ')' && c != '}' && c != ']' &&
                 c != '"' && c != '\'' && c != '<' && c != '>';
        },
        257);
    const std::string_view v = t.substr(i, v_end - i);
    if (v.size() < 8 || v.size() > 256) return;
    if (v[0] == '$' || v[0] == '%' || v[0] == '<' || v[0] == '{') return;
    if (!HasClasses(v, 2) || ShannonEntropy(v) < 3.0) return;
    Add(s, "PASSWORD", i, v_end, 0.8f, slot);
  }
};

}  // namespace

std::unique_ptr<Detector> NewAwsKeyDetector() { return std::make_unique<AwsKeyDetector>(); }
std::unique_ptr<Detector> NewGoogleApiKeyDetector() {
  return std::make_unique<PrefixTokenDetector>(
      "google_api_key", "GOOGLE_API_KEY", 0.95f,
      std::vector<PrefixRule>{{"AIza", 35, 35, true, true}}, 3.0);
}
std::unique_ptr<Detector> NewGithubTokenDetector() {
  return std::make_unique<PrefixTokenDetector>(
      "github_token", "GITHUB_TOKEN", 0.95f,
      std::vector<PrefixRule>{{"ghp_", 36, 40, false, false},
                              {"gho_", 36, 40, false, false},
                              {"ghu_", 36, 40, false, false},
                              {"ghs_", 36, 40, false, false},
                              {"ghr_", 36, 40, false, false},
                              {"github_pat_", 50, 120, true, false}},
      3.5);
}
std::unique_ptr<Detector> NewSlackTokenDetector() {
  return std::make_unique<PrefixTokenDetector>(
      "slack_token", "SLACK_TOKEN", 0.9f,
      std::vector<PrefixRule>{{"xoxb-", 10, 255, false, true},
                              {"xoxp-", 10, 255, false, true},
                              {"xoxa-", 10, 255, false, true},
                              {"xoxr-", 10, 255, false, true},
                              {"xoxs-", 10, 255, false, true},
                              {"xoxe-", 10, 255, false, true}},
      3.0);
}
std::unique_ptr<Detector> NewOpenAiKeyDetector() {
  return std::make_unique<PrefixTokenDetector>(
      "openai_key", "OPENAI_KEY", 0.85f, std::vector<PrefixRule>{{"sk-", 32, 255, true, true}},
      3.5);
}
std::unique_ptr<Detector> NewJwtDetector() { return std::make_unique<JwtDetector>(); }
std::unique_ptr<Detector> NewPrivateKeyDetector() { return std::make_unique<PrivateKeyDetector>(); }
std::unique_ptr<Detector> NewPasswordAssignmentDetector() {
  return std::make_unique<PasswordAssignmentDetector>();
}

}  // namespace gw::policies::internal
