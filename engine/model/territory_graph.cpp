#include "engine/model/territory_graph.hpp"

#include "engine/core/check.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/visitors.hpp>

#include <algorithm>
#include <cstddef>
#include <numeric>

namespace parcours::model {

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;

Graph build_graph(const Model& model, std::size_t homes) {
  Graph g(homes);
  for (const auto& [a, b] : model.borders) {
    PARCOURS_CHECK(a < homes && b < homes, "a border names a territory that is not a home one");
    boost::add_edge(a, b, g);
  }
  return g;
}

}  // namespace

std::vector<std::vector<int>> border_steps(const Model& model) {
  const std::size_t homes = model.home_territories();
  const Graph g = build_graph(model, homes);
  std::vector<std::vector<int>> steps(homes, std::vector<int>(homes, -1));
  for (std::size_t from = 0; from < homes; ++from) {
    std::vector<int>& d = steps[from];
    d[from] = 0;
    boost::breadth_first_search(
        g, boost::vertex(from, g),
        boost::visitor(boost::make_bfs_visitor(boost::record_distances(
            boost::make_iterator_property_map(d.begin(), boost::get(boost::vertex_index, g)),
            boost::on_tree_edge()))));
  }
  return steps;
}

void compute_reachable(Model& model) {
  const std::size_t n = model.territories.size();
  const std::size_t homes = model.home_territories();
  PlacementRule& rule = model.placement;
  rule.reachable.assign(n, {});
  rule.served_by.assign(n, {});
  if (rule.max_steps > 0 && !model.borders.empty()) {
    const auto steps = border_steps(model);
    for (std::size_t from = 0; from < homes; ++from) {
      std::vector<TerritoryId> near;
      for (std::size_t to = 0; to < homes; ++to) {
        if (to != from && steps[from][to] > 0 && steps[from][to] <= rule.max_steps) {
          near.push_back(static_cast<TerritoryId>(to));
        }
      }
      // Fewer borders first, then territory order: a total order, so runs never depend on
      // how the graph happens to store its edges.
      std::stable_sort(near.begin(), near.end(), [&](TerritoryId a, TerritoryId b) {
        return steps[from][a] < steps[from][b];
      });
      rule.reachable[from] = near;
      // A place freed in `from` serves its own list, then these territories' lists, nearest
      // first: the relation is symmetric, so the same list does.
      rule.served_by[from] = std::move(near);
    }
  }
  for (std::size_t a = homes; a < n; ++a) {
    const Territory& abroad = model.territories[a];
    PARCOURS_CHECK(abroad.abroad, "home territories must come before abroad ones");
    std::vector<TerritoryId> senders = abroad.senders;
    std::sort(senders.begin(), senders.end());
    senders.erase(std::unique(senders.begin(), senders.end()), senders.end());
    for (TerritoryId home : senders) {
      PARCOURS_CHECK(home < homes, "an abroad territory's sender must be a home territory");
      rule.reachable[home].push_back(static_cast<TerritoryId>(a));
    }
    rule.served_by[a] = std::move(senders);
  }
}

}  // namespace parcours::model
