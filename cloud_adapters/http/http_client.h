// Internal: an HTTP/1.1 client on Boost.Beast with TLS, keep-alive pooling, CONNECT proxies,
// timeouts and cancellation. One HttpClient per adapter (one origin). Not a public header.
//
// TLS: TLS 1.2 minimum, peer verification against the system store plus an optional CA file,
// host-name verification (RFC 6125 via OpenSSL X509_check_host), SNI for DNS names (RFC 6066).
// Proxy: an http:// proxy reached with CONNECT host:port (RFC 9110 section 9.3.6).
// Thread-safety: HttpClient is thread-safe; Send may run concurrently.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "cloud_adapters/http/url.h"
#include "cloud_adapters/provider.h"
#include "common/status.h"

namespace gw::cloud {

struct HttpRequest {
  std::string method = "POST";
  std::string target;  // origin-form, e.g. "/v1/chat/completions?x=y"
  std::vector<std::pair<std::string, std::string>> headers;  // Host is added by the client
  std::string body;
};

using HeaderMap = std::map<std::string, std::string>;  // lower-case names

// Receives one response. A non-OK return aborts the exchange with that status.
class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual Status OnHeaders(int http_status, const HeaderMap& headers) = 0;
  virtual Status OnBody(std::string_view bytes) = 0;
};

struct HttpTimeouts {
  std::chrono::microseconds connect{5'000'000};
  std::chrono::microseconds first_byte{30'000'000};
  std::chrono::microseconds idle{30'000'000};
};

struct ExchangeResult {
  Status status;  // transport outcome, or the sink's status
  bool got_headers = false;
  bool retryable = false;  // transport failure worth another attempt
};

struct Conn;

// Builds a client TLS context (see the file comment). INVALID_ARGUMENT if ca_file cannot be read.
StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeClientTlsContext(
    const std::string& ca_file);

class HttpClient {
 public:
  // `proxy`: nullopt = direct. `tls` is required for https origins. Borrowed io must outlive.
  HttpClient(boost::asio::io_context& io, Url origin, std::optional<Url> proxy,
             std::shared_ptr<boost::asio::ssl::context> tls, HttpTimeouts timeouts);
  ~HttpClient();

  // Sends `req` and streams the response into `sink`. `deadline` bounds the whole exchange
  // (DEADLINE_EXCEEDED "total timeout"). Cancels with CANCELLED when `cancel` fires.
  boost::asio::awaitable<ExchangeResult> Send(const HttpRequest& req, ResponseSink& sink,
                                              std::chrono::steady_clock::time_point deadline,
                                              CancellationToken cancel);

  const Url& origin() const { return origin_; }
  size_t idle_connections() const;

 private:
  boost::asio::awaitable<ExchangeResult> Connect(Conn& c,
                                                 std::chrono::steady_clock::time_point deadline);
  boost::asio::awaitable<ExchangeResult> Exchange(std::shared_ptr<Conn> c, const HttpRequest& req,
                                                  ResponseSink& sink, bool fresh,
                                                  std::chrono::steady_clock::time_point deadline);
  std::shared_ptr<Conn> TakeIdle();
  void PutIdle(std::shared_ptr<Conn> c);

  boost::asio::io_context& io_;
  const Url origin_;
  const std::optional<Url> proxy_;
  const std::shared_ptr<boost::asio::ssl::context> tls_;
  const HttpTimeouts timeouts_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Conn>> idle_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gw::cloud
