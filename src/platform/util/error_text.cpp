#include "platform/util/error_text.h"

#include <algorithm>

namespace hafnium::util {

std::string error_text(std::string_view message, size_t limit) {
  std::string text;
  text.reserve(std::min(message.size(), limit));
  // soci appends the statement and then its parameters:
  //   ... while executing "INSERT ... VALUES (:a, :b)" with :a="...", :b=...
  // The statement text holds placeholders only; the values start after its
  // closing quote.
  // (Or "while preparing", when the statement failed before it ran.)
  for (std::string_view marker : {"while executing \"", "while preparing \""}) {
    if (auto at = message.find(marker); at != std::string_view::npos) {
      auto values = message.find("\" with :", at);
      if (values != std::string_view::npos) message = message.substr(0, values + 1);
    }
  }
  // Line by line, without PostgreSQL's DETAIL lines ("Key (id)=(...)")
  // and without blank ones.
  size_t start = 0;
  while (start < message.size()) {
    size_t end = message.find('\n', start);
    if (end == std::string_view::npos) end = message.size();
    std::string_view line = message.substr(start, end - start);
    const size_t first = line.find_first_not_of(' ');
    const bool detail = first != std::string_view::npos && line.substr(first).starts_with("DETAIL:");
    if (!detail && first != std::string_view::npos) {
      if (!text.empty()) text += '\n';
      text.append(line);
    }
    start = end + 1;
  }
  if (text.size() > limit) {
    size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
  }
  return text;
}

}  // namespace hafnium::util
