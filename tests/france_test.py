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
                         "occupants_impairment_end"]:
                np.testing.assert_array_equal(a[name][...], b[name][...], err_msg=name)


def main():
    global PARCOURS
    if len(sys.argv) < 2:
        sys.exit("usage: france_test.py PATH/TO/parcours")
    PARCOURS = sys.argv.pop(1)
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
