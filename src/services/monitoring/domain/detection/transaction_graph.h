#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace hafnium::services::monitoring::detection {

// What a graph typology found: a size (hops of a cycle, width of a
// scatter-gather, ...; 0 when nothing) and the transactions that make it.
struct GraphFinding {
  double size = 0;
  std::vector<std::string> transaction_ids;
};

// A time-bounded payment graph of one tenant, kept incrementally: each
// account keeps its recent outgoing and incoming payments (at most
// `max_edges_per_account` per direction, none older than the horizon), so
// memory per active account is bounded whatever the traffic. Typologies
// are searched around the newest payment only, with a bounded amount of
// work, so one payment never costs more than `max_visits` edge visits.
class TransactionGraph {
 public:
  struct Limits {
    int64_t horizon_micros = 30LL * 24 * 3600 * 1'000'000;
    size_t max_edges_per_account = 256;
    size_t max_cycle_hops = 12;
    size_t max_visits = 20'000;
  };
  explicit TransactionGraph(Limits limits) : limits_(limits) {}

  // Adds a payment debtor -> creditor at `time`. Self-transfers are kept
  // out of the graph (they move nothing between parties).
  void add(const std::string& debtor, const std::string& creditor, int64_t time, const std::string& transaction_id);

  // Each typology is evaluated for the newest payment debtor -> creditor at
  // `time` (already added), over payments in [time - window, time].
  //
  // Cycle: funds return to the debtor: the shortest chain creditor -> ... ->
  // debtor of payments in time order, closed by this payment; size = hops.
  GraphFinding cycle(const std::string& debtor, const std::string& creditor, int64_t time, int64_t window) const;
  // Scatter-gather: a source paid several intermediates that each paid this
  // payment's creditor; size = intermediates (this payment's debtor among them).
  GraphFinding scatter_gather(const std::string& debtor, const std::string& creditor, int64_t time, int64_t window) const;
  // Gather-scatter: the debtor gathered from several sources and scatters
  // to several sinks; size = min(distinct sources, distinct sinks), with
  // every outgoing payment after the first incoming one.
  GraphFinding gather_scatter(const std::string& debtor, int64_t time, int64_t window) const;
  // Bipartite layering: accounts that each paid two or more of the same
  // creditors as this payment's debtor; size = accounts in the layer
  // (debtor included), 0 when the debtor shares no two creditors with anyone.
  GraphFinding bipartite(const std::string& debtor, const std::string& creditor, int64_t time, int64_t window) const;

  // The account's payments out (or in) within [from, to], oldest first,
  // at most `limit`, the newest kept when there are more.
  std::vector<std::string> payments(const std::string& account, bool outgoing, int64_t from, int64_t to,
                                    size_t limit) const;

  size_t accounts() const { return nodes_.size(); }
  size_t memory_bytes() const;

 private:
  struct Edge {
    int64_t time;
    uint32_t other;
    std::string transaction;
  };
  struct Node {
    std::deque<Edge> out, in;
  };
  uint32_t intern(const std::string& account);
  const Node* find(const std::string& account) const;
  void trim(std::deque<Edge>& edges, int64_t newest) const;

  Limits limits_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<Node> nodes_;
  std::vector<std::string> names_;
};

}  // namespace hafnium::services::monitoring::detection
