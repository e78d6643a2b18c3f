#include "policies/eval/presidio_eval.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace gw::policies::eval {

namespace {
struct EntityMapping {
  const char* finding_type;
  const char* entity;
};
// Our finding types -> Presidio entities (docs/policy.md has the same table).
constexpr EntityMapping kEntityMap[] = {
    {"EMAIL", "EMAIL_ADDRESS"}, {"PHONE", "PHONE_NUMBER"}, {"CARD", "CREDIT_CARD"},
    {"IBAN", "IBAN_CODE"},      {"US_SSN", "US_SSN"},      {"IP_ADDRESS", "IP_ADDRESS"},
};

// Code-point index of every byte offset of a UTF-8 string (size + 1 entries).
std::vector<int64_t> CodePointIndex(std::string_view s) {
  std::vector<int64_t> idx(s.size() + 1);
  int64_t cp = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    // A continuation byte shares the index of its lead byte.
    idx[i] = (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80 ? (cp > 0 ? cp - 1 : 0) : cp++;
  }
  idx[s.size()] = cp;
  return idx;
}

int64_t CountCodePoints(std::string_view s) { return CodePointIndex(s).back(); }
}  // namespace

std::string_view PresidioEntity(std::string_view t) {
  for (const auto& m : kEntityMap) {
    if (t == m.finding_type) return m.entity;
  }
  return {};
}

std::vector<std::string> CoveredEntities() {
  std::vector<std::string> v;
  for (const auto& m : kEntityMap) v.emplace_back(m.entity);
  std::sort(v.begin(), v.end());
  return v;
}

StatusOr<std::vector<Sample>> ParsePresidioJson(std::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  if (!doc.is_array()) return absl::InvalidArgumentError("top level is not an array");
  std::vector<Sample> out;
  out.reserve(doc.size());
  for (size_t i = 0; i < doc.size(); ++i) {
    const auto& rec = doc[i];
    auto bad = [i](std::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("record ", i, ": ", std::string(what)));
    };
    if (!rec.is_object()) return bad("not an object");
    auto t = rec.find("full_text");
    if (t == rec.end() || !t->is_string()) return bad("missing string full_text");
    auto spans = rec.find("spans");
    if (spans == rec.end() || !spans->is_array()) return bad("missing array spans");
    Sample s;
    s.text = t->get<std::string>();
    const int64_t n = CountCodePoints(s.text);
    for (const auto& sp : *spans) {
      if (!sp.is_object()) return bad("span is not an object");
      auto et = sp.find("entity_type");
      auto b = sp.find("start_position");
      auto e = sp.find("end_position");
      if (et == sp.end() || !et->is_string()) return bad("span without string entity_type");
      if (b == sp.end() || !b->is_number_integer() || e == sp.end() || !e->is_number_integer()) {
        return bad("span without integer start_position/end_position");
      }
      GoldSpan g{et->get<std::string>(), b->get<int64_t>(), e->get<int64_t>()};
      if (g.begin < 0 || g.end > n || g.begin >= g.end) return bad("span outside the text");
      s.spans.push_back(std::move(g));
    }
    out.push_back(std::move(s));
  }
  return out;
}

Report Evaluate(const Scanner& scanner, const std::vector<Sample>& samples) {
  Report r;
  const std::vector<std::string> covered = CoveredEntities();
  auto is_covered = [&covered](const std::string& e) {
    return std::binary_search(covered.begin(), covered.end(), e);
  };
  for (const Sample& s : samples) {
    const std::vector<int64_t> cp = CodePointIndex(s.text);
    std::vector<bool> used(s.spans.size(), false);
    for (const Finding& f : scanner.Scan(s.text)) {
      const std::string_view entity = PresidioEntity(f.type);
      if (entity.empty()) continue;
      const int64_t b = cp[f.begin], e = cp[f.end];
      bool hit = false;
      for (size_t k = 0; k < s.spans.size(); ++k) {
        const GoldSpan& g = s.spans[k];
        if (used[k] || g.entity != entity || g.end <= b || e <= g.begin) continue;
        used[k] = true;
        hit = true;
        break;
      }
      Score& sc = r.entities[std::string(entity)];
      ++(hit ? sc.tp : sc.fp);
    }
    for (size_t k = 0; k < s.spans.size(); ++k) {
      if (!used[k] && is_covered(s.spans[k].entity)) ++r.entities[s.spans[k].entity].fn;
    }
  }
  for (const auto& [name, sc] : r.entities) {
    r.micro.tp += sc.tp;
    r.micro.fp += sc.fp;
    r.micro.fn += sc.fn;
  }
  return r;
}

namespace {
nlohmann::json ScoreJson(const Score& s) {
  return nlohmann::json{{"precision", s.precision()},
                        {"recall", s.recall()},
                        {"f1", s.f1()},
                        {"support", s.support()}};
}
}  // namespace

std::string ReportToJson(const Report& r) {
  nlohmann::json j;
  j["entities"] = nlohmann::json::object();
  for (const auto& [name, s] : r.entities) j["entities"][name] = ScoreJson(s);
  j["micro"] = ScoreJson(r.micro);
  return j.dump(2);
}

std::string ReportToText(const Report& r) {
  std::string out;
  char line[160];
  std::snprintf(line, sizeof line, "%-16s %9s %9s %9s %8s %5s %5s %5s\n", "ENTITY", "PRECISION",
                "RECALL", "F1", "SUPPORT", "TP", "FP", "FN");
  out += line;
  auto row = [&](const std::string& name, const Score& s) {
    std::snprintf(line, sizeof line, "%-16s %9.3f %9.3f %9.3f %8lld %5lld %5lld %5lld\n",
                  name.c_str(), s.precision(), s.recall(), s.f1(),
                  static_cast<long long>(s.support()), static_cast<long long>(s.tp),
                  static_cast<long long>(s.fp), static_cast<long long>(s.fn));
    out += line;
  };
  for (const auto& [name, s] : r.entities) row(name, s);
  row("micro", r.micro);
  return out;
}

}  // namespace gw::policies::eval
