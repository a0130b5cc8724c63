#include "engine/model/pathway_check.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parcours::model {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string format_number(double v) {
  std::array<char, 64> buf{};
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string("?");
}

// A closed interval of ages in years; empty when lo > hi. Grows by hull only, so the
// propagation below is monotone and reaches a fixpoint.
struct Interval {
  double lo = kInf;
  double hi = -kInf;

  [[nodiscard]] bool empty() const { return lo > hi; }

  bool absorb(const Interval& other) {
    if (other.empty()) {
      return false;
    }
    bool changed = other.lo < lo || other.hi > hi;
    lo = std::min(lo, other.lo);
    hi = std::max(hi, other.hi);
    return changed;
  }
};

std::string service_key(const Model& model, std::size_t s) {
  return "services." + key_segment(model.services[s].name);
}

std::string branch_key(const Model& model, std::size_t s, const char* list, std::size_t i) {
  return service_key(model, s) + "." + list + "[" + std::to_string(i) + "]";
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

bool sends(const Branch& b) {
  return b.probability > 0.0 && (b.action == Action::kOrient || b.action == Action::kMove);
}

// Branch targets must name a service; later checks index by them.
void check_targets(const Model& model, std::vector<PathwayProblem>& problems) {
  const std::size_t n = model.services.size();
  for (std::size_t s = 0; s < n; ++s) {
    const Service& svc = model.services[s];
    auto check_list = [&](const std::vector<Branch>& list, const char* name) {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const Branch& b = list[i];
        bool needs_target = b.action != Action::kLeave;
        if (needs_target && b.target >= n) {
          problems.push_back({branch_key(model, s, name, i) + ".to",
                              "branch target is not a service (service id " +
                                  std::to_string(b.target) + ", " + std::to_string(n) +
                                  " services)"});
        }
      }
    };
    check_list(svc.on_stay_end, "on_stay_end");
    check_list(svc.on_age_limit, "on_age_limit");
  }
  for (std::size_t i = 0; i < model.plans.steps.size(); ++i) {
    const PlanStep& step = model.plans.steps[i];
    if (step.from >= n || (step.target != kNoService && step.target >= n)) {
      problems.push_back({"plans.steps[" + std::to_string(i) + "]",
                          "plan step " + quoted(step.name) + " names no service (from id " +
                              std::to_string(step.from) + ", to id " + std::to_string(step.target) +
                              ", " + std::to_string(n) + " services)"});
    }
  }
  if (model.arrivals.orientation.size() != n) {
    problems.push_back({"arrivals.orientation",
                        "expected one probability per service (" + std::to_string(n) + "), got " +
                            std::to_string(model.arrivals.orientation.size())});
  }
}

void check_age_bands(const Model& model, std::vector<PathwayProblem>& problems) {
  for (std::size_t s = 0; s < model.services.size(); ++s) {
    const Service& svc = model.services[s];
    if (svc.has_age_limit() && svc.min_age_years >= svc.age_limit_years) {
      problems.push_back({service_key(model, s) + ".age_limit_years",
                          "empty age band: age_limit_years (" + format_number(svc.age_limit_years) +
                              ") must be greater than min_age_years (" +
                              format_number(svc.min_age_years) + "); no one can ever enter " +
                              quoted(svc.name)});
    }
  }
}

// (a) Reverse reachability from an EXIT vertex: a service whose occupants cannot reach EXIT
// through positive-probability branches keeps them forever.
void check_exits(const Model& model, std::vector<PathwayProblem>& problems) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
  const std::size_t n = model.services.size();
  const std::size_t exit = n;
  Graph graph(n + 1);
  for (std::size_t s = 0; s < n; ++s) {
    const Service& svc = model.services[s];
    auto add_list = [&](const std::vector<Branch>& list) {
      for (const Branch& b : list) {
        if (b.probability <= 0.0) {
          continue;
        }
        boost::add_edge(s, b.action == Action::kLeave ? exit : std::size_t{b.target}, graph);
      }
    };
    add_list(svc.on_stay_end);
    if (svc.has_age_limit()) {
      add_list(svc.on_age_limit);
    }
  }
  for (const PlanStep& step : model.plans.steps) {
    if (step.probability > 0.0 && step.target != kNoService) {
      boost::add_edge(step.from, step.target, graph);
    }
  }

  std::vector<boost::default_color_type> colour(n + 1, boost::white_color);
  auto reversed = boost::make_reverse_graph(graph);
  boost::breadth_first_search(reversed, boost::vertex(exit, reversed),
                              boost::color_map(boost::make_iterator_property_map(
                                  colour.begin(), boost::get(boost::vertex_index, reversed))));

  for (std::size_t s = 0; s < n; ++s) {
    if (colour[s] != boost::white_color) {
      continue;
    }
    // Name the services the occupants cycle through, to make the loop easy to find.
    std::string loop;
    std::vector<boost::default_color_type> seen(n + 1, boost::white_color);
    boost::breadth_first_search(graph, boost::vertex(s, graph),
                                boost::color_map(boost::make_iterator_property_map(
                                    seen.begin(), boost::get(boost::vertex_index, graph))));
    for (std::size_t t = 0; t < n; ++t) {
      if (seen[t] != boost::white_color) {
        loop += (loop.empty() ? "" : ", ") + quoted(model.services[t].name);
      }
    }
    problems.push_back({service_key(model, s) + ".on_stay_end",
                        "occupants of " + quoted(model.services[s].name) +
                            " can never leave the sector: every path of branches with "
                            "probability > 0 stays within {" +
                            loop + "} and none ends with action \"leave\""});
  }
}

// (b) Propagates the ages at which people are sent to each service, and flags the branches
// (and orientations) that only ever send people at or above the target's age limit.
void check_entry_ages(const Model& model, std::vector<PathwayProblem>& problems) {
  const std::size_t n = model.services.size();
  std::vector<Interval> requested(n);  // ages at which someone joins the service's list
  const Interval arrival_ages{core::support_min(model.arrivals.age_years),
                              core::support_max(model.arrivals.age_years)};
  for (std::size_t s = 0; s < n; ++s) {
    if (model.arrivals.orientation[s] > 0.0) {
      requested[s].absorb(arrival_ages);
    }
  }

  auto limit_of = [&](std::size_t s) {
    const Service& svc = model.services[s];
    return svc.has_age_limit() ? svc.age_limit_years : kInf;
  };
  // Ages of people in a place of s.
  auto occupants = [&](std::size_t s) {
    const Service& svc = model.services[s];
    const double limit = limit_of(s);
    Interval occ;
    const Interval& req = requested[s];
    if (!req.empty() && std::max(req.lo, svc.min_age_years) < limit) {
      occ.absorb({std::max(req.lo, svc.min_age_years),
                  std::min(std::max(req.hi, svc.min_age_years), limit)});
    }
    if (svc.initial.share_of_places > 0.0) {
      occ.absorb({std::min(core::support_min(svc.initial.age_years), limit),
                  std::min(core::support_max(svc.initial.age_years), limit)});
    }
    return occ;
  };
  // Ages at which a branch of s's lists is taken.
  auto stay_end_ages = [&](std::size_t s, const Interval& occ) {
    const Service& svc = model.services[s];
    const double limit = limit_of(s);
    if (occ.empty()) {
      return Interval{};
    }
    double lo = occ.lo + core::support_min(svc.length_of_stay_years);
    if (lo >= limit) {
      return Interval{};  // every stay reaches the age limit first
    }
    return Interval{lo, limit};
  };
  // Ages at which a plan step with a target is taken: its occupants' ages within its age band.
  auto step_ages = [&](const PlanStep& step) {
    const Interval occ = occupants(step.from);
    const double lo = std::max(occ.lo, step.min_age_years);
    const double hi = std::min(occ.hi, step.max_age_years);
    return occ.empty() || lo > hi || !model.plans.has_reviews() ? Interval{} : Interval{lo, hi};
  };
  auto age_limit_ages = [&](std::size_t s, const Interval& occ) {
    const Service& svc = model.services[s];
    if (occ.empty() || !svc.has_age_limit() ||
        occ.hi + core::support_max(svc.length_of_stay_years) < svc.age_limit_years) {
      return Interval{};
    }
    return Interval{svc.age_limit_years, svc.age_limit_years};
  };

  // Lower bounds only fall and upper bounds only rise, through a finite set of candidate
  // values, so this converges; the cap is a guard, not a tolerance.
  const std::size_t max_rounds = 4 * n + 8;
  for (std::size_t round = 0; round < max_rounds; ++round) {
    bool changed = false;
    for (std::size_t t = 0; t < n; ++t) {
      const Service& svc = model.services[t];
      const Interval occ = occupants(t);
      const Interval end_ages = stay_end_ages(t, occ);
      const Interval limit_ages = age_limit_ages(t, occ);
      for (const Branch& b : svc.on_stay_end) {
        if (sends(b)) {
          changed |= requested[b.target].absorb(end_ages);
        }
      }
      if (svc.has_age_limit()) {
        for (const Branch& b : svc.on_age_limit) {
          if (sends(b)) {
            changed |= requested[b.target].absorb(limit_ages);
          }
        }
      }
    }
    for (const PlanStep& step : model.plans.steps) {
      if (step.probability > 0.0 && step.target != kNoService) {
        changed |= requested[step.target].absorb(step_ages(step));
      }
    }
    // A double orientation: children waiting for t take places of its alternative, at ages in
    // both age bands.
    for (std::size_t t = 0; t < n; ++t) {
      const ServiceId a = model.services[t].alternative;
      if (a != kNoService && !requested[t].empty()) {
        const double lo = std::max(
            {requested[t].lo, model.services[t].min_age_years, model.services[a].min_age_years});
        const double hi = std::min(std::max(requested[t].hi, lo), limit_of(a));
        if (lo < std::min(limit_of(t), limit_of(a))) {
          changed |= requested[a].absorb(Interval{lo, hi});
        }
      }
    }
    if (!changed) {
      break;
    }
  }

  // A branch that only ever sends people at or above the target's age limit is dead: they
  // age out of the target's list at once. Checked per branch, not per service, since the
  // service may well be entered by others.
  auto dead = [&](std::size_t target, const Interval& ages) {
    const Service& svc = model.services[target];
    return svc.has_age_limit() && !ages.empty() && ages.lo >= svc.age_limit_years;
  };
  auto complain = [&](std::string key, const std::string& who, std::size_t target,
                      double from_age) {
    const Service& svc = model.services[target];
    problems.push_back({std::move(key), who + " sends people to " + quoted(svc.name) +
                                            " only at ages >= " + format_number(from_age) +
                                            " years, but its age_limit_years is " +
                                            format_number(svc.age_limit_years) +
                                            ": none of them can enter " + quoted(svc.name)});
  };
  for (std::size_t s = 0; s < n; ++s) {
    const Service& svc = model.services[s];
    if (svc.alternative != kNoService) {
      const Service& alt = model.services[svc.alternative];
      const double lo = std::max(svc.min_age_years, alt.min_age_years);
      if (lo >= std::min(limit_of(s), limit_of(svc.alternative))) {
        problems.push_back(
            {service_key(model, s) + ".alternative",
             quoted(svc.name) + "'s list takes children of " + format_number(svc.min_age_years) +
                 " to " + format_number(limit_of(s)) + " years and " + quoted(alt.name) + " of " +
                 format_number(alt.min_age_years) + " to " +
                 format_number(limit_of(svc.alternative)) + " years: no child waiting for " +
                 quoted(svc.name) + " is of age for its alternative"});
      }
    }
    if (model.arrivals.orientation[s] > 0.0 && dead(s, arrival_ages)) {
      complain("arrivals.orientation." + key_segment(model.services[s].name), "arrivals", s,
               arrival_ages.lo);
    }
  }
  for (std::size_t i = 0; i < model.plans.steps.size(); ++i) {
    const PlanStep& step = model.plans.steps[i];
    if (step.probability > 0.0 && step.target != kNoService && dead(step.target, step_ages(step))) {
      complain("plans.steps[" + std::to_string(i) + "].to",
               "plan step " + quoted(step.name) + " (from " +
                   quoted(model.services[step.from].name) + ")",
               step.target, step_ages(step).lo);
    }
  }
  for (std::size_t t = 0; t < n; ++t) {
    const Service& svc = model.services[t];
    const Interval occ = occupants(t);
    const Interval end_ages = stay_end_ages(t, occ);
    const Interval limit_ages = age_limit_ages(t, occ);
    for (std::size_t i = 0; i < svc.on_stay_end.size(); ++i) {
      const Branch& b = svc.on_stay_end[i];
      if (sends(b) && dead(b.target, end_ages)) {
        complain(branch_key(model, t, "on_stay_end", i) + ".to",
                 quoted(svc.name) + " (on_stay_end)", b.target, end_ages.lo);
      }
    }
    if (!svc.has_age_limit()) {
      continue;
    }
    for (std::size_t i = 0; i < svc.on_age_limit.size(); ++i) {
      const Branch& b = svc.on_age_limit[i];
      if (sends(b) && dead(b.target, limit_ages)) {
        complain(branch_key(model, t, "on_age_limit", i) + ".to",
                 quoted(svc.name) + " (on_age_limit)", b.target, limit_ages.lo);
      }
    }
  }
}

}  // namespace

std::string key_segment(std::string_view name) {
  bool bare = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
  if (bare) {
    return std::string(name);
  }
  return quoted_string(name);
}

std::string quoted_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      constexpr std::string_view kHex = "0123456789ABCDEF";
      const auto u = static_cast<unsigned char>(c);
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::vector<PathwayProblem> check_pathways(const Model& model) {
  std::vector<PathwayProblem> problems;
  check_targets(model, problems);
  if (!problems.empty()) {
    return problems;  // the graph checks below index by target
  }
  check_age_bands(model, problems);
  check_exits(model, problems);
  check_entry_ages(model, problems);
  return problems;
}

}  // namespace parcours::model
