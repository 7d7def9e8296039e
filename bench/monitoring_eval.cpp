// Detection quality of the default typology pack on IBM AMLworld (HI-Small)
// laundering attempts mixed into background traffic (docs/monitoring-quality.md).
//
//   monitoring_eval [--data DIR] [--accounts N] [--seed S] [--rules DIR]
//
// Background: the 1,000 real background rows of the data set, extended by
// a generator whose distributions come from those rows (payment formats,
// amounts by format) and whose population follows retail banking shapes:
// per-account activity rates (log-normal, mean ~0.6 payments a day),
// a few regular payees per account drawn by popularity (a few accounts are
// popular: employers, landlords, merchants), 2% business accounts with
// many payees, occasional refunds (which form genuine two-hop cycles).
// Laundering accounts also get ordinary background activity, as mules do.
// History starts 31 days before the first attempt so history features work.
//
// Attempts are split by FNV-1a of their pattern id: even = tuning half,
// odd = reporting half. An attempt counts as detected when an alert names
// one of its accounts as subject and lists one of its transactions.
// EVAL_DEBUG=<rule id> prints that rule's alerts on background accounts
// (stderr), to see what a rule flags before changing it; EVAL_MISSED=1
// prints the attempts no alert detected.
#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "platform/util/hash.h"
#include "platform/util/time.h"
#include "services/monitoring/domain/detection/engine.h"
#include "services/screening/domain/csv.h"

namespace mon = hafnium::services::monitoring;
namespace det = hafnium::services::monitoring::detection;

namespace {

constexpr int64_t kMinute = 60'000'000LL, kHour = 60 * kMinute, kDay = 24 * kHour;

uint64_t fnv1a(const std::string& text) { return hafnium::util::fnv1a_64(text); }

const std::map<std::string, std::pair<std::string, int>>& currencies() {
  static const std::map<std::string, std::pair<std::string, int>> m = {
      {"US Dollar", {"USD", 2}},   {"Euro", {"EUR", 2}},         {"Saudi Riyal", {"SAR", 2}},
      {"Swiss Franc", {"CHF", 2}}, {"Rupee", {"INR", 2}},        {"Yuan", {"CNY", 2}},
      {"Yen", {"JPY", 0}},         {"Canadian Dollar", {"CAD", 2}}, {"Ruble", {"RUB", 2}},
      {"UK Pound", {"GBP", 2}},    {"Australian Dollar", {"AUD", 2}}, {"Mexican Peso", {"MXN", 2}},
      {"Shekel", {"ILS", 2}},      {"Brazil Real", {"BRL", 2}},  {"Bitcoin", {"XBT", 8}}};
  return m;
}

std::string type_of(const std::string& format) {
  if (format == "ACH") return "ach";
  if (format == "Wire") return "wire";
  if (format == "Cheque") return "cheque";
  if (format == "Credit Card") return "card";
  if (format == "Cash") return "cash_withdrawal";
  if (format == "Bitcoin") return "crypto";
  return "transfer";  // Reinvestment: between an account and itself
}

int64_t parse_time(const std::string& text) {  // 2022/09/01 00:20
  std::tm tm{};
  std::sscanf(text.c_str(), "%d/%d/%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1'000'000;
}

mon::Transaction make(const std::string& id, int64_t at, const std::string& debtor, const std::string& creditor,
                      double amount, const std::string& currency_name, const std::string& type) {
  mon::Transaction t;
  t.id = id;
  t.occurred_at = at;
  auto c = currencies().count(currency_name) ? currencies().at(currency_name) : std::make_pair(std::string("USD"), 2);
  t.amount = mon::Money{static_cast<int64_t>(std::llround(amount * std::pow(10.0, c.second))), c.first, c.second};
  t.type = type;
  t.debtor.account_id = debtor;
  t.creditor.account_id = creditor;
  return t;
}

struct Attempt {
  std::string id, family;
  bool tuning = false;
  std::set<std::string> accounts, transactions;
};

struct Sample {
  std::string type;
  double amount;
};

}  // namespace

int main(int argc, char** argv) {
  std::string data = std::string(HAFNIUM_SOURCE_DIR) + "/../shared/data/transactions/ibm_amlworld_hi_small";
  std::string rules_dir;
  size_t accounts = 20000;
  unsigned seed = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--data") data = argv[i + 1];
    else if (a == "--accounts") accounts = std::stoul(argv[i + 1]);
    else if (a == "--seed") seed = static_cast<unsigned>(std::stoul(argv[i + 1]));
    else if (a == "--rules") rules_dir = argv[i + 1];
  }
  std::vector<mon::Transaction> all;
  std::vector<Attempt> attempts;
  std::unordered_set<std::string> laundering_accounts;
  {
    std::ifstream in(data + "/laundering_patterns_normalized.json");
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto root = boost::json::parse(buffer.str()).as_object();
    size_t n = 0;
    for (const auto& p : root.at("patterns").as_array()) {
      const auto& o = p.as_object();
      Attempt a;
      a.id = std::string(o.at("pattern_id").as_string());
      a.family = std::string(o.at("pattern_family").as_string());
      a.tuning = fnv1a(a.id) % 2 == 0;
      for (const auto& tv : o.at("transactions").as_array()) {
        const auto& t = tv.as_object();
        std::string from = std::string(t.at("from_bank").as_string()) + ":" + std::string(t.at("from_account").as_string());
        std::string to = std::string(t.at("to_bank").as_string()) + ":" + std::string(t.at("to_account").as_string());
        std::string id = "L" + std::to_string(n++);
        all.push_back(make(id, parse_time(std::string(t.at("timestamp").as_string())), from, to,
                           t.at("amount_paid").to_number<double>(), std::string(t.at("payment_currency").as_string()),
                           type_of(std::string(t.at("payment_format").as_string()))));
        a.accounts.insert(from);
        a.accounts.insert(to);
        a.transactions.insert(id);
      }
      laundering_accounts.insert(a.accounts.begin(), a.accounts.end());
      attempts.push_back(std::move(a));
    }
  }
  // The real background rows, and the samples the generator draws from.
  std::vector<Sample> samples;
  std::vector<std::string> population;
  int64_t first = INT64_MAX, last = INT64_MIN;
  for (const auto& t : all) {
    first = std::min(first, t.occurred_at);
    last = std::max(last, t.occurred_at);
  }
  {
    std::ifstream in(data + "/transactions_sample.csv");
    hafnium::services::screening::CsvReader csv(in);
    auto header = csv.next();
    std::map<std::string, size_t> col;
    for (size_t i = 0; i < header->size(); ++i) col[(*header)[i]] = i;
    size_t n = 0;
    while (auto row = csv.next()) {
      const auto& r = *row;
      std::string type = type_of(r[col["payment_format"]]);
      double amount = std::stod(r[col["amount_paid"]]);
      all.push_back(make("B" + std::to_string(n++), parse_time(r[col["timestamp"]]), r[col["from_account_key"]],
                         r[col["to_account_key"]], amount, r[col["payment_currency"]], type));
      samples.push_back({type, amount});
      population.push_back(r[col["from_account_key"]]);
      population.push_back(r[col["to_account_key"]]);
    }
  }
  // The generator.
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < accounts; ++i) population.push_back("G:" + std::to_string(i));
  for (const auto& a : laundering_accounts) population.push_back(a);
  std::sort(population.begin(), population.end());
  population.erase(std::unique(population.begin(), population.end()), population.end());
  std::uniform_real_distribution<double> unit(0, 1);
  // Popularity: Zipf-like weights for who gets paid.
  std::vector<double> weights(population.size());
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = 1.0 / std::pow(static_cast<double>(i % 997 + 1), 0.8);
  std::shuffle(weights.begin(), weights.end(), rng);
  std::discrete_distribution<size_t> popular(weights.begin(), weights.end());
  std::lognormal_distribution<double> rate(std::log(0.45), 0.8);
  const int64_t begin = first - 31 * kDay, end = last;
  size_t generated = 0;
  std::vector<mon::Transaction> refunds;
  for (const auto& account : population) {
    bool business = unit(rng) < 0.02;
    double per_day = rate(rng) * (business ? 15.0 : 1.0);
    size_t payee_count = business ? 20 + static_cast<size_t>(unit(rng) * 60) : 1 + static_cast<size_t>(unit(rng) * 5);
    std::vector<std::string> payees;
    for (size_t k = 0; k < payee_count; ++k) payees.push_back(population[popular(rng)]);
    std::exponential_distribution<double> gap(per_day / static_cast<double>(kDay));
    for (double at = static_cast<double>(begin) + gap(rng); at < static_cast<double>(end); at += gap(rng)) {
      const Sample& s = samples[static_cast<size_t>(unit(rng) * static_cast<double>(samples.size()))];
      double amount = std::max(0.01, s.amount * (0.9 + 0.2 * unit(rng)));
      std::string to = s.type == "transfer" ? account
                       : unit(rng) < 0.85  ? payees[static_cast<size_t>(unit(rng) * static_cast<double>(payees.size()))]
                                           : population[static_cast<size_t>(unit(rng) * static_cast<double>(population.size()))];
      auto t = make("G" + std::to_string(generated++), static_cast<int64_t>(at), account, to, amount, "US Dollar", s.type);
      if (to != account && unit(rng) < 0.01) {  // a refund a few days later
        refunds.push_back(make("R" + std::to_string(generated++), t.occurred_at + static_cast<int64_t>((1 + 4 * unit(rng)) * kDay),
                               to, account, amount, "US Dollar", s.type == "card" ? "card" : "transfer"));
      }
      all.push_back(std::move(t));
    }
  }
  all.insert(all.end(), refunds.begin(), refunds.end());
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.occurred_at < b.occurred_at; });

  if (const char* watched = std::getenv("EVAL_ACCOUNT")) {  // every payment of one account, to see why a rule did or did not fire
    for (const auto& t : all) {
      if (t.debtor.account_id == watched || t.creditor.account_id == watched) {
        std::fprintf(stderr, "%s %s %s -> %s %s %.2f\n", hafnium::util::format_rfc3339(t.occurred_at).c_str(), t.id.c_str(),
                     t.debtor.account_id.c_str(), t.creditor.account_id.c_str(), t.type.c_str(),
                     static_cast<double>(t.amount.minor) / std::pow(10.0, t.amount.exponent));
      }
    }
  }
  auto definitions = rules_dir.empty() ? det::default_pack() : det::load_rule_directory(rules_dir);
  auto compiled = det::RuleSet::compile(definitions);
  if (!std::holds_alternative<std::shared_ptr<const det::RuleSet>>(compiled)) {
    std::cerr << "rules do not compile\n";
    return 1;
  }
  det::TenantEngine engine("eval", {});
  engine.set_rules(std::get<std::shared_ptr<const det::RuleSet>>(compiled));
  std::unordered_map<std::string, det::Alert> alerts;
  auto started = std::chrono::steady_clock::now();
  for (const auto& t : all) {
    for (auto& change : engine.process(t)) alerts[change.alert.id] = std::move(change.alert);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  // Scoring.
  std::unordered_map<std::string, std::vector<const det::Alert*>> by_subject;
  std::set<std::string> alerted_background, alerted_background_suspicion;
  std::map<std::string, std::set<std::string>> background_by_rule;
  for (const auto& [id, alert] : alerts) {
    by_subject[alert.subject_id].push_back(&alert);
    if (!laundering_accounts.contains(alert.subject_id)) {
      alerted_background.insert(alert.subject_id);
      // Cash over the reporting threshold is reported by law whatever the
      // intent: a regulatory report, not a suspicion.
      if (alert.typology != "large_cash") alerted_background_suspicion.insert(alert.subject_id);
      background_by_rule[alert.rule_id].insert(alert.subject_id);
      if (std::getenv("EVAL_DEBUG") && alert.rule_id == std::getenv("EVAL_DEBUG")) std::fprintf(stderr, "%s | %s\n", alert.subject_id.c_str(), alert.explanation.c_str());
    }
  }
  struct Tally {
    size_t attempts = 0, detected = 0;
  };
  std::map<std::string, std::pair<Tally, Tally>> families;  // tuning, reporting
  std::map<std::string, std::map<std::string, size_t>> rule_hits;  // family -> rule -> attempts
  for (const auto& a : attempts) {
    auto& tally = a.tuning ? families[a.family].first : families[a.family].second;
    ++tally.attempts;
    std::set<std::string> rules_hit;
    for (const auto& account : a.accounts) {
      auto it = by_subject.find(account);
      if (it == by_subject.end()) continue;
      for (const auto* alert : it->second) {
        for (const auto& id : alert->transaction_ids) {
          if (a.transactions.contains(id)) {
            rules_hit.insert(alert->rule_id);
            break;
          }
        }
      }
    }
    if (!rules_hit.empty()) ++tally.detected;
    else if (std::getenv("EVAL_MISSED")) {
      std::fprintf(stderr, "missed %s %s %s: %zu transactions, %zu accounts\n", a.tuning ? "tuning" : "reporting",
                   a.family.c_str(), a.id.c_str(), a.transactions.size(), a.accounts.size());
    }
    for (const auto& r : rules_hit) ++rule_hits[a.family][r];
  }
  std::set<std::string> active;
  for (const auto& t : all) {
    if (t.debtor.account_id == t.creditor.account_id) continue;
    for (const auto* acc : {&t.debtor.account_id, &t.creditor.account_id}) {
      if (!laundering_accounts.contains(*acc)) active.insert(*acc);
    }
  }
  std::printf("transactions: %zu (%zu laundering, %zu background incl. %zu real rows); accounts: %zu\n", all.size(),
              static_cast<size_t>(3209), all.size() - 3209, samples.size(), population.size());
  std::printf("engine: %.2f s, %.0f transactions/s, %zu alerts, memory %.1f MiB\n\n", seconds,
              static_cast<double>(all.size()) / seconds, alerts.size(),
              static_cast<double>(engine.memory_bytes()) / (1024.0 * 1024.0));
  std::printf("%-16s %18s %18s   rules that detected (all attempts)\n", "family", "tuning half", "reporting half");
  for (const auto& [family, halves] : families) {
    auto pct = [](const Tally& t) { return t.attempts ? 100.0 * static_cast<double>(t.detected) / static_cast<double>(t.attempts) : 0.0; };
    std::string hits;
    for (const auto& [rule, n] : rule_hits[family]) hits += rule + "=" + std::to_string(n) + " ";
    std::printf("%-16s %5zu/%-3zu %6.1f%%  %5zu/%-3zu %6.1f%%   %s\n", family.c_str(), halves.first.detected,
                halves.first.attempts, pct(halves.first), halves.second.detected, halves.second.attempts,
                pct(halves.second), hits.c_str());
  }
  auto share = [&](size_t n) { return 100.0 * static_cast<double>(n) / static_cast<double>(active.size()); };
  std::printf("\nbackground accounts with a suspicion alert (every rule but large_cash): %zu of %zu active = %.2f%%\n",
              alerted_background_suspicion.size(), active.size(), share(alerted_background_suspicion.size()));
  std::printf("background accounts with any alert (large_cash reporting included): %zu = %.2f%%\n",
              alerted_background.size(), share(alerted_background.size()));
  for (const auto& [rule, accounts_hit] : background_by_rule) {
    std::printf("  %-24s %zu background accounts (%.2f%%)\n", rule.c_str(), accounts_hit.size(),
                100.0 * static_cast<double>(accounts_hit.size()) / static_cast<double>(active.size()));
  }
  return 0;
}
