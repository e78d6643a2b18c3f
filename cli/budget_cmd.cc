#include "cli/budget_cmd.h"

#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <memory>

#include "gateway/v1/gateway.grpc.pb.h"

namespace gw::cli {

namespace v1 = ::gateway::v1;

namespace {

std::string Usd(int64_t micros) {
  const uint64_t mag =
      micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%s$%" PRIu64 ".%06" PRIu64, micros < 0 ? "-" : "",
                mag / 1'000'000, mag % 1'000'000);
  return buf;
}

}  // namespace

std::string FormatBudgetTable(const v1::BudgetShowResponse& r) {
  std::string out = "budgets of " + r.principal() + " (windows in " + r.timezone() + ")\n";
  if (r.budgets().empty()) return out + "no budget covers this principal\n";
  char line[512];
  std::snprintf(line, sizeof(line), "%-20s %-18s %-8s %-11s %16s %16s %16s %16s  %s\n", "BUDGET",
                "SUBJECT", "WINDOW", "PERIOD", "CAP", "SPENT", "RESERVED", "REMAINING", "CAP TYPE");
  out += line;
  for (const auto& b : r.budgets()) {
    const std::string subject = b.scope() == "org" ? "org" : b.scope() + ":" + b.subject();
    const std::string kind = b.hard() ? "hard, " + b.at_cap() : "soft";
    std::snprintf(line, sizeof(line), "%-20s %-18s %-8s %-11s %16s %16s %16s %16s  %s\n",
                  b.budget_id().c_str(), subject.c_str(), b.window().c_str(),
                  b.window_label().c_str(), Usd(b.cap_usd_micros()).c_str(),
                  Usd(b.spent_usd_micros()).c_str(), Usd(b.reserved_usd_micros()).c_str(),
                  Usd(b.remaining_usd_micros()).c_str(), kind.c_str());
    out += line;
  }
  return out;
}

int RunBudgetShow(const ConnectOptions& o, const std::string& principal, std::ostream& out) {
  auto stub = v1::Admin::NewStub(Connect(o));
  grpc::ClientContext ctx;
  PrepareContext(o, &ctx);
  v1::BudgetShowRequest req;
  req.set_principal(principal);
  v1::BudgetShowResponse r;
  const grpc::Status s = stub->BudgetShow(&ctx, req, &r);
  if (!s.ok()) return ReportRpcError(s, o);
  if (o.json) {
    out << ToJson(r, true) << "\n";
  } else {
    out << FormatBudgetTable(r);
  }
  return 0;
}

void AddBudgetCommands(CLI::App& app) {
  auto* budget = app.add_subcommand("budget", "Show cost budgets");
  budget->require_subcommand(1);
  auto conn = std::make_shared<ConnectOptions>();
  auto principal = std::make_shared<std::string>();
  auto* show =
      budget->add_subcommand("show", "Spent, reserved and remaining money per budget and window");
  AddConnectFlags(show, conn.get());
  show->add_option("--principal", *principal,
                   "whose budgets (admins only; default: yours), e.g. alice");
  show->callback([conn, principal] { std::exit(RunBudgetShow(*conn, *principal, std::cout)); });
}

}  // namespace gw::cli
