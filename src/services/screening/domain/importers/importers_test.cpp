// The importers against the real bundled snapshots, and their refusals of
// malformed files.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "services/screening/domain/bundled_lists.h"
#include "services/screening/domain/importers/importers.h"
#include "support/test_databases.h"

namespace hafnium::services::screening {
namespace {

std::string lists() { return std::string(HAFNIUM_SOURCE_DIR) + "/data/lists"; }

const WatchlistEntity* find(const ParsedList& list, const std::string& id) {
  for (const auto& e : list.entities) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

TEST(Importers, OfacSdnCsvWithRemarks) {
  auto list = import_list("ofac-sdn", {lists() + "/ofac_sdn_2024-05-03/sdn.csv"});
  EXPECT_EQ(list.entities.size(), 14965u);
  const auto* zawahiri = find(list, "2676");
  ASSERT_NE(zawahiri, nullptr);
  EXPECT_EQ(zawahiri->kind, EntityKind::kPerson);
  EXPECT_EQ(zawahiri->primary_name(), "AL ZAWAHIRI, Dr. Ayman");
  EXPECT_EQ(zawahiri->birth_dates, std::vector<std::string>{"1951-06-19"});
  ASSERT_FALSE(zawahiri->identifiers.empty());
  EXPECT_EQ(zawahiri->identifiers[0].type, "passport");
  EXPECT_EQ(zawahiri->identifiers[0].value, "1084010");
  EXPECT_EQ(zawahiri->identifiers[0].country, "EG");
  const auto* bank = find(list, "306");
  ASSERT_NE(bank, nullptr);
  EXPECT_EQ(bank->kind, EntityKind::kOrganisation);
  ASSERT_EQ(bank->names.size(), 2u);  // the a.k.a. in the remarks
  EXPECT_EQ(bank->names[1].full, "BNC");
}

std::vector<std::string> names_of(const WatchlistEntity& e) {
  std::vector<std::string> out;
  for (const auto& n : e.names) out.push_back(n.full);
  return out;
}

std::vector<std::string> identifiers_of(const WatchlistEntity& e) {
  std::vector<std::string> out;
  for (const auto& id : e.identifiers) out.push_back(id.type + ":" + id.value + ":" + id.country);
  return out;
}

TEST(Importers, OfacRemarksKeepTheirItemsApartWhateverApostrophesTheNamesHold) {
  // An apostrophe in a name ('Asra, Qa'qa) or in prose ("Russia's") used
  // to open a quote that swallowed every later item: aliases came out as
  // "'ASRA, Abu'; a.k.a. 'YUSRI", and identifiers after it were lost.
  auto list = import_list("ofac-sdn", {lists() + "/ofac_sdn_2024-05-03/sdn.csv"});
  const auto* ammar = find(list, "19829");
  ASSERT_NE(ammar, nullptr);
  EXPECT_EQ(names_of(*ammar),
            (std::vector<std::string>{"'AMMAR, Salmi Salama Salim Sulayman", "'ASRA, Abu", "YUSRI"}));
  const auto* nasuf = find(list, "9598");
  ASSERT_NE(nasuf, nullptr);
  EXPECT_EQ(names_of(*nasuf),
            (std::vector<std::string>{"NASUF, Tahir", "AL-QA'QA", "ABU SALIMA EL LIBI", "ABU RIDA"}));
  const auto* hardberry = find(list, "48491");  // after "... Russia's military-industrial base ..."
  ASSERT_NE(hardberry, nullptr);
  EXPECT_EQ(identifiers_of(*hardberry),
            (std::vector<std::string>{"tax_id:7728845817:RU", "registration:1137746479310:RU"}));
  for (const auto& e : list.entities) {
    for (const auto& n : e.names) EXPECT_EQ(n.full.find("a.k.a."), std::string::npos) << e.id << ": " << n.full;
  }

  // A synthetic file: every identifier kind OFAC writes that names one
  // party, its number cut from the words around it; prose is no number.
  const auto dir = testing::make_temp_dir("ofac");
  {
    std::ofstream out(dir / "sdn.csv", std::ios::binary);
    out << "1,\"EXAMPLE, Jo\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\""
           "DOB 01 Jan 1970; Passport G 649385 issued 08 Sep 2006 expires 17 Jul 2011 (Pakistan); "
           "National ID No. CNIC: 35202-5400413-9 (Pakistan); Passport issued in Sarajevo; "
           "a.k.a. 'AL-'ADL, Abu'; Linked To: JAYSH AL-'ADL; C.U.R.P. EXJO700101HDFXXX01 (Mexico); "
           "Driver's License No. 04900377 (Moldova).\"\r\n"
           "2,\"EXAMPLE BANK\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\""
           "SWIFT/BIC BKBPIRTH; Registration Number 1137746479310 (Russia); Company Number IMO 5039012; "
           "Legal Entity Number 2138008UKDBAA6TOVR95; Executive Order 13846 information: BANKING.\"\r\n"
           "3,\"EXAMPLE STAR\",\"vessel\",\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\""
           "Vessel Registration Identification IMO 9187629; MMSI 422032900.\"\r\n";
  }
  auto synthetic = import_list("ofac-sdn", {(dir / "sdn.csv").string()});
  ASSERT_EQ(synthetic.entities.size(), 3u);
  EXPECT_EQ(names_of(synthetic.entities[0]), (std::vector<std::string>{"EXAMPLE, Jo", "AL-'ADL, Abu"}));
  EXPECT_EQ(identifiers_of(synthetic.entities[0]),
            (std::vector<std::string>{"passport:G 649385:PK", "national_id:35202-5400413-9:PK",
                                      "national_id:EXJO700101HDFXXX01:MX", "driving_licence:04900377:MD"}));
  EXPECT_EQ(identifiers_of(synthetic.entities[1]),
            (std::vector<std::string>{"swift_bic:BKBPIRTH:", "registration:1137746479310:RU", "imo:5039012:",
                                      "lei:2138008UKDBAA6TOVR95:"}));
  EXPECT_EQ(identifiers_of(synthetic.entities[2]), (std::vector<std::string>{"imo:9187629:", "mmsi:422032900:"}));
  std::filesystem::remove_all(dir);
}

TEST(Importers, OfacXmlUnUkAndEu) {
  auto ofac = import_list("ofac-xml", {lists() + "/ofac_consolidated_nonsdn_2026-01-08/ofac.xml"});
  EXPECT_EQ(ofac.entities.size(), 442u);
  EXPECT_EQ(ofac.list_date, "2026-01-08");
  const auto* haniya = find(ofac, "9639");
  ASSERT_NE(haniya, nullptr);
  EXPECT_EQ(haniya->primary_name(), "Ismail Abdul Salah HANIYA");
  EXPECT_GE(haniya->names.size(), 3u);
  EXPECT_EQ(haniya->birth_dates.front(), "1962");
  // VTB's id list also holds its website, Executive Order directives and
  // dates: only the numbers that identify the bank are identifiers.
  const auto* vtb = find(ofac, "17013");
  ASSERT_NE(vtb, nullptr);
  EXPECT_EQ(identifiers_of(*vtb),
            (std::vector<std::string>{"registration:1027739609391:RU", "tax_id:7702070139:RU",
                                      "lei:253400V1H6ART1UQ0N98:", "swift_bic:VTBRRUMM:", "bik:044030707:",
                                      "bik:044525187:"}));
  for (const auto& e : ofac.entities) {
    for (const auto& id : e.identifiers) EXPECT_NE(id.value, "Male") << e.id;
  }

  auto un = import_list("un", {lists() + "/un_2026-02-27/UN_consolidated.xml"});
  EXPECT_EQ(un.list_date, "2026-02-27");
  size_t individuals = 0;
  for (const auto& e : un.entities) individuals += e.kind == EntityKind::kPerson;
  EXPECT_EQ(individuals, 730u);
  EXPECT_EQ(un.entities.size() - individuals, 273u);
  const auto* badege = find(un, "CDi.001");
  ASSERT_NE(badege, nullptr);
  EXPECT_EQ(badege->primary_name(), "ERIC BADEGE");
  EXPECT_EQ(badege->countries, (std::vector<std::string>{"CD", "RW"}));

  auto uk = import_list("uk", {lists() + "/uk_sanctions_list_derived_2026-04"});
  EXPECT_EQ(uk.entities.size(), 6046u);
  EXPECT_EQ(uk.list_date, "2026-04-29");  // the newest change of any subject
  auto eu = import_list("eu", {lists() + "/eu_2026-01-28/all.json"});
  EXPECT_EQ(eu.entities.size(), 5795u);

  // Numbers written in words become the number alone; OFAC's descriptive
  // labels carried into the EU file are no identifiers.
  const auto* uk_kuwaiti = find(uk, "AQD0085");
  ASSERT_NE(uk_kuwaiti, nullptr);
  const auto uk_ids = identifiers_of(*uk_kuwaiti);
  EXPECT_NE(std::find(uk_ids.begin(), uk_ids.end(), "national_id:273030601222:"), uk_ids.end());
  const auto* delawar = find(eu, "561");
  ASSERT_NE(delawar, nullptr);
  EXPECT_EQ(identifiers_of(*delawar), (std::vector<std::string>{"passport:OA296623:AF", "passport:OA296623:"}));
  // The EU file copies UN entries with several spellings in one field.
  const auto* salimi = find(eu, "3805");
  ASSERT_NE(salimi, nullptr);
  const auto salimi_names = names_of(*salimi);
  EXPECT_NE(std::find(salimi_names.begin(), salimi_names.end(), "Hossein Salimi"), salimi_names.end());
  for (const auto& e : eu.entities) {
    for (const auto& n : e.names) EXPECT_EQ(n.full.find(';'), std::string::npos) << e.id << ": " << n.full;
  }
  const auto* high_precision = find(eu, "137721");
  ASSERT_NE(high_precision, nullptr);
  EXPECT_EQ(identifiers_of(*high_precision),
            (std::vector<std::string>{"regnumber:1097746068012:", "fiscalcode:7704721192:"}));
}

TEST(Importers, AnIdentifierIsTheNumberAloneOrNothing) {
  EXPECT_EQ(identifier_number("Afghan passport number SE 012820"), "SE 012820");
  EXPECT_EQ(identifier_number("Kuwait,  number 273030601222"), "273030601222");
  EXPECT_EQ(identifier_number("381110042 (Expired 25 Jan. 2016)"), "381110042");
  EXPECT_EQ(identifier_number("Provisional passport No.: 28642163"), "28642163");
  EXPECT_EQ(identifier_number("A 0139243 German travel document"), "A 0139243");
  EXPECT_EQ(identifier_number("G 649385 issued 08 Sep 2006 expires 17 Jul 2011"), "G 649385");
  EXPECT_EQ(identifier_number("R00012098, South Sudan"), "R00012098");
  EXPECT_EQ(identifier_number("8208 No. 555627"), "555627");
  EXPECT_EQ(identifier_number("4615 949409"), "4615 949409");  // a series and a number, no date
  EXPECT_EQ(identifier_number("LBR HBB 61S17 Z352F"), "LBR HBB 61S17 Z352F");
  EXPECT_EQ(identifier_number("12 Feb 2009"), "");
  EXPECT_EQ(identifier_number("issued in Sarajevo, Bosnia-Herzegovina"), "");
  EXPECT_EQ(identifier_number("-"), "");
}

TEST(Importers, AListDateIsGivenOnlyToAFileThatStatesNone) {
  ParsedList sdn;  // the legacy CSV states no date
  apply_list_date(sdn, "2024-05-03");
  EXPECT_EQ(sdn.list_date, "2024-05-03");
  ParsedList un;
  un.list_date = "2026-02-27";
  apply_list_date(un, "");  // nothing stated: the file's own
  EXPECT_EQ(un.list_date, "2026-02-27");
  apply_list_date(un, "2026-02-27");  // the same: fine
  try {
    apply_list_date(un, "2026-03-01");
    FAIL() << "a date the file contradicts was taken";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "the file states its list date, 2026-02-27, not 2026-03-01");
  }
  EXPECT_EQ(un.list_date, "2026-02-27");
  EXPECT_THROW(apply_list_date(sdn, "2024-02-30"), std::invalid_argument);
}

TEST(Importers, CustomCsvAndItsErrors) {
  auto dir = testing::make_temp_dir("lists");
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  auto good = write("peps.csv",
                    "id,name,type,aliases,birth_date,country,identifiers,program,remarks\n"
                    "p1,Jane Q. Public,person,Jane Public|J. Q. Public,1970-02-03,DE|France,passport:C01X00T47,PEP,\"mayor, \"\"city\"\"\"\n");
  auto list = import_list("custom:peps", {good});
  ASSERT_EQ(list.entities.size(), 1u);
  const auto& e = list.entities[0];
  EXPECT_EQ(e.list, "custom:peps");
  EXPECT_EQ(e.names.size(), 3u);
  EXPECT_EQ(e.countries, (std::vector<std::string>{"DE", "FR"}));
  EXPECT_EQ(e.identifiers[0].value, "C01X00T47");
  EXPECT_EQ(e.remarks, "mayor, \"city\"");

  auto expect_error = [&](const std::string& text, const std::string& where, const std::string& why) {
    try {
      import_list("custom:x", {write("bad.csv", text)});
      FAIL() << "accepted: " << text;
    } catch (const ImportError& error) {
      EXPECT_NE(error.location().find(where), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find(why), std::string::npos) << error.what();
    }
  };
  expect_error("id,nmae\n1,x\n", "bad.csv:1", "unknown column 'nmae'");
  expect_error("id,name\n1,Alpha\n2,\n", "bad.csv:3", "name is empty");
  expect_error("id,name\n1,Alpha\n1,Beta\n", "bad.csv:3", "appears twice");
  expect_error("id,name,birth_date\n1,Alpha,yesterday\n", "bad.csv:2", "birth_date");
  expect_error("id,name\n1,\"Alpha\n", "bad.csv:2", "unterminated");
  expect_error(std::string("id,name\n1,Al\0pha\n", 17), "bad.csv:2", "field 2 contains a NUL byte");
  expect_error("\"", "bad.csv:1", "unterminated");  // the header itself
  expect_error("id,na\xffme\n1,x\n", "bad.csv:1", "not valid UTF-8");
  // A spreadsheet's "CSV UTF-8" export, byte order mark and CRLF.
  auto exported = import_list("custom:x", {write("excel.csv", "\xEF\xBB\xBFid,name,country\r\nx1,Alpha Beta,DE\r\n")});
  ASSERT_EQ(exported.entities.size(), 1u);
  EXPECT_EQ(exported.entities[0].id, "x1");
  EXPECT_EQ(exported.entities[0].countries, (std::vector<std::string>{"DE"}));
  EXPECT_THROW(import_list("custom:Bad Name", {good}), std::invalid_argument);
  EXPECT_THROW(import_list("nope", {good}), std::invalid_argument);
  EXPECT_THROW(import_list("un", {(dir / "missing.xml").string()}), ImportError);
  std::filesystem::remove_all(dir);
}

TEST(Importers, TruncatedXmlAndWrongFilesAreRefusedWithTheirPlace) {
  auto dir = testing::make_temp_dir("lists");
  std::ifstream in(lists() + "/un_2026-02-27/UN_consolidated.xml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::ofstream(dir / "cut.xml") << text.substr(0, text.size() / 2);
  try {
    import_list("un", {(dir / "cut.xml").string()});
    FAIL();
  } catch (const ImportError& error) {
    EXPECT_NE(error.location().find("at byte"), std::string::npos) << error.what();
  }
  EXPECT_THROW(import_list("ofac-xml", {lists() + "/un_2026-02-27/UN_consolidated.xml"}), ImportError);
  std::ofstream(dir / "sdn.csv") << "1,\"ONLY THREE\",individual\n";
  EXPECT_THROW(import_list("ofac-sdn", {(dir / "sdn.csv").string()}), ImportError);
  // The XML parser passes a stray byte through: refused with the entry.
  std::string latin1 = text;
  const auto name_at = latin1.find("<FIRST_NAME>") + std::string("<FIRST_NAME>").size();
  latin1.insert(name_at, "\xe9");
  std::ofstream(dir / "latin1.xml") << latin1;
  try {
    import_list("un", {(dir / "latin1.xml").string()});
    FAIL() << "a name that is not UTF-8 was imported";
  } catch (const ImportError& error) {
    EXPECT_EQ(error.location(), (dir / "latin1.xml").string() + ": entry 1") << error.what();
    EXPECT_NE(std::string(error.what()).find("a name is not valid UTF-8"), std::string::npos) << error.what();
  }
  // Nor a NUL character, which no store can keep (here an escape in the
  // EU file's JSON).
  std::ofstream(dir / "eu.json") << R"({"metadata":{},"entities":[{"name":"Al\u0000pha","source_id":"EU.1","type":"Person","source":["EU"]}]})";
  try {
    import_list("eu", {(dir / "eu.json").string()});
    FAIL() << "a name holding NUL was imported";
  } catch (const ImportError& error) {
    EXPECT_NE(std::string(error.what()).find("a name holds the NUL character"), std::string::npos) << error.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(Importers, XmlCharactersThatXmlDoesNotAllowAreRefusedAtTheirLine) {
  // pugixml decodes &#0; to a NUL that ends the name: the first name was
  // imported as "Al" for "Al&#0;pha". Each list format, each spelling of
  // the reference, and the raw control characters alike.
  auto dir = testing::make_temp_dir("lists");
  std::ifstream in(lists() + "/un_2026-02-27/UN_consolidated.xml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto name_at = text.find("<FIRST_NAME>") + std::string("<FIRST_NAME>").size();
  const size_t name_line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(name_at), '\n'));
  for (const std::string& inserted : {std::string("&#0;"), std::string("&#x0000;"), std::string("&#X1B;"),
                                      std::string("&#xFFFE;"), std::string("&#99999999999999999999;"),
                                      std::string("\x01"), std::string(1, '\0')}) {
    std::string bad = text;
    bad.insert(name_at, "Al" + inserted + "pha ");
    std::ofstream(dir / "bad.xml", std::ios::binary) << bad;
    try {
      import_list("un", {(dir / "bad.xml").string()});
      FAIL() << "imported a name holding " << inserted;
    } catch (const ImportError& error) {
      EXPECT_EQ(error.location(), (dir / "bad.xml").string() + " line " + std::to_string(name_line)) << error.what();
      EXPECT_NE(std::string(error.what()).find("XML"), std::string::npos) << error.what();
    }
  }
  // Characters XML allows, as references, still import (and decode).
  std::string good = text;
  good.insert(name_at, "Al&#x9;ph&#233;&#x1F600; ");
  std::ofstream(dir / "good.xml", std::ios::binary) << good;
  auto list = import_list("un", {(dir / "good.xml").string()});
  ASSERT_FALSE(list.entities.empty());
  EXPECT_EQ(list.entities[0].names[0].full.rfind("Al\tph\xc3\xa9\xf0\x9f\x98\x80", 0), 0u) << list.entities[0].names[0].full;
  // The same check guards the OFAC XML file.
  std::ofstream(dir / "sdn.xml") << "<sdnList><sdnEntry><uid>1</uid><lastName>Al&#0;pha</lastName>"
                                    "<sdnType>Entity</sdnType></sdnEntry></sdnList>";
  try {
    import_list("ofac-xml", {(dir / "sdn.xml").string()});
    FAIL() << "imported a name holding &#0;";
  } catch (const ImportError& error) {
    EXPECT_EQ(error.location(), (dir / "sdn.xml").string() + " line 1") << error.what();
    EXPECT_NE(std::string(error.what()).find("&#0; (U+0000)"), std::string::npos) << error.what();
  }
  // A file cut short says its line as well as its byte.
  std::ofstream(dir / "cut.xml") << "<sdnList>\n<sdnEntry>\n<uid>1</uid>\n";
  try {
    import_list("ofac-xml", {(dir / "cut.xml").string()});
    FAIL();
  } catch (const ImportError& error) {
    EXPECT_NE(error.location().find(", line 3"), std::string::npos) << error.what();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hafnium::services::screening
