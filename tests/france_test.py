#!/usr/bin/env python3
"""End-to-end checks of the France baseline (scenarios/france/baseline.toml).

Run by CTest as: /usr/bin/python3 tests/france_test.py PATH/TO/parcours
The calibration check is its own CTest test (france_calibration); these tests read a short
run's output through xarray (h5netcdf engine) and h5py, never through our own writer.
"""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import h5py
import numpy as np
import xarray as xr

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "france" / "baseline.toml"
PARCOURS = None  # set in main
YEARS = 2  # a short horizon keeps the sanitizer build quick; the rules are the same
CHILD_SERVICES = ["IME", "SESSAD", "ITEP", "EEAP", "IEM"]


def parcours(*args, check=0):
    proc = subprocess.run([PARCOURS, *map(str, args)], capture_output=True, text=True,
                          timeout=900)
    if check is not None and proc.returncode != check:
        raise AssertionError(f"exit {proc.returncode}, expected {check}\nstdout:\n{proc.stdout}"
                             f"\nstderr:\n{proc.stderr}")
    return proc


class FranceBaselineTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = Path(cls.tmp.name)
        cls.out = cls.dir / "france.h5"
        parcours("run", BASELINE, "--out", cls.out, "-n", 2, "-t", 2, "--spells",
                 "--set", f"scenario.horizon_years={YEARS}")
        cls.ds = xr.open_dataset(cls.out, engine="h5netcdf")

    @classmethod
    def tearDownClass(cls):
        cls.ds.close()
        cls.tmp.cleanup()

    def test_territories_are_the_101_departements_then_belgium(self):
        names = [str(t) for t in self.ds["territory"].values]
        self.assertEqual(len(names), 102)
        self.assertEqual(names[:3], ["01", "02", "03"])
        self.assertIn("2A", names)
        self.assertIn("976", names)
        self.assertEqual(names[-1], "BE")
        abroad = self.ds["territory_abroad"].values
        self.assertEqual(int(abroad.sum()), 1)
        self.assertEqual(int(abroad[-1]), 1)
        self.assertEqual(self.ds.sizes["region"], 18)

    def test_people_are_conserved_every_year_in_every_departement(self):
        ds = self.ds
        lhs = ds["present_start"] + ds["arrivals"]
        rhs = ds["present_end"] + ds["departures"]
        self.assertTrue(bool((lhs == rhs).all()), "present_start + arrivals != end + departures")
        # Year y + 1 starts where year y ended.
        end = ds["present_end"].isel(year=slice(0, YEARS - 1)).values
        start = ds["present_start"].isel(year=slice(1, YEARS)).values
        np.testing.assert_array_equal(end, start)
        # No one lives abroad: Belgium has places but no arrivals and no residents.
        be = ds.sel(territory="BE")
        self.assertEqual(int(be["arrivals"].sum()), 0)
        self.assertEqual(int(be["present_end"].sum()), 0)

    def test_children_in_belgium_come_from_its_senders_only(self):
        ds = self.ds
        abroad = ds["abroad_end"].sum(["service", "year", "replication"])
        senders = abroad.where(abroad > 0, drop=True)["territory"].values
        self.assertGreater(len(senders), 0, "no child in Belgium")
        regions = set(str(r) for r in ds["territory_region"].sel(territory=senders).values)
        self.assertTrue(regions <= {"Île-de-France", "Hauts-de-France", "Grand Est"}, regions)
        # Every child counted abroad by home fills a Belgian place.
        in_be = ds["occupied_end"].sel(territory="BE").sum("service")
        by_home = ds["abroad_end"].sum(["territory", "service"])
        np.testing.assert_array_equal(in_be.values, by_home.values)

    def test_places_are_never_overfilled(self):
        occupied = self.ds["occupied_end"]
        with h5py.File(self.out, "r") as f:
            places = f["places"][...]  # [territory, service]
        self.assertTrue(bool((occupied.values <= places[np.newaxis, np.newaxis]).all()))

    def test_output_passes_every_identity_check_spells_included(self):
        # check_output.py checks, among others, the spells against the indicators: deaths,
        # removals and age-outs per replication, and every stock at the horizon.
        check = subprocess.run(["/usr/bin/python3", ROOT / "tests" / "check_output.py", self.out],
                               capture_output=True, text=True, timeout=900)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)

    def test_lists_are_prioritised_reviewed_and_children_die_where_it_matters(self):
        ds = self.ds[["removed_at_review", "died", "occupied_end",
                      "waiting_priority_end"]].sum("territory")
        self.assertGreater(int(ds["removed_at_review"].sum()), 0)
        self.assertGreater(int(ds["died"].sum()), 0)
        # Mortality is set for polyhandicap, motor and intellectual impairments only: SESSAD's
        # and ITEP's children die far less often than EEAP's, per child present.
        died = ds["died"].sum(["replication", "year"])
        present = ds["occupied_end"].sum(["replication", "year"])
        rate = (died / present).to_series()
        self.assertGreater(rate["EEAP"], 5 * rate["ITEP"])
        # Adult lists are not prioritised: only the unconditional level and PAG hold adults.
        by_level = ds["waiting_priority_end"].sum(["replication", "year"])
        for adult in ["ESAT", "FOYER", "MAS"]:
            for level in ["P2_child_protection", "P3_very_high_needs"]:
                self.assertEqual(int(by_level.sel(service=adult, priority=level)), 0)

    def test_ime_occupants_keep_the_published_impairment_structure(self):
        # IME profile: intellectual 58.1 %, autism 17.7 % (département dashboards, ES 2010).
        ime = self.ds["occupants_impairment_end"].sel(service="IME").isel(year=0)
        shares = (ime.sum(["replication", "territory"]) /
                  ime.sum(["replication", "territory", "impairment"])).to_series()
        self.assertAlmostEqual(shares["intellectual"], 0.581, delta=0.02)
        self.assertAlmostEqual(shares["autism"], 0.177, delta=0.02)

    def test_thread_count_does_not_change_results(self):
        other = self.dir / "one-thread.h5"
        parcours("run", BASELINE, "--out", other, "-n", 2, "-t", 1,
                 "--set", f"scenario.horizon_years={YEARS}")
        with h5py.File(self.out, "r") as a, h5py.File(other, "r") as b:
            for name in ["occupied_end", "waiting_end", "away_end", "abroad_end",
                         "admitted_from_list", "wait_histogram", "present_end",
                         "waiting_priority_end", "died", "removed_at_review", "pag_end",
                         "occupants_impairment_end", "occupants_mode_end",
                         "occupants_schooling_end", "occupants_age_end", "plan_reviews",
                         "plan_steps_taken", "stepping_end", "inclusion_rate_national"]:
                np.testing.assert_array_equal(a[name][...], b[name][...], err_msg=name)

    def test_every_plan_step_is_taken_and_only_ime_children_step_out(self):
        ds = self.ds
        taken = ds["plan_steps_taken"].sum(["replication", "year", "territory"]).to_series()
        self.assertEqual(len(taken), 7)
        for step, n in taken.items():
            self.assertGreater(int(n), 0, step)
        # Reviews happen on 1 September of every year after the start: children in places of
        # the services with steps are reviewed, the others never.
        reviews = ds["plan_reviews"].sum(["replication", "territory"])
        for s in ["IME", "ITEP", "EEAP"]:
            self.assertTrue(bool((reviews.sel(service=s) > 0).all()), s)
        for s in ["SESSAD", "IEM", "ESAT", "FOYER", "MAS"]:
            self.assertEqual(int(reviews.sel(service=s).sum()), 0, s)
        # ime_to_sessad is the only step with a target: its children hold IME places while they
        # wait for a SESSAD one (stepping holders, not Creton ones).
        stepping = ds["stepping_end"].sum(["replication", "year", "territory"]).to_series()
        self.assertGreater(stepping["IME"], 0)
        self.assertEqual(int(stepping.drop("IME").sum()), 0)

    def test_schooling_and_modes_keep_their_published_shares(self):
        ds = self.ds
        school = ds["occupants_schooling_end"].sum(["replication", "territory"])
        share = school / school.sum("schooling")
        # Not schooled, aged 6-15 (DREES ES 2018): EEP 69 %, IEM 13 %, IME 12 %; no step
        # changes schooling, so the shares drawn at admission hold every year.
        for s, published in [("EEAP", 0.69), ("IEM", 0.13), ("IME", 0.12)]:
            got = share.sel(service=s, schooling="not_schooled").values
            np.testing.assert_allclose(got, published, atol=0.03, err_msg=s)
        # SESSAD: 96 % in ordinary school (DREES 2010), all in ordinary classes.
        np.testing.assert_allclose(share.sel(service="SESSAD", schooling="ordinary_class").values,
                                   0.96, atol=0.02)
        # Adult services record no mode and no schooling.
        modes = ds["occupants_mode_end"].sum(["replication", "territory", "year"])
        for adult in ["ESAT", "FOYER", "MAS"]:
            self.assertEqual(int(modes.sel(service=adult).sum()), 0, adult)
            self.assertEqual(int(school.sel(service=adult).sum()), 0, adult)
        # Every child in a place of a child service has a mode and a schooling.
        occupants = ds["occupants_impairment_end"].sum(["replication", "territory", "impairment"])
        for s in CHILD_SERVICES:
            self.assertEqual(int(modes.sel(service=s).sum()),
                             int(occupants.sel(service=s).sum()), s)
            self.assertEqual(int(school.sel(service=s).sum()),
                             int(occupants.sel(service=s).sum()), s)

    def test_age_groups_show_the_published_share_of_ime_users_aged_16_or_more(self):
        ages = self.ds["occupants_age_end"].sel(service="IME").sum(["replication", "territory"])
        lower = self.ds["age_group_lower_years"].values
        np.testing.assert_array_equal(lower, [0, 6, 14, 16, 20])
        older = ages.isel(age_group=slice(3, None)).sum("age_group") / ages.sum("age_group")
        # 43 % of IME users aged 16 or more, Creton included (DREES ES 2010).
        np.testing.assert_allclose(older.values, 0.43, atol=0.03)
        # IME admits from 6: nobody younger in its places.
        self.assertEqual(int(ages.isel(age_group=0).sum()), 0)

    def test_inclusion_rates_are_shares(self):
        ds = self.ds
        national = ds["inclusion_rate_all_services_national"].values
        self.assertTrue(bool(np.isfinite(national).all()))
        self.assertTrue(bool(((national > 0) & (national < 1)).all()), national)
        by_service = ds["inclusion_rate_national"].sel(service=CHILD_SERVICES).values
        self.assertTrue(bool(np.isfinite(by_service).all()))
        self.assertTrue(bool(((by_service >= 0) & (by_service <= 1)).all()))
        # SESSAD children are the most included, EEAP's the least (no ordinary school in
        # places; only waiting children in school count).
        rate = ds["inclusion_rate_national"].isel(year=0).mean("replication").to_series()
        self.assertGreater(rate["SESSAD"], rate["IME"])
        self.assertGreater(rate["IME"], rate["EEAP"])


class FranceTwentyYearsTest(unittest.TestCase):
    """The whole horizon, one replication: what must hold over 20 years."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = Path(cls.tmp.name) / "france-20y.h5"
        parcours("run", BASELINE, "--out", cls.out, "-n", 1, "-t", 1)
        cls.ds = xr.open_dataset(cls.out, engine="h5netcdf")

    @classmethod
    def tearDownClass(cls):
        cls.ds.close()
        cls.tmp.cleanup()

    def test_two_way_mode_steps_keep_the_internat_shares(self):
        # Detailed balance: p_down x share_internat = p_up x share_semi_internat, so the
        # internat shares of occupants stay at their published values (DREES 2010) although
        # some 2,300 children change mode every year.
        self.assertEqual(self.ds.sizes["year"], 20)
        modes = self.ds["occupants_mode_end"].sum(["replication", "territory"])
        share = modes.sel(mode="internat") / modes.sum("mode")
        for s, published in [("IME", 0.31), ("ITEP", 0.56), ("EEAP", 0.51)]:
            got = share.sel(service=s).values
            np.testing.assert_allclose(got, published, atol=0.03, err_msg=s)
        taken = self.ds["plan_steps_taken"].sum(["replication", "territory"])
        down = taken.sel(plan_step="ime_internat_to_semi").sum().values
        up = taken.sel(plan_step="ime_semi_to_internat").sum().values
        self.assertAlmostEqual(float(down) / float(up), 1.0, delta=0.1)

    def test_inclusion_rate_stays_a_share_over_the_horizon(self):
        rate = self.ds["inclusion_rate_all_services_national"].values
        self.assertTrue(bool(np.isfinite(rate).all()))
        self.assertTrue(bool(((rate > 0) & (rate < 1)).all()), rate)


def main():
    global PARCOURS
    if len(sys.argv) < 2:
        sys.exit("usage: france_test.py PATH/TO/parcours")
    PARCOURS = sys.argv.pop(1)
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
