# local_engine fuzzers: the GGUF reader (and the model/tokenizer loading behind it), and the
# tokenizers over arbitrary text.
gw_add_fuzzer(gguf_reader_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/gguf_reader_fuzz.cc
  DEPS gw_local_engine)
gw_add_fuzzer(gguf_tokenizer_fuzz SOURCES ${CMAKE_CURRENT_LIST_DIR}/gguf_tokenizer_fuzz.cc
  DEPS gw_local_engine)
