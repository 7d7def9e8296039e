// hafnium monitor replay as a real process: a file in, alerts out, in
// event-time order whatever the order of the file, through the default
// pack or a directory of rule files.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/server_process.h"
#include "support/test_databases.h"

namespace hafnium::testing {
namespace {

std::string payment(const std::string& id, const std::string& at, const std::string& debtor, const std::string& creditor,
                    const std::string& amount, const std::string& type = "ach") {
  return R"({"id":")" + id + R"(","occurred_at":")" + at + R"(","amount":")" + amount + R"(","currency":"USD","type":")" +
         type + R"(","debtor":{"account_id":")" + debtor + R"("},"creditor":{"account_id":")" + creditor + R"("}})";
}

std::vector<boost::json::object> read_lines(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::vector<boost::json::object> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(boost::json::parse(line).as_object());
  return out;
}

TEST(MonitorReplayCli, ReplaysInEventTimeOrderThroughThePackOrGivenRules) {
  auto dir = make_temp_dir("replay");
  {
    std::ofstream f(dir / "tx.ndjson");
    // A three-hop cycle written out of order, a large cash deposit, and a
    // row that is not a transaction.
    f << payment("c3", "2026-10-03T10:00:00Z", "C", "A", "4700.00") << "\n"
      << payment("c1", "2026-10-01T10:00:00Z", "A", "B", "5000.00") << "\n"
      << payment("c2", "2026-10-02T10:00:00Z", "B", "C", "4850.00") << "\n"
      << payment("k1", "2026-10-02T12:00:00Z", "D", "CASHDESK", "12000.00", "cash_deposit") << "\n"
      << R"({"id":"bad","amount":"1e3"})" << "\n";
  }
  auto run = run_hafnium({"monitor", "replay", "--input", (dir / "tx.ndjson").string(), "--output",
                          (dir / "alerts.jsonl").string()});
  EXPECT_EQ(run.exit_code, 1);  // one row was rejected
  EXPECT_NE(run.err.find("tx.ndjson:5:"), std::string::npos) << run.err;
  EXPECT_NE(run.out.find("replayed 4 transactions (1 rejected)"), std::string::npos) << run.out;
  auto alerts = read_lines(dir / "alerts.jsonl");
  ASSERT_EQ(alerts.size(), 2u);
  // In the order raised: the cash on day 2, the cycle closing on day 3.
  EXPECT_EQ(alerts[0].at("rule_id"), "large-cash-single");
  EXPECT_EQ(alerts[0].at("subject").at("id"), "D");
  EXPECT_EQ(alerts[1].at("rule_id"), "cycle");
  EXPECT_EQ(alerts[1].at("typology"), "cycle");
  EXPECT_EQ(alerts[1].at("subject").at("type"), "account");
  EXPECT_EQ(alerts[1].at("subject").at("id"), "A");
  EXPECT_EQ(alerts[1].at("severity"), "high");
  EXPECT_EQ(alerts[1].at("score"), 80);
  auto ids = alerts[1].at("transaction_ids").as_array();
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[0], "c1");
  EXPECT_EQ(ids[2], "c3");
  EXPECT_NE(std::string(alerts[1].at("explanation").as_string()).find("3 hops"), std::string::npos);

  // Given rules instead of the pack.
  std::filesystem::create_directories(dir / "rules");
  std::ofstream(dir / "rules" / "big.json")
      << R"({"id":"big","name":"Big payment","typology":"large_value","severity":"low","score":10,
             "condition":"tx.amount >= 4800","explanation":"{tx.amount} USD"})";
  auto custom = run_hafnium({"monitor", "replay", "--input", (dir / "tx.ndjson").string(), "--output",
                             (dir / "big.jsonl").string(), "--rules", (dir / "rules").string()});
  auto big = read_lines(dir / "big.jsonl");
  ASSERT_EQ(big.size(), 3u) << custom.err;  // c1 (A), c2 (B), k1 (D); c3 is 4,700
  EXPECT_EQ(big[0].at("explanation"), "5000 USD");

  // A rule file that does not compile stops the replay with its reason.
  std::ofstream(dir / "rules" / "broken.json")
      << R"({"id":"broken","name":"x","severity":"low","score":1,"condition":"tx.amount >"})";
  auto broken = run_hafnium({"monitor", "replay", "--input", (dir / "tx.ndjson").string(), "--output",
                             (dir / "x.jsonl").string(), "--rules", (dir / "rules").string()});
  EXPECT_NE(broken.exit_code, 0);
  EXPECT_NE(broken.err.find("broken.json: condition"), std::string::npos) << broken.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hafnium::testing
