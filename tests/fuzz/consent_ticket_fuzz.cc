// Consent tickets come back from clients: fuzz the wire-form verifier and the payload decoder.
// A payload that decodes must re-encode to the same bytes (the encoding is canonical).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "policies/consent.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string in(reinterpret_cast<const char*>(data), size);
  static const gw::policies::TicketSigner* signer =
      new gw::policies::TicketSigner(gw::Secret(std::string(32, 'k')));
  gw::policies::TicketRefusal why;
  (void)signer->Verify(in, &why);
  auto t = gw::policies::DecodeTicketPayload(in);
  if (t.ok()) {
    if (gw::policies::EncodeTicketPayload(*t) != in) std::abort();
    // A decodable payload, signed, must verify to the same ticket.
    auto back = signer->Verify(signer->Sign(*t));
    if (!back.ok() || !(*back == *t)) std::abort();
  }
  return 0;
}
