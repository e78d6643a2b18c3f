// Chat template families: detection by distinctive markers of the Jinja text (as llama.cpp's
// llm_chat_detect_template does) and rendering in each family's published format.
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/logging.h"
#include "local_engine/engine.h"
#include "local_engine/internal/absl_compat.h"

namespace gw::engine {
namespace {

bool Has(std::string_view s, std::string_view marker) {
  return s.find(marker) != std::string_view::npos;
}

std::string Trim(std::string_view s) { return std::string(absl::StripAsciiWhitespace(Av(s))); }

}  // namespace

std::string_view ChatTemplateFamilyName(ChatTemplateFamily f) {
  switch (f) {
    case ChatTemplateFamily::kChatMl:
      return "chatml";
    case ChatTemplateFamily::kLlama3:
      return "llama3";
    case ChatTemplateFamily::kLlama2:
      return "llama2";
    case ChatTemplateFamily::kPhi3:
      return "phi3";
    case ChatTemplateFamily::kZephyr:
      return "zephyr";
    case ChatTemplateFamily::kGemma:
      return "gemma";
  }
  return "chatml";
}

ChatTemplate ChatTemplate::ForFamily(ChatTemplateFamily family) {
  ChatTemplate t;
  t.family_ = family;
  return t;
}

ChatTemplate ChatTemplate::Detect(std::string_view jinja, bool* recognised) {
  ChatTemplate t;
  bool ok = true;
  if (Has(jinja, "<|im_start|>")) {
    t.family_ = ChatTemplateFamily::kChatMl;
  } else if (Has(jinja, "<|start_header_id|>") && Has(jinja, "<|end_header_id|>")) {
    t.family_ = ChatTemplateFamily::kLlama3;
  } else if (Has(jinja, "[INST]")) {
    t.family_ = ChatTemplateFamily::kLlama2;
    t.llama2_system_ = Has(jinja, "<<SYS>>");
    t.llama2_bos_inside_ = Has(jinja, "bos_token + '[INST]") || Has(jinja, "bos_token + \"[INST]");
    t.llama2_strip_ =
        Has(jinja, "content.strip()") || Has(jinja, "content'].strip()") || Has(jinja, "| trim");
  } else if (Has(jinja, "<|assistant|>") && Has(jinja, "<|end|>")) {
    t.family_ = ChatTemplateFamily::kPhi3;
  } else if (Has(jinja, "<|user|>") && Has(jinja, "<|assistant|>")) {
    t.family_ = ChatTemplateFamily::kZephyr;
  } else if (Has(jinja, "<start_of_turn>")) {
    t.family_ = ChatTemplateFamily::kGemma;
  } else {
    ok = false;
    t.family_ = ChatTemplateFamily::kChatMl;
    gw::log::Warn("-", "chat template not recognised ({} bytes); falling back to chatml",
                  jinja.size());
  }
  if (recognised != nullptr) *recognised = ok;
  return t;
}

std::string ChatTemplate::Render(const std::vector<ChatMessage>& messages,
                                 bool add_generation_prompt, std::string_view eos_text) const {
  std::string out;
  switch (family_) {
    case ChatTemplateFamily::kChatMl:
      for (const auto& m : messages) {
        absl::StrAppend(&out, "<|im_start|>", m.role, "\n", m.content, "<|im_end|>\n");
      }
      if (add_generation_prompt) out += "<|im_start|>assistant\n";
      break;
    case ChatTemplateFamily::kLlama3:
      for (const auto& m : messages) {
        absl::StrAppend(&out, "<|start_header_id|>", m.role, "<|end_header_id|>\n\n",
                        Trim(m.content), "<|eot_id|>");
      }
      if (add_generation_prompt) out += "<|start_header_id|>assistant<|end_header_id|>\n\n";
      break;
    case ChatTemplateFamily::kLlama2: {
      // The first "<s>" is the tokenizer's BOS; later turns repeat it inside the text when the
      // template does (bos_token + '[INST]').
      bool inside_turn = true;
      out += "[INST] ";
      for (const auto& m : messages) {
        std::string content = llama2_strip_ ? Trim(m.content) : m.content;
        if (!inside_turn) {
          inside_turn = true;
          out += llama2_bos_inside_ ? "<s>[INST] " : "[INST] ";
        }
        if (m.role == "system") {
          if (llama2_system_) {
            absl::StrAppend(&out, "<<SYS>>\n", content, "\n<</SYS>>\n\n");
          } else {
            absl::StrAppend(&out, content, "\n\n");
          }
        } else if (m.role == "user") {
          absl::StrAppend(&out, content, " [/INST]");
        } else if (llama2_system_) {
          // Meta's Llama 2 template: ' ' + content.strip() + ' ' + eos_token.
          absl::StrAppend(&out, " ", content, " ", Av(eos_text));
          inside_turn = false;
        } else {
          // Mistral v0.2: content + eos_token.
          absl::StrAppend(&out, content, Av(eos_text));
          inside_turn = false;
        }
      }
      break;
    }
    case ChatTemplateFamily::kPhi3:
      for (const auto& m : messages) {
        absl::StrAppend(&out, "<|", m.role, "|>\n", m.content, "<|end|>\n");
      }
      // Phi-3's template ends a finished conversation with eos_token.
      if (add_generation_prompt) {
        out += "<|assistant|>\n";
      } else {
        out.append(eos_text);
      }
      break;
    case ChatTemplateFamily::kZephyr:
      for (const auto& m : messages) {
        absl::StrAppend(&out, "<|", m.role, "|>\n", m.content, Av(eos_text), "\n");
      }
      if (add_generation_prompt) out += "<|assistant|>\n";
      break;
    case ChatTemplateFamily::kGemma: {
      std::string system;
      for (const auto& m : messages) {
        if (m.role == "system") {
          system = Trim(m.content);  // Gemma has no system turn: prepend it to the first user turn
          continue;
        }
        std::string_view role = m.role == "assistant" ? std::string_view("model") : m.role;
        absl::StrAppend(&out, "<start_of_turn>", Av(role), "\n");
        if (!system.empty() && role != "model") {
          absl::StrAppend(&out, system, "\n\n");
          system.clear();
        }
        absl::StrAppend(&out, Trim(m.content), "<end_of_turn>\n");
      }
      if (add_generation_prompt) out += "<start_of_turn>model\n";
      break;
    }
  }
  return out;
}

}  // namespace gw::engine
