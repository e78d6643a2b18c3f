// Model: a GGUF mapping with its metadata, tokenizer and chat template.
#include "local_engine/engine.h"

#include <map>

#include "absl/strings/str_cat.h"

namespace gw::engine {
namespace {

uint64_t UintKey(const GgufReader& g, const std::string& key) {
  const GgufValue* v = g.Find(key);
  if (v == nullptr) return 0;
  return v->AsUint().value_or(0);
}

}  // namespace

StatusOr<std::unique_ptr<Model>> Model::Open(const std::string& path) {
  GW_ASSIGN_OR_RETURN(std::unique_ptr<GgufReader> reader, GgufReader::Open(path));
  return FromReader(std::move(reader));
}

StatusOr<std::unique_ptr<Model>> Model::FromReader(std::unique_ptr<GgufReader> reader) {
  auto model = std::unique_ptr<Model>(new Model());
  const GgufReader& g = *reader;
  GW_ASSIGN_OR_RETURN(model->tokenizer_, Tokenizer::FromGguf(g));
  ModelInfo& info = model->info_;
  if (const GgufValue* v = g.Find("general.architecture"); v != nullptr && v->AsString()) {
    info.architecture = std::string(*v->AsString());
  }
  if (const GgufValue* v = g.Find("general.name"); v != nullptr && v->AsString()) {
    info.name = std::string(*v->AsString());
  }
  info.gguf_version = g.version();
  info.file_bytes = g.file_size();
  info.tensor_count = g.tensors().size();
  std::map<uint32_t, uint64_t> types;
  for (const auto& t : g.tensors()) {
    info.parameter_count += static_cast<uint64_t>(t.NumElements());
    ++types[static_cast<uint32_t>(t.type)];
  }
  for (const auto& [type, count] : types) {
    info.tensor_types.emplace_back(static_cast<GgmlType>(type), count);
  }
  if (!info.architecture.empty()) {
    info.context_length = UintKey(g, absl::StrCat(info.architecture, ".context_length"));
    info.embedding_length = UintKey(g, absl::StrCat(info.architecture, ".embedding_length"));
    info.block_count = UintKey(g, absl::StrCat(info.architecture, ".block_count"));
  }
  const Tokenizer& tok = *model->tokenizer_;
  info.n_vocab = tok.n_vocab();
  info.vocab_type = tok.type();
  info.pre_tokenizer = tok.pre_tokenizer();
  const GgufValue* tmpl = g.Find("tokenizer.chat_template");
  if (tmpl != nullptr && tmpl->AsString()) {
    bool recognised = false;
    model->chat_template_ = ChatTemplate::Detect(*tmpl->AsString(), &recognised);
    info.chat_template_recognised = recognised;
  } else {
    model->chat_template_ = ChatTemplate::ForFamily(ChatTemplateFamily::kChatMl);
  }
  info.chat_template = model->chat_template_.family();
  model->reader_ = std::move(reader);
  return model;
}

std::string Model::RenderChat(const std::vector<ChatMessage>& messages,
                              bool add_generation_prompt) const {
  std::string_view eos = tokenizer_->token_text(tokenizer_->eos());
  return chat_template_.Render(messages, add_generation_prompt, eos.empty() ? "</s>" : eos);
}

}  // namespace gw::engine
