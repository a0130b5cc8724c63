#!/usr/bin/python3
"""Policy variants of the France baseline (scenarios/policies/): each extends the baseline, and
the same seed gives the same children in the baseline and in a variant (common random
numbers): every indicator, of people and of money, is identical until the policy's start date.
After it the books differ, and so do children's paths where providers respond to the incentives
the new rule creates (docs/model.md, rule 28). Usage: policies_test.py PATH/TO/parcours"""
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
YEARS = 4  # 2025-2028: the dated policies start in 2026 or 2027
# The first year each money-only variant changes the funding.
STARTS = {"global-allocation": 2027, "capitation": 2027, "performance-contract": 2027,
          "needs-based": 2027, "cpom": 2026, "impact-bond": 2026, "inclusion-days-unbilled": 2026,
          "modulated-prices": 2026}
# The books and their labels: everything else describes people and must not move.
MONEY = ("spending", "revenue", "cost", "surplus", "provider_price", "provider_billed_days",
         "provider_revenue", "provider_cost", "provider_surplus", "provider_rule", "rule",
         "payer", "provider_score", "pooled_", "repaid")


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

    def test_every_money_policy_has_a_start(self):
        self.assertEqual(set(self.variants), set(STARTS))

    def test_the_same_children_follow_the_same_paths_until_the_policy_starts(self):
        for name, ds in self.variants.items():
            before = dict(year=slice(2025, STARTS[name] - 1))
            people = [v for v in self.base.data_vars
                      if not is_money(v) and "year" in self.base[v].dims]
            self.assertGreater(len(people), 50)
            for v in people:
                np.testing.assert_array_equal(ds[v].sel(**before).values,
                                              self.base[v].sel(**before).values,
                                              err_msg=f"{name}: {v}")

    def test_dated_rules_leave_the_books_alone_until_their_start(self):
        for name, start in STARTS.items():
            if name == "inclusion-days-unbilled":
                continue  # tested below: its change shows in the IMEs' revenue, not spending

            ds = self.variants[name]
            before = dict(year=slice(2025, start - 1))
            after = dict(year=slice(start, 2028))
            np.testing.assert_array_equal(ds["spending"].sel(**before).values,
                                          self.base["spending"].sel(**before).values, name)
            ime = dict(service="IME")
            self.assertFalse(np.array_equal(ds["spending_national"].sel(**after, **ime).values,
                                            self.base["spending_national"].sel(**after,
                                                                               **ime).values),
                             name)

    def test_money_is_conserved_in_every_policy(self):
        for name, ds in self.variants.items():
            total = ds["spending_national"]
            parts = ds["spending_by_payer_national"].sum("payer")
            np.testing.assert_allclose(parts.values, total.values, rtol=1e-9, err_msg=name)

    def test_a_cpom_envelope_is_never_exceeded(self):
        ds = self.variants["cpom"]
        envelope, paid = ds["pooled_envelope"], ds["pooled_paid"]
        self.assertTrue(bool((paid <= envelope).all()))
        # Nothing before 2026; from 2026 every organisation with children's ESMS has one.
        self.assertEqual(float(envelope.sel(year=2025).sum()), 0.0)
        self.assertGreater(int((envelope.sel(year=2026) > 0).sum()), 100)
        # The first year of the contract pays the envelope; later ones less the modulation cuts.
        np.testing.assert_allclose(paid.sel(year=2026).values, envelope.sel(year=2026).values,
                                   rtol=1e-12)
        self.assertTrue(bool((paid.sel(year=2027).sum() < envelope.sel(year=2027).sum()).all()))
        # The envelope is the providers' revenue under it, organisation by organisation.
        rule = ds["provider_rule"].isel(replication=0).sel(year=2027)
        pooled = list(ds["rule_kind"].values).index("pooled_allocation")
        revenue = ds["provider_revenue"].isel(replication=0).sel(year=2027).where(rule == pooled, 0)
        by_organisation = revenue.groupby(ds["provider_organisation"]).sum()
        np.testing.assert_allclose(
            by_organisation.sel(provider_organisation=ds["organisation"].values).values,
            paid.isel(replication=0).sel(year=2027).values, rtol=1e-9)

    def test_a_performance_contract_pays_its_stake_on_a_score(self):
        ds = self.variants["performance-contract"]
        score = ds["provider_score"].isel(replication=0)
        self.assertEqual(float(abs(score.sel(year=[2025, 2026])).sum()), 0.0)
        ime = ds["provider_service"] == "IME"
        self.assertTrue(bool((score.sel(year=2027).where(ime, 1.0) > 0).all()))
        # 95 % of the allocation whatever the score, and 5 % × a score capped at 1.1 - 1.2.
        self.assertTrue(bool((score <= 1.2 + 1e-12).all()))

    def test_a_needs_based_allocation_weighs_places_by_modes_and_needs(self):
        ds = self.variants["needs-based"]
        kinds = dict(zip(ds["rule"].values.tolist(), ds["rule_kind"].values.tolist()))
        self.assertEqual(kinds["serafin_ime_2027"], "needs_based")
        ime = dict(service="IME", year=2027)
        # base rate x places x mode mix (0.7 - 1.3) x needs mix (0.9 - 1.3) x (1 - cut, at most
        # 0.5 x 0.9), + 500 a place: between 0.7 x 0.9 x 0.55 and 1.3 x 1.3 + 500 / 39,000 of
        # the budget (IME places in France and Belgium x 39,000), and not the baseline's.
        budget = (75199 + 1300) * 39000.0
        paid = float(ds["spending_national"].sel(**ime).values[0])
        self.assertGreater(paid, 0.7 * 0.9 * 0.55 * budget)
        self.assertLess(paid, (1.3 * 1.3 + 500 / 39000) * budget)
        self.assertNotEqual(paid, float(self.base["spending_national"].sel(**ime).values[0]))

    def test_an_impact_bond_is_paid_by_its_investor_and_repaid_only_at_a_terms_end(self):
        ds = self.variants["impact-bond"]
        flags = dict(zip(ds["rule"].values.tolist(), ds["rule_counterfactual"].values.tolist()))
        self.assertEqual(flags["ime_impact_bond_2026"], 1)
        ime = dict(service="IME")
        by_payer = ds["spending_by_payer_national"].sel(**ime).isel(replication=0)
        # From 2026 the investor pays the IMEs' cost; Assurance maladie none of it.
        np.testing.assert_array_equal(by_payer.sel(payer="investor", year=slice(2026, 2028)).values,
                                      ds["cost_national"].sel(**ime).isel(replication=0)
                                      .sel(year=slice(2026, 2028)).values)
        self.assertEqual(float(by_payer.sel(payer="assurance_maladie",
                                            year=slice(2026, 2028)).sum()), 0.0)
        # A 2-year term from 2026 ends with 2027: a repayment, if any, is there.
        repaid = ds["repaid"].isel(replication=0)
        self.assertEqual(float(repaid.sel(year=[2025, 2026, 2028]).sum()), 0.0)

    def test_a_global_allocation_pays_the_budget_whatever_the_activity(self):
        ds = self.variants["global-allocation"]
        places = 75199 + 1300  # IME places in France and in Belgium, paid by the same rule
        paid = ds["spending_national"].sel(service="IME", year=[2027, 2028]).values[0]
        np.testing.assert_allclose(paid, places * 39000.0, rtol=1e-12)

    def test_modulated_prices_pay_an_inclusion_day_less_than_a_day_in_the_establishment(self):
        ds = self.variants["modulated-prices"]
        kinds = dict(zip(ds["rule"].values.tolist(), ds["rule_kind"].values.tolist()))
        self.assertEqual(kinds["ime_modulated_prices_2026"], "modulated_price")
        ime = ds["provider_service"].values == "IME"
        price = ds["provider_mode_price"].isel(replication=0).sel(year=2027).values[ime]
        modes = list(ds["price_mode"].values)
        inclusion, day, night = (price[:, modes.index(m)]
                                 for m in ("inclusion", "demi_pension", "internat"))
        self.assertTrue(bool((price > 0).all()))
        self.assertTrue(bool(((inclusion < day) & (day < night)).all()))
        # Each IME's revenue is its prices x its days by price mode (check_output checks every
        # cell); together they recover about the budget, as the single price did.
        revenue = float(ds["revenue_national"].sel(service="IME", year=2027).values[0])
        base = float(self.base["revenue_national"].sel(service="IME", year=2027).values[0])
        self.assertAlmostEqual(revenue / base, 1.0, delta=0.05)
        # An inclusion day brings the inclusion price and costs its cost: with each mode's cost
        # weighed (behaviour.mode_costs = 1), it costs the provider nothing, as under the
        # baseline's daily price that bills it in full (rule 28).
        self.assertEqual(float(ds.attrs["behaviour_mode_costs"]), 1.0)
        value = ds["rule_school_day_value"].sel(rule="ime_modulated_prices_2026", service="IME")
        self.assertLess(abs(float(value)), 1e-6)
        self.assertEqual(float(ds["rule_school_day_value"].sel(
            rule="establishments_daily_price", service="IME")), 0.0)

    def test_capitation_is_flagged_counterfactual(self):
        ds = self.variants["capitation"]
        flags = dict(zip(ds["rule"].values.tolist(), ds["rule_counterfactual"].values.tolist()))
        self.assertEqual(flags["ime_capitation_2027"], 1)
        self.assertEqual(flags["establishments_daily_price"], 0)

    def test_unbilled_inclusion_days_cost_revenue_at_once_and_raise_the_next_price(self):
        ds = self.variants["inclusion-days-unbilled"]
        ime = dict(service="IME")
        for year in (2025, 2026):
            revenue = float(ds["revenue_national"].sel(**ime, year=year).values[0])
            base = float(self.base["revenue_national"].sel(**ime, year=year).values[0])
            if year == 2025:
                self.assertEqual(revenue, base)
            else:
                self.assertLess(revenue, base)
        # The price set from the approved cost over past billed days rises to make up for the
        # days no longer billed (R.314-113: the lag of a daily price).
        # Not every IME's: providers' responses change which children an IME keeps (those half
        # at school step toward SESSAD more, rule 28), so a few bill more days than in the baseline.
        ime_providers = ds["provider_service"].values == "IME"
        price = ds["provider_price"].sel(year=2027).values[0][ime_providers]
        base_price = self.base["provider_price"].sel(year=2027).values[0][ime_providers]
        self.assertGreater(float(price.mean()), float(base_price.mean()))
        self.assertGreater(float((price >= base_price).mean()), 0.95)

    # Providers' responses (rule 28): what each rule pays for, and what providers then do.
    def rule_value(self, ds, name, rule, service):
        return float(ds[name].sel(rule=rule, service=service))

    def test_each_rule_states_what_an_empty_day_and_an_inclusion_day_cost(self):
        base = self.base
        # A daily price recovers the budget at full places for the service's mix of children: an
        # empty place-day loses a place-day's cost; an inclusion day, billed, loses nothing.
        self.assertAlmostEqual(self.rule_value(base, "rule_vacancy_value",
                                               "establishments_daily_price", "IME"), 1.0, 6)
        self.assertEqual(self.rule_value(base, "rule_school_day_value",
                                         "establishments_daily_price", "IME"), 0.0)
        # A global allocation pays whatever the activity.
        self.assertEqual(self.rule_value(base, "rule_vacancy_value",
                                         "services_global_allocation", "SESSAD"), 0.0)
        # Unbilled, an inclusion day loses a whole day's price (more than a place-day's cost:
        # the price is set on fewer billed days).
        ds = self.variants["inclusion-days-unbilled"]
        self.assertGreater(self.rule_value(ds, "rule_school_day_value",
                                           "inclusion_days_unbilled_2026", "IME"), 1.0)

    def national(self, ds, name, service, years):
        return int(ds[name].sel(service=service, year=years).sum())

    def test_a_global_allocation_slows_admissions_and_frees_creton_places(self):
        ds = self.variants["global-allocation"]
        for name in ("vacancies_held_national", "young_adults_released_national"):
            self.assertEqual(self.national(ds, name, "IME", [2025, 2026]), 0, name)
            self.assertGreater(self.national(ds, name, "IME", [2027, 2028]), 100, name)
            self.assertEqual(self.national(self.base, name, "IME", [2025, 2026, 2027, 2028]), 0)
        # An IME no longer loses a day's price when a child steps toward SESSAD: more steps.
        steps = ds["plan_steps_taken"].sel(plan_step="ime_to_sessad", year=[2027, 2028]).sum()
        base_steps = self.base["plan_steps_taken"].sel(plan_step="ime_to_sessad",
                                                       year=[2027, 2028]).sum()
        self.assertGreater(int(steps), 1.2 * int(base_steps))
        # Places held vacant and young adults sent home: fewer IME places occupied.
        occupied = self.national(ds, "occupied_end_national", "IME", [2028])
        self.assertLess(occupied, self.national(self.base, "occupied_end_national", "IME", [2028]))

    def test_a_needs_based_allocation_admits_high_needs_children_first(self):
        ds = self.variants["needs-based"]
        self.assertEqual(self.national(ds, "admissions_selected_national", "IME", [2025, 2026]), 0)
        self.assertGreater(self.national(ds, "admissions_selected_national", "IME", [2027, 2028]),
                           100)
        self.assertEqual(self.national(self.base, "admissions_selected_national", "IME",
                                       [2025, 2026, 2027, 2028]), 0)

    def test_unbilled_inclusion_days_make_a_child_at_school_cheaper_to_let_go(self):
        # Once inclusion days go unbilled, a child half at school brings an IME half its days'
        # price, and one in the internal unit, whose days pay for the others' as the price rises
        # (rule 28: the price recovers the budget), more: IMEs let more of the first step toward
        # SESSAD and keep more of the second, so fewer IME children are in an ordinary class or
        # ULIS than in the baseline from 2026, and more in the internal unit.
        ds = self.variants["inclusion-days-unbilled"]
        years = [2026, 2027, 2028]

        def in_ime(data, schoolings):
            return int(data["occupants_schooling_end_national"]
                       .sel(service="IME", schooling=schoolings, year=years).sum())
        at_school = ["ordinary_class", "ulis"]
        self.assertLess(in_ime(ds, at_school), in_ime(self.base, at_school))
        self.assertGreater(in_ime(ds, ["internal_unit"]), in_ime(self.base, ["internal_unit"]))

if __name__ == "__main__":
    PARCOURS = sys.argv.pop(1)
    unittest.main(verbosity=2)
