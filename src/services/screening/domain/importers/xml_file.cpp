#include "services/screening/domain/importers/xml_file.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>

#include "services/screening/domain/entity.h"

namespace hafnium::services::screening {

namespace {

// XML 1.0's Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
bool is_xml_char(uint64_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

// The value of the character reference starting at text[at] ("&#...;" or
// "&#x...;"), nullopt when there is none there (pugixml judges a
// malformed one). Values are capped just above Unicode so that a long run
// of digits cannot overflow.
std::optional<uint64_t> character_reference(const std::string& text, size_t at, size_t& end) {
  if (text.compare(at, 2, "&#") != 0) return std::nullopt;
  size_t i = at + 2;
  const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
  if (hex) ++i;
  uint64_t value = 0;
  size_t digits = 0;
  for (; i < text.size(); ++i, ++digits) {
    const char c = text[i];
    int digit = c >= '0' && c <= '9'                ? c - '0'
                : hex && c >= 'a' && c <= 'f'       ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F'       ? c - 'A' + 10
                                                    : -1;
    if (digit < 0) break;
    value = std::min<uint64_t>(value * (hex ? 16 : 10) + static_cast<uint64_t>(digit), 0x110000);
  }
  if (digits == 0 || i >= text.size() || text[i] != ';') return std::nullopt;
  end = i + 1;
  return value;
}

// "U+0000": how the errors name a character.
std::string code_point(uint64_t c) {
  char text[16];
  std::snprintf(text, sizeof text, "U+%04llX", static_cast<unsigned long long>(c));
  return text;
}

// The line (from 1) of the byte at `offset`.
std::string line_of(const std::string& text, size_t offset) {
  const auto end = text.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text.size()));
  return std::to_string(1 + std::count(text.begin(), end, '\n'));
}

}  // namespace

void load_xml_file(const std::string& path, pugi::xml_document& doc) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ImportError(path, "cannot be read");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 && !is_xml_char(byte)) {
      throw ImportError(path + " line " + line_of(text, i),
                        "the control character " + code_point(byte) + " is not allowed in XML");
    }
    size_t end = 0;
    if (auto value = byte == '&' ? character_reference(text, i, end) : std::nullopt; value && !is_xml_char(*value)) {
      throw ImportError(path + " line " + line_of(text, i), "the character reference " + text.substr(i, end - i) +
                                                              " (" + code_point(*value) + ") is not a character XML allows");
    }
  }
  auto parsed = doc.load_buffer(text.data(), text.size());
  if (!parsed) {
    const auto offset = static_cast<size_t>(parsed.offset);
    throw ImportError(path + " at byte " + std::to_string(offset) + ", line " + line_of(text, offset),
                      parsed.description());
  }
}

}  // namespace hafnium::services::screening
