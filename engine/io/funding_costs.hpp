// The inputs of modulated daily prices (R.314-119) in a scenario's [funding] table: the price
// modes ([funding.price_modes.NAME]), the providers' cost decompositions (the CSV file `costs`
// names) and what a breach of C1 after notification does. For io's own readers: scenario.cpp's
// read_funding calls read_modulation.
#pragma once

#include "engine/funding/books.hpp"
#include "engine/io/csv.hpp"
#include "engine/io/internal/reader.hpp"
#include "engine/model/params.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parcours::io {

/// The keys of [funding] that read_modulation reads (beside cost_growth_per_year and rules).
inline const std::vector<std::string> kModulationKeys = {"price_modes", "costs",
                                                         "modulation_after_notification"};

/// Reads the modulation keys of the [funding] table `funding` into `out` (price_modes, the modes
/// and days at school each bills: price_mode_of, school_price_mode; costs, after_notification);
/// `model` has the scenario's modes and declared providers. Other keys are left to the caller.
/// Throws ScenarioError on bad input.
void read_modulation(const internal::Reader& r, const toml::table& funding,
                     const model::Model& model, funding::Scheme& out);

/// The cost decompositions of a costs table (docs/scenario-format.md, "Cost table"): one per
/// provider of `providers` (nullopt for those with no row), forecast days in the order of
/// `modes`. Checks every cell and that each row can be priced (funding::check_costs). Throws
/// ScenarioError at the offending cell.
[[nodiscard]] std::vector<std::optional<funding::CostDecomposition>> read_costs(
    const CsvTable& csv, const std::vector<model::Provider>& providers,
    const std::vector<funding::PriceMode>& modes);

}  // namespace parcours::io
