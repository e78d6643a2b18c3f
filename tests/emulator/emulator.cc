#include "tests/emulator/emulator.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <nlohmann/json.hpp>

#include "cloud_adapters/strings.h"

namespace gw::emulator {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using nlohmann::json;

StatusOr<Wire> ParseWire(std::string_view name) {
  if (name == "openai" || name == "azure_openai" || name == "openai_compatible") {
    return Wire::kOpenAi;
  }
  if (name == "anthropic") return Wire::kAnthropic;
  if (name == "gemini") return Wire::kGemini;
  return absl::InvalidArgumentError("unknown provider wire '" + std::string(name) + "'");
}

StatusOr<std::vector<Fault>> ParseScript(std::string_view script) {
  std::vector<Fault> out;
  for (std::string_view item : cloud::str::Split(script, ',')) {
    size_t colon = item.find(':');
    std::string_view name = item.substr(0, colon);
    std::string_view arg = colon == std::string_view::npos ? "" : item.substr(colon + 1);
    Fault f;
    int n = 0;
    bool has_n = !arg.empty() && cloud::str::ParseInt(arg, &n) && n >= 0;
    if (!arg.empty() && !has_n) {
      return absl::InvalidArgumentError("script item '" + std::string(item) + "': bad argument");
    }
    int status = 0;
    if (cloud::str::ParseInt(name, &status) && status >= 100 && status <= 599) {
      f.kind = Fault::Kind::kHttpStatus;
      f.http_status = status;
      if (has_n) f.retry_after = std::to_string(n);
    } else if (name == "ok") {
      f.kind = Fault::Kind::kNone;
    } else if (name == "reset_before") {
      f.kind = Fault::Kind::kResetBeforeResponse;
    } else if (name == "reset_mid") {
      f.kind = Fault::Kind::kResetMidStream;
      if (has_n) f.after_deltas = n;
    } else if (name == "slow") {
      f.kind = Fault::Kind::kSlowChunks;
      f.delay_ms = has_n ? n : 50;
    } else if (name == "stall") {
      f.kind = Fault::Kind::kStallMidStream;
      if (has_n) f.after_deltas = n;
    } else if (name == "malformed") {
      f.kind = Fault::Kind::kMalformedJson;
      if (has_n) f.after_deltas = n;
    } else if (name == "wrong_type") {
      f.kind = Fault::Kind::kWrongContentType;
    } else if (name == "cut") {
      f.kind = Fault::Kind::kCutStream;
      if (has_n) f.after_deltas = n;
    } else {
      return absl::InvalidArgumentError("script item '" + std::string(item) + "': unknown fault");
    }
    out.push_back(f);
  }
  return out;
}

namespace {

// Shared plumbing of both servers: acceptor thread, connection threads, orderly stop.
class Server {
 public:
  virtual ~Server() = default;
  Status Listen(const std::string& address, uint16_t port, uint16_t* bound) {
    beast::error_code ec;
    auto addr = asio::ip::make_address(address, ec);
    if (ec) return absl::InvalidArgumentError("bad listen address " + address);
    tcp::endpoint ep(addr, port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return absl::UnavailableError("cannot listen on " + address + ": " + ec.message());
    *bound = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { AcceptLoop(); });
    return Status();
  }

  void StopServer() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (stopping_) return;
      stopping_ = true;
      for (int fd : live_fds_) ::shutdown(fd, SHUT_RDWR);
    }
    cv_.notify_all();
    beast::error_code ec;
    if (acceptor_.is_open()) {
      ::shutdown(acceptor_.native_handle(), SHUT_RDWR);
    }
    if (accept_thread_.joinable()) accept_thread_.join();
    acceptor_.close(ec);
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> l(mu_);
      threads.swap(threads_);
    }
    for (auto& t : threads) t.join();
  }

  // Sleeps up to `ms` (or forever if ms < 0) unless stopping; true if stopping.
  bool WaitStop(int ms) {
    std::unique_lock<std::mutex> l(mu_);
    if (ms < 0) {
      cv_.wait(l, [this] { return stopping_; });
    } else {
      cv_.wait_for(l, std::chrono::milliseconds(ms), [this] { return stopping_; });
    }
    return stopping_;
  }

  void Track(int fd, bool add) {
    std::lock_guard<std::mutex> l(mu_);
    if (add) {
      live_fds_.push_back(fd);
      if (stopping_) ::shutdown(fd, SHUT_RDWR);
    } else {
      std::erase(live_fds_, fd);
    }
  }

 protected:
  virtual void Serve(tcp::socket sock) = 0;
  asio::io_context io_;

 private:
  void AcceptLoop() {
    for (;;) {
      beast::error_code ec;
      tcp::socket s(io_);
      acceptor_.accept(s, ec);
      std::lock_guard<std::mutex> l(mu_);
      if (stopping_) return;
      if (ec) continue;
      threads_.emplace_back([this, sock = std::move(s)]() mutable {
        int fd = sock.native_handle();
        Track(fd, true);
        Serve(std::move(sock));
        Track(fd, false);
      });
    }
  }

  tcp::acceptor acceptor_{io_};
  std::thread accept_thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<int> live_fds_;
  std::vector<std::thread> threads_;
};

// Reads one request, appending every consumed byte to `raw`. False on EOF/error.
template <class S>
bool ReadRequest(S& s, std::string& pending, http::request_parser<http::string_body>& p,
                 std::string& raw) {
  p.body_limit(16 << 20);
  p.eager(true);
  char tmp[8192];
  for (;;) {
    if (!pending.empty()) {
      beast::error_code ec;
      size_t used = p.put(asio::buffer(pending), ec);
      raw.append(pending, 0, used);
      pending.erase(0, used);
      if (ec && ec != http::error::need_more) return false;
      if (p.is_done()) return true;
      if (used > 0 && !pending.empty()) continue;
    }
    beast::error_code ec;
    size_t n = s.read_some(asio::buffer(tmp), ec);
    if (ec || n == 0) return false;
    pending.append(tmp, n);
  }
}

template <class S>
bool WriteAll(S& s, std::string_view data) {
  beast::error_code ec;
  asio::write(s, asio::buffer(data.data(), data.size()), ec);
  return !ec;
}

std::string Chunk(std::string_view data) {
  char hex[32];
  std::snprintf(hex, sizeof(hex), "%zx\r\n", data.size());
  return std::string(hex) + std::string(data) + "\r\n";
}

void Reset(tcp::socket& raw_sock) {
  beast::error_code ec;
  raw_sock.set_option(asio::socket_base::linger(true, 0), ec);
  raw_sock.close(ec);
}

std::string ReasonFor(int s) {
  return std::string(http::obsolete_reason(static_cast<http::status>(s)));
}

}  // namespace

struct ProviderEmulator::Impl : Server {
  explicit Impl(EmulatorOptions o, ProviderEmulator& owner) : opts(std::move(o)), owner(owner) {}
  ~Impl() override { StopServer(); }

  EmulatorOptions opts;
  ProviderEmulator& owner;
  std::unique_ptr<asio::ssl::context> tls;
  mutable std::mutex mu;
  std::deque<Fault> script;
  std::vector<RecordedRequest> requests;
  std::string received;

  Fault NextFault() {
    std::lock_guard<std::mutex> l(mu);
    if (script.empty()) return Fault{};
    Fault f = script.front();
    script.pop_front();
    return f;
  }

  void Serve(tcp::socket sock) override {
    owner.connections_.fetch_add(1);
    beast::error_code ec;
    sock.set_option(tcp::no_delay(true), ec);
    if (tls) {
      asio::ssl::stream<tcp::socket> s(std::move(sock), *tls);
      s.handshake(asio::ssl::stream_base::server, ec);
      if (ec) return;
      Session(s, s.next_layer());
    } else {
      Session(sock, sock);
    }
  }

  template <class S>
  void Session(S& s, tcp::socket& raw_sock) {
    std::string pending;
    for (;;) {
      http::request_parser<http::string_body> p;
      std::string raw;
      bool ok = ReadRequest(s, pending, p, raw);
      {
        std::lock_guard<std::mutex> l(mu);
        received += raw;
      }
      if (!ok) return;
      RecordedRequest rec;
      rec.method = std::string(p.get().method_string());
      rec.target = std::string(p.get().target());
      for (const auto& f : p.get()) {
        rec.headers[cloud::str::Lower(std::string(f.name_string()))] = std::string(f.value());
      }
      rec.body = p.get().body();
      {
        std::lock_guard<std::mutex> l(mu);
        requests.push_back(rec);
      }
      if (!Respond(s, raw_sock, rec, NextFault())) return;
    }
  }

  std::string ErrorJson(int status, const RecordedRequest& rec) const {
    std::string msg = "emulated error " + std::to_string(status);
    if (status == 401) {
      // Real providers echo (part of) a bad key; the client must scrub it.
      std::string key = rec.headers.count("x-api-key")        ? rec.headers.at("x-api-key")
                        : rec.headers.count("api-key")        ? rec.headers.at("api-key")
                        : rec.headers.count("x-goog-api-key") ? rec.headers.at("x-goog-api-key")
                        : rec.headers.count("authorization")  ? rec.headers.at("authorization")
                                                              : "";
      if (key.rfind("Bearer ", 0) == 0) key = key.substr(7);
      msg = "Incorrect API key provided: " + key;
    } else if (status == 400) {
      // ... and quote the offending input.
      json b = json::parse(rec.body, nullptr, false);
      std::string quoted;
      if (b.is_object()) {
        if (b.contains("messages") && b["messages"].is_array() && !b["messages"].empty()) {
          quoted = b["messages"].back().value("content", "");
        } else if (b.contains("contents")) {
          quoted = b["contents"].back()["parts"][0].value("text", "");
        }
      }
      msg = "Invalid value for 'content': '" + quoted + "' is not allowed";
    }
    switch (opts.wire) {
      case Wire::kOpenAi:
        return json{{"error",
                     {{"message", msg},
                      {"type", status == 429 ? "rate_limit_exceeded" : "invalid_request_error"},
                      {"param", nullptr},
                      {"code", nullptr}}}}
            .dump();
      case Wire::kAnthropic: {
        std::string type = status == 429   ? "rate_limit_error"
                           : status == 401 ? "authentication_error"
                           : status == 529 ? "overloaded_error"
                           : status >= 500 ? "api_error"
                                           : "invalid_request_error";
        return json{{"type", "error"}, {"error", {{"type", type}, {"message", msg}}}}.dump();
      }
      case Wire::kGemini: {
        std::string st = status == 429   ? "RESOURCE_EXHAUSTED"
                         : status == 401 ? "UNAUTHENTICATED"
                         : status == 503 ? "UNAVAILABLE"
                         : status >= 500 ? "INTERNAL"
                                         : "INVALID_ARGUMENT";
        return json{{"error", {{"code", status}, {"message", msg}, {"status", st}}}}.dump();
      }
    }
    return "{}";
  }

  // The SSE events of a complete answer, split into (event text, is_text_delta).
  std::vector<std::pair<std::string, bool>> Events(const RecordedRequest& rec) const {
    std::vector<std::pair<std::string, bool>> ev;
    json req = json::parse(rec.body, nullptr, false);
    std::string model = req.is_object() ? req.value("model", "emulated-model") : "emulated-model";
    switch (opts.wire) {
      case Wire::kOpenAi: {
        auto chunk = [&](json delta, json finish) {
          json c = {{"id", "chatcmpl-emu"},
                    {"object", "chat.completion.chunk"},
                    {"created", 1700000000},
                    {"model", model},
                    {"system_fingerprint", "fp_emu"},
                    {"choices",
                     json::array({{{"index", 0}, {"delta", delta}, {"finish_reason", finish}}})}};
          return "data: " + c.dump() + "\n\n";
        };
        ev.emplace_back(chunk({{"role", "assistant"}, {"content", ""}}, nullptr), false);
        for (const auto& t : opts.reply) ev.emplace_back(chunk({{"content", t}}, nullptr), true);
        ev.emplace_back(chunk(json::object(), "stop"), false);
        bool usage = req.is_object() && req.contains("stream_options") &&
                     req["stream_options"].value("include_usage", false);
        if (usage) {
          json u = {{"id", "chatcmpl-emu"},
                    {"object", "chat.completion.chunk"},
                    {"created", 1700000000},
                    {"model", model},
                    {"choices", json::array()},
                    {"usage",
                     {{"prompt_tokens", opts.input_tokens},
                      {"completion_tokens", opts.output_tokens},
                      {"total_tokens", opts.input_tokens + opts.output_tokens},
                      {"prompt_tokens_details", {{"cached_tokens", opts.cached_tokens}}}}}};
          ev.emplace_back("data: " + u.dump() + "\n\n", false);
        }
        ev.emplace_back("data: [DONE]\n\n", false);
        break;
      }
      case Wire::kAnthropic: {
        auto e = [](const char* type, const json& data) {
          return std::string("event: ") + type + "\ndata: " + data.dump() + "\n\n";
        };
        json start = {{"type", "message_start"},
                      {"message",
                       {{"id", "msg_emu"},
                        {"type", "message"},
                        {"role", "assistant"},
                        {"content", json::array()},
                        {"model", model},
                        {"stop_reason", nullptr},
                        {"stop_sequence", nullptr},
                        {"usage",
                         {{"input_tokens", opts.input_tokens - opts.cached_tokens},
                          {"cache_creation_input_tokens", 0},
                          {"cache_read_input_tokens", opts.cached_tokens},
                          {"output_tokens", 1}}}}}};
        ev.emplace_back(e("message_start", start), false);
        ev.emplace_back(
            e("content_block_start", {{"type", "content_block_start"},
                                      {"index", 0},
                                      {"content_block", {{"type", "text"}, {"text", ""}}}}),
            false);
        ev.emplace_back(e("ping", {{"type", "ping"}}), false);
        for (const auto& t : opts.reply) {
          ev.emplace_back(
              e("content_block_delta", {{"type", "content_block_delta"},
                                        {"index", 0},
                                        {"delta", {{"type", "text_delta"}, {"text", t}}}}),
              true);
        }
        ev.emplace_back(e("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}),
                        false);
        ev.emplace_back(e("message_delta",
                          {{"type", "message_delta"},
                           {"delta", {{"stop_reason", "end_turn"}, {"stop_sequence", nullptr}}},
                           {"usage", {{"output_tokens", opts.output_tokens}}}}),
                        false);
        ev.emplace_back(e("message_stop", {{"type", "message_stop"}}), false);
        break;
      }
      case Wire::kGemini: {
        for (size_t i = 0; i < opts.reply.size(); ++i) {
          bool last = i + 1 == opts.reply.size();
          json cand = {
              {"content", {{"parts", json::array({{{"text", opts.reply[i]}}})}, {"role", "model"}}},
              {"index", 0}};
          if (last) cand["finishReason"] = "STOP";
          json usage = {{"promptTokenCount", opts.input_tokens},
                        {"totalTokenCount", opts.input_tokens}};
          if (last) {
            usage["candidatesTokenCount"] = opts.output_tokens;
            usage["cachedContentTokenCount"] = opts.cached_tokens;
            usage["totalTokenCount"] = opts.input_tokens + opts.output_tokens;
          }
          json r = {{"candidates", json::array({cand})},
                    {"usageMetadata", usage},
                    {"modelVersion", "emulated"}};
          // The Gemini API terminates SSE lines with CRLF.
          ev.emplace_back("data: " + r.dump() + "\r\n\r\n", true);
        }
        break;
      }
    }
    return ev;
  }

  template <class S>
  bool Respond(S& s, tcp::socket& raw_sock, const RecordedRequest& rec, const Fault& f) {
    using K = Fault::Kind;
    if (f.kind == K::kResetBeforeResponse) {
      Reset(raw_sock);
      return false;
    }
    if (f.kind == K::kHttpStatus) {
      std::string body = ErrorJson(f.http_status, rec);
      std::string head =
          "HTTP/1.1 " + std::to_string(f.http_status) + " " + ReasonFor(f.http_status) +
          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n";
      if (!f.retry_after.empty()) head += "Retry-After: " + f.retry_after + "\r\n";
      return WriteAll(s, head + "\r\n" + body);
    }
    if (f.kind == K::kWrongContentType) {
      std::string body = "<html><body>Gateway portal login</body></html>";
      return WriteAll(s, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body);
    }
    if (!WriteAll(s,
                  "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                  "Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n")) {
      return false;
    }
    int deltas = 0;
    for (const auto& [text, is_delta] : Events(rec)) {
      bool at_fault_point = deltas >= f.after_deltas;
      if (at_fault_point) {
        switch (f.kind) {
          case K::kResetMidStream:
            Reset(raw_sock);
            return false;
          case K::kStallMidStream:
            WaitStop(-1);
            return false;
          case K::kMalformedJson:
            WriteAll(s, Chunk("data: {\"choices\": [{\"delta\": {\"content\": \"x\"\n\n"));
            return WriteAll(s, Chunk("")) && false;
          case K::kCutStream:
            return WriteAll(s, Chunk("")) && false;
          default:
            break;
        }
      }
      if (f.kind == K::kSlowChunks && WaitStop(f.delay_ms)) return false;
      if (!WriteAll(s, Chunk(text))) return false;
      if (is_delta) ++deltas;
    }
    return WriteAll(s, Chunk(""));
  }
};

ProviderEmulator::ProviderEmulator(EmulatorOptions options)
    : impl_(std::make_unique<Impl>(std::move(options), *this)) {}
ProviderEmulator::~ProviderEmulator() { Stop(); }

Status ProviderEmulator::Start() {
  if (!impl_->opts.cert_pem.empty()) {
    impl_->tls = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    beast::error_code ec;
    impl_->tls->use_certificate_chain(asio::buffer(impl_->opts.cert_pem), ec);
    if (!ec) {
      impl_->tls->use_private_key(asio::buffer(impl_->opts.key_pem), asio::ssl::context::pem, ec);
    }
    if (ec) return absl::InternalError("emulator: cannot load certificate/key: " + ec.message());
  }
  uint16_t bound = 0;
  GW_RETURN_IF_ERROR(impl_->Listen(impl_->opts.address, impl_->opts.port, &bound));
  port_ = bound;
  return Status();
}

void ProviderEmulator::Stop() { impl_->StopServer(); }

void ProviderEmulator::PushFault(const Fault& f) {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->script.push_back(f);
}

void ProviderEmulator::SetScript(std::vector<Fault> faults) {
  std::lock_guard<std::mutex> l(impl_->mu);
  impl_->script.assign(faults.begin(), faults.end());
}

std::vector<RecordedRequest> ProviderEmulator::requests() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->requests;
}

std::string ProviderEmulator::received_bytes() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->received;
}

// ----- proxy -----------------------------------------------------------------------------------

struct ConnectProxy::Impl : Server {
  explicit Impl(int refuse) : refuse_status(refuse) {}
  ~Impl() override { StopServer(); }
  int refuse_status;
  mutable std::mutex mu;
  std::vector<std::string> targets;

  void Serve(tcp::socket sock) override {
    std::string pending, raw;
    http::request_parser<http::string_body> p;
    if (!ReadRequest(sock, pending, p, raw)) return;
    std::string target(p.get().target());
    {
      std::lock_guard<std::mutex> l(mu);
      targets.push_back(target);
    }
    if (p.get().method() != http::verb::connect || refuse_status != 0) {
      int st = refuse_status != 0 ? refuse_status : 405;
      WriteAll(sock, "HTTP/1.1 " + std::to_string(st) + " " + ReasonFor(st) +
                         "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    size_t colon = target.rfind(':');
    tcp::socket up(io_);
    beast::error_code ec;
    tcp::resolver r(io_);
    auto eps = r.resolve(target.substr(0, colon), target.substr(colon + 1), ec);
    if (!ec) asio::connect(up, eps, ec);
    if (ec) {
      WriteAll(sock, std::string("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"));
      return;
    }
    int up_fd = up.native_handle();
    Track(up_fd, true);
    WriteAll(sock, std::string("HTTP/1.1 200 Connection established\r\n\r\n"));
    if (!pending.empty()) WriteAll(up, pending);
    std::thread back([&] {
      char buf[16384];
      for (;;) {
        beast::error_code e;
        size_t n = up.read_some(asio::buffer(buf), e);
        if (e || !WriteAll(sock, std::string_view(buf, n))) break;
      }
      ::shutdown(sock.native_handle(), SHUT_RDWR);
    });
    char buf[16384];
    for (;;) {
      beast::error_code e;
      size_t n = sock.read_some(asio::buffer(buf), e);
      if (e || !WriteAll(up, std::string_view(buf, n))) break;
    }
    ::shutdown(up_fd, SHUT_RDWR);
    back.join();
    Track(up_fd, false);
  }
};

ConnectProxy::ConnectProxy(int refuse_status) : impl_(std::make_unique<Impl>(refuse_status)) {}
ConnectProxy::~ConnectProxy() { Stop(); }
Status ConnectProxy::Start() {
  uint16_t bound = 0;
  GW_RETURN_IF_ERROR(impl_->Listen("127.0.0.1", 0, &bound));
  port_ = bound;
  return Status();
}
void ConnectProxy::Stop() { impl_->StopServer(); }
std::vector<std::string> ConnectProxy::connect_targets() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->targets;
}

}  // namespace gw::emulator
