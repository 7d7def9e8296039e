#include "services/screening/domain/importers/ofac_identifiers.h"

#include "services/screening/domain/importers/importers.h"

namespace hafnium::services::screening {
namespace {

// Every label that names one person, company, vessel or aircraft. A label
// that starts another ("Identification Number IMO", "Identification
// Number") comes first, as remarks are matched by prefix.
constexpr OfacIdentifierLabel kLabels[] = {
    {"Passport", "passport"},
    {"Diplomatic Passport", "passport"},
    {"National ID No.", "national_id"},
    {"Identification Number IMO", "imo"},
    {"Identification Number", "national_id"},
    {"Personal ID Card", "national_id"},
    {"National Foreign ID Number", "national_id"},
    {"Cedula No.", "national_id"},
    {"C.U.R.P.", "national_id"},
    {"D.N.I.", "national_id"},
    {"Electoral Registry No.", "national_id"},
    {"Birth Certificate Number", "birth_certificate"},
    {"Driver's License No.", "driving_licence"},
    {"Tax ID No.", "tax_id"},
    {"R.F.C.", "tax_id"},
    {"RFC", "tax_id"},
    {"NIT #", "tax_id"},
    {"RUC #", "tax_id"},
    {"RIF #", "tax_id"},
    {"Italian Fiscal Code", "tax_id"},
    {"V.A.T. Number", "vat"},
    {"Registration ID", "registration"},
    {"Registration Number", "registration"},
    {"Public Registration Number", "registration"},
    {"Business Registration Number", "registration"},
    {"Business Registration Document #", "registration"},
    {"Business Number", "registration"},
    {"Unified Social Credit Code (USCC)", "registration"},
    {"Company Number IMO", "imo"},
    {"Company Number", "registration"},
    {"Commercial Registry Number", "registration"},
    {"Central Registration System Number", "registration"},
    {"Chamber of Commerce Number", "registration"},
    {"Enterprise Number", "registration"},
    {"Folio Mercantil No.", "registration"},
    {"Matricula Mercantil No", "registration"},
    {"C.R. No.", "registration"},
    {"Trade License No.", "registration"},
    {"Legal Entity Number", "lei"},
    {"D-U-N-S Number", "duns"},
    {"SWIFT/BIC", "swift_bic"},
    {"BIK (RU)", "bik"},
    {"Vessel Registration Identification IMO", "imo"},
    {"MMSI", "mmsi"},
    {"Aircraft Tail Number", "aircraft_tail_number"},
};

}  // namespace

std::optional<OfacIdentifierLabel> ofac_identifier_label(std::string_view label) {
  for (const auto& known : kLabels) {
    if (known.label == label) return known;
  }
  return std::nullopt;
}

std::optional<OfacIdentifierLabel> ofac_identifier_label_of_item(std::string_view item) {
  for (const auto& known : kLabels) {
    if (item.size() > known.label.size() && item.starts_with(known.label) && item[known.label.size()] == ' ') {
      return known;
    }
  }
  return std::nullopt;
}

std::string ofac_identifier_value(std::string_view text, std::string_view type) {
  if (type == "swift_bic") return trim(text);
  // "OR801168 and Kuwaiti National ID No. 281020505755 ...": the first.
  return identifier_number(text.substr(0, text.find(" and ")));
}

}  // namespace hafnium::services::screening
