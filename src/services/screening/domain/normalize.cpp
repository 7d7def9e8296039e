#include "services/screening/domain/normalize.h"

#include "platform/util/utf8.h"
#include "services/screening/domain/korean_names.h"
#include "services/screening/domain/name_matcher.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uniset.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <memory>
#include <unordered_map>
#include <unordered_set>

namespace hafnium::services::screening {
namespace {

// Canonical forms of organisation legal-form words and phrases. Phrases are
// matched on the token sequence before single words.
const std::vector<std::pair<std::vector<std::string>, std::string>>& legal_phrases() {
  static const std::vector<std::pair<std::vector<std::string>, std::string>> phrases = {
      {{"joint", "stock", "company"}, "jsc"},
      {{"public", "joint", "stock", "company"}, "jsc"},
      {{"open", "joint", "stock", "company"}, "jsc"},
      {{"closed", "joint", "stock", "company"}, "jsc"},
      {{"limited", "liability", "company"}, "llc"},
      {{"limited", "liability", "partnership"}, "llp"},
      {{"public", "limited", "company"}, "plc"},
      {{"limited", "partnership"}, "lp"},
      {{"sa", "de", "cv"}, "sadecv"},
      {{"s", "a", "de", "c", "v"}, "sadecv"},
      {{"sdn", "bhd"}, "sdnbhd"},
      {{"pte", "ltd"}, "pteltd"},
      {{"pty", "ltd"}, "ptyltd"},
      {{"co", "ltd"}, "coltd"},
      {{"company", "limited"}, "coltd"},
      {{"gesellschaft", "mit", "beschrankter", "haftung"}, "gmbh"},
      {{"obshchestvo", "s", "ogranichennoy", "otvetstvennostyu"}, "llc"},
      {{"s", "a"}, "sa"},
      {{"s", "r", "l"}, "srl"},
      {{"l", "l", "c"}, "llc"},
      {{"p", "l", "c"}, "plc"},
      {{"n", "v"}, "nv"},
      {{"b", "v"}, "bv"},
  };
  return phrases;
}

const std::unordered_map<std::string, std::string>& legal_words() {
  static const std::unordered_map<std::string, std::string> words = {
      {"limited", "ltd"}, {"ltd", "ltd"}, {"llc", "llc"}, {"inc", "inc"},
      {"incorporated", "inc"}, {"corporation", "corp"}, {"corp", "corp"},
      {"company", "co"}, {"co", "co"}, {"plc", "plc"}, {"gmbh", "gmbh"},
      {"ag", "ag"}, {"aktiengesellschaft", "ag"}, {"kg", "kg"}, {"ooo", "llc"},
      // Russian joint-stock forms and their English equivalents are one
      // form: the 2014 civil-code reform re-registered open companies (OAO,
      // OJSC) as public ones (PAO, PJSC) and closed ones (ZAO, CJSC) as
      // plain AO, while lists still name many in their old form (a listed
      // "OAO Gazprom" is today's "PAO Gazprom").
      {"oao", "jsc"}, {"zao", "jsc"}, {"pao", "jsc"}, {"ao", "jsc"}, {"jsc", "jsc"},
      {"pjsc", "jsc"}, {"ojsc", "jsc"}, {"cjsc", "jsc"}, {"sa", "sa"}, {"sas", "sas"},
      {"sarl", "sarl"}, {"srl", "srl"}, {"spa", "spa"}, {"bv", "bv"}, {"nv", "nv"},
      {"ab", "ab"}, {"as", "as"}, {"asa", "asa"}, {"oy", "oy"}, {"oyj", "oyj"},
      {"kft", "kft"}, {"zrt", "zrt"}, {"sro", "sro"}, {"doo", "doo"}, {"llp", "llp"},
      {"lp", "lp"}, {"fze", "fze"}, {"fzco", "fzco"}, {"fzc", "fzc"}, {"dmcc", "dmcc"},
      {"pte", "pte"}, {"pty", "pty"}, {"bhd", "bhd"}, {"tbk", "tbk"}, {"lda", "lda"},
      {"ltda", "ltda"}, {"sl", "sl"}, {"se", "se"}, {"holding", "holding"},
      {"holdings", "holding"}, {"group", "group"}, {"trust", "trust"}, {"the", "the"},
      {"and", "and"}, {"of", "of"}, {"for", "for"}};
  return words;
}

// Words that occur in thousands of organisation names: agreement on them
// says little, so they weigh like particles.
const std::unordered_set<std::string>& generic_business_words() {
  static const std::unordered_set<std::string> set = {
      "bank", "trust", "management", "international", "global", "solutions", "services",
      "industries", "industrial", "capital", "fund", "investment", "investments", "trading",
      "construction", "national", "general", "enterprises", "enterprise", "systems", "technology",
      "technologies", "resources", "partners", "ventures", "energy", "finance", "financial",
      "insurance", "development", "import", "export", "logistics", "shipping", "marine",
      "petroleum", "oil", "gas", "mining", "metals", "steel", "chemical", "chemicals", "motors",
      "airlines", "air", "foundation", "association", "organization", "organisation", "center",
      "centre", "institute", "university", "ministry", "department", "agency", "committee",
      "union", "council", "corporation", "first", "new"};
  return set;
}

const std::unordered_set<std::string>& particles() {
  static const std::unordered_set<std::string> set = {
      "al", "el", "ul", "bin", "bint", "ben", "ibn", "abu", "abd", "de", "da", "do", "dos",
      "das", "del", "della", "di", "du", "van", "von", "der", "den", "ter", "la", "le", "y",
      "mac", "bar", "st"};
  return set;
}

// The particles as ICU writes them from Arabic script, consonants only:
// بن and بنت (son, daughter of) become "bn" and "bnt", which no Latin name
// spells that way. They are read as the Latin particles, so that they pair
// with them and mark a patronymic chain as those do.
const std::unordered_map<std::string, std::string>& abjad_particles() {
  static const std::unordered_map<std::string, std::string> map = {{"bn", "bin"}, {"bnt", "bint"}};
  return map;
}

const std::unordered_set<std::string>& honorifics() {
  static const std::unordered_set<std::string> set = {
      "mr", "mrs", "ms", "miss", "dr", "prof", "sir", "dame", "lord", "lady", "sheikh",
      "shaikh", "sheik", "haji", "hajji", "mullah", "maulana", "imam", "rev", "jr", "sr",
      "monsieur", "madame", "mme", "mlle", "herr", "frau", "senor", "senora", "sra", "sr"};
  return set;
}

class Transliterator {
 public:
  Transliterator() {
    UErrorCode status = U_ZERO_ERROR;
    // Russian names first by the BGN/PCGN rules, as lists and passports
    // spell them in English (Yamshchikov, Belyayev, Kharkovskiy), where
    // Any-Latin alone writes ISO 9 (amsikov, belaev, harkovskij).
    latin_.reset(icu::Transliterator::createInstance("Russian-Latin/BGN; Any-Latin; Latin-ASCII", UTRANS_FORWARD,
                                                     status));
    if (U_FAILURE(status)) latin_.reset();
    status = U_ZERO_ERROR;
    nfkc_ = icu::Normalizer2::getNFKCCasefoldInstance(status);
    if (U_FAILURE(status)) nfkc_ = nullptr;
    status = U_ZERO_ERROR;
    UParseError parse_error;
    belarusian_.reset(icu::Transliterator::createFromRules(
        "belarusian-passport", icu::UnicodeString::fromUTF8(kBelarusianRules), UTRANS_FORWARD, parse_error, status));
    if (U_FAILURE(status)) belarusian_.reset();
  }

  // NFKC-casefold, then to ASCII.
  std::string to_ascii(std::string_view utf8, bool& abjad, bool& syllabic, bool& hangul, bool& mixed) {
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    UErrorCode status = U_ZERO_ERROR;
    if (nfkc_) text = nfkc_->normalize(text, status);
    // Scripts, ignoring Common/Inherited (digits, punctuation, marks).
    UScriptCode first = USCRIPT_INVALID_CODE;
    for (int32_t i = 0; i < text.length();) {
      UChar32 c = text.char32At(i);
      i += U16_LENGTH(c);
      status = U_ZERO_ERROR;
      UScriptCode script = uscript_getScript(c, &status);
      if (script == USCRIPT_COMMON || script == USCRIPT_INHERITED) continue;
      if (script == USCRIPT_ARABIC || script == USCRIPT_HEBREW || script == USCRIPT_SYRIAC) {
        abjad = true;
      }
      if (script == USCRIPT_HAN || script == USCRIPT_HANGUL || script == USCRIPT_HIRAGANA ||
          script == USCRIPT_KATAKANA) {
        syllabic = true;
      }
      if (is_hangul_syllable(static_cast<char32_t>(c))) hangul = true;
      if (first == USCRIPT_INVALID_CODE) first = script;
      else if (script != first) mixed = true;
    }
    // Persian, Dari, Pashto and Urdu say ذ ض ظ as z and ث as s (نذیر Nazir,
    // فیض Faiz, مرتضی Morteza, Kiumars), where ICU writes the Arabic dh, d,
    // z and th. A name written with a letter of those alphabets only (پ چ ژ
    // گ, the Persian yeh and keheh) is read so; a name in Arabic letters
    // alone keeps the Arabic reading (رمضان Ramadan, فضل Fadl).
    if (abjad) {
      static const icu::UnicodeSet persian_letters = [] {
        UErrorCode set_status = U_ZERO_ERROR;
        icu::UnicodeSet set(icu::UnicodeString(u"[\u067E\u0686\u0698\u06AF\u06CC\u06A9]"), set_status);
        return set;
      }();
      if (persian_letters.containsSome(text)) {
        for (UChar32 letter : {0x0630, 0x0636, 0x0638}) {  // ذ ض ظ -> ز
          text.findAndReplace(icu::UnicodeString(letter), icu::UnicodeString(static_cast<UChar32>(0x0632)));
        }
        text.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x062B)), icu::UnicodeString(static_cast<UChar32>(0x0633)));  // ث -> س
      }
    }
    // The ta marbuta ends a name in a vowel that Latin spellings write as
    // a (هالة Hala, فاطمة Fatima), or drop; ICU writes it as a t.
    // So does the alef maqsura (يحيى Yahya, موسى Musa), which ICU writes y.
    // The hamza on a yeh's seat (ميخائيل Mikhail, فائز Fayez, وائل Wael)
    // is a glottal stop that Latin spellings write as an i, an e, an
    // apostrophe or not at all; ICU writes it y, which no spelling of
    // Mikhail holds twice. It is dropped.
    if (abjad) {
      text.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x0629)), icu::UnicodeString(static_cast<UChar32>(0x0627)));
      text.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x0649)), icu::UnicodeString(static_cast<UChar32>(0x0627)));
      text.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x0626)), icu::UnicodeString());
    }
    // Hangul is written syllable by syllable as the lists spell Korean
    // names (korean_names.h), not as ICU would.
    if (hangul) text = romanize_hangul(text);
    if (belarusian_ && is_belarusian(text)) belarusian_->transliterate(text);
    read_hard_sign(text);
    if (latin_) text = to_latin(text);
    // ICU writes the Arabic 'ayn (and the Hebrew ayin) as U+02BF, which
    // Latin spellings render as a vowel: عباس is "Abbas", علي "Ali", عمر
    // "Omar". Read as a separator, it left "bas" and "ly".
    if (abjad) text.findAndReplace(icu::UnicodeString(static_cast<UChar32>(0x02BF)), icu::UnicodeString(u"a"));
    std::string out;
    text.toLower().toUTF8String(out);
    if (abjad) merge_doubled_a(out);
    return out;
  }

 private:
  // Each Hangul syllable as a word of its own ("김영철" -> " kim  yong  chol "):
  // the lists write a Korean name's syllables as its parts.
  static icu::UnicodeString romanize_hangul(const icu::UnicodeString& text) {
    icu::UnicodeString out;
    for (int32_t i = 0; i < text.length();) {
      const UChar32 c = text.char32At(i);
      i += U16_LENGTH(c);
      if (!is_hangul_syllable(static_cast<char32_t>(c))) {
        out.append(c);
        continue;
      }
      const std::string latin = romanize_hangul_syllable(static_cast<char32_t>(c));
      out.append(static_cast<char16_t>(u' '));
      out.append(icu::UnicodeString::fromUTF8(latin));
      out.append(static_cast<char16_t>(u' '));
    }
    return out;
  }

  // Word by word through a cache: names repeat their words (Mohammad,
  // Hossein, Kim), and ICU's rule-based transliterators take a process-wide
  // lock on every call, so two screening threads waited on each other
  // there (two threads screened 1.7 times what one does). Words are the
  // runs between spaces, which no transliteration rule looks across.
  icu::UnicodeString to_latin(const icu::UnicodeString& text) {
    constexpr size_t kMaxCachedWords = 16'384;  // about 2 MB a thread
    icu::UnicodeString out;
    int32_t start = 0;
    while (start < text.length()) {
      int32_t end = text.indexOf(static_cast<char16_t>(u' '), start);
      if (end < 0) end = text.length();
      if (end > start) {
        std::u16string word(text.getBuffer() + start, static_cast<size_t>(end - start));
        auto it = words_.find(word);
        if (it == words_.end()) {
          icu::UnicodeString latin(text, start, end - start);
          latin_->transliterate(latin);
          if (words_.size() >= kMaxCachedWords) words_.clear();
          it = words_.emplace(std::move(word), std::u16string(latin.getBuffer(), static_cast<size_t>(latin.length())))
                   .first;
        }
        out.append(it->second.data(), static_cast<int32_t>(it->second.size()));
      }
      if (end < text.length()) out.append(static_cast<char16_t>(u' '));
      start = end + 1;
    }
    return out;
  }

  // Belarusian names, as Belarusian passports and the EU's Latin names
  // write them (Сяргей Siarhei, Аляксандр Aliaksandr, Яўгенавіч
  // Yauhenavich, Лагадзюк Lahadziuk): г is h, ў is u, я ю ё are ia iu io
  // after a consonant. ICU's Any-Latin reads them as Russian (Syargey) and
  // its Belarusian BGN rules write Syarhyey. The text is case-folded
  // already; ICU reads a rule's left context from what it has written, so
  // a consonant is a Cyrillic or a Latin one.
  static constexpr const char* kBelarusianRules =
      "$cons = [бвгджзйклмнпрстўфхцчшь\\u0027\\u02BC\\u2019 b c d f g h j k l m n p r s t v z];"
      "$cons { я → ia ; $cons { ю → iu ; $cons { ё → io ;"
      "я → ya ; ю → yu ; ё → yo ; е → e ;"
      "[ь\\u0027\\u02BC\\u2019] → ;"
      "й → i ; г → h ; ў → u ; ы → y ; і → i ; э → e ;"
      "ж → zh ; х → kh ; ц → ts ; ч → ch ; ш → sh ;"
      "а → a ; б → b ; в → v ; д → d ; з → z ; к → k ; л → l ; м → m ; н → n ; о → o ;"
      "п → p ; р → r ; с → s ; т → t ; у → u ; ф → f ;";

  // Russian writes ъ only before a vowel, as a separator that Latin
  // spellings drop (Подъячев Podyachev); in Bulgarian it is a vowel, which
  // Bulgaria's transliteration and the EU write a (Александър Aleksandar,
  // Петър Petar). ICU's chain wrote the Russian sign, which split the word
  // ("aleksand r", "pod yachev"). Before a consonant it is read as а, and
  // elsewhere dropped.
  static void read_hard_sign(icu::UnicodeString& text) {
    static const icu::UnicodeString consonants(u"бвгджзйклмнпрстфхцчшщБВГДЖЗЙКЛМНПРСТФХЦЧШЩ");
    for (int32_t i = 0; i < text.length(); ++i) {
      const char16_t c = text.charAt(i);
      if (c != u'ъ' && c != u'Ъ') continue;
      if (i + 1 < text.length() && consonants.indexOf(text.charAt(i + 1)) >= 0) {
        text.setCharAt(i, c == u'ъ' ? u'а' : u'А');
      } else {
        text.remove(i--, 1);
      }
    }
  }

  // Belarusian, not Russian or Ukrainian: ў, or і without the letters
  // only those two write (и, щ, ъ; ї, є, ґ).
  static bool is_belarusian(const icu::UnicodeString& text) {
    if (text.indexOf(static_cast<char16_t>(0x045E)) >= 0) return true;  // ў
    if (text.indexOf(static_cast<char16_t>(0x0456)) < 0) return false;   // і
    for (char16_t other : {0x0438, 0x0449, 0x044A, 0x0457, 0x0454, 0x0491}) {
      if (text.indexOf(other) >= 0) return false;
    }
    return true;
  }

  std::unique_ptr<icu::Transliterator> latin_;
  std::unique_ptr<icu::Transliterator> belarusian_;
  std::unordered_map<std::u16string, std::u16string> words_;
  const icu::Normalizer2* nfkc_ = nullptr;
};

Transliterator& thread_transliterator() {
  thread_local Transliterator transliterator;
  return transliterator;
}

// Splits lower-case ASCII into raw words. Apostrophes and dots join
// ("o'neil" -> "oneil", "p.l.c." -> "plc"); '&' becomes "and"; every other
// non-alphanumeric character separates.
std::vector<std::string> split_words(std::string_view text, bool dotted_letters_are_initials) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      current.push_back(c);
    } else if ((c == '\'' || c == '`') && i + 1 < text.size() && (text[i + 1] == 's' || text[i + 1] == 'S') &&
               (i + 2 == text.size() || !std::isalnum(static_cast<unsigned char>(text[i + 2])))) {
      // English possessive: "Deutsche Bank's" is Deutsche Bank.
      ++i;
    } else if (c == '\'' || c == '`') {
      // joined: o'neil -> oneil
    } else if (c == '.') {
      // "p.l.c." joins; "Corp. Ltd" separates (a dot followed by a space).
      // In a person's name a letter and a dot is an initial, whatever
      // follows: "S.M. Tufail" is S. M. Tufail, not "sm".
      const bool initial = dotted_letters_are_initials && current.size() == 1 && current[0] >= 'a' && current[0] <= 'z';
      if (i + 1 < text.size() && text[i + 1] != ' ' && !initial) continue;
      flush();
    } else if (c == '&') {
      flush();
      words.emplace_back("and");
    } else {
      flush();
    }
  }
  flush();
  return words;
}

// Abbreviations and ordinals written out, so that "Int'l" meets
// "International" and "1st" meets "First".
const std::unordered_map<std::string, std::string>& expansions() {
  static const std::unordered_map<std::string, std::string> map = {
      {"intl", "international"}, {"natl", "national"}, {"assn", "association"},
      {"assoc", "association"}, {"bros", "brothers"}, {"mfg", "manufacturing"},
      {"dept", "department"}, {"univ", "university"}, {"inst", "institute"},
      {"svcs", "services"}, {"svc", "service"}, {"tech", "technology"},
      {"1st", "first"}, {"2nd", "second"}, {"3rd", "third"}, {"4th", "fourth"},
      {"5th", "fifth"}, {"mohd", "mohammed"}, {"muhd", "muhammad"}};
  return map;
}

// Digits inside a word are letters typed as digits ("I9or Sech1n").
std::string undo_digit_substitution(const std::string& word) {
  bool letters = false, digits = false;
  for (char c : word) {
    if (c >= '0' && c <= '9') digits = true;
    else letters = true;
  }
  if (!letters || !digits) return word;
  if (expansions().contains(word)) return word;
  std::string out = word;
  for (auto& c : out) {
    switch (c) {
      case '0': c = 'o'; break;
      case '1': c = 'i'; break;
      case '3': c = 'e'; break;
      case '4': c = 'a'; break;
      case '5': c = 's'; break;
      case '7': c = 't'; break;
      case '9': c = 'g'; break;
      default: break;
    }
  }
  return out;
}

// Numbers written in English words become digits in the names of
// organisations and vessels ("Brigade Forty-Four" / "Brigade 44"): a tens
// word followed by a unit (word or digit) is one number; eleven to
// nineteen alone too.
void write_numbers_in_digits(std::vector<std::string>& words) {
  static const std::unordered_map<std::string, int> units = {
      {"zero", 0},     {"one", 1},       {"two", 2},        {"three", 3},     {"four", 4},
      {"five", 5},     {"six", 6},       {"seven", 7},      {"eight", 8},     {"nine", 9},
      {"ten", 10},     {"eleven", 11},   {"twelve", 12},    {"thirteen", 13}, {"fourteen", 14},
      {"fifteen", 15}, {"sixteen", 16},  {"seventeen", 17}, {"eighteen", 18}, {"nineteen", 19}};
  // "fourty" is a common misspelling, as in the lists' own data.
  static const std::unordered_map<std::string, int> tens = {
      {"twenty", 20}, {"thirty", 30}, {"forty", 40}, {"fourty", 40}, {"fifty", 50},
      {"sixty", 60},  {"seventy", 70}, {"eighty", 80}, {"ninety", 90}};
  std::vector<std::string> out;
  for (size_t i = 0; i < words.size(); ++i) {
    if (auto t = tens.find(words[i]); t != tens.end()) {
      int value = t->second;
      if (i + 1 < words.size()) {
        auto u = units.find(words[i + 1]);
        const std::string& next = words[i + 1];
        if (u != units.end() && u->second >= 1 && u->second <= 9) {
          value += u->second;
          ++i;
        } else if (next.size() == 1 && next[0] >= '1' && next[0] <= '9') {
          value += next[0] - '0';
          ++i;
        }
      }
      out.push_back(std::to_string(value));
    } else if (auto u = units.find(words[i]); u != units.end() && u->second > 10) {
      // One to ten stay words: they are words in names as often as
      // numbers ("One Bank" is also written "OneBank").
      out.push_back(std::to_string(u->second));
    } else {
      out.push_back(std::move(words[i]));
    }
  }
  words = std::move(out);
}

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string consonant_skeleton(std::string_view word) {
  // w and y are Arabic's long vowels as much as consonants, and Persian's
  // و is spelled v as often as w (Vahid, Javad, Parviz): all three go.
  auto is_vowel = [](char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' || c == 'w' || c == 'v';
  };
  std::string out;
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (is_vowel(c)) continue;
    const char next = i + 1 < word.size() ? word[i + 1] : '\0';
    // Latin spellings of one Arabic or Persian letter by another
    // convention, as one letter: French dj for ج (Djamel), ch for ش
    // (Akkacha, Chems), c before e, i or y for s (Lounici, Belgacem); gh
    // for ق as Persian says it (Bagher, Moghadam), and so for غ, which ICU
    // writes gh. (Not dh for ذ: ICU writes د + ه dh too, as in دهقانی
    // Dehghani.)
    if (c == 'd' && next == 'j') continue;
    if (c == 'g' && next == 'h') {
      c = 'q';
      ++i;
    } else if (c == 'c' && (next == 'h' || next == 'e' || next == 'i' || next == 'y')) {
      c = 's';  // and the h of ch, a consonant, follows
    } else if (c == 'h' && i > 0 && i + 1 == word.size()) {
      // A final h is the Arabic ta marbuta or ha, which Latin spellings
      // keep or drop (Abdullah / Abdulla, Fatimah / Fatima) and Arabic
      // script always writes (عبدالله -> "bdallh").
      continue;
    }
    // Letters that transliteration systems use for the same sound.
    if (c == 'q' || c == 'c') c = 'k';
    if (c == 'z') c = 's';
    if (!out.empty() && out.back() == c) continue;
    out.push_back(c);
  }
  return out;
}

namespace {
LetterBag bag_of(const std::string& text) {
  LetterBag bag{};
  for (char c : text) {
    size_t slot = c >= 'a' && c <= 'z' ? static_cast<size_t>(c - 'a') : c >= '0' && c <= '9' ? static_cast<size_t>(26 + c - '0') : kBagLetters;
    if (slot < kBagLetters && bag[slot] < 255) ++bag[slot];
  }
  return bag;
}
}  // namespace

std::string NormalizedName::joined() const {
  std::string out;
  for (const auto& token : tokens) out += token.text;
  return out;
}

NormalizedName normalize_name(std::string_view utf8, EntityKind kind) {
  // Vessels and aircraft are named by the rules of companies, but for
  // their lone letters (below).
  const bool craft = kind == EntityKind::kVessel || kind == EntityKind::kAircraft;
  if (craft) kind = EntityKind::kOrganisation;
  NormalizedName name;
  name.kind = kind;
  std::string ascii;
  if (util::is_ascii(utf8)) {
    ascii.assign(utf8);
  } else {
    ascii = thread_transliterator().to_ascii(utf8, name.abjad_source, name.syllabic_source, name.hangul_source,
                                             name.mixed_scripts);
  }
  auto words = split_words(ascii, kind == EntityKind::kPerson);
  for (auto& word : words) {
    word = undo_digit_substitution(word);
    if (auto it = expansions().find(word); it != expansions().end()) word = it->second;
  }
  if (kind == EntityKind::kOrganisation) write_numbers_in_digits(words);
  // Inside a person's name x is the ks of Cyrillic and Greek names as
  // transliterated (Alexei / Aleksey, Maxim / Maksim); a first x is not
  // (Xi, Xavier).
  if (kind == EntityKind::kPerson) {
    for (auto& word : words) {
      for (size_t at = word.find('x', 1); at != std::string::npos; at = word.find('x', at + 2)) word.replace(at, 1, "ks");
    }
  }

  // Canonicalise multi-word legal forms first.
  std::vector<std::string> merged;
  for (size_t i = 0; i < words.size();) {
    bool replaced = false;
    if (kind != EntityKind::kPerson) {
      for (const auto& [phrase, canonical] : legal_phrases()) {
        if (i + phrase.size() <= words.size() &&
            std::equal(phrase.begin(), phrase.end(), words.begin() + static_cast<long>(i))) {
          merged.push_back(canonical);
          i += phrase.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) merged.push_back(words[i++]);
  }

  // In names from an abjad, a lone letter is a consonant cut off by a
  // transliterated 'ayn or hamza (m'rwfy), not an initial: join it back.
  if (name.abjad_source) {
    std::vector<std::string> joined;
    for (size_t i = 0; i < merged.size(); ++i) {
      if (merged[i].size() == 1 && i + 1 < merged.size()) {
        merged[i + 1] = merged[i] + merged[i + 1];
        continue;
      }
      if (merged[i].size() == 1 && !joined.empty()) {
        joined.back() += merged[i];
        continue;
      }
      // Arabic script writes the article into the word (التكريتي ->
      // "altkryty"), Latin spellings apart ("al-Tikriti"): split it off
      // where at least four letters remain, so that names which only
      // begin with alef and lam (إلياس "alyas", ألطاف "altaf") stay whole.
      if (merged[i].size() >= 6 && merged[i].starts_with("al")) {
        joined.emplace_back("al");
        joined.push_back(merged[i].substr(2));
        continue;
      }
      joined.push_back(std::move(merged[i]));
    }
    merged = std::move(joined);
  }

  // The Arabic article takes the sound of a "sun letter" after it, and Latin
  // spellings write it so: Nasr ad-Din, Abd ar-Rahman, Abd as-Salam, Mati
  // ur-Rehman, Shams ud-Din. Before a word that begins with its consonant
  // it is the article al, as Arabic script writes it. (Not an or un, which
  // are names: An Nguyen.)
  if (kind != EntityKind::kOrganisation) {
    static const std::array<std::string_view, 12> kAssimilated = {"ad", "ar", "as", "ash", "at", "az",
                                                                  "ud", "ur", "us", "ush", "ut", "uz"};
    for (size_t i = 0; i + 1 < merged.size(); ++i) {
      const std::string& word = merged[i];
      if (std::find(kAssimilated.begin(), kAssimilated.end(), word) == kAssimilated.end()) continue;
      if (merged[i + 1].size() > word.size() && merged[i + 1].starts_with(std::string_view(word).substr(1))) {
        merged[i] = "al";
      }
    }
  }

  for (auto& word : merged) {
    if (kind != EntityKind::kOrganisation && honorifics().contains(word)) continue;
    Token token;
    if (kind != EntityKind::kPerson) {
      if (auto it = legal_words().find(word); it != legal_words().end()) {
        token.text = it->second;
        token.kind = TokenKind::kLegalForm;
        token.skeleton = token.text;
        token.bag = bag_of(token.text);
        name.tokens.push_back(std::move(token));
        continue;
      }
    }
    if (name.abjad_source && kind != EntityKind::kOrganisation) {
      if (auto it = abjad_particles().find(word); it != abjad_particles().end()) word = it->second;
    }
    // "son of" is one particle however it is spelled: Ben Ali (Tunisia),
    // ibn Taymiyya, bin Laden.
    if (kind != EntityKind::kOrganisation && (word == "ben" || word == "ibn")) word = "bin";
    token.text = std::move(word);
    if (all_digits(token.text)) {
      token.kind = TokenKind::kNumber;
    } else if (name.hangul_source) {
      // Syllables, all of them: 이 is "i", 울 "ul", no initial or particle.
    } else if (token.text.size() == 1 && !craft) {
      // A lone letter of a person's or company's name stands for a word
      // ("J. Smith", "J. P. Morgan"); one of a vessel's or an aircraft's
      // is the letter itself ("EMILY S", "M-SAAN"), no one's initial.
      token.kind = TokenKind::kInitial;
    } else if (kind != EntityKind::kOrganisation && particles().contains(token.text)) {
      token.kind = TokenKind::kParticle;
    } else if (kind != EntityKind::kPerson && generic_business_words().contains(token.text)) {
      token.kind = TokenKind::kParticle;
    }
    token.skeleton = consonant_skeleton(token.text);
    token.bag = bag_of(token.text);
    token.nickname_groups = nickname_groups(token.text);
    name.tokens.push_back(std::move(token));
  }
  // A name made only of common words ("First International Bank") has
  // nothing more distinctive: its common words are its name.
  bool any_name = std::any_of(name.tokens.begin(), name.tokens.end(),
                              [](const Token& t) { return t.kind == TokenKind::kName || t.kind == TokenKind::kNumber; });
  if (!any_name && kind != EntityKind::kPerson) {
    for (auto& token : name.tokens) {
      if (token.kind == TokenKind::kParticle) token.kind = TokenKind::kName;
    }
  }
  for (const auto& token : name.tokens) {
    name.length += token.text.size();
    for (size_t k = 0; k < kBagLetters; ++k) {
      name.letters[k] = static_cast<uint8_t>(std::min(255, name.letters[k] + token.bag[k]));
    }
  }
  return name;
}

}  // namespace hafnium::services::screening
