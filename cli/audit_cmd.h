// gatewayctl audit — offline tools on an audit directory (cli/audit_cmd.cc). No daemon needed;
// nothing here needs a secret (docs/audit.md).
//
//   gatewayctl audit verify [DIR] [--public-key F]   chain, signatures, segment links; names the
//                                                    first bad record and why (exit 1)
//   gatewayctl audit tail [DIR] [-n N] [--json]      the last N records (default 10)
//   gatewayctl audit query [DIR] [--since T] [--until T] [--principal P] [--type T]
//                          [--adapter A] [--decision D] [--json]
//   gatewayctl audit export [DIR] --format jsonl|csv [--out F] [same filters as query]
//   gatewayctl audit pubkey [DIR]                    the Ed25519 public key (PEM) for auditors
// T is RFC 3339 ("2026-11-21T10:00:00Z") or unix microseconds. DIR defaults to
// $XDG_STATE_HOME/gatewayd/audit, else /var/lib/gatewayd/audit.
// Exit status: 0 ok, 1 failed (errors print "gatewayctl: ..."), 2 usage error.
// Thread-safety: single-threaded CLI use.
#pragma once

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

namespace gw::cli {

// Registers `audit` and its subcommands on `app`; the handlers exit the process with their status.
void AddAuditCommands(CLI::App& app);

struct AuditOptions {
  std::string dir;         // empty = gw::audit::DefaultAuditDir()
  std::string public_key;  // verify: PEM file
  size_t n = 10;           // tail
  std::string since, until, principal, type, adapter, decision;  // query/export filters
  bool json = false;
  std::string format = "jsonl";  // export
  std::string out;               // export: file (created 0600); empty = stdout
};

// The work behind each subcommand: output to `out`, errors to `err`; returns the exit status.
int RunAuditVerify(const AuditOptions& o, std::ostream& out, std::ostream& err);
int RunAuditTail(const AuditOptions& o, std::ostream& out, std::ostream& err);
int RunAuditQuery(const AuditOptions& o, std::ostream& out, std::ostream& err);
int RunAuditExport(const AuditOptions& o, std::ostream& out, std::ostream& err);
int RunAuditPubkey(const AuditOptions& o, std::ostream& out, std::ostream& err);

}  // namespace gw::cli
