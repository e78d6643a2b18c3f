#include "cli/scan_cmd.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "policies/eval/presidio_eval.h"
#include "policies/scan.h"

namespace gw::cli {

namespace {

bool ReadAll(const std::string& path, std::string* data, std::ostream& err) {
  std::ostringstream ss;
  if (path == "-") {
    ss << std::cin.rdbuf();
  } else {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
      err << "gatewayctl scan: " << path << ": cannot read\n";
      return false;
    }
    ss << f.rdbuf();
  }
  *data = ss.str();
  return true;
}

StatusOr<std::unique_ptr<policies::Scanner>> ConfiguredScanner(const std::string& path) {
  GW_ASSIGN_OR_RETURN(config::Config cfg, config::LoadConfigFile(path));
  GW_ASSIGN_OR_RETURN(auto classes, policies::DataClassSet::Create(cfg.policy.data_classes,
                                                                   cfg.policy.default_class));
  return policies::Scanner::Create(cfg.policy.detectors, classes, cfg.source);
}

StatusOr<std::unique_ptr<policies::Scanner>> DefaultScanner() {
  const config::PolicyConfig defaults;
  GW_ASSIGN_OR_RETURN(
      auto classes, policies::DataClassSet::Create(defaults.data_classes, defaults.default_class));
  return policies::Scanner::Create(defaults.detectors, classes, "<built-in defaults>");
}

std::string Printable(std::string_view v) {
  std::string s;
  for (unsigned char c : v) {
    if (c == '\n') {
      s += "\\n";
    } else if (c < 0x20 || c == 0x7f) {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      s += b;
    } else {
      s.push_back(static_cast<char>(c));
    }
  }
  return s;
}

}  // namespace

int RunScan(const ScanOptions& o, std::ostream& out, std::ostream& err) {
  std::string text;
  if (!ReadAll(o.file, &text, err)) return 1;
  auto scanner = o.config.empty() ? DefaultScanner() : ConfiguredScanner(o.config);
  if (!scanner.ok()) {
    err << "gatewayctl scan: " << scanner.status().message() << "\n";
    return 1;
  }
  const std::vector<policies::Finding> findings = (*scanner)->Scan(text);
  const auto& classes = (*scanner)->classes();
  auto request_class = policies::RequestClass(classes, findings, {});
  const std::string cls = request_class.ok() ? classes.Name(*request_class) : "?";
  if (o.json) {
    nlohmann::json j;
    j["findings"] = nlohmann::json::array();
    for (const auto& f : findings) {
      nlohmann::json e{{"type", f.type},
                       {"begin", f.begin},
                       {"end", f.end},
                       {"detector", f.detector},
                       {"confidence", f.confidence},
                       {"class", classes.Name(f.data_class)}};
      if (o.show_values) e["value"] = text.substr(f.begin, f.end - f.begin);
      j["findings"].push_back(std::move(e));
    }
    j["data_class"] = cls;
    out << j.dump(2) << "\n";
    return 0;
  }
  const bool tty = &out == &std::cout && isatty(STDOUT_FILENO);
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %-17s %-20s %-13s %5s", "TYPE", "SPAN (bytes)",
                "DETECTOR", "CLASS", "CONF");
  out << line << (o.show_values ? "  VALUE" : "") << "\n";
  for (const auto& f : findings) {
    const std::string span = std::to_string(f.begin) + ".." + std::to_string(f.end);
    std::snprintf(line, sizeof line, "%-16s %-17s %-20s %-13s %5.2f", f.type.c_str(), span.c_str(),
                  f.detector.c_str(), classes.Name(f.data_class).c_str(), f.confidence);
    out << line;
    if (o.show_values) {
      const std::string v = Printable(std::string_view(text).substr(f.begin, f.end - f.begin));
      out << "  " << (tty ? "\x1b[1;31m" : "") << v << (tty ? "\x1b[0m" : "");
    }
    out << "\n";
  }
  out << findings.size() << " finding(s); data class: " << cls << "\n";
  return 0;
}

int RunScanEval(const ScanEvalOptions& o, std::ostream& out, std::ostream& err) {
  std::string data;
  if (!ReadAll(o.data, &data, err)) return 1;
  auto samples = policies::eval::ParsePresidioJson(data);
  if (!samples.ok()) {
    err << "gatewayctl scan eval: " << o.data << ": " << samples.status().message() << "\n";
    return 1;
  }
  auto scanner = DefaultScanner();
  if (!scanner.ok()) {
    err << "gatewayctl scan eval: " << scanner.status().message() << "\n";
    return 1;
  }
  const policies::eval::Report r = policies::eval::Evaluate(**scanner, *samples);
  if (o.json) {
    out << policies::eval::ReportToJson(r) << "\n";
  } else {
    out << samples->size() << " records\n" << policies::eval::ReportToText(r);
  }
  return 0;
}

void AddScanCommands(CLI::App& app) {
  auto* scan = app.add_subcommand("scan", "Print the data findings of a text (offline)");
  auto scan_opts = std::make_shared<ScanOptions>();
  scan->add_option("file", scan_opts->file, "Text file to scan, or - for stdin");
  scan->add_option("--config", scan_opts->config,
                   "gatewayd YAML whose policy detectors to use (default: built-ins)");
  scan->add_flag("--show-values", scan_opts->show_values,
                 "Also print the matched text (your own file only)");
  scan->add_flag("--json", scan_opts->json, "JSON output");
  auto* eval = scan->add_subcommand("eval", "Evaluate the detectors on a Presidio-format file");
  auto eval_opts = std::make_shared<ScanEvalOptions>();
  eval->add_option("--data", eval_opts->data, "Presidio-format JSON file")->required();
  eval->add_flag("--json", eval_opts->json, "JSON output");
  eval->callback([eval_opts] {
    const int rc = RunScanEval(*eval_opts, std::cout, std::cerr);
    std::cout.flush();
    std::exit(rc);
  });
  scan->callback([scan, scan_opts] {
    if (!scan->get_subcommands().empty()) return;  // `scan eval` ran instead
    if (scan_opts->file.empty()) {
      std::cerr << "gatewayctl scan: a FILE (or - for stdin) is required\n";
      std::exit(2);
    }
    const int rc = RunScan(*scan_opts, std::cout, std::cerr);
    std::cout.flush();
    std::exit(rc);
  });
}

}  // namespace gw::cli
