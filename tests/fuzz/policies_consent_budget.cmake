# policies/ consent: the ticket wire form (base64url payload + HMAC) and the payload decoder.
gw_add_fuzzer(consent_ticket_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/consent_ticket_fuzz.cc
              DEPS gw_policies)
