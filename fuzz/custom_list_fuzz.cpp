// libFuzzer target for a tenant's own list, uploaded over HTTP as CSV
// (POST /api/v1/screening/lists/custom:<name>/versions): the bytes are
// imported from memory, as the API imports an upload. Any file must
// end in a list or in an ImportError naming its line (the API's 422 with
// the line); any other exception would answer 500, and a crash, a hang,
// undefined behaviour or a leak would be worse. An imported list is also
// indexed and screened against, as activation does.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/screener.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hafnium::services::screening;
  ParsedList list;
  try {
    std::istringstream body(std::string(reinterpret_cast<const char*>(data), size));
    list = import_custom_csv("custom:fuzz", body, "body");
  } catch (const ImportError&) {
    return 0;
  } catch (...) {
    __builtin_trap();  // anything but an ImportError is a 500
  }
  if (list.entities.empty()) return 0;
  Screener screener(std::make_shared<const WatchlistIndex>(std::move(list.entities)));
  Party party;
  party.name = "John Smith";
  (void)screener.screen(party);
  return 0;
}
