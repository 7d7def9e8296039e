// libFuzzer target for a tenant's own list, uploaded over HTTP as CSV
// (POST /api/v1/screening/lists/custom:<name>/versions): the bytes are
// written to a file and imported as the API imports them. Any file must
// end in a list or in an ImportError naming its line (the API's 422 with
// the line); any other exception would answer 500, and a crash, a hang,
// undefined behaviour or a leak would be worse. An imported list is also
// indexed and screened against, as activation does.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "services/screening/domain/importers/importers.h"
#include "services/screening/domain/screener.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hafnium::services::screening;
  // One scratch file per process, removed at exit.
  static const struct Scratch {
    std::string path = "/tmp/hafnium-custom-list-fuzz-" + std::to_string(getpid()) + ".csv";
    ~Scratch() { std::remove(path.c_str()); }
  } scratch;
  const std::string& path = scratch.path;
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  ParsedList list;
  try {
    list = import_custom_csv("custom:fuzz", path);
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
