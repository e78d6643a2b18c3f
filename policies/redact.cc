#include "policies/redact.h"

#include <openssl/crypto.h>

#include "absl/strings/str_cat.h"

namespace gw::policies {

namespace {
void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

std::string TypeTag(std::string_view type) {
  std::string tag;
  for (char c : type.substr(0, 40)) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    tag.push_back(ok ? c : '_');
  }
  if (tag.empty()) tag = "FINDING";
  return tag;
}

bool IsPlaceholderChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
}  // namespace

Redactor::~Redactor() {
  absl::MutexLock lock(&mu_);
  for (auto& [k, v] : by_placeholder_) Wipe(v);
  for (auto& [k, v] : by_value_) {
    // Map keys are const only to protect the ordering, which no longer matters here.
    auto& value = const_cast<std::string&>(k.second);
    if (!value.empty()) OPENSSL_cleanse(value.data(), value.size());
  }
  by_value_.clear();
}

StatusOr<std::string> Redactor::Redact(std::string_view text,
                                       const std::vector<Finding>& findings) {
  size_t prev_end = 0;
  for (const Finding& f : findings) {
    if (f.begin < prev_end || f.end <= f.begin || f.end > text.size()) {
      return absl::InvalidArgumentError(
          "redact: findings must be sorted, non-overlapping and inside the text");
    }
    prev_end = f.end;
  }
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  absl::MutexLock lock(&mu_);
  for (const Finding& f : findings) {
    out.append(text.substr(pos, f.begin - pos));
    const std::string tag = TypeTag(f.type);
    if (mode_ == RedactionMode::kMask) {
      absl::StrAppend(&out, "<", tag, ">");
    } else {
      auto key = std::make_pair(tag, std::string(text.substr(f.begin, f.end - f.begin)));
      auto it = by_value_.find(key);
      if (it == by_value_.end()) {
        const int n = ++counters_[tag];
        std::string ph = absl::StrCat("<", tag, "_", n, ">");
        by_placeholder_.emplace(ph, key.second);
        it = by_value_.emplace(std::move(key), std::move(ph)).first;
      } else {
        Wipe(key.second);
      }
      out.append(it->second);
    }
    pos = f.end;
  }
  out.append(text.substr(pos));
  return out;
}

bool Redactor::Lookup(std::string_view placeholder, std::string* value) const {
  absl::MutexLock lock(&mu_);
  auto it = by_placeholder_.find(placeholder);
  if (it == by_placeholder_.end()) return false;
  *value = it->second;
  return true;
}

size_t Redactor::size() const {
  absl::MutexLock lock(&mu_);
  return by_placeholder_.size();
}

std::string Redactor::Restore(std::string_view text) const {
  StreamRestorer r(*this);
  std::string out = r.Feed(text);
  out += r.Finish();
  return out;
}

StreamRestorer::~StreamRestorer() { Wipe(pending_); }

std::string StreamRestorer::Feed(std::string_view chunk) {
  pending_.append(chunk);
  return Drain(false);
}

std::string StreamRestorer::Finish() { return Drain(true); }

std::string StreamRestorer::Drain(bool final) {
  std::string out;
  const bool reversible = redactor_.mode() == RedactionMode::kReversible;
  size_t i = 0;
  std::string value;
  while (true) {
    const size_t lt = reversible ? pending_.find('<', i) : std::string::npos;
    if (lt == std::string::npos) {
      out.append(pending_, i);
      pending_.clear();
      return out;
    }
    out.append(pending_, i, lt - i);
    size_t j = lt + 1;
    while (j < pending_.size() && IsPlaceholderChar(pending_[j]) &&
           j - lt < Redactor::kMaxPlaceholderBytes) {
      ++j;
    }
    if (j == pending_.size() && !final && j - lt < Redactor::kMaxPlaceholderBytes) {
      pending_.erase(0, lt);  // may be a placeholder cut by the chunk boundary
      return out;
    }
    if (j < pending_.size() && pending_[j] == '>' &&
        redactor_.Lookup(std::string_view(pending_).substr(lt, j - lt + 1), &value)) {
      out.append(value);
      Wipe(value);
      i = j + 1;
      continue;
    }
    out.push_back('<');
    i = lt + 1;
  }
}

}  // namespace gw::policies
