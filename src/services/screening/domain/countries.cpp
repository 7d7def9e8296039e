#include "services/screening/domain/countries.h"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <unordered_map>

namespace hafnium::services::screening {
namespace {

std::string key_of(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

const std::unordered_map<std::string, std::string>& table() {
  static const auto* map = [] {
    auto* m = new std::unordered_map<std::string, std::string>();
    for (const char* const* code = icu::Locale::getISOCountries(); *code; ++code) {
      icu::UnicodeString display;
      icu::Locale("", *code).getDisplayCountry(icu::Locale::getEnglish(), display);
      std::string name;
      display.toUTF8String(name);
      (*m)[key_of(name)] = *code;
      (*m)[key_of(*code)] = *code;
    }
    const std::pair<const char*, const char*> aliases[] = {
        {"Russian Federation", "RU"}, {"Iran (Islamic Republic of)", "IR"},
        {"Iran, Islamic Republic of", "IR"}, {"Korea, North", "KP"}, {"North Korea", "KP"},
        {"Democratic People's Republic of Korea", "KP"}, {"Korea, South", "KR"},
        {"Republic of Korea", "KR"}, {"Syrian Arab Republic", "SY"}, {"Viet Nam", "VN"},
        {"Lao People's Democratic Republic", "LA"}, {"Burma", "MM"},
        {"Democratic Republic of the Congo", "CD"}, {"Congo, Democratic Republic of the", "CD"},
        {"Republic of the Congo", "CG"}, {"Bolivia (Plurinational State of)", "BO"},
        {"Venezuela (Bolivarian Republic of)", "VE"}, {"United Republic of Tanzania", "TZ"},
        {"Republic of Moldova", "MD"}, {"Türkiye", "TR"}, {"Turkiye", "TR"},
        {"United Kingdom of Great Britain and Northern Ireland", "GB"}, {"UK", "GB"},
        {"United States of America", "US"}, {"USA", "US"}, {"Palestinian", "PS"},
        {"State of Palestine", "PS"}, {"West Bank", "PS"}, {"Gaza", "PS"},
        {"Crimea", "UA"}, {"Cote d'Ivoire", "CI"}, {"Ivory Coast", "CI"},
        {"Hong Kong", "HK"}, {"Macao", "MO"}, {"Macau", "MO"}, {"Kosovo", "XK"},
        {"Czech Republic", "CZ"}, {"Swaziland", "SZ"}, {"Cape Verde", "CV"}, {"East Timor", "TL"},
        {"Vatican", "VA"}, {"Holy See", "VA"}, {"Micronesia", "FM"}, {"Bosnia", "BA"},
        {"Bosnia and Herzegovina", "BA"}, {"Myanmar", "MM"}, {"Congo", "CG"},
        {"Gambia", "GM"}, {"The Gambia", "GM"}, {"Bahamas", "BS"}, {"The Bahamas", "BS"},
        {"Netherlands", "NL"}, {"Taiwan", "TW"}, {"Sao Tome and Principe", "ST"},
        {"Saint Kitts and Nevis", "KN"}, {"Saint Lucia", "LC"},
        {"Saint Vincent and the Grenadines", "VC"}, {"Trinidad and Tobago", "TT"},
        {"Antigua and Barbuda", "AG"}, {"Brunei", "BN"}, {"North Macedonia", "MK"},
        {"Macedonia", "MK"}, {"Eswatini", "SZ"}};
    for (const auto& [name, code] : aliases) (*m)[key_of(name)] = code;
    return m;
  }();
  return *map;
}

}  // namespace

std::string country_code(std::string_view name_or_code) {
  auto key = key_of(name_or_code);
  if (key.empty()) return {};
  const auto& t = table();
  if (auto it = t.find(key); it != t.end()) return it->second;
  return {};
}

}  // namespace hafnium::services::screening
