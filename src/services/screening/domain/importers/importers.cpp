#include "services/screening/domain/importers/importers.h"

#include "platform/util/utf8.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace hafnium::services::screening {

const std::vector<std::string>& builtin_sources() {
  static const std::vector<std::string> sources = {"ofac-sdn", "ofac-xml", "un", "uk", "eu"};
  return sources;
}

bool is_known_source(const std::string& source) {
  if (source.starts_with("custom:")) {
    std::string name = source.substr(7);
    return !name.empty() && name.size() <= 64 &&
           std::all_of(name.begin(), name.end(), [](char c) {
             return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
           });
  }
  const auto& s = builtin_sources();
  return std::find(s.begin(), s.end(), source) != s.end();
}

std::string trim(std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(start, end - start + 1));
}

std::optional<std::vector<std::string>> read_header(CsvReader& reader, const std::string& path) {
  try {
    return reader.next();
  } catch (const CsvReader::Error& error) {
    throw csv_import_error(path, error);
  }
}

ImportError csv_import_error(const std::string& path, const CsvReader::Error& error) {
  return ImportError(path + ":" + std::to_string(error.line()), error.reason());
}

std::vector<std::string> split_trimmed(std::string_view text, char separator) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t at = text.find(separator, start);
    if (at == std::string_view::npos) at = text.size();
    if (auto item = trim(text.substr(start, at - start)); !item.empty()) out.push_back(std::move(item));
    start = at + 1;
  }
  return out;
}

std::string identifier_number(std::string_view raw) {
  std::string text = trim(raw);
  if (const auto colon = text.rfind(':'); colon != std::string::npos) text = text.substr(colon + 1);
  for (size_t open; (open = text.find('(')) != std::string::npos;) {
    const size_t close = text.find(')', open);
    text.erase(open, close == std::string::npos ? std::string::npos : close - open + 1);
  }
  text = trim(text);
  const bool has_digit = std::any_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  // A date names its month ("12 Feb 2009"); "4615 949409" is a passport.
  auto names_a_month = [&] {
    static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    std::string lower;
    for (char c : text) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return std::any_of(std::begin(kMonths), std::end(kMonths), [&](std::string_view m) {
      const auto at = lower.find(m);
      return at != std::string::npos && (at == 0 || lower[at - 1] == ' ');
    });
  };
  if (!has_digit || (names_a_month() && !parse_list_date(text).empty())) return {};
  std::string best, run;
  bool run_has_digit = false;
  auto close_run = [&] {
    if (run_has_digit && run.size() > best.size()) best = run;
    run.clear();
    run_has_digit = false;
  };
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    std::string_view word = std::string_view(text).substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    const bool ends_phrase = word.back() == ',' || word.back() == ';';
    if (ends_phrase) word.remove_suffix(1);
    const auto lower = std::count_if(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    const bool number_sign = word == "No." || word == "No" || word == "NO." || word == "Nr." || word == "#";
    if (lower >= 2 || number_sign) {
      close_run();
      continue;
    }
    if (!word.empty()) {
      run += (run.empty() ? "" : " ") + std::string(word);
      run_has_digit = run_has_digit || std::any_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; });
    }
    if (ends_phrase) close_run();
  }
  close_run();
  return best;
}

std::string parse_list_date(std::string_view raw) {
  std::string text = trim(raw);
  for (const char* prefix : {"circa ", "Circa ", "approximately ", "c. "}) {
    if (text.starts_with(prefix)) text = text.substr(std::string_view(prefix).size());
  }
  auto digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  auto month_of = [&](std::string_view word) -> int {
    if (word.size() < 3) return 0;
    std::string lower;
    for (char c : word.substr(0, 3)) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    for (int i = 0; i < 12; ++i) {
      if (lower == kMonths[i]) return i + 1;
    }
    return 0;
  };
  auto two = [](int v) { return (v < 10 ? "0" : "") + std::to_string(v); };
  // ISO forms.
  if (text.size() >= 4 && digits(text.substr(0, 4))) {
    if (text.size() == 4) return text;
    if (text.size() == 7 && text[4] == '-' && digits(text.substr(5, 2))) return text;
    if (text.size() == 10 && text[4] == '-' && text[7] == '-' && digits(text.substr(5, 2)) &&
        digits(text.substr(8, 2))) {
      return text;
    }
    // "1960 to 1962": the first year
    if (text.size() > 4 && text[4] == ' ') return text.substr(0, 4);
  }
  // dd/mm/yyyy
  if (text.size() == 10 && text[2] == '/' && text[5] == '/' && digits(text.substr(0, 2)) &&
      digits(text.substr(3, 2)) && digits(text.substr(6, 4))) {
    return text.substr(6, 4) + "-" + text.substr(3, 2) + "-" + text.substr(0, 2);
  }
  // "10 Dec 1948" / "Dec 1948"
  std::vector<std::string> words;
  size_t start = 0;
  while (start < text.size()) {
    size_t space = text.find(' ', start);
    if (space == std::string::npos) space = text.size();
    if (space > start) words.push_back(text.substr(start, space - start));
    start = space + 1;
  }
  if (words.size() == 3 && digits(words[0]) && month_of(words[1]) && digits(words[2]) &&
      words[2].size() == 4) {
    return words[2] + "-" + two(month_of(words[1])) + "-" + two(std::stoi(words[0]));
  }
  if (words.size() == 2 && month_of(words[0]) && digits(words[1]) && words[1].size() == 4) {
    return words[1] + "-" + two(month_of(words[0]));
  }
  return {};
}

namespace {
// The same entity reads the same whatever order its file lists countries in.
// Entries are stored as JSON, which one stray byte makes unreadable, and
// no store keeps a NUL character (PostgreSQL's client ends the text
// there): the CSV formats refuse such a field with its line; this catches
// the rest (XML parsers pass bytes through and decode "&#0;", the EU file's
// JSON may escape "\u0000") with the entry's place in the file.
void require_storable_text(const ParsedList& list, const std::string& path) {
  for (size_t i = 0; i < list.entities.size(); ++i) {
    const auto& e = list.entities[i];
    auto check = [&](const std::string& text, const char* what) {
      if (!util::is_valid_utf8(text)) {
        throw ImportError(path + ": entry " + std::to_string(i + 1), std::string(what) + " is not valid UTF-8");
      }
      if (text.find('\0') != std::string::npos) {
        throw ImportError(path + ": entry " + std::to_string(i + 1), std::string(what) + " holds the NUL character");
      }
    };
    check(e.id, "its id");
    for (const auto& n : e.names) {
      check(n.full, "a name");
      for (const auto& part : n.parts) check(part, "a name part");
    }
    for (const auto& d : e.birth_dates) check(d, "a birth date");
    for (const auto& p : e.birth_places) check(p, "a birth place");
    for (const auto& c : e.countries) check(c, "a country");
    for (const auto& id : e.identifiers) {
      check(id.type, "an identifier");
      check(id.value, "an identifier");
      check(id.country, "an identifier");
    }
    for (const auto& a : e.addresses) check(a, "an address");
    for (const auto& p : e.programs) check(p, "a program");
    check(e.remarks, "its remarks");
  }
}

ParsedList tidy(ParsedList list, const std::string& path) {
  require_storable_text(list, path);
  for (auto& e : list.entities) {
    std::sort(e.countries.begin(), e.countries.end());
    e.countries.erase(std::unique(e.countries.begin(), e.countries.end()), e.countries.end());
  }
  return list;
}

ParsedList import_by_source(const std::string& source, const std::string& path);
}  // namespace

ParsedList import_list(const std::string& source, const std::vector<std::string>& paths) {
  if (!is_known_source(source)) {
    throw std::invalid_argument("unknown list source '" + source +
                                "' (known: ofac-sdn, ofac-xml, un, uk, eu, custom:<name>)");
  }
  if (paths.size() != 1) {
    throw std::invalid_argument("list source " + source + " takes one path (a file or a folder)");
  }
  const std::string& path = paths.front();
  if (!std::filesystem::exists(path)) throw ImportError(path, "no such file or folder");
  return tidy(import_by_source(source, path), path);
}

namespace {
ParsedList import_by_source(const std::string& source, const std::string& path) {
  if (source == "ofac-sdn") {
    std::string file = std::filesystem::is_directory(path) ? (std::filesystem::path(path) / "sdn.csv").string() : path;
    return import_ofac_csv(file);
  }
  if (source == "ofac-xml") return import_ofac_xml(path);
  if (source == "un") return import_un_xml(path);
  if (source == "uk") return import_uk_tables(path);
  if (source == "eu") return import_eu_json(path);
  return import_custom_csv(source, path);
}
}  // namespace

}  // namespace hafnium::services::screening
