#include "services/screening/api.h"

#include <boost/json.hpp>
#include <sstream>

#include "platform/api/pagination.h"
#include "platform/api/period.h"
#include "platform/http/json_body.h"
#include "platform/util/time.h"
#include "platform/util/uuid.h"
#include "services/screening/domain/bundled_lists.h"
#include "services/screening/domain/countries.h"
#include "services/screening/domain/entity_json.h"
#include "services/screening/domain/importers/importers.h"

namespace hafnium::services::screening {

namespace {

using http::Request;
using http::RequestContext;
using http::Response;

Actor actor_of(const RequestContext& context) {
  std::string name = context.principal.kind == auth::CredentialKind::kJwt ? "user:" + context.principal.subject
                                                                          : context.principal.subject;
  return {context.principal.tenant_id, name, context.trace_id};
}

bool valid_date(const std::string& text) {
  if (text.size() == 4 || text.size() == 7 || text.size() == 10) {
    return parse_list_date(text) == text &&
           (text.size() < 10 || util::parse_rfc3339(text + "T00:00:00Z").has_value());
  }
  return false;
}

// Reads one party (and, for a single check, the request options) with
// every field error collected. `prefix` is the JSON path in a batch.
// The request options a check and a batch share: threshold and lists.
void read_options(const boost::json::object& object, http::ObjectReader& reader, CheckRequest& request) {
  reader.accept("threshold");
  if (const auto* threshold = object.if_contains("threshold")) {
    if (!threshold->is_number() || threshold->to_number<double>() < 0 || threshold->to_number<double>() > 1) {
      reader.add_error(reader.field_path("threshold"), "must be a number from 0 to 1");
    } else {
      request.threshold = threshold->to_number<double>();
    }
  }
  auto lists = reader.string_array("lists", 20, 80);
  for (size_t i = 0; i < lists.size(); ++i) {
    if (!is_known_source(lists[i])) reader.add_error(reader.field_path("lists") + "/" + std::to_string(i), "is not a list source");
  }
  if (!lists.empty()) request.lists = std::set<std::string>(lists.begin(), lists.end());
}

// Collects a reader's errors (unknown fields included) into `errors`.
void collect(http::ObjectReader& reader, std::vector<http::FieldError>& errors) {
  try {
    reader.finish();
  } catch (const http::ApiError& error) {
    errors.insert(errors.end(), error.fields().begin(), error.fields().end());
  }
}

// Reads one party, collecting every field error (`prefix` is the JSON path
// in a batch); a single check also carries the options.
CheckRequest read_party(const boost::json::object& object, const std::string& prefix, bool with_options,
                        std::vector<http::FieldError>& errors) {
  http::ObjectReader reader(object, prefix);
  CheckRequest request;
  request.party.name = reader.required_string("name", 1024);
  if (!request.party.name.empty()) {
    auto normalized = normalize_name(request.party.name);
    if (normalized.mixed_scripts) {
      reader.add_error(reader.field_path("name"), "mixes writing systems; send one script per name");
    } else if (normalized.tokens.empty()) {
      reader.add_error(reader.field_path("name"), "contains no letters or digits");
    }
  }
  if (auto type = reader.optional_string("type", 32)) {
    request.party.kind = kind_from_name(*type);
    if (request.party.kind == EntityKind::kUnknown) {
      reader.add_error(reader.field_path("type"), "must be person, organisation, vessel or aircraft");
    }
  }
  if (auto dob = reader.optional_string("birth_date", 10)) {
    if (!valid_date(*dob)) reader.add_error(reader.field_path("birth_date"), "must be YYYY, YYYY-MM or YYYY-MM-DD");
    else request.party.birth_date = *dob;
  }
  if (auto country = reader.optional_string("country", 64)) {
    request.party.country = country_code(*country);
    if (request.party.country.empty()) reader.add_error(reader.field_path("country"), "is not a known country code");
  }
  if (auto reference = reader.optional_string("reference", 200)) request.reference = *reference;
  reader.accept("identifiers");
  if (const auto* ids = object.if_contains("identifiers")) {
    if (!ids->is_array() || ids->as_array().size() > 20) {
      reader.add_error(reader.field_path("identifiers"), "must be an array of at most 20 identifiers");
    } else {
      size_t i = 0;
      for (const auto& item : ids->as_array()) {
        std::string path = reader.field_path("identifiers") + "/" + std::to_string(i++);
        if (!item.is_object()) {
          reader.add_error(path, "must be an object with type and value");
          continue;
        }
        http::ObjectReader id_reader(item.as_object(), path);
        Identifier identifier;
        identifier.type = id_reader.required_string("type", 64);
        identifier.value = id_reader.required_string("value", 128);
        if (auto c = id_reader.optional_string("country", 64)) identifier.country = country_code(*c);
        collect(id_reader, errors);
        request.party.identifiers.push_back(std::move(identifier));
      }
    }
  }
  if (with_options) read_options(object, reader, request);
  collect(reader, errors);
  return request;
}

// The re-screening a version owed the tenant's parties: the job's state
// and the tenant's own share of its counts (an official list's job also
// screens other tenants' parties). Null for versions imported before
// re-screenings were jobs.
boost::json::value render_rescreen(const std::optional<RescreenProgress>& p) {
  if (!p) return nullptr;
  return boost::json::object{{"status", p->status},
                             {"parties_screened", p->parties_screened},
                             {"new_hits", p->hits_raised},
                             {"started_at", api::time_or_null(p->started_at)},
                             {"finished_at", api::time_or_null(p->finished_at)},
                             {"failed_attempts", p->failures},
                             {"retry_at", api::time_or_null(p->retry_at)}};
}

boost::json::object render_version(const ListVersion& v, const std::optional<RescreenProgress>& rescreen) {
  return {{"source", v.source},
          {"scope", v.tenant_id == kSharedLists ? "shared" : "tenant"},
          {"version", v.version},
          {"list_date", v.list_date.empty() ? boost::json::value(nullptr) : boost::json::value(v.list_date)},
          {"entities", v.entity_count},
          {"added", v.added},
          {"removed", v.removed},
          {"changed", v.changed},
          {"imported_at", util::format_rfc3339(v.imported_at)},
          {"rescreen", render_rescreen(rescreen)}};
}

void require_loaded(const ScreeningService& service) {
  if (!service.loaded()) throw http::problems::unavailable("watchlists are still loading; retry shortly");
}

}  // namespace

void register_screening_routes(http::Router& router, runtime::Runtime& runtime,
                               std::shared_ptr<ScreeningService> service) {
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/screening/lists",
              .action = "screening.read",
              .handler = [service](const Request&, RequestContext& context) {
                boost::json::array items;
                const auto versions = service->lists(context.principal.tenant_id);
                std::vector<std::string> ids;
                for (const auto& v : versions) ids.push_back(v.id);
                const auto rescreens = RescreenJobs::progress(service->database(), context.principal.tenant_id, ids);
                for (const auto& v : versions) {
                  auto it = rescreens.find(v.id);
                  items.push_back(render_version(v, it == rescreens.end() ? std::nullopt
                                                                          : std::optional<RescreenProgress>(it->second)));
                }
                return Response::json(200, boost::json::object{{"items", std::move(items)}});
              },
              .target = "screening"});

  router.add({.method = http::Method::kPost,
              .pattern = "/api/v1/screening/lists/{source}/versions",
              .action = "screening.lists.import",
              .handler = [service, &runtime](const Request& request, RequestContext& context) {
                const std::string& source = request.path_param("source");
                if (!is_known_source(source)) {
                  throw http::problems::not_found("no list source '" + source + "'");
                }
                if (!source.starts_with("custom:")) {
                  throw http::problems::unprocessable(
                      "operator-managed-list",
                      "official lists are shared by every tenant and imported by the operator with "
                      "`hafnium lists import`; tenants import their own lists as custom:<name>");
                }
                const auto* type = request.header("content-type");
                if (type == nullptr || !type->starts_with("text/csv")) {
                  throw http::problems::unsupported_media_type("a custom list is uploaded as text/csv");
                }
                if (request.body.empty()) throw http::problems::bad_request("the list file is empty");
                // A CSV states no date: the tenant may give its own (?list_date=YYYY-MM-DD).
                const std::string list_date = request.query_param("list_date").value_or("");
                if (!list_date.empty() && !is_list_date(list_date)) {
                  throw http::problems::validation({{"list_date", "must be a date YYYY-MM-DD"}});
                }
                // Parsed from memory: nothing is staged on disk, so a full
                // disk cannot truncate the list into a valid shorter one,
                // and no file is left behind whatever the parser throws.
                ParsedList list;
                try {
                  std::istringstream body(request.body);
                  list = import_custom_csv(source, body, "body");
                } catch (const ImportError& error) {
                  std::string location = error.location();
                  auto colon = location.rfind(':');
                  std::string line = colon == std::string::npos ? "" : location.substr(colon + 1);
                  std::string reason = std::string(error.what()).substr(error.location().size() + 2);
                  throw http::problems::validation({{"body" + (line.empty() ? "" : ":line " + line), reason}},
                                                   "the list file is malformed; the active version is unchanged");
                }
                apply_list_date(list, list_date);  // a CSV states none: the given one stands
                auto version = service->import(context.principal.tenant_id, list, actor_of(context));
                runtime.events_committed();
                // The re-screening of the tenant's parties follows in the
                // background: GET /api/v1/screening/lists shows its progress.
                return Response::json(201, render_version(version, RescreenProgress{.status = "pending"}));
              },
              .target = "screening",
              .idempotent_post = false});

  // A tenant's checks newest first, or one party's by its reference: the
  // record that a customer was screened at onboarding and after every list
  // change, with each result, as a regulator asks for it.
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/screening/checks",
              .action = "screening.read",
              .handler = [service](const Request& request, RequestContext& context) {
                api::require_known_parameters(request, {"reference", "status"});
                auto page = api::parse_page(request);
                const std::string reference = request.query_param("reference").value_or("");
                const std::string status = request.query_param("status").value_or("");
                std::vector<http::FieldError> errors;
                if (request.query_param("reference") && (reference.empty() || reference.size() > 200)) {
                  errors.push_back({"reference", "must be 1 to 200 characters"});
                }
                if (!status.empty() && status != "clear" && status != "potential_match") {
                  errors.push_back({"status", "must be clear or potential_match"});
                }
                if (!errors.empty()) throw http::problems::validation(std::move(errors));
                auto rows = service->checks(context.principal.tenant_id, reference, status, page.after.value_or(""),
                                            page.limit + 1);
                auto next = api::end_page(rows, page.limit,
                                          [](const auto& last) { return std::string(last.at("id").as_string()); });
                boost::json::array items;
                for (auto& document : rows) items.push_back(std::move(document));
                return Response::json(200, api::page_body(std::move(items), next));
              },
              .target = "screening"});

  // The review queue: matches newest first, by status (open: awaiting a
  // decision) and list, each with its party and the check to open.
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/screening/matches",
              .action = "screening.read",
              .handler = [service](const Request& request, RequestContext& context) {
                api::require_known_parameters(request, {"status", "list"});
                auto page = api::parse_page(request);
                const std::string status = request.query_param("status").value_or("");
                const std::string list = request.query_param("list").value_or("");
                std::vector<http::FieldError> errors;
                if (!status.empty() && status != "open" && status != "suppressed" && status != "true_match" &&
                    status != "false_positive") {
                  errors.push_back({"status", "must be open, suppressed, true_match or false_positive"});
                }
                if (!list.empty() && !is_known_source(list)) errors.push_back({"list", "is not a list source"});
                if (!errors.empty()) throw http::problems::validation(std::move(errors));
                auto queued = service->matches(context.principal.tenant_id, status, list, page.after.value_or(""),
                                               page.limit + 1);
                auto next = api::end_page(queued, page.limit, [](const auto& last) { return last.match.id; });
                boost::json::array items;
                for (const auto& q : queued) {
                  // Enough to triage without opening the check: the party
                  // as it was screened and whom it matched.
                  auto document = boost::json::parse(q.check_document);
                  boost::json::object item{{"id", q.match.id},
                                           {"check_id", q.match.check_id},
                                           {"list", q.match.list},
                                           {"entity_id", q.match.entity_id},
                                           {"score", shown_score(q.match.score)},
                                           {"status", q.match.status},
                                           {"checked_at", util::format_rfc3339(q.checked_at)},
                                           {"party", document.at("party")}};
                  for (const auto& m : document.at("matches").as_array()) {
                    if (m.at("id") != q.match.id.c_str()) continue;
                    for (const char* field : {"entity_type", "name", "matched_name", "programs", "reasons"}) {
                      item[field] = m.at(field);
                    }
                  }
                  items.push_back(std::move(item));
                }
                return Response::json(200, api::page_body(std::move(items), next));
              },
              .target = "screening"});

  // The review of matches per list over a period of checks: how many were
  // found, how they stand (open, suppressed, decided either way), the
  // false-positive rate of the decided ones, and the oldest still open
  // (a sanctions hit must not wait unseen).
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/screening/matches:summary",
              .action = "screening.read",
              .handler = [service](const Request& request, RequestContext& context) {
                api::require_known_parameters(request, {"checked_from", "checked_to"});
                std::vector<http::FieldError> errors;
                const auto period = api::read_period(request, "checked_from", "checked_to", errors);
                if (!errors.empty()) throw http::problems::validation(std::move(errors));
                boost::json::array items;
                for (const auto& review :
                     service->review_by_list(context.principal.tenant_id, period.from_or_min(), period.to_or_max())) {
                  auto count = [&](const char* status) {
                    auto it = review.by_status.find(status);
                    return it == review.by_status.end() ? int64_t{0} : it->second;
                  };
                  int64_t total = 0;
                  for (const auto& [status, n] : review.by_status) total += n;
                  const int64_t true_matches = count("true_match"), false_positives = count("false_positive");
                  const int64_t decided = true_matches + false_positives;
                  items.push_back(
                      {{"list", review.list},
                       {"matches", total},
                       {"open", count("open")},
                       {"suppressed", count("suppressed")},
                       {"true_match", true_matches},
                       {"false_positive", false_positives},
                       {"false_positive_rate", decided > 0 ? boost::json::value(static_cast<double>(false_positives) /
                                                                                static_cast<double>(decided))
                                                           : boost::json::value(nullptr)},
                       {"oldest_open_checked_at", api::time_or_null(review.oldest_open_checked_at)}});
                }
                return Response::json(200, boost::json::object{{"checked_from", api::period_bound(period.from)},
                                                               {"checked_to", api::period_bound(period.to)},
                                                               {"items", std::move(items)}});
              },
              .target = "screening"});

  router.add({.method = http::Method::kPost,
              .pattern = "/api/v1/screening/checks",
              .action = "screening.check",
              .handler = [service, &runtime](const Request& request, RequestContext& context) {
                auto body = http::parse_json_object(request);
                std::vector<http::FieldError> errors;
                auto check = read_party(body, "", true, errors);
                if (!errors.empty()) throw http::problems::validation(std::move(errors));
                require_loaded(*service);
                auto document = service->check(check, actor_of(context));
                runtime.events_committed();
                Response response = Response::json(201, document);
                response.set_header("Location", "/api/v1/screening/checks/" + std::string(document.at("id").as_string()));
                return response;
              },
              .target = "screening"});

  router.add({.method = http::Method::kPost,
              .pattern = "/api/v1/screening/checks:batch",
              .action = "screening.check",
              .handler = [service, &runtime](const Request& request, RequestContext& context) {
                auto body = http::parse_json_object(request);
                std::vector<http::FieldError> errors;
                const auto* parties = body.if_contains("parties");
                if (parties == nullptr || !parties->is_array() || parties->as_array().empty()) {
                  throw http::problems::validation({{"parties", "must be a non-empty array of parties"}});
                }
                if (parties->as_array().size() > kMaxBatch) {
                  throw http::problems::validation(
                      {{"parties", "must have at most " + std::to_string(kMaxBatch) + " items, has " +
                                       std::to_string(parties->as_array().size())}});
                }
                // Options apply to every party of the batch.
                CheckRequest options;
                http::ObjectReader batch_reader(body);
                batch_reader.accept("parties");
                read_options(body, batch_reader, options);
                collect(batch_reader, errors);
                std::vector<CheckRequest> requests;
                size_t i = 0;
                for (const auto& item : parties->as_array()) {
                  std::string path = "parties/" + std::to_string(i++);
                  if (!item.is_object()) {
                    errors.push_back({path, "must be an object"});
                    continue;
                  }
                  auto r = read_party(item.as_object(), path, false, errors);
                  r.threshold = options.threshold;
                  r.lists = options.lists;
                  requests.push_back(std::move(r));
                }
                if (!errors.empty()) {
                  if (errors.size() > 100) errors.resize(100);
                  throw http::problems::validation(std::move(errors), "the batch has invalid parties; none was screened");
                }
                require_loaded(*service);
                auto documents = service->check_batch(requests, actor_of(context));
                runtime.events_committed();
                boost::json::array items;
                size_t potential = 0;
                for (auto& d : documents) {
                  if (d.at("status") == "potential_match") ++potential;
                  items.push_back(std::move(d));
                }
                return Response::json(200, boost::json::object{{"items", std::move(items)},
                                                              {"parties", requests.size()},
                                                              {"potential_matches", potential}});
              },
              .target = "screening"});

  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/screening/checks/{id}",
              .action = "screening.read",
              .handler = [service](const Request& request, RequestContext& context) {
                const auto& id = request.path_param("id");
                auto document = util::is_uuid(id) ? service->find_check(context.principal.tenant_id, id) : std::nullopt;
                if (!document) throw http::problems::not_found("no screening check '" + id + "'");
                return Response::json(200, *document);
              },
              .target = "screening"});

  // A party under ongoing screening, by the reference it was screened
  // with; DELETE ends its ongoing screening when the customer leaves (its
  // checks and decisions stay as the record).
  auto party_reference = [](const Request& request) {
    const auto& reference = request.path_param("reference");
    if (reference.empty() || reference.size() > 200) {
      throw http::problems::validation({{"reference", "must be 1 to 200 characters"}});
    }
    return reference;
  };
  router.add({.method = http::Method::kGet,
              .pattern = "/api/v1/screening/parties/{reference}",
              .action = "screening.read",
              .handler = [service, party_reference](const Request& request, RequestContext& context) {
                const auto reference = party_reference(request);
                auto party = service->monitored_party(context.principal.tenant_id, reference);
                if (!party) throw http::problems::not_found("no party under ongoing screening with reference '" + reference + "'");
                return Response::json(200, *party);
              },
              .target = "screening"});
  router.add({.method = http::Method::kDelete,
              .pattern = "/api/v1/screening/parties/{reference}",
              .action = "screening.parties.remove",
              .handler = [service, party_reference](const Request& request, RequestContext& context) {
                const auto reference = party_reference(request);
                if (!service->stop_monitoring(reference, actor_of(context))) {
                  throw http::problems::not_found("no party under ongoing screening with reference '" + reference + "'");
                }
                return Response::no_content();
              },
              .target = "screening"});

  router.add({.method = http::Method::kPost,
              .pattern = "/api/v1/screening/matches/{id}/disposition",
              .action = "screening.disposition",
              .handler = [service](const Request& request, RequestContext& context) {
                auto body = http::parse_json_object(request);
                http::ObjectReader reader(body);
                std::string decision = reader.required_string("decision", 32);
                std::string reason = reader.required_string("reason", 2000);
                if (!decision.empty() && decision != "true_match" && decision != "false_positive") {
                  reader.add_error("decision", "must be true_match or false_positive");
                }
                reader.finish();
                const auto& id = request.path_param("id");
                auto result = util::is_uuid(id) ? service->dispose(id, decision, reason, actor_of(context)) : std::nullopt;
                if (!result) throw http::problems::not_found("no screening match '" + id + "'");
                return Response::json(200, *result);
              },
              .target = "screening"});
}

}  // namespace hafnium::services::screening
