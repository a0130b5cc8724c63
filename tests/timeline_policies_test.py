#!/usr/bin/python3
"""Policy variants that change places or placements from a date ([[timeline]] conversions, a
Belgium moratorium): the same seed gives the same children as the baseline on every indicator
until the first change (common random numbers), then places move as the timeline says, within
the regional envelopes, and children with them. Usage: timeline_policies_test.py PATH/TO/parcours"""
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import numpy as np
import xarray as xr

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "france" / "baseline.toml"
POLICIES = ROOT / "scenarios" / "policies"
CHECKER = ROOT / "tests" / "check_output.py"
PARCOURS = None
YEARS = 6  # 2025-2030: the conversion's five yearly steps, 2026-2030
RUN = ("wall_seconds", "events")  # what a run records about itself, not about the model


def run(scenario, out):
    subprocess.run([PARCOURS, "run", str(scenario), "--out", str(out), "--replications", "1",
                    "--threads", "1", "--set", f"scenario.horizon_years={YEARS}"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["/usr/bin/python3", str(CHECKER), str(out)], check=True,
                   stdout=subprocess.DEVNULL)
    return xr.open_dataset(out, engine="h5netcdf")


def national(ds, name, service, year):
    return int(ds[f"{name}_national"].sel(service=service, year=year).values[0])


class TimelinePoliciesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tmp = Path(cls.tmp.name)
        cls.base = run(BASELINE, tmp / "baseline.h5")
        cls.realloc = run(POLICIES / "reallocation-toward-inclusion.toml", tmp / "realloc.h5")
        cls.moratorium = run(POLICIES / "belgium-moratorium.toml", tmp / "moratorium.h5")

    @classmethod
    def tearDownClass(cls):
        for ds in (cls.base, cls.realloc, cls.moratorium):
            ds.close()
        cls.tmp.cleanup()

    def test_the_same_children_until_the_first_change(self):
        # Both variants change nothing before 2026-01-01: every indicator of 2025, people and
        # money, is the baseline's to the bit.
        for name, ds in (("reallocation", self.realloc), ("moratorium", self.moratorium)):
            compared = 0
            for v in self.base.data_vars:
                if "year" not in self.base[v].dims or v.startswith(RUN) or v not in ds:
                    continue
                if ds[v].shape != self.base[v].shape:  # e.g. providers added by the timeline
                    continue
                np.testing.assert_array_equal(ds[v].sel(year=2025).values,
                                              self.base[v].sel(year=2025).values,
                                              err_msg=f"{name}: {v}")
                compared += 1
            self.assertGreater(compared, 80, name)
            self.assertFalse(np.array_equal(ds["occupied_end"].sel(year=2027).values,
                                            self.base["occupied_end"].sel(year=2027).values),
                             f"{name}: nothing moved after the change")

    def test_ime_places_become_sessad_places_within_the_envelopes(self):
        ds = self.realloc
        self.assertEqual(national(ds, "places_end", "IME", 2030),
                         national(self.base, "places_end", "IME", 2030) - 7520)
        gained = (national(ds, "places_end", "SESSAD", 2030) -
                  national(self.base, "places_end", "SESSAD", 2030))
        sessad = ds["place_change_service"].values.astype(str) == "SESSAD"
        self.assertEqual(gained, int(ds["place_change_places"].values[sessad].sum()))
        # 2.2 SESSAD places per IME place: 7,520 x 2.2 = 16,544 asked, give or take the
        # rounding of each step and territory; a region's last place may not fit its room.
        asked = int(ds["places_asked"].sum())
        self.assertLessEqual(abs(asked - 16544), 5)
        self.assertGreaterEqual(gained, asked - 20)
        self.assertLessEqual(gained, asked)
        spent = ds["envelope_spent"].values
        envelope = ds["envelope_euros"].values
        self.assertTrue(bool((spent <= envelope * (1 + 1e-12)).all()))
        # Places closed in IMEs close as their occupants leave: more IME occupants than places
        # at first, never fewer places than the timeline left.
        self.assertLessEqual(national(ds, "occupied_end", "IME", 2026),
                             national(self.base, "occupied_end", "IME", 2026))

    def test_children_follow_the_places(self):
        ds = self.realloc
        # More children in SESSAD places, fewer waiting for one; fewer in IME places, more
        # waiting for one, by 2030.
        self.assertGreater(national(ds, "occupied_end", "SESSAD", 2030),
                           national(self.base, "occupied_end", "SESSAD", 2030) + 5000)
        self.assertLess(national(ds, "waiting_end", "SESSAD", 2030),
                        national(self.base, "waiting_end", "SESSAD", 2030))
        self.assertLess(national(ds, "occupied_end", "IME", 2030),
                        national(self.base, "occupied_end", "IME", 2030))
        self.assertGreater(national(ds, "waiting_end", "IME", 2030),
                           national(self.base, "waiting_end", "IME", 2030))

    def test_a_moratorium_takes_no_one_to_belgium_from_its_date(self):
        be = dict(territory="BE", service="IME")
        after = dict(year=slice(2026, 2030))
        self.assertEqual(int(self.moratorium["admissions"].sel(**be, **after).sum()), 0)
        self.assertGreater(int(self.base["admissions"].sel(**be, **after).sum()), 0)
        self.assertGreater(int(self.moratorium["admissions"].sel(**be, year=2025).sum()), 0)


if __name__ == "__main__":
    PARCOURS = sys.argv.pop(1)
    unittest.main(verbosity=2)
