// The audit writer: group commit, signing, rotation, checkpoints, retention, recovery, fail-closed.
#include "audit/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "audit/internal/chain.h"
#include "audit/internal/codec.h"
#include "audit/internal/crypto.h"
#include "audit/internal/strcat.h"
#include "audit/verify.h"
#include "common/logging.h"

namespace gw::audit {
namespace {

constexpr std::string_view kContentAad = "gw-audit-content-v1";

std::string Errno(std::string_view what, int err) {
  return internal::StrCat(what, ": ", std::strerror(err));
}

Status WriteAll(int fd, std::string_view data, std::string* reason) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      *reason = Errno("write", errno);
      return absl::UnavailableError(*reason);
    }
    off += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

Status FsyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::UnavailableError(Errno("open dir " + dir, errno));
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return absl::UnavailableError(Errno("fsync dir " + dir, e));
  return absl::OkStatus();
}

}  // namespace

std::string DefaultAuditDir() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && xdg[0] != '\0') return internal::StrCat(xdg, "/gatewayd/audit");
  return "/var/lib/gatewayd/audit";
}

class AuditLog::Impl {
 public:
  Impl(const config::AuditConfig& cfg, const OpenOptions& opts)
      : cfg_(cfg),
        opts_(opts),
        clock_(opts.clock != nullptr ? opts.clock : &SystemClock::Get()),
        dir_(cfg.dir) {}

  ~Impl() {
    {
      absl::MutexLock l(&mu_);
      stop_ = true;
    }
    if (writer_.joinable()) writer_.join();
    if (fd_ >= 0) ::close(fd_);
  }

  Status Open();

  void Enqueue(const AuditRecord& record, bool durable, AckCallback done) {
    // Durable and group-committed records share the queue: the writer starts a batch as soon as
    // the previous one is on disk, so a durable record waits for at most one fsync in flight.
    (void)durable;
    Pending p{internal::Prepare(record), record.type, std::move(done)};
    Status err;
    {
      absl::MutexLock l(&mu_);
      auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return queue_.size() < opts_.max_pending || stop_ || failed_;
      };
      mu_.Await(absl::Condition(&room));
      if (stop_) {
        err = absl::UnavailableError("audit log unwritable: closing");
      } else if (failed_) {
        err = absl::UnavailableError(internal::StrCat("audit log unwritable: ", reason_));
      } else {
        queue_.push_back(std::move(p));
        ++enqueued_;
        return;
      }
    }
    p.done(err);
  }

  Status Flush() {
    absl::MutexLock l(&mu_);
    const uint64_t target = enqueued_;
    auto done = [this, target]()
                    ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return completed_ >= target; };
    mu_.Await(absl::Condition(&done));
    if (failed_) return absl::UnavailableError(internal::StrCat("audit log unwritable: ", reason_));
    return absl::OkStatus();
  }

  AuditStatus GetStatus() const {
    absl::MutexLock l(&mu_);
    AuditStatus s = status_;
    s.writable = !failed_;
    s.reason = failed_ ? internal::StrCat("audit log unwritable: ", reason_) : "";
    return s;
  }

  Status Retry() {
    {
      absl::MutexLock l(&mu_);
      if (!failed_) return absl::OkStatus();
      retry_requested_ = true;
      const uint64_t gen = retry_generation_;
      auto done = [this, gen]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return retry_generation_ != gen || stop_;
      };
      mu_.Await(absl::Condition(&done));
    }
    AuditStatus s = GetStatus();
    if (s.writable) return absl::OkStatus();
    return absl::UnavailableError(s.reason);
  }

  StatusOr<std::optional<CapturedContent>> Capture(std::string_view text) const {
    switch (cfg_.content_capture) {
      case config::ContentCapture::kNone:
        return std::optional<CapturedContent>();
      case config::ContentCapture::kDigest: {
        CapturedContent c;
        c.digest_hex = internal::HmacSha256Hex(hmac_key_, text);
        return std::optional<CapturedContent>(std::move(c));
      }
      case config::ContentCapture::kEncrypted: {
        std::string nonce, ct;
        GW_RETURN_IF_ERROR(internal::Aes256GcmEncrypt(enc_key_, text, kContentAad, &nonce, &ct));
        CapturedContent c;
        c.ciphertext_b64 = internal::Base64Encode(ct);
        c.nonce_hex = ToHex(nonce);
        return std::optional<CapturedContent>(std::move(c));
      }
    }
    return absl::InternalError("unknown content capture mode");
  }

  const std::string& public_pem() const { return signer_->public_pem(); }
  const std::string& dir() const { return dir_; }

 private:
  struct Pending {
    internal::PreparedRecord p;
    RecordType type;
    AckCallback done;
  };

  void Run();
  // Writes `batch` (plus `extra` system records first) as one write + fdatasync.
  Status WriteBatch(std::vector<Pending>* batch, std::vector<uint64_t>* seqs, std::string* reason);
  Status CreateSegment();
  Status MaybeRotate();
  void ApplyRetention();
  Status Recover(const std::vector<std::string>& segments);
  void SetFailed(const std::string& reason);
  void PublishStatus() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Immutable after Open().
  const config::AuditConfig cfg_;
  const OpenOptions opts_;
  const Clock* const clock_;
  std::string dir_;
  std::unique_ptr<internal::Ed25519Signer> signer_;
  std::string hmac_key_;
  std::string enc_key_;
  std::string key_id_;

  mutable absl::Mutex mu_;
  std::vector<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
  std::string reason_ ABSL_GUARDED_BY(mu_);
  bool retry_requested_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t retry_generation_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t enqueued_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t completed_ ABSL_GUARDED_BY(mu_) = 0;
  AuditStatus status_ ABSL_GUARDED_BY(mu_);

  // Owned by the writer thread (and by Open() before the thread starts).
  int fd_ = -1;
  std::string segment_;
  int64_t segment_size_ = 0;
  int64_t segment_start_us_ = 0;
  int64_t segment_index_ = -1;
  uint64_t next_seq_ = 0;
  std::string head_ = std::string(internal::kZeroHash);
  int64_t last_ts_ = 0;
  int64_t last_checkpoint_mono_ = 0;
  int64_t records_since_checkpoint_ = 0;
  int64_t next_retry_mono_ = 0;
  // Counters, written by the writer thread under mu_.
  int64_t failures_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t recoveries_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t batches_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t slow_commits_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread writer_;
};

namespace {

bool IsSystemType(RecordType t) {
  return t == RecordType::kSegmentHeader || t == RecordType::kCheckpoint ||
         t == RecordType::kRecovery || t == RecordType::kRetention || t == RecordType::kFailClosed;
}

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  bool created = std::filesystem::create_directories(dir, ec);
  if (ec) {
    std::string msg = internal::StrCat(dir, ": ", ec.message());
    if (ec == std::errc::permission_denied) return absl::PermissionDeniedError(msg);
    return absl::UnavailableError(msg);
  }
  if (created) ::chmod(dir.c_str(), 0700);
  return absl::OkStatus();
}

}  // namespace

Status AuditLog::Impl::Open() {
  if (dir_.empty()) return absl::InvalidArgumentError("audit.dir is not set");
  GW_RETURN_IF_ERROR(MakeDirs(dir_));
  const std::string keys = dir_ + "/keys";
  GW_ASSIGN_OR_RETURN(signer_, internal::Ed25519Signer::LoadOrCreate(keys));
  GW_ASSIGN_OR_RETURN(hmac_key_, internal::LoadOrCreateSecretKey(keys, "content_hmac.key"));
  if (cfg_.content_capture == config::ContentCapture::kEncrypted) {
    if (!internal::HexDecode(cfg_.encryption_key.Reveal(), &enc_key_) || enc_key_.size() != 32) {
      return absl::InvalidArgumentError(
          "audit.encryption_key: expected 64 hex characters (32 bytes) for encrypted capture");
    }
  }
  GW_ASSIGN_OR_RETURN(auto segments, ListSegments(dir_));
  GW_RETURN_IF_ERROR(Recover(segments));
  last_checkpoint_mono_ = clock_->NowMonotonicMicros().value();
  {
    absl::MutexLock l(&mu_);
    PublishStatus();
  }
  writer_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

Status AuditLog::Impl::Recover(const std::vector<std::string>& segments_in) {
  std::vector<std::string> segments = segments_in;
  int64_t truncated = 0;
  while (!segments.empty()) {
    const std::string name = segments.back();
    const std::string path = dir_ + "/" + name;
    GW_ASSIGN_OR_RETURN(std::string content, internal::ReadFile(path));
    size_t last_nl = content.rfind('\n');
    size_t keep = last_nl == std::string::npos ? 0 : last_nl + 1;
    if (keep == 0) {
      // Not even a header made it to disk (a crash while rotating): the segment never started.
      truncated += static_cast<int64_t>(content.size());
      log::Warn("-", "audit: removing segment {} that has no complete header", name);
      if (::unlink(path.c_str()) != 0) return absl::UnavailableError(Errno(path, errno));
      GW_RETURN_IF_ERROR(FsyncDir(dir_));
      segments.pop_back();
      continue;
    }
    if (keep < content.size()) {
      truncated += static_cast<int64_t>(content.size() - keep);
      log::Warn("-", "audit: truncating torn last line of {} ({} bytes)", name,
                content.size() - keep);
      if (::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
        return absl::UnavailableError(Errno("truncate " + path, errno));
      }
      content.resize(keep);
    }
    internal::ChainState st;
    GW_ASSIGN_OR_RETURN(auto v, internal::Ed25519Verifier::FromRawHex(signer_->public_raw_hex()));
    st.verifier = std::move(v);
    if (auto f = internal::CheckSegment(name, content, &st)) {
      return absl::DataLossError(internal::StrCat("audit log tail is corrupt: ", f->ToString(),
                                                  " (run `gatewayctl audit verify`)"));
    }
    fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd_ < 0) return absl::UnavailableError(Errno("open " + path, errno));
    if (truncated > 0 && ::fdatasync(fd_) != 0) {
      return absl::UnavailableError(Errno("fdatasync " + path, errno));
    }
    next_seq_ = st.next_seq;
    head_ = st.head;
    last_ts_ = st.last_ts;
    segment_index_ = st.segment_index;
    segment_start_us_ = st.segment_start_ts;
    segment_ = name;
    segment_size_ = static_cast<int64_t>(content.size());
    if (truncated > 0 || st.unsigned_count > 0) {
      log::Warn("-", "audit: recovery: {} bytes truncated, {} unsigned records re-signed",
                truncated, st.unsigned_count);
      std::vector<Pending> batch;
      batch.push_back(Pending{internal::Prepare(internal::MakeRecovery(
                                  name, truncated, st.unsigned_count, st.next_seq - 1)),
                              RecordType::kRecovery, nullptr});
      std::vector<uint64_t> seqs;
      std::string reason;
      GW_RETURN_IF_ERROR(WriteBatch(&batch, &seqs, &reason));
    }
    return absl::OkStatus();
  }
  // A new log (or one whose only segment never got its header).
  GW_RETURN_IF_ERROR(CreateSegment());
  if (truncated > 0) {
    std::vector<Pending> batch;
    batch.push_back(Pending{internal::Prepare(internal::MakeRecovery(segment_, truncated, 0, 0)),
                            RecordType::kRecovery, nullptr});
    std::vector<uint64_t> seqs;
    std::string reason;
    GW_RETURN_IF_ERROR(WriteBatch(&batch, &seqs, &reason));
  }
  return absl::OkStatus();
}

Status AuditLog::Impl::CreateSegment() {
  const std::string name = internal::SegmentName(next_seq_);
  const std::string path = dir_ + "/" + name;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(Errno("create " + path, errno));
  internal::PreparedRecord p = internal::Prepare(internal::MakeSegmentHeader(
      segment_index_ + 1, next_seq_, segment_, head_, signer_->public_raw_hex()));
  const int64_t ts = std::max(last_ts_, clock_->NowUnixMicros().value());
  std::string line;
  internal::AppendLine(p, next_seq_, ts, head_, "", &line);
  const std::string sig = signer_->SignHex(line);
  line.clear();
  internal::AppendLine(p, next_seq_, ts, head_, sig, &line);
  line.push_back('\n');
  std::string reason;
  Status s = WriteAll(fd, line, &reason);
  if (s.ok() && ::fdatasync(fd) != 0) s = absl::UnavailableError(Errno("fdatasync " + path, errno));
  if (s.ok()) s = FsyncDir(dir_);
  if (!s.ok()) {
    ::close(fd);
    ::unlink(path.c_str());
    return s;
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
  segment_ = name;
  segment_size_ = static_cast<int64_t>(line.size());
  ++segment_index_;
  head_ = internal::HashHex(internal::Sha256(std::string_view(line).substr(0, line.size() - 1)));
  ++next_seq_;
  last_ts_ = ts;
  segment_start_us_ = ts;
  return absl::OkStatus();
}

Status AuditLog::Impl::WriteBatch(std::vector<Pending>* batch, std::vector<uint64_t>* seqs,
                                  std::string* reason) {
  const size_t n = batch->size();
  std::string buf;
  buf.reserve(n * 512);
  uint64_t seq = next_seq_;
  std::string head = head_;
  const int64_t ts = std::max(last_ts_, clock_->NowUnixMicros().value());
  seqs->clear();
  for (size_t i = 0; i < n; ++i) {
    const Pending& p = (*batch)[i];
    const size_t start = buf.size();
    internal::AppendLine(p.p, seq, ts, head, "", &buf);
    if (i + 1 == n || IsSystemType(p.type)) {
      // One signature per batch: it covers every earlier record of the batch via the chain.
      const std::string sig = signer_->SignHex(std::string_view(buf).substr(start));
      buf.resize(start);
      internal::AppendLine(p.p, seq, ts, head, sig, &buf);
    }
    head = internal::HashHex(internal::Sha256(std::string_view(buf).substr(start)));
    buf.push_back('\n');
    seqs->push_back(seq);
    ++seq;
  }
  Status s = WriteAll(fd_, buf, reason);
  if (s.ok() && ::fdatasync(fd_) != 0) {
    *reason = Errno("fdatasync", errno);
    s = absl::UnavailableError(*reason);
  }
  if (!s.ok()) {
    // Roll back to the last durable size so the file never holds a record nobody was told of.
    if (::ftruncate(fd_, segment_size_) != 0) {
      log::Error("-", "audit: rollback truncate failed: {}", std::strerror(errno));
    }
    return s;
  }
  segment_size_ += static_cast<int64_t>(buf.size());
  next_seq_ = seq;
  head_ = std::move(head);
  last_ts_ = ts;
  records_since_checkpoint_ += static_cast<int64_t>(n);
  return absl::OkStatus();
}

Status AuditLog::Impl::MaybeRotate() {
  const int64_t now = clock_->NowUnixMicros().value();
  if (segment_size_ < cfg_.segment_max_bytes &&
      now - segment_start_us_ < cfg_.segment_max_age.value()) {
    return absl::OkStatus();
  }
  GW_RETURN_IF_ERROR(CreateSegment());
  ApplyRetention();
  return absl::OkStatus();
}

void AuditLog::Impl::ApplyRetention() {
  if (cfg_.retention_days <= 0) return;
  auto names = ListSegments(dir_);
  if (!names.ok()) return;
  const int64_t cutoff =
      clock_->NowUnixMicros().value() - cfg_.retention_days * 86'400LL * 1'000'000;
  std::vector<std::string> removed;
  // Segment k ends before segment k+1's header was written, so the next header's ts bounds the
  // age of everything in k. Only a prefix of the log is removed, never a gap.
  for (size_t i = 0; i + 1 < names->size(); ++i) {
    if ((*names)[i] == segment_) break;
    auto next = internal::ReadFile(dir_ + "/" + (*names)[i + 1]);
    if (!next.ok()) break;
    size_t nl = next->find('\n');
    if (nl == std::string::npos) break;
    auto hdr = ParseRecordLine(std::string_view(*next).substr(0, nl));
    if (!hdr.ok() || hdr->ts_us >= cutoff) break;
    if (::unlink((dir_ + "/" + (*names)[i]).c_str()) != 0) break;
    removed.push_back((*names)[i]);
  }
  if (removed.empty()) return;
  (void)FsyncDir(dir_);
  log::Info("-", "audit: retention removed {} segment(s)", removed.size());
  std::vector<Pending> batch;
  batch.push_back(Pending{internal::Prepare(internal::MakeRetention(removed, cfg_.retention_days)),
                          RecordType::kRetention, nullptr});
  std::vector<uint64_t> seqs;
  std::string reason;
  if (!WriteBatch(&batch, &seqs, &reason).ok()) SetFailed(reason);
}

void AuditLog::Impl::SetFailed(const std::string& reason) {
  absl::MutexLock l(&mu_);
  if (!failed_) log::Error("-", "audit log unwritable: {}", reason);
  failed_ = true;
  reason_ = reason;
  ++failures_;
  next_retry_mono_ = clock_->NowMonotonicMicros().value() + opts_.retry_interval.value();
  PublishStatus();
}

void AuditLog::Impl::PublishStatus() {
  status_.next_seq = next_seq_;
  status_.head_hash = head_;
  status_.segment = segment_;
  status_.failures = failures_;
  status_.recoveries = recoveries_;
  status_.batches = batches_;
  status_.slow_commits = slow_commits_;
}

void AuditLog::Impl::Run() {
  for (;;) {
    std::vector<Pending> batch;
    bool stop, failed, retry;
    {
      absl::MutexLock l(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || stop_ || retry_requested_;
      };
      mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Milliseconds(100));
      batch.swap(queue_);
      stop = stop_;
      failed = failed_;
      retry = retry_requested_;
      retry_requested_ = false;
    }
    const size_t user_records = batch.size();
    const int64_t mono = clock_->NowMonotonicMicros().value();
    std::string reason;
    Status s;
    if (failed && (retry || mono >= next_retry_mono_)) {
      // Try to get back: drop anything a failed write left behind, then prove we can write.
      std::string old_reason;
      {
        absl::MutexLock l(&mu_);
        old_reason = reason_;
      }
      Status r;
      if (::ftruncate(fd_, segment_size_) != 0) {
        reason = Errno("ftruncate", errno);
        r = absl::UnavailableError(reason);
      } else {
        std::vector<Pending> probe;
        probe.push_back(Pending{internal::Prepare(MakeFailClosed("recovered", old_reason)),
                                RecordType::kFailClosed, nullptr});
        std::vector<uint64_t> seqs;
        r = WriteBatch(&probe, &seqs, &reason);
      }
      absl::MutexLock l(&mu_);
      if (r.ok()) {
        failed_ = false;
        reason_.clear();
        ++recoveries_;
        log::Info("-", "audit log writable again");
      } else {
        reason_ = reason;
        next_retry_mono_ = mono + opts_.retry_interval.value();
      }
      failed = failed_;
      ++retry_generation_;
      PublishStatus();
    } else if (retry) {
      absl::MutexLock l(&mu_);
      ++retry_generation_;
    }
    if (!failed) {
      s = MaybeRotate();
      if (!s.ok()) {
        reason = std::string(s.message());
        SetFailed(reason);
        failed = true;
      }
    }
    if (!failed) {
      if (mono - last_checkpoint_mono_ >= cfg_.checkpoint_interval.value() &&
          records_since_checkpoint_ > 0) {
        const int64_t covered = records_since_checkpoint_ + static_cast<int64_t>(batch.size());
        batch.push_back(Pending{internal::Prepare(internal::MakeCheckpoint(segment_, covered)),
                                RecordType::kCheckpoint, nullptr});
        records_since_checkpoint_ = -static_cast<int64_t>(batch.size());
        last_checkpoint_mono_ = mono;
      }
    }
    std::vector<uint64_t> seqs;
    bool slow = false;
    if (!failed && !batch.empty()) {
      const int64_t t0 = clock_->NowMonotonicMicros().value();
      s = WriteBatch(&batch, &seqs, &reason);
      slow = clock_->NowMonotonicMicros().value() - t0 > cfg_.group_commit_interval.value();
      if (!s.ok()) {
        SetFailed(reason);
        failed = true;
      }
    }
    if (failed) {
      absl::MutexLock l(&mu_);
      reason = reason_;
    }
    const Status err = absl::UnavailableError(internal::StrCat("audit log unwritable: ", reason));
    for (size_t i = 0; i < user_records; ++i) {
      if (batch[i].done) {
        if (failed) {
          batch[i].done(err);
        } else {
          batch[i].done(seqs[i]);
        }
      }
    }
    {
      absl::MutexLock l(&mu_);
      completed_ += user_records;
      if (!failed && !batch.empty()) {
        ++batches_;
        slow_commits_ += slow;
      }
      PublishStatus();
    }
    if (stop && user_records == 0) {
      absl::MutexLock l(&mu_);
      if (queue_.empty()) break;
    }
  }
}

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(const config::AuditConfig& config,
                                                   OpenOptions options) {
  auto impl = std::make_unique<Impl>(config, options);
  GW_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

std::future<StatusOr<uint64_t>> AuditLog::Append(const AuditRecord& record) {
  auto promise = std::make_shared<std::promise<StatusOr<uint64_t>>>();
  auto fut = promise->get_future();
  impl_->Enqueue(record, false,
                 [promise](StatusOr<uint64_t> seq) { promise->set_value(std::move(seq)); });
  return fut;
}

void AuditLog::Append(const AuditRecord& record, AckCallback done) {
  impl_->Enqueue(record, false, std::move(done));
}

StatusOr<uint64_t> AuditLog::AppendDurable(const AuditRecord& record) {
  auto promise = std::make_shared<std::promise<StatusOr<uint64_t>>>();
  auto fut = promise->get_future();
  impl_->Enqueue(record, true,
                 [promise](StatusOr<uint64_t> seq) { promise->set_value(std::move(seq)); });
  return fut.get();
}

Status AuditLog::Flush() { return impl_->Flush(); }
AuditStatus AuditLog::Health() const { return impl_->GetStatus(); }
Status AuditLog::RetryNow() { return impl_->Retry(); }
StatusOr<std::optional<CapturedContent>> AuditLog::CaptureContent(std::string_view text) const {
  return impl_->Capture(text);
}
const std::string& AuditLog::PublicKeyPem() const { return impl_->public_pem(); }
const std::string& AuditLog::dir() const { return impl_->dir(); }

}  // namespace gw::audit
