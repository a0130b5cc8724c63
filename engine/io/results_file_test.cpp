#include "engine/io/results_file.hpp"

#include "engine/core/check.hpp"
#include "engine/io/internal/hdf5_results.hpp"

#include <gtest/gtest.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace parcours::io {
namespace {

namespace fs = std::filesystem;

// Two territories, two services (one territory without places of the first), three years.
Scenario small_scenario(int periods_per_year = 1) {
  Scenario scenario;
  scenario.path = "scenarios/test.toml";
  scenario.text = "name = \"test\"\n# " + std::string(70000, 'x') + "\n";  // > 64 KiB
  scenario.name = "test";
  scenario.description = "two territories, two services";
  scenario.start_date = Date{2025, 11, 1};
  scenario.seed = 18446744073709551557ULL;  // above INT64_MAX: uint64 must survive
  scenario.replications = 2;
  scenario.model.territories = {model::home_territory("75", "Paris", 2.0),
                                model::home_territory("2A", "Corse-du-Sud", 1.0)};
  scenario.model.regions = {{"France"}};  // what the scenario reader gives when none is named
  model::Service ime;
  ime.name = "IME";
  ime.capacity = {10, 0};
  model::Service esat;
  esat.name = "ESAT";
  esat.capacity = {5, 3};
  scenario.model.services = {ime, esat};
  scenario.model.horizon_years = 3;
  scenario.model.periods_per_year = periods_per_year;
  scenario.funding.daily_price = {funding::DailyPrice{{200.0}}, funding::DailyPrice{{100.0}}};
  return scenario;
}

// Made-up but consistent indicators: half the places occupied plus a little per replication,
// flows that conserve people from one period to the next.
run::Results small_results(const Scenario& scenario) {
  const model::Model& model = scenario.model;
  const int periods = model.periods();
  const auto territories = static_cast<int>(model.territories.size());
  const auto services = static_cast<int>(model.services.size());
  run::Results results;
  for (int r = 0; r < scenario.replications; ++r) {
    run::ReplicationResult replication;
    model::Indicators& ind = replication.indicators;
    ind.resize(periods, territories, services);
    replication.spending_euros.assign(ind.occupied_place_days.size(), 0.0);
    for (int p = 0; p < periods; ++p) {
      for (int t = 0; t < territories; ++t) {
        for (int s = 0; s < services; ++s) {
          const std::size_t c = ind.cell(p, t, s);
          const auto places = static_cast<double>(model.services[s].capacity[t]);
          ind.occupied_place_days[c] = places * model.period_days() * (0.5 + 0.1 * r);
          ind.admissions[c] = 100 * r + 10 * p + 2 * t + s;
          ind.waiting_end[c] = 3 + r;
          ind.holding_end[c] = s == 0 ? 1 + p : 0;
          ind.aged_out_waiting[c] = t;
          replication.spending_euros[c] =
              scenario.funding.daily_price[s].per_day.value * ind.occupied_place_days[c];
        }
        const std::size_t f = ind.flow(p, t);
        ind.present_start[f] = p == 0 ? 50 + t : ind.present_end[ind.flow(p - 1, t)];
        ind.arrivals[f] = 10 + p + r;
        ind.departures[f] = 7 + t;
        ind.present_end[f] = ind.present_start[f] + ind.arrivals[f] - ind.departures[f];
      }
    }
    ind.events = 1000 + static_cast<std::uint64_t>(r);
    replication.wall_seconds = 0.25 * (r + 1);
    results.replications.push_back(std::move(replication));
  }
  results.events = 2001;
  results.wall_seconds = 0.75;
  return results;
}

// The France model's shape in miniature: two home territories in two regions (listed in the
// other order than the territories, so that a region is found by Territory::region, not by
// position) and one abroad territory; services IME and SESSAD; two years; two replications.
Scenario france_scenario() {
  Scenario scenario = small_scenario();
  scenario.name = "france";
  scenario.description = "two home territories in two regions, one abroad";
  scenario.start_date = Date{2026, 1, 1};
  scenario.model.regions = {{"Corse"}, {"Île-de-France"}};
  model::Territory paris = model::home_territory("75", "Paris");
  paris.region = 1;
  model::Territory corse = model::home_territory("2A", "Corse-du-Sud");
  corse.region = 0;
  model::Territory belgium = model::home_territory("BE", "Belgique", 0.0);
  belgium.abroad = true;
  belgium.region = model::kNoRegion;
  belgium.senders = {0};
  scenario.model.territories = {paris, corse, belgium};
  model::Service ime;
  ime.name = "IME";
  ime.capacity = {10, 4, 6};
  model::Service sessad;
  sessad.name = "SESSAD";
  sessad.capacity = {5, 3, 0};
  scenario.model.services = {ime, sessad};
  scenario.model.horizon_years = 2;
  return scenario;
}

// Cell value of france_results(): distinct digits for replication, period, territory and
// service, so that every sum in the tests below can be done by hand.
std::int64_t base(int r, int p, int t, int s) { return 1000 * r + 100 * p + 10 * t + s; }

// Interim situations of france_interim_scenario(), in the model's order.
constexpr int kInterimSchool = 0;  // ordinary school: not "no solution"
constexpr int kInterimNone = 1;    // at home with nothing: "no solution"

// Waiting children of france_results() by interim situation, on home territories (0 abroad).
// Fewer than waiting_end (base + 2 >= 2 for IME, >= 3 for SESSAD), as some waiting children hold
// a place elsewhere.
std::int64_t interim_school(int p, int s) { return s == 0 ? 1 + p : 1; }

std::int64_t interim_none(int r, int p, int t, int s) {
  return s == 0 ? 1 + t + 10 * p + 100 * r : 2;
}

// france_scenario() with two interim situations: the second one is "no solution".
Scenario france_interim_scenario() {
  Scenario scenario = france_scenario();
  scenario.model.interim = {{"ordinary school", /*no_solution=*/false, /*ordinary_school=*/true},
                            {"at home", /*no_solution=*/true, /*ordinary_school=*/false}};
  for (model::Service& service : scenario.model.services) {
    service.interim_shares = {0.5, 0.5};
  }
  return scenario;
}

// Indicators of france_scenario(). Every [period][territory][service] count is base() plus a
// per-indicator offset. As in a real run, counts by home territory (lists, away, abroad,
// admissions from a list) are zero on the abroad territory, while counts by place (occupied,
// Creton holders) are not: region and national sums must leave the latter out.
// admitted_from_list is the wait histogram's total for the territory's region (each region has
// one home territory), and waits average 10 (t + 1) + s + 0.5 days.
run::Results france_results(const Scenario& scenario) {
  const model::Model& model = scenario.model;
  run::Results results;
  for (int r = 0; r < scenario.replications; ++r) {
    run::ReplicationResult replication;
    model::Indicators& ind = replication.indicators;
    ind.resize(model.periods(), 3, 2, /*n_regions=*/2, static_cast<int>(model.interim.size()));
    replication.spending_euros.assign(ind.occupied_place_days.size(), 0.0);

    // Waits by home region, in months. Region 0 is Corse (2A), region 1 Île-de-France (75);
    // service 0 is IME, 1 SESSAD. No one from Corse is admitted to a SESSAD from a list.
    const auto add = [&ind](int p, int region, int s, int month, std::int64_t n) {
      ind.wait_histogram[ind.wait_bin(p, region, s, month)] += n;
    };
    if (r == 0) {
      add(0, 1, 0, 0, 1);  // year 0, Île-de-France, IME: months {0, 3, 3, 7, 120+}
      add(0, 1, 0, 3, 2);
      add(0, 1, 0, 7, 1);
      add(0, 1, 0, 120, 1);
      add(0, 0, 0, 2, 4);  // year 0, Corse, IME: months {2, 2, 2, 2}
      add(0, 1, 1, 1, 1);  // year 0, Île-de-France, SESSAD: months {1, 5}
      add(0, 1, 1, 5, 1);
      add(1, 1, 0, 0, 9);  // year 1, Île-de-France, IME: nine of 0 months, one of 4
      add(1, 1, 0, 4, 1);
    } else {
      add(1, 1, 1, 10, 3);  // year 1, Île-de-France, SESSAD: months {10, 10, 10}; nothing else
    }

    for (int p = 0; p < model.periods(); ++p) {
      for (int t = 0; t < 3; ++t) {
        for (int s = 0; s < 2; ++s) {
          const std::size_t c = ind.cell(p, t, s);
          const std::int64_t b = base(r, p, t, s);
          ind.occupied_end[c] = b + 1;
          ind.holding_end[c] = b + 3;
          const model::Territory& territory = model.territories[static_cast<std::size_t>(t)];
          if (territory.abroad) {
            continue;
          }
          ind.waiting_end[c] = b + 2;
          ind.away_end[c] = b + 4;
          ind.abroad_end[c] = b + 5;
          ind.aged_out_waiting[c] = b + 6;
          for (int m = 0; m < model::Indicators::kWaitMonths; ++m) {
            ind.admitted_from_list[c] +=
                ind.wait_histogram[ind.wait_bin(p, territory.region, s, m)];
          }
          ind.waited_days[c] =
              static_cast<double>(ind.admitted_from_list[c]) * (10.0 * (t + 1) + s + 0.5);
          if (!model.interim.empty()) {
            // france_interim_scenario(): kInterimSchool, then kInterimNone (no solution).
            ind.waiting_interim_end[ind.interim_cell(p, t, s, kInterimSchool)] =
                interim_school(p, s);
            ind.waiting_interim_end[ind.interim_cell(p, t, s, kInterimNone)] =
                interim_none(r, p, t, s);
          }
        }
        ind.present_start[ind.flow(p, t)] = 5;
        ind.present_end[ind.flow(p, t)] = 5;
      }
    }
    ind.events = 10;
    results.replications.push_back(std::move(replication));
  }
  return results;
}

Provenance small_provenance() {
  Provenance provenance;
  provenance.engine_version = "0.1.0";
  provenance.git_commit = "0123456789abcdef";
  provenance.build_type = "Debug";
  provenance.command_line = "parcours run scenarios/test.toml -o out.h5";
  provenance.started_at = "2025-01-02T03:04:05Z";
  provenance.finished_at = "2025-01-02T03:04:06Z";
  provenance.threads = 2;
  return provenance;
}

// An HDF5 identifier closed on scope exit.
class Handle {
 public:
  Handle(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}

  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}

  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;

  ~Handle() {
    if (id_ >= 0) {
      closer_(id_);
    }
  }

  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*closer_)(hid_t);
};

Handle open_file(const fs::path& path) {
  return {H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose};
}

std::vector<hsize_t> shape_of(hid_t file, const char* name) {
  const Handle dataset{H5Dopen2(file, name, H5P_DEFAULT), H5Dclose};
  const Handle space{H5Dget_space(dataset.get()), H5Sclose};
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

template <class T>
std::vector<T> read_numbers(hid_t file, const char* name, hid_t mem_type) {
  const Handle dataset{H5Dopen2(file, name, H5P_DEFAULT), H5Dclose};
  const Handle space{H5Dget_space(dataset.get()), H5Sclose};
  std::vector<T> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  EXPECT_GE(H5Dread(dataset.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), 0);
  return values;
}

Handle string_type() {
  Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  return type;
}

std::vector<std::string> read_strings(hid_t file, const char* name) {
  const Handle dataset{H5Dopen2(file, name, H5P_DEFAULT), H5Dclose};
  const Handle space{H5Dget_space(dataset.get()), H5Sclose};
  const Handle type = string_type();
  std::vector<char*> raw(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  EXPECT_GE(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), 0);
  std::vector<std::string> values(raw.begin(), raw.end());
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, raw.data());
  return values;
}

std::string string_attribute(hid_t file, const char* object, const char* key) {
  const Handle attribute{H5Aopen_by_name(file, object, key, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  const Handle type = string_type();
  char* raw = nullptr;
  EXPECT_GE(H5Aread(attribute.get(), type.get(), &raw), 0) << object << " " << key;
  std::string value = raw == nullptr ? "" : raw;
  H5free_memory(raw);
  return value;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

class ResultsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() /
              ("parcours_results_" + std::string{info->name()} + "_" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }

  void TearDown() override { fs::remove_all(folder_); }

  fs::path write(const Scenario& scenario, const std::string& name = "out.h5") {
    const fs::path out = folder_ / name;
    write_results(out, scenario, small_results(scenario), small_provenance(), /*force=*/false);
    return out;
  }

  fs::path write_france(const Scenario& scenario = france_scenario()) {
    const fs::path out = folder_ / "france.h5";
    write_results(out, scenario, france_results(scenario), small_provenance(), /*force=*/false);
    return out;
  }

  std::vector<fs::path> files() const {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(folder_)) {
      found.push_back(entry.path().filename());
    }
    return found;
  }

  fs::path folder_;
};

TEST_F(ResultsFileTest, DimensionsAreLabelledScalesAttachedToEveryAxis) {
  const fs::path out = write(small_scenario());
  const Handle file = open_file(out);
  ASSERT_GE(file.get(), 0);

  EXPECT_EQ(read_numbers<std::int32_t>(file.get(), "replication", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(read_numbers<std::int32_t>(file.get(), "year", H5T_NATIVE_INT32),
            (std::vector<std::int32_t>{2025, 2026, 2027}));
  EXPECT_EQ(read_strings(file.get(), "territory"), (std::vector<std::string>{"75", "2A"}));
  EXPECT_EQ(read_strings(file.get(), "service"), (std::vector<std::string>{"IME", "ESAT"}));
  EXPECT_EQ(read_strings(file.get(), "territory_name"),
            (std::vector<std::string>{"Paris", "Corse-du-Sud"}));

  EXPECT_EQ(shape_of(file.get(), "occupancy"), (std::vector<hsize_t>{2, 3, 2, 2}));
  EXPECT_EQ(shape_of(file.get(), "present_end"), (std::vector<hsize_t>{2, 3, 2}));
  EXPECT_EQ(shape_of(file.get(), "events"), (std::vector<hsize_t>{2}));
  EXPECT_EQ(shape_of(file.get(), "places"), (std::vector<hsize_t>{2, 2}));
  EXPECT_TRUE(shape_of(file.get(), "scenario").empty());

  const Handle occupancy{H5Dopen2(file.get(), "occupancy", H5P_DEFAULT), H5Dclose};
  const char* axes[] = {"replication", "year", "territory", "service"};
  for (unsigned axis = 0; axis < 4; ++axis) {
    const Handle scale{H5Dopen2(file.get(), axes[axis], H5P_DEFAULT), H5Dclose};
    EXPECT_GT(H5DSis_scale(scale.get()), 0) << axes[axis];
    EXPECT_GT(H5DSis_attached(occupancy.get(), scale.get(), axis), 0) << axes[axis];
  }
}

TEST_F(ResultsFileTest, IndicatorsHoldTheReplicationsValues) {
  const Scenario scenario = small_scenario();
  const fs::path out = write(scenario);
  const Handle file = open_file(out);

  EXPECT_EQ(read_numbers<std::int64_t>(file.get(), "places", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{10, 5, 0, 3}));
  EXPECT_EQ(read_numbers<double>(file.get(), "period_days", H5T_NATIVE_DOUBLE),
            (std::vector<double>(3, 365.25)));

  // [replication][year][territory][service]: replication 1 occupies 60% of its places.
  const auto occupancy = read_numbers<double>(file.get(), "occupancy", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(occupancy.size(), 24U);
  EXPECT_DOUBLE_EQ(occupancy[0], 0.5);
  EXPECT_DOUBLE_EQ(occupancy[12 + 4 * 2 + 1], 0.6);
  EXPECT_TRUE(std::isnan(occupancy[2]));  // territory 2A has no IME places

  const auto admissions = read_numbers<std::int64_t>(file.get(), "admissions", H5T_NATIVE_INT64);
  EXPECT_EQ(admissions[12 + 4 * 2 + 2 * 1 + 1], 100 + 20 + 2 + 1);
  const auto creton = read_numbers<std::int64_t>(file.get(), "creton_end", H5T_NATIVE_INT64);
  EXPECT_EQ(creton[4 * 2], 3);  // replication 0, year 2027, territory 75, IME
  const auto spending = read_numbers<double>(file.get(), "spending", H5T_NATIVE_DOUBLE);
  EXPECT_DOUBLE_EQ(spending[1], 100.0 * 5 * 365.25 * 0.5);
  EXPECT_EQ(read_numbers<std::int64_t>(file.get(), "events", H5T_NATIVE_INT64),
            (std::vector<std::int64_t>{1000, 1001}));

  EXPECT_EQ(string_attribute(file.get(), "occupancy", "units"), "1");
  EXPECT_EQ(string_attribute(file.get(), "spending", "units"), "EUR");
  EXPECT_FALSE(string_attribute(file.get(), "creton_end", "description").empty());
  EXPECT_EQ(read_strings(file.get(), "scenario").front(), scenario.text);
}

TEST_F(ResultsFileTest, RootAttributesRecordTheRun) {
  const fs::path out = write(small_scenario());
  const Handle file = open_file(out);

  EXPECT_EQ(string_attribute(file.get(), "/", "title"), "test");
  EXPECT_EQ(string_attribute(file.get(), "/", "start_date"), "2025-11-01");
  EXPECT_EQ(string_attribute(file.get(), "/", "git_commit"), "0123456789abcdef");
  EXPECT_EQ(string_attribute(file.get(), "/", "history"),
            "2025-01-02T03:04:05Z: parcours run scenarios/test.toml -o out.h5");

  const Handle seed{H5Aopen_by_name(file.get(), "/", "seed", H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  std::uint64_t value = 0;
  ASSERT_GE(H5Aread(seed.get(), H5T_NATIVE_UINT64, &value), 0);
  EXPECT_EQ(value, 18446744073709551557ULL);
  const Handle threads{H5Aopen_by_name(file.get(), "/", "threads", H5P_DEFAULT, H5P_DEFAULT),
                       H5Aclose};
  std::int32_t n_threads = 0;
  ASSERT_GE(H5Aread(threads.get(), H5T_NATIVE_INT32, &n_threads), 0);
  EXPECT_EQ(n_threads, 2);
}

TEST_F(ResultsFileTest, MonthlyPeriodsAreLabelledYyyymm) {
  const fs::path out = write(small_scenario(/*periods_per_year=*/12));
  const Handle file = open_file(out);
  const auto months = read_numbers<std::int32_t>(file.get(), "month", H5T_NATIVE_INT32);
  ASSERT_EQ(months.size(), 36U);
  EXPECT_EQ(months[0], 202511);
  EXPECT_EQ(months[2], 202601);
  EXPECT_EQ(months[35], 202810);
  EXPECT_EQ(shape_of(file.get(), "occupancy"), (std::vector<hsize_t>{2, 36, 2, 2}));
}

void expect_check_output_passes(const fs::path& file) {
  const std::string command = std::string{"/usr/bin/python3 "} + PARCOURS_SOURCE_DIR +
                              "/tests/check_output.py " + file.string();
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
}

TEST_F(ResultsFileTest, PassesTheOutputCheckerInXarrayH5pyAndNcdump) {
  expect_check_output_passes(write(small_scenario()));
}

TEST_F(ResultsFileTest, MonthlyFilePassesTheOutputChecker) {
  expect_check_output_passes(write(small_scenario(/*periods_per_year=*/12)));
}

TEST_F(ResultsFileTest, FranceModelFilePassesTheOutputChecker) {
  expect_check_output_passes(write_france());
}

TEST_F(ResultsFileTest, TerritoriesAreLabelledWithTheirRegionOrAbroad) {
  const Handle file = open_file(write_france());
  ASSERT_GE(file.get(), 0);
  EXPECT_EQ(read_strings(file.get(), "region"),
            (std::vector<std::string>{"Corse", "Île-de-France"}));
  EXPECT_EQ(read_strings(file.get(), "territory_region"),
            (std::vector<std::string>{"Île-de-France", "Corse", "abroad"}));
  EXPECT_EQ(read_numbers<std::int8_t>(file.get(), "territory_abroad", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 0, 1}));
  const Handle region{H5Dopen2(file.get(), "region", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_scale(region.get()), 0);
}

// Index of [replication][year][territory][service] in a france_scenario() file.
std::size_t cell(int r, int p, int t, int s) { return ((r * 2 + p) * 3 + t) * 2 + s; }

TEST_F(ResultsFileTest, TerritoryIndicatorsHoldTheReplicationsValues) {
  const Handle file = open_file(write_france());
  for (const char* name :
       {"occupied_end", "away_end", "abroad_end", "admitted_from_list", "mean_wait_days"}) {
    EXPECT_EQ(shape_of(file.get(), name), (std::vector<hsize_t>{2, 2, 3, 2})) << name;
    EXPECT_FALSE(string_attribute(file.get(), name, "description").empty()) << name;
  }
  const auto occupied = read_numbers<std::int64_t>(file.get(), "occupied_end", H5T_NATIVE_INT64);
  EXPECT_EQ(occupied[cell(1, 1, 2, 0)], 1121);  // replication 1, year 1, BE, IME: 1120 + 1
  const auto away = read_numbers<std::int64_t>(file.get(), "away_end", H5T_NATIVE_INT64);
  EXPECT_EQ(away[cell(0, 1, 1, 1)], 115);  // 100 + 10 + 1, + 4
  const auto abroad = read_numbers<std::int64_t>(file.get(), "abroad_end", H5T_NATIVE_INT64);
  EXPECT_EQ(abroad[cell(1, 0, 0, 1)], 1006);  // 1000 + 1, + 5
  const auto admitted =
      read_numbers<std::int64_t>(file.get(), "admitted_from_list", H5T_NATIVE_INT64);
  EXPECT_EQ(admitted[cell(0, 0, 0, 0)], 5);  // Île-de-France's IME waits in year 0
  EXPECT_EQ(admitted[cell(0, 0, 1, 0)], 4);  // Corse's
  EXPECT_EQ(admitted[cell(1, 1, 0, 1)], 3);
  EXPECT_EQ(string_attribute(file.get(), "mean_wait_days", "units"), "d");
}

TEST_F(ResultsFileTest, MeanWaitIsNaNWhereNoOneWasAdmittedFromAList) {
  const Handle file = open_file(write_france());
  const auto mean = read_numbers<double>(file.get(), "mean_wait_days", H5T_NATIVE_DOUBLE);
  // waited_days = admitted * (10 (t + 1) + s + 0.5), so the mean is 10 (t + 1) + s + 0.5.
  EXPECT_DOUBLE_EQ(mean[cell(0, 0, 0, 0)], 10.5);
  EXPECT_DOUBLE_EQ(mean[cell(1, 1, 0, 1)], 11.5);
  EXPECT_DOUBLE_EQ(mean[cell(0, 0, 1, 0)], 20.5);
  EXPECT_TRUE(std::isnan(mean[cell(1, 0, 0, 0)]));  // replication 1, year 0: none admitted
  for (int r = 0; r < 2; ++r) {
    for (int p = 0; p < 2; ++p) {
      EXPECT_TRUE(std::isnan(mean[cell(r, p, 1, 1)]));  // 2A, SESSAD: none admitted
      EXPECT_TRUE(std::isnan(mean[cell(r, p, 2, 0)]));  // BE: no list, so never
      EXPECT_TRUE(std::isnan(mean[cell(r, p, 2, 1)]));
    }
  }
}

// Index of [replication][year][region][service] and of [replication][year][service].
std::size_t region_cell(int r, int p, int g, int s) { return ((r * 2 + p) * 2 + g) * 2 + s; }

std::size_t national_cell(int r, int p, int s) { return (r * 2 + p) * 2 + s; }

constexpr int kCorse = 0;        // region 0: territory 2A (t = 1)
constexpr int kIleDeFrance = 1;  // region 1: territory 75 (t = 0)

TEST_F(ResultsFileTest, RegionSumsGoOverTheHomeTerritoriesOfEachRegion) {
  const Handle file = open_file(write_france());
  const auto occupied =
      read_numbers<std::int64_t>(file.get(), "occupied_end_by_region", H5T_NATIVE_INT64);
  ASSERT_EQ(shape_of(file.get(), "occupied_end_by_region"), (std::vector<hsize_t>{2, 2, 2, 2}));
  EXPECT_EQ(occupied[region_cell(1, 0, kCorse, 0)], 1011);       // 2A: base 1010, + 1
  EXPECT_EQ(occupied[region_cell(0, 1, kIleDeFrance, 1)], 102);  // 75: base 101, + 1
  const auto creton =
      read_numbers<std::int64_t>(file.get(), "creton_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(creton[region_cell(1, 1, kIleDeFrance, 0)], 1103);  // 75: base 1100, + 3
  const auto waiting =
      read_numbers<std::int64_t>(file.get(), "waiting_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting[region_cell(0, 0, kCorse, 1)], 13);  // 2A: base 11, + 2
  const auto away = read_numbers<std::int64_t>(file.get(), "away_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(away[region_cell(1, 1, kCorse, 1)], 1115);  // 2A: base 1111, + 4
  const auto abroad =
      read_numbers<std::int64_t>(file.get(), "abroad_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(abroad[region_cell(0, 1, kIleDeFrance, 0)], 105);  // 75: base 100, + 5
  const auto aged_out =
      read_numbers<std::int64_t>(file.get(), "aged_out_waiting_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(aged_out[region_cell(1, 0, kCorse, 0)], 1016);  // 2A: base 1010, + 6
  const auto admitted =
      read_numbers<std::int64_t>(file.get(), "admitted_from_list_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(admitted[region_cell(0, 0, kCorse, 1)], 0);        // 2A, SESSAD: none
  EXPECT_EQ(admitted[region_cell(1, 1, kIleDeFrance, 1)], 3);  // 75: the histogram's total
  EXPECT_EQ(string_attribute(file.get(), "away_end_by_region", "units"), "people");
}

TEST_F(ResultsFileTest, NationalSumsLeaveAbroadTerritoriesOut) {
  const Handle file = open_file(write_france());
  ASSERT_EQ(shape_of(file.get(), "occupied_end_national"), (std::vector<hsize_t>{2, 2, 2}));
  // 75 + 2A = base(r, p, 0, s) + base(r, p, 1, s) + 2 offset = 2000 r + 200 p + 2 s + 10 + 2
  // offset; BE (base(r, p, 2, s) + offset) is not in it.
  const auto occupied =
      read_numbers<std::int64_t>(file.get(), "occupied_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(occupied[national_cell(1, 1, 0)], 2212);  // 2000 + 200 + 0 + 10 + 2
  const auto creton =
      read_numbers<std::int64_t>(file.get(), "creton_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(creton[national_cell(0, 0, 1)], 18);  // 0 + 0 + 2 + 10 + 6: 4 (75) + 14 (2A)
  const auto waiting =
      read_numbers<std::int64_t>(file.get(), "waiting_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting[national_cell(0, 1, 0)], 214);  // 0 + 200 + 0 + 10 + 4
  const auto away = read_numbers<std::int64_t>(file.get(), "away_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(away[national_cell(1, 0, 1)], 2020);  // 2000 + 0 + 2 + 10 + 8
  const auto abroad =
      read_numbers<std::int64_t>(file.get(), "abroad_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(abroad[national_cell(0, 1, 1)], 222);  // 0 + 200 + 2 + 10 + 10
  const auto aged_out =
      read_numbers<std::int64_t>(file.get(), "aged_out_waiting_national", H5T_NATIVE_INT64);
  EXPECT_EQ(aged_out[national_cell(1, 1, 0)], 2222);  // 2000 + 200 + 0 + 10 + 12
  const auto admitted =
      read_numbers<std::int64_t>(file.get(), "admitted_from_list_national", H5T_NATIVE_INT64);
  EXPECT_EQ(admitted[national_cell(0, 0, 0)], 9);  // 5 from 75 + 4 from 2A
  // Abroad places on their own: BE's base(r, p, 2, s) + 1.
  const auto occupied_abroad =
      read_numbers<std::int64_t>(file.get(), "occupied_abroad_national", H5T_NATIVE_INT64);
  EXPECT_EQ(occupied_abroad[national_cell(1, 1, 1)], 1122);  // 1000 + 100 + 20 + 1, + 1
  EXPECT_EQ(occupied_abroad[national_cell(0, 0, 0)], 21);
}

TEST_F(ResultsFileTest, NationalSumsAreTheSumsOfTheRegions) {
  const Handle file = open_file(write_france());
  for (const std::string stem : {"occupied_end", "waiting_end", "creton_end", "away_end",
                                 "abroad_end", "aged_out_waiting", "admitted_from_list"}) {
    const auto regional =
        read_numbers<std::int64_t>(file.get(), (stem + "_by_region").c_str(), H5T_NATIVE_INT64);
    const auto national =
        read_numbers<std::int64_t>(file.get(), (stem + "_national").c_str(), H5T_NATIVE_INT64);
    for (int r = 0; r < 2; ++r) {
      for (int p = 0; p < 2; ++p) {
        for (int s = 0; s < 2; ++s) {
          EXPECT_EQ(
              national[national_cell(r, p, s)],
              regional[region_cell(r, p, kCorse, s)] + regional[region_cell(r, p, kIleDeFrance, s)])
              << stem << " r" << r << " p" << p << " s" << s;
        }
      }
    }
  }
}

TEST_F(ResultsFileTest, WaitHistogramIsWrittenWithAWaitMonthsScale) {
  const Handle file = open_file(write_france());
  ASSERT_EQ(shape_of(file.get(), "wait_histogram"), (std::vector<hsize_t>{2, 2, 2, 2, 121}));
  const auto months = read_numbers<std::int32_t>(file.get(), "wait_months", H5T_NATIVE_INT32);
  ASSERT_EQ(months.size(), 121U);
  EXPECT_EQ(months.front(), 0);
  EXPECT_EQ(months.back(), 120);
  const auto histogram = read_numbers<std::int64_t>(file.get(), "wait_histogram", H5T_NATIVE_INT64);
  // [replication][year][region][service][month]
  const auto bin = [](int r, int p, int g, int s, int m) {
    return region_cell(r, p, g, s) * 121 + m;
  };
  EXPECT_EQ(histogram[bin(0, 0, kIleDeFrance, 0, 3)], 2);
  EXPECT_EQ(histogram[bin(0, 0, kIleDeFrance, 0, 120)], 1);
  EXPECT_EQ(histogram[bin(1, 1, kIleDeFrance, 1, 10)], 3);
  EXPECT_EQ(histogram[bin(1, 1, kCorse, 1, 10)], 0);
  EXPECT_EQ(string_attribute(file.get(), "wait_months", "units"), "months");

  const Handle dataset{H5Dopen2(file.get(), "wait_histogram", H5P_DEFAULT), H5Dclose};
  const Handle scale{H5Dopen2(file.get(), "wait_months", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_attached(dataset.get(), scale.get(), 4), 0);
  const Handle plist{H5Dget_create_plist(dataset.get()), H5Pclose};
  EXPECT_EQ(H5Pget_layout(plist.get()), H5D_CHUNKED);
  EXPECT_GT(H5Pget_nfilters(plist.get()), 0);  // shuffle and deflate
}

TEST_F(ResultsFileTest, WaitPercentilesAreReadFromTheRegionsHistograms) {
  const Handle file = open_file(write_france());
  const auto p50 = read_numbers<double>(file.get(), "wait_p50_months", H5T_NATIVE_DOUBLE);
  const auto p90 = read_numbers<double>(file.get(), "wait_p90_months", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(p50.size(), 16U);
  // Île-de-France, IME, year 0: months {0, 3, 3, 7, 120+}, total 5, cumulative 1, 3, 4, 5.
  // p50: 0.5 * 5 = 2.5, first reached at month 3 (3); p90: 4.5, first reached at 120 (5).
  EXPECT_EQ(p50[region_cell(0, 0, kIleDeFrance, 0)], 3.0);
  EXPECT_EQ(p90[region_cell(0, 0, kIleDeFrance, 0)], 120.0);  // "120 months or more"
  // Corse, IME, year 0: months {2, 2, 2, 2}: both at 2.
  EXPECT_EQ(p50[region_cell(0, 0, kCorse, 0)], 2.0);
  EXPECT_EQ(p90[region_cell(0, 0, kCorse, 0)], 2.0);
  // Île-de-France, SESSAD, year 0: months {1, 5}. p50: 0.5 * 2 = 1, reached exactly at month 1
  // (>=, not >); p90: 1.8, reached at 5.
  EXPECT_EQ(p50[region_cell(0, 0, kIleDeFrance, 1)], 1.0);
  EXPECT_EQ(p90[region_cell(0, 0, kIleDeFrance, 1)], 5.0);
  // Île-de-France, IME, year 1: nine of 0 months, one of 4. p90: 0.9 * 10 = 9, reached exactly
  // at month 0 (>=, not >).
  EXPECT_EQ(p50[region_cell(0, 1, kIleDeFrance, 0)], 0.0);
  EXPECT_EQ(p90[region_cell(0, 1, kIleDeFrance, 0)], 0.0);
  // Replication 1: only Île-de-France, SESSAD, year 1, months {10, 10, 10}.
  EXPECT_EQ(p50[region_cell(1, 1, kIleDeFrance, 1)], 10.0);
  EXPECT_EQ(p90[region_cell(1, 1, kIleDeFrance, 1)], 10.0);
  // No one admitted: NaN.
  EXPECT_TRUE(std::isnan(p50[region_cell(0, 0, kCorse, 1)]));
  EXPECT_TRUE(std::isnan(p90[region_cell(0, 1, kCorse, 0)]));
  EXPECT_TRUE(std::isnan(p50[region_cell(1, 0, kIleDeFrance, 0)]));
  EXPECT_EQ(string_attribute(file.get(), "wait_p90_months", "units"), "months");
}

TEST_F(ResultsFileTest, NationalWaitPercentilesAreReadFromTheSummedHistogram) {
  const Handle file = open_file(write_france());
  const auto p50 = read_numbers<double>(file.get(), "wait_p50_months_national", H5T_NATIVE_DOUBLE);
  const auto p90 = read_numbers<double>(file.get(), "wait_p90_months_national", H5T_NATIVE_DOUBLE);
  ASSERT_EQ(p50.size(), 8U);
  // IME, year 0: {0, 3, 3, 7, 120+} + {2, 2, 2, 2} = {0, 2, 2, 2, 2, 3, 3, 7, 120+}, total 9,
  // cumulative 1 (month 0), 5 (2), 7 (3), 8 (7), 9 (120). p50: 4.5, reached at month 2, which
  // neither region's median is; p90: 8.1, reached at 120.
  EXPECT_EQ(p50[national_cell(0, 0, 0)], 2.0);
  EXPECT_EQ(p90[national_cell(0, 0, 0)], 120.0);
  // SESSAD, year 0: Île-de-France's {1, 5} alone.
  EXPECT_EQ(p50[national_cell(0, 0, 1)], 1.0);
  EXPECT_EQ(p90[national_cell(0, 0, 1)], 5.0);
  EXPECT_EQ(p90[national_cell(0, 1, 0)], 0.0);
  EXPECT_EQ(p50[national_cell(1, 1, 1)], 10.0);
  EXPECT_TRUE(std::isnan(p50[national_cell(0, 1, 1)]));
  EXPECT_TRUE(std::isnan(p90[national_cell(1, 0, 0)]));
}

// Index of [replication][year][territory][service][interim] and of the region and national
// sums, in a france_interim_scenario() file.
std::size_t interim_cell(int r, int p, int t, int s, int i) { return cell(r, p, t, s) * 2 + i; }

std::size_t interim_region_cell(int r, int p, int g, int s, int i) {
  return region_cell(r, p, g, s) * 2 + i;
}

std::size_t interim_national_cell(int r, int p, int s, int i) {
  return national_cell(r, p, s) * 2 + i;
}

// Index of [replication][year][territory] and [replication][year][region].
std::size_t flow_cell(int r, int p, int t) { return (r * 2 + p) * 3 + t; }

std::size_t flow_region_cell(int r, int p, int g) { return (r * 2 + p) * 2 + g; }

TEST_F(ResultsFileTest, InterimSituationsAreALabelledScaleWithTheirFlags) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  EXPECT_EQ(read_strings(file.get(), "interim"),
            (std::vector<std::string>{"ordinary school", "at home"}));
  const Handle interim{H5Dopen2(file.get(), "interim", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_scale(interim.get()), 0);
  EXPECT_EQ(read_numbers<std::int8_t>(file.get(), "interim_no_solution", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{0, 1}));
  EXPECT_EQ(read_numbers<std::int8_t>(file.get(), "interim_ordinary_school", H5T_NATIVE_INT8),
            (std::vector<std::int8_t>{1, 0}));

  const Handle waiting{H5Dopen2(file.get(), "waiting_interim_end", H5P_DEFAULT), H5Dclose};
  EXPECT_GT(H5DSis_attached(waiting.get(), interim.get(), 4), 0);
  const Handle plist{H5Dget_create_plist(waiting.get()), H5Pclose};
  EXPECT_EQ(H5Pget_layout(plist.get()), H5D_CHUNKED);
  for (const char* name :
       {"waiting_interim_end", "waiting_interim_end_by_region", "waiting_interim_end_national",
        "no_solution_end", "no_solution_end_by_region", "no_solution_end_national"}) {
    EXPECT_EQ(string_attribute(file.get(), name, "units"), "people") << name;
    EXPECT_FALSE(string_attribute(file.get(), name, "description").empty()) << name;
  }
}

TEST_F(ResultsFileTest, WaitingByInterimSituationIsByHomeTerritory) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  ASSERT_EQ(shape_of(file.get(), "waiting_interim_end"), (std::vector<hsize_t>{2, 2, 3, 2, 2}));
  const auto waiting =
      read_numbers<std::int64_t>(file.get(), "waiting_interim_end", H5T_NATIVE_INT64);
  EXPECT_EQ(waiting[interim_cell(1, 1, 1, 0, kInterimNone)], 112);  // 1 + 1 + 10 + 100
  EXPECT_EQ(waiting[interim_cell(0, 1, 0, 0, kInterimSchool)], 2);  // 1 + 1
  EXPECT_EQ(waiting[interim_cell(1, 0, 0, 1, kInterimNone)], 2);    // SESSAD: 2
  EXPECT_EQ(waiting[interim_cell(1, 1, 2, 0, kInterimNone)], 0);    // BE: no list
}

TEST_F(ResultsFileTest, WaitingByInterimSituationIsSummedByRegionAndNationally) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  ASSERT_EQ(shape_of(file.get(), "waiting_interim_end_by_region"),
            (std::vector<hsize_t>{2, 2, 2, 2, 2}));
  ASSERT_EQ(shape_of(file.get(), "waiting_interim_end_national"),
            (std::vector<hsize_t>{2, 2, 2, 2}));
  const auto by_region =
      read_numbers<std::int64_t>(file.get(), "waiting_interim_end_by_region", H5T_NATIVE_INT64);
  // One home territory per region: Corse is 2A (t = 1), Île-de-France 75 (t = 0).
  EXPECT_EQ(by_region[interim_region_cell(1, 1, kCorse, 0, kInterimNone)], 112);       // 1+1+10+100
  EXPECT_EQ(by_region[interim_region_cell(0, 1, kIleDeFrance, 0, kInterimNone)], 11);  // 1+0+10
  EXPECT_EQ(by_region[interim_region_cell(1, 0, kCorse, 1, kInterimSchool)], 1);
  const auto national =
      read_numbers<std::int64_t>(file.get(), "waiting_interim_end_national", H5T_NATIVE_INT64);
  // 75 + 2A, IME, no solution: (1 + 0 + 10 p + 100 r) + (1 + 1 + 10 p + 100 r); BE adds 0.
  EXPECT_EQ(national[interim_national_cell(1, 1, 0, kInterimNone)], 223);  // 111 + 112
  EXPECT_EQ(national[interim_national_cell(0, 0, 0, kInterimNone)], 3);    // 1 + 2
  EXPECT_EQ(national[interim_national_cell(0, 1, 0, kInterimSchool)], 4);  // 2 + 2
  EXPECT_EQ(national[interim_national_cell(1, 0, 1, kInterimNone)], 4);    // SESSAD: 2 + 2
}

TEST_F(ResultsFileTest, NoSolutionCountsTheFlaggedSituationsOverServices) {
  const Handle file = open_file(write_france(france_interim_scenario()));
  ASSERT_EQ(shape_of(file.get(), "no_solution_end"), (std::vector<hsize_t>{2, 2, 3}));
  ASSERT_EQ(shape_of(file.get(), "no_solution_end_by_region"), (std::vector<hsize_t>{2, 2, 2}));
  ASSERT_EQ(shape_of(file.get(), "no_solution_end_national"), (std::vector<hsize_t>{2, 2}));
  // IME's (1 + t + 10 p + 100 r) + SESSAD's 2; the ordinary school is not counted.
  const auto territory =
      read_numbers<std::int64_t>(file.get(), "no_solution_end", H5T_NATIVE_INT64);
  EXPECT_EQ(territory[flow_cell(1, 1, 1)], 114);  // 112 + 2
  EXPECT_EQ(territory[flow_cell(0, 0, 0)], 3);    // 1 + 2
  EXPECT_EQ(territory[flow_cell(1, 0, 2)], 0);    // BE
  const auto by_region =
      read_numbers<std::int64_t>(file.get(), "no_solution_end_by_region", H5T_NATIVE_INT64);
  EXPECT_EQ(by_region[flow_region_cell(1, 1, kCorse)], 114);       // 2A
  EXPECT_EQ(by_region[flow_region_cell(0, 1, kIleDeFrance)], 13);  // 75: 11 + 2
  const auto national =
      read_numbers<std::int64_t>(file.get(), "no_solution_end_national", H5T_NATIVE_INT64);
  EXPECT_EQ(national, (std::vector<std::int64_t>{7, 27, 207, 227}));  // 3+4, 13+14, 103+104, ...
}

TEST_F(ResultsFileTest, FranceModelWithInterimSituationsPassesTheOutputChecker) {
  expect_check_output_passes(write_france(france_interim_scenario()));
}

TEST_F(ResultsFileTest, AModelWithoutInterimSituationsWritesNoneOfTheirDatasets) {
  const Handle file = open_file(write_france());
  for (const char* name :
       {"interim", "interim_no_solution", "interim_ordinary_school", "waiting_interim_end",
        "waiting_interim_end_by_region", "waiting_interim_end_national", "no_solution_end",
        "no_solution_end_by_region", "no_solution_end_national"}) {
    EXPECT_EQ(H5Lexists(file.get(), name, H5P_DEFAULT), 0) << name;
  }
}

TEST_F(ResultsFileTest, InterimIndicatorsOfAnotherModelCreateNothing) {
  const Scenario scenario = france_interim_scenario();
  run::Results results = france_results(scenario);
  results.replications[1].indicators.waiting_interim_end.pop_back();
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST(WaitPercentile, IsTheFirstMonthWhoseCumulativeCountReachesTheShare) {
  const std::vector<std::int64_t> bins{2, 0, 3, 5};               // cumulative 2, 2, 5, 10
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 10), 0.0);  // 1 of 10: 2 >= 1
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 5), 0.0);   // 2 of 10: 2 >= 2, exactly
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 2), 2.0);   // 5 of 10: 5 >= 5
  EXPECT_EQ(internal::wait_percentile_months(bins, 51, 100), 3.0);
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 1), 3.0);  // the maximum
}

TEST(WaitPercentile, IsNaNForAnEmptyHistogram) {
  const std::vector<std::int64_t> bins(121, 0);
  EXPECT_TRUE(std::isnan(internal::wait_percentile_months(bins, 1, 2)));
}

TEST(WaitPercentile, LastBinMeansThatManyMonthsOrMore) {
  std::vector<std::int64_t> bins(121, 0);
  bins[120] = 1;
  EXPECT_EQ(internal::wait_percentile_months(bins, 1, 2), 120.0);
}

TEST_F(ResultsFileTest, AModelWithoutRegionsCreatesNothing) {
  Scenario scenario = small_scenario();
  const run::Results results = small_results(scenario);
  scenario.model.regions.clear();
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, HomeTerritoryOutsideTheRegionsCreatesNothing) {
  Scenario scenario = france_scenario();
  const run::Results results = france_results(scenario);
  scenario.model.territories[1].region = 2;
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, RefusesToReplaceAFileWithoutForce) {
  const fs::path out = folder_ / "out.h5";
  std::ofstream{out} << "old bytes";
  const Scenario scenario = small_scenario();
  try {
    write_results(out, scenario, small_results(scenario), small_provenance(), /*force=*/false);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string{error.what()}, out.string() + " exists; pass --force to replace it");
  }
  EXPECT_EQ(read_bytes(out), "old bytes");
  EXPECT_EQ(files().size(), 1U);
}

TEST_F(ResultsFileTest, ForceReplacesAFile) {
  const fs::path out = folder_ / "out.h5";
  std::ofstream{out} << "old bytes";
  const Scenario scenario = small_scenario();
  write_results(out, scenario, small_results(scenario), small_provenance(), /*force=*/true);
  EXPECT_GT(H5Fis_hdf5(out.c_str()), 0);
  EXPECT_EQ(files(), (std::vector<fs::path>{"out.h5"}));
}

TEST_F(ResultsFileTest, FailureAfterTheFileWasCreatedLeavesNothing) {
  const Scenario scenario = small_scenario();
  const run::Results results = small_results(scenario);
  const fs::path out = folder_ / "out.h5";
  bool created = false;
  EXPECT_THROW(internal::write_atomically(out, /*force=*/false,
                                          [&](const fs::path& temporary) {
                                            internal::write_results_file(
                                                temporary, scenario, results, small_provenance());
                                            created = fs::exists(temporary);
                                            throw std::runtime_error("disk full");
                                          }),
               std::runtime_error);
  EXPECT_TRUE(created);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, FailureMidWriteLeavesTheOldFile) {
  const fs::path out = folder_ / "out.h5";
  std::ofstream{out} << "old bytes";
  EXPECT_THROW(internal::write_atomically(out, /*force=*/true,
                                          [](const fs::path& temporary) {
                                            std::ofstream{temporary} << "half";
                                            throw std::runtime_error("disk full");
                                          }),
               std::runtime_error);
  EXPECT_EQ(read_bytes(out), "old bytes");
  EXPECT_EQ(files(), (std::vector<fs::path>{"out.h5"}));
}

TEST_F(ResultsFileTest, InconsistentResultsCreateNothing) {
  const Scenario scenario = small_scenario();
  run::Results results = small_results(scenario);
  results.replications[1].spending_euros.pop_back();
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, DuplicateLabelsCreateNothing) {
  Scenario scenario = small_scenario();
  const run::Results results = small_results(scenario);
  scenario.model.services[1].name = "IME";
  EXPECT_THROW(write_results(folder_ / "out.h5", scenario, results, small_provenance(), false),
               core::InvariantError);
  EXPECT_TRUE(files().empty());
}

TEST_F(ResultsFileTest, Hdf5FailuresNameTheFileAndPrintNothing) {
  const fs::path taken = folder_ / "taken.h5";
  std::ofstream{taken} << "old bytes";
  ::testing::internal::CaptureStderr();
  try {
    internal::write_results_file(taken, small_scenario(), small_results(small_scenario()),
                                 small_provenance());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_EQ(std::string{error.what()}.rfind(taken.string() + ": HDF5 could not create it", 0), 0U)
        << error.what();
  }
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "");
  EXPECT_EQ(read_bytes(taken), "old bytes");
}

TEST_F(ResultsFileTest, MissingFolderIsAClearError) {
  const fs::path out = folder_ / "missing" / "out.h5";
  const Scenario scenario = small_scenario();
  try {
    write_results(out, scenario, small_results(scenario), small_provenance(), false);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string{error.what()}.find("does not exist"), std::string::npos) << error.what();
    EXPECT_NE(std::string{error.what()}.find((folder_ / "missing").string()), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace parcours::io
