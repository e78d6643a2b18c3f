// gatewayctl scan — run the data detectors offline (cli/scan_cmd.cc).
//
//   gatewayctl scan FILE|- [--config gatewayd.yaml] [--show-values] [--json]
//       the findings of a text: type, byte span, detector, data class, confidence. Values are
//       shown (highlighted) only with --show-values, for a person scanning their own file.
//   gatewayctl scan eval --data FILE [--json]
//       per-entity precision/recall/F1/support + micro on a Presidio-format file
//       (e.g. ../shared/data/pii/presidio_generated_small.json).
// Detectors: those of --config's policy section (classes, built-ins, custom regexes and
// dictionaries), else the built-ins with their default classes (docs/policy.md). `scan eval`
// always scores the built-ins.
// Exit status: 0 ok, 1 the operation failed (unreadable or malformed file), 2 usage error.
// Thread-safety: single-threaded CLI use.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

namespace gw::cli {

// Registers `scan` (and `scan eval`) on `app`; the handlers exit the process with their status.
void AddScanCommands(CLI::App& app);

struct ScanOptions {
  std::string file;          // path, or "-" for stdin
  std::string config;        // gatewayd YAML whose policy detectors to use; empty = built-ins
  bool show_values = false;  // print matched text (the caller's own file only)
  bool json = false;
};
// The work behind `scan`: prints to `out`, errors to `err`; returns the exit status.
int RunScan(const ScanOptions& o, std::ostream& out, std::ostream& err);

struct ScanEvalOptions {
  std::string data;  // Presidio-format JSON file
  bool json = false;
};
// The work behind `scan eval`; returns the exit status.
int RunScanEval(const ScanEvalOptions& o, std::ostream& out, std::ostream& err);

}  // namespace gw::cli
