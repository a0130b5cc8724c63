#!/usr/bin/python3
"""Policy variants of the France baseline (scenarios/policies/): each extends the baseline, and
the same seed gives the same children in the baseline and in a variant (common random
numbers). Funding rules change no child's path yet (no behaviour responds to money), so every
indicator of people is identical over the whole run, and the books are identical until the
policy's start date and differ after it. Usage: policies_test.py PATH/TO/parcours"""
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
PARCOURS = None
YEARS = 4  # 2025-2028: the dated policies start in 2027
# The books and their labels: everything else describes people and must not move.
MONEY = ("spending", "revenue", "cost", "surplus", "provider_price", "provider_billed_days",
         "provider_revenue", "provider_cost", "provider_surplus", "provider_rule", "rule",
         "payer")


# What a run records about itself rather than about people.
RUN = ("wall_seconds", "scenario", "overrides")


def is_money(name):
    return name.startswith(MONEY) or name.startswith(RUN)


def money_policies():
    """The variants that change money only: those that change places or placements (a
    [[timeline]], a moratorium) move children from their date (timeline_policies_test.py)."""
    return [p for p in sorted(POLICIES.glob("*.toml"))
            if "[[timeline]]" not in p.read_text(encoding="utf-8")
            and "closed_from" not in p.read_text(encoding="utf-8")]


def run(scenario, out):
    subprocess.run([PARCOURS, "run", str(scenario), "--out", str(out), "--replications", "1",
                    "--threads", "1", "--set", f"scenario.horizon_years={YEARS}"],
                   check=True, stdout=subprocess.DEVNULL)
    return xr.open_dataset(out, engine="h5netcdf")


class PoliciesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        tmp = Path(cls.tmp.name)
        cls.base = run(BASELINE, tmp / "baseline.h5")
        cls.variants = {p.stem: run(p, tmp / f"{p.stem}.h5") for p in money_policies()}

    @classmethod
    def tearDownClass(cls):
        cls.base.close()
        for ds in cls.variants.values():
            ds.close()
        cls.tmp.cleanup()

    def test_every_policy_extends_the_baseline_rather_than_copying_it(self):
        for path in POLICIES.glob("*.toml"):
            text = path.read_text(encoding="utf-8")
            self.assertIn('extends = "../france/baseline.toml"', text, path.name)
            self.assertLess(len(text.splitlines()), 80, path.name)

    def test_the_same_children_follow_the_same_paths_in_every_policy(self):
        for name, ds in self.variants.items():
            people = [v for v in self.base.data_vars if not is_money(v)]
            self.assertGreater(len(people), 50)
            for v in people:
                np.testing.assert_array_equal(ds[v].values, self.base[v].values,
                                              err_msg=f"{name}: {v}")

    def test_dated_rules_leave_the_books_alone_until_their_start(self):
        for name in ["global-allocation", "capitation"]:
            ds = self.variants[name]
            before = dict(year=slice(2025, 2026))
            after = dict(year=slice(2027, 2028))
            np.testing.assert_array_equal(ds["spending"].sel(**before).values,
                                          self.base["spending"].sel(**before).values, name)
            ime = dict(service="IME")
            self.assertFalse(np.array_equal(ds["spending_national"].sel(**after, **ime).values,
                                            self.base["spending_national"].sel(**after,
                                                                               **ime).values),
                             name)

    def test_a_global_allocation_pays_the_budget_whatever_the_activity(self):
        ds = self.variants["global-allocation"]
        places = 75199 + 1300  # IME places in France and in Belgium, paid by the same rule
        paid = ds["spending_national"].sel(service="IME", year=[2027, 2028]).values[0]
        np.testing.assert_allclose(paid, places * 39000.0, rtol=1e-12)

    def test_capitation_is_flagged_counterfactual(self):
        ds = self.variants["capitation"]
        flags = dict(zip(ds["rule"].values.tolist(), ds["rule_counterfactual"].values.tolist()))
        self.assertEqual(flags["ime_capitation_2027"], 1)
        self.assertEqual(flags["establishments_daily_price"], 0)

    def test_unbilled_inclusion_days_cost_revenue_at_once_and_raise_the_next_price(self):
        ds = self.variants["inclusion-days-unbilled"]
        ime = dict(service="IME")
        first = dict(year=2025)
        self.assertLess(float(ds["revenue_national"].sel(**ime, **first).values[0]),
                        float(self.base["revenue_national"].sel(**ime, **first).values[0]))
        # The price set from the approved cost over past billed days rises to make up for the
        # days no longer billed (R.314-113: the lag of a daily price).
        ime_providers = ds["provider_service"].values == "IME"
        price = ds["provider_price"].sel(year=2026).values[0][ime_providers]
        base_price = self.base["provider_price"].sel(year=2026).values[0][ime_providers]
        self.assertTrue(bool((price >= base_price).all()))
        self.assertTrue(bool((price > base_price).any()))


if __name__ == "__main__":
    PARCOURS = sys.argv.pop(1)
    unittest.main(verbosity=2)
