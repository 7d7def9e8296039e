#pragma once

// OFAC's identifier vocabulary, shared by its two formats: the legacy CSV
// writes "Passport G 649385 (Pakistan)" in the remarks, the XML an id
// element with idType "Passport" and idNumber "G 649385". The same labels
// also carry what only describes an entry (Executive Order information,
// websites, e-mail addresses, dates, gender, stock tickers): those are no
// identifiers of a party, and an identifier decides a match.

#include <optional>
#include <string>
#include <string_view>

namespace hafnium::services::screening {

struct OfacIdentifierLabel {
  std::string_view label;  // as OFAC writes it, without the value
  const char* type;        // passport, national_id, tax_id, registration, imo, ...
};

// The label `label` names ("Tax ID No.", "Passport"), or nothing when it
// does not identify a party.
std::optional<OfacIdentifierLabel> ofac_identifier_label(std::string_view label);

// The label a remarks item starts with ("Passport G 649385 issued ..." ->
// Passport), the longest that fits, or nothing.
std::optional<OfacIdentifierLabel> ofac_identifier_label_of_item(std::string_view item);

// The number in what follows a label (identifier_number: "G 649385
// issued 08 Sep 2006 expires ..." -> "G 649385"; "CNIC: 35202-5400413-9"
// -> "35202-5400413-9"; "issued in Sarajevo" -> none), of the first
// document where a remark names two; SWIFT/BIC codes, letters, as written.
std::string ofac_identifier_value(std::string_view text, std::string_view type);

}  // namespace hafnium::services::screening
