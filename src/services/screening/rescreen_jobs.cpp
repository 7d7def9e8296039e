#include "services/screening/rescreen_jobs.h"

#include "platform/store/row.h"
#include "platform/util/time.h"
#include "services/screening/store.h"

namespace hafnium::services::screening {

namespace {

constexpr const char* kJobColumns =
    "SELECT version_id, scope, source, version, actor, trace_id, status, after_tenant, after_key,"
    " parties_screened, hits_raised, created_at, started_at, finished_at, failures, retry_at, last_error,"
    " superseded_by"
    " FROM screening_rescreens";

RescreenJob job_from(const soci::row& row) {
  RescreenJob job;
  job.version_id = store::get_string(row, 0);
  job.scope = store::get_string(row, 1);
  job.source = store::get_string(row, 2);
  job.version = store::get_int64(row, 3);
  job.actor = store::get_string(row, 4);
  job.trace_id = store::get_string(row, 5);
  job.status = store::get_string(row, 6);
  job.after_tenant = store::get_string(row, 7);
  job.after_key = store::get_string(row, 8);
  job.parties_screened = store::get_int64(row, 9);
  job.hits_raised = store::get_int64(row, 10);
  job.created_at = store::get_int64(row, 11);
  job.started_at = store::get_int64(row, 12);
  job.finished_at = store::get_int64(row, 13);
  job.failures = store::get_int64(row, 14);
  job.retry_at = store::get_int64(row, 15);
  job.last_error = store::get_string(row, 16);
  job.superseded_by = store::get_string(row, 17);
  return job;
}

bool every_tenant(const RescreenJob& job) { return job.scope == kSharedLists; }

std::optional<RescreenJob> read_job(soci::session& sql, const std::string& version_id) {
  std::optional<RescreenJob> job;
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kJobColumns) + " WHERE version_id = :v", soci::use(version_id));
  for (const auto& row : rows) job = job_from(row);
  return job;
}

}  // namespace

void RescreenJobs::enqueue(soci::session& sql, const std::string& version_id, const std::string& scope,
                           const std::string& source, int64_t version, const std::string& actor,
                           const std::string& trace_id) {
  long long number = version, now = util::now_micros();
  sql << "INSERT INTO screening_rescreens (version_id, scope, source, version, actor, trace_id, status,"
         " after_tenant, after_key, parties_screened, hits_raised, created_at, started_at, finished_at,"
         " lease_owner, lease_until) VALUES (:v, :scope, :source, :n, :actor, :trace, 'pending', '', '', 0, 0,"
         " :at, 0, 0, '', 0)",
      soci::use(version_id), soci::use(scope), soci::use(source), soci::use(number), soci::use(actor),
      soci::use(trace_id), soci::use(now);
}

std::optional<RescreenJob> RescreenJobs::claim(store::Database& db, const std::string& worker, int64_t lease_micros) {
  const long long now = util::now_micros(), until = now + lease_micros;
  // Looked for with a read: an idle server asks every few seconds, and on
  // SQLite a write transaction would queue behind (and hold up) the
  // writers that matter. Oldest first: re-screenings of one list then run
  // in the order its versions activated.
  auto job = db.read([&](soci::session& sql) {
    std::optional<RescreenJob> found;
    soci::rowset<soci::row> rows =
        (sql.prepare << std::string(kJobColumns) +
                            " WHERE status IN ('pending', 'running') AND retry_at <= :now AND (lease_owner = ''"
                            " OR lease_until < :now2 OR lease_owner = :w) ORDER BY created_at, version_id LIMIT 1",
         soci::use(now), soci::use(now), soci::use(worker));
    for (const auto& row : rows) found = job_from(row);
    return found;
  });
  if (!job) return std::nullopt;
  // Taken only if still free: a worker that claimed it meanwhile (on
  // PostgreSQL, one whose update this one waits for) leaves nothing to
  // take. Once taken, the job is read again in the same transaction: the
  // cursor read above may be older than pages another holder committed
  // since.
  return db.write([&](soci::session& sql) -> std::optional<RescreenJob> {
    soci::statement take =
        (sql.prepare << "UPDATE screening_rescreens SET lease_owner = :w, lease_until = :until, status = 'running',"
                        " started_at = CASE WHEN started_at = 0 THEN :now ELSE started_at END"
                        " WHERE version_id = :v AND status IN ('pending', 'running') AND retry_at <= :now2"
                        " AND (lease_owner = '' OR lease_until < :now3 OR lease_owner = :w2)",
         soci::use(worker), soci::use(until), soci::use(now), soci::use(job->version_id), soci::use(now),
         soci::use(now), soci::use(worker));
    take.execute(true);
    if (take.get_affected_rows() == 0) return std::nullopt;
    // A later version of the same list waiting for its own re-screening
    // makes this one redundant: screening every party against the later
    // version covers this one's entries (those it removed are no longer
    // listed). Without this, a list uploaded every few minutes queued a
    // full re-screening per version, each finding nothing new.
    std::string newer;
    soci::indicator newer_indicator = soci::i_null;
    const long long version = job->version;
    sql << "SELECT version_id FROM screening_rescreens WHERE scope = :s AND source = :src AND version > :n"
           " AND status = 'pending' ORDER BY version DESC LIMIT 1",
        soci::use(job->scope), soci::use(job->source), soci::use(version), soci::into(newer, newer_indicator);
    if (newer_indicator == soci::i_ok && !newer.empty()) {
      sql << "UPDATE screening_rescreens SET status = 'superseded', superseded_by = :n, finished_at = :f,"
             " lease_owner = '', lease_until = 0 WHERE version_id = :v",
          soci::use(newer), soci::use(now), soci::use(job->version_id);
    }
    return read_job(sql, job->version_id);
  });
}

std::vector<std::tuple<std::string, std::string, std::string>> RescreenJobs::next_parties(store::Database& db,
                                                                                        const RescreenJob& job,
                                                                                        size_t limit) {
  return db.read([&](soci::session& sql) {
    std::vector<std::tuple<std::string, std::string, std::string>> out;
    const long long n = static_cast<long long>(limit);
    auto collect = [&](soci::rowset<soci::row>& rows) {
      for (const auto& row : rows) {
        out.emplace_back(store::get_string(row, 0), store::get_string(row, 1), store::get_string(row, 2));
      }
    };
    if (every_tenant(job)) {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT tenant_id, party_key, party FROM screening_parties"
                          " WHERE (tenant_id, party_key) > (:t, :k) ORDER BY tenant_id, party_key LIMIT :n",
           soci::use(job.after_tenant), soci::use(job.after_key), soci::use(n));
      collect(rows);
    } else {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT tenant_id, party_key, party FROM screening_parties"
                          " WHERE tenant_id = :t AND party_key > :k ORDER BY party_key LIMIT :n",
           soci::use(job.scope), soci::use(job.after_key), soci::use(n));
      collect(rows);
    }
    return out;
  });
}

int64_t RescreenJobs::parties_left(store::Database& db, const RescreenJob& job) {
  return db.read([&](soci::session& sql) {
    long long count = 0;
    if (every_tenant(job)) {
      sql << "SELECT COUNT(*) FROM screening_parties WHERE (tenant_id, party_key) > (:t, :k)",
          soci::use(job.after_tenant), soci::use(job.after_key), soci::into(count);
    } else {
      sql << "SELECT COUNT(*) FROM screening_parties WHERE tenant_id = :t AND party_key > :k",
          soci::use(job.scope), soci::use(job.after_key), soci::into(count);
    }
    return static_cast<int64_t>(count);
  });
}

bool RescreenJobs::advance(soci::session& sql, RescreenJob& job, const std::string& worker, int64_t lease_micros,
                           const Page& page) {
  long long parties = 0, hits = 0;
  for (const auto& [tenant, counts] : page.per_tenant) {
    parties += counts.first;
    hits += counts.second;
  }
  const long long now = util::now_micros(), until = page.last ? 0 : now + lease_micros;
  const long long finished = page.last ? now : 0;
  const std::string status = page.last ? "completed" : "running";
  const std::string owner = page.last ? "" : worker;
  const std::string after_tenant = page.last_tenant.empty() ? job.after_tenant : page.last_tenant;
  const std::string after_key = page.last_key.empty() ? job.after_key : page.last_key;
  soci::statement update =
      (sql.prepare << "UPDATE screening_rescreens SET after_tenant = :at, after_key = :ak,"
                      " parties_screened = parties_screened + :p, hits_raised = hits_raised + :h, status = :s,"
                      " finished_at = :f, lease_owner = :o, lease_until = :u, failures = 0, retry_at = 0,"
                      " last_error = '' WHERE version_id = :v AND lease_owner = :w",
       soci::use(after_tenant), soci::use(after_key), soci::use(parties), soci::use(hits), soci::use(status),
       soci::use(finished), soci::use(owner), soci::use(until), soci::use(job.version_id), soci::use(worker));
  update.execute(true);
  if (update.get_affected_rows() == 0) return false;
  for (const auto& [tenant, counts] : page.per_tenant) {
    long long p = counts.first, h = counts.second;
    sql << "INSERT INTO screening_rescreen_tenants (version_id, tenant_id, parties_screened, hits_raised)"
           " VALUES (:v, :t, :p, :h) ON CONFLICT (version_id, tenant_id) DO UPDATE SET"
           " parties_screened = screening_rescreen_tenants.parties_screened + excluded.parties_screened,"
           " hits_raised = screening_rescreen_tenants.hits_raised + excluded.hits_raised",
        soci::use(job.version_id), soci::use(tenant), soci::use(p), soci::use(h);
  }
  job.after_tenant = after_tenant;
  job.after_key = after_key;
  job.parties_screened += parties;
  job.hits_raised += hits;
  job.status = status;
  job.finished_at = finished;
  job.failures = 0;
  job.retry_at = 0;
  job.last_error.clear();
  return true;
}

bool RescreenJobs::fail(store::Database& db, RescreenJob& job, const std::string& worker, const std::string& error,
                        int64_t retry_at) {
  const long long when = retry_at;
  const bool recorded = db.write([&](soci::session& sql) {
    soci::statement update =
        (sql.prepare << "UPDATE screening_rescreens SET failures = failures + 1, retry_at = :r, last_error = :e,"
                        " lease_owner = '', lease_until = 0 WHERE version_id = :v AND lease_owner = :w",
         soci::use(when), soci::use(error), soci::use(job.version_id), soci::use(worker));
    update.execute(true);
    return update.get_affected_rows() > 0;
  });
  if (recorded) {
    job.failures += 1;
    job.retry_at = retry_at;
    job.last_error = error;
  }
  return recorded;
}

int64_t RescreenJobs::failing(store::Database& db) {
  return db.read([&](soci::session& sql) {
    long long count = 0;
    sql << "SELECT COUNT(*) FROM screening_rescreens WHERE status IN ('pending', 'running') AND failures > 0",
        soci::into(count);
    return static_cast<int64_t>(count);
  });
}

void RescreenJobs::release(store::Database& db, const std::string& worker) {
  db.write([&](soci::session& sql) {
    sql << "UPDATE screening_rescreens SET lease_owner = '', lease_until = 0"
           " WHERE lease_owner = :w AND status IN ('pending', 'running')",
        soci::use(worker);
  });
}

std::map<std::string, RescreenProgress> RescreenJobs::progress(store::Database& db, const std::string& tenant_id,
                                                               const std::vector<std::string>& version_ids) {
  return db.read([&](soci::session& sql) {
    std::map<std::string, RescreenProgress> out;
    for (const auto& id : version_ids) {
      soci::rowset<soci::row> rows =
          (sql.prepare << "SELECT j.status, j.started_at, j.finished_at, t.parties_screened, t.hits_raised,"
                          " j.failures, j.retry_at FROM screening_rescreens j LEFT JOIN screening_rescreen_tenants t"
                          " ON t.version_id = j.version_id AND t.tenant_id = :t WHERE j.version_id = :v",
           soci::use(tenant_id), soci::use(id));
      for (const auto& row : rows) {
        RescreenProgress p;
        p.status = store::get_string(row, 0);
        p.started_at = store::get_int64(row, 1);
        p.finished_at = store::get_int64(row, 2);
        p.parties_screened = store::get_optional_int64(row, 3).value_or(0);
        p.hits_raised = store::get_optional_int64(row, 4).value_or(0);
        p.failures = store::get_int64(row, 5);
        p.retry_at = store::get_int64(row, 6);
        out[id] = p;
      }
    }
    return out;
  });
}

int64_t RescreenJobs::unfinished(store::Database& db) {
  return db.read([&](soci::session& sql) {
    long long count = 0;
    sql << "SELECT COUNT(*) FROM screening_rescreens WHERE status IN ('pending', 'running')", soci::into(count);
    return static_cast<int64_t>(count);
  });
}

std::optional<RescreenJob> RescreenJobs::find(store::Database& db, const std::string& version_id) {
  return db.read([&](soci::session& sql) { return read_job(sql, version_id); });
}

}  // namespace hafnium::services::screening
