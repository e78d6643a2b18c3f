// The system Abseil is built without absl::string_view == std::string_view; Av() adapts a
// std::string_view for StrCat/CHexEscape and friends. Internal to local_engine. Thread-safe.
#pragma once

#include <string_view>

#include "absl/strings/string_view.h"

namespace gw::engine {

inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace gw::engine
