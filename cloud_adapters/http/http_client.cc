#include "cloud_adapters/http/http_client.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include "cloud_adapters/strings.h"

namespace gw::cloud {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clk = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr auto kMaxIdleAge = std::chrono::seconds(30);
constexpr size_t kMaxIdleConns = 64;

using Strand = asio::strand<asio::io_context::executor_type>;

struct Conn {
  explicit Conn(asio::io_context& io) : strand(asio::make_strand(io)) {}
  Strand strand;
  std::unique_ptr<beast::tcp_stream> tcp;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  Clk::time_point last_used = Clk::now();
  std::atomic<bool> cancelled{false};
  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *tcp; }
  void Close() {
    beast::error_code ec;
    if (tls || tcp) lowest().socket().close(ec);
  }
};

StatusOr<std::shared_ptr<asio::ssl::context>> MakeClientTlsContext(const std::string& ca_file) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  ctx->set_verify_mode(asio::ssl::verify_peer);
  beast::error_code ec;
  ctx->set_default_verify_paths(ec);  // a missing system store only matters if it is needed
  if (!ca_file.empty()) {
    ctx->load_verify_file(ca_file, ec);
    if (ec) {
      return absl::InvalidArgumentError("ca_file " + ca_file + ": cannot load: " + ec.message());
    }
  }
  return ctx;
}

HttpClient::HttpClient(asio::io_context& io, Url origin, std::optional<Url> proxy,
                       std::shared_ptr<asio::ssl::context> tls, HttpTimeouts timeouts)
    : io_(io),
      origin_(std::move(origin)),
      proxy_(std::move(proxy)),
      tls_(std::move(tls)),
      timeouts_(timeouts) {}

HttpClient::~HttpClient() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& c : idle_) c->Close();
}

size_t HttpClient::idle_connections() const {
  std::lock_guard<std::mutex> l(mu_);
  return idle_.size();
}

std::shared_ptr<Conn> HttpClient::TakeIdle() {
  std::lock_guard<std::mutex> l(mu_);
  while (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    if (Clk::now() - c->last_used < kMaxIdleAge) return c;
    c->Close();
  }
  return nullptr;
}

void HttpClient::PutIdle(std::shared_ptr<Conn> c) {
  c->last_used = Clk::now();
  std::lock_guard<std::mutex> l(mu_);
  if (idle_.size() < kMaxIdleConns) idle_.push_back(std::move(c));
}

namespace {

// Arms the stream's timer with min(limit, deadline - now) and remembers which one applies.
struct Timer {
  const char* Arm(beast::tcp_stream& s, std::chrono::microseconds limit, const char* what,
                  Clk::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clk::now());
    if (left < limit) {
      s.expires_after(left.count() > 0 ? left : std::chrono::microseconds(1));
      label = "total";
    } else {
      s.expires_after(limit);
      label = what;
    }
    return label;
  }
  const char* label = "";
};

ExchangeResult Fail(absl::StatusCode code, const std::string& msg, bool got_headers,
                    bool retryable) {
  ExchangeResult r;
  r.status = Status(code, msg);
  r.got_headers = got_headers;
  r.retryable = retryable;
  return r;
}

ExchangeResult NetError(const beast::error_code& ec, const Conn& c, const Timer& t,
                        std::string_view during, bool got_headers) {
  if (c.cancelled.load()) {
    return Fail(absl::StatusCode::kCancelled, "cancelled", got_headers, false);
  }
  if (ec == beast::error::timeout) {
    return Fail(absl::StatusCode::kDeadlineExceeded,
                std::string(t.label) + " timeout " + std::string(during), got_headers,
                std::string_view(t.label) != "total");
  }
  return Fail(absl::StatusCode::kUnavailable,
              "connection failed " + std::string(during) + ": " + ec.message(), got_headers, true);
}

bool IsIpLiteral(const std::string& host) {
  beast::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

asio::awaitable<ExchangeResult> HttpClient::Connect(Conn& c, Clk::time_point deadline) {
  const Url& hop = proxy_ ? *proxy_ : origin_;
  Timer t;
  tcp::resolver resolver(c.strand);
  auto [rec, results] = co_await resolver.async_resolve(hop.host, std::to_string(hop.port), kTuple);
  if (rec) {
    co_return Fail(absl::StatusCode::kUnavailable,
                   "cannot resolve " + hop.host + ": " + rec.message(), false, true);
  }
  if (c.cancelled.load()) co_return Fail(absl::StatusCode::kCancelled, "cancelled", false, false);
  c.tcp = std::make_unique<beast::tcp_stream>(c.strand);
  beast::tcp_stream& tcp_stream = *c.tcp;
  t.Arm(tcp_stream, timeouts_.connect, "connect", deadline);
  auto [cec, ep] = co_await tcp_stream.async_connect(results, kTuple);
  if (cec) co_return NetError(cec, c, t, "connecting to " + hop.HostPort(), false);
  beast::error_code ignored;
  tcp_stream.socket().set_option(tcp::no_delay(true), ignored);
  if (proxy_) {
    http::request<http::empty_body> req{http::verb::connect, origin_.HostPort(), 11};
    req.set(http::field::host, origin_.HostPort());
    t.Arm(tcp_stream, timeouts_.connect, "connect", deadline);
    auto [wec, wn] = co_await http::async_write(tcp_stream, req, kTuple);
    if (wec) co_return NetError(wec, c, t, "talking to proxy", false);
    http::response_parser<http::empty_body> p;
    p.skip(true);
    auto [pec, pn] = co_await http::async_read(tcp_stream, c.buffer, p, kTuple);
    if (pec) co_return NetError(pec, c, t, "reading proxy CONNECT reply", false);
    if (p.get().result_int() != 200) {
      co_return Fail(absl::StatusCode::kUnavailable,
                     "proxy refused CONNECT to " + origin_.HostPort() + " with HTTP " +
                         std::to_string(p.get().result_int()),
                     false, false);
    }
  }
  if (!origin_.tls()) co_return ExchangeResult{};
  c.tls = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(tcp_stream), *tls_);
  c.tcp.reset();
  if (!IsIpLiteral(origin_.host)) {
    SSL_set_tlsext_host_name(c.tls->native_handle(), origin_.host.c_str());
  }
  c.tls->set_verify_callback(asio::ssl::host_name_verification(origin_.host));
  t.Arm(beast::get_lowest_layer(*c.tls), timeouts_.connect, "connect", deadline);
  auto [hec] = co_await c.tls->async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) {
    if (hec == beast::error::timeout || c.cancelled.load()) {
      co_return NetError(hec, c, t, "during TLS handshake", false);
    }
    long vr = SSL_get_verify_result(c.tls->native_handle());
    std::string detail = vr != X509_V_OK ? X509_verify_cert_error_string(vr) : hec.message();
    // A TLS-level refusal (bad certificate, host name, protocol) will not heal by retrying; a
    // connection dropped during the handshake might.
    bool tls_level = hec.category() == asio::error::get_ssl_category();
    co_return Fail(absl::StatusCode::kUnavailable,
                   "TLS handshake with " + origin_.host + " failed: " + detail, false,
                   !tls_level && vr == X509_V_OK);
  }
  co_return ExchangeResult{};
}

namespace {

template <class S>
asio::awaitable<ExchangeResult> DoExchange(S& s, Conn& c, const std::string& host_port,
                                           const HttpRequest& in, ResponseSink& sink,
                                           const HttpTimeouts& to, Clk::time_point deadline,
                                           bool* reusable, bool* nothing_received) {
  Timer t;
  http::request<http::string_body> req;
  req.method_string(in.method);
  req.target(in.target);
  req.version(11);
  req.set(http::field::host, host_port);
  for (const auto& [k, v] : in.headers) req.set(k, v);
  req.body() = in.body;
  req.keep_alive(true);
  req.prepare_payload();
  t.Arm(c.lowest(), to.first_byte, "first byte", deadline);
  auto [wec, wn] = co_await http::async_write(s, req, kTuple);
  if (wec) co_return NetError(wec, c, t, "sending request", false);

  http::response_parser<http::buffer_body> p;
  p.body_limit(boost::none);
  p.header_limit(64 * 1024);
  auto [hec, hn] = co_await http::async_read_header(s, c.buffer, p, kTuple);
  if (hec) {
    *nothing_received = c.buffer.size() == 0 && hn == 0;
    co_return NetError(hec, c, t, "waiting for response headers", false);
  }
  *nothing_received = false;
  HeaderMap headers;
  for (const auto& f : p.get()) {
    headers[str::Lower(std::string(f.name_string()))] = std::string(f.value());
  }
  Status hs = sink.OnHeaders(p.get().result_int(), headers);
  if (!hs.ok()) {
    ExchangeResult r;
    r.status = hs;
    r.got_headers = true;
    co_return r;
  }
  char chunk[16 * 1024];
  while (!p.is_done()) {
    p.get().body().data = chunk;
    p.get().body().size = sizeof(chunk);
    t.Arm(c.lowest(), to.idle, "idle", deadline);
    auto [rec, rn] = co_await http::async_read(s, c.buffer, p, kTuple);
    if (rec == http::error::need_buffer) rec = {};
    size_t got = sizeof(chunk) - p.get().body().size;
    if (got > 0) {
      Status bs = sink.OnBody(std::string_view(chunk, got));
      if (!bs.ok()) {
        ExchangeResult r;
        r.status = bs;
        r.got_headers = true;
        co_return r;
      }
    }
    if (rec) {
      if (rec == http::error::partial_message || rec == asio::error::eof) {
        if (c.cancelled.load()) {
          co_return Fail(absl::StatusCode::kCancelled, "cancelled", true, false);
        }
        co_return Fail(absl::StatusCode::kUnavailable, "connection closed mid-response", true,
                       true);
      }
      co_return NetError(rec, c, t, "reading response body", true);
    }
  }
  *reusable = p.get().keep_alive();
  co_return ExchangeResult{Status(), true, false};
}

}  // namespace

asio::awaitable<ExchangeResult> HttpClient::Exchange(std::shared_ptr<Conn> c,
                                                     const HttpRequest& req, ResponseSink& sink,
                                                     bool fresh, Clk::time_point deadline) {
  if (fresh) {
    ExchangeResult cr = co_await Connect(*c, deadline);
    if (!cr.status.ok()) co_return cr;
  }
  bool reusable = false;
  bool nothing_received = false;
  ExchangeResult r;
  if (c->tls) {
    r = co_await DoExchange(*c->tls, *c, origin_.HostPort(), req, sink, timeouts_, deadline,
                            &reusable, &nothing_received);
  } else {
    r = co_await DoExchange(*c->tcp, *c, origin_.HostPort(), req, sink, timeouts_, deadline,
                            &reusable, &nothing_received);
  }
  if (!fresh && !r.status.ok() && !r.got_headers && nothing_received && !c->cancelled.load()) {
    // A pooled connection the server had already closed: not a real attempt.
    r.status = Status(absl::StatusCode::kAborted, "stale pooled connection");
  }
  if (r.status.ok() && reusable && !c->cancelled.load()) {
    c->lowest().expires_never();
    PutIdle(c);
  } else {
    c->Close();
  }
  co_return r;
}

asio::awaitable<ExchangeResult> HttpClient::Send(const HttpRequest& req, ResponseSink& sink,
                                                 Clk::time_point deadline,
                                                 CancellationToken cancel) {
  for (int pass = 0; pass < 2; ++pass) {
    std::shared_ptr<Conn> c = pass == 0 ? TakeIdle() : nullptr;
    bool fresh = c == nullptr;
    if (fresh) c = std::make_shared<Conn>(io_);
    c->cancelled = false;
    auto alive = std::make_shared<std::atomic<bool>>(true);
    uint64_t reg = cancel.Register([c, alive] {
      asio::post(c->strand, [c, alive] {
        if (!alive->load()) return;
        c->cancelled = true;
        c->Close();
      });
    });
    ExchangeResult r;
    try {
      r = co_await asio::co_spawn(c->strand, Exchange(c, req, sink, fresh, deadline),
                                  asio::use_awaitable);
    } catch (const std::exception& e) {
      r = Fail(absl::StatusCode::kUnavailable, std::string("http client error: ") + e.what(), false,
               false);
    }
    alive->store(false);
    cancel.Unregister(reg);
    if (r.status.code() == absl::StatusCode::kAborted && !fresh) continue;
    co_return r;
  }
  co_return Fail(absl::StatusCode::kUnavailable, "no connection", false, true);
}

}  // namespace gw::cloud
