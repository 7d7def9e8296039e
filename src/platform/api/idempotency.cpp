#include "platform/api/idempotency.h"

#include <boost/json.hpp>

#include "platform/http/problem.h"
#include "platform/store/row.h"
#include "platform/util/crypto.h"
#include "platform/util/time.h"

namespace hafnium::api {

std::string IdempotencyStore::fingerprint(const http::Request& request,
                                          const std::string& subject) {
  std::string material;
  material += http::method_name(request.method);
  material += '\n';
  material += request.path;
  material += '\n';
  material += request.query;
  material += '\n';
  material += subject;
  material += '\n';
  material += request.body;
  return util::sha256_hex(material);
}

IdempotencyStore::Begin IdempotencyStore::begin(const std::string& tenant_id,
                                                const std::string& key,
                                                const std::string& request_fingerprint) {
  if (key.empty() || key.size() > 255) {
    throw http::problems::validation({{"Idempotency-Key", "must be 1-255 characters"}});
  }
  for (unsigned char c : key) {
    if (c < 0x21 || c > 0x7e) {
      throw http::problems::validation({{"Idempotency-Key", "must be printable ASCII"}});
    }
  }
  return db_->write([&](soci::session& sql) -> Begin {
    long long now = util::now_micros();
    long long expires = now + ttl_micros_;
    bool found = false;
    Begin result;
    {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT request_hash, state, response_status, response_headers,"
                        " response_body, expires_at FROM idempotency_keys"
                        " WHERE tenant_id = :t AND idem_key = :k",
         soci::use(tenant_id), soci::use(key));
    for (const auto& row : rows) {
      found = true;
      if (store::get_int64(row, 5) < now) {
        found = false;  // expired: behaves as a new key
        break;
      }
      if (store::get_string(row, 0) != request_fingerprint) {
        throw http::problems::unprocessable(
            "idempotency-key-reused",
            "this Idempotency-Key was used for a different request");
      }
      if (store::get_string(row, 1) != "done") {
        throw http::problems::conflict("a request with this Idempotency-Key is in progress");
      }
      result.kind = Begin::Kind::kReplay;
      result.stored.status = static_cast<int>(store::get_int64(row, 2));
      boost::system::error_code ec;
      auto headers = boost::json::parse(store::get_string(row, 3), ec);
      if (!ec && headers.is_object()) {
        for (const auto& [name, value] : headers.as_object()) {
          if (value.is_string()) {
            if (name == "content-type") result.stored.content_type = value.as_string();
            else result.stored.set_header(std::string(name), std::string(value.as_string()));
          }
        }
      }
      result.stored.body = store::get_string(row, 4);
      result.stored.set_header("Idempotent-Replayed", "true");
      return result;
    }
    }
    if (!found) {
      sql << "DELETE FROM idempotency_keys WHERE tenant_id = :t AND idem_key = :k",
          soci::use(tenant_id), soci::use(key);
      sql << "INSERT INTO idempotency_keys (tenant_id, idem_key, request_hash, state,"
             " created_at, expires_at) VALUES (:t, :k, :h, 'pending', :now, :exp)",
          soci::use(tenant_id), soci::use(key), soci::use(request_fingerprint), soci::use(now),
          soci::use(expires);
    }
    return result;
  });
}

void IdempotencyStore::complete(const std::string& tenant_id, const std::string& key,
                                const http::Response& response) {
  boost::json::object headers;
  headers["content-type"] = response.content_type;
  for (const auto& [name, value] : response.headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == "location" || lower == "etag") headers[lower] = value;
  }
  std::string header_text = boost::json::serialize(headers);
  int status = response.status;
  db_->write([&](soci::session& sql) {
    sql << "UPDATE idempotency_keys SET state = 'done', response_status = :s,"
           " response_headers = :h, response_body = :b WHERE tenant_id = :t AND idem_key = :k",
        soci::use(status), soci::use(header_text), soci::use(response.body),
        soci::use(tenant_id), soci::use(key);
  });
}

void IdempotencyStore::release(const std::string& tenant_id, const std::string& key) {
  db_->write([&](soci::session& sql) {
    sql << "DELETE FROM idempotency_keys WHERE tenant_id = :t AND idem_key = :k",
        soci::use(tenant_id), soci::use(key);
  });
}

size_t IdempotencyStore::purge_expired() {
  return db_->write([&](soci::session& sql) {
    long long now = util::now_micros();
    soci::statement st = (sql.prepare << "DELETE FROM idempotency_keys WHERE expires_at < :now",
                          soci::use(now));
    st.execute(true);
    return static_cast<size_t>(st.get_affected_rows());
  });
}

}  // namespace hafnium::api
