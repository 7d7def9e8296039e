// Ongoing screening as durable jobs, on both stores: a re-screening that
// stops half way (a process killed between pages) is resumed by another
// worker from its cursor, screening no party twice and skipping none; a
// worker that lost its lease cannot commit; each tenant sees only its own
// share of an official list's re-screening.
#include <gtest/gtest.h>

#include "platform/util/time.h"
#include "services/screening/service.h"
#include "services/targets.h"
#include "support/store_fixture.h"

namespace hafnium::services::screening {
namespace {

class OngoingScreening : public testing::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    store::apply_migrations(*db_, "screening", services::make_target("screening")->migrations());
    service_ = std::make_unique<ScreeningService>(db_);
  }

  static WatchlistEntity organisation(const std::string& id, const std::string& name) {
    WatchlistEntity e;
    e.list = "ofac-sdn";
    e.id = id;
    e.kind = EntityKind::kOrganisation;
    e.names.push_back({name, NameStrength::kStrong, true, {}});
    e.programs = {"SDGT"};
    return e;
  }
  ListVersion import_sdn(const std::vector<WatchlistEntity>& entities) {
    return service_->import(kSharedLists, ParsedList{"ofac-sdn", "", entities}, {"", "cli:operator", "trace-1"});
  }
  void screen_party(const std::string& tenant, const std::string& reference, const std::string& name) {
    CheckRequest request;
    request.party.name = name;
    request.party.kind = EntityKind::kOrganisation;
    request.reference = reference;
    service_->check(request, {tenant, "api-key:test", ""});
  }
  ScreeningService::RescreenRun run_by(const std::string& worker, size_t page_size = 2) {
    ScreeningService::RescreenRun run;
    run.worker = worker;
    run.page_size = page_size;
    return run;
  }
  long long count(const std::string& query) {
    long long n = 0;
    db_->read([&](soci::session& sql) { sql << query, soci::into(n); });
    return n;
  }

  std::unique_ptr<ScreeningService> service_;
};

TEST_P(OngoingScreening, AJobStoppedBetweenPagesIsResumedWithoutRepeatsOrGaps) {
  const auto v1 = import_sdn({organisation("1", "Acme Shell Holdings")});
  ASSERT_EQ(service_->run_rescreens(run_by("setup")).size(), 1u);  // nobody to re-screen yet
  // Seven parties over two tenants, none on the list.
  for (const auto& [tenant, ref, name] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"tenant-a", "a1", "Northwind Trading FZE"},
           {"tenant-a", "a2", "Blue Lagoon Shipping Ltd"},
           {"tenant-a", "a3", "Harbour Crest Logistics"},
           {"tenant-a", "a4", "Quiet Meadow Bakery"},
           {"tenant-a", "a5", "Silver Birch Consulting"},
           {"tenant-b", "b1", "Northwind Trading FZE"},
           {"tenant-b", "b2", "Green Valley Farms"}}) {
    screen_party(tenant, ref, name);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM screening_checks WHERE status = 'potential_match'"), 0);

  // Version 2 lists three of tenant A's parties and one of tenant B's.
  const auto v2 = import_sdn({organisation("1", "Acme Shell Holdings"), organisation("2", "Northwind Trading FZE"),
                              organisation("3", "Blue Lagoon Shipping Ltd"),
                              organisation("4", "Harbour Crest Logistics")});
  auto pending = RescreenJobs::find(*db_, v2.id);
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->status, "pending");  // committed with the version, not yet run

  // Worker A does one page of two parties and dies: its lease (1 µs here)
  // runs out at once, as a dead process's does after a minute.
  auto first = run_by("worker-a");
  first.lease_micros = 1;
  int pages = 0;
  first.progress = [&](const RescreenJob&, int64_t) { ++pages; };
  first.stop = [&] { return pages >= 1; };
  EXPECT_TRUE(service_->run_rescreens(first).empty());
  auto half = RescreenJobs::find(*db_, v2.id);
  ASSERT_TRUE(half);
  EXPECT_EQ(half->status, "running");
  EXPECT_EQ(half->parties_screened, 2);
  EXPECT_EQ(half->after_tenant, "tenant-a");
  const long long hits_after_first_page =
      count("SELECT COUNT(*) FROM outbox WHERE event_type = 'screening.hit.raised'");

  // Worker B takes it over and finishes from the cursor; its progress
  // counts the job's parties in all, those A screened included.
  auto second = run_by("worker-b");
  std::vector<std::pair<int64_t, int64_t>> seen;  // (screened, total) after each page
  second.progress = [&](const RescreenJob& job, int64_t total) { seen.emplace_back(job.parties_screened, total); };
  auto completed = service_->run_rescreens(second);
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front(), (std::pair<int64_t, int64_t>{4, 7}));
  EXPECT_EQ(seen.back(), (std::pair<int64_t, int64_t>{7, 7}));
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(completed[0].version_id, v2.id);
  EXPECT_EQ(completed[0].parties_screened, 7);  // every party once
  EXPECT_EQ(completed[0].hits_raised, 4);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'screening.hit.raised'"), 4);
  EXPECT_GE(hits_after_first_page, 1);  // the first page's hits stayed, and were not raised again
  // One ongoing-screening check per party with a new hit, none twice.
  EXPECT_EQ(count("SELECT COUNT(*) FROM screening_checks WHERE status = 'potential_match'"), 4);
  EXPECT_EQ(count("SELECT COUNT(DISTINCT party_key) FROM screening_checks WHERE status = 'potential_match'"), 4);
  auto done = RescreenJobs::find(*db_, v2.id);
  EXPECT_EQ(done->status, "completed");
  EXPECT_GT(done->finished_at, 0);

  // Each tenant sees its own share of the official list's re-screening.
  auto a = RescreenJobs::progress(*db_, "tenant-a", {v1.id, v2.id});
  auto b = RescreenJobs::progress(*db_, "tenant-b", {v2.id});
  auto c = RescreenJobs::progress(*db_, "tenant-c", {v2.id});
  EXPECT_EQ(a.at(v2.id).parties_screened, 5);
  EXPECT_EQ(a.at(v2.id).hits_raised, 3);
  EXPECT_EQ(a.at(v1.id).parties_screened, 0);
  EXPECT_EQ(b.at(v2.id).parties_screened, 2);
  EXPECT_EQ(b.at(v2.id).hits_raised, 1);
  EXPECT_EQ(c.at(v2.id).status, "completed");
  EXPECT_EQ(c.at(v2.id).parties_screened, 0);

  // Nothing is left: another run finds no job.
  EXPECT_TRUE(service_->run_rescreens(run_by("worker-c")).empty());
  EXPECT_EQ(RescreenJobs::unfinished(*db_), 0);
}

TEST_P(OngoingScreening, AWorkerThatLostItsLeaseCommitsNothing) {
  const auto v1 = import_sdn({organisation("1", "Acme Shell Holdings")});
  screen_party("tenant-a", "a1", "Quiet Meadow Bakery");
  auto held = RescreenJobs::claim(*db_, "worker-a", 1);  // a lease that runs out at once
  ASSERT_TRUE(held);
  // A live lease is respected...
  auto taken = RescreenJobs::claim(*db_, "worker-b", 60'000'000);
  ASSERT_TRUE(taken);
  EXPECT_FALSE(RescreenJobs::claim(*db_, "worker-c", 60'000'000));
  // ...and the worker whose lease ran out can no longer move the job.
  RescreenJobs::Page page;
  page.last_tenant = "tenant-a";
  page.last_key = "ref:a1";
  page.per_tenant["tenant-a"] = {1, 0};
  page.last = true;
  const bool moved = db_->write([&](soci::session& sql) { return RescreenJobs::advance(sql, *held, "worker-a", 1, page); });
  EXPECT_FALSE(moved);
  auto job = RescreenJobs::find(*db_, v1.id);
  EXPECT_EQ(job->status, "running");
  EXPECT_EQ(job->parties_screened, 0);
  EXPECT_EQ(job->after_key, "");
  // Its holder finishes it; a clean stop would have handed it on at once.
  RescreenJobs::release(*db_, "worker-b");
  auto completed = service_->run_rescreens(run_by("worker-d"));
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(completed[0].parties_screened, 1);
}

TEST_P(OngoingScreening, ARescreenCheckHoldsOnlyTheNewHits) {
  import_sdn({organisation("1", "Acme Shell Holdings")});
  service_->run_rescreens(run_by("setup"));
  screen_party("tenant-a", "a1", "Acme Shell Holdings");  // an open match on entity 1
  ASSERT_EQ(count("SELECT COUNT(*) FROM screening_matches WHERE status = 'open'"), 1);
  // Version 2 adds a second entity the party matches.
  import_sdn({organisation("1", "Acme Shell Holdings"), organisation("5", "Acme Shell Holdings Group")});
  auto completed = service_->run_rescreens(run_by("worker"));
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(completed[0].hits_raised, 1);
  // Entity 1 waits in the queue once, from the check that reported it;
  // the ongoing-screening check holds entity 5 alone.
  EXPECT_EQ(count("SELECT COUNT(*) FROM screening_matches WHERE entity_id = '1'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM screening_matches WHERE entity_id = '5'"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM screening_matches m JOIN screening_checks c ON c.id = m.check_id"
                  " WHERE m.entity_id = '5' AND c.document LIKE '%ongoing_screening%'"),
            1);
}

TEST_P(OngoingScreening, AConfirmationCarriedOverIsNotRaisedAgain) {
  import_sdn({organisation("1", "Acme Shell Holdings")});
  service_->run_rescreens(run_by("setup"));
  CheckRequest request;
  request.party.name = "Acme Shell Holdings";
  request.party.kind = EntityKind::kOrganisation;
  request.reference = "a1";
  const Actor analyst{"tenant-a", "api-key:test", ""};
  const auto first = service_->check(request, analyst);
  const std::string match_id(first.at("matches").at(0).at("id").as_string());
  ASSERT_TRUE(service_->dispose(match_id, "true_match", "registry extract", analyst));
  // The customer leaves and comes back: screened again, the confirmation
  // stands...
  ASSERT_TRUE(service_->stop_monitoring("a1", analyst));
  const auto again = service_->check(request, analyst);
  EXPECT_EQ(again.at("matches").at(0).at("status"), "true_match");
  // ...and a new list version does not raise it as a new hit.
  import_sdn({organisation("1", "Acme Shell Holdings"), organisation("2", "Quiet Meadow Bakery")});
  auto completed = service_->run_rescreens(run_by("worker"));
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(completed[0].parties_screened, 1);
  EXPECT_EQ(completed[0].hits_raised, 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'screening.hit.raised'"), 0);
}

TEST_P(OngoingScreening, AJobThatKeepsFailingWaitsForItsRetryWithoutHoldingUpTheOthers) {
  import_sdn({organisation("1", "Acme Shell Holdings")});
  service_->run_rescreens(run_by("setup"));
  screen_party("tenant-p", "p1", "Northwind Trading FZE");
  screen_party("tenant-a", "a1", "Blue Lagoon Shipping Ltd");
  // Storing any check of tenant P fails, as a fault that repeats on
  // every attempt would (here a trigger of the real database).
  if (GetParam() == "sqlite") {
    db_->write([](soci::session& sql) {
      sql << "CREATE TRIGGER poison BEFORE INSERT ON screening_checks WHEN NEW.tenant_id = 'tenant-p'"
             " BEGIN SELECT RAISE(ABORT, 'injected failure'); END";
    });
  } else {
    db_->write([](soci::session& sql) {
      sql << "CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
             " IF NEW.tenant_id = 'tenant-p' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$";
      sql << "CREATE TRIGGER poison BEFORE INSERT ON screening_checks FOR EACH ROW EXECUTE FUNCTION poison()";
    });
  }
  // Each tenant imports its own list naming its party: P's job is older.
  auto custom = [](const std::string& name) {
    WatchlistEntity e = organisation("c1", name);
    e.list = "custom:blocked";
    return ParsedList{"custom:blocked", "", {e}};
  };
  const auto p_version = service_->import("tenant-p", custom("Northwind Trading FZE"), {"tenant-p", "api-key:p", ""});
  const auto a_version = service_->import("tenant-a", custom("Blue Lagoon Shipping Ltd"), {"tenant-a", "api-key:a", ""});

  auto run = run_by("worker");
  run.retry_backoff_micros = 3600LL * 1'000'000;
  run.retry_backoff_cap_micros = run.retry_backoff_micros;
  std::vector<std::string> failed;
  run.failed = [&](const RescreenJob& job) { failed.push_back(job.version_id); };
  const int64_t before = util::now_micros();
  auto completed = service_->run_rescreens(run);
  // P's job failed and stepped aside; A's, queued after it, ran.
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(completed[0].version_id, a_version.id);
  EXPECT_EQ(completed[0].hits_raised, 1);
  EXPECT_EQ(failed, std::vector<std::string>{p_version.id});
  auto waiting = RescreenJobs::find(*db_, p_version.id);
  ASSERT_TRUE(waiting);
  EXPECT_NE(waiting->status, "completed");
  EXPECT_EQ(waiting->failures, 1);
  EXPECT_GE(waiting->retry_at, before + run.retry_backoff_micros);
  EXPECT_NE(waiting->last_error.find("injected failure"), std::string::npos);
  EXPECT_EQ(waiting->parties_screened, 0);  // the failed page committed nothing
  EXPECT_EQ(count("SELECT COUNT(*) FROM screening_checks WHERE tenant_id = 'tenant-p' AND status = 'potential_match'"), 0);
  EXPECT_EQ(RescreenJobs::failing(*db_), 1);
  EXPECT_EQ(RescreenJobs::unfinished(*db_), 1);
  // Nobody takes it before its retry time, and its tenant sees it waiting.
  EXPECT_FALSE(RescreenJobs::claim(*db_, "another-worker", 60'000'000));
  const auto progress = RescreenJobs::progress(*db_, "tenant-p", {p_version.id});
  EXPECT_EQ(progress.at(p_version.id).failures, 1);
  EXPECT_EQ(progress.at(p_version.id).retry_at, waiting->retry_at);

  // The fault is repaired and the retry time comes: the job resumes at
  // its cursor and raises the hit once.
  if (GetParam() == "sqlite") {
    db_->write([](soci::session& sql) { sql << "DROP TRIGGER poison"; });
  } else {
    db_->write([](soci::session& sql) { sql << "DROP TRIGGER poison ON screening_checks"; });
  }
  db_->write([](soci::session& sql) { sql << "UPDATE screening_rescreens SET retry_at = 1 WHERE failures > 0"; });
  auto retried = service_->run_rescreens(run_by("worker-2"));
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].version_id, p_version.id);
  EXPECT_EQ(retried[0].parties_screened, 1);
  EXPECT_EQ(retried[0].hits_raised, 1);
  auto done = RescreenJobs::find(*db_, p_version.id);
  EXPECT_EQ(done->failures, 0);
  EXPECT_EQ(done->retry_at, 0);
  EXPECT_EQ(done->last_error, "");
  EXPECT_EQ(RescreenJobs::failing(*db_), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'screening.hit.raised' AND tenant_id = 'tenant-p'"), 1);
}

TEST_P(OngoingScreening, VersionsImportedFasterThanTheyAreReScreenedAreCoveredByTheLatest) {
  import_sdn({organisation("1", "Acme Shell Holdings")});
  service_->run_rescreens(run_by("setup"));
  screen_party("tenant-a", "a1", "Northwind Trading FZE");
  screen_party("tenant-a", "a2", "Blue Lagoon Shipping Ltd");
  screen_party("tenant-a", "a3", "Quiet Meadow Bakery");
  // Three versions in a row before any worker runs: the second lists one
  // party, the third another as well.
  const auto v2 = import_sdn({organisation("1", "Acme Shell Holdings"), organisation("2", "Northwind Trading FZE")});
  const auto v3 = import_sdn({organisation("1", "Acme Shell Holdings"), organisation("2", "Northwind Trading FZE"),
                              organisation("3", "Blue Lagoon Shipping Ltd")});
  const auto v4 = import_sdn({organisation("1", "Acme Shell Holdings"), organisation("2", "Northwind Trading FZE"),
                              organisation("3", "Blue Lagoon Shipping Ltd")});
  auto completed = service_->run_rescreens(run_by("worker"));
  // The latest version's job screens every party once; the earlier ones
  // are superseded by it, not run.
  ASSERT_EQ(completed.size(), 1u);
  EXPECT_EQ(completed[0].version_id, v4.id);
  EXPECT_EQ(completed[0].parties_screened, 3);
  EXPECT_EQ(completed[0].hits_raised, 2);
  for (const auto& earlier : {v2, v3}) {
    auto job = RescreenJobs::find(*db_, earlier.id);
    ASSERT_TRUE(job);
    EXPECT_EQ(job->status, "superseded");
    EXPECT_EQ(job->superseded_by, v4.id);
    EXPECT_EQ(job->parties_screened, 0);
    EXPECT_GT(job->finished_at, 0);
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM outbox WHERE event_type = 'screening.hit.raised'"), 2);
  EXPECT_EQ(RescreenJobs::unfinished(*db_), 0);
  EXPECT_TRUE(service_->run_rescreens(run_by("worker-2")).empty());
}

TEST(RescreenRetry, WaitsLongerWithEachFailureInARowUpToTheCap) {
  ScreeningService::RescreenRun run;
  run.retry_backoff_micros = 30'000'000;
  run.retry_backoff_cap_micros = 300'000'000;
  EXPECT_EQ(run.retry_delay(1), 30'000'000);
  EXPECT_EQ(run.retry_delay(2), 60'000'000);
  EXPECT_EQ(run.retry_delay(4), 240'000'000);
  EXPECT_EQ(run.retry_delay(5), 300'000'000);
  EXPECT_EQ(run.retry_delay(500), 300'000'000);
}

HAFNIUM_STORE_TEST_SUITE(OngoingScreening);

}  // namespace
}  // namespace hafnium::services::screening
