// Fuzzes policies::Scanner::Scan (every built-in detector, a dictionary, custom regexes) and the
// Redactor round trip, checking the contracts: findings sorted, non-overlapping, inside the
// text; Redact + Restore gives back the text; a placeholder split across two chunks restores.
// The first input byte also selects a split point for the streaming restore.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policies/eval/presidio_eval.h"
#include "policies/redact.h"
#include "policies/scan.h"

namespace {

const gw::policies::Scanner& GetScanner() {
  static const gw::policies::Scanner* scanner = [] {
    gw::config::DetectorsConfig cfg;
    gw::config::DictionaryConfig d;
    d.id = "codes";
    d.terms = {"falcon", "Blue Heron", "x-wing", "#tag", "proj42"};
    d.finding_type = "CODENAME";
    d.data_class = "confidential";
    cfg.dictionaries.push_back(d);
    gw::config::CustomRegexConfig r;
    r.id = "tickets";
    r.pattern = R"(\bPRJ-[0-9]{2,6}\b)";
    r.finding_type = "TICKET";
    r.data_class = "internal";
    cfg.regexes.push_back(r);
    r.id = "emp";
    r.pattern = R"((?i)emp[0-9]+)";
    r.finding_type = "EMPLOYEE";
    cfg.regexes.push_back(r);
    auto classes = gw::policies::DataClassSet::Create(
        {"public", "internal", "confidential", "restricted"}, "public");
    auto s = gw::policies::Scanner::Create(cfg, *classes);
    if (!s.ok()) std::abort();
    return s->release();
  }();
  return *scanner;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t split_hint = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto findings = GetScanner().Scan(text);
  size_t prev = 0;
  for (const auto& f : findings) {
    if (f.begin < prev || f.end <= f.begin || f.end > text.size()) std::abort();
    prev = f.end;
  }
  // Round trip, where the text has no '<' of its own (a literal "<EMAIL_1>" in the input would
  // legitimately be restored too).
  if (text.find('<') == std::string_view::npos) {
    gw::policies::Redactor r(gw::policies::RedactionMode::kReversible);
    auto red = r.Redact(text, findings);
    if (!red.ok()) std::abort();
    if (r.Restore(*red) != text) std::abort();
    const size_t cut = red->empty() ? 0 : split_hint % (red->size() + 1);
    gw::policies::StreamRestorer sr(r);
    std::string out = sr.Feed(std::string_view(*red).substr(0, cut));
    out += sr.Feed(std::string_view(*red).substr(cut));
    out += sr.Finish();
    if (out != text) std::abort();
  }
  // The evaluation file parser must reject or accept, never crash.
  (void)gw::policies::eval::ParsePresidioJson(text);
  return 0;
}
