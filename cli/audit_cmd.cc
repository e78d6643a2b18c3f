#include "cli/audit_cmd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "audit/audit_log.h"
#include "audit/verify.h"

namespace gw::cli {
namespace {

std::string Dir(const AuditOptions& o) {
  return o.dir.empty() ? gw::audit::DefaultAuditDir() : o.dir;
}

int Error(std::ostream& err, const std::string& msg) {
  err << "gatewayctl: " << msg << "\n";
  return 1;
}

bool ReadText(const std::string& path, std::string* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::stringstream ss;
  ss << f.rdbuf();
  *out = ss.str();
  return true;
}

// Builds the filter; on a bad time prints the error and returns false.
bool Filter(const AuditOptions& o, gw::audit::QueryFilter* f, std::ostream& err) {
  for (auto [arg, dst] : {std::pair{&o.since, &f->since_us}, std::pair{&o.until, &f->until_us}}) {
    if (arg->empty()) continue;
    auto t = gw::audit::ParseTimeArg(*arg);
    if (!t.ok()) {
      Error(err, std::string(t.status().message()));
      return false;
    }
    *dst = *t;
  }
  f->principal = o.principal;
  f->type = o.type;
  f->adapter = o.adapter;
  f->decision = o.decision;
  return true;
}

void PrintRecord(const gw::audit::ParsedRecord& r, bool json, std::ostream& out) {
  if (json) {
    out << r.raw << "\n";
    return;
  }
  out << gw::audit::FormatRfc3339(r.ts_us) << " seq=" << r.seq << " " << r.type;
  if (!r.principal.empty()) out << " principal=" << r.principal;
  if (!r.request_id.empty()) out << " request=" << r.request_id;
  out << " " << r.body_json << "\n";
}

void AddFilterFlags(CLI::App* cmd, AuditOptions* o) {
  cmd->add_option("--since", o->since, "from this time (RFC 3339 or unix us), inclusive");
  cmd->add_option("--until", o->until, "up to this time (RFC 3339 or unix us), exclusive");
  cmd->add_option("--principal", o->principal, "only this principal");
  cmd->add_option("--type", o->type, "only this record type (e.g. egress, route_decision)");
  cmd->add_option("--adapter", o->adapter, "only records about this adapter");
  cmd->add_option("--decision", o->decision, "only route decisions with this outcome");
}

}  // namespace

int RunAuditVerify(const AuditOptions& o, std::ostream& out, std::ostream& err) {
  const std::string dir = Dir(o);
  std::string pem;
  if (!o.public_key.empty() && !ReadText(o.public_key, &pem)) {
    return Error(err, o.public_key + ": cannot read public key");
  }
  auto rep = gw::audit::VerifyDir(dir, pem);
  if (!rep.ok()) return Error(err, std::string(rep.status().message()));
  if (!rep->ok()) {
    return Error(err, "audit verify FAILED at " + rep->failure->ToString() + " (" + dir + ")");
  }
  out << "audit verify OK: " << rep->records << " records in " << rep->segments
      << " segment(s), seq " << rep->first_seq << ".." << rep->last_seq << ", head "
      << rep->head_hash << "\n";
  if (rep->first_seq > 0) {
    out << "note: the log starts at seq " << rep->first_seq
        << " (older segments were removed by retention)\n";
  }
  if (!rep->key_pinned) {
    out << "note: key not pinned; pass --public-key with the exported key to prove the records "
           "were signed by this gateway\n";
  }
  return 0;
}

int RunAuditTail(const AuditOptions& o, std::ostream& out, std::ostream& err) {
  auto recs = gw::audit::Tail(Dir(o), o.n);
  if (!recs.ok()) return Error(err, std::string(recs.status().message()));
  for (const auto& r : *recs) PrintRecord(r, o.json, out);
  return 0;
}

int RunAuditQuery(const AuditOptions& o, std::ostream& out, std::ostream& err) {
  gw::audit::QueryFilter f;
  if (!Filter(o, &f, err)) return 1;
  int64_t skipped = 0;
  auto s = gw::audit::Query(
      Dir(o), f,
      [&](const gw::audit::ParsedRecord& r) {
        PrintRecord(r, o.json, out);
        return true;
      },
      &skipped);
  if (!s.ok()) return Error(err, std::string(s.message()));
  if (skipped > 0) {
    err << "gatewayctl: warning: " << skipped
        << " unparsable line(s) skipped; run `gatewayctl audit verify`\n";
  }
  return 0;
}

int RunAuditExport(const AuditOptions& o, std::ostream& out, std::ostream& err) {
  gw::audit::ExportFormat format;
  if (o.format == "jsonl") {
    format = gw::audit::ExportFormat::kJsonl;
  } else if (o.format == "csv") {
    format = gw::audit::ExportFormat::kCsv;
  } else {
    return Error(err, "--format must be jsonl or csv");
  }
  gw::audit::QueryFilter f;
  if (!Filter(o, &f, err)) return 1;
  std::unique_ptr<std::ofstream> file;
  std::ostream* dst = &out;
  if (!o.out.empty()) {
    int fd = ::open(o.out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Error(err, o.out + ": cannot create: " + std::strerror(errno));
    ::close(fd);
    file = std::make_unique<std::ofstream>(o.out, std::ios::binary | std::ios::trunc);
    dst = file.get();
  }
  if (format == gw::audit::ExportFormat::kCsv) *dst << gw::audit::CsvHeader();
  int64_t n = 0;
  auto s = gw::audit::Query(Dir(o), f, [&](const gw::audit::ParsedRecord& r) {
    *dst << gw::audit::FormatExportLine(r, format);
    ++n;
    return true;
  });
  if (!s.ok()) return Error(err, std::string(s.message()));
  dst->flush();
  if (!*dst) return Error(err, (o.out.empty() ? "stdout" : o.out) + ": write failed");
  if (file) err << "exported " << n << " record(s) to " << o.out << "\n";
  return 0;
}

int RunAuditPubkey(const AuditOptions& o, std::ostream& out, std::ostream& err) {
  const std::string path = Dir(o) + "/keys/ed25519.pub.pem";
  std::string pem;
  if (!ReadText(path, &pem)) return Error(err, path + ": cannot read public key");
  out << pem;
  return 0;
}

void AddAuditCommands(CLI::App& app) {
  CLI::App* audit = app.add_subcommand("audit", "verify, read and export the audit log (offline)");
  audit->require_subcommand(1);
  auto o = std::make_shared<AuditOptions>();
  auto add = [&](const char* name, const char* help,
                 int (*run)(const AuditOptions&, std::ostream&, std::ostream&)) {
    CLI::App* cmd = audit->add_subcommand(name, help);
    cmd->add_option("dir", o->dir, "audit directory (default $XDG_STATE_HOME/gatewayd/audit)");
    cmd->callback([o, run] { std::exit(run(*o, std::cout, std::cerr)); });
    return cmd;
  };
  add("verify", "check chain, signatures and segment links; name the first bad record",
      RunAuditVerify)
      ->add_option("--public-key", o->public_key, "Ed25519 public key PEM (from `audit pubkey`)");
  CLI::App* tail = add("tail", "print the last records", RunAuditTail);
  tail->add_option("-n", o->n, "number of records")->check(CLI::PositiveNumber);
  tail->add_flag("--json", o->json, "print the canonical JSON lines");
  CLI::App* query = add("query", "print records matching filters", RunAuditQuery);
  AddFilterFlags(query, o.get());
  query->add_flag("--json", o->json, "print the canonical JSON lines");
  CLI::App* exp = add("export", "export records for SIEM ingestion", RunAuditExport);
  exp->add_option("--format", o->format, "jsonl or csv")
      ->required()
      ->check(CLI::IsMember({"jsonl", "csv"}));
  exp->add_option("--out", o->out, "output file (default stdout)");
  AddFilterFlags(exp, o.get());
  add("pubkey", "print the log's Ed25519 public key (PEM)", RunAuditPubkey);
}

}  // namespace gw::cli
