#pragma once

#include <array>
#include <cstdint>
#include <cstddef>
#include <string>
#include <vector>

namespace hafnium::services::monitoring::detection {

// What a graph typology found: a size (hops of a cycle, width of a
// scatter-gather, ...; 0 when nothing) and the transactions that make it.
struct GraphFinding {
  double size = 0;
  std::vector<std::string> transaction_ids;
};

// A time-bounded payment graph of one tenant, kept incrementally over
// accounts numbered by the engine: each account keeps its recent outgoing
// and incoming payments (at most `max_edges_per_account` per direction,
// none older than the horizon), so memory per active account is bounded
// whatever the traffic. Typologies are searched around the newest payment
// only, with a bounded amount of work (`max_visits` edge visits).
class TransactionGraph {
 public:
  using Account = uint32_t;
  struct Limits {
    int64_t horizon_micros = 30LL * 24 * 3600 * 1'000'000;
    size_t max_edges_per_account = 256;
    size_t max_cycle_hops = 12;
    size_t max_visits = 20'000;
    // Layering moves most of the money along: each hop of a cycle or a
    // scatter-gather carries between these multiples of the hop before it
    // (amounts in reporting-currency cents; unknown amounts pass).
    double conserve_min = 0.6;
    double conserve_max = 1.4;
  };
  explicit TransactionGraph(Limits limits) : limits_(limits) {}

  // Adds a payment debtor -> creditor at `time`. Self-transfers are kept
  // out of the graph (they move nothing between parties).
  // `cents` is the amount in reporting-currency cents, -1 when unknown.
  void add(Account debtor, Account creditor, int64_t time, int64_t cents, const std::string& transaction_id);

  // Each typology is evaluated for the newest payment debtor -> creditor at
  // `time` (already added), over payments in [time - window, time].
  //
  // Cycle: funds return to the debtor: the shortest chain creditor -> ... ->
  // debtor of payments in time order, closed by this payment; size = hops.
  // Each hop carries a conserved amount (Limits::conserve_*); the exact
  // amount sent straight back (two hops) is a returned payment, not a cycle.
  // With `evidence` false only the size is computed (the hot path); with
  // true the transactions that make the finding are listed too.
  GraphFinding cycle(Account debtor, Account creditor, int64_t time, int64_t cents, int64_t window,
                     bool evidence = true) const;
  // Scatter-gather: a source paid several intermediates that each paid this
  // payment's creditor, each passing on a conserved amount; size =
  // intermediates (this payment's debtor among them). The debtor's pass is
  // read from its incoming list, the others' from the source's outgoing
  // list: the two lists of a payment differ only once one of them has
  // reached max_edges_per_account and dropped its oldest.
  GraphFinding scatter_gather(Account debtor, Account creditor, int64_t time, int64_t window,
                              bool evidence = true) const;
  // Gather-scatter: the debtor gathered from several sources and scatters
  // to several sinks; size = min(distinct sources, distinct sinks), with
  // every outgoing payment after the first incoming one.
  GraphFinding gather_scatter(Account debtor, int64_t time, int64_t window, bool evidence = true) const;
  // Bipartite layering: accounts that each paid two or more of the same
  // creditors as this payment's debtor; size = accounts in the layer
  // (debtor included), 0 when the debtor shares no two creditors with anyone.
  GraphFinding bipartite(Account debtor, Account creditor, int64_t time, int64_t window, bool evidence = true) const;

  // A payment outside the graph (card, cash; `type` its index in
  // transaction_types()): kept as evidence for alerts (payments()), never
  // searched, on the debtor's outgoing list, the creditor's incoming list
  // or both (an engine keeps only those its rules list). A self-booked one
  // (the same account on both sides, as cores book cash) is listed once,
  // as outgoing.
  void record(Account debtor, Account creditor, int64_t time, uint32_t type, const std::string& transaction_id,
              bool outgoing = true, bool incoming = true);

  // The account's payments out (or in) within [from, to], oldest first, at
  // most `limit`, the newest kept when there are more: the graph's (unless
  // `with_graph` is false), and those outside it whose type's bit is set
  // in `other_types` (bit i: transaction_types()[i]).
  std::vector<std::string> payments(Account account, bool outgoing, int64_t from, int64_t to, size_t limit,
                                    uint32_t other_types = ~0u, bool with_graph = true) const;

  // Starts fetching an account's lists' headers (a hint: changes nothing).
  void prefetch(Account a) const {
    if (a < nodes_.size()) __builtin_prefetch(&nodes_[a]);
  }

  size_t memory_bytes() const;
  // Transaction ids held (one per payment still on an account's list).
  size_t ids_held() const { return ids_.held(); }

 private:
  struct Edge {
    int64_t time;
    int64_t cents;
    Account other;
    uint32_t transaction;  // slot of its id in ids_
  };
  // A payment outside the graph: when, which, and its type (its index in
  // transaction_types()), so that evidence lists only the types a rule counts.
  struct Listed {
    int64_t time;
    uint32_t transaction;  // slot of its id in ids_
    uint32_t type;
  };
  struct Node {
    std::vector<Edge> out, in;  // by time
    // Payments outside the graph (card, cash), under the same bounds:
    // listed as evidence, never searched.
    std::vector<Listed> other_out, other_in;
  };
  const Node* node(Account a) const { return a < nodes_.size() ? &nodes_[a] : nullptr; }

  // Who an account's outgoing list may pay: two bits of 128 for each
  // payee of the list's edges, so never a payee missed, and now and then
  // one that is not (about 2 % at ten payees). Kept for every account in
  // an array of its own, small enough to stay in the cache: a search
  // tests a neighbour here before it reads the neighbour's list, each
  // such read a cache miss, and most neighbours pay no one the search
  // looks for.
  class Payees {
   public:
    void add(Account payee) {
      const auto bits = of(payee);
      bits_[0] |= bits[0];
      bits_[1] |= bits[1];
    }
    bool may_pay(Account a) const {
      const auto wanted = of(a);
      return (bits_[0] & wanted[0]) == wanted[0] && (bits_[1] & wanted[1]) == wanted[1];
    }

   private:
    static std::array<uint64_t, 2> of(Account a) {
      const uint64_t h = a * 0x9E3779B97F4A7C15ULL;
      std::array<uint64_t, 2> bits{};
      const unsigned first = static_cast<unsigned>(h >> 57), second = static_cast<unsigned>(h >> 50) & 127u;
      bits[first >> 6] |= 1ULL << (first & 63);
      bits[second >> 6] |= 1ULL << (second & 63);
      return bits;
    }
    uint64_t bits_[2] = {0, 0};
  };
  // Whether `account` may pay `at_least` of `accounts` (false: it pays
  // fewer of them).
  bool may_pay(Account account, const std::vector<Account>& accounts, size_t at_least) const;
  // Adds an edge to the debtor's outgoing list and keeps its payees.
  void insert_out(Account debtor, const Edge& edge);
  bool conserved(int64_t before, int64_t after) const;
  // A list (graph edges or listed payments) keeps its time order and bounds.
  template <typename Item>
  void insert(std::vector<Item>& items, const Item& item);
  template <typename Item>
  void trim(std::vector<Item>& items);
  // The oldest time a list shows: the horizon before its newest item.
  template <typename Item>
  int64_t visible_from(const std::vector<Item>& items) const {
    return items.empty() ? INT64_MIN : items.back().time - limits_.horizon_micros;
  }
  // A list's items within [earliest, time] that it shows.
  template <typename Items>
  auto within(const Items& items, int64_t earliest, int64_t time) const;
  // Drops items from the front of a list, releasing their ids.
  template <typename Item>
  void drop_front(std::vector<Item>& items, size_t count);
  template <typename Item>
  void append_ids(const Item& item, std::vector<std::string>& out) const;

  // The transaction ids of the edges, each held once for its two edges
  // (out of the debtor, into the creditor) and released when both have
  // left their lists: ids take memory per edge kept, bounded per account
  // like the edges, not per payment seen within some period.
  class Ids {
   public:
    uint32_t add(const std::string& id, uint32_t edges);
    void release(uint32_t slot);
    const std::string& at(uint32_t slot) const { return slots_[slot].id; }
    size_t held() const { return slots_.size() - free_.size(); }
    size_t memory_bytes() const;

   private:
    struct Slot {
      std::string id;
      uint32_t edges = 0;  // edges naming it (2, or 1 for a self-booked payment); 0: free
    };
    std::vector<Slot> slots_;
    std::vector<uint32_t> free_;
  };

  // The cycle search's accounts reached, over the dense account numbers,
  // reused by every search instead of a hash set per call: an account is
  // marked when its stamp equals the current search's, so starting a
  // search clears every mark at once. Searches run one at a time (the
  // engine is single-threaded), hence mutable.
  class Marks {
   public:
    void begin(size_t accounts);
    bool test(Account a) const { return stamps_[a].stamp == stamp_; }
    void mark(Account a) { stamps_[a].stamp = stamp_; }
    int64_t& value(Account a) { return stamps_[a].value; }

   private:
    struct Entry {
      uint32_t stamp = 0;
      int64_t value = 0;
    };
    std::vector<Entry> stamps_;
    uint32_t stamp_ = 0;
  };

  // Sets of accounts a search keeps that stay small (the parties of one
  // account's payments within a window): sorted by make_set and looked up
  // with in_set, or scanned with contains while they grow. Reused by every
  // search, hence mutable.
  static void make_set(std::vector<Account>& accounts);
  static bool in_set(const std::vector<Account>& set, Account a);
  static bool contains(const std::vector<Account>& accounts, Account a);
  mutable std::vector<Account> scratch_[4];
  // Scatter-gather's passes through the debtor, per source (a scratch).
  struct Passed {
    Account source;
    const Edge* scatter;
    const Edge* onward;
  };
  mutable std::vector<Passed> passed_;

  Limits limits_;
  std::vector<Node> nodes_;
  std::vector<Payees> payees_;  // by account, as nodes_
  mutable Marks marks_;
  Ids ids_;
};

}  // namespace hafnium::services::monitoring::detection
