#include "cloud_adapters/http/sse_parser.h"

#include <string>

namespace gw::cloud {
namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";
}

Status SseParser::Feed(std::string_view bytes, const Callback& on_event) {
  if (failed_) {
    return absl::InvalidArgumentError("sse: event larger than " + std::to_string(max_event_bytes_) +
                                      " bytes");
  }
  std::string joined;
  if (!bom_done_) {
    // Collect up to 3 bytes to decide whether the stream starts with a BOM.
    joined = bom_buf_;
    joined.append(bytes);
    if (joined.size() < kBom.size() && kBom.substr(0, joined.size()) == joined) {
      bom_buf_ = joined;
      return absl::OkStatus();
    }
    bom_done_ = true;
    bom_buf_.clear();
    if (joined.size() >= kBom.size() && std::string_view(joined).substr(0, 3) == kBom) {
      joined.erase(0, 3);
    }
    bytes = joined;
  }
  size_t i = 0;
  if (pending_cr_ && !bytes.empty()) {
    if (bytes[0] == '\n') i = 1;
    pending_cr_ = false;
  }
  while (i < bytes.size()) {
    size_t end = bytes.find_first_of("\r\n", i);
    if (end == std::string_view::npos) {
      if (line_.size() + (bytes.size() - i) > max_event_bytes_) {
        failed_ = true;
        return absl::InvalidArgumentError("sse: event larger than " +
                                          std::to_string(max_event_bytes_) + " bytes");
      }
      line_.append(bytes.substr(i));
      break;
    }
    std::string_view piece = bytes.substr(i, end - i);
    if (line_.empty()) {
      ProcessLine(piece, on_event);
    } else {
      line_.append(piece);
      ProcessLine(line_, on_event);
      line_.clear();
    }
    if (data_.size() > max_event_bytes_) {
      failed_ = true;
      return absl::InvalidArgumentError("sse: event larger than " +
                                        std::to_string(max_event_bytes_) + " bytes");
    }
    if (bytes[end] == '\r') {
      if (end + 1 < bytes.size()) {
        i = bytes[end + 1] == '\n' ? end + 2 : end + 1;
      } else {
        pending_cr_ = true;
        i = end + 1;
      }
    } else {
      i = end + 1;
    }
  }
  return absl::OkStatus();
}

void SseParser::ProcessLine(std::string_view line, const Callback& on_event) {
  if (line.empty()) {
    if (!has_data_) {
      type_.clear();
      retry_.reset();
      return;
    }
    SseEvent ev;
    ev.type = type_.empty() ? "message" : type_;
    ev.data = std::move(data_);
    if (!ev.data.empty() && ev.data.back() == '\n') ev.data.pop_back();
    ev.last_id = last_id_;
    ev.retry_ms = retry_;
    data_.clear();
    has_data_ = false;
    type_.clear();
    retry_.reset();
    ++events_;
    on_event(ev);
    return;
  }
  if (line[0] == ':') return;  // comment
  std::string_view field = line;
  std::string_view value;
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    field = line.substr(0, colon);
    value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
  }
  if (field == "event") {
    type_.assign(value);
  } else if (field == "data") {
    data_.append(value);
    data_.push_back('\n');
    has_data_ = true;
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
  } else if (field == "retry") {
    if (!value.empty() && value.size() <= 15 &&
        value.find_first_not_of("0123456789") == std::string_view::npos) {
      retry_ = std::stoll(std::string(value));
    }
  }
}

}  // namespace gw::cloud
