#include "services/monitoring/domain/detection/transaction_graph.h"

#include <algorithm>
#include <set>
#include <unordered_set>

namespace hafnium::services::monitoring::detection {

uint32_t TransactionGraph::intern(const std::string& account) {
  auto [it, inserted] = ids_.try_emplace(account, static_cast<uint32_t>(nodes_.size()));
  if (inserted) {
    nodes_.emplace_back();
    names_.push_back(account);
  }
  return it->second;
}

const TransactionGraph::Node* TransactionGraph::find(const std::string& account) const {
  auto it = ids_.find(account);
  return it == ids_.end() ? nullptr : &nodes_[it->second];
}

void TransactionGraph::trim(std::deque<Edge>& edges, int64_t newest) const {
  while (!edges.empty() && (edges.front().time < newest - limits_.horizon_micros ||
                            edges.size() > limits_.max_edges_per_account)) {
    edges.pop_front();
  }
}

void TransactionGraph::add(const std::string& debtor, const std::string& creditor, int64_t time,
                           const std::string& transaction_id) {
  if (debtor == creditor) return;
  uint32_t d = intern(debtor), c = intern(creditor);
  // Edges stay sorted by time: a late payment is inserted in its place.
  auto insert = [&](std::deque<Edge>& edges, uint32_t other) {
    auto pos = std::upper_bound(edges.begin(), edges.end(), time, [](int64_t t, const Edge& e) { return t < e.time; });
    edges.insert(pos, Edge{time, other, transaction_id});
    trim(edges, std::max(time, edges.back().time));
  };
  insert(nodes_[d].out, c);
  insert(nodes_[c].in, d);
}

GraphFinding TransactionGraph::cycle(const std::string& debtor, const std::string& creditor, int64_t time,
                                     int64_t window) const {
  GraphFinding finding;
  auto from = ids_.find(creditor), to = ids_.find(debtor);
  if (from == ids_.end() || to == ids_.end() || from->second == to->second) return finding;
  const uint32_t start = from->second, target = to->second;
  const int64_t earliest = time - window;
  // Breadth-first over time-respecting paths: each payment of the chain is
  // no earlier than the one before it and no later than the closing one.
  // The earliest arrival per account dominates, so it is all we keep.
  struct Step {
    uint32_t node;
    int64_t arrival;
    int parent;  // index into steps, -1 for the start
    const Edge* edge;
  };
  std::vector<Step> steps = {{start, earliest, -1, nullptr}};
  std::unordered_map<uint32_t, int64_t> best = {{start, earliest}};
  size_t level_begin = 0, visits = 0;
  for (size_t hops = 1; hops < limits_.max_cycle_hops; ++hops) {
    size_t level_end = steps.size();
    for (size_t i = level_begin; i < level_end; ++i) {
      for (const Edge& e : nodes_[steps[i].node].out) {
        if (++visits > limits_.max_visits) return finding;
        if (e.time < steps[i].arrival || e.time < earliest || e.time > time) continue;
        if (e.other == target) {
          // Closed: creditor -> ... -> debtor, then this payment.
          finding.size = static_cast<double>(hops + 1);
          finding.transaction_ids.push_back(e.transaction);
          for (int p = static_cast<int>(i); p >= 0 && steps[p].edge; p = steps[p].parent) {
            finding.transaction_ids.push_back(steps[p].edge->transaction);
          }
          std::reverse(finding.transaction_ids.begin(), finding.transaction_ids.end());
          return finding;
        }
        auto known = best.find(e.other);
        if (known != best.end() && known->second <= e.time) continue;
        best[e.other] = e.time;
        steps.push_back({e.other, e.time, static_cast<int>(i), &e});
      }
    }
    if (steps.size() == level_end) break;
    level_begin = level_end;
  }
  return finding;
}

GraphFinding TransactionGraph::scatter_gather(const std::string& debtor, const std::string& creditor, int64_t time,
                                              int64_t window) const {
  GraphFinding best;
  const Node* middle = find(debtor);
  auto sink_it = ids_.find(creditor);
  if (!middle || sink_it == ids_.end()) return best;
  const uint32_t sink = sink_it->second;
  const int64_t earliest = time - window;
  size_t visits = 0;
  std::set<uint32_t> sources_seen;
  for (const Edge& into_middle : middle->in) {
    if (into_middle.time < earliest || into_middle.time > time || into_middle.other == sink) continue;
    if (!sources_seen.insert(into_middle.other).second) continue;
    // Intermediates the source paid that went on to pay the sink.
    GraphFinding candidate;
    std::unordered_set<uint32_t> intermediates;
    for (const Edge& scatter : nodes_[into_middle.other].out) {
      if (scatter.time < earliest || scatter.time > time || scatter.other == sink) continue;
      if (intermediates.contains(scatter.other)) continue;
      for (const Edge& gather : nodes_[scatter.other].out) {
        if (++visits > limits_.max_visits) return best;
        if (gather.other != sink || gather.time < scatter.time || gather.time > time) continue;
        intermediates.insert(scatter.other);
        candidate.transaction_ids.push_back(scatter.transaction);
        candidate.transaction_ids.push_back(gather.transaction);
        break;
      }
    }
    candidate.size = static_cast<double>(intermediates.size());
    if (candidate.size > best.size) best = std::move(candidate);
  }
  return best;
}

GraphFinding TransactionGraph::gather_scatter(const std::string& debtor, int64_t time, int64_t window) const {
  GraphFinding finding;
  const Node* hub = find(debtor);
  if (!hub) return finding;
  const int64_t earliest = time - window;
  std::unordered_set<uint32_t> sources, sinks;
  int64_t first_in = INT64_MAX;
  for (const Edge& e : hub->in) {
    if (e.time < earliest || e.time > time) continue;
    sources.insert(e.other);
    first_in = std::min(first_in, e.time);
    finding.transaction_ids.push_back(e.transaction);
  }
  for (const Edge& e : hub->out) {
    if (e.time < earliest || e.time > time || e.time < first_in) continue;
    sinks.insert(e.other);
    finding.transaction_ids.push_back(e.transaction);
  }
  finding.size = static_cast<double>(std::min(sources.size(), sinks.size()));
  if (finding.size == 0) finding.transaction_ids.clear();
  return finding;
}

GraphFinding TransactionGraph::bipartite(const std::string& debtor, const std::string& creditor, int64_t time,
                                         int64_t window) const {
  GraphFinding finding;
  const Node* source = find(debtor);
  const Node* target = find(creditor);
  if (!source || !target) return finding;
  const int64_t earliest = time - window;
  std::unordered_set<uint32_t> targets;
  for (const Edge& e : source->out) {
    if (e.time >= earliest && e.time <= time) targets.insert(e.other);
  }
  if (targets.size() < 2) return finding;
  size_t visits = 0;
  std::set<uint32_t> layer;
  auto self = ids_.at(debtor);
  for (const Edge& peer_edge : target->in) {
    if (peer_edge.time < earliest || peer_edge.time > time || peer_edge.other == self) continue;
    if (layer.contains(peer_edge.other)) continue;
    std::vector<const Edge*> shared;
    std::unordered_set<uint32_t> shared_targets;
    for (const Edge& e : nodes_[peer_edge.other].out) {
      if (++visits > limits_.max_visits) break;
      if (e.time < earliest || e.time > time || !targets.contains(e.other)) continue;
      if (shared_targets.insert(e.other).second) shared.push_back(&e);
    }
    if (shared_targets.size() >= 2) {
      layer.insert(peer_edge.other);
      for (const Edge* e : shared) finding.transaction_ids.push_back(e->transaction);
    }
  }
  if (layer.empty()) return finding;
  for (const Edge& e : source->out) {
    if (e.time >= earliest && e.time <= time) finding.transaction_ids.push_back(e.transaction);
  }
  finding.size = static_cast<double>(layer.size() + 1);
  return finding;
}

std::vector<std::string> TransactionGraph::payments(const std::string& account, bool outgoing, int64_t from,
                                                   int64_t to, size_t limit) const {
  std::vector<std::string> out;
  const Node* node = find(account);
  if (!node) return out;
  const auto& edges = outgoing ? node->out : node->in;
  for (auto it = edges.rbegin(); it != edges.rend() && out.size() < limit; ++it) {
    if (it->time > to) continue;
    if (it->time < from) break;
    out.push_back(it->transaction);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

size_t TransactionGraph::memory_bytes() const {
  size_t bytes = sizeof(*this) + nodes_.capacity() * sizeof(Node) + names_.capacity() * sizeof(std::string);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    bytes += (nodes_[i].out.size() + nodes_[i].in.size()) * sizeof(Edge) + names_[i].capacity() * 2 + 32;
    for (const auto* edges : {&nodes_[i].out, &nodes_[i].in}) {
      for (const Edge& e : *edges) {
        if (e.transaction.capacity() > 15) bytes += e.transaction.capacity();
      }
    }
  }
  return bytes;
}

}  // namespace hafnium::services::monitoring::detection
