#!/usr/bin/env python3
"""End-to-end tests of the parcours program: runs, reproducibility, bad input, interruption.

Run by CTest as: /usr/bin/python3 tests/cli_test.py PATH/TO/parcours
Results are read back with h5py (Debian's python3-h5py), never through our own writer.
"""
import csv
import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import tomllib
import unittest
from pathlib import Path

import h5py
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SMALL = HERE / "scenarios" / "small.toml"
REFORM = HERE / "scenarios" / "small-more-adult-places.toml"
B1 = ROOT / "scenarios" / "bench" / "b1-national.toml"
PRICES = ROOT / "scenarios" / "examples" / "modulated-prices" / "scenario.toml"
PARCOURS = None  # set in main
# Every providers' response off (model rule 28): funding then changes no child's path.
NO_RESPONSE = ("--set", "behaviour.step_down=0", "--set", "behaviour.care=0", "--set",
               "behaviour.vacancy_days=0", "--set", "behaviour.creton_release=0", "--set",
               "behaviour.selection_days=0")

# small.toml with named outcomes of SESSAD leavers and AESH hours (30 FTE, half an FTE per child)
# too few for the children waiting in an ordinary school.
LIMITED = """extends = "{small}"

[outcomes.work]
description = "ordinary work"
[outcomes.home]

[interim.nothing]
no_solution = true
[interim.school_with_aesh]
ordinary_school = true
capacity_total = 30
per_child = 0.5
fallback = "nothing"

[services.IME]
interim = {{ nothing = 0.3, school_with_aesh = 0.7 }}

[services.SESSAD]
interim = {{ school_with_aesh = 1.0 }}
on_stay_end = [
  {{ probability = 0.3, action = "orient", to = "IME" }},
  {{ probability = 0.5, action = "leave", outcome = "work" }},
  {{ probability = 0.2, action = "leave", outcome = "home" }},
]
"""

# small.toml funded otherwise: two payers sharing the IME, a price computed from the IME's and
# the adult places' costs, the adult places switched to a global allocation in 2029 and the IME to
# a (counterfactual) capitation in 2032; the SESSAD keeps small.toml's fixed price and payer.
FUNDED = """extends = "{small}"

[payers.departement]
description = "aide sociale"

[services.IME.money]
euros_per_place_year = 76650
fixed_share = 0.7
payers = {{ assurance_maladie = 0.8, departement = 0.2 }}
opening_days = 210
absence_share = 0.05
bill_absences = 0.5

[services.ADULT.money]
euros_per_place_year = 40000
payers = {{ departement = 1.0 }}

[funding]
cost_growth_per_year = 0.02

[[funding.rules]]
name = "daily_price"
rule = "daily_price"
services = ["IME", "ADULT"]
forecast_occupancy = 0.95

[[funding.rules]]
name = "sessad_daily_price"
rule = "daily_price"
services = ["SESSAD"]
euros_per_day = 85.0

[[funding.rules]]
name = "adult_allocation"
rule = "global_allocation"
services = ["ADULT"]
from = 2029-01-01
growth_per_year = 0.01

[[funding.rules]]
name = "ime_capitation"
rule = "capitation"
services = ["IME"]
from = 2032-01-01
euros_per_child_year = 60000
"""

# Declared IMEs in two territories, run by two organisations, and implicit SESSAD places: a
# CPOM-like allocation for one organisation's IMEs, a fixed daily price for the other IME, the
# SESSAD unfunded; monthly periods.
PROVIDED = """[scenario]
name = "provided"
start_date = 2025-01-01
horizon_years = 3
periods_per_year = 12

[run]
replications = 2

[territories]
codes = ["A", "B"]
weights = [1.0, 2.0]

[providers]
file = "{providers}"

[payers.assurance_maladie]

[arrivals]
rate_per_year = 120.0
age_years = {{ law = "uniform", min = 3.0, max = 16.0 }}
orientation = {{ IME = 0.5, SESSAD = 0.5 }}

[services.IME]
age_limit_years = 20.0
length_of_stay_years = {{ law = "exponential", mean = 6.5 }}
initial = {{ share_of_places = 0.9, age_years = {{ law = "uniform", min = 6.0, max = 20.0 }} }}
money = {{ euros_per_place_year = 40000, fixed_share = 0.8, payers = {{ assurance_maladie = 1 }} }}

[services.SESSAD]
places = [40, 60]
age_limit_years = 18.0
length_of_stay_years = {{ law = "exponential", mean = 5.0 }}
initial = {{ share_of_places = 1.0, age_years = {{ law = "uniform", min = 3.0, max = 18.0 }} }}

[[funding.rules]]
name = "cpom"
rule = "global_allocation"
organisations = ["Assoc X"]
growth_per_year = 0.01

[[funding.rules]]
name = "ime_b2_price"
rule = "daily_price"
providers = ["IME B2"]
euros_per_day = 180
from = 2026-04-01
"""

PROVIDERS_CSV = """name,territory,service,places,impairments,organisation
IME A1,A,IME,30,,Assoc X
IME B1,B,IME,45,,Assoc X
IME B2,B,IME,20,,
"""

# Indicators whose bytes must not depend on threads, runs or machines.
INDICATORS = ["occupancy", "occupied_place_days", "admissions", "waiting_end", "creton_end",
              "aged_out_waiting", "spending", "present_start", "arrivals", "departures",
              "present_end", "events"]


def parcours(*args, check=None):
    proc = subprocess.run([PARCOURS, *map(str, args)], capture_output=True, text=True,
                          timeout=600)
    if check is not None and proc.returncode != check:
        raise AssertionError(f"exit {proc.returncode}, expected {check}\nstdout:\n{proc.stdout}"
                             f"\nstderr:\n{proc.stderr}")
    return proc


def fingerprint(path):
    h = hashlib.sha256()
    with h5py.File(path, "r") as f:
        for name in INDICATORS:
            data = np.ascontiguousarray(f[name][...])
            h.update(name.encode())
            h.update(str(data.dtype.str).encode())
            h.update(str(data.shape).encode())
            h.update(data.tobytes())
    return h.hexdigest()


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def run_small(self, name, *extra, scenario=SMALL):
        out = self.dir / name
        proc = parcours("run", scenario, "--out", out, *extra, check=0)
        return out, proc

    def assert_one_line_error(self, proc, *needles):
        self.assertEqual(proc.returncode, 2, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"expected one line, got:\n{proc.stderr}")
        for needle in needles:
            self.assertIn(needle, lines[0])
        self.assertEqual(list(self.dir.iterdir()), [], "bad input must create no file")

    # --- runs ---------------------------------------------------------------------------
    def test_run_writes_a_file_that_xarray_and_ncdump_read(self):
        out, proc = self.run_small("small.h5")
        self.assertIn("IME", proc.stdout)
        self.assertEqual(proc.stderr, "", "nothing but errors on a non-terminal stderr")
        check = subprocess.run(["/usr/bin/python3", HERE / "check_output.py", out],
                               capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        with h5py.File(out, "r") as f:
            self.assertEqual(f["occupancy"].shape, (4, 10, 3, 3))
            self.assertIn("[run]", f["scenario"][()].decode())

    def test_spells_are_written_on_request_and_agree_with_the_indicators(self):
        out, _ = self.run_small("spells.h5", "--spells")
        check = subprocess.run(["/usr/bin/python3", HERE / "check_output.py", out],
                               capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        with h5py.File(out, "r") as f:
            self.assertGreater(f["spells/child"].shape[0], 0)
        plain, _ = self.run_small("plain.h5")
        with h5py.File(plain, "r") as f:
            self.assertNotIn("spells", f)
        # Recording spells changes no indicator.
        self.assertEqual(fingerprint(out), fingerprint(plain))

    def test_one_and_two_threads_give_identical_datasets(self):
        a, _ = self.run_small("t1.h5", "--threads", 1)
        b, _ = self.run_small("t2.h5", "--threads", 2)
        self.assertEqual(fingerprint(a), fingerprint(b))

    def test_the_same_run_twice_gives_identical_datasets(self):
        a, _ = self.run_small("a.h5")
        b, _ = self.run_small("b.h5")
        self.assertEqual(fingerprint(a), fingerprint(b))

    def test_a_different_seed_gives_different_results(self):
        a, _ = self.run_small("a.h5")
        b, _ = self.run_small("b.h5", "--seed", 43)
        self.assertNotEqual(fingerprint(a), fingerprint(b))

    def test_results_match_the_golden_fingerprint(self):
        # The golden value changes only in a commit that says why the results moved.
        out, _ = self.run_small("golden.h5")
        golden = (HERE / "golden" / "small.sha256").read_text().split()[0]
        self.assertEqual(fingerprint(out), golden)

    def test_set_overrides_a_value_and_is_recorded(self):
        out, _ = self.run_small("set.h5", "--set", "services.ADULT.places_total=2000",
                                "--replications", 1)
        with h5py.File(out, "r") as f:
            services = [s.decode() if isinstance(s, bytes) else s for s in f["service"][...]]
            self.assertEqual(int(f["places"][:, services.index("ADULT")].sum()), 2000)
            self.assertEqual(f["occupancy"].shape[0], 1)
            self.assertIn("2000", f["scenario"][()].decode())

    def test_outcomes_and_limited_interim_situations_reach_the_results(self):
        # SESSAD leavers go to named outcomes; AESH hours run short, so children fall back.
        scenario = self.write("limited.toml", LIMITED.format(small=SMALL))
        out, _ = self.run_small("limited.h5", "--replications", 2, scenario=scenario)
        check = subprocess.run(["/usr/bin/python3", HERE / "check_output.py", out],
                               capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        import xarray as xr  # Debian's python3-xarray, with h5netcdf
        with xr.open_dataset(out, engine="h5netcdf") as ds:
            self.assertEqual(list(ds["outcome"].values), ["home", "work"])
            self.assertEqual(list(ds["outcome_description"].values), ["", "ordinary work"])
            left = ds["left_to_national"].sum(("replication", "year"))
            self.assertGreater(int(left.sel(service="SESSAD", outcome="work")), 0)
            self.assertEqual(int(left.sel(service="IME").sum()), 0)  # IME's branches name none
            self.assertEqual(list(ds["interim_fallback"].values), ["", "nothing"])
            aesh = ds["interim_capacity"].sel(interim="school_with_aesh")
            self.assertAlmostEqual(float(aesh.sum()), 30.0)  # 30 FTE shared by weight 1:2:3
            self.assertAlmostEqual(float(aesh.sel(territory="C")), 15.0)
            self.assertTrue(bool(ds["interim_capacity"].sel(interim="nothing").isnull().all()))
            fell = ds["interim_fallbacks"].sel(interim="school_with_aesh").sum()
            self.assertGreater(int(fell), 0)
            in_aesh = ds["waiting_interim_end"].sel(interim="school_with_aesh").sum("service")
            self.assertTrue(bool((in_aesh * 0.5 <= aesh + 1e-9).all()))

    def test_funding_rules_reach_the_results_and_money_is_conserved(self):
        scenario = self.write("funded.toml", FUNDED.format(small=SMALL))
        out, _ = self.run_small("funded.h5", "--replications", 2, scenario=scenario)
        check = subprocess.run(["/usr/bin/python3", HERE / "check_output.py", out],
                               capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        import xarray as xr  # Debian's python3-xarray, with h5netcdf
        with xr.open_dataset(out, engine="h5netcdf") as ds:
            self.assertEqual(list(ds["payer"].values), ["assurance_maladie", "departement"])
            self.assertEqual(list(ds["payer_description"].values), ["", "aide sociale"])
            self.assertEqual(list(ds["rule"].values), ["daily_price", "sessad_daily_price",
                                                       "adult_allocation", "ime_capitation"])
            self.assertEqual(list(ds["rule_kind"].values), ["daily_price", "daily_price",
                                                            "global_allocation", "capitation"])
            self.assertEqual(list(ds["rule_counterfactual"].values), [0, 0, 0, 1])
            # Money is conserved: the payers' parts add up to the spending, in every cell.
            spending = ds["spending"]
            by_payer = ds["spending_by_payer"]
            np.testing.assert_allclose(by_payer.sum("payer"), spending, rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(ds["spending_by_payer_national"].sum("payer"),
                                       ds["spending_national"], rtol=1e-9)
            np.testing.assert_allclose(ds["spending_national"], spending.sum("territory"),
                                       rtol=1e-9)
            # Shares: the IME 80/20, the adult places all the departement's, the SESSAD the
            # assurance maladie's (small.toml's split, merged under extends).
            ime = by_payer.sel(service="IME").sum(("replication", "year", "territory"))
            self.assertGreater(float(ime.sum()), 0.0)
            self.assertAlmostEqual(float(ime.sel(payer="departement") / ime.sum()), 0.2, places=9)
            adult = by_payer.sel(service="ADULT").sum(("replication", "year", "territory"))
            self.assertEqual(float(adult.sel(payer="assurance_maladie")), 0.0)
            sessad = by_payer.sel(service="SESSAD").sum(("replication", "year", "territory"))
            self.assertEqual(float(sessad.sel(payer="departement")), 0.0)
            # The adult allocation from 2029: the same in every year's twelfths, renewed +1 %.
            adult_2029 = ds["spending_national"].sel(service="ADULT", year=2029)
            adult_2030 = ds["spending_national"].sel(service="ADULT", year=2030)
            np.testing.assert_allclose(adult_2030 / adult_2029, 1.01, rtol=1e-9)
            # The IME capitation from 2032: 60000 a child-year of presence.
            ime_2033 = ds["spending_national"].sel(service="IME", year=2033)
            years_present = ds["occupied_place_days"].sel(service="IME", year=2033).sum(
                "territory") / 365.25
            np.testing.assert_allclose(ime_2033, 60000 * years_present, rtol=1e-9)
            self.assertTrue(bool((ds["cost"].sel(service=["IME", "ADULT"]) > 0).all()))
            np.testing.assert_allclose(ds["surplus"], ds["revenue"] - ds["cost"], rtol=1e-9,
                                       atol=1e-6)
            per_child = ds["cost_per_child_followed"].sel(service="SESSAD")
            self.assertTrue(bool((per_child > 0).all()))
        # Funding changes children's paths only through providers' responses to a change of
        # rule (model rule 28): the same paths as without funding until the first change (2029),
        # and over the whole run with every response switched off.
        plain, _ = self.run_small("plain.h5", "--replications", 2)
        still, _ = self.run_small("still.h5", "--replications", 2, *NO_RESPONSE,
                                  scenario=scenario)
        with h5py.File(out, "r") as fa, h5py.File(plain, "r") as fb, \
                h5py.File(still, "r") as fc:
            before = slice(0, 4)  # 2025-2028
            for name in ("arrivals", "occupied_place_days", "admissions", "waiting_end"):
                np.testing.assert_array_equal(fa[name][:, before], fb[name][:, before])
                np.testing.assert_array_equal(fc[name][...], fb[name][...])
            # From 2029 the adult places are paid whatever their activity: freed places wait.
            self.assertGreater(int(fa["vacancies_held"][...].sum()), 0)
            self.assertEqual(int(fc["vacancies_held"][...].sum()), 0)

    def test_rules_assigned_to_providers_and_organisations_reach_the_results(self):
        providers = self.write("providers.csv", PROVIDERS_CSV)
        scenario = self.write("provided.toml", PROVIDED.format(providers=providers))
        out, _ = self.run_small("provided.h5", scenario=scenario)
        check = subprocess.run(["/usr/bin/python3", HERE / "check_output.py", out],
                               capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        import xarray as xr
        with xr.open_dataset(out, engine="h5netcdf") as ds:
            rule = ds["provider_rule"]
            self.assertTrue(bool((rule.sel(provider=["IME A1", "IME B1"]) == 0).all()))
            b2 = rule.sel(provider="IME B2")
            # No rule before April 2026 (month 202604), the fixed price from then.
            self.assertTrue(bool((b2.sel(month=slice(None, 202603)) == -1).all()))
            self.assertTrue(bool((b2.sel(month=slice(202604, None)) == 1).all()))
            price = ds["provider_price"].sel(provider="IME B2", month=slice(202604, None))
            self.assertTrue(bool((price == 180).all()))
            self.assertEqual(float(ds["provider_revenue"].sel(
                provider="IME B2", month=slice(None, 202603)).sum()), 0.0)
            # The allocation: a twelfth of its budget (places x cost) each month of 2025.
            a1 = ds["provider_revenue"].sel(provider="IME A1", month=slice(202501, 202512))
            np.testing.assert_allclose(a1, 30 * 40000 / 12, rtol=1e-12)
            # The SESSAD's implicit providers are paid nothing; their cost is 0 too.
            self.assertEqual(float(ds["spending"].sel(service="SESSAD").sum()), 0.0)
            self.assertEqual(list(ds["payer"].values), ["assurance_maladie"])

    def test_policy_variant_sees_the_same_arrivals(self):
        # Common random numbers: more adult places changes nothing about who arrives when.
        a, _ = self.run_small("base.h5")
        b, _ = self.run_small("reform.h5", scenario=REFORM)
        with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
            np.testing.assert_array_equal(fa["arrivals"][...], fb["arrivals"][...])
            self.assertLess(fb["creton_end"][:, -1].sum(), fa["creton_end"][:, -1].sum())

    def test_existing_output_is_not_replaced_without_force(self):
        out, _ = self.run_small("keep.h5", "--replications", 1)
        before = out.read_bytes()
        proc = parcours("run", SMALL, "--out", out)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("--force", proc.stderr)
        self.assertEqual(out.read_bytes(), before)
        # A scenario that does not exist is the error to fix first, whatever --out is.
        proc = parcours("run", self.dir / "nope.toml", "--out", out, check=2)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("nope.toml: cannot open scenario file", proc.stderr)
        self.assertNotIn("--force", proc.stderr)
        parcours("run", SMALL, "--out", out, "--force", "--seed", 5, "--replications", 1, check=0)
        self.assertNotEqual(out.read_bytes(), before)

    def test_interrupted_run_leaves_no_file(self):
        out = self.dir / "b1.h5"
        proc = subprocess.Popen([PARCOURS, "run", B1, "--out", out, "--replications", "4"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(1.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("interrupted", err)
        self.assertEqual(list(self.dir.iterdir()), [])

    # --- validate, version, help ---------------------------------------------------------
    def test_validate_accepts_b1(self):
        proc = parcours("validate", B1, check=0)
        self.assertIn("101 territories", proc.stdout)

    def test_version_names_the_commit(self):
        proc = parcours("--version", check=0)
        self.assertRegex(proc.stdout, r"parcours \d+\.\d+\.\d+ \(commit [0-9a-f]{7,}|unknown")

    def test_help_for_each_command(self):
        for cmd in (["--help"], ["run", "--help"], ["validate", "--help"], ["prices", "--help"]):
            proc = parcours(*cmd, check=0)
            self.assertIn("Usage", proc.stdout)

    # --- parcours prices: the modulated daily prices calculator ------------------------
    def test_prices_prints_the_hand_computed_prices(self):
        # IME Le Phare (costs.csv): 40 day places x 207 opening days = 8,280 forecast days,
        # 600 externat, 6,880 demi-pension, 800 inclusion. A demi-pension day consumes one unit
        # of gerer, restaurer, heberger_semi_internat, socio_educatif and soins:
        #   gerer      268,800 / 8,280 days                    = 32.4638
        #   restaurer   76,800 / 6,880 meals                   = 11.1628
        #   semi        89,600 / (600 + 6,880) = 7,480 days    = 11.9786
        #   socio      640,000 / (7,480 + 0.5 x 800) = 7,880   = 81.2183
        #   soins      204,800 / 7,880                         = 25.9898
        #   demi_pension = 162.8133 EUR a day; its days spend the costs, 1,280,000 EUR, more
        #   than the notified 150 x 8,280 = 1,242,000: C1 fails and every price is scaled by
        #   1,242,000 / 1,280,000 = 0.9703125, so demi_pension = 157.98.
        # IME Les Tilleuls has no notified price: single 2,580,000 / 12,620 days = 204.44.
        proc = parcours("prices", PRICES, check=0)
        self.assertEqual(proc.stderr, "")
        phare = proc.stdout[proc.stdout.index("IME Le Phare"):]
        self.assertRegex(phare, r"demi_pension +157\.98 +6,880")
        self.assertIn("scaled by 0.9703125", phare)
        tilleuls = proc.stdout[proc.stdout.index("IME Les Tilleuls"):
                               proc.stdout.index("IME Le Phare")]
        self.assertIn("single price 204.44", tilleuls)
        self.assertIn("C1 holds", tilleuls)

    def test_prices_as_csv(self):
        proc = parcours("prices", PRICES, "--csv", check=0)
        rows = list(csv.DictReader(io.StringIO(proc.stdout)))
        self.assertEqual(len(rows), 2 * 6)  # two providers with costs, six price modes
        row = next(r for r in rows if r["provider"] == "IME Le Phare"
                   and r["mode"] == "demi_pension")
        self.assertAlmostEqual(float(row["price_euros_per_day"]), 162.8133 * 0.9703125, places=3)
        self.assertEqual(row["c1_holds"], "false")
        self.assertEqual(float(row["scale"]), 0.9703125)
        self.assertEqual(float(row["single_forecast_spending_euros"]), 1242000.0)
        kept = parcours("prices", PRICES, "--csv",
                        "--set", "funding.modulation_after_notification=keep", check=0)
        row = next(r for r in csv.DictReader(io.StringIO(kept.stdout))
                   if r["provider"] == "IME Le Phare" and r["mode"] == "demi_pension")
        self.assertAlmostEqual(float(row["price_euros_per_day"]), 162.8133, places=3)
        self.assertEqual(float(row["forecast_spending_euros"]), 1280000.0)

    def test_a_run_pays_modulated_prices_from_the_days_billed_by_mode_the_year_before(self):
        # The example pays its IMEs one daily price in 2025, their modulated prices from 2026.
        # The 2026 prices are each IME's costs (costs.csv, no growth, constant places) over the
        # days it billed by price mode in 2025, the only previous year (R.314-119 with the lag of
        # R.314-113): unit cost_g = E_g / sum_m u_mg x D_m; price_m = sum_g u_mg x unit cost_g.
        out = self.dir / "modulated.h5"
        parcours("run", PRICES, "--out", out, "--replications", "1", "--threads", "1")
        check = subprocess.run(["/usr/bin/python3", HERE / "check_output.py", out],
                               capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        scenario = tomllib.loads(PRICES.read_text(encoding="utf-8"))
        gammes = ["gerer", "restaurer", "heberger_semi_internat", "heberger_internat",
                  "socio_educatif", "soins"]
        with open(PRICES.parent / "costs.csv", encoding="utf-8") as f:
            costs = {row["provider"]: row for row in csv.DictReader(f)}
        with h5py.File(out, "r") as f:
            modes = [m.decode() for m in f["price_mode"][()]]
            providers = [p.decode() for p in f["provider"][()]]
            kinds = [k.decode() for k in f["rule_kind"][()]]
            rule = f["provider_rule"][0]
            days = f["provider_mode_billed_days"][0]  # [year, provider, price_mode]
            price = f["provider_mode_price"][0]
            revenue = f["provider_revenue"][0]
            billed = f["provider_billed_days"][0]
        units = np.array([[scenario["funding"]["price_modes"][m]["units"].get(g, 0.0)
                           for g in gammes] for m in modes])  # [price mode, gamme]
        self.assertEqual([kinds[r] for r in rule[0]], ["daily_price"] * 2)
        for k, name in enumerate(providers):
            self.assertEqual([kinds[r] for r in rule[1:, k]], ["modulated_price"] * 4)
            # Days by price mode are billed days split by mode, whatever the rule.
            np.testing.assert_allclose(days[:, k].sum(axis=1), billed[:, k], rtol=1e-12)
            self.assertGreater(days[0, k, modes.index("inclusion")], 0.0)
            euros = np.array([float(costs[name][g]) for g in gammes])
            activity = (units * days[0, k][:, None]).sum(axis=0)
            unit_cost = np.divide(euros, activity, out=np.zeros(6), where=activity > 0)
            np.testing.assert_allclose(price[1, k], units @ unit_cost, rtol=1e-9, err_msg=name)
            np.testing.assert_allclose(revenue[1, k], price[1, k] @ days[1, k], rtol=1e-12)
            # The day at school is the cheapest: it consumes no meal and no hebergement.
            self.assertLess(price[1, k, modes.index("inclusion")],
                            price[1, k, modes.index("demi_pension")])
            # Prices recover the year's costs at the previous year's days (budget neutrality).
            self.assertAlmostEqual(price[1, k] @ days[0, k] / euros.sum(), 1.0, places=9)

    def test_prices_of_a_scenario_without_costs(self):
        proc = parcours("prices", SMALL)
        self.assert_one_line_error(proc, "no provider costs")

    def test_prices_on_bad_costs(self):
        costs = (PRICES.parent / "costs.csv").read_text().replace(
            "IME Le Phare,268800", "IME Le Phar,268800")
        # A copy of the example beside the test's folder, which must stay empty.
        folder = self.dir.parent / f"{self.dir.name}-prices"
        folder.mkdir()
        self.addCleanup(shutil.rmtree, folder)
        for name in ("scenario.toml", "providers.csv"):
            (folder / name).write_text((PRICES.parent / name).read_text())
        (folder / "costs.csv").write_text(costs)
        proc = parcours("prices", folder / "scenario.toml")
        self.assert_one_line_error(proc, f"{folder / 'costs.csv'}:3:1: provider:",
                                   'unknown provider "IME Le Phar"; did you mean "IME Le Phare"?')

    # --- bad input: one clear line, exit 2, no file ---------------------------------------
    def write(self, name, text):
        path = self.dir.parent / f"{self.dir.name}-{name}"
        path.write_text(text)
        self.addCleanup(path.unlink)
        return path

    def test_missing_scenario_file(self):
        proc = parcours("run", self.dir / "nope.toml", "--out", self.dir / "x.h5")
        self.assert_one_line_error(proc, "nope.toml")

    def test_typo_in_a_key(self):
        text = SMALL.read_text().replace("places_total = 1100", "palces_total = 1100")
        bad = self.write("typo.toml", text)
        line = text.splitlines().index("palces_total = 1100") + 1
        proc = parcours("run", bad, "--out", self.dir / "x.h5")
        self.assert_one_line_error(proc, f"{bad}:{line}:", "palces_total", "places_total")

    def test_negative_capacity(self):
        proc = parcours("run", SMALL, "--out", self.dir / "x.h5",
                        "--set", "services.IME.places_total=-5")
        self.assert_one_line_error(proc, "services.IME.places_total", "-5")

    def test_extends_a_scenario_that_does_not_exist(self):
        bad = self.write("ext.toml", 'extends = "no-such-base.toml"\n')
        proc = parcours("validate", bad)
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(len(proc.stderr.strip().splitlines()), 1, proc.stderr)
        self.assertIn("no-such-base.toml", proc.stderr)
        self.assertIn(f"{bad}:1:", proc.stderr)

    def test_bad_command_line_values(self):
        for args, needle in ((["--replications", "abc"], "--replications"),
                             (["--replications", "0"], "--replications"),
                             (["--threads", "0"], "--threads"),
                             (["--seed", "-1"], "--seed"),
                             (["--bogus"], "bogus")):
            proc = parcours("run", SMALL, "--out", self.dir / "x.h5", *args)
            self.assert_one_line_error(proc, needle)

    def test_output_folder_that_does_not_exist(self):
        proc = parcours("run", SMALL, "--out", self.dir / "no" / "x.h5")
        self.assert_one_line_error(proc, "does not exist")

    def test_the_first_funding_form_points_to_the_rules(self):
        proc = parcours("run", SMALL, "--out", self.dir / "x.h5",
                        "--set", "funding.IME.euros_per_day=210")
        self.assert_one_line_error(proc, "funding.IME", "[[funding.rules]]")

    def test_a_funded_service_without_payers(self):
        proc = parcours("run", SMALL, "--out", self.dir / "x.h5",
                        "--set", 'funding.rules=[{ name = "all", rule = "capitation", '
                                 'euros_per_child_year = 9000 }]')
        self.assert_one_line_error(proc, "funding.rules[0]", 'service "ADULT" has no payers')

    def test_a_cycle_of_interim_fallbacks(self):
        scenario = self.write("limited.toml", LIMITED.format(small=SMALL))
        proc = parcours("run", scenario, "--out", self.dir / "x.h5",
                        "--set", "interim.nothing.capacity_total=10",
                        "--set", "interim.nothing.fallback=school_with_aesh")
        self.assert_one_line_error(proc, "interim.nothing.fallback", "fallback cycle: nothing -> "
                                   "school_with_aesh -> nothing")

    def test_unknown_command(self):
        proc = parcours("rn", SMALL)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("unknown command", proc.stderr)


if __name__ == "__main__":
    PARCOURS = sys.argv.pop(1)
    unittest.main(verbosity=2)
