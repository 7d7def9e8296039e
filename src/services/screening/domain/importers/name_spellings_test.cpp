// The spellings a name field holds, in the shapes the bundled UN list and
// EU file write them.
#include <gtest/gtest.h>

#include "services/screening/domain/importers/name_spellings.h"

namespace hafnium::services::screening {
namespace {

using Names = std::vector<std::string>;

TEST(NameSpellings, SplitsListsOfSpellings) {
  EXPECT_EQ(name_spellings("Azim Adhajani; Azim Agha-Jani"), (Names{"Azim Adhajani", "Azim Agha-Jani"}));
  EXPECT_EQ(name_spellings("حسن غول (Hassan Ghul; Hassan Gul; Hasan Gul)"),
            (Names{"حسن غول", "Hassan Ghul", "Hassan Gul", "Hasan Gul"}));
  EXPECT_EQ(name_spellings("Mohammed Sabet; Mohammad Sabet b) M. Javad Kareemi Sabet; M. Jawad Karimi Sabet"),
            (Names{"Mohammed Sabet", "Mohammad Sabet", "M. Javad Kareemi Sabet", "M. Jawad Karimi Sabet"}));
  EXPECT_EQ(name_spellings("COMPAGNIE AERIENNE DES GRANDS LACS (CAGL) ; GREAT LAKES BUSINESS COMPANY (GLBC)"),
            (Names{"COMPAGNIE AERIENNE DES GRANDS LACS (CAGL)", "GREAT LAKES BUSINESS COMPANY (GLBC)"}));
  EXPECT_EQ(name_spellings("Hay’at Tahrir al-Sham (HTS) (هيئة تحرير الشام (original script); Hay’at Tahrir al-Sham; "
                              "Hayat Tahrir al-Sham)"),
            (Names{"Hay’at Tahrir al-Sham (HTS)", "هيئة تحرير الشام", "Hay’at Tahrir al-Sham", "Hayat Tahrir al-Sham"}));
  EXPECT_EQ(name_spellings("Fazel Rahim; Fazil Rahim; Fazel Rahim"), (Names{"Fazel Rahim", "Fazil Rahim"}));
}

TEST(NameSpellings, AnotherScriptInBracketsIsASpellingAndANoteIsNoName) {
  EXPECT_EQ(name_spellings("Jin Tiesan (金铁三)"), (Names{"Jin Tiesan", "金铁三"}));
  EXPECT_EQ(name_spellings("عبدالله السندي (Abdullah Sindhi)"), (Names{"عبدالله السندي", "Abdullah Sindhi"}));
  EXPECT_EQ(name_spellings("Abu Mukhammad (original script: Абу Мухаммад)"), (Names{"Abu Mukhammad", "Абу Мухаммад"}));
  EXPECT_EQ(name_spellings("Encep Nurjaman (birth name)"), (Names{"Encep Nurjaman"}));
  EXPECT_EQ(name_spellings("Abdel Ilah Sabri (false identity related to fraudulent South African identification "
                              "number 6910275240086 linked to South African passport number 434021161)"),
            (Names{"Abdel Ilah Sabri"}));
  EXPECT_EQ(name_spellings("Safia Farkash Mohammed Al-Hadad, born 1 Jan. 1953 (Oman passport no.03825239)"),
            (Names{"Safia Farkash Mohammed Al-Hadad"}));
  // Acronyms, qualifiers and a lone word belong to the name as written.
  EXPECT_EQ(name_spellings("AL-HARAMAIN FOUNDATION (PAKISTAN)"), (Names{"AL-HARAMAIN FOUNDATION (PAKISTAN)"}));
  EXPECT_EQ(name_spellings("Hilarion Santos, III (third)"), (Names{"Hilarion Santos, III (third)"}));
  EXPECT_EQ(name_spellings("  "), Names{});
}

}  // namespace
}  // namespace hafnium::services::screening
