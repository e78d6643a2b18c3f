// Fuzzes the audit verifier's segment walk (the code behind VerifyDir and recovery): the input
// is one or two segment files separated by the bytes "\n--SEGMENT--\n"; any content must give a
// verdict, never a crash or a hang.
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/internal/chain.h"
#include "audit/internal/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  constexpr std::string_view kSep = "\n--SEGMENT--\n";
  std::string_view first = in, second;
  bool two = false;
  if (size_t p = in.find(kSep); p != std::string_view::npos) {
    first = in.substr(0, p + 1);
    second = in.substr(p + kSep.size());
    two = true;
  }
  gw::audit::internal::ChainState st;
  auto f = gw::audit::internal::CheckSegment(gw::audit::internal::SegmentName(0), first, &st);
  if (!f && two) {
    (void)gw::audit::internal::CheckSegment(gw::audit::internal::SegmentName(st.next_seq), second,
                                            &st);
  }
  return 0;
}
