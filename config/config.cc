#include "config/config.h"

#include <fcntl.h>
#include <re2/re2.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "absl/strings/numbers.h"
#include "common/check.h"
#include "common/logging.h"
#include "config/internal/values.h"

namespace gw::config {
namespace internal {
extern const std::string_view kDefaultYaml;  // generated from config/default.yaml
}  // namespace internal

namespace {

using internal::Cat;
using internal::Join;
using internal::Quote;

// Abseil's own string_view (see values.h) to std::string_view.
std::string_view Sv(absl::string_view v) { return std::string_view(v.data(), v.size()); }

constexpr std::string_view kEmbeddedSource = "<embedded default>";
constexpr int64_t kMaxConfigFileBytes = 16 << 20;
constexpr int64_t kMaxSecretFileBytes = 64 << 10;

const char* KindName(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

std::string ChildPath(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : Cat(parent, ".", key);
}

std::string ItemPath(std::string_view parent, size_t i) { return Cat(parent, "[", i, "]"); }

// Formats every load error: "<source>:<line>:<col>: <path>: <message>" (1-based positions).
class Errors {
 public:
  explicit Errors(std::string_view source) : source_(source) {}

  Status At(const YAML::Mark& m, std::string_view path, std::string_view msg) const {
    const int line = m.line >= 0 ? m.line + 1 : 1;
    const int col = m.column >= 0 ? m.column + 1 : 1;
    if (path.empty()) {
      return absl::InvalidArgumentError(Cat(source_, ":", line, ":", col, ": ", msg));
    }
    return absl::InvalidArgumentError(Cat(source_, ":", line, ":", col, ": ", path, ": ", msg));
  }
  Status At(const YAML::Node& n, std::string_view path, std::string_view msg) const {
    // yaml-cpp places an empty (null) value at the start of whatever follows it; point at its
    // key instead.
    if (n.IsNull()) {
      for (const auto& [value, key_mark] : null_values_) {
        if (value.is(n)) return At(key_mark, path, msg);
      }
    }
    return At(n.Mark(), path, msg);
  }
  // Remembers the key of a null value (see At).
  void NoteNullValue(const YAML::Node& value, const YAML::Mark& key_mark) const {
    null_values_.emplace_back(value, key_mark);
  }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  mutable std::vector<std::pair<YAML::Node, YAML::Mark>> null_values_;
};

// A YAML mapping whose keys have been checked against the allowed set (no unknown, duplicate or
// non-string keys). A null node reads as an empty mapping.
class Map {
 public:
  static StatusOr<Map> Open(const Errors& err, const YAML::Node& node, std::string path,
                            std::initializer_list<std::string_view> allowed) {
    Map m(err, node, std::move(path));
    if (node.IsNull()) return m;
    if (!node.IsMap()) {
      return err.At(node, m.path_, Cat("expected a mapping, got ", KindName(node)));
    }
    std::vector<std::string_view> allowed_v(allowed);
    for (auto it = node.begin(); it != node.end(); ++it) {
      // Copies: yaml-cpp's iterator returns a temporary pair, so references would dangle.
      const YAML::Node k = it->first;
      const YAML::Node v = it->second;
      if (!k.IsScalar()) {
        return err.At(k, m.path_, Cat("expected a string key, got ", KindName(k)));
      }
      const std::string& key = k.Scalar();
      const std::string kpath = ChildPath(m.path_, internal::Escape(key));
      bool known = false;
      for (std::string_view a : allowed_v) known = known || a == key;
      if (!known) {
        const std::string guess = internal::ClosestMatch(key, allowed_v);
        if (!guess.empty()) {
          return err.At(k, kpath, Cat("unknown key; did you mean \"", guess, "\"?"));
        }
        return err.At(k, kpath, Cat("unknown key; allowed keys: ", Join(allowed_v)));
      }
      for (const Entry& e : m.entries_) {
        if (e.name == key) {
          return err.At(k, kpath, Cat("duplicate key (first at line ", e.key.Mark().line + 1, ")"));
        }
      }
      if (v.IsNull()) err.NoteNullValue(v, k.Mark());
      m.entries_.push_back(Entry{key, k, v});
    }
    return m;
  }

  // The value of `key`, or nullptr when absent.
  const YAML::Node* Find(std::string_view key) const {
    for (const Entry& e : entries_) {
      if (e.name == key) return &e.value;
    }
    return nullptr;
  }
  std::string Path(std::string_view key) const { return ChildPath(path_, key); }
  const std::string& path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  const Errors& err() const { return *err_; }

  // "missing required field" for `key`, pointing at the mapping itself.
  Status Missing(std::string_view key) const {
    return err_->At(node_, Path(key), "missing required field");
  }

 private:
  struct Entry {
    std::string name;
    YAML::Node key;
    YAML::Node value;
  };
  Map(const Errors& err, const YAML::Node& node, std::string path)
      : err_(&err), node_(node), path_(std::move(path)) {}

  const Errors* err_;
  YAML::Node node_;
  std::string path_;
  std::vector<Entry> entries_;
};

// ----- typed scalar readers: absent key = keep the default --------------------------------------

std::string OctalMode(mode_t m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
  return buf;
}

bool IsPlain(const YAML::Node& n) { return n.Tag() == "?"; }

Status ExpectScalar(const Errors& err, const YAML::Node& n, std::string_view path,
                    std::string_view what) {
  if (n.IsScalar()) return absl::OkStatus();
  return err.At(n, path, Cat("expected ", what, ", got ", KindName(n)));
}

Status ScalarToString(const Errors& err, const YAML::Node& n, std::string_view path,
                      std::string* out) {
  GW_RETURN_IF_ERROR(ExpectScalar(err, n, path, "a string"));
  *out = n.Scalar();
  return absl::OkStatus();
}

Status ReadString(const Map& m, std::string_view key, std::string* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  return ScalarToString(m.err(), *n, m.Path(key), out);
}

Status ReadRequiredString(const Map& m, std::string_view key, std::string* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return m.Missing(key);
  GW_RETURN_IF_ERROR(ScalarToString(m.err(), *n, m.Path(key), out));
  if (out->empty()) return m.err().At(*n, m.Path(key), "must not be empty");
  return absl::OkStatus();
}

Status ReadBool(const Map& m, std::string_view key, bool* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  const std::string path = m.Path(key);
  if (n->IsScalar() && IsPlain(*n) && (n->Scalar() == "true" || n->Scalar() == "false")) {
    *out = n->Scalar() == "true";
    return absl::OkStatus();
  }
  if (n->IsScalar()) {
    return m.err().At(*n, path, Cat("expected a bool (true or false), got ", Quote(n->Scalar())));
  }
  return m.err().At(*n, path, Cat("expected a bool (true or false), got ", KindName(*n)));
}

Status ParseIntNode(const Errors& err, const YAML::Node& n, std::string_view path, int64_t lo,
                    int64_t hi, int64_t* out) {
  GW_RETURN_IF_ERROR(ExpectScalar(err, n, path, "an integer"));
  const std::string& s = n.Scalar();
  int64_t v = 0;
  const bool shape = IsPlain(n) && !s.empty() &&
                     s.find_first_not_of("0123456789", s[0] == '-' ? 1 : 0) == std::string::npos &&
                     s != "-";
  if (!shape) return err.At(n, path, Cat("expected an integer, got ", Quote(s)));
  if (!absl::SimpleAtoi(s, &v) || v < lo || v > hi) {
    return err.At(n, path, Cat(internal::Escape(s), " out of range ", lo, "..", hi));
  }
  *out = v;
  return absl::OkStatus();
}

Status ReadInt(const Map& m, std::string_view key, int64_t lo, int64_t hi, int64_t* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  return ParseIntNode(m.err(), *n, m.Path(key), lo, hi, out);
}

Status ParseNumberNode(const Errors& err, const YAML::Node& n, std::string_view path, double lo,
                       double hi, double* out) {
  GW_RETURN_IF_ERROR(ExpectScalar(err, n, path, "a number"));
  const std::string& s = n.Scalar();
  double v = 0;
  const bool shape = IsPlain(n) && !s.empty() &&
                     s.find_first_not_of("0123456789.-+eE") == std::string::npos &&
                     absl::SimpleAtod(s, &v) && std::isfinite(v);
  if (!shape) return err.At(n, path, Cat("expected a number, got ", Quote(s)));
  if (v < lo || v > hi) {
    return err.At(n, path, Cat(internal::Escape(s), " out of range ", lo, "..", hi));
  }
  *out = v;
  return absl::OkStatus();
}

Status ReadNumber(const Map& m, std::string_view key, double lo, double hi, double* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  return ParseNumberNode(m.err(), *n, m.Path(key), lo, hi, out);
}

Status ReadOptNumber(const Map& m, std::string_view key, double lo, double hi,
                     std::optional<double>* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  double v = 0;
  GW_RETURN_IF_ERROR(ParseNumberNode(m.err(), *n, m.Path(key), lo, hi, &v));
  *out = v;
  return absl::OkStatus();
}

std::string FormatDuration(Micros d) {
  const int64_t us = d.value();
  if (us % 86'400'000'000 == 0 && us != 0) return Cat(us / 86'400'000'000, "d");
  if (us % 3'600'000'000 == 0 && us != 0) return Cat(us / 3'600'000'000, "h");
  if (us % 60'000'000 == 0 && us != 0) return Cat(us / 60'000'000, "m");
  if (us % 1'000'000 == 0) return Cat(us / 1'000'000, "s");
  if (us % 1'000 == 0) return Cat(us / 1'000, "ms");
  return Cat(us, "us");
}

Status ReadDuration(const Map& m, std::string_view key, Micros lo, Micros hi, Micros* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  const std::string path = m.Path(key);
  GW_RETURN_IF_ERROR(ExpectScalar(m.err(), *n, path, "a duration string (e.g. \"10s\")"));
  StatusOr<Micros> d = ParseDuration(n->Scalar());
  if (!d.ok()) return m.err().At(*n, path, Sv(d.status().message()));
  if (*d < lo || *d > hi) {
    return m.err().At(
        *n, path, Cat(n->Scalar(), " out of range ", FormatDuration(lo), "..", FormatDuration(hi)));
  }
  *out = *d;
  return absl::OkStatus();
}

Status ParseSizeNode(const Errors& err, const YAML::Node& n, std::string_view path, int64_t lo,
                     int64_t hi, int64_t* out) {
  GW_RETURN_IF_ERROR(ExpectScalar(err, n, path, "a size (bytes, or e.g. \"4MiB\")"));
  StatusOr<int64_t> v = ParseSize(n.Scalar());
  if (!v.ok()) return err.At(n, path, Sv(v.status().message()));
  if (*v < lo || *v > hi) {
    return err.At(n, path, Cat(n.Scalar(), " out of range ", lo, "..", hi, " bytes"));
  }
  *out = *v;
  return absl::OkStatus();
}

Status ReadSize(const Map& m, std::string_view key, int64_t lo, int64_t hi, int64_t* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  return ParseSizeNode(m.err(), *n, m.Path(key), lo, hi, out);
}

Status ReadOptSize(const Map& m, std::string_view key, std::optional<int64_t>* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  int64_t v = 0;
  GW_RETURN_IF_ERROR(ParseSizeNode(m.err(), *n, m.Path(key), 0, INT64_MAX, &v));
  *out = v;
  return absl::OkStatus();
}

Status ReadMoney(const Map& m, std::string_view key, UsdMicros* out, bool required = false) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return required ? m.Missing(key) : absl::OkStatus();
  const std::string path = m.Path(key);
  GW_RETURN_IF_ERROR(ExpectScalar(m.err(), *n, path, "an amount in USD (e.g. \"2.50\")"));
  StatusOr<UsdMicros> v = ParseUsd(n->Scalar());
  if (!v.ok()) return m.err().At(*n, path, Sv(v.status().message()));
  *out = *v;
  return absl::OkStatus();
}

Status ReadStringList(const Map& m, std::string_view key, std::vector<std::string>* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  const std::string path = m.Path(key);
  out->clear();
  if (n->IsNull()) return absl::OkStatus();
  if (!n->IsSequence()) {
    return m.err().At(*n, path, Cat("expected a sequence of strings, got ", KindName(*n)));
  }
  for (size_t i = 0; i < n->size(); ++i) {
    std::string s;
    GW_RETURN_IF_ERROR(ScalarToString(m.err(), (*n)[i], ItemPath(path, i), &s));
    out->push_back(std::move(s));
  }
  return absl::OkStatus();
}

// A sequence node (null = empty); error for anything else.
StatusOr<std::vector<YAML::Node>> ReadSequence(const Errors& err, const YAML::Node* n,
                                               std::string_view path) {
  std::vector<YAML::Node> items;
  if (n == nullptr || n->IsNull()) return items;
  if (!n->IsSequence()) {
    return err.At(*n, path, Cat("expected a sequence, got ", KindName(*n)));
  }
  for (size_t i = 0; i < n->size(); ++i) items.push_back((*n)[i]);
  return items;
}

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

template <typename E, size_t N>
Status ReadEnum(const Map& m, std::string_view key, const EnumName<E> (&table)[N], E* out,
                bool required = false) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return required ? m.Missing(key) : absl::OkStatus();
  const std::string path = m.Path(key);
  GW_RETURN_IF_ERROR(ExpectScalar(m.err(), *n, path, "a string"));
  std::vector<std::string_view> names;
  for (const EnumName<E>& e : table) {
    if (e.name == n->Scalar()) {
      *out = e.value;
      return absl::OkStatus();
    }
    names.push_back(e.name);
  }
  return m.err().At(*n, path, Cat("bad value ", Quote(n->Scalar()), "; allowed: ", Join(names)));
}

Status ReadChoice(const Map& m, std::string_view key, const std::vector<std::string_view>& allowed,
                  std::string* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  const std::string path = m.Path(key);
  GW_RETURN_IF_ERROR(ExpectScalar(m.err(), *n, path, "a string"));
  for (std::string_view a : allowed) {
    if (a == n->Scalar()) {
      *out = n->Scalar();
      return absl::OkStatus();
    }
  }
  return m.err().At(*n, path, Cat("bad value ", Quote(n->Scalar()), "; allowed: ", Join(allowed)));
}

// Reads a secret: "${ENV_VAR}", "file:/path", or a literal (warned about). The value never
// appears in an error or log line.
Status ReadSecret(const Map& m, std::string_view key, Secret* out) {
  const YAML::Node* n = m.Find(key);
  if (n == nullptr) return absl::OkStatus();
  const std::string path = m.Path(key);
  if (!n->IsScalar()) {
    return m.err().At(*n, path, Cat("expected a string, got ", KindName(*n)));
  }
  const std::string& v = n->Scalar();
  if (std::string_view(v).starts_with("${")) {
    const bool shape =
        v.size() > 3 && v.back() == '}' &&
        v.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_", 2) ==
            v.size() - 1 &&
        !(v[2] >= '0' && v[2] <= '9');
    if (!shape) {
      return m.err().At(*n, path, "malformed environment reference; expected ${NAME}");
    }
    const std::string var = v.substr(2, v.size() - 3);
    const char* env = std::getenv(var.c_str());
    if (env == nullptr) {
      return m.err().At(*n, path, Cat("environment variable ", var, " is not set"));
    }
    if (*env == '\0') {
      return m.err().At(*n, path, Cat("environment variable ", var, " is empty"));
    }
    *out = Secret(env);
    return absl::OkStatus();
  }
  if (std::string_view(v).starts_with("file:")) {
    const std::string file = v.substr(5);
    if (file.empty()) return m.err().At(*n, path, "empty path after \"file:\"");
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return m.err().At(*n, path,
                        Cat("cannot read secret file ", Quote(file), ": ", std::strerror(errno)));
    }
    struct stat st;
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd);
      return m.err().At(*n, path, Cat("secret file ", Quote(file), " is not a regular file"));
    }
    if ((st.st_mode & 077) != 0) {
      ::close(fd);
      return m.err().At(*n, path,
                        Cat("secret file ", Quote(file), " is accessible by group or others (mode ",
                            OctalMode(st.st_mode), "); chmod 600 it"));
    }
    std::string data;
    char buf[4096];
    for (;;) {
      const ssize_t r = ::read(fd, buf, sizeof buf);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        const int e = errno;
        ::close(fd);
        return m.err().At(*n, path,
                          Cat("cannot read secret file ", Quote(file), ": ", std::strerror(e)));
      }
      if (r == 0) break;
      data.append(buf, static_cast<size_t>(r));
      if (static_cast<int64_t>(data.size()) > kMaxSecretFileBytes) {
        ::close(fd);
        return m.err().At(
            *n, path,
            Cat("secret file ", Quote(file), " is larger than ", kMaxSecretFileBytes, " bytes"));
      }
    }
    ::close(fd);
    while (!data.empty() && (data.back() == '\n' || data.back() == '\r')) data.pop_back();
    if (data.empty()) {
      return m.err().At(*n, path, Cat("secret file ", Quote(file), " is empty"));
    }
    *out = Secret(std::move(data));
    return absl::OkStatus();
  }
  if (!v.empty()) {
    log::Warn("-",
              "config {}:{}: {}: literal secret in the config file; use ${{ENV_VAR}} or "
              "file:/path",
              m.err().source(), n->Mark().line + 1, path);
  }
  *out = Secret(v);
  return absl::OkStatus();
}

// Names must be unique within a list (adapters, rules, budgets, ...).
class NameSet {
 public:
  Status Add(const Errors& err, const YAML::Node& at, std::string_view path,
             const std::string& name) {
    auto [it, inserted] = lines_.emplace(name, at.Mark().line + 1);
    if (!inserted) {
      return err.At(at, path,
                    Cat("duplicate name ", Quote(name), " (first at line ", it->second, ")"));
    }
    return absl::OkStatus();
  }
  bool Contains(const std::string& name) const { return lines_.count(name) != 0; }
  std::vector<std::string_view> Names() const {
    std::vector<std::string_view> v;
    for (const auto& [k, line] : lines_) v.push_back(k);
    return v;
  }

 private:
  std::map<std::string, int> lines_;
};

// ----- enums ------------------------------------------------------------------------------------

constexpr EnumName<RuleAction> kRuleActions[] = {
    {"local_only", RuleAction::kLocalOnly},
    {"allow_cloud", RuleAction::kAllowCloud},
    {"redact_then_cloud", RuleAction::kRedactThenCloud},
    {"deny", RuleAction::kDeny}};
constexpr EnumName<BudgetScope> kScopes[] = {
    {"user", BudgetScope::kUser}, {"group", BudgetScope::kGroup}, {"org", BudgetScope::kOrg}};
constexpr EnumName<BudgetWindow> kWindows[] = {{"daily", BudgetWindow::kDaily},
                                               {"monthly", BudgetWindow::kMonthly}};
constexpr EnumName<AtCapAction> kAtCap[] = {{"deny", AtCapAction::kDeny},
                                            {"degrade_local", AtCapAction::kDegradeLocal}};
constexpr EnumName<ContentCapture> kCapture[] = {{"none", ContentCapture::kNone},
                                                 {"digest", ContentCapture::kDigest},
                                                 {"encrypted", ContentCapture::kEncrypted}};

const std::vector<std::string_view>& BuiltinDetectors() {
  static const std::vector<std::string_view> k = {
      "email",       "phone",         "credit_card", "iban",           "us_ssn",
      "ip_address",  "date_of_birth", "aws_key",     "google_api_key", "github_token",
      "slack_token", "openai_key",    "jwt",         "private_key",    "password_assignment"};
  return k;
}

const std::vector<std::string_view>& AdapterTypes() {
  static const std::vector<std::string_view> k = {"openai", "anthropic", "azure_openai", "gemini",
                                                  "openai_compatible"};
  return k;
}

// ----- the loader -------------------------------------------------------------------------------

// A reference to an adapter name, checked once every adapter is known.
struct AdapterRef {
  std::string name;
  YAML::Node node;
  std::string path;
  std::string self;  // the referring adapter's own name (fallback), else empty
};

class Loader {
 public:
  explicit Loader(std::string_view source) : err_(source) {}

  Status Load(const YAML::Node& root, Config* c) {
    GW_ASSIGN_OR_RETURN(
        Map top, Map::Open(err_, root, "",
                           {"server", "logging", "identity", "limits", "engine", "classifier",
                            "policy", "adapters", "budgets", "consent", "audit"}));
    if (const YAML::Node* n = top.Find("server")) GW_RETURN_IF_ERROR(Server(*n, &c->server));
    if (const YAML::Node* n = top.Find("logging")) GW_RETURN_IF_ERROR(Logging(*n, &c->logging));
    if (const YAML::Node* n = top.Find("identity")) {
      GW_RETURN_IF_ERROR(Identity(*n, &c->identity));
    }
    if (const YAML::Node* n = top.Find("limits")) GW_RETURN_IF_ERROR(Limits(*n, &c->limits));
    if (const YAML::Node* n = top.Find("engine")) GW_RETURN_IF_ERROR(Engine(*n, &c->engine));
    if (const YAML::Node* n = top.Find("classifier")) {
      GW_RETURN_IF_ERROR(Classifier(*n, &c->classifier));
    }
    GW_RETURN_IF_ERROR(Adapters(top.Find("adapters"), &c->adapters));
    if (const YAML::Node* n = top.Find("policy")) GW_RETURN_IF_ERROR(Policy(*n, &c->policy));
    if (const YAML::Node* n = top.Find("budgets")) GW_RETURN_IF_ERROR(Budgets(*n, &c->budgets));
    if (const YAML::Node* n = top.Find("consent")) GW_RETURN_IF_ERROR(Consent(*n, &c->consent));
    if (const YAML::Node* n = top.Find("audit")) GW_RETURN_IF_ERROR(Audit(*n, &c->audit));
    return CheckAdapterRefs();
  }

 private:
  // ----- server -----
  Status Server(const YAML::Node& node, ServerConfig* s) {
    GW_ASSIGN_OR_RETURN(Map m, Map::Open(err_, node, "server",
                                         {"unix_socket", "tcp", "state_dir", "drain_timeout",
                                          "max_receive_message_bytes"}));
    if (const YAML::Node* n = m.Find("unix_socket")) {
      GW_ASSIGN_OR_RETURN(
          Map u, Map::Open(err_, *n, m.Path("unix_socket"), {"enabled", "path", "mode", "group"}));
      GW_RETURN_IF_ERROR(ReadBool(u, "enabled", &s->unix_socket.enabled));
      GW_RETURN_IF_ERROR(ReadString(u, "path", &s->unix_socket.path));
      if (const YAML::Node* mode = u.Find("mode")) {
        GW_RETURN_IF_ERROR(ExpectScalar(err_, *mode, u.Path("mode"), "an octal string"));
        StatusOr<uint32_t> v = internal::ParseOctalMode(mode->Scalar());
        if (!v.ok()) return err_.At(*mode, u.Path("mode"), Sv(v.status().message()));
        s->unix_socket.mode = *v;
      }
      GW_RETURN_IF_ERROR(ReadString(u, "group", &s->unix_socket.group));
    }
    if (const YAML::Node* n = m.Find("tcp")) GW_RETURN_IF_ERROR(Tcp(*n, m.Path("tcp"), &s->tcp));
    GW_RETURN_IF_ERROR(ReadString(m, "state_dir", &s->state_dir));
    GW_RETURN_IF_ERROR(
        ReadDuration(m, "drain_timeout", Micros(0), Micros(3'600'000'000), &s->drain_timeout));
    GW_RETURN_IF_ERROR(ReadSize(m, "max_receive_message_bytes", 1024, int64_t{1} << 30,
                                &s->max_receive_message_bytes));
    if (!s->unix_socket.enabled && !s->tcp.enabled) {
      return err_.At(node, "server",
                     "no listener enabled; enable server.unix_socket or server.tcp");
    }
    return absl::OkStatus();
  }

  Status Tcp(const YAML::Node& node, const std::string& path, TcpConfig* t) {
    GW_ASSIGN_OR_RETURN(Map m, Map::Open(err_, node, path, {"enabled", "address", "tls"}));
    GW_RETURN_IF_ERROR(ReadBool(m, "enabled", &t->enabled));
    GW_RETURN_IF_ERROR(ReadString(m, "address", &t->address));
    const YAML::Node* addr = m.Find("address");
    const YAML::Node& at = addr != nullptr ? *addr : node;
    StatusOr<internal::HostPort> hp = internal::ParseHostPort(t->address);
    if (!hp.ok()) return err_.At(at, m.Path("address"), Sv(hp.status().message()));
    if (const YAML::Node* n = m.Find("tls")) {
      GW_ASSIGN_OR_RETURN(
          Map tm, Map::Open(err_, *n, m.Path("tls"),
                            {"cert_file", "key_file", "client_ca_file", "require_client_cert"}));
      TlsConfig tls;
      GW_RETURN_IF_ERROR(ReadRequiredString(tm, "cert_file", &tls.cert_file));
      GW_RETURN_IF_ERROR(ReadRequiredString(tm, "key_file", &tls.key_file));
      GW_RETURN_IF_ERROR(ReadString(tm, "client_ca_file", &tls.client_ca_file));
      GW_RETURN_IF_ERROR(ReadBool(tm, "require_client_cert", &tls.require_client_cert));
      if (tls.require_client_cert && tls.client_ca_file.empty()) {
        return err_.At(*tm.Find("require_client_cert"), tm.Path("require_client_cert"),
                       "require_client_cert needs client_ca_file");
      }
      t->tls = std::move(tls);
    }
    if (t->enabled && !t->tls.has_value() && !internal::IsLoopbackHost(hp->host)) {
      return err_.At(at, m.Path("address"),
                     Cat("non-loopback address ", Quote(t->address), " requires ", m.Path("tls")));
    }
    return absl::OkStatus();
  }

  // ----- logging -----
  Status Logging(const YAML::Node& node, LoggingConfig* l) {
    GW_ASSIGN_OR_RETURN(Map m, Map::Open(err_, node, "logging", {"format", "level"}));
    GW_RETURN_IF_ERROR(ReadChoice(m, "format", {"text", "json"}, &l->format));
    GW_RETURN_IF_ERROR(
        ReadChoice(m, "level", {"trace", "debug", "info", "warn", "error", "off"}, &l->level));
    return absl::OkStatus();
  }

  // ----- identity -----
  Status Identity(const YAML::Node& node, IdentityConfig* id) {
    GW_ASSIGN_OR_RETURN(
        Map m, Map::Open(err_, node, "identity",
                         {"admin_users", "admin_groups", "tokens", "mtls_principal_from"}));
    GW_RETURN_IF_ERROR(ReadStringList(m, "admin_users", &id->admin_users));
    GW_RETURN_IF_ERROR(ReadStringList(m, "admin_groups", &id->admin_groups));
    GW_RETURN_IF_ERROR(
        ReadChoice(m, "mtls_principal_from", {"common_name", "san"}, &id->mtls_principal_from));
    GW_ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                        ReadSequence(err_, m.Find("tokens"), m.Path("tokens")));
    NameSet names;
    std::unordered_map<std::string, size_t> token_index;  // token value → first index
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string path = ItemPath(m.Path("tokens"), i);
      GW_ASSIGN_OR_RETURN(Map t,
                          Map::Open(err_, items[i], path, {"name", "token", "groups", "admin"}));
      TokenConfig tc;
      GW_RETURN_IF_ERROR(ReadRequiredString(t, "name", &tc.name));
      GW_RETURN_IF_ERROR(names.Add(err_, *t.Find("name"), t.Path("name"), tc.name));
      if (t.Find("token") == nullptr) return t.Missing("token");
      GW_RETURN_IF_ERROR(ReadSecret(t, "token", &tc.token));
      if (tc.token.empty()) return err_.At(*t.Find("token"), t.Path("token"), "must not be empty");
      const auto [prev, inserted] = token_index.emplace(tc.token.Reveal(), i);
      if (!inserted) {
        return err_.At(*t.Find("token"), t.Path("token"),
                       Cat("same token as ", ItemPath(m.Path("tokens"), prev->second)));
      }
      GW_RETURN_IF_ERROR(ReadStringList(t, "groups", &tc.groups));
      GW_RETURN_IF_ERROR(ReadBool(t, "admin", &tc.admin));
      id->tokens.push_back(std::move(tc));
    }
    return absl::OkStatus();
  }

  // ----- limits -----
  Status Limits(const YAML::Node& node, LimitsConfig* l) {
    GW_ASSIGN_OR_RETURN(Map m, Map::Open(err_, node, "limits",
                                         {"max_concurrent_streams_per_principal",
                                          "max_request_bytes", "max_prompt_bytes", "max_messages",
                                          "default_max_tokens", "max_max_tokens"}));
    GW_RETURN_IF_ERROR(ReadInt(m, "max_concurrent_streams_per_principal", 1, 100000,
                               &l->max_concurrent_streams_per_principal));
    GW_RETURN_IF_ERROR(
        ReadSize(m, "max_request_bytes", 1, int64_t{1} << 30, &l->max_request_bytes));
    GW_RETURN_IF_ERROR(ReadSize(m, "max_prompt_bytes", 1, int64_t{1} << 30, &l->max_prompt_bytes));
    GW_RETURN_IF_ERROR(ReadInt(m, "max_messages", 1, 1'000'000, &l->max_messages));
    GW_RETURN_IF_ERROR(ReadInt(m, "max_max_tokens", 1, 10'000'000, &l->max_max_tokens));
    GW_RETURN_IF_ERROR(
        ReadInt(m, "default_max_tokens", 1, l->max_max_tokens, &l->default_max_tokens));
    if (l->default_max_tokens > l->max_max_tokens) {
      return err_.At(node, m.Path("default_max_tokens"),
                     Cat(l->default_max_tokens, " exceeds max_max_tokens ", l->max_max_tokens));
    }
    return absl::OkStatus();
  }

  // ----- engine, classifier -----
  Status Engine(const YAML::Node& node, EngineConfig* e) {
    GW_ASSIGN_OR_RETURN(Map m, Map::Open(err_, node, "engine",
                                         {"model_path", "model_name", "threads", "context_length",
                                          "max_concurrency", "max_queue_depth"}));
    GW_RETURN_IF_ERROR(ReadString(m, "model_path", &e->model_path));
    GW_RETURN_IF_ERROR(ReadString(m, "model_name", &e->model_name));
    GW_RETURN_IF_ERROR(ReadInt(m, "threads", 0, 1024, &e->threads));
    GW_RETURN_IF_ERROR(ReadInt(m, "context_length", 0, int64_t{1} << 24, &e->context_length));
    GW_RETURN_IF_ERROR(ReadInt(m, "max_concurrency", 1, 1024, &e->max_concurrency));
    GW_RETURN_IF_ERROR(ReadInt(m, "max_queue_depth", 0, 1'000'000, &e->max_queue_depth));
    return absl::OkStatus();
  }

  Status Classifier(const YAML::Node& node, ClassifierConfig* c) {
    GW_ASSIGN_OR_RETURN(Map m,
                        Map::Open(err_, node, "classifier",
                                  {"model_path", "complexity_threshold", "local_queue_threshold"}));
    GW_RETURN_IF_ERROR(ReadString(m, "model_path", &c->model_path));
    GW_RETURN_IF_ERROR(ReadNumber(m, "complexity_threshold", 0, 1, &c->complexity_threshold));
    GW_RETURN_IF_ERROR(
        ReadInt(m, "local_queue_threshold", 0, 1'000'000, &c->local_queue_threshold));
    return absl::OkStatus();
  }

  // ----- adapters -----
  Status Adapters(const YAML::Node* node, std::vector<AdapterConfig>* out) {
    GW_ASSIGN_OR_RETURN(std::vector<YAML::Node> items, ReadSequence(err_, node, "adapters"));
    for (size_t i = 0; i < items.size(); ++i) {
      AdapterConfig a;
      GW_RETURN_IF_ERROR(Adapter(items[i], ItemPath("adapters", i), &a));
      out->push_back(std::move(a));
    }
    return absl::OkStatus();
  }

  Status Adapter(const YAML::Node& node, const std::string& path, AdapterConfig* a) {
    GW_ASSIGN_OR_RETURN(
        Map m,
        Map::Open(err_, node, path,
                  {"name", "type", "base_url", "model", "api_key", "deployment", "api_version",
                   "provider", "region", "jurisdiction", "retention_days", "zero_data_retention",
                   "pricing", "timeouts", "ca_file", "proxy", "max_retries", "fallback"}));
    a->line = node.Mark().line + 1;
    GW_RETURN_IF_ERROR(ReadRequiredString(m, "name", &a->name));
    GW_RETURN_IF_ERROR(adapter_names_.Add(err_, *m.Find("name"), m.Path("name"), a->name));
    if (m.Find("type") == nullptr) return m.Missing("type");
    GW_RETURN_IF_ERROR(ReadChoice(m, "type", AdapterTypes(), &a->type));
    GW_RETURN_IF_ERROR(ReadString(m, "base_url", &a->base_url));
    GW_RETURN_IF_ERROR(ReadString(m, "model", &a->model));
    GW_RETURN_IF_ERROR(ReadSecret(m, "api_key", &a->api_key));
    GW_RETURN_IF_ERROR(ReadString(m, "deployment", &a->deployment));
    GW_RETURN_IF_ERROR(ReadString(m, "api_version", &a->api_version));
    GW_RETURN_IF_ERROR(ReadString(m, "provider", &a->provider));
    GW_RETURN_IF_ERROR(ReadString(m, "region", &a->region));
    GW_RETURN_IF_ERROR(ReadString(m, "jurisdiction", &a->jurisdiction));
    GW_RETURN_IF_ERROR(ReadInt(m, "retention_days", 0, 36500, &a->retention_days));
    GW_RETURN_IF_ERROR(ReadBool(m, "zero_data_retention", &a->zero_data_retention));
    GW_RETURN_IF_ERROR(ReadString(m, "ca_file", &a->ca_file));
    GW_RETURN_IF_ERROR(ReadString(m, "proxy", &a->proxy));
    GW_RETURN_IF_ERROR(ReadInt(m, "max_retries", 0, 10, &a->max_retries));

    if (const YAML::Node* n = m.Find("pricing")) {
      GW_ASSIGN_OR_RETURN(
          Map p, Map::Open(err_, *n, m.Path("pricing"),
                           {"input_per_mtok", "output_per_mtok", "cached_input_per_mtok"}));
      GW_RETURN_IF_ERROR(ReadMoney(p, "input_per_mtok", &a->pricing.input_per_mtok));
      GW_RETURN_IF_ERROR(ReadMoney(p, "output_per_mtok", &a->pricing.output_per_mtok));
      a->pricing.cached_input_per_mtok = a->pricing.input_per_mtok;
      GW_RETURN_IF_ERROR(ReadMoney(p, "cached_input_per_mtok", &a->pricing.cached_input_per_mtok));
    }
    if (const YAML::Node* n = m.Find("timeouts")) {
      GW_ASSIGN_OR_RETURN(Map t, Map::Open(err_, *n, m.Path("timeouts"),
                                           {"connect", "first_byte", "idle", "total"}));
      const Micros lo(1'000);
      const Micros hi(86'400'000'000);
      GW_RETURN_IF_ERROR(ReadDuration(t, "connect", lo, hi, &a->timeouts.connect));
      GW_RETURN_IF_ERROR(ReadDuration(t, "first_byte", lo, hi, &a->timeouts.first_byte));
      GW_RETURN_IF_ERROR(ReadDuration(t, "idle", lo, hi, &a->timeouts.idle));
      GW_RETURN_IF_ERROR(ReadDuration(t, "total", lo, hi, &a->timeouts.total));
    }
    GW_ASSIGN_OR_RETURN(std::vector<YAML::Node> fb,
                        ReadSequence(err_, m.Find("fallback"), m.Path("fallback")));
    for (size_t i = 0; i < fb.size(); ++i) {
      std::string name;
      GW_RETURN_IF_ERROR(ScalarToString(err_, fb[i], ItemPath(m.Path("fallback"), i), &name));
      refs_.push_back(AdapterRef{name, fb[i], ItemPath(m.Path("fallback"), i), a->name});
      a->fallback.push_back(std::move(name));
    }

    // Per-type requirements and defaults.
    if (a->type == "azure_openai") {
      if (a->deployment.empty()) return m.Missing("deployment");
      if (a->api_version.empty()) return m.Missing("api_version");
      if (a->base_url.empty()) return m.Missing("base_url");
    } else if (a->model.empty()) {
      return m.Missing("model");
    }
    if (a->type == "openai_compatible" && a->base_url.empty()) return m.Missing("base_url");
    if (a->type != "openai_compatible" && m.Find("api_key") == nullptr) {
      return m.Missing("api_key");
    }
    if (a->base_url.empty()) {
      if (a->type == "openai") a->base_url = "https://api.openai.com/v1";
      if (a->type == "anthropic") a->base_url = "https://api.anthropic.com";
      if (a->type == "gemini") a->base_url = "https://generativelanguage.googleapis.com";
    } else if (!std::string_view(a->base_url).starts_with("https://") &&
               !std::string_view(a->base_url).starts_with("http://")) {
      return err_.At(*m.Find("base_url"), m.Path("base_url"),
                     Cat("expected an http:// or https:// URL, got ", Quote(a->base_url)));
    }
    if (!a->proxy.empty() && !std::string_view(a->proxy).starts_with("http://") &&
        !std::string_view(a->proxy).starts_with("https://")) {
      return err_.At(*m.Find("proxy"), m.Path("proxy"),
                     Cat("expected an http:// or https:// URL, got ", Quote(a->proxy)));
    }
    if (a->provider.empty()) {
      if (a->type == "azure_openai") {
        a->provider = "azure";
      } else if (a->type == "gemini") {
        a->provider = "google";
      } else {
        a->provider = a->type;
      }
    }
    return absl::OkStatus();
  }

  Status CheckAdapterRefs() const {
    for (const AdapterRef& r : refs_) {
      if (!adapter_names_.Contains(r.name)) {
        return err_.At(r.node, r.path, UnknownAdapter(r.name));
      }
      if (!r.self.empty() && r.self == r.name) {
        return err_.At(r.node, r.path, "an adapter cannot fall back to itself");
      }
    }
    return absl::OkStatus();
  }

  std::string UnknownAdapter(const std::string& name) const {
    const std::vector<std::string_view> known = adapter_names_.Names();
    return Cat("unknown adapter ", Quote(name), " (known: ", known.empty() ? "none" : Join(known),
               ")");
  }

  // Collects adapter names at `key` of `m`; the check runs once all adapters are known.
  Status AdapterList(const Map& m, std::string_view key, std::vector<std::string>* out) {
    GW_RETURN_IF_ERROR(ReadStringList(m, key, out));
    if (out->empty()) return absl::OkStatus();
    const YAML::Node& seq = *m.Find(key);
    for (size_t i = 0; i < out->size(); ++i) {
      refs_.push_back(AdapterRef{(*out)[i], seq[i], ItemPath(m.Path(key), i), ""});
    }
    return absl::OkStatus();
  }

  // ----- policy -----
  Status DataClass(const Map& m, std::string_view key, std::string* out) {
    const YAML::Node* n = m.Find(key);
    if (n == nullptr) return absl::OkStatus();
    GW_RETURN_IF_ERROR(ScalarToString(err_, *n, m.Path(key), out));
    return CheckClass(*n, m.Path(key), *out);
  }

  Status CheckClass(const YAML::Node& at, std::string_view path, const std::string& cls) const {
    for (const std::string& c : classes_) {
      if (c == cls) return absl::OkStatus();
    }
    std::vector<std::string_view> v(classes_.begin(), classes_.end());
    return err_.At(at, path, Cat("unknown data class ", Quote(cls), " (known: ", Join(v), ")"));
  }

  Status Policy(const YAML::Node& node, PolicyConfig* p) {
    GW_ASSIGN_OR_RETURN(
        Map m, Map::Open(err_, node, "policy",
                         {"enabled", "data_classes", "default_class", "detectors", "rules"}));
    GW_RETURN_IF_ERROR(ReadBool(m, "enabled", &p->enabled));
    GW_RETURN_IF_ERROR(ReadStringList(m, "data_classes", &p->data_classes));
    if (const YAML::Node* n = m.Find("data_classes")) {
      if (p->data_classes.empty()) {
        return err_.At(*n, m.Path("data_classes"), "must list at least one data class");
      }
      NameSet seen;
      for (size_t i = 0; i < p->data_classes.size(); ++i) {
        const std::string ip = ItemPath(m.Path("data_classes"), i);
        if (p->data_classes[i].empty()) return err_.At((*n)[i], ip, "must not be empty");
        GW_RETURN_IF_ERROR(seen.Add(err_, (*n)[i], ip, p->data_classes[i]));
      }
    }
    classes_ = p->data_classes;
    if (m.Find("default_class") != nullptr) {
      GW_RETURN_IF_ERROR(DataClass(m, "default_class", &p->default_class));
    } else {
      p->default_class = classes_.front();
    }
    if (const YAML::Node* n = m.Find("detectors")) {
      GW_RETURN_IF_ERROR(Detectors(*n, m.Path("detectors"), &p->detectors));
    }
    GW_ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                        ReadSequence(err_, m.Find("rules"), m.Path("rules")));
    NameSet ids;
    for (size_t i = 0; i < items.size(); ++i) {
      RuleConfig r;
      GW_RETURN_IF_ERROR(Rule(items[i], ItemPath(m.Path("rules"), i), &ids, &r));
      p->rules.push_back(std::move(r));
    }
    if (p->enabled) {
      if (items.empty()) {
        const YAML::Node* rn = m.Find("rules");
        return err_.At(rn != nullptr ? *rn : node, m.Path("rules"),
                       "policy is enabled but has no rules; the last rule must match everything "
                       "(empty match)");
      }
      if (!match_empty_.back()) {
        return err_.At(items.back(), ItemPath(m.Path("rules"), items.size() - 1),
                       "the last rule must match everything (empty match) so every request "
                       "gets a decision");
      }
    }
    return absl::OkStatus();
  }

  Status Detectors(const YAML::Node& node, const std::string& path, DetectorsConfig* d) {
    GW_ASSIGN_OR_RETURN(
        Map m, Map::Open(err_, node, path,
                         {"builtin_all", "builtin", "builtin_classes", "regexes", "dictionaries"}));
    GW_RETURN_IF_ERROR(ReadBool(m, "builtin_all", &d->builtin_all));
    GW_RETURN_IF_ERROR(ReadStringList(m, "builtin", &d->builtin));
    for (size_t i = 0; i < d->builtin.size(); ++i) {
      GW_RETURN_IF_ERROR(
          CheckBuiltin((*m.Find("builtin"))[i], ItemPath(m.Path("builtin"), i), d->builtin[i]));
    }
    if (const YAML::Node* n = m.Find("builtin_classes")) {
      if (!n->IsNull() && !n->IsMap()) {
        return err_.At(*n, m.Path("builtin_classes"),
                       Cat("expected a mapping, got ", KindName(*n)));
      }
      if (n->IsMap()) {
        for (auto it = n->begin(); it != n->end(); ++it) {
          const YAML::Node key_node = it->first;  // copies (see Map::Open)
          const YAML::Node value_node = it->second;
          std::string k;
          GW_RETURN_IF_ERROR(ScalarToString(err_, key_node, m.Path("builtin_classes"), &k));
          const std::string kp = ChildPath(m.Path("builtin_classes"), internal::Escape(k));
          GW_RETURN_IF_ERROR(CheckBuiltin(key_node, kp, k));
          if (d->builtin_classes.count(k) != 0) return err_.At(key_node, kp, "duplicate key");
          std::string v;
          GW_RETURN_IF_ERROR(ScalarToString(err_, value_node, kp, &v));
          GW_RETURN_IF_ERROR(CheckClass(value_node, kp, v));
          d->builtin_classes.emplace(std::move(k), std::move(v));
        }
      }
    }
    NameSet ids;
    GW_ASSIGN_OR_RETURN(std::vector<YAML::Node> rx,
                        ReadSequence(err_, m.Find("regexes"), m.Path("regexes")));
    for (size_t i = 0; i < rx.size(); ++i) {
      const std::string ip = ItemPath(m.Path("regexes"), i);
      GW_ASSIGN_OR_RETURN(
          Map r, Map::Open(err_, rx[i], ip, {"id", "pattern", "finding_type", "data_class"}));
      CustomRegexConfig c;
      c.line = rx[i].Mark().line + 1;
      GW_RETURN_IF_ERROR(ReadRequiredString(r, "id", &c.id));
      GW_RETURN_IF_ERROR(ids.Add(err_, *r.Find("id"), r.Path("id"), c.id));
      GW_RETURN_IF_ERROR(ReadRequiredString(r, "pattern", &c.pattern));
      RE2::Options opts;
      opts.set_log_errors(false);
      RE2 re(c.pattern, opts);
      if (!re.ok()) {
        return err_.At(*r.Find("pattern"), r.Path("pattern"),
                       Cat("invalid RE2 pattern: ", re.error()));
      }
      GW_RETURN_IF_ERROR(ReadRequiredString(r, "finding_type", &c.finding_type));
      if (r.Find("data_class") == nullptr) return r.Missing("data_class");
      GW_RETURN_IF_ERROR(DataClass(r, "data_class", &c.data_class));
      d->regexes.push_back(std::move(c));
    }
    GW_ASSIGN_OR_RETURN(std::vector<YAML::Node> dx,
                        ReadSequence(err_, m.Find("dictionaries"), m.Path("dictionaries")));
    for (size_t i = 0; i < dx.size(); ++i) {
      const std::string ip = ItemPath(m.Path("dictionaries"), i);
      GW_ASSIGN_OR_RETURN(Map r, Map::Open(err_, dx[i], ip,
                                           {"id", "terms", "terms_file", "finding_type",
                                            "data_class", "case_sensitive"}));
      DictionaryConfig c;
      c.line = dx[i].Mark().line + 1;
      GW_RETURN_IF_ERROR(ReadRequiredString(r, "id", &c.id));
      GW_RETURN_IF_ERROR(ids.Add(err_, *r.Find("id"), r.Path("id"), c.id));
      GW_RETURN_IF_ERROR(ReadStringList(r, "terms", &c.terms));
      GW_RETURN_IF_ERROR(ReadString(r, "terms_file", &c.terms_file));
      if (c.terms.empty() && c.terms_file.empty()) {
        return err_.At(dx[i], r.Path("terms"), "a dictionary needs terms or terms_file");
      }
      GW_RETURN_IF_ERROR(ReadRequiredString(r, "finding_type", &c.finding_type));
      if (r.Find("data_class") == nullptr) return r.Missing("data_class");
      GW_RETURN_IF_ERROR(DataClass(r, "data_class", &c.data_class));
      GW_RETURN_IF_ERROR(ReadBool(r, "case_sensitive", &c.case_sensitive));
      d->dictionaries.push_back(std::move(c));
    }
    return absl::OkStatus();
  }

  Status CheckBuiltin(const YAML::Node& at, std::string_view path, const std::string& name) {
    for (std::string_view b : BuiltinDetectors()) {
      if (b == name) return absl::OkStatus();
    }
    return err_.At(
        at, path,
        Cat("unknown built-in detector ", Quote(name), "; allowed: ", Join(BuiltinDetectors())));
  }

  Status Rule(const YAML::Node& node, const std::string& path, NameSet* ids, RuleConfig* r) {
    GW_ASSIGN_OR_RETURN(Map m, Map::Open(err_, node, path,
                                         {"id", "description", "match", "action", "require_consent",
                                          "adapters", "constraints", "redact_reversible"}));
    r->line = node.Mark().line + 1;
    GW_RETURN_IF_ERROR(ReadRequiredString(m, "id", &r->id));
    GW_RETURN_IF_ERROR(ids->Add(err_, *m.Find("id"), m.Path("id"), r->id));
    GW_RETURN_IF_ERROR(ReadString(m, "description", &r->description));
    bool empty_match = true;
    if (const YAML::Node* n = m.Find("match")) {
      GW_ASSIGN_OR_RETURN(
          Map mm, Map::Open(err_, *n, m.Path("match"),
                            {"principals", "groups", "apps", "categories", "complexity_min",
                             "complexity_max", "data_class_min", "data_class_max", "finding_types",
                             "prompt_bytes_min", "prompt_bytes_max"}));
      RuleMatch& x = r->match;
      GW_RETURN_IF_ERROR(ReadStringList(mm, "principals", &x.principals));
      GW_RETURN_IF_ERROR(ReadStringList(mm, "groups", &x.groups));
      GW_RETURN_IF_ERROR(ReadStringList(mm, "apps", &x.apps));
      GW_RETURN_IF_ERROR(ReadStringList(mm, "categories", &x.categories));
      GW_RETURN_IF_ERROR(ReadOptNumber(mm, "complexity_min", 0, 1, &x.complexity_min));
      GW_RETURN_IF_ERROR(ReadOptNumber(mm, "complexity_max", 0, 1, &x.complexity_max));
      for (std::string_view k : {"data_class_min", "data_class_max"}) {
        if (mm.Find(k) == nullptr) continue;
        std::string cls;
        GW_RETURN_IF_ERROR(DataClass(mm, k, &cls));
        (k == "data_class_min" ? x.data_class_min : x.data_class_max) = cls;
      }
      GW_RETURN_IF_ERROR(ReadStringList(mm, "finding_types", &x.finding_types));
      GW_RETURN_IF_ERROR(ReadOptSize(mm, "prompt_bytes_min", &x.prompt_bytes_min));
      GW_RETURN_IF_ERROR(ReadOptSize(mm, "prompt_bytes_max", &x.prompt_bytes_max));
      empty_match = x.principals.empty() && x.groups.empty() && x.apps.empty() &&
                    x.categories.empty() && !x.complexity_min && !x.complexity_max &&
                    !x.data_class_min && !x.data_class_max && x.finding_types.empty() &&
                    !x.prompt_bytes_min && !x.prompt_bytes_max;
    }
    match_empty_.push_back(empty_match);
    GW_RETURN_IF_ERROR(ReadEnum(m, "action", kRuleActions, &r->action, /*required=*/true));
    GW_RETURN_IF_ERROR(ReadBool(m, "require_consent", &r->require_consent));
    if (r->require_consent && r->action != RuleAction::kAllowCloud &&
        r->action != RuleAction::kRedactThenCloud) {
      return err_.At(*m.Find("require_consent"), m.Path("require_consent"),
                     "require_consent applies only to allow_cloud and redact_then_cloud");
    }
    GW_RETURN_IF_ERROR(AdapterList(m, "adapters", &r->adapters));
    if (const YAML::Node* n = m.Find("constraints")) {
      static const std::vector<std::string_view> kAttrs = {"name",  "type",   "provider",
                                                           "model", "region", "jurisdiction"};
      if (!n->IsNull() && !n->IsMap()) {
        return err_.At(*n, m.Path("constraints"), Cat("expected a mapping, got ", KindName(*n)));
      }
      GW_ASSIGN_OR_RETURN(
          Map cm, Map::Open(err_, *n, m.Path("constraints"),
                            {"name", "type", "provider", "model", "region", "jurisdiction"}));
      for (std::string_view attr : kAttrs) {
        if (cm.Find(attr) == nullptr) continue;
        std::vector<std::string> globs;
        GW_RETURN_IF_ERROR(ReadStringList(cm, attr, &globs));
        r->constraints.emplace(std::string(attr), std::move(globs));
      }
    }
    GW_RETURN_IF_ERROR(ReadBool(m, "redact_reversible", &r->redact_reversible));
    return absl::OkStatus();
  }

  // ----- budgets -----
  Status Budgets(const YAML::Node& node, BudgetsConfig* b) {
    GW_ASSIGN_OR_RETURN(
        Map m, Map::Open(err_, node, "budgets", {"timezone", "reservation_ttl", "budgets"}));
    GW_RETURN_IF_ERROR(ReadString(m, "timezone", &b->timezone));
    if (const YAML::Node* n = m.Find("timezone")) {
      const std::string& tz = b->timezone;
      const bool ok = !tz.empty() && tz.size() <= 64 && tz.front() != '/' &&
                      tz.find("..") == std::string::npos &&
                      tz.find_first_not_of(
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                          "0123456789/_+-") == std::string::npos;
      if (!ok) {
        return err_.At(
            *n, m.Path("timezone"),
            Cat("bad time zone ", Quote(tz), ": expected an IANA name such as \"Europe/Berlin\""));
      }
    }
    GW_RETURN_IF_ERROR(ReadDuration(m, "reservation_ttl", Micros(1'000'000),
                                    Micros(7 * 86'400'000'000LL), &b->reservation_ttl));
    GW_ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                        ReadSequence(err_, m.Find("budgets"), m.Path("budgets")));
    NameSet ids;
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string path = ItemPath(m.Path("budgets"), i);
      GW_ASSIGN_OR_RETURN(Map bm,
                          Map::Open(err_, items[i], path,
                                    {"id", "scope", "subject", "window", "cap", "hard", "at_cap"}));
      BudgetConfig bc;
      bc.line = items[i].Mark().line + 1;
      GW_RETURN_IF_ERROR(ReadRequiredString(bm, "id", &bc.id));
      GW_RETURN_IF_ERROR(ids.Add(err_, *bm.Find("id"), bm.Path("id"), bc.id));
      GW_RETURN_IF_ERROR(ReadEnum(bm, "scope", kScopes, &bc.scope, /*required=*/true));
      GW_RETURN_IF_ERROR(ReadString(bm, "subject", &bc.subject));
      if (bc.scope == BudgetScope::kOrg) {
        if (!bc.subject.empty()) {
          return err_.At(*bm.Find("subject"), bm.Path("subject"), "an org budget has no subject");
        }
      } else if (bc.subject.empty()) {
        return bm.Missing("subject");
      }
      GW_RETURN_IF_ERROR(ReadEnum(bm, "window", kWindows, &bc.window));
      GW_RETURN_IF_ERROR(ReadMoney(bm, "cap", &bc.cap, /*required=*/true));
      GW_RETURN_IF_ERROR(ReadBool(bm, "hard", &bc.hard));
      GW_RETURN_IF_ERROR(ReadEnum(bm, "at_cap", kAtCap, &bc.at_cap));
      b->budgets.push_back(std::move(bc));
    }
    return absl::OkStatus();
  }

  // ----- consent -----
  Status Consent(const YAML::Node& node, ConsentConfig* c) {
    GW_ASSIGN_OR_RETURN(
        Map m, Map::Open(err_, node, "consent", {"ticket_ttl", "max_grant_duration", "pregrants"}));
    GW_RETURN_IF_ERROR(ReadDuration(m, "ticket_ttl", Micros(1'000'000),
                                    Micros(7 * 86'400'000'000LL), &c->ticket_ttl));
    GW_RETURN_IF_ERROR(ReadDuration(m, "max_grant_duration", Micros(1'000'000),
                                    Micros(3650 * 86'400'000'000LL), &c->max_grant_duration));
    GW_ASSIGN_OR_RETURN(std::vector<YAML::Node> items,
                        ReadSequence(err_, m.Find("pregrants"), m.Path("pregrants")));
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string path = ItemPath(m.Path("pregrants"), i);
      GW_ASSIGN_OR_RETURN(
          Map pm,
          Map::Open(err_, items[i], path, {"groups", "categories", "adapters", "data_class_max"}));
      PregrantConfig pg;
      GW_RETURN_IF_ERROR(ReadStringList(pm, "groups", &pg.groups));
      if (pg.groups.empty()) {
        return pm.Find("groups") != nullptr
                   ? err_.At(*pm.Find("groups"), pm.Path("groups"), "must not be empty")
                   : pm.Missing("groups");
      }
      GW_RETURN_IF_ERROR(ReadStringList(pm, "categories", &pg.categories));
      GW_RETURN_IF_ERROR(AdapterList(pm, "adapters", &pg.adapters));
      if (pm.Find("data_class_max") == nullptr) return pm.Missing("data_class_max");
      GW_RETURN_IF_ERROR(DataClass(pm, "data_class_max", &pg.data_class_max));
      c->pregrants.push_back(std::move(pg));
    }
    return absl::OkStatus();
  }

  // ----- audit -----
  Status Audit(const YAML::Node& node, AuditConfig* a) {
    GW_ASSIGN_OR_RETURN(Map m,
                        Map::Open(err_, node, "audit",
                                  {"enabled", "dir", "content_capture", "encryption_key",
                                   "group_commit_interval", "segment_max_bytes", "segment_max_age",
                                   "checkpoint_interval", "retention_days", "local_on_failure"}));
    GW_RETURN_IF_ERROR(ReadBool(m, "enabled", &a->enabled));
    GW_RETURN_IF_ERROR(ReadString(m, "dir", &a->dir));
    GW_RETURN_IF_ERROR(ReadEnum(m, "content_capture", kCapture, &a->content_capture));
    GW_RETURN_IF_ERROR(ReadSecret(m, "encryption_key", &a->encryption_key));
    if (a->content_capture == ContentCapture::kEncrypted) {
      if (m.Find("encryption_key") == nullptr) return m.Missing("encryption_key");
      const std::string& k = a->encryption_key.Reveal();
      const bool hex =
          k.size() == 64 && k.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
      if (!hex) {
        return err_.At(
            *m.Find("encryption_key"), m.Path("encryption_key"),
            Cat("expected 64 hex digits (a 32-byte AES-256 key), got ", k.size(), " characters"));
      }
    }
    GW_RETURN_IF_ERROR(ReadDuration(m, "group_commit_interval", Micros(0), Micros(10'000'000),
                                    &a->group_commit_interval));
    GW_RETURN_IF_ERROR(
        ReadSize(m, "segment_max_bytes", 4096, int64_t{1} << 40, &a->segment_max_bytes));
    GW_RETURN_IF_ERROR(ReadDuration(m, "segment_max_age", Micros(1'000'000),
                                    Micros(366 * 86'400'000'000LL), &a->segment_max_age));
    GW_RETURN_IF_ERROR(ReadDuration(m, "checkpoint_interval", Micros(1'000'000),
                                    Micros(86'400'000'000LL), &a->checkpoint_interval));
    GW_RETURN_IF_ERROR(ReadInt(m, "retention_days", 0, 36500, &a->retention_days));
    GW_RETURN_IF_ERROR(ReadBool(m, "local_on_failure", &a->local_on_failure));
    return absl::OkStatus();
  }

  Errors err_;
  NameSet adapter_names_;
  std::vector<AdapterRef> refs_;
  std::vector<std::string> classes_ = PolicyConfig().data_classes;
  std::vector<bool> match_empty_;
};

// Counts the documents in a stream without building nodes. Used instead of YAML::LoadAll, which
// in yaml-cpp 0.7 can loop forever on some malformed inputs (found by config_fuzz).
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark& mark) override { last_start_ = mark; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
  const YAML::Mark& last_start() const { return last_start_; }

 private:
  YAML::Mark last_start_ = YAML::Mark::null_mark();
};

StatusOr<Config> LoadImpl(std::string_view yaml, std::string_view source_name) {
  const Errors err(source_name);
  YAML::Node root;
  try {
    // Pass 1: the stream must hold at most one document (and be syntactically valid).
    std::istringstream in{std::string(yaml)};
    YAML::Parser parser(in);
    DocumentCounter counter;
    if (parser.HandleNextDocument(counter) && parser.HandleNextDocument(counter)) {
      return err.At(counter.last_start(), "",
                    "expected one YAML document, found a second one here");
    }
    // Pass 2: build the node tree of the first document.
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return err.At(e.mark, "", Cat("YAML syntax error: ", e.msg));
  }
  Config c;
  Loader loader(source_name);
  GW_RETURN_IF_ERROR(loader.Load(root, &c));
  c.source = std::string(source_name);
  c.digest = internal::Sha256Hex(yaml);
  return c;
}

}  // namespace

StatusOr<Config> LoadConfigFromString(std::string_view yaml, std::string_view source_name) {
  try {
    return LoadImpl(yaml, source_name);
  } catch (const YAML::Exception& e) {
    return Errors(source_name).At(e.mark, "", Cat("YAML error: ", e.msg));
  } catch (const std::exception& e) {
    return absl::InternalError(Cat(source_name, ": config loader failed: ", e.what()));
  }
}

StatusOr<Config> LoadConfigFile(const std::string& path) {
  auto fail = [&](int e) {
    return Status(absl::ErrnoToStatusCode(e), Cat(path, ": cannot read: ", std::strerror(e)));
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(errno);
  std::string data;
  char buf[16384];
  for (;;) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int e = errno;
      ::close(fd);
      return fail(e);
    }
    if (r == 0) break;
    data.append(buf, static_cast<size_t>(r));
    if (static_cast<int64_t>(data.size()) > kMaxConfigFileBytes) {
      ::close(fd);
      return absl::InvalidArgumentError(
          Cat(path, ": cannot read: larger than ", kMaxConfigFileBytes, " bytes"));
    }
  }
  ::close(fd);
  return LoadConfigFromString(data, path);
}

std::string_view EmbeddedDefaultYaml() { return internal::kDefaultYaml; }

Config DefaultConfig() {
  static const Config* const kDefault = [] {
    StatusOr<Config> c = LoadConfigFromString(internal::kDefaultYaml, kEmbeddedSource);
    GW_CHECK(c.ok());
    return new Config(*std::move(c));
  }();
  return *kDefault;
}

}  // namespace gw::config
