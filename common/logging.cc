#include "common/logging.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>

namespace gw::log {
namespace {

thread_local std::string t_request_id;

std::string Timestamp(const spdlog::details::log_msg& msg) {
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(us % 1'000'000));
  return buf;
}

class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(Format format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto lv = spdlog::level::to_string_view(msg.level);
    const std::string_view level(lv.data(), lv.size());
    const std::string_view rid = t_request_id.empty() ? std::string_view("-") : t_request_id;
    const std::string_view text(msg.payload.data(), msg.payload.size());
    std::string line;
    if (format_ == Format::kJson) {
      nlohmann::json j;
      j["ts"] = Timestamp(msg);
      j["level"] = level;
      j["request_id"] = rid;
      // Invalid UTF-8 never reaches here from our own messages; replace defensively.
      j["msg"] = text;
      line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      line = fmt::format("{} {:<5} [req={}] {}", Timestamp(msg), level, rid, text);
    }
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<LineFormatter>(format_);
  }

 private:
  Format format_;
};

}  // namespace

namespace internal {
void SetThreadRequestId(std::string_view id) { t_request_id.assign(id); }
}  // namespace internal

void InitLogging(Format format, std::string_view level) {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l =
        std::make_shared<spdlog::logger>("gw", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    spdlog::set_default_logger(l);
    return l;
  }();
  logger->set_formatter(std::make_unique<LineFormatter>(format));
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::trace);
}

}  // namespace gw::log
