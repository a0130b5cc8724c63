// Modulated daily prices (prix de journée modulés, CASF R.314-119; circulaire DGAS/SD5B
// n° 2006-467 of 27 October 2006): a provider's price per mode of care, each the sum of the unit
// costs of the six "gammes majeures d'activités" times the units a day of the mode consumes, and
// the constraint C1 on modulation asked after a single price was notified. Pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parcours::funding {

/// The "gammes majeures d'activités" of the administration's tool: four support functions
/// (gérer, restaurer, héberger en semi-internat, héberger en internat) and two core ones
/// (accompagnement socio-éducatif, soins). Values index the per-gamme arrays below.
enum class Gamme : std::uint8_t {
  kGerer,
  kRestaurer,
  kHebergerSemiInternat,
  kHebergerInternat,
  kSocioEducatif,
  kSoins,
};

inline constexpr std::size_t kGammes = 6;

/// The gammes' names in scenarios and outputs, indexed by Gamme.
inline constexpr std::array<std::string_view, kGammes> kGammeNames = {
    "gerer", "restaurer", "heberger_semi_internat", "heberger_internat", "socio_educatif", "soins"};

/// One number per gamme, indexed by Gamme.
using PerGamme = std::array<double, kGammes>;

[[nodiscard]] constexpr std::size_t index(Gamme g) { return static_cast<std::size_t>(g); }

/// A mode of care that may carry its own price (R.314-119: externat, internat complet, internat de
/// semaine, demi-pension, accueil temporaire, journées d'intégration en milieu ordinaire).
struct PriceMode {
  std::string name;
  // Units of each gamme one day of the mode consumes (>= 0): days for gérer, socio-éducatif,
  // soins and héberger en semi-internat, weighted meals (repas pondérés) for restaurer, nights
  // for héberger en internat.
  PerGamme units{};
};

/// A provider's cost decomposition for one year: what the modulated prices are computed from.
struct CostDecomposition {
  PerGamme euros{};                   // approved net cost of each gamme, euros per year, >= 0
  std::vector<double> forecast_days;  // per price mode: forecast days of the year, >= 0
  // Euros per day: the single prix de journée already notified (R.314-113), when modulation is
  // asked after notification; then C1 binds.
  std::optional<double> notified_single_price;
};

/// What to do when modulation asked after notification breaks C1 (forecast spending at the
/// modulated prices above the single price's).
enum class AfterNotification : std::uint8_t {
  kScale,  // scale every mode's price by single × ΣF / Σ price × F, so spending equals the single
           // price's forecast (R.314-119 forbids more)
  kKeep,  // keep the prices as computed; c1_holds reports the breach
};

/// A provider's modulated prices and the figures behind them.
struct ModulatedPrices {
  PerGamme activity_units{};  // units of each gamme in the year: Σ_m units_mg × F_m
  PerGamme unit_cost{};       // euros per unit: euros_g / activity_units_g (0 when no units)
  std::vector<double> price;  // euros per day, per price mode: Σ_g units_mg × unit_cost_g × scale
  double single_price = 0.0;       // euros per day: the notified one, or Σ_g euros_g / Σ_m F_m
  double forecast_spending = 0.0;  // euros: Σ_m price_m × F_m (after scaling)
  double single_forecast_spending = 0.0;  // euros: single_price × Σ_m F_m
  bool c1_holds = true;  // C1 before any scaling: Σ_m price_m F_m <= single × Σ_m F_m
  double scale = 1.0;    // factor applied to the computed prices (< 1 only when C1 failed)
};

/// Relative slack of the C1 comparison, for rounding: without a notified price the two sides are
/// equal up to it (budget neutrality).
inline constexpr double kC1Tolerance = 1e-9;

/// Why a cost decomposition cannot be priced: one problem per gamme or per provider.
struct CostProblem {
  std::optional<Gamme> gamme;  // the gamme concerned; nullopt: the provider's days as a whole
  std::string message;         // one line, without the provider's name
};

/// The problems that make modulate() impossible for `costs` under `modes`: a gamme with euros but
/// no forecast unit (no mode consumes it, or only modes with no forecast day), or forecast days
/// that sum to 0. Empty when modulate() may be called. Thread-safe.
[[nodiscard]] std::vector<CostProblem> check_costs(const std::vector<PriceMode>& modes,
                                                   const CostDecomposition& costs);

/// The modulated prices of one provider. Requires check_costs(modes, costs) to be empty and one
/// forecast figure per mode (checked). C1 binds only when costs.notified_single_price is set:
/// then `after` says what a breach does. Thread-safe.
[[nodiscard]] ModulatedPrices modulate(const std::vector<PriceMode>& modes,
                                       const CostDecomposition& costs,
                                       AfterNotification after = AfterNotification::kScale);

}  // namespace parcours::funding
