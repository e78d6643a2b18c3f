// gatewayctl commands that talk to a running gatewayd.
#include <unistd.h>

#include <iostream>
#include <iterator>
#include <memory>

#include "cli/cli_util.h"
#include "cli/commands.h"
#include "gateway/v1/gateway.grpc.pb.h"

namespace gw::cli {
namespace {

namespace v1 = ::gateway::v1;

struct ChatFlags {
  ConnectOptions conn;
  std::vector<std::string> prompt;
  std::string system;
  uint32_t max_tokens = 0;
  double temperature = -1;
  double top_p = -1;
  int64_t seed = -1;
  std::vector<std::string> stop;
  std::vector<std::string> labels;
  std::string app;
  std::string hint = "auto";
  bool consent = false;
};

// Builds the request from flags; the prompt is the arguments joined, or stdin for "-" / none.
v1::ChatRequest BuildRequest(const ChatFlags& f) {
  v1::ChatRequest req;
  if (!f.system.empty()) {
    auto* m = req.add_messages();
    m->set_role(v1::ROLE_SYSTEM);
    m->set_content(f.system);
  }
  std::string text;
  if (f.prompt.empty() || (f.prompt.size() == 1 && f.prompt[0] == "-")) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    for (size_t i = 0; i < f.prompt.size(); ++i) {
      if (i > 0) text += ' ';
      text += f.prompt[i];
    }
  }
  auto* m = req.add_messages();
  m->set_role(v1::ROLE_USER);
  m->set_content(text);
  auto* o = req.mutable_options();
  o->set_max_tokens(f.max_tokens);
  if (f.temperature >= 0) o->set_temperature(static_cast<float>(f.temperature));
  if (f.top_p >= 0) o->set_top_p(static_cast<float>(f.top_p));
  if (f.seed >= 0) o->set_seed(static_cast<uint64_t>(f.seed));
  for (const auto& s : f.stop) o->add_stop(s);
  for (const auto& l : f.labels) req.add_data_labels(l);
  req.set_app_id(f.app);
  if (f.hint == "local") {
    req.set_routing_hint(v1::ROUTING_HINT_LOCAL_ONLY);
  } else if (f.hint == "cloud") {
    req.set_routing_hint(v1::ROUTING_HINT_CLOUD_ALLOWED);
  } else {
    req.set_routing_hint(v1::ROUTING_HINT_AUTO);
  }
  return req;
}

void PrintDecision(const v1::RouteDecision& d) {
  const char* target = d.target() == v1::TARGET_LOCAL   ? "local"
                       : d.target() == v1::TARGET_CLOUD ? "cloud"
                       : d.target() == v1::TARGET_DENY  ? "deny"
                                                        : "?";
  std::cerr << "route: " << target;
  if (!d.adapter().empty()) std::cerr << " via " << d.adapter();
  if (!d.region().empty()) std::cerr << " (" << d.region() << ")";
  if (!d.model().empty()) std::cerr << " model " << d.model();
  std::cerr << "  [request " << d.request_id() << "]\n";
  for (const auto& r : d.reasons()) std::cerr << "  - " << r << "\n";
}

// Runs one Chat stream. Returns the exit code; sets *ticket when consent was required.
int RunChat(const ChatFlags& f, v1::Gateway::Stub& stub, const v1::ChatRequest& req,
            std::string* ticket, v1::ConsentRequired* consent) {
  grpc::ClientContext ctx;
  PrepareContext(f.conn, &ctx, /*streaming=*/true);
  auto reader = stub.Chat(&ctx, req);
  v1::ChatEvent ev;
  bool printed_text = false;
  while (reader->Read(&ev)) {
    if (f.conn.json) {
      std::cout << ToJson(ev) << "\n";
      if (ev.has_consent_required()) {
        *ticket = ev.consent_required().ticket();
        *consent = ev.consent_required();
      }
      continue;
    }
    for (const auto& w : ev.warnings()) std::cerr << "warning: " << w << "\n";
    switch (ev.event_case()) {
      case v1::ChatEvent::kRouteDecided:
        PrintDecision(ev.route_decided());
        break;
      case v1::ChatEvent::kConsentRequired:
        *ticket = ev.consent_required().ticket();
        *consent = ev.consent_required();
        break;
      case v1::ChatEvent::kDelta:
        std::cout << ev.delta().text() << std::flush;
        printed_text = true;
        break;
      case v1::ChatEvent::kUsage:
        if (printed_text) std::cout << "\n";
        std::cerr << "usage: " << ev.usage().input_tokens() << " in, " << ev.usage().output_tokens()
                  << " out, $" << ev.usage().cost_usd_micros() / 1e6 << "\n";
        break;
      default:
        break;
    }
  }
  grpc::Status s = reader->Finish();
  if (s.error_code() == grpc::FAILED_PRECONDITION && !ticket->empty()) return 3;
  if (!s.ok()) return ReportRpcError(s, f.conn);
  return 0;
}

bool AskYesNo(const std::string& summary) {
  std::cerr << "Consent required: " << summary << "\nSend it? [y/N] " << std::flush;
  std::string line;
  if (!std::getline(std::cin, line)) return false;
  return line == "y" || line == "Y" || line == "yes";
}

int Chat(const ChatFlags& f) {
  auto stub = v1::Gateway::NewStub(Connect(f.conn));
  v1::ChatRequest req = BuildRequest(f);
  std::string ticket;
  v1::ConsentRequired consent;
  int rc = RunChat(f, *stub, req, &ticket, &consent);
  if (rc != 3) return rc;
  bool yes = f.consent;
  if (!yes && isatty(STDIN_FILENO) && !f.prompt.empty() && f.prompt[0] != "-") {
    yes = AskYesNo(consent.summary());
  }
  if (!yes) {
    std::cerr << "gatewayctl: consent required: " << consent.summary()
              << "\ngatewayctl: not sent. Re-run with --consent to agree.\n";
    return 3;
  }
  req.mutable_consent()->set_ticket(ticket);
  req.mutable_consent()->set_scope(v1::CONSENT_SCOPE_ONCE);
  std::string again;
  return RunChat(f, *stub, req, &again, &consent);
}

}  // namespace

void AddDaemonCommands(CLI::App& app) {
  // chat
  auto chat_flags = std::make_shared<ChatFlags>();
  auto* chat = app.add_subcommand("chat", "Send a prompt and stream the answer");
  AddConnectFlags(chat, &chat_flags->conn);
  chat->add_option("prompt", chat_flags->prompt, "prompt text ('-' or nothing: read stdin)");
  chat->add_option("--system", chat_flags->system, "system message");
  chat->add_option("--max-tokens", chat_flags->max_tokens, "maximum tokens to generate");
  chat->add_option("--temperature", chat_flags->temperature, "sampling temperature (0 = greedy)");
  chat->add_option("--top-p", chat_flags->top_p, "nucleus sampling mass");
  chat->add_option("--seed", chat_flags->seed, "sampling seed");
  chat->add_option("--stop", chat_flags->stop, "stop string (repeatable)");
  chat->add_option("--label", chat_flags->labels, "declare a data class label (repeatable)");
  chat->add_option("--app", chat_flags->app, "application id");
  chat->add_option("--route", chat_flags->hint, "routing hint: auto | local | cloud")
      ->check(CLI::IsMember({"auto", "local", "cloud"}));
  chat->add_flag("--consent", chat_flags->consent,
                 "agree to a consent request without asking (once)");
  chat->callback([chat_flags] { std::exit(Chat(*chat_flags)); });

  // explain
  auto ex_flags = std::make_shared<ChatFlags>();
  auto* explain = app.add_subcommand("explain", "Show the routing decision without running it");
  AddConnectFlags(explain, &ex_flags->conn);
  explain->add_option("prompt", ex_flags->prompt, "prompt text ('-' or nothing: read stdin)");
  explain->add_option("--system", ex_flags->system, "system message");
  explain->add_option("--label", ex_flags->labels, "declare a data class label (repeatable)");
  explain->add_option("--app", ex_flags->app, "application id");
  explain->add_option("--route", ex_flags->hint, "routing hint: auto | local | cloud")
      ->check(CLI::IsMember({"auto", "local", "cloud"}));
  explain->callback([ex_flags] {
    auto stub = v1::Gateway::NewStub(Connect(ex_flags->conn));
    grpc::ClientContext ctx;
    PrepareContext(ex_flags->conn, &ctx);
    v1::RouteDecision d;
    grpc::Status s = stub->Explain(&ctx, BuildRequest(*ex_flags), &d);
    if (!s.ok()) std::exit(ReportRpcError(s, ex_flags->conn));
    if (ex_flags->conn.json) {
      std::cout << ToJson(d, true) << "\n";
    } else {
      PrintDecision(d);
    }
    std::exit(0);
  });

  // models
  auto models_conn = std::make_shared<ConnectOptions>();
  auto* models = app.add_subcommand("models", "List the models gatewayd can route to");
  AddConnectFlags(models, models_conn.get());
  models->callback([models_conn] {
    auto stub = v1::Gateway::NewStub(Connect(*models_conn));
    grpc::ClientContext ctx;
    PrepareContext(*models_conn, &ctx);
    v1::ListModelsResponse r;
    grpc::Status s = stub->ListModels(&ctx, v1::ListModelsRequest(), &r);
    if (!s.ok()) std::exit(ReportRpcError(s, *models_conn));
    if (models_conn->json) {
      std::cout << ToJson(r, true) << "\n";
      std::exit(0);
    }
    if (r.models().empty()) std::cout << "no models configured\n";
    for (const auto& m : r.models()) {
      std::cout << (m.target() == v1::TARGET_LOCAL ? "local " : "cloud ") << m.name();
      if (!m.adapter().empty()) std::cout << "  adapter=" << m.adapter();
      if (!m.architecture().empty()) std::cout << "  arch=" << m.architecture();
      if (!m.quantization().empty()) std::cout << "  quant=" << m.quantization();
      if (m.context_length() > 0) std::cout << "  ctx=" << m.context_length();
      if (!m.region().empty()) std::cout << "  region=" << m.region();
      std::cout << (m.available() ? "  available" : "  unavailable: " + m.unavailable_reason())
                << "\n";
    }
    std::exit(0);
  });

  // status
  auto status_conn = std::make_shared<ConnectOptions>();
  auto* status = app.add_subcommand("status", "Show gatewayd status");
  AddConnectFlags(status, status_conn.get());
  status->callback([status_conn] {
    auto stub = v1::Admin::NewStub(Connect(*status_conn));
    grpc::ClientContext ctx;
    PrepareContext(*status_conn, &ctx);
    v1::StatusResponse r;
    grpc::Status s = stub->Status(&ctx, v1::StatusRequest(), &r);
    if (!s.ok()) std::exit(ReportRpcError(s, *status_conn));
    if (status_conn->json) {
      std::cout << ToJson(r) << "\n";
      std::exit(0);
    }
    std::cout << "gatewayd " << r.version() << (r.serving() ? " serving" : " draining") << ", up "
              << r.uptime_us() / 1000000 << " s\n"
              << "you are: " << r.principal() << "\n"
              << "config: " << r.config_source() << " (sha256 " << r.config_digest().substr(0, 16)
              << "…)\n"
              << "streams: " << r.active_streams() << " active, " << r.requests_total()
              << " requests total\n";
    for (const auto& l : r.listeners()) std::cout << "listening: " << l << "\n";
    for (const auto& c : r.components()) {
      std::cout << "  " << (c.ready() ? "[ok]   " : "[down] ") << c.name() << ": " << c.detail()
                << "\n";
    }
    std::exit(0);
  });

  // reload
  auto reload_conn = std::make_shared<ConnectOptions>();
  auto* reload = app.add_subcommand("reload", "Reload gatewayd's config file (admins only)");
  AddConnectFlags(reload, reload_conn.get());
  reload->callback([reload_conn] {
    auto stub = v1::Admin::NewStub(Connect(*reload_conn));
    grpc::ClientContext ctx;
    PrepareContext(*reload_conn, &ctx);
    v1::ReloadConfigResponse r;
    grpc::Status s = stub->ReloadConfig(&ctx, v1::ReloadConfigRequest(), &r);
    if (!s.ok()) std::exit(ReportRpcError(s, *reload_conn));
    if (reload_conn->json) {
      std::cout << ToJson(r) << "\n";
    } else if (r.reloaded()) {
      std::cout << "config reloaded (sha256 " << r.config_digest() << ")\n";
    } else {
      std::cerr << "gatewayctl: reload refused, old config kept: " << r.error() << "\n";
    }
    std::exit(r.reloaded() ? 0 : 1);
  });

  // consent list|grant|revoke
  auto* consent = app.add_subcommand("consent", "List, grant or revoke consent grants");
  consent->require_subcommand(1);
  auto c_conn = std::make_shared<ConnectOptions>();
  auto* list = consent->add_subcommand("list", "Your consent grants");
  AddConnectFlags(list, c_conn.get());
  auto include_inactive = std::make_shared<bool>(false);
  list->add_flag("--all", *include_inactive, "include expired and revoked grants");
  list->callback([c_conn, include_inactive] {
    auto stub = v1::Consent::NewStub(Connect(*c_conn));
    grpc::ClientContext ctx;
    PrepareContext(*c_conn, &ctx);
    v1::ConsentListRequest req;
    req.set_include_inactive(*include_inactive);
    v1::ConsentListResponse r;
    grpc::Status s = stub->List(&ctx, req, &r);
    if (!s.ok()) std::exit(ReportRpcError(s, *c_conn));
    if (c_conn->json) {
      std::cout << ToJson(r, true) << "\n";
    } else {
      if (r.grants().empty()) std::cout << "no grants\n";
      for (const auto& g : r.grants()) {
        std::cout << g.grant_id() << "  " << v1::ConsentScope_Name(g.scope())
                  << "  adapter=" << g.adapter() << "  class<=" << g.data_class()
                  << (g.revoked() ? "  revoked" : "") << "\n";
      }
    }
    std::exit(0);
  });
  auto g_conn = std::make_shared<ConnectOptions>();
  auto g_req = std::make_shared<v1::ConsentGrantRequest>();
  auto g_scope = std::make_shared<std::string>("once");
  auto g_duration = std::make_shared<int64_t>(0);
  auto g_ticket = std::make_shared<std::string>();
  auto* grant = consent->add_subcommand("grant", "Grant a consent ticket");
  AddConnectFlags(grant, g_conn.get());
  grant->add_option("ticket", *g_ticket, "the ticket from a consent request")->required();
  grant->add_option("--scope", *g_scope, "once | category | app")
      ->check(CLI::IsMember({"once", "category", "app"}));
  grant->add_option("--duration", *g_duration, "seconds a category/app grant lasts");
  grant->callback([g_conn, g_req, g_scope, g_duration, g_ticket] {
    g_req->set_ticket(*g_ticket);
    g_req->set_scope(*g_scope == "category" ? v1::CONSENT_SCOPE_CATEGORY
                     : *g_scope == "app"    ? v1::CONSENT_SCOPE_APP
                                            : v1::CONSENT_SCOPE_ONCE);
    g_req->set_duration_s(*g_duration);
    auto stub = v1::Consent::NewStub(Connect(*g_conn));
    grpc::ClientContext ctx;
    PrepareContext(*g_conn, &ctx);
    v1::ConsentGrant r;
    grpc::Status s = stub->Grant(&ctx, *g_req, &r);
    if (!s.ok()) std::exit(ReportRpcError(s, *g_conn));
    std::cout << (g_conn->json ? ToJson(r) : "granted: " + r.grant_id()) << "\n";
    std::exit(0);
  });
  auto r_conn = std::make_shared<ConnectOptions>();
  auto r_id = std::make_shared<std::string>();
  auto* revoke = consent->add_subcommand("revoke", "Revoke one of your grants");
  AddConnectFlags(revoke, r_conn.get());
  revoke->add_option("grant_id", *r_id, "grant id from 'consent list'")->required();
  revoke->callback([r_conn, r_id] {
    auto stub = v1::Consent::NewStub(Connect(*r_conn));
    grpc::ClientContext ctx;
    PrepareContext(*r_conn, &ctx);
    v1::ConsentRevokeRequest req;
    req.set_grant_id(*r_id);
    v1::ConsentRevokeResponse r;
    grpc::Status s = stub->Revoke(&ctx, req, &r);
    if (!s.ok()) std::exit(ReportRpcError(s, *r_conn));
    std::cout << "revoked " << *r_id << "\n";
    std::exit(0);
  });
}

}  // namespace gw::cli
