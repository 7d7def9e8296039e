// `hafnium lists import` / `lists list`, and the bundled lists a first
// `serve` loads.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "support/http_client.h"
#include "support/server_process.h"
#include "support/test_databases.h"

namespace hafnium::testing {
namespace {

using namespace std::chrono_literals;

TEST(ListsCli, ImportsVersionsWithDiffsAndRefusesMalformedFiles) {
  auto dir = make_temp_dir("lists-cli");
  std::string db = "sqlite://" + (dir / "h.db").string();
  ASSERT_EQ(run_hafnium({"tenants", "create", "acme", "--db", db}).exit_code, 0);
  std::ofstream(dir / "v1.csv") << "id,name\n1,Alpha Person\n2,Beta Company\n";
  std::ofstream(dir / "v2.csv") << "id,name\n1,Alpha Person\n3,Gamma Vessel\n";
  std::ofstream(dir / "bad.csv") << "id,name\n1,\"Alpha\n";
  auto first = run_hafnium({"lists", "import", "custom:watch", (dir / "v1.csv").string(), "--tenant", "acme", "--db", db});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("version 1: 2 entities (2 added, 0 removed, 0 changed)"), std::string::npos) << first.out;
  // The re-screening the version owes runs here when no server took it.
  EXPECT_NE(first.out.find("re-screened after custom:watch version 1: 0 parties, 0 new hits"), std::string::npos)
      << first.out;
  auto second = run_hafnium({"lists", "import", "custom:watch", (dir / "v2.csv").string(), "--tenant", "acme", "--db", db});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("version 2: 2 entities (1 added, 1 removed, 0 changed)"), std::string::npos) << second.out;
  auto bad = run_hafnium({"lists", "import", "custom:watch", (dir / "bad.csv").string(), "--tenant", "acme", "--db", db});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("active version is unchanged"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("bad.csv"), std::string::npos);
  // A file that states no date is given its publisher's; a malformed or
  // conflicting date is refused and changes nothing.
  auto dated = run_hafnium({"lists", "import", "custom:watch", (dir / "v2.csv").string(), "--tenant", "acme",
                            "--list-date", "2026-11-02", "--db", db});
  ASSERT_EQ(dated.exit_code, 0) << dated.err;
  EXPECT_NE(dated.out.find("version 3: 2 entities (0 added, 0 removed, 0 changed), list date 2026-11-02"),
            std::string::npos) << dated.out;
  for (const char* wrong : {"2026-13-01", "02/11/2026", "2026-11"}) {
    auto refused = run_hafnium({"lists", "import", "custom:watch", (dir / "v1.csv").string(), "--tenant", "acme",
                                "--list-date", wrong, "--db", db});
    EXPECT_NE(refused.exit_code, 0) << wrong;
    EXPECT_NE(refused.err.find("must be a date YYYY-MM-DD"), std::string::npos) << refused.err;
  }
  // One stray byte would make the stored entity unreadable, and with it
  // every tenant's screening: refused with its line, nothing changes.
  std::ofstream(dir / "latin1.csv") << "id,name\n1,Jos\xe9 Alpha\n";
  auto latin1 = run_hafnium({"lists", "import", "custom:watch", (dir / "latin1.csv").string(), "--tenant", "acme", "--db", db});
  EXPECT_EQ(latin1.exit_code, 1);
  EXPECT_NE(latin1.err.find("latin1.csv:2: field 2 is not valid UTF-8"), std::string::npos) << latin1.err;
  auto listed = run_hafnium({"lists", "list", "--db", db});
  EXPECT_NE(listed.out.find("custom:watch"), std::string::npos);
  EXPECT_NE(listed.out.find("tenant   3        2026-11-02"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("completed (0 parties, 0 new hits)"), std::string::npos) << listed.out;
  // Official lists are shared; custom ones need a tenant; unknown sources fail.
  EXPECT_NE(run_hafnium({"lists", "import", "custom:watch", (dir / "v1.csv").string(), "--db", db}).exit_code, 0);
  EXPECT_NE(run_hafnium({"lists", "import", "un", (dir / "v1.csv").string(), "--db", db}).exit_code, 0);
  auto unknown = run_hafnium({"lists", "import", "interpol", (dir / "v1.csv").string(), "--db", db});
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.err.find("unknown list source 'interpol'"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(BundledLists, FirstStartLoadsThemAndChecksUseThem) {
  ServerProcess server({}, {"HAFNIUM_BUNDLED_LISTS=true"});
  TestHttpClient http("127.0.0.1", server.port());
  // Not ready until the watchlists are in memory.
  int status = 0;
  for (int i = 0; i < 1200 && (status = http.get("/readyz").status) != 200; ++i) std::this_thread::sleep_for(100ms);
  ASSERT_EQ(status, 200) << server.logs();
  auto lists = boost::json::parse(http.get("/api/v1/screening/lists", server.admin_key()).body).at("items").as_array();
  // Each with the date it was published (the legacy SDN CSV states none:
  // the snapshot's is bundled with it; the UK tables' is their newest change).
  std::map<std::string, std::string> dates;
  for (const auto& l : lists) dates[std::string(l.at("source").as_string())] = std::string(l.at("list_date").as_string());
  EXPECT_EQ(dates, (std::map<std::string, std::string>{{"eu", "2026-01-28"},
                                                       {"ofac-sdn", "2024-05-03"},
                                                       {"ofac-xml", "2026-01-08"},
                                                       {"uk", "2026-04-29"},
                                                       {"un", "2026-02-27"}}));
  auto res = http.post_json("/api/v1/screening/checks", R"({"name":"Banco Nacional de Cuba","type":"organisation"})",
                            server.admin_key());
  ASSERT_EQ(res.status, 201) << res.body;
  auto doc = boost::json::parse(res.body);
  EXPECT_EQ(doc.at("status").as_string(), "potential_match");
  bool sdn = false;
  for (const auto& m : doc.at("matches").as_array()) sdn = sdn || (m.at("list") == "ofac-sdn" && m.at("entity_id") == "306");
  EXPECT_TRUE(sdn);
  // The official lists, for the operator's dashboards and alerts.
  const std::string metrics = http.get("/metrics").body;
  EXPECT_NE(metrics.find("\nhafnium_screening_list_entities{source=\"un\"} 1003\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("\nhafnium_screening_list_published_timestamp_seconds{source=\"un\"} 1772150400\n"),
            std::string::npos);
  EXPECT_NE(metrics.find("\nhafnium_screening_list_imported_timestamp_seconds{source=\"eu\"} 17"), std::string::npos);
  // A birth date lifts both of the EU's spellings of a name to the capped
  // score: the exact one explains the match.
  auto putin = http.post_json("/api/v1/screening/checks",
                              R"({"name":"Vladimir Vladimirovich Putin","type":"person","birth_date":"1952-10-07"})",
                              server.admin_key());
  ASSERT_EQ(putin.status, 201) << putin.body;
  bool eu_seen = false;
  const auto putin_doc = boost::json::parse(putin.body);
  for (const auto& m : putin_doc.at("matches").as_array()) {
    if (m.at("list") != "eu" || m.at("entity_id") != "135909") continue;
    eu_seen = true;
    EXPECT_EQ(std::string(m.at("matched_name").as_string()), "Vladimir Vladimirovich PUTIN");
    EXPECT_EQ(m.at("name_score").as_double(), 1.0);
  }
  EXPECT_TRUE(eu_seen) << putin.body;
  ASSERT_EQ(doc.at("lists").as_array().size(), 5u);
  for (const auto& l : doc.at("lists").as_array()) {
    EXPECT_EQ(std::string(l.at("list_date").as_string()), dates[std::string(l.at("source").as_string())]);
  }
}

}  // namespace
}  // namespace hafnium::testing
