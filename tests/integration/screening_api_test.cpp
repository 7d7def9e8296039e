// The screening API over real HTTP, on both stores: tenant lists, checks,
// batches, dispositions with suppression, ongoing re-screening events, and
// bad input that changes nothing.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <thread>

#include "platform/util/time.h"
#include "support/metrics_text.h"
#include "support/runtime_fixture.h"

namespace hafnium::testing {
namespace {

using namespace std::chrono_literals;

const char* kList =
    "id,name,type,aliases,birth_date,country,identifiers,program\n"
    "w1,Viktor Anatolyevich Bout,person,Victor Butt|Viktor Budd,1967-01-13,RU,passport:21N0588,ARMS\n"
    "w2,Acme Shell Holdings Ltd,organisation,,,PA,,SHELL\n";

class ScreeningApi : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    HAFNIUM_REQUIRE_BACKEND(GetParam());
    InProcessServer::Options options;
    options.backend = GetParam();
    options.targets = {"facade", "screening", "cases"};
    server_ = std::make_unique<InProcessServer>(std::move(options));
    // Wait for the (empty) index to load.
    for (int i = 0; i < 200 && server_->client().get("/readyz").status != 200; ++i) std::this_thread::sleep_for(20ms);
    auto imported = upload("custom:internal", kList);
    ASSERT_EQ(imported.status, 201) << imported.body;
    // Its re-screening (of nobody yet) is over before the tests screen
    // anyone: counts that tests read are then theirs alone.
    rescreened("custom:internal", 1);
  }
  HttpResponse upload(const std::string& source, const std::string& csv) {
    return server_->client().request("POST", "/api/v1/screening/lists/" + source + "/versions",
                                     {{"Authorization", "Bearer " + server_->admin_key()}, {"Content-Type", "text/csv"}}, csv);
  }
  HttpResponse check(const std::string& json) {
    return server_->client().post_json("/api/v1/screening/checks", json, server_->admin_key());
  }
  // The re-screening a list's active version owed, once it completed
  // (the server's worker runs it in the background).
  boost::json::object rescreened(const std::string& source, int64_t version) {
    for (int i = 0; i < 500; ++i) {
      auto lists = server_->client().get("/api/v1/screening/lists", server_->admin_key());
      const auto page = boost::json::parse(lists.body);
      for (const auto& item : page.at("items").as_array()) {
        if (item.at("source") != source.c_str() || item.at("version") != version) continue;
        const auto& rescreen = item.at("rescreen").as_object();
        if (rescreen.at("status") == "completed") return rescreen;
      }
      std::this_thread::sleep_for(20ms);
    }
    ADD_FAILURE() << "the re-screening after " << source << " version " << version << " did not complete";
    return {};
  }
  long long count(const std::string& table) {
    long long c = 0;
    server_->runtime().db().read([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM " + table, soci::into(c); });
    return c;
  }
  std::unique_ptr<InProcessServer> server_;
};

TEST_P(ScreeningApi, ListsShowVersionsAndDiffs) {
  auto lists = server_->client().get("/api/v1/screening/lists", server_->admin_key());
  ASSERT_EQ(lists.status, 200);
  auto items = boost::json::parse(lists.body).at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].at("source").as_string(), "custom:internal");
  EXPECT_EQ(items[0].at("scope").as_string(), "tenant");
  EXPECT_EQ(items[0].at("entities").as_int64(), 2);
  // A second version: one changed, one removed, one added.
  auto next = upload("custom:internal",
                     "id,name,type,birth_date\n"
                     "w1,Viktor Anatolyevich Bout,person,1967\n"
                     "w3,Northwind Trading FZE,organisation,\n");
  ASSERT_EQ(next.status, 201) << next.body;
  auto v2 = boost::json::parse(next.body);
  EXPECT_EQ(v2.at("version").as_int64(), 2);
  EXPECT_EQ(v2.at("added").as_int64(), 1);
  EXPECT_EQ(v2.at("removed").as_int64(), 1);
  EXPECT_EQ(v2.at("changed").as_int64(), 1);
  EXPECT_TRUE(v2.at("list_date").is_null());  // a CSV states no date
  // The tenant may give its list's date; a malformed one changes nothing.
  const std::string v3_csv = "id,name\nw1,Viktor Anatolyevich Bout\n";
  auto dated = server_->client().request("POST", "/api/v1/screening/lists/custom:internal/versions?list_date=2026-11-02",
                                         {{"Authorization", "Bearer " + server_->admin_key()}, {"Content-Type", "text/csv"}},
                                         v3_csv);
  ASSERT_EQ(dated.status, 201) << dated.body;
  EXPECT_EQ(boost::json::parse(dated.body).at("list_date"), "2026-11-02");
  auto malformed = server_->client().request("POST", "/api/v1/screening/lists/custom:internal/versions?list_date=2026-11",
                                             {{"Authorization", "Bearer " + server_->admin_key()}, {"Content-Type", "text/csv"}},
                                             v3_csv);
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_NE(malformed.body.find("\"list_date\""), std::string::npos) << malformed.body;
  // A stray byte (a Latin-1 export) is refused with its line, not stored
  // where it would make the list unreadable for every later load.
  auto latin1 = upload("custom:internal", "id,name\nw1,Jos\xe9 Bout\n");
  EXPECT_EQ(latin1.status, 400) << latin1.body;
  EXPECT_NE(latin1.body.find(R"({"field":"body:line 2","reason":"field 2 is not valid UTF-8"})"), std::string::npos)
      << latin1.body;
  auto after = boost::json::parse(server_->client().get("/api/v1/screening/lists", server_->admin_key()).body);
  EXPECT_EQ(after.at("items").at(0).at("version").as_int64(), 3);
  EXPECT_EQ(after.at("items").at(0).at("list_date"), "2026-11-02");
  // Checks name the lists they ran against with their dates.
  auto checked = boost::json::parse(check(R"({"name":"Maria Jones","type":"person"})").body);
  EXPECT_EQ(checked.at("lists").at(0).at("list_date"), "2026-11-02");
}

// Analysts uploading the same list at the same moment: each upload becomes
// its own version, one after another, each diffed against the one before.
// On PostgreSQL two of them used to read the same active version, and all
// but one failed with 500 on the next version number's key.
TEST_P(ScreeningApi, ConcurrentUploadsOfOneListBecomeConsecutiveVersions) {
  constexpr int kUploads = 6;
  std::vector<HttpResponse> responses(kUploads);
  {
    std::vector<std::thread> uploaders;
    for (int i = 0; i < kUploads; ++i) {
      uploaders.emplace_back([&, i] {
        responses[i] = upload("custom:together", "id,name\nt" + std::to_string(i) + ",Person Number " + std::to_string(i) + "\n");
      });
    }
    for (auto& t : uploaders) t.join();
  }
  std::set<int64_t> versions;
  for (const auto& response : responses) {
    ASSERT_EQ(response.status, 201) << response.body;
    const auto body = boost::json::parse(response.body);
    versions.insert(body.at("version").as_int64());
    // One entity each, and each version replaces the one before it.
    EXPECT_EQ(body.at("added"), 1);
    EXPECT_EQ(body.at("removed"), body.at("version") == 1 ? 0 : 1);
  }
  EXPECT_EQ(versions, (std::set<int64_t>{1, 2, 3, 4, 5, 6}));
  const auto lists = boost::json::parse(server_->client().get("/api/v1/screening/lists", server_->admin_key()).body);
  int active = 0;
  for (const auto& item : lists.at("items").as_array()) {
    if (item.at("source") != "custom:together") continue;
    ++active;
    EXPECT_EQ(item.at("version"), kUploads);
  }
  EXPECT_EQ(active, 1);
}

TEST_P(ScreeningApi, MetricsCountPartiesByOutcomeAndShowTheOfficialLists) {
  ASSERT_EQ(check(R"({"name":"Victor Bout","type":"person"})").status, 201);
  ASSERT_EQ(check(R"({"name":"Maria Jones","type":"person"})").status, 201);
  auto batch = server_->client().post_json(
      "/api/v1/screening/checks:batch", R"({"parties":[{"name":"Viktor Bout"},{"name":"Paul Smith"},{"name":"Ann Lee"}]})",
      server_->admin_key());
  ASSERT_EQ(batch.status, 200) << batch.body;
  ASSERT_EQ(check(R"({"name":"   "})").status, 400);  // refused: not counted
  auto text = server_->client().get("/metrics").body;
  EXPECT_EQ(metric_sample(text, R"(hafnium_screening_checks_total{outcome="potential_match"})"), "2") << text;
  EXPECT_EQ(metric_sample(text, R"(hafnium_screening_checks_total{outcome="clear"})"), "3");
  // No official list loaded here: no value rather than a false zero.
  EXPECT_EQ(metric_sample(text, R"(hafnium_screening_list_entities{source="un"})"), "NaN");
  EXPECT_EQ(text.find("custom:internal"), std::string::npos);  // a tenant's lists are not named
  // Ongoing screening: the five parties are screened again after a new
  // version, and no job is left unfinished once it completed.
  ASSERT_EQ(upload("custom:internal", kList).status, 201);
  rescreened("custom:internal", 2);
  for (int i = 0; i < 200; ++i) {
    text = server_->client().get("/metrics").body;
    if (metric_sample(text, "hafnium_screening_rescreens_unfinished") == "0" &&
        metric_sample(text, "hafnium_screening_rescreened_parties_total") == "5") {
      break;
    }
    std::this_thread::sleep_for(20ms);  // the worker counts after each page and run
  }
  EXPECT_EQ(metric_sample(text, "hafnium_screening_rescreened_parties_total"), "5") << text;
  EXPECT_EQ(metric_sample(text, "hafnium_screening_rescreens_unfinished"), "0") << text;
  EXPECT_EQ(metric_sample(text, "hafnium_screening_rescreens_failing"), "0") << text;
}

TEST_P(ScreeningApi, CheckFindsTheListedPartyAndExplainsTheMatch) {
  auto res = check(R"({"name":"Victor Bout","type":"person","birth_date":"1967-01-13","reference":"cust-1"})");
  ASSERT_EQ(res.status, 201) << res.body;
  auto doc = boost::json::parse(res.body).as_object();
  EXPECT_EQ(doc.at("status").as_string(), "potential_match");
  auto& match = doc.at("matches").at(0).as_object();
  EXPECT_EQ(match.at("entity_id").as_string(), "w1");
  EXPECT_EQ(match.at("list").as_string(), "custom:internal");
  EXPECT_GE(match.at("score").as_double(), 0.63);
  bool birth = false;
  for (const auto& f : match.at("features").as_array()) birth = birth || f.at("name") == "birth_date";
  EXPECT_TRUE(birth);
  EXPECT_FALSE(match.at("reasons").as_array().empty());
  // Stored with its result.
  auto stored = server_->client().get("/api/v1/screening/checks/" + std::string(doc.at("id").as_string()), server_->admin_key());
  ASSERT_EQ(stored.status, 200);
  EXPECT_EQ(boost::json::parse(stored.body), boost::json::value(doc));

  auto clear = check(R"({"name":"Maria Jones","type":"person"})");
  ASSERT_EQ(clear.status, 201);
  EXPECT_EQ(boost::json::parse(clear.body).at("status").as_string(), "clear");
  // An identifier match is decisive whatever the name.
  auto by_id = check(R"({"name":"Somebody Else","identifiers":[{"type":"passport","value":"21N0588"}]})");
  ASSERT_EQ(by_id.status, 201);
  auto id_doc = boost::json::parse(by_id.body);
  EXPECT_EQ(id_doc.at("matches").at(0).at("score").as_double(), 1.0);
}

TEST_P(ScreeningApi, FalsePositiveSuppressesThePairUntilTheEntityChanges) {
  std::string body = R"({"name":"Acme Shell Holdings Limited","type":"organisation","reference":"cust-9"})";
  auto first = boost::json::parse(check(body).body);
  ASSERT_EQ(first.at("status").as_string(), "potential_match");
  std::string match_id(first.at("matches").at(0).at("id").as_string());
  auto disposed = server_->client().post_json("/api/v1/screening/matches/" + match_id + "/disposition",
                                              R"({"decision":"false_positive","reason":"different company, other registry"})",
                                              server_->admin_key());
  ASSERT_EQ(disposed.status, 200) << disposed.body;
  auto second = boost::json::parse(check(body).body);
  EXPECT_EQ(second.at("status").as_string(), "clear");
  EXPECT_EQ(second.at("matches").at(0).at("status").as_string(), "suppressed");
  // The list entry changes: the suppression no longer applies.
  ASSERT_EQ(upload("custom:internal", "id,name,type,country\nw2,Acme Shell Holdings Ltd,organisation,PA|VG\n").status, 201);
  auto third = boost::json::parse(check(body).body);
  EXPECT_EQ(third.at("status").as_string(), "potential_match");
  // Bad decisions are refused.
  EXPECT_EQ(server_->client().post_json("/api/v1/screening/matches/" + match_id + "/disposition",
                                        R"({"decision":"maybe","reason":"x"})", server_->admin_key()).status, 400);
  EXPECT_EQ(server_->client().post_json("/api/v1/screening/matches/01890a5d-ac96-774b-bcce-b302099a8057/disposition",
                                        R"({"decision":"true_match","reason":"x"})", server_->admin_key()).status, 404);
}

TEST_P(ScreeningApi, NewListVersionsRaiseHitsOnlyForNewMatches) {
  ASSERT_EQ(check(R"({"name":"Northwind Trading FZE","type":"organisation","reference":"cust-7"})").status, 201);
  long long before = 0;
  server_->runtime().db().read([&](soci::session& sql) {
    sql << "SELECT COUNT(*) FROM outbox WHERE event_type = 'screening.hit.raised'", soci::into(before);
  });
  EXPECT_EQ(before, 0);
  auto v2 = upload("custom:internal", std::string(kList) + "w3,Northwind Trading FZE,organisation,,,AE,,FRONT\n");
  ASSERT_EQ(v2.status, 201) << v2.body;
  // Acknowledged with its re-screening owed; it runs in the background.
  EXPECT_EQ(boost::json::parse(v2.body).at("rescreen").at("status"), "pending");
  const auto after_v2 = rescreened("custom:internal", 2);
  EXPECT_EQ(after_v2.at("parties_screened"), 1);
  EXPECT_EQ(after_v2.at("new_hits"), 1);
  EXPECT_TRUE(after_v2.at("finished_at").is_string());
  EXPECT_EQ(after_v2.at("failed_attempts"), 0);
  EXPECT_TRUE(after_v2.at("retry_at").is_null());
  // Same list again: nothing new.
  auto v3 = upload("custom:internal", std::string(kList) + "w3,Northwind Trading FZE,organisation,,,AE,,FRONT\n");
  ASSERT_EQ(v3.status, 201) << v3.body;
  EXPECT_EQ(rescreened("custom:internal", 3).at("new_hits"), 0);
  long long hits = 0, updates = 0;
  server_->runtime().db().read([&](soci::session& sql) {
    sql << "SELECT COUNT(*) FROM outbox WHERE event_type = 'screening.hit.raised'", soci::into(hits);
    sql << "SELECT COUNT(*) FROM outbox WHERE event_type = 'screening.list.updated'", soci::into(updates);
  });
  EXPECT_EQ(hits, 1);
  EXPECT_EQ(updates, 3);
  std::string payload;
  server_->runtime().db().read([&](soci::session& sql) {
    sql << "SELECT payload FROM outbox WHERE event_type = 'screening.hit.raised'", soci::into(payload);
  });
  const auto hit = boost::json::parse(payload).at("data");
  EXPECT_EQ(hit.at("entity_id").as_string(), "w3");
  EXPECT_EQ(hit.at("reference").as_string(), "cust-7");
  // The hit is a stored check an analyst opens, its match one to decide on.
  const std::string check_id(hit.at("check_id").as_string()), match_id(hit.at("match_id").as_string());
  auto stored = server_->client().get("/api/v1/screening/checks/" + check_id, server_->admin_key());
  ASSERT_EQ(stored.status, 200) << stored.body;
  auto document = boost::json::parse(stored.body);
  EXPECT_EQ(document.at("origin"), "ongoing_screening");
  EXPECT_EQ(document.at("trigger").at("source"), "custom:internal");
  EXPECT_EQ(document.at("trigger").at("version"), 2);
  EXPECT_EQ(document.at("party").at("reference"), "cust-7");
  bool listed = false;
  for (const auto& m : document.at("matches").as_array()) {
    listed = listed || (std::string(m.at("id").as_string()) == match_id && m.at("entity_id") == "w3");
  }
  EXPECT_TRUE(listed) << stored.body;
  // It waits in the open queue until decided, then leaves it.
  auto queue = [&](const std::string& query) {
    auto res = server_->client().get("/api/v1/screening/matches" + query, server_->admin_key());
    EXPECT_EQ(res.status, 200) << res.body;
    std::vector<std::string> ids;
    const auto page = boost::json::parse(res.body);
    for (const auto& m : page.at("items").as_array()) ids.emplace_back(m.at("id").as_string());
    return ids;
  };
  auto open = queue("?status=open");
  ASSERT_FALSE(open.empty());
  EXPECT_EQ(open.front(), match_id);  // newest first
  {
    // With the party and the score as the check shows it.
    const auto first = boost::json::parse(
        server_->client().get("/api/v1/screening/matches?status=open&limit=1", server_->admin_key()).body);
    const auto& item = first.at("items").at(0);
    EXPECT_EQ(item.at("party").at("reference"), "cust-7");
    // Whom it matched, to triage without opening the check.
    EXPECT_EQ(item.at("name"), "Northwind Trading FZE");
    EXPECT_EQ(item.at("matched_name"), "Northwind Trading FZE");
    EXPECT_EQ(item.at("programs").at(0), "FRONT");
    EXPECT_EQ(item.at("check_id"), document.at("id"));
    for (const auto& m : document.at("matches").as_array()) {
      if (std::string(m.at("id").as_string()) == match_id) {
        EXPECT_EQ(item.at("score"), m.at("score"));
      }
    }
    EXPECT_TRUE(first.at("next_cursor").is_null());  // the only open match
  }
  auto summary = [&](const std::string& query) {
    auto res = server_->client().get("/api/v1/screening/matches:summary" + query, server_->admin_key());
    EXPECT_EQ(res.status, 200) << res.body;
    return boost::json::parse(res.body);
  };
  {
    // Per list: one match found, waiting since its check.
    const auto before = summary("");
    ASSERT_EQ(before.at("items").as_array().size(), 1u) << before;
    const auto& item = before.at("items").at(0);
    EXPECT_EQ(item.at("list"), "custom:internal");
    EXPECT_EQ(item.at("matches"), 1);
    EXPECT_EQ(item.at("open"), 1);
    EXPECT_TRUE(item.at("false_positive_rate").is_null());
    EXPECT_EQ(item.at("oldest_open_checked_at"), document.at("created_at"));
  }
  auto decided = server_->client().post_json("/api/v1/screening/matches/" + match_id + "/disposition",
                                             R"({"decision":"false_positive","reason":"another Northwind"})",
                                             server_->admin_key());
  ASSERT_EQ(decided.status, 200) << decided.body;
  {
    // The decision is an event for the systems that act on it.
    std::string decision_event;
    server_->runtime().db().read([&](soci::session& sql) {
      sql << "SELECT payload FROM outbox WHERE event_type = 'screening.match.decided'", soci::into(decision_event);
    });
    ASSERT_FALSE(decision_event.empty());
    const auto data = boost::json::parse(decision_event).at("data");
    EXPECT_EQ(data.at("match_id"), match_id.c_str());
    EXPECT_EQ(data.at("reference"), "cust-7");
    EXPECT_EQ(data.at("decision"), "false_positive");
    EXPECT_EQ(decision_event.find("another Northwind"), std::string::npos);  // the note stays in the store
  }
  // The check shows what became of its match: the stored result stays,
  // the match carries its decision, and the review is over.
  EXPECT_EQ(document.at("review_status"), "pending");  // as read before the decision
  const auto reviewed = boost::json::parse(
      server_->client().get("/api/v1/screening/checks/" + check_id, server_->admin_key()).body);
  EXPECT_EQ(reviewed.at("status"), "potential_match");
  EXPECT_EQ(reviewed.at("review_status"), "false_positive");
  for (const auto& m : reviewed.at("matches").as_array()) {
    if (m.at("id") != match_id.c_str()) continue;
    EXPECT_EQ(m.at("status"), "false_positive");
    EXPECT_EQ(m.at("disposition").at("reason"), "another Northwind");
    EXPECT_TRUE(m.at("disposition").at("decided_by").as_string().starts_with("api-key:"));
    EXPECT_TRUE(m.at("disposition").at("decided_at").is_string());
  }
  open = queue("?status=open");
  EXPECT_EQ(std::find(open.begin(), open.end(), match_id), open.end());
  {
    const auto after = summary("");
    const auto& item = after.at("items").at(0);
    EXPECT_EQ(item.at("open"), 0);
    EXPECT_EQ(item.at("false_positive"), 1);
    EXPECT_EQ(item.at("false_positive_rate"), 1.0);
    EXPECT_TRUE(item.at("oldest_open_checked_at").is_null());
    EXPECT_TRUE(summary("?checked_to=2026-01-01T00:00:00Z").at("items").as_array().empty());
    EXPECT_EQ(server_->client().get("/api/v1/screening/matches:summary?checked_from=today", server_->admin_key()).status,
              400);
  }
  EXPECT_EQ(queue("?status=false_positive&list=custom:internal"), (std::vector<std::string>{match_id}));
  EXPECT_EQ(server_->client().get("/api/v1/screening/matches?status=pending", server_->admin_key()).status, 400);
  EXPECT_EQ(server_->client().get("/api/v1/screening/matches?list=interpol", server_->admin_key()).status, 400);
  // The party's screening history: the ongoing check, then the first.
  auto history = server_->client().get("/api/v1/screening/checks?reference=cust-7", server_->admin_key());
  ASSERT_EQ(history.status, 200) << history.body;
  const auto history_doc = boost::json::parse(history.body);
  const auto& checks = history_doc.at("items").as_array();
  ASSERT_EQ(checks.size(), 2u) << history.body;
  EXPECT_EQ(checks[0].at("id"), document.at("id"));
  EXPECT_EQ(checks[0].at("origin"), "ongoing_screening");
  EXPECT_EQ(checks[1].at("origin"), "request");
  EXPECT_EQ(checks[1].at("status"), "clear");
  EXPECT_EQ(checks[0].at("review_status"), "false_positive");  // the history shows decisions too
  EXPECT_EQ(checks[1].at("review_status"), "none");
  const auto clear_only = boost::json::parse(
      server_->client().get("/api/v1/screening/checks?reference=cust-7&status=clear", server_->admin_key()).body);
  EXPECT_EQ(clear_only.at("items").as_array().size(), 1u);
  EXPECT_EQ(server_->client().get("/api/v1/screening/checks?status=maybe", server_->admin_key()).status, 400);
  EXPECT_EQ(server_->client().get("/api/v1/screening/checks?ref=cust-7", server_->admin_key()).status, 400);
  // Screened twice more, the party finds the same entry again, suppressed
  // by the decision: the summary counts the hit once, as decided...
  const std::string rechecked_from = util::format_rfc3339(util::now_micros());
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(check(R"({"name":"Northwind Trading FZE","type":"organisation","reference":"cust-7"})").status, 201);
  }
  {
    const auto all = summary("");
    const auto& item = all.at("items").at(0);
    EXPECT_EQ(item.at("matches"), 1) << all;
    EXPECT_EQ(item.at("false_positive"), 1);
    EXPECT_EQ(item.at("suppressed"), 0);
    // ...and over the later checks alone, as suppressed.
    const auto later = summary("?checked_from=" + rechecked_from);
    EXPECT_EQ(later.at("items").at(0).at("matches"), 1) << later;
    EXPECT_EQ(later.at("items").at(0).at("suppressed"), 1);
    EXPECT_EQ(later.at("items").at(0).at("false_positive"), 0);
  }
  // Another tenant's queue and checks are its own.
  auto other = server_->create_tenant_key("other-bank");
  const auto their_checks = boost::json::parse(server_->client().get("/api/v1/screening/checks", other).body);
  EXPECT_TRUE(their_checks.at("items").as_array().empty());
  auto theirs = server_->client().get("/api/v1/screening/matches", other);
  ASSERT_EQ(theirs.status, 200);
  EXPECT_TRUE(boost::json::parse(theirs.body).at("items").as_array().empty());
}

TEST_P(ScreeningApi, APartWhoLeftIsNoLongerScreenedButItsRecordStays) {
  ASSERT_EQ(check(R"({"name":"Northwind Trading FZE","type":"organisation","reference":"cust/9"})").status, 201);
  const std::string path = "/api/v1/screening/parties/cust%2F9";
  auto party = server_->client().get(path, server_->admin_key());
  ASSERT_EQ(party.status, 200) << party.body;
  EXPECT_EQ(boost::json::parse(party.body).at("party").at("name"), "Northwind Trading FZE");
  EXPECT_EQ(boost::json::parse(party.body).at("reference"), "cust/9");
  // Another tenant neither sees nor removes it.
  auto other = server_->create_tenant_key("other-bank");
  EXPECT_EQ(server_->client().get(path, other).status, 404);
  EXPECT_EQ(server_->client().request("DELETE", path, {{"Authorization", "Bearer " + other}}, "").status, 404);
  EXPECT_EQ(server_->client().get(path, server_->admin_key()).status, 200);
  // The customer leaves.
  EXPECT_EQ(server_->client().request("DELETE", path, {{"Authorization", "Bearer " + server_->admin_key()}}, "").status,
            204);
  EXPECT_EQ(server_->client().get(path, server_->admin_key()).status, 404);
  EXPECT_EQ(server_->client().request("DELETE", path, {{"Authorization", "Bearer " + server_->admin_key()}}, "").status,
            404);
  EXPECT_EQ(server_->client().get("/api/v1/screening/parties/" + std::string(201, 'x'), server_->admin_key()).status,
            400);
  // A list version naming it raises nothing for it any more...
  ASSERT_EQ(upload("custom:internal", std::string(kList) + "w3,Northwind Trading FZE,organisation,,,AE,,FRONT\n").status,
            201);
  const auto rescreen = rescreened("custom:internal", 2);
  EXPECT_EQ(rescreen.at("parties_screened"), 0);
  EXPECT_EQ(count("outbox WHERE event_type = 'screening.hit.raised'"), 0);
  // ...while its screening history and the removal stay on record.
  const auto history = boost::json::parse(
      server_->client().get("/api/v1/screening/checks?reference=cust%2F9", server_->admin_key()).body);
  EXPECT_EQ(history.at("items").as_array().size(), 1u);
  EXPECT_EQ(count("audit_log WHERE action = 'screening.parties.remove' AND resource = 'screening_party/cust/9'"), 1);
}

TEST_P(ScreeningApi, OneDecisionAnswersTheSameHitInEveryCheck) {
  // The party is checked twice before anyone decides: the same hit waits
  // in two checks.
  const std::string body = R"({"name":"Victor Bout","type":"person","birth_date":"1967-01-13","reference":"cust-2"})";
  const auto first = boost::json::parse(check(body).body);
  const auto second = boost::json::parse(check(body).body);
  const std::string first_match(first.at("matches").at(0).at("id").as_string());
  const std::string second_match(second.at("matches").at(0).at("id").as_string());
  ASSERT_NE(first_match, second_match);
  // The open queue asks the question once (the newest copy); the full
  // list keeps both.
  auto ids_in = [&](const std::string& query) {
    std::vector<std::string> ids;
    const auto page = boost::json::parse(
        server_->client().get("/api/v1/screening/matches" + query, server_->admin_key()).body);
    for (const auto& m : page.at("items").as_array()) ids.emplace_back(m.at("id").as_string());
    return ids;
  };
  EXPECT_EQ(ids_in("?status=open"), (std::vector<std::string>{second_match}));
  EXPECT_EQ(ids_in(""), (std::vector<std::string>{second_match, first_match}));
  auto decided = server_->client().post_json("/api/v1/screening/matches/" + second_match + "/disposition",
                                             R"({"decision":"true_match","reason":"passport confirms"})",
                                             server_->admin_key());
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(boost::json::parse(decided.body).at("also_decided"),
            boost::json::array({boost::json::value(first_match)}));
  // Both checks show it decided; nothing of it waits in the queue.
  for (const auto& id : {first.at("id"), second.at("id")}) {
    const auto stored = boost::json::parse(
        server_->client().get("/api/v1/screening/checks/" + std::string(id.as_string()), server_->admin_key()).body);
    EXPECT_EQ(stored.at("review_status"), "true_match") << stored;
  }
  const auto open = boost::json::parse(
      server_->client().get("/api/v1/screening/matches?status=open", server_->admin_key()).body);
  EXPECT_TRUE(open.at("items").as_array().empty()) << open;
  EXPECT_EQ(count("screening_dispositions"), 2);
  EXPECT_EQ(count("outbox WHERE event_type = 'screening.match.decided'"), 2);
  // Checked again later: the confirmation stands (the party is not
  // "clear", and no analyst is asked again), recorded as carried over.
  const auto third = boost::json::parse(check(body).body);
  EXPECT_EQ(third.at("status"), "potential_match");
  EXPECT_EQ(third.at("review_status"), "true_match");
  const auto& carried = third.at("matches").at(0);
  EXPECT_EQ(carried.at("status"), "true_match");
  EXPECT_EQ(carried.at("disposition").at("decided_by"), "system:carried-over");
  const std::string carried_reason(carried.at("disposition").at("reason").as_string());
  EXPECT_TRUE(carried_reason.find(second_match) != std::string::npos ||
              carried_reason.find(first_match) != std::string::npos)
      << carried_reason;  // one decision confirmed both: either names it
  const auto reread = boost::json::parse(
      server_->client().get("/api/v1/screening/checks/" + std::string(third.at("id").as_string()), server_->admin_key()).body);
  EXPECT_EQ(reread, third);  // the stored check reads as it was answered
  const auto still_open = boost::json::parse(
      server_->client().get("/api/v1/screening/matches?status=open", server_->admin_key()).body);
  EXPECT_TRUE(still_open.at("items").as_array().empty()) << still_open;
}

TEST_P(ScreeningApi, BatchScreensAllOrNone) {
  auto ok = server_->client().post_json(
      "/api/v1/screening/checks:batch",
      R"({"parties":[{"name":"Viktor Bout","type":"person"},{"name":"Jane Doe"}],"threshold":0.7})", server_->admin_key());
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto body = boost::json::parse(ok.body);
  EXPECT_EQ(body.at("parties").as_int64(), 2);
  EXPECT_EQ(body.at("potential_matches").as_int64(), 1);
  EXPECT_EQ(body.at("items").at(1).at("status").as_string(), "clear");

  long long checks = count("screening_checks");
  auto bad = server_->client().post_json(
      "/api/v1/screening/checks:batch", R"({"parties":[{"name":"Viktor Bout"},{"name":"   "},{"nme":"x"}]})",
      server_->admin_key());
  ASSERT_EQ(bad.status, 400);
  auto errors = boost::json::parse(bad.body).at("errors").as_array();
  std::set<std::string> fields;
  for (const auto& e : errors) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_TRUE(fields.contains("parties/1/name"));
  EXPECT_TRUE(fields.contains("parties/2/nme"));
  EXPECT_EQ(count("screening_checks"), checks);

  std::string big = R"({"parties":[)";
  for (int i = 0; i < 10001; ++i) big += std::string(i ? "," : "") + R"({"name":"P )" + std::to_string(i) + R"("})";
  big += "]}";
  auto too_many = server_->client().post_json("/api/v1/screening/checks:batch", big, server_->admin_key());
  EXPECT_EQ(too_many.status, 400);
  EXPECT_NE(too_many.body.find("at most 10000"), std::string::npos);
  EXPECT_EQ(count("screening_checks"), checks);
}

TEST_P(ScreeningApi, BadPartiesAndListsAreRefusedAndChangeNothing) {
  long long checks = count("screening_checks");
  auto expect_400 = [&](const std::string& json, const std::string& field) {
    auto res = check(json);
    EXPECT_EQ(res.status, 400) << json;
    EXPECT_NE(res.body.find("\"field\":\"" + field + "\""), std::string::npos) << res.body;
  };
  expect_400(R"({"name":""})", "name");
  expect_400(R"({"name":"   "})", "name");
  expect_400(R"({"name":")" + std::string(10 * 1024, 'a') + R"("})", "name");
  expect_400(R"({"name":"Vladimir Путин"})", "name");
  expect_400(R"({"name":"!!!"})", "name");
  expect_400(R"({"name":"X","lists":["nope"]})", "lists/0");
  expect_400(R"({"name":"X","threshold":2})", "threshold");
  expect_400(R"({"name":"X","birth_date":"1999-02-30"})", "birth_date");
  expect_400(R"({"name":"X","country":"Atlantis"})", "country");
  expect_400(R"({"name":"X","colour":"red"})", "colour");
  auto utf8 = server_->client().post_json("/api/v1/screening/checks", "{\"name\":\"\xC3\x28\"}", server_->admin_key());
  EXPECT_EQ(utf8.status, 400);
  EXPECT_EQ(count("screening_checks"), checks);

  long long versions = count("screening_list_versions");
  auto truncated = upload("custom:internal", "id,name\n1,\"Broken\n");
  EXPECT_EQ(truncated.status, 400);
  EXPECT_NE(truncated.body.find("unterminated"), std::string::npos);
  EXPECT_EQ(upload("custom:internal", "id,nmae\n1,x\n").status, 400);
  auto bad_header = upload("custom:internal", "\"");  // a 500 before: the header was read unguarded
  EXPECT_EQ(bad_header.status, 400) << bad_header.body;
  EXPECT_NE(bad_header.body.find("unterminated"), std::string::npos);
  EXPECT_EQ(upload("ofac-sdn", "x").status, 422);
  EXPECT_EQ(upload("nope", "x").status, 404);
  EXPECT_EQ(count("screening_list_versions"), versions);
  auto lists = boost::json::parse(server_->client().get("/api/v1/screening/lists", server_->admin_key()).body);
  EXPECT_EQ(lists.at("items").at(0).at("version").as_int64(), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ScreeningApi, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace hafnium::testing
