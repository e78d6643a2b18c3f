# cloud_adapters fuzzers: the SSE parser, and provider stream decoding (SSE + JSON mapping).
gw_add_fuzzer(sse_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/sse_fuzz.cc DEPS gw_cloud_adapters)
gw_add_fuzzer(provider_stream_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/provider_stream_fuzz.cc
              DEPS gw_cloud_adapters)
