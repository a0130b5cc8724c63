#include "engine/io/scenario.hpp"

#include "engine/funding/incentives.hpp"
#include "engine/io/csv.hpp"
#include "engine/io/funding_costs.hpp"
#include "engine/io/internal/reader.hpp"
#include "engine/io/internal/timeline.hpp"
#include "engine/model/pathway_check.hpp"
#include "engine/model/territory_graph.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

namespace parcours::io {

namespace {

std::string format_error(const std::string& file, int line, int column, const std::string& key,
                         const std::string& message) {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) {
      out += ":" + std::to_string(column);
    }
  }
  out += ": ";
  if (!key.empty()) {
    out += key + ": ";
  }
  out += message;
  // One line, always: the CLI prints it as is and scripts grep it.
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

}  // namespace

ScenarioError::ScenarioError(std::string file, int line, int column, std::string key,
                             std::string message)
    : std::runtime_error(format_error(file, line, column, key, message)),
      file_(std::move(file)),
      line_(line),
      column_(column),
      key_(std::move(key)),
      message_(std::move(message)) {}

namespace {

namespace fs = std::filesystem;

using namespace internal;  // NOLINT(google-build-using-namespace): io's shared reading helpers

constexpr double kSumTolerance = 1e-9;

// A bound on counts of places (places_total, a provider's places, their sum in one territory):
// large enough for any sector, small enough that a national total times a weight stays exact in
// a double.
constexpr std::int64_t kMaxPlaces = std::int64_t{1} << 50;

std::string to_toml_string(std::string_view s) { return model::quoted_string(s); }

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = s.find_last_not_of(" \t");
  return std::string(s.substr(first, last - first + 1));
}

// ---------------------------------------------------------------------------------------------
// Reading files, extends, overrides

// Keys that are alternative forms of one setting, by table: when the overriding file sets one
// form, the base's other forms are dropped, so a child scenario can switch from codes to a
// territory table, from places_total to places, or from an interim situation's capacity to its
// capacity_total, instead of getting "not both".
std::vector<std::vector<std::string_view>> alternative_forms(
    const std::vector<std::string_view>& path) {
  if (path.size() == 1 && path[0] == "territories") {
    return {{"table", "weight_column"}, {"codes", "names", "weights", "regions"}};
  }
  if (path.size() == 2 && path[0] == "services") {
    return {{"places"}, {"places_total", "places_min"}};
  }
  if (path.size() == 2 && path[0] == "interim") {
    return {{"capacity"}, {"capacity_total"}};
  }
  return {};
}

// Moves `over` into `base`: tables merge key by key, anything else replaces. A distribution
// (a table with a `law` key) replaces whole, so switching laws never leaves the old law's
// parameters behind; `--set ...length_of_stay_years.mean=7` (no law) still merges. Moving (not
// copying) matters: toml++ keeps a node's source position on move and drops it on copy, and
// errors must point to the file each value came from. `path` is where both tables sit.
void merge_into(toml::table& base, toml::table& over, std::vector<std::string_view> path = {}) {
  const auto forms = alternative_forms(path);
  for (std::size_t f = 0; f < forms.size(); ++f) {
    const bool set_here = std::any_of(forms[f].begin(), forms[f].end(),
                                      [&](std::string_view k) { return over.contains(k); });
    for (std::size_t g = 0; g < forms.size() && set_here; ++g) {
      for (std::string_view k : g == f ? std::vector<std::string_view>{} : forms[g]) {
        base.erase(k);
      }
    }
  }
  for (auto&& [key, value] : over) {
    if (toml::table* over_table = value.as_table();
        over_table != nullptr && !over_table->contains("law")) {
      if (toml::node* existing = base.get(key.str()); existing != nullptr && existing->is_table()) {
        path.push_back(key.str());
        merge_into(*existing->as_table(), *over_table, path);
        path.pop_back();
        continue;
      }
    }
    base.erase(key.str());  // so the key's own position is the overriding file's
    base.insert_or_assign(toml::key{key}, std::move(value));
  }
}

toml::table parse_text(const std::string& text, const std::string& display) {
  try {
    return toml::parse(text, display);
  } catch (const toml::parse_error& e) {
    const Where w = where_of(e.source(), display);
    throw ScenarioError(w.file, w.line, w.column, "", std::string(e.description()));
  }
}

// `display` is the path as shown in messages: as given for the top file, and for a base the
// extending file's folder joined with the extends value.
toml::table load_with_extends(const std::string& display, std::vector<fs::path>& chain,
                              const std::optional<Where>& extends_at) {
  std::string error;
  std::optional<std::string> text = read_text(display, error);
  if (!text) {
    if (extends_at) {
      fail_at(*extends_at, "extends",
              "cannot open base scenario " + in_quotes(display) + " (" + error + ")");
    }
    throw ScenarioError(display, 0, 0, "", "cannot open scenario file (" + error + ")");
  }
  toml::table root = parse_text(*text, display);

  toml::node* extends = root.get("extends");
  if (extends == nullptr) {
    return root;
  }
  const Where at = where_of(extends->source(), display);
  const auto* base_name = extends->as_string();
  if (base_name == nullptr || base_name->get().empty()) {
    fail_at(at, "extends", "expected a non-empty string (the base scenario's path)");
  }
  const fs::path base_path =
      (fs::path(display).parent_path() / fs::path(base_name->get())).lexically_normal();
  std::error_code ec;
  const fs::path identity = fs::weakly_canonical(base_path, ec);
  for (std::size_t i = 0; i < chain.size(); ++i) {
    if (chain[i] == identity) {
      std::string cycle;
      for (std::size_t j = i; j < chain.size(); ++j) {
        cycle += chain[j].filename().string() + " -> ";
      }
      fail_at(at, "extends", "extends cycle: " + cycle + identity.filename().string());
    }
  }
  chain.push_back(identity);
  toml::table base = load_with_extends(base_path.string(), chain, at);
  chain.pop_back();
  root.erase("extends");
  merge_into(base, root);
  return base;
}

void apply_override(toml::table& root, const std::string& text) {
  const std::string label = std::string(kSetPrefix) + text;
  const auto eq = text.find('=');
  const std::string key = eq == std::string::npos ? std::string() : trim(text.substr(0, eq));
  if (key.empty()) {
    throw ScenarioError(label, 0, 0, "",
                        "malformed override: expected KEY=VALUE with a dotted key, e.g. "
                        "services.IME.places_total=60000");
  }
  const std::string value = trim(text.substr(eq + 1));

  // An element of an array of tables: `timeline[0].places=7000`, `funding.rules[1].a=0.3`. The
  // part up to the last index names the element (toml++'s path syntax); the rest is set in it.
  toml::table* target = &root;
  std::string rest = key;
  if (const auto close = key.rfind(']'); close != std::string::npos) {
    const std::string element = key.substr(0, close + 1);
    rest = close + 1 < key.size() && key[close + 1] == '.' ? key.substr(close + 2) : std::string();
    toml::node_view<toml::node> node = root.at_path(element);
    if (!node || !node.is_table() || rest.empty()) {
      throw ScenarioError(
          label, 0, 0, element,
          !node ? "no such element in the scenario (after extends): " + in_quotes(element)
                : "expected ELEMENT[INDEX].KEY=VALUE naming a key of a table "
                  "of an array of tables, e.g. timeline[0].places=7000");
    }
    target = node.as_table();
  }

  // The value is TOML when it parses as TOML, a plain string otherwise (--set scenario.name=x).
  std::optional<toml::table> doc;
  if (!value.empty() && value.find_first_of("\r\n") == std::string::npos) {
    try {
      doc = toml::parse(rest + " = " + value, label);
    } catch (const toml::parse_error&) {
      doc.reset();
    }
  }
  if (!doc) {
    try {
      doc = toml::parse(rest + " = " + to_toml_string(value), label);
    } catch (const toml::parse_error&) {
      throw ScenarioError(label, 0, 0, "",
                          "malformed override: " + in_quotes(key) +
                              " is not a dotted TOML key (quote names with spaces: "
                              "services.\"Foyer de vie\".places_total=10)");
    }
  }
  if (doc->contains("extends")) {
    throw ScenarioError(label, 0, 0, "extends", "extends cannot be set with --set");
  }
  merge_into(*target, *doc);
}

// Which quantities a law describes: ages and durations cannot go below 0.
enum class Support : std::uint8_t { kAnyReal, kAtLeastZero };

core::Distribution read_distribution(const Reader& r, const toml::node& n, const std::string& path,
                                     Support support) {
  using Law = core::Distribution::Law;
  const toml::table& t =
      r.table(n, path, "a distribution table such as { law = \"exponential\", mean = 5.0 }");
  static const std::vector<std::string> kLaws = {"fixed", "uniform", "exponential", "lognormal",
                                                 "gamma", "weibull", "empirical"};
  const toml::node& law_node = r.required(t, path, "law", "one of " + join_quoted(kLaws));
  const std::size_t law = r.choice(law_node, child_key(path, "law"), kLaws, "law");

  const bool non_negative = support == Support::kAtLeastZero;
  const std::string why = non_negative ? " (ages and durations cannot be negative)" : "";
  const NumberRange floor = non_negative ? kNonNegative : kAnyNumber;

  core::Distribution d;
  d.law = static_cast<Law>(law);
  switch (d.law) {
    case Law::kFixed:
      r.check_keys(t, path, {"law", "value"});
      d.a = r.req_number(t, path, "value", floor, why);
      break;
    case Law::kUniform: {
      r.check_keys(t, path, {"law", "min", "max"});
      d.a = r.req_number(t, path, "min", floor, why);
      d.b = r.req_number(t, path, "max", kAnyNumber);
      if (!(d.b > d.a)) {
        r.fail(*t.get("max"), child_key(path, "max"),
               "expected max > min (" + format_number(d.a) + "), got " + format_number(d.b));
      }
      break;
    }
    case Law::kExponential:
      r.check_keys(t, path, {"law", "mean"});
      d.a = r.req_number(t, path, "mean", kPositive);
      break;
    case Law::kLognormal:
      r.check_keys(t, path, {"law", "meanlog", "sdlog"});
      d.a = r.req_number(t, path, "meanlog", kAnyNumber);
      d.b = r.req_number(t, path, "sdlog", kNonNegative);
      break;
    case Law::kGamma:
    case Law::kWeibull:
      r.check_keys(t, path, {"law", "shape", "scale"});
      d.a = r.req_number(t, path, "shape", kPositive);
      d.b = r.req_number(t, path, "scale", kPositive);
      break;
    case Law::kEmpirical: {
      r.check_keys(t, path, {"law", "values", "cumulative", "interpolation"});
      const std::string values_key = child_key(path, "values");
      const std::string cumulative_key = child_key(path, "cumulative");
      const toml::node& values_node =
          r.required(t, path, "values", "an array of strictly increasing numbers");
      const toml::array& values =
          r.array(values_node, values_key, "an array of strictly increasing numbers");
      const toml::node& cumulative_node = r.required(
          t, path, "cumulative", "an array of non-decreasing numbers in [0, 1], the last 1");
      const toml::array& cumulative =
          r.array(cumulative_node, cumulative_key, "an array of non-decreasing numbers in [0, 1]");
      if (values.empty()) {
        r.fail(values_node, values_key, "expected at least one value, got an empty array");
      }
      if (cumulative.size() != values.size()) {
        r.fail(cumulative_node, cumulative_key,
               "expected " + std::to_string(values.size()) + " entries (one per value), got " +
                   std::to_string(cumulative.size()));
      }
      for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string key = item_key(values_key, i);
        const double v = r.number(values[i], key, i == 0 ? floor : kAnyNumber, i == 0 ? why : "");
        if (i > 0 && !(v > d.values.back())) {
          r.fail(values[i], key,
                 "expected values strictly increasing: a number > " +
                     format_number(d.values.back()) + ", got " + format_number(v));
        }
        d.values.push_back(v);
        const std::string ckey = item_key(cumulative_key, i);
        const double f = r.number(cumulative[i], ckey, kProbability);
        if (i > 0 && f < d.cumulative.back()) {
          r.fail(cumulative[i], ckey,
                 "expected cumulative non-decreasing: a number >= " +
                     format_number(d.cumulative.back()) + ", got " + format_number(f));
        }
        d.cumulative.push_back(f);
      }
      if (std::abs(d.cumulative.back() - 1.0) > kSumTolerance) {
        r.fail(cumulative[cumulative.size() - 1], item_key(cumulative_key, cumulative.size() - 1),
               "expected the last cumulative probability to be 1, got " +
                   format_number(d.cumulative.back()));
      }
      d.cumulative.back() = 1.0;
      if (const toml::node* interp = t.get("interpolation")) {
        d.interpolate = r.choice(*interp, child_key(path, "interpolation"), {"linear", "steps"},
                                 "interpolation") == 0;
      }
      break;
    }
  }
  return d;
}

struct ServiceNames {
  std::vector<std::string> names;  // in ServiceId order

  [[nodiscard]] std::size_t find(std::string_view name) const {
    return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
  }
};

model::ServiceId service_ref(const Reader& r, const ServiceNames& services, const toml::node& n,
                             const std::string& path) {
  const std::string name = r.string(n, path);
  const std::size_t id = services.find(name);
  if (id == services.names.size()) {
    r.fail(n, path,
           "unknown service " + in_quotes(name) + suggestion(name, services.names, "services are"));
  }
  return static_cast<model::ServiceId>(id);
}

void check_sum(const Reader& r, const toml::node& n, const std::string& path, double sum,
               std::string_view what) {
  if (std::abs(sum - 1.0) > kSumTolerance) {
    r.fail(n, path,
           std::string(what) + " sum to " + format_number(sum) + ", expected 1 (within 1e-9)");
  }
}

// How read_by_home_territory words its messages for one key (`places`, an interim capacity).
struct ByHomeWords {
  std::string value;  // one value, e.g. "an integer >= 0"
  std::string array;  // the key's two forms, e.g. "an array of integers >= 0 (one per home
                      // territory) or a table of territory code = integer >= 0"
  std::string table;  // e.g. "a places table"
  std::function<std::string(const std::string& code)> abroad;  // why an abroad code is not here
};

// One value per home territory: an array in territory order, or a table CODE = value naming
// every home territory and nothing else. `value(node, key)` reads and checks one value.
template <class T, class ReadValue>
std::vector<T> read_by_home_territory(const Reader& r, const toml::node& n, const std::string& key,
                                      const std::vector<model::Territory>& homes,
                                      const std::vector<std::string>& abroad_codes,
                                      const ByHomeWords& words, ReadValue&& value) {
  const std::size_t count = homes.size();
  const std::string per = abroad_codes.empty() ? "one per territory" : "one per home territory";
  std::vector<T> out;
  if (const toml::table* by_code = n.as_table()) {
    std::vector<std::string> codes;
    codes.reserve(count);
    for (const auto& home : homes) {
      codes.push_back(home.code);
    }
    std::vector<std::optional<T>> given(count);
    for (auto&& [code, v] : *by_code) {
      const std::string code_key = child_key(key, code.str());
      const auto it = std::find(codes.begin(), codes.end(), code.str());
      if (it == codes.end()) {
        if (std::find(abroad_codes.begin(), abroad_codes.end(), code.str()) != abroad_codes.end()) {
          r.fail_key(code, code_key,
                     in_quotes(code.str()) +
                         " is an abroad territory: " + words.abroad(std::string(code.str())));
        }
        r.fail_key(code, code_key,
                   "unknown territory code " + in_quotes(code.str()) +
                       suggestion(code.str(), codes, "territory codes are"));
      }
      given[static_cast<std::size_t>(it - codes.begin())] = value(v, code_key);
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (!given[i]) {
        r.fail_missing(*by_code, child_key(key, homes[i].code),
                       words.value + ": " + words.table + " needs every home territory code");
      }
      out.push_back(*given[i]);
    }
    return out;
  }
  const toml::array& a = r.array(n, key, words.array);
  if (a.size() != count) {
    r.fail(n, key,
           "expected " + std::to_string(count) + " entries (" + per + "), got " +
               std::to_string(a.size()));
  }
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(value(a[i], item_key(key, i)));
  }
  return out;
}

// The [`top`.NAME] tables (`top`: "interim", "modes", "schooling"), in byte-wise alphabetical order
// of their names (toml++'s key order, as for services and interim situations), at most `max`;
// `read_one(name, table, path)` reads each. `noun` names one of them in messages.
template <typename ReadOne>
void read_named_tables(const Reader& r, const toml::table& root, std::string_view top,
                       std::size_t max, const std::string& noun, ReadOne&& read_one) {
  const toml::node* node = root.get(top);
  if (node == nullptr) {
    return;
  }
  const std::string top_key(top);
  const toml::table& all =
      r.table(*node, top_key, "a table of [" + top_key + ".NAME] tables (one per " + noun + ")");
  if (all.size() > max) {
    r.fail(*node, top_key,
           "expected at most " + std::to_string(max) + " " + noun + "s, got " +
               std::to_string(all.size()));
  }
  for (auto&& [key, value] : all) {
    const std::string path = child_key(top_key, key.str());
    if (key.str().empty()) {
      r.fail_key(key, path, "expected a non-empty " + noun + " name");
    }
    const toml::table& t = r.table(value, path);
    read_one(std::string(key.str()), t, path);
    if (const toml::node* n = t.get("description")) {
      (void)r.string(*n, child_key(path, "description"));  // free text for readers only
    }
  }
}

// The territories, for keys read after [territories] and [abroad.CODE]: the home ones, and the
// codes of the abroad ones.
struct TerritoryNames {
  const std::vector<model::Territory>& homes;
  const std::vector<std::string>& abroad_codes;
};

// An interim situation's room per territory: `capacity` (per home territory, as `places`) or
// `capacity_total` (national, shared by weight, not rounded: FTEs need not be whole). Abroad
// territories get 0 (no one waits there). Empty when the situation gives neither (unlimited).
std::vector<double> read_interim_capacity(const Reader& r, const toml::table& t,
                                          const std::string& path, const TerritoryNames& where) {
  const toml::node* capacity = t.get("capacity");
  const toml::node* total = t.get("capacity_total");
  const std::string per =
      where.abroad_codes.empty() ? "one per territory" : "one per home territory";
  if (capacity != nullptr && total != nullptr) {
    r.fail(*total, child_key(path, "capacity_total"),
           "give either capacity (" + per + ") or capacity_total, not both");
  }
  std::vector<double> out;
  if (capacity != nullptr) {
    const ByHomeWords words{
        "a number >= 0",
        "an array of numbers >= 0 (" + per + ") or a table of territory code = number >= 0",
        "a capacity table", [](const std::string&) {
          return std::string{"interim capacities are for home territories only"} +
                 " (no one waits abroad)";
        }};
    out = read_by_home_territory<double>(r, *capacity, child_key(path, "capacity"), where.homes,
                                         where.abroad_codes, words,
                                         [&](const toml::node& v, const std::string& key) {
                                           return r.number(v, key, kNonNegative);
                                         });
  } else if (total != nullptr) {
    const double national = r.number(*total, child_key(path, "capacity_total"), kNonNegative);
    double weight_sum = 0.0;
    for (const auto& territory : where.homes) {
      weight_sum += territory.weight;
    }
    for (const auto& territory : where.homes) {
      out.push_back(national * territory.weight / weight_sum);
    }
  } else {
    return out;
  }
  out.resize(where.homes.size() + where.abroad_codes.size(), 0.0);
  return out;
}

// Interim situations of children waiting for a place, in alphabetical order of their names
// (toml++'s key order, as for services). A limited one (a capacity) names its fallback, and the
// fallbacks end in an unlimited situation: no cycle.
std::vector<model::InterimSituation> read_interim(const Reader& r, const toml::table& root,
                                                  const TerritoryNames& where) {
  std::vector<model::InterimSituation> out;
  std::vector<const toml::node*> fallback_nodes;  // by situation; nullptr: none
  // Model::interim's bound (params.hpp): indices stay below the kNoInterim marker.
  constexpr std::size_t kMaxInterim = model::kNoInterim - 1;
  read_named_tables(
      r, root, "interim", kMaxInterim, "interim situation",
      [&](std::string name, const toml::table& t, const std::string& path) {
        r.check_keys(t, path,
                     {"no_solution", "ordinary_school", "description", "capacity", "capacity_total",
                      "per_child", "fallback"});
        model::InterimSituation situation;
        situation.name = std::move(name);
        if (const toml::node* n = t.get("no_solution")) {
          situation.no_solution = r.boolean(*n, child_key(path, "no_solution"));
        }
        if (const toml::node* n = t.get("ordinary_school")) {
          situation.ordinary_school = r.boolean(*n, child_key(path, "ordinary_school"));
        }
        situation.capacity = read_interim_capacity(r, t, path, where);
        const bool limited = situation.limited();
        const char* only_limited = " is only allowed with capacity or capacity_total (";
        if (const toml::node* n = t.get("per_child")) {
          if (!limited) {
            r.fail(*n, child_key(path, "per_child"),
                   std::string("per_child") + only_limited +
                       "what each child uses of a limited situation's room)");
          }
          situation.per_child = r.number(*n, child_key(path, "per_child"), kPositive,
                                         " (the capacity units each child uses)");
        }
        const toml::node* fallback = t.get("fallback");
        if (fallback != nullptr && !limited) {
          r.fail(
              *fallback, child_key(path, "fallback"),
              std::string("fallback") + only_limited + "an unlimited situation always has room)");
        }
        if (fallback == nullptr && limited) {
          r.fail_missing(t, child_key(path, "fallback"),
                         "an interim situation name: where a child goes when this situation has "
                         "no room left in its home territory, required with capacity or "
                         "capacity_total");
        }
        fallback_nodes.push_back(fallback);
        out.push_back(std::move(situation));
      });

  std::vector<std::string> names;
  names.reserve(out.size());
  for (const auto& situation : out) {
    names.push_back(situation.name);
  }
  const auto key_of = [](const std::string& name) {
    return child_key(child_key("interim", name), "fallback");
  };
  for (std::size_t i = 0; i < out.size(); ++i) {
    const toml::node* n = fallback_nodes[i];
    if (n == nullptr) {
      continue;
    }
    const std::string key = key_of(out[i].name);
    const std::string target = r.string(*n, key);
    const auto it = std::find(names.begin(), names.end(), target);
    if (it == names.end()) {
      r.fail(*n, key,
             "unknown interim situation " + in_quotes(target) +
                 suggestion(target, names, "interim situations are"));
    }
    if (static_cast<std::size_t>(it - names.begin()) == i) {
      r.fail(*n, key,
             "expected an interim situation other than " + in_quotes(target) +
                 " itself: a child who finds no room in it takes its fallback instead");
    }
    out[i].fallback = static_cast<std::uint8_t>(it - names.begin());
  }
  // A cycle of fallbacks would leave a child with no room anywhere: reported at the fallback of
  // its first situation in alphabetical order, naming the whole cycle.
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::string cycle = out[i].name;
    std::size_t at = out[i].fallback;
    for (std::size_t hops = 0; at != model::kNoInterim && hops < out.size(); ++hops) {
      cycle += " -> " + out[at].name;
      if (at == i) {
        r.fail(*fallback_nodes[i], key_of(out[i].name),
               "fallback cycle: " + cycle +
                   " (the fallbacks of limited situations must end in an unlimited one)");
      }
      at = out[at].fallback;
    }
  }
  return out;
}

// [outcomes.NAME]: named destinations of people who leave the sector at a decision branch
// (ordinary work, the parental home...), in alphabetical order of their names.
std::vector<model::Outcome> read_outcomes(const Reader& r, const toml::table& root) {
  std::vector<model::Outcome> out;
  // Model::outcomes' bound (params.hpp): indices stay below the kNoOutcome marker.
  constexpr std::size_t kMaxOutcomes = model::kNoOutcome - 1;
  read_named_tables(r, root, "outcomes", kMaxOutcomes, "outcome",
                    [&](std::string name, const toml::table& t, const std::string& path) {
                      r.check_keys(t, path, {"description"});
                      model::Outcome outcome;
                      outcome.name = std::move(name);
                      if (const toml::node* n = t.get("description")) {
                        outcome.description = r.string(*n, child_key(path, "description"));
                      }
                      out.push_back(std::move(outcome));
                    });
  return out;
}

// [modes.NAME]: the modes of care in a place (internat, semi-internat, part time...).
std::vector<model::Mode> read_modes(const Reader& r, const toml::table& root) {
  std::vector<model::Mode> out;
  read_named_tables(r, root, "modes", model::Care::kMaxModes, "mode",
                    [&](std::string name, const toml::table& t, const std::string& path) {
                      r.check_keys(t, path, {"residential", "attendance", "description"});
                      model::Mode mode;
                      mode.name = std::move(name);
                      if (const toml::node* n = t.get("residential")) {
                        mode.residential = r.boolean(*n, child_key(path, "residential"));
                      }
                      mode.attendance =
                          r.opt_number(t, path, "attendance", NumberRange{0.0, false, 1.0, true},
                                       " (the share of opening days attended)")
                              .value_or(mode.attendance);
                      out.push_back(std::move(mode));
                    });
  return out;
}

// [schooling.NAME]: the schooling situations of children in a place.
std::vector<model::Schooling> read_schoolings(const Reader& r, const toml::table& root) {
  std::vector<model::Schooling> out;
  read_named_tables(
      r, root, "schooling", model::Care::kMaxSchoolings, "schooling situation",
      [&](std::string name, const toml::table& t, const std::string& path) {
        r.check_keys(t, path, {"ordinary_school", "school_day_share", "description"});
        model::Schooling schooling;
        schooling.name = std::move(name);
        if (const toml::node* n = t.get("ordinary_school")) {
          schooling.ordinary_school = r.boolean(*n, child_key(path, "ordinary_school"));
        }
        schooling.school_day_share = r.opt_number(t, path, "school_day_share", kProbability,
                                                  " (the share of attended days spent at school)")
                                         .value_or(schooling.school_day_share);
        out.push_back(std::move(schooling));
      });
  return out;
}

// The names of the categories a service's tables and the plan steps refer to by name.
struct CategoryNames {
  std::vector<std::string> interim;
  std::vector<std::string> outcomes;
  std::vector<std::string> modes;
  std::vector<std::string> schoolings;
};

// A table NAME = number over `names` (a `noun`: "service", "impairment"), each in `range`;
// names left out get 0. `expected` describes the table in a type error.
std::vector<double> read_by_name(const Reader& r, const toml::node& n, const std::string& path,
                                 const std::vector<std::string>& names, const std::string& noun,
                                 const NumberRange& range, const std::string& expected) {
  const toml::table& t = r.table(n, path, expected);
  std::vector<double> values(names.size(), 0.0);
  for (auto&& [key, value] : t) {
    const std::string key_path = child_key(path, key.str());
    const auto it = std::find(names.begin(), names.end(), key.str());
    if (it == names.end()) {
      r.fail_key(key, key_path,
                 "unknown " + noun + " " + in_quotes(key.str()) +
                     suggestion(key.str(), names, noun + "s are"));
    }
    values[static_cast<std::size_t>(it - names.begin())] = r.number(value, key_path, range);
  }
  return values;
}

// A table NAME = probability over `names` (a `noun`: "service", "interim situation"); names
// left out get 0; the probabilities must sum to 1 (`what` names them in that error).
std::vector<double> read_shares(const Reader& r, const toml::node& n, const std::string& path,
                                const std::vector<std::string>& names, const std::string& noun,
                                std::string_view what) {
  std::vector<double> shares =
      read_by_name(r, n, path, names, noun, kProbability,
                   "a table of " + noun + " name = probability, summing to 1");
  double sum = 0.0;
  for (const double p : shares) {
    sum += p;
  }
  check_sum(r, n, path, sum, what);
  return shares;
}

// services.NAME.interim: one probability per declared situation (left out: 0), summing to 1.
std::vector<double> read_interim_shares(const Reader& r, const toml::node& n,
                                        const std::string& path,
                                        const std::vector<std::string>& situations) {
  if (situations.empty()) {
    r.fail(n, path,
           "interim shares need interim situations, and none is declared (add [interim.NAME] "
           "tables)");
  }
  return read_shares(r, n, path, situations, "interim situation", "interim shares");
}

// services.NAME.modes / services.NAME.schooling: one probability per declared mode (resp.
// schooling situation), left out: 0, summing to 1. `noun`: "mode", "schooling situation";
// `top`: the table that declares them ("modes", "schooling").
std::vector<double> read_care_shares(const Reader& r, const toml::node& n, const std::string& path,
                                     const std::vector<std::string>& names, const std::string& noun,
                                     std::string_view top, std::string_view what) {
  if (names.empty()) {
    r.fail(n, path,
           std::string(what) + " need " + noun + "s, and none is declared (add [" +
               std::string(top) + ".NAME] tables)");
  }
  return read_shares(r, n, path, names, noun, what);
}

// An array of 1..`max` distinct non-empty names of ordered categories (a `noun`: "impairment",
// "needs level"), kept in the order given.
std::vector<std::string> read_categories(const Reader& r, const toml::node& n,
                                         const std::string& path, std::size_t max,
                                         const std::string& noun) {
  const toml::array& a =
      r.array(n, path,
              "an array of 1 to " + std::to_string(max) + " distinct non-empty " + noun + " names");
  if (a.empty() || a.size() > max) {
    r.fail(n, path,
           "expected between 1 and " + std::to_string(max) + " " + noun + "s, got " +
               std::to_string(a.size()));
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string key = item_key(path, i);
    std::string name = r.string(a[i], key);
    if (name.empty()) {
      r.fail(a[i], key, "expected a non-empty string, got \"\"");
    }
    if (const auto it = std::find(out.begin(), out.end(), name); it != out.end()) {
      r.fail(a[i], key,
             "duplicate " + noun + " " + in_quotes(name) + " (already at index " +
                 std::to_string(it - out.begin()) + ")");
    }
    out.push_back(std::move(name));
  }
  return out;
}

// [children]: the categories children are described by (model defaults when absent).
model::Children read_children(const Reader& r, const toml::table& root) {
  model::Children out;
  const toml::node* node = root.get("children");
  if (node == nullptr) {
    return out;
  }
  const std::string path = "children";
  const toml::table& t = r.table(*node, path);
  r.check_keys(t, path, {"impairments", "needs_levels", "mortality_per_year", "age_groups"});
  if (const toml::node* n = t.get("impairments")) {
    out.impairments = read_categories(r, *n, child_key(path, "impairments"),
                                      model::Attributes::kMaxImpairments, "impairment");
  }
  if (const toml::node* n = t.get("needs_levels")) {
    out.needs_levels = read_categories(r, *n, child_key(path, "needs_levels"),
                                       model::Attributes::kMaxNeedsLevels, "needs level");
  }
  if (const toml::node* n = t.get("mortality_per_year")) {
    // Below 1: a yearly probability of 1 or more is no longer a plausible hazard.
    constexpr NumberRange kHazard{0.0, true, 1.0, false};
    out.mortality_per_year =
        read_by_name(r, *n, child_key(path, "mortality_per_year"), out.impairments, "impairment",
                     kHazard, "a table of impairment name = probability of dying within a year");
  }
  if (const toml::node* n = t.get("age_groups")) {
    const std::string key = child_key(path, "age_groups");
    const toml::array& a = r.array(
        *n, key,
        "an array of strictly ascending numbers (the lower bounds of the age groups in years, the "
        "first 0)");
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string ikey = item_key(key, i);
      const double v = r.number(a[i], ikey, kAnyNumber);
      if (i == 0 && v != 0.0) {
        r.fail(a[i], ikey,
               "expected 0 (the first age group starts at birth), got " + format_number(v));
      }
      if (i > 0 && !(v > out.age_groups.back())) {
        r.fail(a[i], ikey,
               "expected age groups strictly ascending: a number > " +
                   format_number(out.age_groups.back()) + ", got " + format_number(v));
      }
      out.age_groups.push_back(v);
    }
  }
  return out;
}

// services.NAME.children: the attribute laws of children who enter the model through it.
model::Profile read_profile(const Reader& r, const toml::node& n, const std::string& path,
                            const model::Children& children) {
  const toml::table& t = r.table(n, path);
  r.check_keys(t, path, {"impairment", "needs", "ase_share", "boys_share"});
  model::Profile p;
  if (const toml::node* shares = t.get("impairment")) {
    p.impairment_shares = read_shares(r, *shares, child_key(path, "impairment"),
                                      children.impairments, "impairment", "impairment shares");
  }
  if (const toml::node* shares = t.get("needs")) {
    p.needs_shares = read_shares(r, *shares, child_key(path, "needs"), children.needs_levels,
                                 "needs level", "needs shares");
  }
  p.ase_share = r.opt_number(t, path, "ase_share", kProbability).value_or(p.ase_share);
  p.boys_share = r.opt_number(t, path, "boys_share", kProbability).value_or(p.boys_share);
  return p;
}

// A priority condition's array of category names (a `noun`), as indices into `names`.
std::vector<std::uint8_t> read_category_refs(const Reader& r, const toml::node& n,
                                             const std::string& path,
                                             const std::vector<std::string>& names,
                                             const std::string& noun) {
  const toml::array& a = r.array(n, path, "a non-empty array of " + noun + " names");
  if (a.empty()) {
    r.fail(n, path,
           "expected at least one " + noun +
               " name, got an empty array (leave the key out to accept any)");
  }
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string key = item_key(path, i);
    const std::string name = r.string(a[i], key);
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      r.fail(a[i], key,
             "unknown " + noun + " " + in_quotes(name) + suggestion(name, names, noun + "s are"));
    }
    const auto id = static_cast<std::uint8_t>(it - names.begin());
    if (std::find(out.begin(), out.end(), id) != out.end()) {
      r.fail(a[i], key, "duplicate " + noun + " " + in_quotes(name));
    }
    out.push_back(id);
  }
  return out;
}

// A non-empty array of distinct service names, as ServiceIds; `unset` says what leaving the key
// out does.
std::vector<std::uint16_t> read_service_refs(const Reader& r, const toml::node& n,
                                             const std::string& key, const ServiceNames& services,
                                             const std::string& unset) {
  const toml::array& a = r.array(n, key, "a non-empty array of service names");
  if (a.empty()) {
    r.fail(n, key,
           "expected at least one service name, got an empty array (leave the key out to " + unset +
               ")");
  }
  std::vector<std::uint16_t> out;
  for (std::size_t j = 0; j < a.size(); ++j) {
    const model::ServiceId id = service_ref(r, services, a[j], item_key(key, j));
    if (std::find(out.begin(), out.end(), id) != out.end()) {
      r.fail(a[j], item_key(key, j), "duplicate service " + in_quotes(services.names[id]));
    }
    out.push_back(id);
  }
  return out;
}

// [[lists.priority]]: the levels, highest first, in file order. `pag_on`: PAGs exist.
std::vector<model::PriorityLevel> read_priority(const Reader& r, const toml::node& n,
                                                const std::string& path,
                                                const model::Children& children,
                                                const ServiceNames& services, bool pag_on) {
  const toml::array& list =
      r.array(n, path, "an array of tables (one [[lists.priority]] per level, highest first)");
  constexpr auto kMaxLevels = static_cast<std::size_t>(model::Lists::kMaxPriorityLevels);
  if (list.empty() || list.size() > kMaxLevels) {
    r.fail(n, path,
           "expected between 1 and " + std::to_string(kMaxLevels) + " priority levels, got " +
               std::to_string(list.size()));
  }
  std::vector<model::PriorityLevel> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string lpath = item_key(path, i);
    const toml::table& t = r.table(list[i], lpath, "a priority level table (name, conditions)");
    r.check_keys(t, lpath,
                 {"name", "services", "pag", "ase", "needs", "impairments", "min_age_years",
                  "min_waited_years", "description"});
    model::PriorityLevel level;
    const std::string name_key = child_key(lpath, "name");
    const toml::node& name_node = r.required(t, lpath, "name", "a non-empty string");
    level.name = r.string(name_node, name_key);
    if (level.name.empty()) {
      r.fail(name_node, name_key, "expected a non-empty string, got \"\"");
    }
    for (std::size_t j = 0; j < out.size(); ++j) {
      if (out[j].name == level.name) {
        r.fail(name_node, name_key,
               "duplicate priority level " + in_quotes(level.name) + " (already at index " +
                   std::to_string(j) + ")");
      }
    }
    if (const toml::node* c = t.get("services")) {
      level.services =
          read_service_refs(r, *c, child_key(lpath, "services"), services, "apply to every list");
    }
    if (const toml::node* c = t.get("pag")) {
      level.pag = r.boolean(*c, child_key(lpath, "pag"));
    }
    if (const toml::node* c = t.get("ase")) {
      level.ase = r.boolean(*c, child_key(lpath, "ase"));
    }
    if (const toml::node* c = t.get("needs")) {
      level.needs = read_category_refs(r, *c, child_key(lpath, "needs"), children.needs_levels,
                                       "needs level");
    }
    if (const toml::node* c = t.get("impairments")) {
      level.impairments = read_category_refs(r, *c, child_key(lpath, "impairments"),
                                             children.impairments, "impairment");
    }
    level.min_age_years = r.opt_number(t, lpath, "min_age_years", kNonNegative).value_or(0.0);
    level.min_waited_years = r.opt_number(t, lpath, "min_waited_years", kNonNegative).value_or(0.0);
    if (const toml::node* c = t.get("description")) {
      (void)r.string(*c, child_key(lpath, "description"));  // free text for readers only
    }
    if (i + 1 == list.size() && !level.unconditional()) {
      // Point at one condition that holds the level back (the first in the struct's order).
      const char* condition = !level.services.empty()      ? "services"
                              : !level.needs.empty()       ? "needs"
                              : !level.impairments.empty() ? "impairments"
                              : level.ase                  ? "ase"
                              : level.pag                  ? "pag"
                              : level.min_age_years > 0.0  ? "min_age_years"
                                                           : "min_waited_years";
      r.fail(*t.get(condition), child_key(lpath, condition),
             "the last priority level must have no condition: it takes every child no other "
             "level takes");
    }
    if (level.pag.value_or(false) && !pag_on) {
      r.fail(*t.get("pag"), child_key(lpath, "pag"),
             "pag = true can never match: nobody gets a PAG unless [lists] pag_after_years is "
             "set");
    }
    out.push_back(std::move(level));
  }
  return out;
}

// [lists]: priority levels and the periodic review of the lists (model defaults when absent).
model::Lists read_lists(const Reader& r, const toml::table& root, const model::Children& children,
                        const ServiceNames& services,
                        const std::vector<model::InterimSituation>& interim) {
  std::vector<std::string> interim_names;
  bool any_no_solution = false;
  for (const auto& situation : interim) {
    interim_names.push_back(situation.name);
    any_no_solution = any_no_solution || situation.no_solution;
  }
  model::Lists out;
  const toml::node* node = root.get("lists");
  if (node == nullptr) {
    return out;
  }
  const std::string path = "lists";
  const toml::table& t = r.table(*node, path);
  r.check_keys(t, path,
               {"review_every_months", "reviewed_services", "removal_per_review", "pag_after_years",
                "pag_interim", "priority", "per", "applications"});
  if (const toml::node* n = t.get("per")) {
    out.per_provider =
        r.choice(*n, child_key(path, "per"), {"territory", "provider"}, "value") == 1;
  }
  if (const toml::node* n = t.get("applications")) {
    const std::string key = child_key(path, "applications");
    if (!out.per_provider) {
      r.fail(*n, key,
             "applications is only allowed with per = \"provider\" (pooled lists: a child waits "
             "on one list per service)");
    }
    out.applications = static_cast<int>(r.integer(*n, key, 1, kHugeInteger));
  }
  out.review_every_months =
      static_cast<int>(r.opt_integer(t, path, "review_every_months", 0, kHugeInteger).value_or(0));
  if (const toml::node* n = t.get("reviewed_services")) {
    out.reviewed_services = read_service_refs(r, *n, child_key(path, "reviewed_services"), services,
                                              "review every list");
  }
  if (const toml::node* n = t.get("removal_per_review")) {
    out.removal_per_review = r.number(*n, child_key(path, "removal_per_review"), kProbability);
    if (out.removal_per_review > 0.0 && !out.has_reviews()) {
      r.fail(*n, child_key(path, "removal_per_review"),
             "removal_per_review > 0 needs review_every_months > 0: children are removed at list "
             "reviews, and there are none");
    }
  }
  if (const toml::node* n = t.get("pag_after_years")) {
    out.pag_after_years = r.number(*n, child_key(path, "pag_after_years"), kPositive);
    if (!out.has_reviews()) {
      r.fail(*n, child_key(path, "pag_after_years"),
             "pag_after_years needs review_every_months > 0: PAGs are given at list reviews, and "
             "there are none");
    }
    if (!any_no_solution) {
      r.fail(*n, child_key(path, "pag_after_years"),
             "pag_after_years can never act: a PAG goes to a child waiting in a no-solution "
             "interim situation, and no [interim.NAME] has no_solution = true");
    }
  }
  const bool pag_on = out.pag_after_years < kInf;
  const std::string interim_key = child_key(path, "pag_interim");
  if (const toml::node* n = t.get("pag_interim")) {
    if (!pag_on) {
      r.fail(*n, interim_key, "pag_interim is only allowed with pag_after_years");
    }
    out.pag_interim =
        static_cast<std::uint8_t>(r.choice(*n, interim_key, interim_names, "interim situation"));
  } else if (pag_on && !interim_names.empty()) {
    r.fail_missing(t, interim_key,
                   "an interim situation name: where children with a PAG are while they wait, "
                   "required with pag_after_years when [interim.NAME] situations are declared");
  }
  if (const toml::node* n = t.get("priority")) {
    out.priority = read_priority(r, *n, child_key(path, "priority"), children, services, pag_on);
  }
  return out;
}

// [notifications]: how long MDPH orientations are valid and how often they are renewed (never
// expire when absent).
model::Notifications read_notifications(const Reader& r, const toml::table& root) {
  model::Notifications out;
  const toml::node* node = root.get("notifications");
  if (node == nullptr) {
    return out;
  }
  const std::string path = "notifications";
  const toml::table& t = r.table(*node, path);
  r.check_keys(t, path, {"validity_years", "renewal_share"});
  if (const toml::node* n = t.get("validity_years")) {
    out.validity_years = r.number(*n, child_key(path, "validity_years"), kPositive);
  }
  if (const toml::node* n = t.get("renewal_share")) {
    const std::string key = child_key(path, "renewal_share");
    if (!out.expire()) {
      r.fail(*n, key,
             "renewal_share needs validity_years: orientations are renewed when they expire, and "
             "without validity_years they never do");
    }
    out.renewal_share = r.number(*n, key, kProbability);
  }
  return out;
}

// [behaviour]: providers' responses to the incentives of their funding (model rule 28).
model::Behaviour read_behaviour(const Reader& r, const toml::table& root) {
  model::Behaviour out;
  const toml::node* node = root.get("behaviour");
  if (node == nullptr) {
    return out;
  }
  const std::string path = "behaviour";
  const toml::table& t = r.table(*node, path);
  r.check_keys(t, path,
               {"step_down", "care", "max_factor", "vacancy_days", "creton_release",
                "selection_days", "mode_costs"});
  out.step_down = r.opt_number(t, path, "step_down", kNonNegative).value_or(out.step_down);
  out.care = r.opt_number(t, path, "care", kNonNegative).value_or(out.care);
  out.max_factor = r.opt_number(t, path, "max_factor", NumberRange{1.0, true, kInf, true})
                       .value_or(out.max_factor);
  out.vacancy_days = r.opt_number(t, path, "vacancy_days", kNonNegative).value_or(out.vacancy_days);
  out.creton_release =
      r.opt_number(t, path, "creton_release", kNonNegative).value_or(out.creton_release);
  out.selection_days =
      r.opt_number(t, path, "selection_days", kNonNegative).value_or(out.selection_days);
  out.mode_costs = r.opt_number(t, path, "mode_costs", kProbability).value_or(out.mode_costs);
  return out;
}

// [plans] and [[plans.steps]]: the yearly reviews of children's plans. `model` has its services,
// modes, schoolings and children read; steps keep file order.
model::Plans read_plans(const Reader& r, const toml::table& root, const model::Model& model,
                        const CategoryNames& categories, const ServiceNames& services) {
  model::Plans out;
  const toml::node* node = root.get("plans");
  if (node == nullptr) {
    return out;
  }
  const std::string path = "plans";
  const toml::table& t = r.table(*node, path);
  r.check_keys(t, path, {"review_month", "steps"});
  constexpr std::int64_t kMonths = 12;
  out.review_month =
      static_cast<int>(r.opt_integer(t, path, "review_month", 1, kMonths).value_or(0));
  const toml::node* steps_node = t.get("steps");
  if (steps_node == nullptr) {
    return out;
  }
  const std::string steps_key = child_key(path, "steps");
  const toml::array& list =
      r.array(*steps_node, steps_key, "an array of tables (one [[plans.steps]] per step)");
  static const std::vector<std::string> kActions = {"move", "orient"};
  std::vector<double> sum_from(services.names.size(), 0.0);  // step probabilities by `from`
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string spath = item_key(steps_key, i);
    const toml::table& s = r.table(
        list[i], spath, "a plan step table (name, from, probability, conditions and effects)");
    r.check_keys(s, spath,
                 {"name", "from", "probability", "modes", "schoolings", "impairments", "needs",
                  "min_age_years", "max_age_years", "to_mode", "to_schooling", "to", "action",
                  "description"});
    model::PlanStep step;
    const std::string name_key = child_key(spath, "name");
    const toml::node& name_node = r.required(s, spath, "name", "a non-empty string");
    step.name = r.string(name_node, name_key);
    if (step.name.empty()) {
      r.fail(name_node, name_key, "expected a non-empty string, got \"\"");
    }
    for (std::size_t j = 0; j < out.steps.size(); ++j) {
      if (out.steps[j].name == step.name) {
        r.fail(name_node, name_key,
               "duplicate plan step " + in_quotes(step.name) + " (already at index " +
                   std::to_string(j) + ")");
      }
    }
    step.from = service_ref(r, services,
                            r.required(s, spath, "from", "a service name (where the step applies)"),
                            child_key(spath, "from"));
    const model::Service& from = model.services[step.from];
    const std::string from_key = child_key("services", from.name);

    step.probability = r.req_number(s, spath, "probability", kProbability);
    sum_from[step.from] += step.probability;
    if (sum_from[step.from] > 1.0 + kSumTolerance) {
      r.fail(*s.get("probability"), child_key(spath, "probability"),
             "the probabilities of the steps from " + in_quotes(from.name) + " sum to " +
                 format_number(sum_from[step.from]) + ", expected at most 1 (within 1e-9)");
    }

    // A condition on, or a change of, the mode (schooling) needs `from` to give one on admission.
    auto needs_record = [&](std::string_view key, bool recorded, std::string_view shares_key,
                            std::string_view one) {
      if (!recorded) {
        r.fail(*s.get(key), child_key(spath, key),
               "expected a from service that records " + std::string(shares_key) + ": " +
                   in_quotes(from.name) + " has no " + child_key(from_key, shares_key) +
                   " shares, so its children have no " + std::string(one) + " to test or change");
      }
    };
    const bool records_modes = !from.mode_shares.empty();
    const bool records_schooling = !from.schooling_shares.empty();
    if (const toml::node* c = s.get("modes")) {
      needs_record("modes", records_modes, "modes", "mode");
      step.modes = read_category_refs(r, *c, child_key(spath, "modes"), categories.modes, "mode");
    }
    if (const toml::node* c = s.get("schoolings")) {
      needs_record("schoolings", records_schooling, "schooling", "schooling");
      step.schoolings = read_category_refs(r, *c, child_key(spath, "schoolings"),
                                           categories.schoolings, "schooling situation");
    }
    if (const toml::node* c = s.get("impairments")) {
      step.impairments = read_category_refs(r, *c, child_key(spath, "impairments"),
                                            model.children.impairments, "impairment");
    }
    if (const toml::node* c = s.get("needs")) {
      step.needs = read_category_refs(r, *c, child_key(spath, "needs"), model.children.needs_levels,
                                      "needs level");
    }
    step.min_age_years = r.opt_number(s, spath, "min_age_years", kNonNegative).value_or(0.0);
    if (const toml::node* c = s.get("max_age_years")) {
      step.max_age_years = r.number(*c, child_key(spath, "max_age_years"),
                                    NumberRange{step.min_age_years, false, kInf, true},
                                    " (greater than min_age_years)");
    }

    if (const toml::node* e = s.get("to_mode")) {
      needs_record("to_mode", records_modes, "modes", "mode");
      step.to_mode = static_cast<std::uint8_t>(
          r.choice(*e, child_key(spath, "to_mode"), categories.modes, "mode"));
    }
    if (const toml::node* e = s.get("to_schooling")) {
      needs_record("to_schooling", records_schooling, "schooling", "schooling");
      step.to_schooling = static_cast<std::uint8_t>(r.choice(
          *e, child_key(spath, "to_schooling"), categories.schoolings, "schooling situation"));
    }
    const toml::node* to = s.get("to");
    if (to != nullptr) {
      step.target = service_ref(r, services, *to, child_key(spath, "to"));
      if (step.target == step.from) {
        r.fail(*to, child_key(spath, "to"),
               "expected a service other than " + in_quotes(from.name) +
                   " (from): a step re-orients a child to another service");
      }
    }
    if (const toml::node* a = s.get("action")) {
      if (to == nullptr) {
        r.fail(*a, child_key(spath, "action"),
               "action is only allowed with to (it says how the child re-oriented there waits)");
      }
      step.action = r.choice(*a, child_key(spath, "action"), kActions, "action") == 0
                        ? model::Action::kMove
                        : model::Action::kOrient;
    }
    if (!step.to_mode && !step.to_schooling && to == nullptr) {
      r.fail(list[i], spath,
             "expected at least one effect (to_mode, to_schooling or to), got none: the step "
             "would change nothing");
    }
    if (const toml::node* c = s.get("description")) {
      (void)r.string(*c, child_key(spath, "description"));  // free text for readers only
    }
    out.steps.push_back(std::move(step));
  }
  if (!out.steps.empty() && out.review_month == 0) {
    r.fail_missing(t, child_key(path, "review_month"),
                   integer_range(1, kMonths) +
                       ": the month of the yearly plan reviews, required with [[plans.steps]] "
                       "(steps are only taken at reviews)");
  }
  return out;
}

std::vector<model::Branch> read_branches(const Reader& r, const ServiceNames& services,
                                         const std::vector<std::string>& outcomes,
                                         const toml::node& n, const std::string& path) {
  const std::string expected =
      "an array of branches such as [{ probability = 1.0, action = \"leave\" }]";
  const toml::array& list = r.array(n, path, expected);
  if (list.empty()) {
    r.fail(n, path, "expected at least one branch, got an empty array");
  }
  static const std::vector<std::string> kActions = {"leave", "orient", "move"};
  std::vector<model::Branch> out;
  double sum = 0.0;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string bpath = item_key(path, i);
    const toml::table& t =
        r.table(list[i], bpath, "a branch table such as { probability = 1.0, action = \"leave\" }");
    r.check_keys(t, bpath, {"probability", "action", "to", "outcome"});
    model::Branch b;
    b.probability = r.req_number(t, bpath, "probability", kProbability);
    const toml::node& action_node =
        r.required(t, bpath, "action", "one of " + join_quoted(kActions));
    const std::size_t action =
        r.choice(action_node, child_key(bpath, "action"), kActions, "action");
    b.action = static_cast<model::Action>(action);
    const toml::node* to = t.get("to");
    if (b.action == model::Action::kLeave) {
      if (to != nullptr) {
        r.fail(*to, child_key(bpath, "to"), "\"to\" is not allowed with action \"leave\"");
      }
    } else {
      if (to == nullptr) {
        r.fail_missing(t, child_key(bpath, "to"),
                       "a service name: action " + in_quotes(kActions[action]) + " needs a target");
      }
      b.target = service_ref(r, services, *to, child_key(bpath, "to"));
    }
    if (const toml::node* outcome = t.get("outcome")) {
      const std::string key = child_key(bpath, "outcome");
      if (b.action != model::Action::kLeave) {
        r.fail(*outcome, key,
               "\"outcome\" is only allowed with action \"leave\" (it names where a leaver "
               "goes), got action " +
                   in_quotes(kActions[action]));
      }
      const std::string name = r.string(*outcome, key);
      const auto it = std::find(outcomes.begin(), outcomes.end(), name);
      if (outcomes.empty()) {
        r.fail(*outcome, key,
               "unknown outcome " + in_quotes(name) +
                   ": no outcome is declared (add [outcomes.NAME] tables)");
      }
      if (it == outcomes.end()) {
        r.fail(*outcome, key,
               "unknown outcome " + in_quotes(name) + suggestion(name, outcomes, "outcomes are"));
      }
      b.outcome = static_cast<std::uint8_t>(it - outcomes.begin());
    }
    sum += b.probability;
    out.push_back(b);
  }
  check_sum(r, n, path, sum, "branch probabilities");
  return out;
}

// Places per home territory (abroad places come from [abroad.CODE]): an array in territory
// order, a table CODE = places naming every home territory, or a national total shared by
// weight.
std::vector<std::int64_t> read_capacity(const Reader& r, const toml::table& t,
                                        const std::string& path,
                                        const std::vector<model::Territory>& homes,
                                        const std::vector<std::string>& abroad_codes) {
  const toml::node* places = t.get("places");
  const toml::node* total = t.get("places_total");
  const toml::node* minimum = t.get("places_min");
  const std::string per = abroad_codes.empty() ? "one per territory" : "one per home territory";
  std::vector<std::int64_t> capacity;
  if (places != nullptr && total != nullptr) {
    r.fail(*total, child_key(path, "places_total"),
           "give either places (" + per + ") or places_total, not both");
  }
  if (places == nullptr && total == nullptr) {
    r.fail_missing(t, child_key(path, "places"),
                   "either places (an array of integers >= 0, " + per +
                       ", or a table of territory code = integer >= 0) or places_total (an "
                       "integer >= 0)");
  }
  constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();
  if (places != nullptr) {
    if (minimum != nullptr) {
      r.fail(*minimum, child_key(path, "places_min"),
             "places_min is only allowed with places_total");
    }
    const ByHomeWords words{
        "an integer >= 0",
        "an array of integers >= 0 (" + per + ") or a table of territory code = integer >= 0",
        "a places table", [](const std::string& code) {
          return "give its places in " + child_key("abroad", code) + ".places";
        }};
    return read_by_home_territory<std::int64_t>(r, *places, child_key(path, "places"), homes,
                                                abroad_codes, words,
                                                [&](const toml::node& v, const std::string& key) {
                                                  return r.integer(v, key, 0, kMaxInt64);
                                                });
  }
  const std::int64_t places_total =
      r.integer(*total, child_key(path, "places_total"), 0, kMaxPlaces);
  const std::int64_t places_min = r.opt_integer(t, path, "places_min", 0, kMaxPlaces).value_or(0);
  double weight_sum = 0.0;
  for (const auto& territory : homes) {
    weight_sum += territory.weight;
  }
  for (const auto& territory : homes) {
    const auto share = static_cast<std::int64_t>(
        std::round(static_cast<double>(places_total) * territory.weight / weight_sum));
    capacity.push_back(std::max(share, places_min));
  }
  return capacity;
}

// A service; its capacity is read from its places keys unless `capacity_from_providers` (then the
// caller sets it, and has checked there are no places keys).
model::Service read_service(const Reader& r, const ServiceNames& services, const toml::table& t,
                            const std::string& path, std::string name,
                            const std::vector<model::Territory>& homes,
                            const std::vector<std::string>& abroad_codes,
                            const CategoryNames& categories, const model::Children& children,
                            bool capacity_from_providers) {
  r.check_keys(
      t, path,
      {"places", "places_total", "places_min", "min_age_years", "age_limit_years",
       "length_of_stay_years", "on_stay_end", "on_age_limit", "initial", "arrival_age_years",
       "interim", "children", "modes", "schooling", "alternative", "alternative_share", "money"});
  model::Service s;
  s.name = std::move(name);
  if (!capacity_from_providers) {
    s.capacity = read_capacity(r, t, path, homes, abroad_codes);
  }
  s.min_age_years = r.opt_number(t, path, "min_age_years", kNonNegative).value_or(0.0);
  if (const toml::node* limit = t.get("age_limit_years")) {
    s.age_limit_years =
        r.number(*limit, child_key(path, "age_limit_years"),
                 NumberRange{s.min_age_years, false, kInf, true}, " (greater than min_age_years)");
  }
  s.length_of_stay_years = read_distribution(
      r, r.required(t, path, "length_of_stay_years", "a distribution of durations in years"),
      child_key(path, "length_of_stay_years"), Support::kAtLeastZero);
  if (const toml::node* n = t.get("on_stay_end")) {
    s.on_stay_end =
        read_branches(r, services, categories.outcomes, *n, child_key(path, "on_stay_end"));
  }
  if (const toml::node* n = t.get("on_age_limit")) {
    if (!s.has_age_limit()) {
      r.fail(*n, child_key(path, "on_age_limit"),
             "on_age_limit needs age_limit_years: without an age limit no stay reaches one");
    }
    s.on_age_limit =
        read_branches(r, services, categories.outcomes, *n, child_key(path, "on_age_limit"));
  }
  if (const toml::node* n = t.get("initial")) {
    const std::string ipath = child_key(path, "initial");
    const toml::table& initial = r.table(*n, ipath);
    r.check_keys(
        initial, ipath,
        {"share_of_places", "age_years", "waiting_per_place", "waiting_age_years", "waited_years"});
    // An age law, required when `count_key` (a number just read) puts people in place.
    auto ages_for = [&](const char* key, double count, const char* count_key,
                        core::Distribution& law) {
      const toml::node* ages = initial.get(key);
      if (ages == nullptr && count > 0.0) {
        r.fail_missing(initial, child_key(ipath, key),
                       std::string("a distribution of ages in years, since ") + count_key + " > 0");
      }
      if (ages != nullptr) {
        law = read_distribution(r, *ages, child_key(ipath, key), Support::kAtLeastZero);
      }
    };
    s.initial.share_of_places =
        r.opt_number(initial, ipath, "share_of_places", kProbability).value_or(0.0);
    ages_for("age_years", s.initial.share_of_places, "share_of_places", s.initial.age_years);
    s.initial.waiting_per_place =
        r.opt_number(initial, ipath, "waiting_per_place", kNonNegative).value_or(0.0);
    ages_for("waiting_age_years", s.initial.waiting_per_place, "waiting_per_place",
             s.initial.waiting_age_years);
    if (const toml::node* waited = initial.get("waited_years")) {
      s.initial.waited_years =
          read_distribution(r, *waited, child_key(ipath, "waited_years"), Support::kAtLeastZero);
    }
  }
  if (const toml::node* n = t.get("arrival_age_years")) {
    s.arrival_age_years =
        read_distribution(r, *n, child_key(path, "arrival_age_years"), Support::kAtLeastZero);
  }
  if (const toml::node* n = t.get("interim")) {
    s.interim_shares = read_interim_shares(r, *n, child_key(path, "interim"), categories.interim);
  }
  if (const toml::node* n = t.get("modes")) {
    s.mode_shares = read_care_shares(r, *n, child_key(path, "modes"), categories.modes, "mode",
                                     "modes", "mode shares");
  }
  if (const toml::node* n = t.get("schooling")) {
    s.schooling_shares =
        read_care_shares(r, *n, child_key(path, "schooling"), categories.schoolings,
                         "schooling situation", "schooling", "schooling shares");
  }
  if (const toml::node* n = t.get("children")) {
    s.children = read_profile(r, *n, child_key(path, "children"), children);
  }
  // Double orientation: the service a child waiting here may hold meanwhile.
  const toml::node* alternative = t.get("alternative");
  if (alternative != nullptr) {
    const std::string key = child_key(path, "alternative");
    s.alternative = service_ref(r, services, *alternative, key);
    if (s.alternative == services.find(s.name)) {
      r.fail(*alternative, key,
             "expected a service other than " + in_quotes(s.name) +
                 " itself: a child waiting for a place here holds a place of its alternative "
                 "meanwhile");
    }
  }
  if (const toml::node* n = t.get("alternative_share")) {
    const std::string key = child_key(path, "alternative_share");
    if (alternative == nullptr) {
      r.fail(*n, key,
             "alternative_share is only allowed with alternative (the service a child waiting "
             "here may take meanwhile)");
    }
    s.alternative_share = r.number(*n, key, kProbability);
  }
  return s;
}

// TerritoryId is 16 bits and its largest value is kept free as a marker.
constexpr std::size_t kMaxTerritories = std::numeric_limits<model::TerritoryId>::max() - 1;

// The codes of `territories`, in order (for did-you-mean suggestions).
std::vector<std::string> codes_of(const std::vector<model::Territory>& territories) {
  std::vector<std::string> out;
  out.reserve(territories.size());
  for (const auto& t : territories) {
    out.push_back(t.code);
  }
  return out;
}

// The results file labels abroad territories' region so; a home region cannot take the name.
constexpr std::string_view kAbroadRegion = "abroad";

std::string region_name_error(const std::string& name) {
  return name.empty() ? "expected a non-empty region name, got \"\""
                      : "the region name \"abroad\" is reserved for abroad territories in results";
}

// Home territories, their regions (numbered in order of first appearance) and land borders.
struct HomeTerritories {
  std::vector<model::Territory> territories;
  std::vector<model::Region> regions;
  std::vector<std::pair<model::TerritoryId, model::TerritoryId>> borders;
  bool has_borders = false;  // territories.borders is set (even to a file with no rows)

  model::RegionId region(const std::string& name) {
    for (std::size_t i = 0; i < regions.size(); ++i) {
      if (regions[i].name == name) {
        return static_cast<model::RegionId>(i);
      }
    }
    regions.push_back({name});
    return static_cast<model::RegionId>(regions.size() - 1);
  }

  [[nodiscard]] std::vector<std::string> codes() const { return codes_of(territories); }

  // The territory with this code, or territories.size().
  [[nodiscard]] std::size_t find(std::string_view code) const {
    std::size_t i = 0;
    while (i < territories.size() && territories[i].code != code) {
      ++i;
    }
    return i;
  }
};

void read_territory_codes(const Reader& r, const toml::table& t, HomeTerritories& out) {
  const std::string path = "territories";
  const std::string codes_key = "territories.codes";
  const toml::node& codes_node = r.required(
      t, path, "codes",
      "an array of unique non-empty strings, or territories.table (a CSV file of territories)");
  const toml::array& codes = r.array(codes_node, codes_key, "an array of unique non-empty strings");
  if (codes.empty() || codes.size() > kMaxTerritories) {
    r.fail(codes_node, codes_key,
           "expected between 1 and " + std::to_string(kMaxTerritories) + " codes, got " +
               std::to_string(codes.size()));
  }
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::string key = item_key(codes_key, i);
    std::string code = r.string(codes[i], key);
    if (code.empty()) {
      r.fail(codes[i], key, "expected a non-empty string, got \"\"");
    }
    if (const std::size_t j = out.find(code); j < out.territories.size()) {
      r.fail(codes[i], key,
             "duplicate territory code " + in_quotes(code) + " (already at index " +
                 std::to_string(j) + ")");
    }
    out.territories.push_back(model::home_territory(code, code, 1.0));
  }
  const std::size_t n = out.territories.size();
  auto same_length = [&](const toml::node& node, const std::string& key) -> const toml::array& {
    const toml::array& a = r.array(node, key, "an array with one entry per territory code");
    if (a.size() != n) {
      r.fail(node, key,
             "expected " + std::to_string(n) + " entries (one per territory code), got " +
                 std::to_string(a.size()));
    }
    return a;
  };
  if (const toml::node* node = t.get("names")) {
    const toml::array& names = same_length(*node, "territories.names");
    for (std::size_t i = 0; i < n; ++i) {
      out.territories[i].name = r.string(names[i], item_key("territories.names", i));
    }
  }
  if (const toml::node* node = t.get("weights")) {
    const toml::array& weights = same_length(*node, "territories.weights");
    for (std::size_t i = 0; i < n; ++i) {
      out.territories[i].weight =
          r.number(weights[i], item_key("territories.weights", i), kPositive);
    }
  }
  if (const toml::node* node = t.get("regions")) {
    const toml::array& regions = same_length(*node, "territories.regions");
    for (std::size_t i = 0; i < n; ++i) {
      const std::string key = item_key("territories.regions", i);
      const std::string name = r.string(regions[i], key);
      if (name.empty() || name == kAbroadRegion) {
        r.fail(regions[i], key, region_name_error(name));
      }
      out.territories[i].region = out.region(name);
    }
  } else {
    out.regions.push_back({"France"});
  }
}

void read_territory_table(const Reader& r, const toml::table& t, const toml::node& table_node,
                          HomeTerritories& out) {
  const std::string path = "territories";
  for (const char* key : {"codes", "names", "weights", "regions"}) {
    if (const toml::node* n = t.get(key)) {
      r.fail(*n, child_key(path, key),
             "give either table (a CSV file of territories) or codes (with names, weights, "
             "regions), not both");
    }
  }
  const toml::node& weight_node =
      r.required(t, path, "weight_column",
                 "a string: the column of territories.table holding each territory's weight");
  const std::string weight_column = r.string(weight_node, "territories.weight_column");
  if (weight_column.empty()) {
    r.fail(weight_node, "territories.weight_column",
           "expected a non-empty string (a column name), got \"\"");
  }
  const CsvTable csv = read_data_table(r, table_node, "territories.table");
  const std::vector<std::string> required = {"code", "name", "region", weight_column};
  constexpr std::string_view kNeeded = "territories.table needs it";
  const std::size_t code_col = required_column(csv, "code", kNeeded, required);
  const std::size_t name_col = required_column(csv, "name", kNeeded, required);
  const std::size_t region_col = required_column(csv, "region", kNeeded, required);
  const std::size_t weight_col =
      required_column(csv, weight_column, "named by territories.weight_column", required);
  if (csv.rows.empty() || csv.rows.size() > kMaxTerritories) {
    throw ScenarioError(csv.file, csv.header_line, 1, "",
                        "expected between 1 and " + std::to_string(kMaxTerritories) +
                            " territory rows after the header, got " +
                            std::to_string(csv.rows.size()));
  }
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    const std::vector<std::string>& row = csv.rows[i];
    const std::string& code = row[code_col];
    if (code.empty()) {
      csv.fail_at(i, code_col, "expected a non-empty territory code, got \"\"");
    }
    if (const std::size_t j = out.find(code); j < out.territories.size()) {
      csv.fail_at(i, code_col,
                  "duplicate territory code " + in_quotes(code) + " (already on line " +
                      std::to_string(csv.row_lines[j]) + ")");
    }
    const std::optional<double> weight = parse_cell<double>(row[weight_col]);
    if (!weight || !(*weight > 0.0)) {
      csv.fail_at(i, weight_col, "expected a number > 0, got " + in_quotes(row[weight_col]));
    }
    if (row[region_col].empty() || row[region_col] == kAbroadRegion) {
      csv.fail_at(i, region_col, region_name_error(row[region_col]));
    }
    model::Territory territory =
        model::home_territory(code, row[name_col].empty() ? code : row[name_col], *weight);
    territory.region = out.region(row[region_col]);
    out.territories.push_back(std::move(territory));
  }
}

void read_borders(const Reader& r, const toml::node& n, HomeTerritories& out) {
  const CsvTable csv = read_data_table(r, n, "territories.borders");
  const std::vector<std::string> required = {"code_a", "code_b"};
  constexpr std::string_view kNeeded = "territories.borders needs it";
  const std::size_t a_col = required_column(csv, "code_a", kNeeded, required);
  const std::size_t b_col = required_column(csv, "code_b", kNeeded, required);
  const std::vector<std::string> codes = out.codes();
  std::vector<std::pair<model::TerritoryId, model::TerritoryId>> seen;
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    std::array<model::TerritoryId, 2> ends{};
    for (std::size_t k = 0; k < 2; ++k) {
      const std::size_t col = k == 0 ? a_col : b_col;
      const std::string& code = csv.rows[i][col];
      const std::size_t id = out.find(code);
      if (id == out.territories.size()) {
        csv.fail_at(i, col,
                    "unknown territory code " + in_quotes(code) +
                        suggestion(code, codes, "territory codes are"));
      }
      ends[k] = static_cast<model::TerritoryId>(id);
    }
    if (ends[0] == ends[1]) {
      csv.fail_at(i, b_col,
                  "a territory cannot border itself (" + in_quotes(csv.rows[i][b_col]) +
                      " is also code_a)");
    }
    const std::pair<model::TerritoryId, model::TerritoryId> pair{std::min(ends[0], ends[1]),
                                                                 std::max(ends[0], ends[1])};
    if (std::find(seen.begin(), seen.end(), pair) == seen.end()) {
      seen.emplace_back(pair);
    }
  }
  out.borders = std::move(seen);
  out.has_borders = true;
}

HomeTerritories read_territories(const Reader& r, const toml::table& root) {
  const std::string path = "territories";
  const toml::table& t = r.required_table(root, "", path);
  r.check_keys(t, path,
               {"codes", "names", "weights", "regions", "table", "weight_column", "borders"});
  HomeTerritories out;
  if (const toml::node* table_node = t.get("table")) {
    read_territory_table(r, t, *table_node, out);
  } else {
    if (const toml::node* n = t.get("weight_column")) {
      r.fail(*n, "territories.weight_column", "weight_column is only allowed with table");
    }
    read_territory_codes(r, t, out);
  }
  if (const toml::node* n = t.get("borders")) {
    read_borders(r, *n, out);
  }
  return out;
}

// Out-of-country destinations, in alphabetical order of their codes (toml++'s key order), and
// their places per service.
struct AbroadTerritories {
  std::vector<model::Territory> territories;
  std::vector<std::vector<std::int64_t>> places;  // [abroad][service]

  [[nodiscard]] std::vector<std::string> codes() const { return codes_of(territories); }
};

std::vector<model::TerritoryId> read_senders(const Reader& r, const toml::table& a,
                                             const std::string& path, const HomeTerritories& homes,
                                             const toml::table& abroad) {
  const std::string key = child_key(path, "senders");
  const std::string expected = "a non-empty array of home territory codes";
  const toml::node& node = r.required(a, path, "senders", expected);
  const toml::array& list = r.array(node, key, expected);
  if (list.empty()) {
    r.fail(node, key, "expected at least one home territory code, got an empty array");
  }
  const std::vector<std::string> codes = homes.codes();
  std::vector<model::TerritoryId> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string ikey = item_key(key, i);
    const std::string code = r.string(list[i], ikey);
    const std::size_t id = homes.find(code);
    if (id == homes.territories.size()) {
      if (abroad.contains(code)) {
        r.fail(list[i], ikey,
               in_quotes(code) +
                   " is an abroad territory: only home territories send children abroad");
      }
      r.fail(list[i], ikey,
             "unknown home territory code " + in_quotes(code) +
                 suggestion(code, codes, "territory codes are"));
    }
    if (std::find(out.begin(), out.end(), id) != out.end()) {
      r.fail(list[i], ikey, "duplicate sender " + in_quotes(code));
    }
    out.push_back(static_cast<model::TerritoryId>(id));
  }
  return out;
}

AbroadTerritories read_abroad(const Reader& r, const toml::table& root,
                              const HomeTerritories& homes, const ServiceNames& services,
                              const Date& start, int periods_per_year) {
  AbroadTerritories out;
  const toml::node* node = root.get("abroad");
  if (node == nullptr) {
    return out;
  }
  const toml::table& all = r.table(*node, "abroad", "a table of [abroad.CODE] tables");
  if (homes.territories.size() + all.size() > kMaxTerritories) {
    r.fail(*node, "abroad",
           "expected at most " + std::to_string(kMaxTerritories - homes.territories.size()) +
               " abroad territories (at most " + std::to_string(kMaxTerritories) +
               " territories in all), got " + std::to_string(all.size()));
  }
  for (auto&& [key, value] : all) {
    const std::string code(key.str());
    const std::string path = child_key("abroad", code);
    if (code.empty()) {
      r.fail_key(key, path, "expected a non-empty abroad territory code");
    }
    if (const std::size_t h = homes.find(code); h < homes.territories.size()) {
      r.fail_key(key, path,
                 "abroad code " + in_quotes(code) + " is already a home territory code (" +
                     homes.territories[h].name + "); abroad codes must differ from home ones");
    }
    const toml::table& a = r.table(value, path);
    r.check_keys(a, path, {"name", "senders", "closed_from", "places"});
    model::Territory territory;
    territory.code = code;
    territory.name = code;
    territory.weight = 0.0;
    territory.region = model::kNoRegion;
    territory.abroad = true;
    if (const toml::node* n = a.get("name")) {
      territory.name = r.string(*n, child_key(path, "name"));
    }
    territory.senders = read_senders(r, a, path, homes, all);
    if (const toml::node* n = a.get("closed_from")) {
      const std::string ckey = child_key(path, "closed_from");
      const auto* date = n->as_date();
      if (date == nullptr) {
        r.fail(*n, ckey, "expected a local date such as 2027-01-01, got " + type_phrase(*n));
      }
      territory.closed_from_day = internal::model_day(start, periods_per_year, date->get().year,
                                                      date->get().month, date->get().day);
      if (territory.closed_from_day < 0.0) {
        std::ostringstream start_text;
        start_text << toml::date{start.year, start.month, start.day};
        r.fail(*n, ckey,
               "expected a date on or after scenario.start_date (" + start_text.str() + "), got " +
                   value_text(*n));
      }
    }
    std::vector<std::int64_t> places(services.names.size(), 0);
    if (const toml::node* n = a.get("places")) {
      const std::string pkey = child_key(path, "places");
      const toml::table& by_service = r.table(*n, pkey, "a table of service name = integer >= 0");
      for (auto&& [service, count] : by_service) {
        const std::string skey = child_key(pkey, service.str());
        const std::size_t id = services.find(service.str());
        if (id == services.names.size()) {
          r.fail_key(service, skey,
                     "unknown service " + in_quotes(service.str()) +
                         suggestion(service.str(), services.names, "services are"));
        }
        places[id] = r.integer(count, skey, 0, std::numeric_limits<std::int64_t>::max());
      }
    }
    out.territories.push_back(std::move(territory));
    out.places.push_back(std::move(places));
  }
  return out;
}

// Declared providers ([providers] file), their organisations, and the capacity they give each
// service that has any.
struct ProviderTable {
  std::vector<model::Provider> providers;
  std::vector<model::Organisation> organisations;
  std::vector<std::vector<std::int64_t>> capacity;  // [service][territory]; empty: no provider
  std::vector<int> first_line;  // [service]: the CSV line of its first provider (0: none)
  std::string file;             // the providers file, as shown in messages

  [[nodiscard]] bool has(std::size_t service) const { return !capacity[service].empty(); }

  // Why service `id` may not give places elsewhere too; `elsewhere` names the other place.
  [[nodiscard]] std::string both(std::size_t id, const std::string& service,
                                 const std::string& elsewhere, const std::string& note = {}) const {
    return "service " + in_quotes(service) + " has providers in " + file + " (first on line " +
           std::to_string(first_line[id]) + "): give its places in the providers file or in " +
           elsewhere + ", not both" + note;
  }
};

// A providers file's `impairments` cell: `;`-separated names of `impairments` as a bit mask (bit
// i: impairment i); empty: any impairment.
std::uint8_t impairment_mask(const CsvTable& csv, std::size_t row, std::size_t col,
                             const std::vector<std::string>& impairments) {
  const std::string& cell = csv.rows[row][col];
  if (cell.empty()) {
    return model::Provider::kAnyImpairment;
  }
  unsigned mask = 0;
  std::size_t begin = 0;
  for (;;) {
    const std::size_t end = std::min(cell.find(';', begin), cell.size());
    const std::string name = cell.substr(begin, end - begin);
    if (name.empty()) {
      csv.fail_at(row, col,
                  "expected impairment names separated by \";\" (or nothing: any impairment), "
                  "got an empty name in " +
                      in_quotes(cell));
    }
    const auto it = std::find(impairments.begin(), impairments.end(), name);
    if (it == impairments.end()) {
      csv.fail_at(row, col,
                  "unknown impairment " + in_quotes(name) +
                      suggestion(name, impairments, "impairments are"));
    }
    const unsigned bit = 1U << static_cast<unsigned>(it - impairments.begin());
    if ((mask & bit) != 0) {
      csv.fail_at(row, col, "duplicate impairment " + in_quotes(name) + " in " + in_quotes(cell));
    }
    mask |= bit;
    if (end == cell.size()) {
      return static_cast<std::uint8_t>(mask);
    }
    begin = end + 1;
  }
}

// [providers]: the CSV file of providers. `territory_codes` are every territory's, home then
// abroad, in TerritoryId order.
ProviderTable read_providers(const Reader& r, const toml::table& root,
                             const std::vector<std::string>& territory_codes,
                             const ServiceNames& services, const model::Children& children) {
  ProviderTable out;
  out.capacity.resize(services.names.size());
  out.first_line.assign(services.names.size(), 0);
  const toml::node* node = root.get("providers");
  if (node == nullptr) {
    return out;
  }
  const std::string path = "providers";
  const toml::table& t = r.table(*node, path);
  r.check_keys(t, path, {"file"});
  // The results name an authorisation by its impairments joined with ";", or "any" or "none":
  // no impairment may read as one of those (checked now, not after the run).
  if (const toml::node* names = root.at_path("children.impairments").node()) {
    for (const std::string& name : children.impairments) {
      if (name == "any" || name == "none" || name.find(';') != std::string::npos) {
        r.fail(*names, "children.impairments",
               "impairment " + in_quotes(name) +
                   " cannot be used with [providers]: an authorisation is written as impairment "
                   "names joined by \";\", or \"any\" or \"none\"");
      }
    }
  }
  const CsvTable csv = read_data_table(
      r, r.required(t, path, "file", "a string: the path of a CSV file of providers"),
      "providers.file");
  out.file = csv.file;
  const std::vector<std::string> required = {"name",   "territory",   "service",
                                             "places", "impairments", "organisation"};
  constexpr std::string_view kNeeded = "providers.file needs it";
  const std::size_t name_col = required_column(csv, "name", kNeeded, required);
  const std::size_t territory_col = required_column(csv, "territory", kNeeded, required);
  const std::size_t service_col = required_column(csv, "service", kNeeded, required);
  const std::size_t places_col = required_column(csv, "places", kNeeded, required);
  const std::size_t impairments_col = required_column(csv, "impairments", kNeeded, required);
  const std::size_t organisation_col = required_column(csv, "organisation", kNeeded, required);
  if (csv.rows.size() >= model::kNoProvider) {
    throw ScenarioError(csv.file, csv.header_line, 1, "",
                        "expected fewer than " + std::to_string(model::kNoProvider) +
                            " provider rows, got " + std::to_string(csv.rows.size()));
  }
  // OrganisationId is 16 bits, every value an index.
  constexpr std::size_t kMaxOrganisations =
      std::size_t{std::numeric_limits<model::OrganisationId>::max()} + 1;
  std::unordered_map<std::string, std::size_t> provider_rows;  // name -> row
  std::unordered_map<std::string, model::OrganisationId> organisation_ids;
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    const std::vector<std::string>& row = csv.rows[i];
    model::Provider p;
    p.name = row[name_col];
    if (p.name.empty()) {
      csv.fail_at(i, name_col, "expected a non-empty provider name, got \"\"");
    }
    if (const auto [it, added] = provider_rows.emplace(p.name, i); !added) {
      csv.fail_at(i, name_col,
                  "duplicate provider name " + in_quotes(p.name) + " (already on line " +
                      std::to_string(csv.row_lines[it->second]) + ")");
    }

    const std::string& code = row[territory_col];
    const auto territory = static_cast<std::size_t>(
        std::find(territory_codes.begin(), territory_codes.end(), code) - territory_codes.begin());
    if (territory == territory_codes.size()) {
      csv.fail_at(i, territory_col,
                  "unknown territory code " + in_quotes(code) +
                      suggestion(code, territory_codes, "territory codes are"));
    }
    p.territory = static_cast<model::TerritoryId>(territory);

    const std::string& service = row[service_col];
    const std::size_t id = services.find(service);
    if (id == services.names.size()) {
      csv.fail_at(i, service_col,
                  "unknown service " + in_quotes(service) +
                      suggestion(service, services.names, "services are"));
    }
    p.service = static_cast<model::ServiceId>(id);

    const std::optional<std::int64_t> places = parse_cell<std::int64_t>(row[places_col]);
    if (!places || *places < 0) {
      csv.fail_at(
          i, places_col,
          "expected an integer >= 0 (a number of places), got " + in_quotes(row[places_col]));
    }
    if (*places > kMaxPlaces) {
      csv.fail_at(i, places_col,
                  "expected an integer <= " + std::to_string(kMaxPlaces) + ", got " +
                      in_quotes(row[places_col]));
    }
    p.places = *places;
    if (!out.has(id)) {
      out.capacity[id].assign(territory_codes.size(), 0);
      out.first_line[id] = csv.row_lines[i];
    }
    std::int64_t& capacity = out.capacity[id][territory];
    capacity += p.places;
    if (capacity > kMaxPlaces) {
      csv.fail_at(i, places_col,
                  "the places of " + in_quotes(service) + " in " + in_quotes(code) +
                      " add up to more than " + std::to_string(kMaxPlaces));
    }

    p.impairments = impairment_mask(csv, i, impairments_col, children.impairments);

    const std::string& organisation =
        row[organisation_col].empty() ? p.name : row[organisation_col];
    auto org = organisation_ids.find(organisation);
    if (org == organisation_ids.end()) {
      if (out.organisations.size() == kMaxOrganisations) {
        csv.fail_at(
            i, organisation_col,
            "expected at most " + std::to_string(kMaxOrganisations) + " organisations, got more");
      }
      org = organisation_ids
                .emplace(organisation, static_cast<model::OrganisationId>(out.organisations.size()))
                .first;
      out.organisations.push_back({organisation});
    }
    p.organisation = org->second;
    out.providers.push_back(std::move(p));
  }
  return out;
}

// A service with providers takes every place from them: `abroad.CODE.places.NAME` may not give
// it more (`abroad` has been read, so its shape is known good).
void check_no_abroad_places(const Reader& r, const toml::table& root, const ServiceNames& services,
                            const ProviderTable& providers) {
  const toml::node* node = root.get("abroad");
  if (node == nullptr) {
    return;
  }
  for (auto&& [code, value] : *node->as_table()) {
    const toml::node* places = value.as_table()->get("places");
    if (places == nullptr) {
      continue;
    }
    const std::string pkey = child_key(child_key("abroad", code.str()), "places");
    for (auto&& [service, count] : *places->as_table()) {
      const std::size_t id = services.find(service.str());
      if (providers.has(id)) {
        r.fail_key(
            service, child_key(pkey, service.str()),
            providers.both(id, std::string(service.str()), pkey,
                           " (a provider's territory may be " + in_quotes(code.str()) + ")"));
      }
    }
  }
}

// A service with providers takes every place from them: its own places keys may not give them.
void check_no_service_places(const Reader& r, const toml::table& t, const std::string& path,
                             const std::string& name, const ProviderTable& providers,
                             std::size_t id) {
  for (const char* key : {"places", "places_total", "places_min"}) {
    if (const toml::node* n = t.get(key)) {
      const std::string elsewhere = std::string_view(key) == "places_min"
                                        ? child_key(path, "places_total") + " (with places_min)"
                                        : child_key(path, key);
      r.fail(*n, child_key(path, key), providers.both(id, name, elsewhere));
    }
  }
}

// Published stocks `parcours calibrate` compares the model with, in file order.
std::vector<model::CalibrationTarget> read_calibration(const Reader& r, const toml::table& root,
                                                       const ServiceNames& services) {
  std::vector<model::CalibrationTarget> out;
  const toml::node* node = root.get("calibration");
  if (node == nullptr) {
    return out;
  }
  const toml::array& list =
      r.array(*node, "calibration", "an array of tables (one [[calibration]] per target)");
  // In the order of CalibrationTarget::Measure.
  const std::vector<std::string> measures = {"occupants", "creton", "waiting",
                                             "away",      "abroad", "waiting_in_school"};
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = item_key("calibration", i);
    const toml::table& t =
        r.table(list[i], path, "a calibration table (name, measure, services, target, source)");
    r.check_keys(t, path, {"name", "measure", "services", "target", "tolerance", "source"});
    model::CalibrationTarget c;
    auto non_empty_string = [&](std::string_view key, const std::string& expected) {
      const toml::node& n = r.required(t, path, key, expected);
      std::string s = r.string(n, child_key(path, key));
      if (s.empty()) {
        r.fail(n, child_key(path, key), "expected " + expected + ", got \"\"");
      }
      return s;
    };
    c.name = non_empty_string("name", "a non-empty string");
    c.measure = static_cast<model::CalibrationTarget::Measure>(
        r.choice(r.required(t, path, "measure", "one of " + join_quoted(measures)),
                 child_key(path, "measure"), measures, "measure"));
    const std::string skey = child_key(path, "services");
    const std::string expected = "a non-empty array of service names";
    const toml::node& services_node = r.required(t, path, "services", expected);
    const toml::array& names = r.array(services_node, skey, expected);
    if (names.empty()) {
      r.fail(services_node, skey, "expected at least one service name, got an empty array");
    }
    for (std::size_t j = 0; j < names.size(); ++j) {
      const model::ServiceId id = service_ref(r, services, names[j], item_key(skey, j));
      if (std::find(c.services.begin(), c.services.end(), id) != c.services.end()) {
        r.fail(names[j], item_key(skey, j), "duplicate service " + in_quotes(services.names[id]));
      }
      c.services.push_back(id);
    }
    c.target = r.req_number(t, path, "target", kPositive);
    c.tolerance = r.opt_number(t, path, "tolerance", NumberRange{0.0, false, 1.0, true},
                               " (relative to the target)")
                      .value_or(c.tolerance);
    c.source = non_empty_string("source", "a non-empty string (where the target comes from)");
    out.push_back(std::move(c));
  }
  return out;
}

// [payers.NAME]: who pays (Assurance maladie, the départements, the State...), in byte-wise
// alphabetical order of their names, at most 255 (funding::PayerId, one value kept free).
std::vector<funding::Payer> read_payers(const Reader& r, const toml::table& root) {
  std::vector<funding::Payer> out;
  constexpr std::size_t kMaxPayers = 255;
  read_named_tables(r, root, "payers", kMaxPayers, "payer",
                    [&](std::string name, const toml::table& t, const std::string& path) {
                      r.check_keys(t, path, {"description"});
                      funding::Payer payer;
                      payer.name = std::move(name);
                      if (const toml::node* n = t.get("description")) {
                        payer.description = r.string(*n, child_key(path, "description"));
                      }
                      out.push_back(std::move(payer));
                    });
  return out;
}

// services.NAME.money: what the service's places cost, who pays for them and how its days are
// billed. `payers` are the declared payers' names.
funding::ServiceMoney read_money(const Reader& r, const toml::node& n, const std::string& path,
                                 const std::vector<std::string>& payers) {
  const toml::table& t = r.table(n, path);
  r.check_keys(t, path,
               {"euros_per_place_year", "fixed_share", "payers", "opening_days", "absence_share",
                "bill_absences", "bill_school_days", "care_hours_per_day", "staff_per_place",
                "staff_hours_per_year", "active_share"});
  funding::ServiceMoney money;
  money.euros_per_place_year = r.opt_number(t, path, "euros_per_place_year", kNonNegative)
                                   .value_or(money.euros_per_place_year);
  money.fixed_share = r.opt_number(t, path, "fixed_share", kProbability,
                                   " (the share of the cost that does not vary with occupancy)")
                          .value_or(money.fixed_share);
  if (const toml::node* shares = t.get("payers")) {
    const std::string key = child_key(path, "payers");
    if (payers.empty()) {
      r.fail(*shares, key,
             "payer shares need payers, and none is declared (add [payers.NAME] tables)");
    }
    money.payer_split = read_shares(r, *shares, key, payers, "payer", "payer shares");
  }
  money.opening_days = r.opt_number(t, path, "opening_days", NumberRange{0.0, false, 366.0, true},
                                    " (days a year a place is open)")
                           .value_or(money.opening_days);
  money.absence_share =
      r.opt_number(t, path, "absence_share", NumberRange{0.0, true, 1.0, false},
                   " (the share of days in the establishment the child is absent)")
          .value_or(money.absence_share);
  money.bill_absences =
      r.opt_number(t, path, "bill_absences", kProbability, " (the share of absence days billed)")
          .value_or(money.bill_absences);
  money.bill_school_days = r.opt_number(t, path, "bill_school_days", kProbability,
                                        " (the share of days at school billed)")
                               .value_or(money.bill_school_days);
  // The time-of-care indicator (TAM, arrêté du 20/07/2005).
  money.care_hours_per_day =
      r.opt_number(t, path, "care_hours_per_day", NumberRange{0.0, false, 24.0, true},
                   " (hours of care a child gets a day attended)")
          .value_or(money.care_hours_per_day);
  money.staff_per_place = r.opt_number(t, path, "staff_per_place", kPositive,
                                       " (socio-educational full-time equivalents a place)")
                              .value_or(money.staff_per_place);
  money.staff_hours_per_year =
      r.opt_number(t, path, "staff_hours_per_year", NumberRange{0.0, false, 8784.0, true},
                   " (a full-time equivalent's working hours a year)")
          .value_or(money.staff_hours_per_year);
  money.active_share = r.opt_number(t, path, "active_share", NumberRange{0.0, false, 1.0, true},
                                    " (the share of working time spent with users)")
                           .value_or(money.active_share);
  return money;
}

// The calendar day `months` months after `start` as {year, month, day}, compared as such (the
// day may not exist in that month, e.g. the 31st: it still sorts where it should).
std::array<int, 3> months_after(const Date& start, int months) {
  const int m = start.month - 1 + months;
  return {start.year + m / 12, m % 12 + 1, start.day};
}

std::string date_text(const std::array<int, 3>& date) {
  std::ostringstream os;
  os << date[0] << '-' << (date[1] < 10 ? "0" : "") << date[1] << '-' << (date[2] < 10 ? "0" : "")
     << date[2];
  return os.str();
}

// The start of period p: p years (yearly runs) or p months (monthly runs) after the start date,
// by the calendar.
std::array<int, 3> period_start(const Date& start, const model::Model& model, int p) {
  return months_after(start, p * (12 / model.periods_per_year));
}

// The first period that starts on or after `date`; model.periods() when none does.
int first_period_from(const Date& start, const model::Model& model,
                      const std::array<int, 3>& date) {
  for (int p = 0; p < model.periods(); ++p) {
    if (period_start(start, model, p) >= date) {
      return p;
    }
  }
  return model.periods();
}

// The funding rules' names in scenarios, in the order of funding::Rule.
const std::vector<std::string>& rule_kinds() {
  static const std::vector<std::string> kinds{
      "daily_price", "global_allocation", "capitation",  "pooled_allocation",
      "performance", "needs_based",       "impact_bond", "modulated_price"};
  return kinds;
}

// The indicators of performance contracts and impact bonds, in the order of funding::Indicator.
const std::vector<std::string>& indicator_names() {
  static const std::vector<std::string> names{"occupancy", "inclusion", "waiting", "time_of_care"};
  return names;
}

// What activity modulation measures, in the order of funding::ActivityMeasure.
const std::vector<std::string>& measure_names() {
  static const std::vector<std::string> names{"occupancy", "followed", "services"};
  return names;
}

// A rule's modulation = { measure, objective, a } (R.314-43-2: a <= 0.5).
funding::Modulation read_rule_modulation(const Reader& r, const toml::node& n,
                                         const std::string& path) {
  const toml::table& t = r.table(n, path, "a table { measure, objective, a }");
  r.check_keys(t, path, {"measure", "objective", "a"});
  funding::Modulation m;
  if (const toml::node* v = t.get("measure")) {
    m.measure = static_cast<funding::ActivityMeasure>(
        r.choice(*v, child_key(path, "measure"), measure_names(), "activity measure"));
  }
  m.a = r.req_number(t, path, "a", NumberRange{0.0, true, 0.5, true},
                     " (the share of a shortfall cut; R.314-43-2 caps it at 0.5)");
  const bool occupancy = m.measure == funding::ActivityMeasure::kOccupancy;
  m.objective =
      r.req_number(t, path, "objective", kPositive,
                   occupancy ? " (the occupancy to reach, a share)"
                             : (m.measure == funding::ActivityMeasure::kFollowed
                                    ? " (people followed a year per authorised place)"
                                    : " (days of care delivered a year per authorised place)"));
  return m;
}

// A performance contract's targets = [ { indicator, target, weight, cap } ].
std::vector<funding::Target> read_targets(const Reader& r, const toml::node& n,
                                          const std::string& path) {
  const toml::array& a =
      r.array(n, path, "a non-empty array of tables { indicator, target, weight, cap }");
  if (a.empty()) {
    r.fail(n, path, "expected at least one target, got an empty array");
  }
  std::vector<funding::Target> out;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string ikey = item_key(path, i);
    const toml::table& t = r.table(a[i], ikey, "a table { indicator, target, weight, cap }");
    r.check_keys(t, ikey, {"indicator", "target", "weight", "cap"});
    funding::Target target;
    target.indicator = static_cast<funding::Indicator>(
        r.choice(r.required(t, ikey, "indicator", "one of " + join_quoted(indicator_names())),
                 child_key(ikey, "indicator"), indicator_names(), "indicator"));
    target.target = r.req_number(t, ikey, "target", kPositive);
    target.weight = r.opt_number(t, ikey, "weight", kPositive).value_or(target.weight);
    target.cap = r.opt_number(t, ikey, "cap", NumberRange{1.0, true, kInf, true},
                              " (the most an achievement counts: above 1, a bonus)")
                     .value_or(target.cap);
    out.push_back(target);
  }
  return out;
}

// A table NAME = coefficient (> 0) over `names`; names left out count 1.
std::vector<double> read_coefficients(const Reader& r, const toml::node& n, const std::string& path,
                                      const std::vector<std::string>& names,
                                      const std::string& noun) {
  if (names.empty()) {
    r.fail(n, path, noun + " coefficients need " + noun + "s, and none is declared");
  }
  std::vector<double> values = read_by_name(r, n, path, names, noun, kPositive,
                                            "a table of " + noun + " name = coefficient (> 0)");
  for (double& v : values) {
    if (v == 0.0) {
      v = 1.0;  // left out
    }
  }
  return values;
}

// Whether `a` may pay a unit of a service with `money` and places something: a fixed daily price
// or a capitation above 0 always may; a computed daily price and a global allocation come from
// the service's cost, so only when it is above 0.
bool may_pay(const funding::Assignment& a, const funding::ServiceMoney& money) {
  switch (a.rule) {
    case funding::Rule::kDailyPrice:
      return a.euros_per_day.has_value() || money.euros_per_place_year > 0.0;
    case funding::Rule::kGlobalAllocation:
      return money.euros_per_place_year > 0.0;
    case funding::Rule::kCapitation:
      return a.euros_per_child_year > 0.0;
    case funding::Rule::kPooledAllocation:
    case funding::Rule::kPerformance:
      return money.euros_per_place_year > 0.0;
    case funding::Rule::kNeedsBased:
      return a.base_rate > 0.0 || a.complementary_per_place > 0.0 || a.transport_per_child > 0.0;
    case funding::Rule::kImpactBond:
      return false;  // the investor pays, whatever the service's payers
    case funding::Rule::kModulatedPrice:
      return true;  // from the providers' cost tables, whatever the service's cost
  }
  return true;
}

// [[funding.rules]]: the rules assigned to providers from a date, in file order. `model` is read
// whole (services, providers, organisations, territories); `money` has one entry per service.
std::vector<funding::Assignment> read_rules(const Reader& r, const toml::node& n,
                                            const model::Model& model, const ServiceNames& names,
                                            const std::vector<funding::ServiceMoney>& money,
                                            const std::vector<funding::Payer>& payers,
                                            const Date& start) {
  const std::string key = "funding.rules";
  const toml::array& list =
      r.array(n, key, "an array of tables (one [[funding.rules]] entry per rule)");
  if (list.size() >= funding::kNoRule) {
    r.fail(n, key,
           "expected at most " + std::to_string(funding::kNoRule - 1) + " rules, got " +
               std::to_string(list.size()));
  }
  const std::vector<std::string> provider_names = names_of(model.providers);
  const std::vector<std::string> organisation_names = names_of(model.organisations);
  const std::vector<std::string> payer_names = names_of(payers);
  const std::vector<std::string> mode_names = names_of(model.modes);
  // Keys that belong to some rules only: the rules they are for.
  using R = funding::Rule;
  const std::vector<std::pair<std::string, std::vector<funding::Rule>>> own_keys = {
      {"euros_per_day", {R::kDailyPrice}},
      {"forecast_occupancy", {R::kDailyPrice}},
      {"floor_occupancy", {R::kDailyPrice, R::kModulatedPrice}},
      {"bill_absences", {R::kDailyPrice, R::kModulatedPrice}},
      {"bill_school_days", {R::kDailyPrice, R::kModulatedPrice}},
      {"growth_per_year", {R::kGlobalAllocation, R::kPooledAllocation, R::kPerformance}},
      {"euros_per_child_year", {R::kCapitation}},
      {"term_years", {R::kPooledAllocation, R::kImpactBond}},
      {"modulation", {R::kPooledAllocation, R::kNeedsBased}},
      {"at_stake", {R::kPerformance}},
      {"targets", {R::kPerformance}},
      {"base_rate", {R::kNeedsBased}},
      {"mode_coefficients", {R::kNeedsBased}},
      {"needs_coefficients", {R::kNeedsBased}},
      {"reference_opening_days", {R::kNeedsBased}},
      {"complementary_per_place", {R::kNeedsBased}},
      {"transport_per_child", {R::kNeedsBased}},
      {"investor", {R::kImpactBond}},
      {"repaid_by", {R::kImpactBond}},
      {"outcome", {R::kImpactBond}},
      {"outcome_target", {R::kImpactBond}},
      {"premium", {R::kImpactBond}}};
  std::vector<std::string> accepted = {"name",      "rule",          "services",
                                       "providers", "organisations", "from"};
  for (const auto& entry : own_keys) {
    accepted.push_back(entry.first);
  }
  std::vector<funding::Assignment> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = item_key(key, i);
    const toml::table& t =
        r.table(list[i], path, "a rule table (name, rule, whom it pays, from when, its amounts)");
    r.check_keys(t, path, accepted);
    funding::Assignment a;
    const toml::node& name = r.required(t, path, "name", "a non-empty string");
    a.name = r.string(name, child_key(path, "name"));
    if (a.name.empty()) {
      r.fail(name, child_key(path, "name"), "expected a non-empty string, got \"\"");
    }
    for (std::size_t j = 0; j < out.size(); ++j) {
      if (out[j].name == a.name) {
        r.fail(name, child_key(path, "name"),
               "duplicate rule name " + in_quotes(a.name) + " (already " + item_key(key, j) + ")");
      }
    }
    const std::size_t kind =
        r.choice(r.required(t, path, "rule", "one of " + join_quoted(rule_kinds())),
                 child_key(path, "rule"), rule_kinds(), "funding rule");
    a.rule = static_cast<funding::Rule>(kind);
    for (const auto& [own, rules] : own_keys) {
      if (const toml::node* v = t.get(own);
          v != nullptr && std::find(rules.begin(), rules.end(), a.rule) == rules.end()) {
        std::string which;
        for (std::size_t k = 0; k < rules.size(); ++k) {
          which += (k == 0 ? "" : (k + 1 == rules.size() ? " and " : ", ")) +
                   rule_kinds()[static_cast<std::size_t>(rules[k])];
        }
        r.fail(*v, child_key(path, own),
               own + " is for " + which + " rules only; this rule is " +
                   in_quotes(rule_kinds()[kind]));
      }
    }
    if (const toml::node* v = t.get("services")) {
      a.services = read_service_refs(r, *v, child_key(path, "services"), names,
                                     "select providers of every service");
    }
    if (const toml::node* v = t.get("providers")) {
      a.providers = read_name_refs<model::ProviderId>(
          r, *v, child_key(path, "providers"), provider_names, "provider",
          "declared providers, and there are none (add a [providers] file)");
    }
    if (const toml::node* v = t.get("organisations")) {
      a.organisations = read_name_refs<model::OrganisationId>(
          r, *v, child_key(path, "organisations"), organisation_names, "organisation",
          "declared providers, and there are none (add a [providers] file with an organisation "
          "column)");
    }
    if (const toml::node* v = t.get("from")) {
      const std::string fkey = child_key(path, "from");
      const auto* date = v->as_date();
      if (date == nullptr) {
        r.fail(*v, fkey, "expected a local date such as 2027-01-01, got " + type_phrase(*v));
      }
      const std::array<int, 3> from{date->get().year, date->get().month, date->get().day};
      const std::array<int, 3> first = period_start(start, model, 0);
      if (from < first) {
        r.fail(*v, fkey,
               "expected a date on or after scenario.start_date (" + date_text(first) + "), got " +
                   value_text(*v));
      }
      a.from_period = first_period_from(start, model, from);
      if (a.from_period == model.periods()) {
        const std::array<int, 3> end = months_after(start, 12 * model.horizon_years);
        const std::array<int, 3> last = period_start(start, model, model.periods() - 1);
        r.fail(*v, fkey,
               value_text(*v) +
                   (from > end ? " is after the run's end (" + date_text(end) + ")"
                               : " is after the start of the run's last period (" +
                                     date_text(last) + ")") +
                   ": the rule would never apply");
      }
    }
    switch (a.rule) {
      case funding::Rule::kDailyPrice:
        a.euros_per_day = r.opt_number(t, path, "euros_per_day", kPositive);
        a.forecast_occupancy =
            r.opt_number(t, path, "forecast_occupancy", NumberRange{0.0, false, 1.0, true})
                .value_or(a.forecast_occupancy);
        [[fallthrough]];
      case funding::Rule::kModulatedPrice:
        a.floor_occupancy =
            r.opt_number(t, path, "floor_occupancy", NumberRange{0.0, true, 1.0, true})
                .value_or(a.floor_occupancy);
        a.bill_absences = r.opt_number(t, path, "bill_absences", kProbability);
        a.bill_school_days = r.opt_number(t, path, "bill_school_days", kProbability);
        break;
      case funding::Rule::kGlobalAllocation:
        a.growth_per_year =
            r.opt_number(t, path, "growth_per_year", NumberRange{-1.0, false, kInf, true})
                .value_or(a.growth_per_year);
        break;
      case funding::Rule::kCapitation:
        a.euros_per_child_year = r.req_number(t, path, "euros_per_child_year", kNonNegative);
        a.counterfactual = true;  // no French payer funds places so
        break;
      case funding::Rule::kPooledAllocation:
      case funding::Rule::kPerformance:
        a.growth_per_year =
            r.opt_number(t, path, "growth_per_year", NumberRange{-1.0, false, kInf, true})
                .value_or(a.growth_per_year);
        break;
      case funding::Rule::kNeedsBased:
      case funding::Rule::kImpactBond:
        break;
    }
    if (const toml::node* v = t.get("term_years")) {
      // A CPOM lasts at most 7 years (L.313-11); an impact bond's term is a contract's too.
      a.term_years = static_cast<int>(r.integer(*v, child_key(path, "term_years"), 1, 7));
    }
    if (const toml::node* v = t.get("modulation")) {
      a.modulation = read_rule_modulation(r, *v, child_key(path, "modulation"));
    }
    if (a.rule == funding::Rule::kPerformance) {
      a.at_stake = r.req_number(t, path, "at_stake", kProbability,
                                " (the share of the allocation paid on the indicators)");
      a.targets = read_targets(r, r.required(t, path, "targets", "an array of target tables"),
                               child_key(path, "targets"));
    }
    if (a.rule == funding::Rule::kNeedsBased) {
      a.base_rate = r.req_number(t, path, "base_rate", kNonNegative, " (euros a place a year)");
      if (const toml::node* v = t.get("mode_coefficients")) {
        a.mode_coefficients =
            read_coefficients(r, *v, child_key(path, "mode_coefficients"), mode_names, "mode");
      }
      if (const toml::node* v = t.get("needs_coefficients")) {
        a.needs_coefficients = read_coefficients(r, *v, child_key(path, "needs_coefficients"),
                                                 model.children.needs_levels, "needs level");
      }
      a.reference_opening_days =
          r.opt_number(t, path, "reference_opening_days", NumberRange{0.0, false, 366.0, true},
                       " (the opening days the base rate is for)")
              .value_or(a.reference_opening_days);
      a.complementary_per_place = r.opt_number(t, path, "complementary_per_place", kNonNegative)
                                      .value_or(a.complementary_per_place);
      a.transport_per_child = r.opt_number(t, path, "transport_per_child", kNonNegative)
                                  .value_or(a.transport_per_child);
    }
    if (a.rule == funding::Rule::kImpactBond) {
      if (payer_names.empty()) {
        r.fail(list[i], path,
               "an impact bond needs payers, and none is declared (add [payers.NAME] tables)");
      }
      a.investor = static_cast<funding::PayerId>(
          r.choice(r.required(t, path, "investor", "a payer's name"), child_key(path, "investor"),
                   payer_names, "payer"));
      a.repaid_by = static_cast<funding::PayerId>(
          r.choice(r.required(t, path, "repaid_by", "a payer's name"), child_key(path, "repaid_by"),
                   payer_names, "payer"));
      if (a.repaid_by == a.investor) {
        r.fail(*t.get("repaid_by"), child_key(path, "repaid_by"),
               "expected a payer other than the investor " + in_quotes(payer_names[a.investor]));
      }
      if (const toml::node* v = t.get("outcome")) {
        a.outcome = static_cast<funding::Indicator>(
            r.choice(*v, child_key(path, "outcome"), indicator_names(), "indicator"));
      }
      a.outcome_target = r.req_number(t, path, "outcome_target", kNonNegative);
      a.premium = r.opt_number(t, path, "premium", kNonNegative,
                               " (the investor's return on success, a share of what it paid)")
                      .value_or(a.premium);
      a.counterfactual = true;  // no French payer funds places so
    }

    // Every unit with places the rule may pay needs payers to pay it (funding::keep_books
    // splits each unit's revenue between its service's payers).
    for (const funding::Unit& unit : funding::units(model)) {
      const funding::ServiceMoney& m = money[unit.service];
      if (unit.places > 0 && m.payer_split.empty() && funding::selects(a, unit) && may_pay(a, m)) {
        const std::string& service = names.names[unit.service];
        const toml::node* services = t.get("services");
        r.fail(services != nullptr ? *services : list[i],
               services != nullptr ? child_key(path, "services") : path,
               "service " + in_quotes(service) + " has no payers ([" +
                   child_key(child_key("services", service), "money") +
                   "] payers), and this rule may pay its places");
      }
    }
    out.push_back(std::move(a));
  }
  return out;
}

// A modulated price (R.314-119) bills each provider it selects by price mode from the provider's
// cost decomposition: each must be a declared provider with places at the start and a row in
// funding.costs, of a service that records modes, each mode it may give a child (its mode
// shares, a plan step's to_mode) billed by some price mode. Says which at the rule's `services`
// (or `providers`, or the rule), as the payers check does.
void check_modulated_prices(const Reader& r, const toml::node& rules, const model::Model& model,
                            const ServiceNames& names, const funding::Scheme& scheme) {
  const toml::array& list = *rules.as_array();
  for (std::size_t i = 0; i < scheme.assignments.size(); ++i) {
    const funding::Assignment& a = scheme.assignments[i];
    if (a.rule != funding::Rule::kModulatedPrice) {
      continue;
    }
    const std::string path = item_key("funding.rules", i);
    const toml::table& t = *list[i].as_table();
    const auto fail = [&](const std::string& message) {
      for (const char* key : {"providers", "organisations", "services"}) {
        if (const toml::node* n = t.get(key)) {
          r.fail(*n, child_key(path, key), message);
        }
      }
      r.fail(list[i], path, message);
    };
    if (scheme.price_modes.empty()) {
      r.fail(*t.get("rule"), child_key(path, "rule"),
             "a modulated_price rule needs price modes: declare [funding.price_modes.NAME] tables "
             "with the modes of care whose days each bills (modes = [...])");
    }
    for (const funding::Unit& unit : funding::units(model)) {
      if (!funding::selects(a, unit)) {
        continue;
      }
      const std::string& service = names.names[unit.service];
      if (unit.provider == model::kNoProvider) {
        fail("it selects the places of service " + in_quotes(service) + " in " +
             model.territories[unit.territory].code +
             ", which have no declared provider: a modulated price needs each provider's costs "
             "(a [providers] file and a row in funding.costs)");
      }
      const std::string& provider = model.providers[unit.provider].name;
      if (!scheme.costs[unit.provider]) {
        fail("it selects provider " + in_quotes(provider) +
             ", which has no row in the funding.costs table: a modulated price is computed from "
             "the provider's costs");
      }
      if (unit.places <= 0) {
        fail("it selects provider " + in_quotes(provider) +
             ", which has no places at the start: its costs are for its places then, and follow "
             "them");
      }
      const model::Service& s = model.services[unit.service];
      if (s.mode_shares.empty()) {
        fail("it selects providers of service " + in_quotes(service) +
             ", which records no modes of care ([services." + service +
             "] mode_shares): a modulated price bills days by mode");
      }
      std::vector<bool> reachable(model.modes.size(), false);
      for (std::size_t k = 0; k < s.mode_shares.size(); ++k) {
        reachable[k] = s.mode_shares[k] > 0.0;
      }
      for (const model::PlanStep& step : model.plans.steps) {
        if (step.from == unit.service && step.to_mode) {
          reachable[*step.to_mode] = true;
        }
      }
      for (std::size_t k = 0; k < reachable.size(); ++k) {
        if (reachable[k] && scheme.price_mode_of[k] == funding::kNoPriceMode) {
          fail("mode " + in_quotes(model.modes[k].name) + " of service " + in_quotes(service) +
               " is billed by no price mode: list it in the modes of a [funding.price_modes.NAME] "
               "table");
        }
      }
    }
  }
}

// [payers.NAME], services.NAME.money and [funding]: the funding scheme of the scenario.
// `money` has one entry per service, read with the services.
funding::Scheme read_funding(const Reader& r, const toml::table& root, const model::Model& model,
                             const ServiceNames& names, std::vector<funding::Payer> payers,
                             std::vector<funding::ServiceMoney> money, const Date& start) {
  funding::Scheme scheme;
  scheme.payers = std::move(payers);
  scheme.services = std::move(money);
  scheme.costs.assign(model.providers.size(), std::nullopt);
  const toml::node* node = root.get("funding");
  if (node == nullptr) {
    return scheme;
  }
  const std::string path = "funding";
  const toml::table& t = r.table(*node, path);
  std::vector<std::string> accepted = {"cost_growth_per_year", "rules"};
  accepted.insert(accepted.end(), kModulationKeys.begin(), kModulationKeys.end());
  accepted.emplace_back("envelopes");  // read by internal::read_envelopes
  for (auto&& [key, value] : t) {
    // The first form, [funding.SERVICE] rule = ..., is gone: say where its content went.
    if (std::find(accepted.begin(), accepted.end(), key.str()) == accepted.end() &&
        value.is_table()) {
      r.fail_key(key, child_key(path, key.str()),
                 "unknown key " + in_quotes(key.str()) +
                     "; funding rules are [[funding.rules]] entries now "
                     "(docs/scenario-format.md)");
    }
  }
  r.check_keys(t, path, accepted);
  scheme.cost_growth =
      r.opt_number(t, path, "cost_growth_per_year", NumberRange{-1.0, false, kInf, true})
          .value_or(scheme.cost_growth);
  if (const toml::node* rules = t.get("rules")) {
    scheme.assignments = read_rules(r, *rules, model, names, scheme.services, scheme.payers, start);
  }
  read_modulation(r, t, model, scheme);
  if (const toml::node* rules = t.get("rules")) {
    check_modulated_prices(r, *rules, model, names, scheme);
  }
  return scheme;
}

// Maps a pathway problem's dotted key (as model::key_segment spells it) to the deepest node of
// the merged document it names, so the error points at the offending line.
const toml::node* find_key_path(const toml::table& root, std::string_view path) {
  const toml::node* current = &root;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    const toml::node* next = nullptr;
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      std::size_t index = 0;
      std::from_chars(path.data() + i + 1, path.data() + close, index);
      if (const toml::array* a = current->as_array()) {
        next = a->get(index);
      }
      i = close == std::string_view::npos ? path.size() : close + 1;
    } else {
      std::string segment;
      if (path[i] == '"') {
        ++i;
        while (i < path.size() && path[i] != '"') {
          if (path[i] == '\\' && i + 1 < path.size()) {
            ++i;
            if (path[i] == 'u' && i + 4 < path.size()) {
              unsigned code = 0;
              std::from_chars(path.data() + i + 1, path.data() + i + 5, code, 16);
              segment += static_cast<char>(code);
              i += 5;
              continue;
            }
          }
          segment += path[i++];
        }
        ++i;
      } else {
        while (i < path.size() && path[i] != '.' && path[i] != '[') {
          segment += path[i++];
        }
      }
      if (const toml::table* t = current->as_table()) {
        next = t->get(segment);
      }
    }
    if (next == nullptr) {
      break;
    }
    current = next;
  }
  return current;
}

Scenario read_scenario(const toml::table& root, const std::string& display) {
  Reader r(display);
  r.set_root(root);
  r.check_keys(root, "",
               {"extends",   "scenario",    "run",      "territories",   "placement", "abroad",
                "providers", "arrivals",    "services", "interim",       "outcomes",  "modes",
                "schooling", "children",    "lists",    "notifications", "plans",     "payers",
                "funding",   "calibration", "timeline", "behaviour"});
  Scenario out;
  out.path = display;

  {
    const std::string path = "scenario";
    const toml::table& t = r.required_table(root, "", path);
    r.check_keys(t, path,
                 {"name", "description", "start_date", "horizon_years", "periods_per_year"});
    out.name = r.string(r.required(t, path, "name", "a string"), "scenario.name");
    if (const toml::node* n = t.get("description")) {
      out.description = r.string(*n, "scenario.description");
    }
    const toml::node& date = r.required(t, path, "start_date", "a date such as 2025-01-01");
    const auto* d = date.as_date();
    if (d == nullptr) {
      r.fail(date, "scenario.start_date",
             "expected a local date such as 2025-01-01, got " + type_phrase(date));
    }
    out.start_date = {d->get().year, d->get().month, d->get().day};
    constexpr std::int64_t kMaxHorizon = 1000;
    out.model.horizon_years =
        static_cast<int>(r.req_integer(t, path, "horizon_years", 1, kMaxHorizon));
    if (const toml::node* n = t.get("periods_per_year")) {
      const auto* i = n->as_integer();
      if (i == nullptr || (i->get() != 1 && i->get() != 12)) {
        r.fail(*n, "scenario.periods_per_year",
               "expected 1 (yearly) or 12 (monthly), got " +
                   (i == nullptr ? type_phrase(*n) : value_text(*n)));
      }
      out.model.periods_per_year = static_cast<int>(i->get());
    }
  }

  if (const toml::node* n = root.get("run")) {
    const toml::table& t = r.table(*n, "run");
    r.check_keys(t, "run", {"seed", "replications"});
    out.seed = static_cast<std::uint64_t>(
        r.opt_integer(t, "run", "seed", 0, std::numeric_limits<std::int64_t>::max()).value_or(1));
    out.replications = static_cast<int>(
        r.opt_integer(t, "run", "replications", 1, std::numeric_limits<int>::max()).value_or(1));
  }

  HomeTerritories homes = read_territories(r, root);
  out.model.regions = std::move(homes.regions);
  out.model.borders = homes.borders;

  // Services are numbered in the order toml++ keeps table keys: byte-wise alphabetical.
  const toml::node* services_node = root.get("services");
  if (services_node == nullptr) {
    r.fail_missing(root, "services", "at least one [services.NAME] table");
  }
  const toml::table& services_table = r.table(*services_node, "services");
  if (services_table.empty()) {
    r.fail(*services_node, "services", "expected at least one [services.NAME] table, got none");
  }
  ServiceNames names;
  for (auto&& [key, value] : services_table) {
    names.names.emplace_back(key.str());
  }
  if (names.names.size() >= model::kNoService) {
    r.fail(*services_node, "services",
           "expected fewer than " + std::to_string(model::kNoService) + " services, got " +
               std::to_string(names.names.size()));
  }
  const AbroadTerritories abroad =
      read_abroad(r, root, homes, names, out.start_date, out.model.periods_per_year);
  const std::vector<std::string> abroad_codes = abroad.codes();
  out.model.interim = read_interim(r, root, {homes.territories, abroad_codes});
  out.model.outcomes = read_outcomes(r, root);
  out.model.modes = read_modes(r, root);
  out.model.schoolings = read_schoolings(r, root);
  CategoryNames categories;
  for (const auto& situation : out.model.interim) {
    categories.interim.push_back(situation.name);
  }
  for (const auto& outcome : out.model.outcomes) {
    categories.outcomes.push_back(outcome.name);
  }
  for (const auto& mode : out.model.modes) {
    categories.modes.push_back(mode.name);
  }
  for (const auto& schooling : out.model.schoolings) {
    categories.schoolings.push_back(schooling.name);
  }
  out.model.children = read_children(r, root);
  std::vector<std::string> territory_codes = homes.codes();
  territory_codes.insert(territory_codes.end(), abroad_codes.begin(), abroad_codes.end());
  ProviderTable providers = read_providers(r, root, territory_codes, names, out.model.children);
  check_no_abroad_places(r, root, names, providers);
  std::vector<funding::Payer> payers = read_payers(r, root);
  const std::vector<std::string> payer_names = names_of(payers);
  std::vector<funding::ServiceMoney> money;
  for (auto&& [key, value] : services_table) {
    const std::string path = child_key("services", key.str());
    const std::size_t id = out.model.services.size();
    const toml::table& t = r.table(value, path);
    const std::string name(key.str());
    // One source of truth: a service with providers takes all its places, home and abroad, from
    // them (their sum per territory), and may not give any in its own keys.
    const bool provided = providers.has(id);
    if (provided) {
      check_no_service_places(r, t, path, name, providers, id);
    }
    model::Service service = read_service(r, names, t, path, name, homes.territories, abroad_codes,
                                          categories, out.model.children,
                                          /*capacity_from_providers=*/provided);
    if (provided) {
      service.capacity = std::move(providers.capacity[id]);
    } else {
      for (const auto& places : abroad.places) {
        service.capacity.push_back(places[id]);
      }
    }
    out.model.services.push_back(std::move(service));
    money.push_back(t.contains("money")
                        ? read_money(r, *t.get("money"), child_key(path, "money"), payer_names)
                        : funding::ServiceMoney{});
  }
  out.model.providers = std::move(providers.providers);
  out.model.organisations = std::move(providers.organisations);
  out.model.lists = read_lists(r, root, out.model.children, names, out.model.interim);
  out.model.notifications = read_notifications(r, root);
  out.model.plans = read_plans(r, root, out.model, categories, names);
  out.model.behaviour = read_behaviour(r, root);
  out.model.territories = std::move(homes.territories);
  out.model.territories.insert(out.model.territories.end(), abroad.territories.begin(),
                               abroad.territories.end());

  if (const toml::node* n = root.get("placement")) {
    const toml::table& t = r.table(*n, "placement");
    r.check_keys(t, "placement", {"max_steps"});
    if (const toml::node* steps = t.get("max_steps")) {
      const auto v = r.integer(*steps, "placement.max_steps", 0, kHugeInteger);
      if (v > 0 && !homes.has_borders) {
        r.fail(*steps, "placement.max_steps",
               "max_steps > 0 needs territories.borders (a CSV file of land borders), which is "
               "not set");
      }
      out.model.placement.max_steps = static_cast<int>(v);
    }
  }

  {
    const std::string path = "arrivals";
    const toml::table& t = r.required_table(root, "", path);
    r.check_keys(t, path, {"rate_per_year", "growth_per_year", "age_years", "orientation"});
    out.model.arrivals.rate_per_year = r.req_number(t, path, "rate_per_year", kNonNegative);
    out.model.arrivals.growth_per_year =
        r.opt_number(t, path, "growth_per_year", NumberRange{-1.0, false, kInf, true})
            .value_or(0.0);
    out.model.arrivals.age_years =
        read_distribution(r, r.required(t, path, "age_years", "a distribution of ages in years"),
                          "arrivals.age_years", Support::kAtLeastZero);
    const toml::node& orientation_node =
        r.required(t, path, "orientation", "a table of service name = probability, summing to 1");
    out.model.arrivals.orientation =
        read_shares(r, orientation_node, "arrivals.orientation", names.names, "service",
                    "orientation probabilities");
  }

  internal::Timeline timeline;
  if (const toml::node* n = root.get("timeline")) {
    timeline = internal::read_timeline(r, *n, out.model, names.names, out.start_date);
  }
  out.model.timeline = std::move(timeline.events);
  out.model.arrivals.changes = std::move(timeline.inflow);
  out.model.capacity_changes = timeline.changes;  // as asked, until the envelopes decide
  out.funding =
      read_funding(r, root, out.model, names, std::move(payers), std::move(money), out.start_date);
  if (const toml::node* f = root.get("funding"); f != nullptr && f->is_table()) {
    if (const toml::node* n = f->as_table()->get("envelopes")) {
      out.envelopes = internal::read_envelopes(r, *n, out.model, names_of(out.funding.payers));
    }
  }
  out.grants = funding::grant_places(out.model, out.funding, out.envelopes, timeline.changes);
  out.model.capacity_changes = out.grants.changes;
  // What each provider's funding pays for, period by period: what providers respond to (rule 28).
  out.model.mode_days = std::any_of(
      out.funding.assignments.begin(), out.funding.assignments.end(),
      [](const funding::Assignment& a) { return a.rule == funding::Rule::kModulatedPrice; });
  out.model.incentives = funding::incentives(out.model, out.funding);

  out.model.calibration = read_calibration(r, root, names);

  const std::vector<model::PathwayProblem> problems = model::check_pathways(out.model);
  if (!problems.empty()) {
    const model::PathwayProblem& p = problems.front();
    r.fail(*find_key_path(root, p.key), p.key, p.message);
  }
  model::compute_reachable(out.model);
  return out;
}

}  // namespace

Scenario load_scenario(const std::filesystem::path& path,
                       const std::vector<std::string>& overrides) {
  const std::string display = path.string();
  std::vector<fs::path> chain;
  std::error_code ec;
  chain.push_back(fs::weakly_canonical(path, ec));
  toml::table root = load_with_extends(display, chain, std::nullopt);
  for (const std::string& o : overrides) {
    apply_override(root, o);
  }
  Scenario scenario = read_scenario(root, display);
  // Data files are named relative to the file that set them, which the merged text no longer
  // says: record where they were read from, so the effective text loads from anywhere.
  auto record_absolute = [&](std::string_view table, std::initializer_list<std::string_view> keys) {
    if (toml::table* t = root[table].as_table()) {
      for (std::string_view key : keys) {
        if (toml::node* n = t->get(key); n != nullptr && n->is_string()) {
          std::error_code abs_ec;
          const fs::path resolved = fs::absolute(data_path(*n, display), abs_ec).lexically_normal();
          *n->as_string() = resolved.string();
        }
      }
    }
  };
  record_absolute("territories", {"table", "borders"});
  record_absolute("providers", {"file"});
  record_absolute("funding", {"costs"});
  std::ostringstream text;
  text << toml::toml_formatter{root};
  scenario.text = text.str();
  return scenario;
}

}  // namespace parcours::io
