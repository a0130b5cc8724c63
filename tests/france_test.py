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
        parcours("run", BASELINE, "--out", cls.out, "-n", 2, "-t", 2,
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

    def test_thread_count_does_not_change_results(self):
        other = self.dir / "one-thread.h5"
        parcours("run", BASELINE, "--out", other, "-n", 2, "-t", 1,
                 "--set", f"scenario.horizon_years={YEARS}")
        with h5py.File(self.out, "r") as a, h5py.File(other, "r") as b:
            for name in ["occupied_end", "waiting_end", "away_end", "abroad_end",
                         "admitted_from_list", "wait_histogram", "present_end"]:
                np.testing.assert_array_equal(a[name][...], b[name][...], err_msg=name)


def main():
    global PARCOURS
    if len(sys.argv) < 2:
        sys.exit("usage: france_test.py PATH/TO/parcours")
    PARCOURS = sys.argv.pop(1)
    unittest.main(verbosity=2)


if __name__ == "__main__":
    main()
