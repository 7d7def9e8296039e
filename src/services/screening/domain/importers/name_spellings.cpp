#include "services/screening/domain/importers/name_spellings.h"

#include <algorithm>

#include "services/screening/domain/importers/importers.h"

namespace hafnium::services::screening {
namespace {

// Brackets in a name that are not part of it: a spelling in another
// script than the rest ("Jin Tiesan (金铁三)", "عبدالله السندي (Abdullah
// Sindhi)", "(original script: Абубакар)"), moved to `others`, or a note ("(birth name)", "(false identity related to
// ... number 6910275240086 ...)": lower-case prose or any digit), dropped.
// Acronyms and qualifiers ("(AQAP)", "(PAKISTAN)") are the name's own.
std::string without_bracket_notes(std::string text, std::vector<std::string>& others) {
  for (size_t open = text.find('('), close; open != std::string::npos; open = text.find('(', open)) {
    close = text.find(')', open);
    if (close == std::string::npos) break;
    std::string inner = trim(std::string_view(text).substr(open + 1, close - open - 1));
    if (inner.find('(') != std::string::npos || inner.find(';') != std::string::npos) {
      open = close;
      continue;
    }
    constexpr std::string_view kOriginal = "original script";
    const bool original = inner.starts_with(kOriginal);
    if (original) inner = trim(std::string_view(inner).substr(std::min(inner.size(), kOriginal.size() + 1)));
    auto latin = [](std::string_view t) {
      return std::any_of(t.begin(), t.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
    };
    const bool other_script = latin(inner) != latin(std::string(text).erase(open, close - open + 1));
    const bool digit = std::any_of(inner.begin(), inner.end(), [](char c) { return c >= '0' && c <= '9'; });
    const bool prose = !inner.empty() && inner[0] >= 'a' && inner[0] <= 'z' && inner.find(' ') != std::string::npos;
    if (original || (other_script && !inner.empty())) {
      if (!inner.empty()) others.push_back(inner);
    } else if (!digit && !prose) {
      open = close;
      continue;
    }
    text.erase(open, close - open + 1);
  }
  // "Safia Farkash Mohammed Al-Hadad, born 1 Jan. 1953": the name ends there.
  if (const auto born = text.find(", born "); born != std::string::npos) text.erase(born);
  return trim(text);
}

}  // namespace

std::vector<std::string> name_spellings(std::string text) {
  for (size_t at; (at = text.find("(original script)")) != std::string::npos;) text.erase(at, 17);
  std::vector<std::string> pieces;
  // The first bracket that holds a list: the name before it, then its items.
  size_t open = std::string::npos, close = std::string::npos;
  for (size_t i = 0, depth = 0, start = 0; i < text.size(); ++i) {
    if (text[i] == '(' && depth++ == 0) start = i;
    if (text[i] == ')' && depth > 0 && --depth == 0 && text.find(';', start) < i) {
      open = start;
      close = i;
      break;
    }
  }
  if (open != std::string::npos) {
    pieces.push_back(text.substr(0, open));
    for (auto& item : split_trimmed(std::string_view(text).substr(open + 1, close - open - 1), ';')) pieces.push_back(item);
    for (auto& item : split_trimmed(std::string_view(text).substr(close + 1), ';')) pieces.push_back(item);
  } else {
    pieces = split_trimmed(text, ';');
  }
  std::vector<std::string> out;
  for (const auto& piece : pieces) {
    // "a) ", " b) ": a lettered item starts a new spelling.
    std::string current;
    for (size_t i = 0; i < piece.size(); ++i) {
      const bool letter_item = piece[i] >= 'a' && piece[i] <= 'z' && i + 1 < piece.size() && piece[i + 1] == ')' &&
                               (i == 0 || piece[i - 1] == ' ') && (i + 2 == piece.size() || piece[i + 2] == ' ');
      if (letter_item) {
        out.push_back(trim(current));
        current.clear();
        ++i;
        continue;
      }
      current.push_back(piece[i]);
    }
    out.push_back(trim(current));
  }
  std::vector<std::string> names, others;
  auto add = [&](std::string name) {
    if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) names.push_back(std::move(name));
  };
  for (auto& name : out) add(without_bracket_notes(std::move(name), others));
  for (auto& name : others) add(std::move(name));
  return names;
}

}  // namespace hafnium::services::screening
