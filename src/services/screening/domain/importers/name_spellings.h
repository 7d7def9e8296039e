#pragma once

#include <string>
#include <vector>

namespace hafnium::services::screening {

// A name field of the UN list (and of the EU file, which copies the UN's
// entries) can hold several spellings: "Javad Rahigi;
// Jawad Rahigi", a name in its own script and its spellings in brackets
// ("حسن غول (Hassan Ghul; Hassan Gul)"), or lettered items ("Mohammad
// Sabet b) M. Javad Kareemi Sabet"). Each is a name of its own: read as
// one, a query for any of them would meet a name of twenty words.
//
// Returns the spellings in their order, without duplicates or empty ones;
// brackets of another script come last, notes in brackets are dropped.
std::vector<std::string> name_spellings(std::string text);

}  // namespace hafnium::services::screening
