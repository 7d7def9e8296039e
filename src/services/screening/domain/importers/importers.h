#pragma once

#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "services/screening/domain/csv.h"
#include "services/screening/domain/entity.h"

namespace hafnium::services::screening {

// Source names: ofac-sdn, ofac-xml, un, uk, eu, custom:<name>.
bool is_known_source(const std::string& source);
const std::vector<std::string>& builtin_sources();

// Reads one list version from files. `paths` are what the CLI was given:
//   ofac-sdn  sdn.csv (add.csv, alt.csv, sdn_comments.csv beside it are read too), or the folder
//   ofac-xml  the XML file (sdnList)
//   un        the UN consolidated XML
//   uk        the folder of the derived UK tables (subjects.csv, subject_names.csv, ...)
//   eu        the merged JSON (entries whose source includes EU)
//   custom:N  a CSV in the documented format (docs/screening-lists.md)
// Throws ImportError naming the file and line/element of the first defect;
// std::invalid_argument for an unknown source.
ParsedList import_list(const std::string& source, const std::vector<std::string>& paths);

// One parser per format.
ParsedList import_ofac_csv(const std::string& path);
ParsedList import_ofac_xml(const std::string& path);
ParsedList import_un_xml(const std::string& path);
ParsedList import_uk_tables(const std::string& folder);
ParsedList import_eu_json(const std::string& path);
ParsedList import_custom_csv(const std::string& source, const std::string& path);
// The same from a stream (an upload held in memory); `name` stands for the
// file in error locations ("name:line").
ParsedList import_custom_csv(const std::string& source, std::istream& in, const std::string& name);

// Shared helpers.
// "10 Dec 1948" / "Dec 1948" / "1948" / "circa 1948" / "1948-12-10" /
// "10/12/1948" (day first) -> "1948-12-10" / "1948-12" / "1948"; empty if unparsable.
std::string parse_list_date(std::string_view text);
std::string trim(std::string_view text);
// The items of `text` between `separator`s, trimmed; empty ones dropped.
std::vector<std::string> split_trimmed(std::string_view text, char separator);
// The number in an identifier as a list writes it, cut from the words
// around it: "Afghan passport number SE 012820" -> "SE 012820", "Kuwait,
// number 273030601222" -> "273030601222", "381110042 (Expired 25 Jan.
// 2016)" -> "381110042", "Provisional passport No.: 28642163" ->
// "28642163". Of the runs of words that are neither prose (a word with
// two lower-case letters) nor a number sign ("No.", "#"), a comma ending a
// run, the longest holding a digit. Empty when there is none, or when the
// text is a date ("12 Feb 2009"). An identifier equal to a party's decides
// a match, so it must be the number alone.
std::string identifier_number(std::string_view text);
// The header record of a CSV file; a header the reader refuses (a quote
// left open, a byte that is not UTF-8) is the file's ImportError at its
// line, as a bad row is.
std::optional<std::vector<std::string>> read_header(CsvReader& reader, const std::string& path);
// A record the CSV reader refused, as the file's ImportError at its line
// ("path:line", the reason), like every other defect of a row.
ImportError csv_import_error(const std::string& path, const CsvReader::Error& error);

}  // namespace hafnium::services::screening
