#include "services/monitoring/domain/detection/transaction_graph.h"

#include <algorithm>

namespace hafnium::services::monitoring::detection {

namespace {

// The edges of a time-sorted list within [earliest, time], none older
// than `floor`: searches start at the window instead of reading (and
// waiting for) the older edges an account keeps for the horizon. Found
// from the newest end backwards, not by binary search: the window is the
// recent end of the list, so the scan reads only the lines its caller goes
// on to read, in one direction the hardware prefetcher follows, where each
// probe of a binary search was a cache miss of its own.
template <typename Edges>
auto edges_within(const Edges& edges, int64_t earliest, int64_t time, int64_t floor) {
  struct Range {
    typename Edges::const_iterator first, last;
    auto begin() const { return first; }
    auto end() const { return last; }
    bool empty() const { return first == last; }
  };
  auto last = edges.end();
  while (last != edges.begin() && std::prev(last)->time > time) --last;
  auto first = last;
  earliest = std::max(earliest, floor);
  while (first != edges.begin() && std::prev(first)->time >= earliest) --first;
  return Range{first, last};
}
}  // namespace

template <typename Items>
auto TransactionGraph::within(const Items& items, int64_t earliest, int64_t time) const {
  return edges_within(items, earliest, time, visible_from(items));
}

uint32_t TransactionGraph::Ids::add(const std::string& id, uint32_t edges) {
  uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slots_[slot].id = id;
  slots_[slot].edges = edges;
  return slot;
}

void TransactionGraph::Ids::release(uint32_t slot) {
  if (--slots_[slot].edges > 0) return;
  slots_[slot].id = std::string();  // its heap goes back now, not when the slot is reused
  free_.push_back(slot);
}

size_t TransactionGraph::Ids::memory_bytes() const {
  size_t bytes = slots_.capacity() * sizeof(Slot) + free_.capacity() * sizeof(uint32_t);
  for (const auto& slot : slots_) bytes += slot.id.capacity() > 15 ? slot.id.capacity() + 1 : 0;
  return bytes;
}

template <typename Item>
void TransactionGraph::drop_front(std::vector<Item>& items, size_t count) {
  for (size_t i = 0; i < count; ++i) ids_.release(items[i].transaction);
  items.erase(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(count));
}

template <typename Item>
void TransactionGraph::trim(std::vector<Item>& items) {
  const int64_t floor = visible_from(items);
  size_t drop = 0;
  while (drop < items.size() && items[drop].time < floor) ++drop;
  if (items.size() - drop > limits_.max_edges_per_account) drop = items.size() - limits_.max_edges_per_account;
  if (drop > 0) drop_front(items, drop);
}

template <typename Item>
void TransactionGraph::insert(std::vector<Item>& items, const Item& item) {
  // Lists stay sorted by time: a late payment is inserted in its place.
  auto pos = std::upper_bound(items.begin(), items.end(), item.time,
                              [](int64_t t, const Item& e) { return t < e.time; });
  items.insert(pos, item);
  // The edge cap holds after every insert. Items older than the horizon
  // are invisible to every read (within(), payments()) as soon as they
  // are, and leave when the list is full, all at once: dropping one with
  // every payment read the list's oldest line, moved the whole list and
  // released an id, each a miss of its own.
  const bool full = items.size() == items.capacity();
  if (full || items.size() > limits_.max_edges_per_account) {
    trim(items);
    if (full && items.size() * 4 > items.capacity() * 3) items.reserve(items.capacity() * 2);
  }
}

void TransactionGraph::Marks::begin(size_t accounts) {
  if (stamps_.size() < accounts) stamps_.resize(accounts);
  if (++stamp_ == 0) {  // wrapped: forget every old stamp once
    for (auto& e : stamps_) e.stamp = 0;
    stamp_ = 1;
  }
}

template <typename Item>
void TransactionGraph::append_ids(const Item& e, std::vector<std::string>& out) const {
  if (const std::string& id = ids_.at(e.transaction); !id.empty()) out.push_back(id);
}

void TransactionGraph::make_set(std::vector<Account>& accounts) {
  std::sort(accounts.begin(), accounts.end());
  accounts.erase(std::unique(accounts.begin(), accounts.end()), accounts.end());
}

bool TransactionGraph::in_set(const std::vector<Account>& set, Account a) {
  return std::binary_search(set.begin(), set.end(), a);
}

bool TransactionGraph::contains(const std::vector<Account>& accounts, Account a) {
  return std::find(accounts.begin(), accounts.end(), a) != accounts.end();
}

bool TransactionGraph::conserved(int64_t before, int64_t after) const {
  if (before < 0 || after < 0) return true;
  double b = static_cast<double>(before), a = static_cast<double>(after);
  return a >= b * limits_.conserve_min && a <= b * limits_.conserve_max;
}

void TransactionGraph::add(Account debtor, Account creditor, int64_t time, int64_t cents,
                           const std::string& transaction_id) {
  if (debtor == creditor) return;
  if (std::max(debtor, creditor) >= nodes_.size()) {
    nodes_.resize(std::max(debtor, creditor) + 1);
    payees_.resize(nodes_.size());
  }
  const uint32_t id = ids_.add(transaction_id, 2);
  insert_out(debtor, Edge{time, cents, creditor, id});
  insert(nodes_[creditor].in, Edge{time, cents, debtor, id});
}

void TransactionGraph::insert_out(Account debtor, const Edge& edge) {
  auto& out = nodes_[debtor].out;
  const size_t before = out.size();
  insert(out, edge);
  if (out.size() > before) {
    payees_[debtor].add(edge.other);
    return;
  }
  // The list was trimmed: its payees are counted again, without those
  // that left it.
  Payees payees;
  for (const Edge& e : out) payees.add(e.other);
  payees_[debtor] = payees;
}

bool TransactionGraph::may_pay(Account account, const std::vector<Account>& accounts, size_t at_least) const {
  const Payees& payees = payees_[account];
  size_t found = 0;
  for (Account a : accounts) {
    if (payees.may_pay(a) && ++found == at_least) return true;
  }
  return at_least == 0;
}

void TransactionGraph::record(Account debtor, Account creditor, int64_t time, uint32_t type,
                              const std::string& transaction_id, bool outgoing, bool incoming) {
  // Cash booked with the customer's account on both sides is one payment
  // of that account, listed once (as outgoing).
  const bool self = debtor == creditor;
  const bool in = incoming && !self;
  if (!outgoing && !in) return;
  if (std::max(debtor, creditor) >= nodes_.size()) {
    nodes_.resize(std::max(debtor, creditor) + 1);
    payees_.resize(nodes_.size());
  }
  const uint32_t id = ids_.add(transaction_id, (outgoing ? 1 : 0) + (in ? 1 : 0));
  if (outgoing) insert(nodes_[debtor].other_out, Listed{time, id, type});
  if (in) insert(nodes_[creditor].other_in, Listed{time, id, type});
}

GraphFinding TransactionGraph::cycle(Account debtor, Account creditor, int64_t time, int64_t cents,
                                     int64_t window, bool evidence) const {
  GraphFinding finding;
  const Node* start_node = node(creditor);
  const Node* target_node = node(debtor);
  if (!start_node || !target_node || debtor == creditor) return finding;
  const int64_t earliest = time - window;
  // Cheap refusals first: the creditor must have paid someone, and the
  // debtor been paid by someone, within the window.
  if (within(start_node->out, earliest, time).empty()) return finding;
  const auto into_target = within(target_node->in, earliest, time);
  if (into_target.empty()) return finding;
  // The chain ends with a payment into the debtor, and its payments come in
  // time order: no payment later than the debtor's last one received (up
  // to this payment's time) can lead back. An exact bound, not a heuristic.
  const int64_t last_useful = std::prev(into_target.end())->time;
  // Breadth-first over time-respecting paths: each payment of the chain is
  // no earlier than the one before it and no later than the closing one.
  // The earliest arrival per account dominates, so it is all we keep.
  struct Step {
    Account node;
    int64_t arrival;
    int parent;  // index into steps, -1 for the start
    const Edge* edge;
  };
  std::vector<Step> steps = {{creditor, earliest, -1, nullptr}};
  // Accounts reached, with their earliest arrival as the value.
  marks_.begin(nodes_.size());
  marks_.mark(creditor);
  marks_.value(creditor) = earliest;
  size_t level_begin = 0, visits = 0;
  for (size_t hops = 1; hops < limits_.max_cycle_hops; ++hops) {
    size_t level_end = steps.size();
    for (size_t i = level_begin; i < level_end; ++i) {
      for (const Edge& e : within(nodes_[steps[i].node].out, std::max(steps[i].arrival, earliest), last_useful)) {
        if (++visits > limits_.max_visits) return finding;
        if (steps[i].edge && !conserved(steps[i].edge->cents, e.cents)) continue;
        if (e.other == debtor) {
          if (!conserved(e.cents, cents)) continue;
          // The exact amount sent straight back is a returned payment
          // (a refund, a rejected credit), not a loop.
          if (hops == 1 && e.cents >= 0 && e.cents == cents) continue;
          // Closed: creditor -> ... -> debtor, then this payment.
          finding.size = static_cast<double>(hops + 1);
          if (evidence) {
            std::vector<const Edge*> chain = {&e};
            for (int p = static_cast<int>(i); p >= 0 && steps[p].edge; p = steps[p].parent) chain.push_back(steps[p].edge);
            for (auto c = chain.rbegin(); c != chain.rend(); ++c) append_ids(**c, finding.transaction_ids);
          }
          return finding;
        }
        // Only accounts that paid someone on are worth a step.
        if (nodes_[e.other].out.empty()) continue;
        if (marks_.test(e.other) && marks_.value(e.other) <= e.time) continue;
        marks_.mark(e.other);
        marks_.value(e.other) = e.time;
        steps.push_back({e.other, e.time, static_cast<int>(i), &e});
      }
    }
    if (steps.size() == level_end) break;
    level_begin = level_end;
  }
  return finding;
}

GraphFinding TransactionGraph::scatter_gather(Account debtor, Account creditor, int64_t time, int64_t window,
                                              bool evidence) const {
  GraphFinding best;
  const Node* middle = node(debtor);
  const Node* sink = node(creditor);
  if (!middle || !sink) return best;
  const int64_t earliest = time - window;
  // Cheap refusals first: the debtor must have been paid within the
  // window, and the sink paid by two or more accounts.
  const auto into_middle_edges = within(middle->in, earliest, time);
  if (into_middle_edges.empty()) return best;
  // Who paid the sink within the window, the sources tried, the current
  // source's intermediates: small sets read from the cache, where a mark
  // per account was a miss for every edge visited.
  auto& gatherers = scratch_[0];
  auto& tried = scratch_[1];
  auto& intermediates = scratch_[2];
  auto& others = scratch_[3];
  gatherers.clear();
  tried.clear();
  for (const Edge& e : within(sink->in, earliest, time)) {
    if (e.other != creditor) gatherers.push_back(e.other);
  }
  make_set(gatherers);
  if (gatherers.size() < 2) return best;
  // The intermediates other than the debtor, found in each source's
  // outgoing list; that list is read only when the source may pay one.
  others.clear();
  for (Account g : gatherers) {
    if (g != debtor) others.push_back(g);
  }
  size_t visits = 0;
  // The debtor as an intermediate, read from its own lists, which the
  // search has in hand: per source, its first payment into the debtor that
  // the debtor passed on to the sink.
  passed_.clear();
  auto passed_from = [this](Account source) {
    return std::find_if(passed_.begin(), passed_.end(), [source](const Passed& p) { return p.source == source; });
  };
  if (in_set(gatherers, debtor)) {
    for (const Edge& into_middle : into_middle_edges) {
      if (++visits > limits_.max_visits) return best;
      const Account source = into_middle.other;
      if (source == creditor || passed_from(source) != passed_.end()) continue;
      for (const Edge& e : within(middle->out, into_middle.time, time)) {
        if (e.other == creditor && conserved(into_middle.cents, e.cents)) {
          passed_.push_back({source, &into_middle, &e});
          break;
        }
      }
    }
  }
  for (const Edge& into_middle : into_middle_edges) {
    const Account source = into_middle.other;
    if (source == creditor || contains(tried, source)) continue;
    tried.push_back(source);
    const auto through_debtor = passed_from(source);
    const bool debtor_passed = through_debtor != passed_.end();
    GraphFinding candidate;
    intermediates.clear();
    // Evidence in the order of the source's payments, the debtor's pass
    // among them by its time.
    bool debtor_listed = !debtor_passed || !evidence;
    auto list_debtor = [&](int64_t before) {
      if (debtor_listed || through_debtor->scatter->time > before) return;
      append_ids(*through_debtor->scatter, candidate.transaction_ids);
      append_ids(*through_debtor->onward, candidate.transaction_ids);
      debtor_listed = true;
    };
    if (may_pay(source, others, 1)) {
      for (const Edge& scatter : within(nodes_[source].out, earliest, time)) {
        if (++visits > limits_.max_visits) return best;
        if (scatter.other == debtor || !in_set(others, scatter.other) || contains(intermediates, scatter.other)) continue;
        // The intermediate's payment to the sink, after it was paid.
        const Edge* onward = nullptr;
        for (const Edge& e : within(nodes_[scatter.other].out, scatter.time, time)) {
          if (e.other == creditor && conserved(scatter.cents, e.cents)) {
            onward = &e;
            break;
          }
        }
        if (!onward) continue;
        intermediates.push_back(scatter.other);
        if (evidence) {
          list_debtor(scatter.time - 1);
          append_ids(scatter, candidate.transaction_ids);
          append_ids(*onward, candidate.transaction_ids);
        }
      }
    }
    list_debtor(INT64_MAX);
    candidate.size = static_cast<double>(intermediates.size() + (debtor_passed ? 1 : 0));
    if (candidate.size > best.size) best = std::move(candidate);
  }
  return best;
}

GraphFinding TransactionGraph::gather_scatter(Account debtor, int64_t time, int64_t window, bool evidence) const {
  GraphFinding finding;
  const Node* hub = node(debtor);
  if (!hub) return finding;
  const int64_t earliest = time - window;
  // Distinct sources and sinks, counted in small sets.
  auto& sources = scratch_[0];
  auto& sinks = scratch_[1];
  sources.clear();
  sinks.clear();
  int64_t first_in = INT64_MAX;
  for (const Edge& e : within(hub->in, earliest, time)) {
    sources.push_back(e.other);
    first_in = std::min(first_in, e.time);
  }
  if (sources.empty()) return finding;
  for (const Edge& e : within(hub->out, first_in, time)) sinks.push_back(e.other);
  make_set(sources);
  make_set(sinks);
  finding.size = static_cast<double>(std::min(sources.size(), sinks.size()));
  if (finding.size == 0 || !evidence) return finding;
  for (const Edge& e : within(hub->in, earliest, time)) append_ids(e, finding.transaction_ids);
  for (const Edge& e : within(hub->out, first_in, time)) append_ids(e, finding.transaction_ids);
  return finding;
}

GraphFinding TransactionGraph::bipartite(Account debtor, Account creditor, int64_t time, int64_t window,
                                         bool evidence) const {
  GraphFinding finding;
  const Node* source = node(debtor);
  const Node* target = node(creditor);
  if (!source || !target) return finding;
  const int64_t earliest = time - window;
  // The debtor's creditors, the layer, the creditors the current peer
  // shares with the debtor: small sets, read from the cache.
  auto& targets = scratch_[0];
  auto& layer = scratch_[1];
  auto& shared_targets = scratch_[2];
  targets.clear();
  layer.clear();
  for (const Edge& e : within(source->out, earliest, time)) targets.push_back(e.other);
  make_set(targets);
  if (targets.size() < 2) return finding;
  size_t visits = 0;
  std::vector<const Edge*> shared;  // the evidence only: empty (no allocation) on the hot path
  for (const Edge& peer_edge : within(target->in, earliest, time)) {
    if (peer_edge.other == debtor || contains(layer, peer_edge.other)) continue;
    // A peer that cannot have paid two of the targets is not read.
    if (!may_pay(peer_edge.other, targets, 2)) continue;
    shared_targets.clear();
    shared.clear();
    for (const Edge& e : within(nodes_[peer_edge.other].out, earliest, time)) {
      if (++visits > limits_.max_visits) break;
      if (!in_set(targets, e.other) || contains(shared_targets, e.other)) continue;
      shared_targets.push_back(e.other);
      if (evidence) shared.push_back(&e);
    }
    if (shared_targets.size() >= 2) {
      layer.push_back(peer_edge.other);
      if (evidence) {
        for (const Edge* e : shared) append_ids(*e, finding.transaction_ids);
      }
    }
  }
  if (layer.empty()) return finding;
  finding.size = static_cast<double>(layer.size() + 1);
  if (!evidence) return finding;
  for (const Edge& e : within(source->out, earliest, time)) append_ids(e, finding.transaction_ids);
  return finding;
}

std::vector<std::string> TransactionGraph::payments(Account account, bool outgoing, int64_t from, int64_t to,
                                                   size_t limit, uint32_t other_types, bool with_graph) const {
  std::vector<std::string> out;
  const Node* n = node(account);
  if (!n) return out;
  // The graph's payments and the others, merged newest first.
  const auto& graph = outgoing ? n->out : n->in;
  const auto& other = outgoing ? n->other_out : n->other_in;
  auto g = with_graph ? graph.rbegin() : graph.rend();
  auto o = other.rbegin();
  const int64_t graph_from = std::max(from, visible_from(graph)), other_from = std::max(from, visible_from(other));
  auto counted = [other_types](const Listed& l) { return l.type >= 32 || (other_types >> l.type & 1u) != 0; };
  while (out.size() < limit) {
    while (o != other.rend() && (o->time > to || !counted(*o))) ++o;
    while (g != graph.rend() && g->time > to) ++g;
    const bool graph_left = g != graph.rend() && g->time >= graph_from;
    const bool other_left = o != other.rend() && o->time >= other_from;
    if (!graph_left && !other_left) break;
    if (graph_left && (!other_left || g->time >= o->time)) {
      append_ids(*g++, out);
    } else {
      append_ids(*o++, out);
    }
  }
  std::reverse(out.begin(), out.end());
  return out;
}

size_t TransactionGraph::memory_bytes() const {
  size_t bytes = sizeof(*this) + nodes_.capacity() * sizeof(Node) + payees_.capacity() * sizeof(Payees);
  for (const auto& n : nodes_) {
    bytes += (n.out.capacity() + n.in.capacity()) * sizeof(Edge);
    bytes += (n.other_out.capacity() + n.other_in.capacity()) * sizeof(Listed);
  }
  bytes += ids_.memory_bytes();
  return bytes;
}

}  // namespace hafnium::services::monitoring::detection
