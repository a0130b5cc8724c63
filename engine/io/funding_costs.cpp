#include "engine/io/funding_costs.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <unordered_map>

namespace parcours::io {

using namespace internal;  // NOLINT(google-build-using-namespace): io's shared reading helpers

namespace {

constexpr std::string_view kDaysPrefix = "days_";

std::vector<std::string> gamme_names() {
  return {funding::kGammeNames.begin(), funding::kGammeNames.end()};
}

// [funding.price_modes.NAME] tables, in byte-wise alphabetical order of their names (toml++'s
// key order, as for services and every other named table).
// Each one's `modes` (the model modes whose days in the establishment it bills) and
// `school_days` fill out.price_mode_of and out.school_price_mode.
std::vector<funding::PriceMode> read_price_modes(const Reader& r, const toml::node& node,
                                                 const std::vector<model::Mode>& model_modes,
                                                 funding::Scheme& scheme) {
  const std::string top = "funding.price_modes";
  const toml::table& all = r.table(node, top, "a table of [funding.price_modes.NAME] tables");
  if (all.empty()) {
    r.fail(node, top, "expected at least one [funding.price_modes.NAME] table, got none");
  }
  const std::vector<std::string> gammes = gamme_names();
  std::vector<std::string> mode_names;
  for (const model::Mode& m : model_modes) {
    mode_names.push_back(m.name);
  }
  scheme.price_mode_of.assign(model_modes.size(), funding::kNoPriceMode);
  scheme.school_price_mode = funding::kNoPriceMode;
  if (all.size() >= funding::kNoPriceMode) {
    r.fail(node, top,
           "expected at most " + std::to_string(funding::kNoPriceMode - 1) + " price modes, got " +
               std::to_string(all.size()));
  }
  std::vector<funding::PriceMode> out;
  for (auto&& [key, value] : all) {
    const std::string path = child_key(top, key.str());
    if (key.str().empty()) {
      r.fail_key(key, path, "expected a non-empty price mode name");
    }
    const toml::table& t = r.table(value, path);
    r.check_keys(t, path, {"units", "modes", "school_days", "description"});
    const auto id = static_cast<std::uint8_t>(out.size());
    if (const toml::node* n = t.get("modes")) {
      const std::string modes_key = child_key(path, "modes");
      const toml::array& list = r.array(*n, modes_key, "an array of mode names ([modes.NAME])");
      for (std::size_t i = 0; i < list.size(); ++i) {
        const toml::node& item = list[i];
        const std::string item_path = item_key(modes_key, i);
        if (mode_names.empty()) {
          r.fail(item, item_path, "the scenario declares no [modes.NAME] for a price mode to bill");
        }
        const std::size_t k = r.choice(item, item_path, mode_names, "mode");
        if (scheme.price_mode_of[k] == id) {
          r.fail(item, item_path, "mode " + in_quotes(mode_names[k]) + " is listed twice");
        }
        if (scheme.price_mode_of[k] != funding::kNoPriceMode) {
          r.fail(item, item_path,
                 "mode " + in_quotes(mode_names[k]) + " is already billed by price mode " +
                     in_quotes(out[scheme.price_mode_of[k]].name) +
                     ": a mode's days have one price");
        }
        scheme.price_mode_of[k] = id;
      }
    }
    if (const toml::node* n = t.get("school_days")) {
      if (r.boolean(*n, child_key(path, "school_days"))) {
        if (scheme.school_price_mode != funding::kNoPriceMode) {
          r.fail(*n, child_key(path, "school_days"),
                 "price mode " + in_quotes(out[scheme.school_price_mode].name) +
                     " already bills the days at school: they have one price");
        }
        scheme.school_price_mode = id;
      }
    }
    if (const toml::node* n = t.get("description")) {
      (void)r.string(*n, child_key(path, "description"));  // free text for readers only
    }
    funding::PriceMode mode;
    mode.name = std::string(key.str());
    const std::string units_key = child_key(path, "units");
    const toml::table& units = r.table(
        r.required(t, path, "units", "a table of gamme = units a day, such as { gerer = 1 }"),
        units_key, "a table of gamme = units a day, such as { gerer = 1 }");
    for (auto&& [gamme, n] : units) {
      const std::string gamme_key = child_key(units_key, gamme.str());
      const auto g = static_cast<std::size_t>(std::find(gammes.begin(), gammes.end(), gamme.str()) -
                                              gammes.begin());
      if (g == gammes.size()) {
        r.fail_key(gamme, gamme_key,
                   "unknown gamme " + in_quotes(gamme.str()) +
                       suggestion(gamme.str(), gammes, "gammes are"));
      }
      mode.units[g] = r.number(n, gamme_key, kNonNegative, " (units of the gamme a day)");
    }
    out.push_back(std::move(mode));
  }
  return out;
}

std::string days_column(const funding::PriceMode& mode) {
  return std::string(kDaysPrefix) + mode.name;
}

// A number >= 0 that is the whole cell, or an error at the cell saying what it is.
double non_negative(const CsvTable& csv, std::size_t row, std::size_t col, std::string_view what) {
  const std::string& cell = csv.rows[row][col];
  const std::optional<double> v = parse_cell<double>(cell);
  if (!v || *v < 0.0) {
    csv.fail_at(row, col,
                "expected a number >= 0 (" + std::string(what) + "), got " + in_quotes(cell));
  }
  return *v;
}

}  // namespace

std::vector<std::optional<funding::CostDecomposition>> read_costs(
    const CsvTable& csv, const std::vector<model::Provider>& providers,
    const std::vector<funding::PriceMode>& modes) {
  std::vector<std::string> required = {"provider"};
  const std::vector<std::string> gammes = gamme_names();
  required.insert(required.end(), gammes.begin(), gammes.end());
  std::vector<std::string> days_columns;
  days_columns.reserve(modes.size());
  for (const funding::PriceMode& mode : modes) {
    days_columns.push_back(days_column(mode));
  }
  required.insert(required.end(), days_columns.begin(), days_columns.end());

  constexpr std::string_view kNeeded = "funding.costs needs it";
  const std::size_t provider_col = required_column(csv, "provider", kNeeded, required);
  std::vector<std::size_t> gamme_cols;
  gamme_cols.reserve(gammes.size());
  for (const std::string& gamme : gammes) {
    gamme_cols.push_back(required_column(csv, gamme, kNeeded, required));
  }
  std::vector<std::size_t> days_cols;
  days_cols.reserve(days_columns.size());
  for (const std::string& column : days_columns) {
    days_cols.push_back(
        required_column(csv, column, "one per [funding.price_modes.NAME]", required));
  }
  // Other columns are notes, but a days_ column for no price mode is a typo or a mode left out.
  for (const std::string& column : csv.header) {
    if (column.starts_with(kDaysPrefix) &&
        std::find(days_columns.begin(), days_columns.end(), column) == days_columns.end()) {
      throw ScenarioError(csv.file, csv.header_line, 1, column,
                          "no price mode " + in_quotes(column.substr(kDaysPrefix.size())) +
                              " for this column" +
                              suggestion(column, days_columns, "the days columns are"));
    }
  }
  const std::optional<std::size_t> notified_col = csv.column("notified_single_price");

  std::vector<std::string> provider_names;
  provider_names.reserve(providers.size());
  for (const model::Provider& p : providers) {
    provider_names.push_back(p.name);
  }
  std::vector<std::optional<funding::CostDecomposition>> out(providers.size());
  std::unordered_map<std::string, std::size_t> rows;  // provider -> row
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    const std::string& name = csv.rows[i][provider_col];
    const auto id = static_cast<std::size_t>(
        std::find(provider_names.begin(), provider_names.end(), name) - provider_names.begin());
    if (id == provider_names.size()) {
      csv.fail_at(i, provider_col,
                  "unknown provider " + in_quotes(name) +
                      (provider_names.empty()
                           ? std::string("; the scenario declares none (see [providers] file)")
                           : suggestion(name, provider_names, "providers are")));
    }
    if (const auto [it, added] = rows.emplace(name, i); !added) {
      csv.fail_at(i, provider_col,
                  "duplicate provider " + in_quotes(name) + " (already on line " +
                      std::to_string(csv.row_lines[it->second]) + ")");
    }
    funding::CostDecomposition costs;
    for (std::size_t g = 0; g < funding::kGammes; ++g) {
      costs.euros[g] = non_negative(csv, i, gamme_cols[g], "euros a year");
    }
    for (const std::size_t col : days_cols) {
      costs.forecast_days.push_back(non_negative(csv, i, col, "forecast days in the year"));
    }
    if (notified_col && !csv.rows[i][*notified_col].empty()) {
      const std::string& cell = csv.rows[i][*notified_col];
      const std::optional<double> v = parse_cell<double>(cell);
      if (!v || *v <= 0.0) {
        csv.fail_at(i, *notified_col,
                    "expected a number > 0 (euros a day), or nothing when no single price was "
                    "notified, got " +
                        in_quotes(cell));
      }
      costs.notified_single_price = *v;
    }
    for (const funding::CostProblem& problem : funding::check_costs(modes, costs)) {
      csv.fail_at(i, problem.gamme ? gamme_cols[funding::index(*problem.gamme)] : days_cols.front(),
                  problem.message);
    }
    out[id] = std::move(costs);
  }
  return out;
}

void read_modulation(const Reader& r, const toml::table& funding, const model::Model& model,
                     funding::Scheme& out) {
  const std::vector<model::Provider>& providers = model.providers;
  out.price_mode_of.assign(model.modes.size(), funding::kNoPriceMode);
  if (const toml::node* n = funding.get("price_modes")) {
    out.price_modes = read_price_modes(r, *n, model.modes, out);
  }
  out.costs.assign(providers.size(), std::nullopt);
  if (const toml::node* n = funding.get("costs")) {
    if (out.price_modes.empty()) {
      r.fail(*n, "funding.costs",
             "costs need price modes: declare at least one [funding.price_modes.NAME] table");
    }
    const CsvTable csv = read_data_table(r, *n, "funding.costs");
    out.costs = read_costs(csv, providers, out.price_modes);
  }
  if (const toml::node* n = funding.get("modulation_after_notification")) {
    out.after_notification =
        r.choice(*n, "funding.modulation_after_notification", {"scale", "keep"}, "value") == 0
            ? funding::AfterNotification::kScale
            : funding::AfterNotification::kKeep;
  }
}

}  // namespace parcours::io
