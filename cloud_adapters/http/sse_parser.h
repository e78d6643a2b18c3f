// Incremental Server-Sent Events parser.
//
// Implements the event-stream interpretation of the WHATWG HTML Living Standard, section 9.2
// "Server-sent events" (https://html.spec.whatwg.org/multipage/server-sent-events.html):
// a leading U+FEFF BOM is dropped once; lines end in CRLF, LF or CR (a CR at the end of one chunk
// followed by LF at the start of the next is one line end); lines starting with ':' are comments;
// "field: value" drops one space after the colon; a line without a colon is a field with an empty
// value; `data` lines accumulate joined by LF; `event` sets the type (default "message"); `id`
// sets the last event id unless it contains NUL; `retry` is accepted when all ASCII digits;
// unknown fields are ignored; a blank line dispatches the event unless its data buffer is empty;
// an unterminated event at end of stream is discarded. Bytes are passed through undecoded
// (providers send UTF-8 JSON, which the caller validates).
//
// Limits: a line or event data larger than `max_event_bytes` is an error (INVALID_ARGUMENT
// "sse: event larger than N bytes") and the parser stays failed.
//
// Thread-safety: not thread-safe; one parser per stream.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace gw::cloud {

struct SseEvent {
  std::string type;                 // "message" when the stream gave none
  std::string data;                 // data lines joined by LF, without the final LF
  std::string last_id;              // the last event id buffer at dispatch time
  std::optional<int64_t> retry_ms;  // a valid `retry` field seen in this event
};

class SseParser {
 public:
  using Callback = std::function<void(const SseEvent&)>;
  explicit SseParser(size_t max_event_bytes = 4 << 20) : max_event_bytes_(max_event_bytes) {}

  // Feeds the next bytes of the stream (any chunk boundary); calls `on_event` for each
  // dispatched event. Returns INVALID_ARGUMENT on an oversize line/event (then on every call).
  Status Feed(std::string_view bytes, const Callback& on_event);

  // Number of complete events dispatched so far.
  int64_t events() const { return events_; }

 private:
  void ProcessLine(std::string_view line, const Callback& on_event);

  size_t max_event_bytes_;
  std::string bom_buf_;  // up to 2 bytes of a possible BOM split across chunks
  bool bom_done_ = false;
  bool pending_cr_ = false;  // last chunk ended with CR: skip one LF at the start of the next
  bool failed_ = false;
  std::string line_;
  std::string data_;
  bool has_data_ = false;
  std::string type_;
  std::string last_id_;
  std::optional<int64_t> retry_;
  int64_t events_ = 0;
};

}  // namespace gw::cloud
