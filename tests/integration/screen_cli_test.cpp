// `hafnium screen`: offline batch screening of a file, as a real process.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/server_process.h"
#include "support/test_databases.h"

namespace hafnium::testing {
namespace {

class ScreenCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir("screen"); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::vector<boost::json::value> read_lines(const std::string& name) {
    std::ifstream in(dir_ / name);
    std::vector<boost::json::value> out;
    for (std::string line; std::getline(in, line);) out.push_back(boost::json::parse(line));
    return out;
  }
  std::filesystem::path dir_;
};

TEST_F(ScreenCli, WritesOneLineperPartyInInputOrderWithMatchesBestFirst) {
  auto list = write("internal.csv",
                    "id,name,type,birth_date,country\n"
                    "b1,Viktor Anatolyevich Bout,person,1967-01-13,RU\n"
                    "b2,Viktor Butt,person,1980,GB\n"
                    "b3,Acme Shell Holdings Ltd,organisation,,\n");
  auto parties = write("parties.csv",
                       "id,name,type,birth_date\n"
                       "c1,Maria Jones,person,1990-05-01\n"
                       "c2,Viktor Bout,person,1967-01-13\n"
                       "c3,ACME Shell Holdings Limited,organisation,\n");
  auto result = run_hafnium({"screen", "--list", "custom:internal=" + list, "--input", parties,
                             "--output", (dir_ / "out.jsonl").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto lines = read_lines("out.jsonl");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].at("id").as_string(), "c1");
  EXPECT_TRUE(lines[0].at("matches").as_array().empty());
  const auto& bout = lines[1].at("matches").as_array();
  ASSERT_FALSE(bout.empty());
  EXPECT_EQ(bout[0].at("entity_id").as_string(), "b1");
  EXPECT_EQ(bout[0].at("list").as_string(), "custom:internal");
  for (size_t i = 1; i < bout.size(); ++i) {
    EXPECT_GE(bout[i - 1].at("score").as_double(), bout[i].at("score").as_double());
  }
  EXPECT_EQ(lines[2].at("matches").at(0).at("entity_id").as_string(), "b3");
  // A higher threshold reports fewer matches, never more.
  auto strict = run_hafnium({"screen", "--list", "custom:internal=" + list, "--input", parties,
                             "--output", (dir_ / "strict.jsonl").string(), "--threshold", "0.99"});
  ASSERT_EQ(strict.exit_code, 0);
  auto strict_lines = read_lines("strict.jsonl");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_LE(strict_lines[i].at("matches").as_array().size(), lines[i].at("matches").as_array().size());
  }
}

TEST_F(ScreenCli, BundledListsAreTheDefault) {
  auto parties = write("parties.csv", "id,name\nx1,BANCO NACIONAL DE CUBA\n");
  auto result = run_hafnium({"screen", "--input", parties, "--output", (dir_ / "out.jsonl").string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  auto lines = read_lines("out.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  bool sdn = false;
  for (const auto& m : lines[0].at("matches").as_array()) sdn = sdn || (m.at("list") == "ofac-sdn" && m.at("entity_id") == "306");
  EXPECT_TRUE(sdn) << boost::json::serialize(lines[0]);
}

TEST_F(ScreenCli, BadInputIsRefusedAndWritesNothing) {
  auto list = write("l.csv", "id,name\n1,Somebody\n");
  auto out = (dir_ / "out.jsonl").string();
  auto expect_refusal = [&](std::vector<std::string> args, const std::string& message) {
    auto result = run_hafnium(args);
    EXPECT_NE(result.exit_code, 0) << message;
    EXPECT_NE(result.err.find(message), std::string::npos) << result.err;
    EXPECT_FALSE(std::filesystem::exists(out));
  };
  expect_refusal({"screen", "--list", "custom:l=" + list, "--input", write("a.csv", "id,nam\n1,x\n"), "--output", out},
                 "unknown column 'nam'");
  expect_refusal({"screen", "--list", "custom:l=" + list, "--input", write("b.csv", "id,name\n1,Alpha\n2,   \n"), "--output", out},
                 "b.csv:3: name is empty");
  expect_refusal({"screen", "--list", "custom:l=" + list, "--input", write("c.csv", "id,name,country\n1,Alpha,Atlantis\n"), "--output", out},
                 "unknown country 'Atlantis'");
  expect_refusal({"screen", "--list", "nope=" + list, "--input", write("d.csv", "id,name\n1,Alpha\n"), "--output", out},
                 "unknown list source 'nope'");
  expect_refusal({"screen", "--list", "custom:l=" + write("broken.csv", "id,name\n1,\"Alpha\n"), "--input",
                  write("e.csv", "id,name\n1,Alpha\n"), "--output", out},
                 "unterminated");
  expect_refusal({"screen", "--list", "custom:l=" + list, "--input", write("f.csv", "id,name\n1," + std::string(2000, 'a') + "\n"),
                  "--output", out},
                 "longer than 1024");
  expect_refusal({"screen", "--list", "custom:l=" + list, "--input", write("g.csv", "id,name\n1,Jo\xffhn\n"), "--output", out},
                 "g.csv:2: field 2 is not valid UTF-8");
  expect_refusal({"screen", "--list", "custom:l=" + write("bad8.csv", "id,name\n1,Jo\xffhn\n"), "--input",
                  write("h.csv", "id,name\n1,Alpha\n"), "--output", out},
                 "bad8.csv:2: field 2 is not valid UTF-8");
  // Results are found by id: one id twice is refused, naming both lines.
  expect_refusal({"screen", "--list", "custom:l=" + list, "--input",
                  write("dup.csv", "id,name\nC-1,Alpha\nC-2,Beta\nC-1,Gamma\n"), "--output", out},
                 "dup.csv:4: id 'C-1' is also on line 2");
  // Every bad row is named at once (up to 20), so that one pass mends the file.
  std::string many = "id,name,type,country\n1,Alpha,person,\n2,,person,\n3,Beta,persn,\n4,Gamma,person,Narnia\n";
  for (int i = 0; i < 25; ++i) many += "x" + std::to_string(i) + ",,,\n";
  auto result = run_hafnium({"screen", "--list", "custom:l=" + list, "--input", write("many.csv", many), "--output", out});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("28 rows are invalid; nothing was screened:"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("many.csv:3: name is empty"), std::string::npos);
  EXPECT_NE(result.err.find("many.csv:4: type must be person"), std::string::npos);
  EXPECT_NE(result.err.find("many.csv:5: unknown country 'Narnia'"), std::string::npos);
  EXPECT_NE(result.err.find("... and 8 more"), std::string::npos) << result.err;
  EXPECT_FALSE(std::filesystem::exists(out));
}

}  // namespace
}  // namespace hafnium::testing
