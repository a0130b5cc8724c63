// parcours: the command-line program. `run` simulates a scenario and writes HDF5 results;
// `validate` checks a scenario without running it; `calibrate` compares year-1 stocks with
// targets; `prices` computes modulated daily prices. Exit status: 0 success, 1 failure of the
// system (disk, HDF5), 2 bad input (scenario or command line), 130 interrupted.
#include "engine/build_info.hpp"
#include "engine/core/check.hpp"
#include "engine/funding/modulated_price.hpp"
#include "engine/io/results_file.hpp"
#include "engine/io/scenario.hpp"
#include "engine/run/calibration.hpp"
#include "engine/run/runner.hpp"

#include <boost/program_options.hpp>
#include <malloc.h>
#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitOffTarget = 3;  // parcours calibrate: a target outside its tolerance
constexpr int kExitInterrupted = 130;

// Set by SIGINT/SIGTERM; replications poll it and stop, and nothing is written.
std::atomic<bool> g_interrupted{
    false};  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

extern "C" void on_signal(int /*signal*/) { g_interrupted.store(true); }

/// A command-line mistake: printed as "parcours: MESSAGE" with exit status 2.
struct UsageError {
  std::string message;
};

std::string iso_utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./=:,+@%") == std::string::npos) {
    return arg;
  }
  std::string out = "'";
  for (char c : arg) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::string format_duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// A progress bar on stderr: replications done, events per second, time left. Thread-safe:
// called from the OpenMP workers; at most one of them draws at a time, five times a second.
class ProgressBar final : public parcours::run::ProgressObserver {
 public:
  explicit ProgressBar(int replications)
      : replications_(replications), start_(std::chrono::steady_clock::now()) {}

  void on_events(std::uint64_t events) override {
    events_.fetch_add(events, std::memory_order_relaxed);
    maybe_draw(false);
  }

  void on_replication_done() override {
    done_.fetch_add(1, std::memory_order_relaxed);
    maybe_draw(true);
  }

  void finish() {
    std::lock_guard lock(mutex_);
    std::fputs("\r\033[K", stderr);
  }

 private:
  void maybe_draw(bool force) {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock.owns_lock()) {
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last_draw_ < std::chrono::milliseconds(200)) {
      return;
    }
    last_draw_ = now;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const int done = done_.load(std::memory_order_relaxed);
    const auto events = static_cast<double>(events_.load(std::memory_order_relaxed));
    constexpr int kWidth = 30;
    const int filled = kWidth * done / replications_;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::string left = "--:--";
    if (done > 0) {
      left = format_duration(elapsed * (replications_ - done) / done);
    }
    std::fprintf(stderr, "\r\033[K[%s] %d/%d replications, %.2f M events/s, %s left", bar.c_str(),
                 done, replications_, elapsed > 0 ? events / elapsed / 1e6 : 0.0, left.c_str());
    std::fflush(stderr);
  }

  int replications_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_{};
  std::atomic<std::uint64_t> events_{0};
  std::atomic<int> done_{0};
  std::mutex mutex_;
};

void print_version() {
  std::cout << "parcours " << parcours::build::kVersion << " (commit "
            << parcours::build::kGitCommit << ", " << parcours::build::kBuildType << ")\n";
}

const char* kMainHelp =
    "Usage: parcours COMMAND [OPTIONS]\n"
    "\n"
    "Discrete-event simulation of pathways and funding in France's medico-social sector\n"
    "for disabled children.\n"
    "\n"
    "Commands:\n"
    "  run SCENARIO.toml --out RESULTS.h5   simulate and write HDF5 results\n"
    "  validate SCENARIO.toml               check a scenario without running it\n"
    "  calibrate SCENARIO.toml              year-1 stocks against the scenario's targets\n"
    "  prices SCENARIO.toml [--csv]         modulated daily prices of providers with costs\n"
    "\n"
    "Options:\n"
    "  -h, --help      this help (parcours COMMAND --help for a command's options)\n"
    "  -V, --version   version, git commit and build type\n";

po::options_description scenario_options(const std::string& caption) {
  po::options_description opts(caption);
  opts.add_options()  //
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("KEY=VALUE"),
       "override a scenario value by its dotted key, e.g. --set services.IME.places_total=60000 "
       "(repeatable; VALUE is a TOML value, bare words are strings)")  //
      ("help,h", "this help");
  return opts;
}

// Parses a subcommand's arguments; "scenario" is the one positional argument.
po::variables_map parse(const std::string& command, const po::options_description& opts,
                        const std::vector<std::string>& args) {
  po::options_description all = opts;
  all.add_options()("scenario", po::value<std::string>());
  po::positional_options_description positional;
  positional.add("scenario", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::too_many_positional_options_error&) {
    throw UsageError{command + ": expected one scenario file; see parcours " + command + " --help"};
  } catch (const po::error& e) {
    throw UsageError{command + ": " + e.what() + "; see parcours " + command + " --help"};
  }
  if (vm.count("help") == 0 && vm.count("scenario") == 0) {
    throw UsageError{command + ": missing the scenario file; see parcours " + command + " --help"};
  }
  return vm;
}

std::vector<std::string> overrides_of(const po::variables_map& vm) {
  return vm.count("set") ? vm["set"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

// A positive whole number from the command line, or a UsageError naming the option.
std::string checked_count(const po::variables_map& vm, const char* name, long min,
                          const std::string& command = "run") {
  const auto& text = vm[name].as<std::string>();
  std::size_t used = 0;
  long value = 0;
  try {
    value = std::stol(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < min) {
    throw UsageError{command + ": --" + name + ": expected an integer >= " + std::to_string(min) +
                     ", got '" + text + "'"};
  }
  return std::to_string(value);
}

int cmd_validate(const std::vector<std::string>& args) {
  auto opts =
      scenario_options("Usage: parcours validate SCENARIO.toml [--set KEY=VALUE]...\n\nOptions");
  const auto vm = parse("validate", opts, args);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  const auto scenario =
      parcours::io::load_scenario(vm["scenario"].as<std::string>(), overrides_of(vm));
  std::cout << scenario.path << ": valid scenario \"" << scenario.name
            << "\": " << scenario.model.territories.size() << " territories, "
            << scenario.model.services.size() << " services, " << scenario.model.horizon_years
            << " years\n";
  return 0;
}

void print_summary(const parcours::io::Scenario& scenario, const parcours::run::Results& results,
                   const std::string& out) {
  const auto& m = scenario.model;
  const int last = m.periods() - 1;
  const auto reps = static_cast<double>(results.replications.size());
  const auto units = parcours::funding::units(m);  // what the books are kept for
  std::printf("%s: %zu replication(s), seed %llu, %d years from %04d-%02d-%02d\n",
              scenario.name.c_str(), results.replications.size(),
              static_cast<unsigned long long>(scenario.seed), m.horizon_years,
              scenario.start_date.year, scenario.start_date.month, scenario.start_date.day);
  std::printf(
      "means over replications and periods; 'end' = end of the last period; places: authorised "
      "at the end (the policy timeline may change them)\n");
  std::printf("%-12s %9s %10s %12s %13s %11s %13s %16s\n", "service", "places", "occupancy",
              "waiting end", "admissions/yr", "Creton end", "aged out/yr", "spending/yr (M€)");
  for (std::size_t s = 0; s < m.services.size(); ++s) {
    double places = 0.0;  // at the end of the last period
    double authorised_days = 0.0;
    double place_days = 0.0;
    double waiting = 0.0;
    double admissions = 0.0;
    double holding = 0.0;
    double aged_out = 0.0;
    double euros = 0.0;
    for (const auto& r : results.replications) {
      const auto& ind = r.indicators;
      for (int p = 0; p < ind.periods; ++p) {
        for (int t = 0; t < ind.territories; ++t) {
          const auto i = ind.cell(p, t, static_cast<int>(s));
          place_days += ind.occupied_place_days[i];
          authorised_days += ind.capacity_days[i];
          admissions += static_cast<double>(ind.admissions[i]);
          aged_out += static_cast<double>(ind.aged_out_waiting[i]);
          if (p == last) {
            places += static_cast<double>(ind.capacity_end[i]);
            waiting += static_cast<double>(ind.waiting_end[i]);
            holding += static_cast<double>(ind.holding_end[i]);
          }
        }
        for (int u = 0; u < r.books.units; ++u) {
          if (units[static_cast<std::size_t>(u)].service == s) {
            euros += r.books.revenue[r.books.at(p, u)];
          }
        }
      }
    }
    const double years = reps * m.horizon_years;
    const double occupancy = authorised_days > 0.0 ? place_days / authorised_days : 0.0;
    std::printf("%-12s %9.0f %9.1f%% %12.0f %13.0f %11.0f %13.0f %16.1f\n",
                m.services[s].name.c_str(), places / reps, 100.0 * occupancy, waiting / reps,
                admissions / years, holding / reps, aged_out / years, euros / years / 1e6);
  }
  std::printf("%llu events in %.2f s (%.2f M events/s); results in %s\n",
              static_cast<unsigned long long>(results.events), results.wall_seconds,
              results.wall_seconds > 0
                  ? static_cast<double>(results.events) / results.wall_seconds / 1e6
                  : 0.0,
              out.c_str());
}

// Runs the scenario's first year and prints each calibration target against the model's
// value; exit status 3 when one is outside its tolerance.
int cmd_calibrate(const std::vector<std::string>& args) {
  auto opts = scenario_options(
      "Usage: parcours calibrate SCENARIO.toml [--replications N] [--threads T] [--seed S]\n"
      "                          [--set KEY=VALUE]...\n\n"
      "Runs the first year and compares the stocks at its end, averaged over replications,\n"
      "with the scenario's [[calibration]] targets. Exit status 3 if one misses its\n"
      "tolerance.\n\nOptions");
  opts.add_options()  //
      ("replications,n", po::value<std::string>()->value_name("N"),
       "replications to average (default: the scenario's run.replications)")      //
      ("threads,t", po::value<std::string>()->value_name("T"), "OpenMP threads")  //
      ("seed,s", po::value<std::string>()->value_name("S"),
       "random seed (default: the scenario's run.seed)");
  const auto vm = parse("calibrate", opts, args);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  auto overrides = overrides_of(vm);
  if (vm.count("seed")) {
    overrides.push_back("run.seed=" + checked_count(vm, "seed", 0, "calibrate"));
  }
  if (vm.count("replications")) {
    overrides.push_back("run.replications=" + checked_count(vm, "replications", 1, "calibrate"));
  }
  int threads = 0;
  if (vm.count("threads")) {
    threads = std::stoi(checked_count(vm, "threads", 1, "calibrate"));
  }
  const auto scenario = parcours::io::load_scenario(vm["scenario"].as<std::string>(), overrides);
  if (scenario.model.calibration.empty()) {
    throw UsageError{"calibrate: " + scenario.path +
                     " has no [[calibration]] targets (see docs/scenario-format.md)"};
  }
  parcours::model::Model first_year = scenario.model;
  first_year.horizon_years = 1;
  parcours::run::Options options;
  options.seed = scenario.seed;
  options.replications = scenario.replications;
  options.threads = threads;
  options.cancel = &g_interrupted;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const auto results = parcours::run::run(first_year, scenario.funding, options);
  const auto checked = parcours::run::check_calibration(first_year, results);

  std::printf(
      "%s: calibration at the end of year 1 (%04d-12-31), mean of %d replication(s), "
      "seed %llu\n",
      scenario.name.c_str(), scenario.start_date.year, scenario.replications,
      static_cast<unsigned long long>(scenario.seed));
  int width = 6;
  for (const auto& c : checked) {
    width = std::max(width, static_cast<int>(c.target->name.size()));
  }
  std::printf("%-*s %-10s %10s %10s %8s %6s\n", width, "target", "measure", "target", "model",
              "gap", "tol.");
  int missed = 0;
  for (const auto& c : checked) {
    const bool ok = c.passes();
    missed += ok ? 0 : 1;
    std::printf("%-*s %-10s %10.0f %10.1f %+7.1f%% %5.1f%%  %s\n", width, c.target->name.c_str(),
                parcours::run::measure_name(c.target->measure).c_str(), c.target->target,
                c.model_value, 100.0 * c.gap, 100.0 * c.target->tolerance, ok ? "ok" : "MISSED");
  }
  std::printf("sources:\n");
  for (const auto& c : checked) {
    std::printf("  %s: %s\n", c.target->name.c_str(), c.target->source.c_str());
  }
  std::printf("%zu of %zu targets within tolerance\n", checked.size() - missed, checked.size());
  return missed == 0 ? 0 : kExitOffTarget;
}

// ---------------------------------------------------------------------------------------------
// parcours prices

// Shortest text that reads back as `v` (machine-readable output).
std::string exact(double v) {
  std::array<char, 32> buf{};
  const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  return ec == std::errc{} ? std::string(buf.data(), end) : std::string("nan");
}

// A CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) {
    return s;
  }
  std::string out = "\"";
  for (char c : s) {
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  }
  return out + "\"";
}

// 1234567.891, 2 -> "1,234,567.89": amounts as a reader checks them against a budget.
std::string grouped(double v, int decimals) {
  std::array<char, 64> buf{};
  std::snprintf(buf.data(), buf.size(), "%.*f", decimals, v);
  std::string digits = buf.data();
  const std::size_t point = std::min(digits.find('.'), digits.size());
  const std::size_t first = digits[0] == '-' ? 1 : 0;
  for (std::size_t i = point; i > first + 3; i -= 3) {
    digits.insert(i - 3, ",");
  }
  return digits;
}

std::string euros(double v) { return grouped(v, 2); }

// What one unit of each gamme is.
constexpr std::array<const char*, parcours::funding::kGammes> kUnitNames = {
    "days", "weighted meals", "days", "nights", "days", "days"};

void print_prices_table(const parcours::io::Scenario& scenario,
                        const std::vector<std::size_t>& priced,
                        const std::vector<parcours::funding::ModulatedPrices>& prices) {
  namespace funding = parcours::funding;
  const auto& f = scenario.funding;
  std::printf("%s: modulated daily prices (CASF R.314-119) of %zu provider(s), %zu price modes\n",
              scenario.name.c_str(), priced.size(), f.price_modes.size());
  int width = static_cast<int>(std::string_view("heberger_semi_internat").size());
  for (const auto& mode : f.price_modes) {
    width = std::max(width, static_cast<int>(mode.name.size()));
  }
  for (std::size_t k = 0; k < priced.size(); ++k) {
    const auto& provider = scenario.model.providers[priced[k]];
    const funding::CostDecomposition& costs = *f.costs[priced[k]];
    const funding::ModulatedPrices& p = prices[k];
    std::printf("\n%s (%s, %s)\n", provider.name.c_str(),
                scenario.model.services[provider.service].name.c_str(),
                scenario.model.territories[provider.territory].code.c_str());
    // Widths count bytes: a header with "€" (3 bytes) gets 2 more to line up.
    std::printf("  %-*s %16s %23s %15s\n", width, "gamme", "costs €/year", "units in the year",
                "unit cost €");
    for (std::size_t g = 0; g < funding::kGammes; ++g) {
      const std::string units = grouped(p.activity_units[g], 0) + " " + kUnitNames[g];
      std::printf("  %-*s %14s %23s %13.2f\n", width, std::string(funding::kGammeNames[g]).c_str(),
                  euros(costs.euros[g]).c_str(), units.c_str(), p.unit_cost[g]);
    }
    std::printf("  %-*s %16s %14s\n", width, "mode", "price €/day", "forecast days");
    for (std::size_t m = 0; m < f.price_modes.size(); ++m) {
      std::printf("  %-*s %14.2f %14s\n", width, f.price_modes[m].name.c_str(), p.price[m],
                  grouped(costs.forecast_days[m], 0).c_str());
    }
    if (costs.notified_single_price) {
      std::printf("  single price %.2f €/day, notified: modulation asked after notification\n",
                  p.single_price);
    } else {
      std::printf("  single price %.2f €/day (costs / forecast days): none notified\n",
                  p.single_price);
    }
    std::printf("  forecast spending: %s € at the modulated prices, %s € at the single price\n",
                euros(p.forecast_spending).c_str(), euros(p.single_forecast_spending).c_str());
    if (p.c1_holds) {
      std::printf("  C1 holds\n");
    } else if (p.scale != 1.0) {
      std::printf(
          "  C1 fails: %s € at the prices as computed; scaled by %.7g to spend what the single "
          "price would (modulation_after_notification = \"scale\")\n",
          euros(p.forecast_spending / p.scale).c_str(), p.scale);
    } else {
      std::printf(
          "  C1 FAILS: prices kept as computed, spending more than the single price "
          "(modulation_after_notification = \"keep\")\n");
    }
  }
}

void print_prices_csv(const parcours::io::Scenario& scenario,
                      const std::vector<std::size_t>& priced,
                      const std::vector<parcours::funding::ModulatedPrices>& prices) {
  const auto& f = scenario.funding;
  std::printf(
      "provider,mode,price_euros_per_day,forecast_days,single_price_euros_per_day,"
      "notified_single_price,forecast_spending_euros,single_forecast_spending_euros,c1_holds,"
      "scale\n");
  for (std::size_t k = 0; k < priced.size(); ++k) {
    const auto& costs = *f.costs[priced[k]];
    const auto& p = prices[k];
    for (std::size_t m = 0; m < f.price_modes.size(); ++m) {
      std::printf("%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n",
                  csv_cell(scenario.model.providers[priced[k]].name).c_str(),
                  csv_cell(f.price_modes[m].name).c_str(), exact(p.price[m]).c_str(),
                  exact(costs.forecast_days[m]).c_str(), exact(p.single_price).c_str(),
                  costs.notified_single_price ? "true" : "false",
                  exact(p.forecast_spending).c_str(), exact(p.single_forecast_spending).c_str(),
                  p.c1_holds ? "true" : "false", exact(p.scale).c_str());
    }
  }
}

// Prints the modulated daily prices of every provider with a cost decomposition: the
// administration's calculator (circulaire DGAS/SD5B n° 2006-467), run on a scenario.
int cmd_prices(const std::vector<std::string>& args) {
  auto opts = scenario_options(
      "Usage: parcours prices SCENARIO.toml [--set KEY=VALUE]... [--csv]\n\n"
      "Computes each provider's modulated daily prices (CASF R.314-119) from its costs per\n"
      "gamme majeure d'activités and forecast days per price mode ([funding] costs), with the\n"
      "single price, forecast spending at both and constraint C1.\n\nOptions");
  opts.add_options()("csv", "one machine-readable row per provider and price mode");
  const auto vm = parse("prices", opts, args);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  const auto scenario =
      parcours::io::load_scenario(vm["scenario"].as<std::string>(), overrides_of(vm));
  const auto& f = scenario.funding;
  std::vector<std::size_t> priced;
  std::vector<parcours::funding::ModulatedPrices> prices;
  for (std::size_t i = 0; i < f.costs.size(); ++i) {
    if (f.costs[i]) {
      priced.push_back(i);
      prices.push_back(
          parcours::funding::modulate(f.price_modes, *f.costs[i], f.after_notification));
    }
  }
  if (priced.empty()) {
    throw UsageError{"prices: " + scenario.path +
                     " gives no provider costs ([funding] costs, see docs/scenario-format.md)"};
  }
  if (vm.count("csv")) {
    print_prices_csv(scenario, priced, prices);
  } else {
    print_prices_table(scenario, priced, prices);
  }
  return 0;
}

int cmd_run(const std::vector<std::string>& args, const std::string& command_line) {
  auto opts = scenario_options(
      "Usage: parcours run SCENARIO.toml --out RESULTS.h5 [--replications N] [--threads T]\n"
      "                    [--seed S] [--set KEY=VALUE]... [--spells] [--force]\n\nOptions");
  opts.add_options()                                                                           //
      ("out,o", po::value<std::string>()->value_name("FILE"), "results file to write (HDF5)")  //
      ("replications,n", po::value<std::string>()->value_name("N"),
       "replications to run (default: the scenario's run.replications)")  //
      ("threads,t", po::value<std::string>()->value_name("T"),
       "OpenMP threads (default: all cores); results do not depend on it")  //
      ("seed,s", po::value<std::string>()->value_name("S"),
       "random seed (default: the scenario's run.seed)")  //
      ("spells",
       "also write every child's spells (state, service, start, end) as a compressed table "
       "in /spells; costs about 40 bytes per spell in memory")  //
      ("force,f", "replace RESULTS.h5 if it exists");
  const auto vm = parse("run", opts, args);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (!vm.count("out")) {
    throw UsageError{"run: missing --out RESULTS.h5; see parcours run --help"};
  }
  const fs::path out = vm["out"].as<std::string>();
  const bool force = vm.count("force") > 0;
  auto overrides = overrides_of(vm);
  if (vm.count("seed")) {
    overrides.push_back("run.seed=" + checked_count(vm, "seed", 0));
  }
  if (vm.count("replications")) {
    overrides.push_back("run.replications=" + checked_count(vm, "replications", 1));
  }
  int threads = 0;
  if (vm.count("threads")) {
    threads = std::stoi(checked_count(vm, "threads", 1));
  }

  // The scenario's own errors first (a missing file, a typo), then where the results go: both
  // before a long run, not after it.
  const auto scenario = parcours::io::load_scenario(vm["scenario"].as<std::string>(), overrides);
  const fs::path folder = out.has_parent_path() ? out.parent_path() : fs::path(".");
  if (!fs::is_directory(folder)) {
    throw UsageError{"run: --out " + out.string() + ": folder " + folder.string() +
                     " does not exist"};
  }
  if (fs::exists(out) && !force) {
    throw UsageError{"run: --out " + out.string() + " exists; pass --force to replace it"};
  }
  parcours::io::Provenance provenance;
  provenance.engine_version = parcours::build::kVersion;
  provenance.git_commit = parcours::build::kGitCommit;
  provenance.build_type = parcours::build::kBuildType;
  provenance.command_line = command_line;
  provenance.started_at = iso_utc_now();

  std::optional<ProgressBar> bar;
  if (isatty(STDERR_FILENO) != 0) {
    bar.emplace(scenario.replications);
  }
  parcours::run::Options options;
  options.seed = scenario.seed;
  options.replications = scenario.replications;
  options.threads = threads;
  options.cancel = &g_interrupted;
  options.progress = bar ? &*bar : nullptr;
  options.spells = vm.count("spells") > 0;
  provenance.threads = threads > 0 ? threads : omp_get_max_threads();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const auto results = parcours::run::run(scenario.model, scenario.funding, options);
  if (bar) {
    bar->finish();
  }
  provenance.finished_at = iso_utc_now();
  parcours::io::write_results(out, scenario, results, provenance, force);
  if (g_interrupted.load()) {
    // Interrupted while writing: the file is complete, but say so.
    std::cerr << "parcours: interrupted after the results were written to " << out.string() << "\n";
  }
  print_summary(scenario, results, out.string());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Replications allocate and free tens of MB each. Keep freed memory in the process for the
  // next replication instead of returning it to the kernel and faulting it back in: that
  // halves the page faults of a multi-replication run, whose faults also make the threads of
  // one process contend (bench/README.md). Peak memory is unchanged.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command_line = "parcours";
  for (const auto& a : args) {
    command_line += " " + shell_quote(a);
  }
  try {
    if (args.empty()) {
      std::cerr << kMainHelp;
      return kExitBadInput;
    }
    const std::string command = args.front();
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kMainHelp;
      return 0;
    }
    if (command == "--version" || command == "-V") {
      print_version();
      return 0;
    }
    if (command == "run") {
      return cmd_run(rest, command_line);
    }
    if (command == "validate") {
      return cmd_validate(rest);
    }
    if (command == "calibrate") {
      return cmd_calibrate(rest);
    }
    if (command == "prices") {
      return cmd_prices(rest);
    }
    throw UsageError{"unknown command '" + command +
                     "'; expected run, validate, calibrate or prices (see parcours --help)"};
  } catch (const UsageError& e) {
    std::cerr << "parcours: " << e.message << "\n";
    return kExitBadInput;
  } catch (const parcours::io::ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return kExitBadInput;
  } catch (const parcours::run::Cancelled&) {
    std::cerr << "\nparcours: interrupted; no results written\n";
    return kExitInterrupted;
  } catch (const parcours::core::InvariantError& e) {
    std::cerr << "parcours: internal error (please report): " << e.what() << "\n";
    return kExitFailure;
  } catch (const std::exception& e) {
    std::cerr << "parcours: " << e.what() << "\n";
    return kExitFailure;
  }
}
