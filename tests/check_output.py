#!/usr/bin/python3
"""Checks that a Parcours results file has the layout of docs/output-format.md.

Usage: /usr/bin/python3 tests/check_output.py FILE.h5

Opens FILE with h5py and with xarray (engine="h5netcdf"), checks dimensions, labels, units,
descriptions, root attributes and the identities between indicators, the /spells group when the
run recorded spells (its columns and codes, and the spells against the indicators), and that
`ncdump -h FILE` succeeds. Prints every failure and exits 1 if there is any; exits 0 and prints
"OK" otherwise.
"""

import re
import shutil
import subprocess
import sys
import tomllib

import h5py
import numpy as np
import xarray as xr

ROOT_STRING_ATTRS = [
    "title", "scenario_name", "scenario_description", "scenario_path", "start_date",
    "engine_version", "git_commit", "build_type", "command_line", "started_at", "finished_at",
    "history",
]
ROOT_INT_ATTRS = ["seed", "replications", "threads"]

# name -> (dimensions after replication and period, dtype kind, units)
CELL = ("territory", "service")
FLOW = ("territory",)
INDICATORS = {
    "occupancy": (CELL, "f", "1"),
    "occupied_place_days": (CELL, "f", "place-days"),
    "authorised_place_days": (CELL, "f", "place-days"),
    "places_end": (CELL, "i", "places"),
    "admissions": (CELL, "i", "people"),
    "waiting_end": (CELL, "i", "people"),
    "creton_end": (CELL, "i", "people"),
    "stepping_end": (CELL, "i", "people"),
    "aged_out_waiting": (CELL, "i", "people"),
    "spending": (CELL, "f", "EUR"),
    "occupied_end": (CELL, "i", "people"),
    "away_end": (CELL, "i", "people"),
    "abroad_end": (CELL, "i", "people"),
    "admitted_from_list": (CELL, "i", "people"),
    "mean_wait_days": (CELL, "f", "d"),
    "vacancies_held": (CELL, "i", "places"),
    "vacancy_hold_days": (CELL, "f", "d"),
    "young_adults_released": (CELL, "i", "people"),
    "admissions_selected": (CELL, "i", "people"),
    "present_start": (FLOW, "i", "people"),
    "arrivals": (FLOW, "i", "people"),
    "departures": (FLOW, "i", "people"),
    "present_end": (FLOW, "i", "people"),
}
# Sums of territory indicators over the home territories of each region and of the country.
SUMMED = ["occupied_end", "waiting_end", "creton_end", "stepping_end", "away_end", "abroad_end",
          "aged_out_waiting", "admitted_from_list"]
REGION = ("region", "service")
NATIONAL = ("service",)
for _stem in SUMMED:
    INDICATORS[f"{_stem}_by_region"] = (REGION, "i", "people")
    INDICATORS[f"{_stem}_national"] = (NATIONAL, "i", "people")
for _stem, _units in [("places_end", "places"), ("vacancies_held", "places"),
                      ("young_adults_released", "people"), ("admissions_selected", "people")]:
    SUMMED.append(_stem)
    INDICATORS[f"{_stem}_by_region"] = (REGION, "i", _units)
    INDICATORS[f"{_stem}_national"] = (NATIONAL, "i", _units)
INDICATORS["occupied_abroad_national"] = (NATIONAL, "i", "people")
# Waits of those admitted from a list, by home region, and percentiles read from them:
# name -> (numerator, denominator) of q.
WAIT_MONTHS = 121  # bins 0..120; the last one: 120 months or more
INDICATORS["wait_histogram"] = (REGION + ("wait_months",), "i", "people")
PERCENTILES = {"wait_p50_months": (1, 2), "wait_p90_months": (9, 10)}
for _name in PERCENTILES:
    INDICATORS[_name] = (REGION, "f", "months")
    INDICATORS[f"{_name}_national"] = (NATIONAL, "f", "months")
# Written only when the model has interim situations (the `interim` dimension is present).
INTERIM_INDICATORS = {
    "waiting_interim_end": (CELL + ("interim",), "i", "people"),
    "waiting_interim_end_by_region": (REGION + ("interim",), "i", "people"),
    "waiting_interim_end_national": (NATIONAL + ("interim",), "i", "people"),
    "no_solution_end": (FLOW, "i", "people"),
    "no_solution_end_by_region": (("region",), "i", "people"),
    "no_solution_end_national": ((), "i", "people"),
}
INTERIM_FLAGS = ["interim_no_solution", "interim_ordinary_school"]
# Written only when some interim situation is limited (has a capacity): children who fell back
# from one, and the coordinates saying which are limited (name -> (dims, dtype); NaN and "" for
# unlimited situations).
LIMITED_INDICATORS = {
    "interim_fallbacks": (CELL + ("interim",), "i", "people"),
    "interim_fallbacks_by_region": (REGION + ("interim",), "i", "people"),
    "interim_fallbacks_national": (NATIONAL + ("interim",), "i", "people"),
}
LIMITED_COORDINATES = {
    "interim_capacity": (("territory", "interim"), np.float64),
    "interim_per_child": (("interim",), np.float64),
    "interim_fallback": (("interim",), object),
}
# Written only when the scenario names outcomes of leavers (the `outcome` dimension is present).
OUTCOME_INDICATORS = {
    "left_to": (CELL + ("outcome",), "i", "people"),
    "left_to_by_region": (REGION + ("outcome",), "i", "people"),
    "left_to_national": (NATIONAL + ("outcome",), "i", "people"),
}
OUTCOME_COORDINATES = ["outcome_description"]
# Children's attributes and list management, by home territory, with their sums by region and
# nationally (always written; one impairment and one priority level, "all", by default).
CHILDREN = {
    "waiting_priority_end": ("priority",),
    "pag_end": (),
    "removed_at_review": (),
    "died": (),
    "occupants_ase_end": (),
    "occupants_impairment_end": ("impairment",),
    "waiting_impairment_end": ("impairment",),
}
# MDPH notifications and double orientation, by home territory with their sums by region and
# nationally (always written: zeros when orientations never expire or no service has an
# alternative).
ORIENTATIONS = {"renewed": (), "lapsed": (), "to_alternative": ()}
for _stem, _inner in list(CHILDREN.items()) + list(ORIENTATIONS.items()):
    INDICATORS[_stem] = (CELL + _inner, "i", "people")
    INDICATORS[f"{_stem}_by_region"] = (REGION + _inner, "i", "people")
    INDICATORS[f"{_stem}_national"] = (NATIONAL + _inner, "i", "people")
# Care in a place (modes, schooling), ages, plan reviews and inclusion: each group written only
# when the model has what it is over. group -> (dimensions whose presence means it is written,
# {stem: dimensions after the territory, by home territory with _by_region and _national sums},
# {coordinate: (dimension, dtype)}).
CARE_GROUPS = {
    "modes": (("mode",), {"occupants_mode_end": ("service", "mode")},
              {"mode_residential": ("mode", np.int8), "mode_attendance": ("mode", np.float64)}),
    "schooling": (("schooling",), {"occupants_schooling_end": ("service", "schooling")},
                  {"schooling_ordinary_school": ("schooling", np.int8)}),
    "ages": (("age_group",), {"occupants_age_end": ("service", "age_group"),
                              "waiting_age_end": ("service", "age_group")},
             {"age_group_lower_years": ("age_group", np.float64)}),
    "plans": (("plan_step",), {"plan_reviews": ("service",), "plan_steps_taken": ("plan_step",)},
              {"plan_step_from": ("plan_step", object)}),
    "inclusion": (("schooling", "interim"), {"ordinary_school_end": ("service",)}, {}),
}
# Inclusion rates (float64, units "1", NaN as _FillValue), with the inclusion group.
RATES = {
    "inclusion_rate": CELL,
    "inclusion_rate_by_region": REGION,
    "inclusion_rate_national": NATIONAL,
    "inclusion_rate_all_services_national": (),
}
# Declared providers, written only with the `provider` dimension: coordinates over [provider]
# (name -> dtype) and indicators over [replication, period, provider] (name -> (dtype kind,
# units)); provider_applications_end only when lists are per provider.
PROVIDER_COORDINATES = {
    "provider_territory": object,
    "provider_service": object,
    "provider_organisation": object,
    "provider_places": np.int64,
    "provider_impairments": object,
}
PROVIDER_INDICATORS = {
    "provider_place_days": ("f", "place-days"),
    "provider_authorised_place_days": ("f", "place-days"),
    "provider_places_end": ("i", "places"),
    "provider_occupancy_rate": ("f", "1"),
    "provider_admissions": ("i", "people"),
    "provider_occupied_end": ("i", "people"),
    # The providers' books (no units for provider_rule, an index into the rule dimension).
    "provider_revenue": ("f", "EUR"),
    "provider_cost": ("f", "EUR"),
    "provider_surplus": ("f", "EUR"),
    "provider_price": ("f", "EUR/day"),
    "provider_billed_days": ("f", "billed-days"),
    "provider_followed": ("i", "people"),
    "provider_rule": ("i", None),
    # Rules 4-7: mean authorised places, the time of care, the score a contract paid on.
    "provider_time_of_care": ("f", "1"),
    "provider_score": ("f", "1"),
}
# Over [replication, period, provider, indicator], and over the organisations (CPOM envelopes).
PROVIDER_EXTRA = {
    "provider_indicators": (("provider", "indicator"), "f", "1"),
    "pooled_envelope": (("organisation",), "f", "EUR"),
    "pooled_paid": (("organisation",), "f", "EUR"),
}
INDICATOR_LABELS = ["occupancy", "inclusion", "waiting", "time_of_care"]
PROVIDER_APPLICATIONS = "provider_applications_end"
# The books: money by the territory of the place, with sums over the home territories of each
# region and over every territory (national: abroad ones included, all that is paid); the
# activity paid for; costs per child followed and per day of care (NaN as _FillValue).
MONEY = ["spending", "revenue", "cost", "surplus"]
for _stem in MONEY:
    INDICATORS[_stem] = (CELL, "f", "EUR")
    INDICATORS[f"{_stem}_by_region"] = (REGION, "f", "EUR")
    INDICATORS[f"{_stem}_national"] = (NATIONAL, "f", "EUR")
INDICATORS["attended_days"] = (CELL, "f", "place-days")
INDICATORS["school_days"] = (CELL, "f", "place-days")
INDICATORS["followed"] = (CELL, "i", "people")
INDICATORS["time_of_care"] = (CELL, "f", "1")
INDICATORS["time_of_care_by_region"] = (REGION, "f", "1")
INDICATORS["time_of_care_national"] = (NATIONAL, "f", "1")
COSTS_PER = {"cost_per_child_followed": ("followed", "EUR/child"),
             "cost_per_day_of_care": ("attended_days", "EUR/day")}
for _name, (_, _units) in COSTS_PER.items():
    INDICATORS[_name] = (NATIONAL, "f", _units)
# Written only with payers (the `payer` dimension).
PAYER_INDICATORS = {
    "spending_by_payer": (CELL + ("payer",), "f", "EUR"),
    "spending_by_payer_by_region": (REGION + ("payer",), "f", "EUR"),
    "spending_by_payer_national": (NATIONAL + ("payer",), "f", "EUR"),
}
# Coordinates of the payer and rule dimensions: name -> (dimension, dtype).
FUNDING_COORDINATES = {
    "payer_description": ("payer", object),
    "rule_kind": ("rule", object),
    "rule_counterfactual": ("rule", np.int8),
    "rule_first_period": ("rule", np.int64),
    "rule_term_years": ("rule", np.int16),
}
RULE_KINDS = ["daily_price", "global_allocation", "capitation", "pooled_allocation", "performance",
              "needs_based", "impact_bond", "modulated_price"]
COUNTERFACTUAL_KINDS = {"capitation", "impact_bond"}  # rules no French payer uses
TERM_KINDS = {"pooled_allocation", "impact_bond"}  # rules with terms (rule_term_years > 0)
MONEY_RTOL = 1e-9  # sums of euros in another order agree to this relative tolerance
PER_REPLICATION = {"events": "i", "wall_seconds": "f"}
# Dimensions besides replication and the period (year or month).
OTHER_DIMS = ("territory", "service", "region", "wait_months", "impairment", "priority")
OPTIONAL_DIMS = ("interim", "mode", "schooling", "age_group", "plan_step", "provider", "outcome",
                 "payer", "rule", "event", "place_change", "envelope", "budget_year",
                 "organisation", "indicator", "price_mode")
ABROAD = "abroad"  # territory_region of an abroad territory
COUNTS = ["admissions", "waiting_end", "creton_end", "stepping_end", "aged_out_waiting",
          "present_start", "arrivals", "departures", "present_end", "occupied_end", "away_end",
          "abroad_end", "admitted_from_list"]
COUNTS += list(CHILDREN) + list(ORIENTATIONS) + ["followed", "places_end"]
# Counted by home territory: no one lives in an abroad territory, so these are 0 there.
BY_HOME = ["waiting_end", "aged_out_waiting", "away_end", "abroad_end", "admitted_from_list"]
BY_HOME += list(CHILDREN) + list(ORIENTATIONS)
COUNTS += [name for name, (_, kind, _) in INDICATORS.items()
           if kind == "i" and name.endswith(("_by_region", "_national"))]
COUNTS.append("wait_histogram")
DAYS_PER_YEAR = 365.25


def care_groups(dims):
    """The CARE_GROUPS a file with dimensions DIMS has."""
    return {name: group for name, group in CARE_GROUPS.items()
            if any(dim in dims for dim in group[0])}


def care_variables(name):
    """Every variable of the care group NAME: counts, their sums, rates and coordinates."""
    _, stems, coordinates = CARE_GROUPS[name]
    names = [v for stem in stems for v in (stem, f"{stem}_by_region", f"{stem}_national")]
    names += list(coordinates)
    if name == "inclusion":
        names += list(RATES)
    return names


def care_indicators(dims):
    """name -> (dimensions after replication and period, dtype kind, units) of the care
    indicators a file with dimensions DIMS must have."""
    out = {}
    groups = care_groups(dims)
    for _, stems, _ in groups.values():
        for stem, inner in stems.items():
            out[stem] = (("territory",) + inner, "i", "people")
            out[f"{stem}_by_region"] = (("region",) + inner, "i", "people")
            out[f"{stem}_national"] = (inner, "i", "people")
    if "inclusion" in groups:
        for name, rest in RATES.items():
            out[name] = (rest, "f", "1")
    return out


class Checker:
    def __init__(self, path):
        self.path = path
        self.failures = []

    def fail(self, message):
        self.failures.append(message)

    def expect(self, condition, message):
        if not condition:
            self.fail(message)
        return bool(condition)


def as_str(value):
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return as_str(value[()])
    return value


def check_h5py(c, period):
    with h5py.File(c.path, "r") as f:
        for key in ROOT_STRING_ATTRS:
            value = as_str(f.attrs.get(key))
            c.expect(isinstance(value, str), f"root attribute {key!r} missing or not a string")
        for key in ROOT_INT_ATTRS:
            value = f.attrs.get(key)
            c.expect(value is not None and np.issubdtype(np.asarray(value).dtype, np.integer),
                     f"root attribute {key!r} missing or not an integer")
        start = as_str(f.attrs.get("start_date", ""))
        c.expect(isinstance(start, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", start),
                 f"root attribute start_date {start!r} is not yyyy-mm-dd")
        history = as_str(f.attrs.get("history"))
        expected = f"{as_str(f.attrs.get('started_at'))}: {as_str(f.attrs.get('command_line'))}"
        c.expect(history == expected, f"history is {history!r}, expected {expected!r}")

        for name in ("replication", period) + OTHER_DIMS:
            if c.expect(name in f, f"dimension dataset {name!r} missing"):
                c.expect(h5py.h5ds.is_scale(f[name].id), f"{name!r} is not an HDF5 dimension scale")

        with_interims = "interim" in f
        if with_interims:
            c.expect(h5py.h5ds.is_scale(f["interim"].id), "'interim' is not an HDF5 dimension scale")
        indicators = dict(INDICATORS, **(INTERIM_INDICATORS if with_interims else {}))
        if "interim_capacity" in f:
            indicators.update(LIMITED_INDICATORS)
        if "outcome" in f:
            c.expect(h5py.h5ds.is_scale(f["outcome"].id), "'outcome' is not an HDF5 dimension scale")
            indicators.update(OUTCOME_INDICATORS)
        indicators.update(care_indicators([dim for dim in OPTIONAL_DIMS if dim in f]))
        for dim in ("payer", "rule"):
            if dim in f:
                c.expect(h5py.h5ds.is_scale(f[dim].id), f"{dim!r} is not an HDF5 dimension scale")
        if "payer" in f:
            indicators.update(PAYER_INDICATORS)
        if "provider" in f:
            c.expect(h5py.h5ds.is_scale(f["provider"].id),
                     "'provider' is not an HDF5 dimension scale")
            for name in list(PROVIDER_INDICATORS) + [PROVIDER_APPLICATIONS]:
                indicators[name] = (("provider",), None, None)
            for name, (rest, _, _) in PROVIDER_EXTRA.items():
                indicators[name] = (rest, None, None)
        if "rule" in f:
            indicators["repaid"] = (("rule",), None, None)
        for name in list(RATES) + list(COSTS_PER) + ["provider_occupancy_rate",
                                                     "interim_capacity", "interim_per_child",
                                                     "time_of_care", "time_of_care_by_region",
                                                     "time_of_care_national",
                                                     "provider_time_of_care",
                                                     "provider_indicators"]:
            if name in f:
                fill = f[name].attrs.get("_FillValue")
                c.expect(fill is not None and np.asarray(fill).dtype == np.float64
                         and np.isnan(fill).all(),
                         f"{name} has _FillValue {fill!r}, expected a float64 NaN")
        for name, (rest, _, _) in indicators.items():
            if name not in f:
                continue  # reported by the xarray checks
            dims = ("replication", period) + rest
            dataset = f[name]
            for axis, dim in enumerate(dims):
                scales = [scale.name for scale in dataset.dims[axis].values()]
                c.expect(scales == [f"/{dim}"],
                         f"{name} axis {axis} has scales {scales}, expected ['/{dim}']")
            if dataset.chunks is not None:
                c.expect(dataset.chunks[0] == 1,
                         f"{name} chunks {dataset.chunks}: expected one replication per chunk")

        if c.expect("scenario" in f, "scalar dataset 'scenario' missing"):
            c.expect(f["scenario"].shape == (), "'scenario' is not a scalar dataset")
            text = as_str(f["scenario"][()])
            c.expect(isinstance(text, str), "'scenario' does not hold a string")


def check_labels(c, ds, period):
    n = ds.sizes["replication"]
    c.expect(np.array_equal(ds["replication"].values, np.arange(n)),
             f"replication labels {ds['replication'].values} are not 0..{n - 1}")
    c.expect(ds.attrs.get("replications") == n,
             f"root attribute replications={ds.attrs.get('replications')} but {n} replications")

    start = ds.attrs.get("start_date", "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(start)):
        year, month = int(start[:4]), int(start[5:7])
        count = ds.sizes[period]
        if period == "year":
            expected = year + np.arange(count)
        else:
            months = month - 1 + np.arange(count)
            expected = (year + months // 12) * 100 + months % 12 + 1
        c.expect(np.array_equal(ds[period].values, expected),
                 f"{period} labels {ds[period].values} do not follow start date {start}")
    c.expect(bool(ds[period].attrs.get("description")), f"{period} has no description")

    for name in ["territory", "service", "region", "territory_name", "territory_region",
                 "impairment", "priority", "priority_conditions"]:
        values = [as_str(v) for v in ds[name].values]
        c.expect(all(isinstance(v, str) for v in values), f"{name} labels are not strings")
        if name in ds.dims:
            c.expect(len(set(values)) == len(values), f"{name} labels are not unique: {values}")
    check_regions(c, ds)

    per_year = 1 if period == "year" else 12
    c.expect(np.allclose(ds["period_days"].values, DAYS_PER_YEAR / per_year),
             f"period_days {ds['period_days'].values} != {DAYS_PER_YEAR / per_year}")
    c.expect(ds["places"].dims == ("territory", "service"),
             f"places has dims {ds['places'].dims}, expected ('territory', 'service')")


def check_regions(c, ds):
    regions = [as_str(v) for v in ds["region"].values]
    c.expect(ABROAD not in regions, f"a region is named {ABROAD!r}, the label of abroad territories")
    of_territory = [as_str(v) for v in ds["territory_region"].values]
    abroad = ds["territory_abroad"]
    c.expect(ds["territory_region"].dims == ("territory",) and abroad.dims == ("territory",),
             "territory_region and territory_abroad must be over [territory]")
    c.expect(abroad.dtype == np.int8, f"territory_abroad has dtype {abroad.dtype}, expected int8")
    flags = [int(v) for v in abroad.values]
    c.expect(set(flags) <= {0, 1}, f"territory_abroad has values other than 0 and 1: {flags}")
    c.expect(flags == sorted(flags), "abroad territories do not all come after the home ones")
    for code, region, flag in zip(ds["territory"].values, of_territory, flags):
        expected = "abroad" if flag else "a region label"
        c.expect(region == ABROAD if flag else region in regions,
                 f"territory {as_str(code)} has territory_region {region!r}, expected {expected}")
    for name in ("region", "territory_region", "territory_abroad"):
        c.expect(bool(ds[name].attrs.get("description")), f"{name} has no description")


def check_indicator(c, ds, name, dims, kind, units):
    """Dims, dtype kind, units and descriptive attributes of one indicator; the variable or
    None when it is missing."""
    if not c.expect(name in ds.variables, f"indicator {name!r} missing"):
        return None
    var = ds[name]
    c.expect(var.dims == dims, f"{name} has dims {var.dims}, expected {dims}")
    c.expect(var.dtype.kind == kind, f"{name} has dtype {var.dtype}, expected kind {kind!r}")
    c.expect(var.attrs.get("units") == units,
             f"{name} has units {var.attrs.get('units')!r}, expected {units!r}")
    for key in ("description", "long_name"):
        c.expect(bool(var.attrs.get(key)), f"{name} has no {key!r} attribute")
    return var


def check_indicators(c, ds, period):
    for name, (rest, kind, units) in INDICATORS.items():
        check_indicator(c, ds, name, ("replication", period) + rest, kind, units)
    for name, kind in PER_REPLICATION.items():
        if c.expect(name in ds.variables, f"variable {name!r} missing"):
            c.expect(ds[name].dims == ("replication",), f"{name} is not over [replication]")
            c.expect(ds[name].dtype.kind == kind, f"{name} has dtype {ds[name].dtype}")
            c.expect("units" in ds[name].attrs and "description" in ds[name].attrs,
                     f"{name} lacks units or description")
    if any(f"indicator {name!r} missing" in m for m in c.failures for name in INDICATORS):
        return

    for name in COUNTS:
        negative = int((ds[name] < 0).sum())
        c.expect(negative == 0, f"{name} has {negative} negative values")

    authorised = ds["authorised_place_days"]
    expected = ds["occupied_place_days"] / authorised
    with_places = authorised > 0
    occupancy = ds["occupancy"]
    ok = np.allclose(occupancy.where(with_places), expected.where(with_places), rtol=1e-12,
                     atol=0.0, equal_nan=True)
    ok = ok and not bool(occupancy.where(with_places).isnull().sum() >
                         expected.where(with_places).isnull().sum())
    c.expect(ok, "occupancy != occupied_place_days / authorised_place_days where the latter > 0")
    c.expect(bool(occupancy.where(~with_places).isnull().all()),
             "occupancy is not NaN where authorised_place_days == 0")
    check_timeline(c, ds, period)

    admitted = ds["admitted_from_list"]
    mean_wait = ds["mean_wait_days"]
    c.expect(bool(mean_wait.where(admitted == 0).isnull().all()),
             "mean_wait_days is not NaN where admitted_from_list == 0")
    c.expect(bool((mean_wait.where(admitted > 0) >= 0).where(admitted > 0, True).all()),
             "mean_wait_days is NaN or negative where admitted_from_list > 0")

    abroad = ds["territory_abroad"] == 1
    for name in BY_HOME:
        nonzero = int((ds[name].where(abroad, 0) != 0).sum())
        c.expect(nonzero == 0, f"{name} is not 0 on abroad territories in {nonzero} cells")

    check_sums(c, ds)
    check_responses(c, ds)
    check_waits(c, ds)
    check_interims(c, ds, period)
    check_limited_interims(c, ds, period)
    check_children(c, ds)
    check_orientations(c, ds)
    check_outcomes(c, ds, period)
    check_care(c, ds, period)
    check_providers(c, ds, period)
    check_funding(c, ds, period)
    check_contracts(c, ds, period)
    check_modulated_prices(c, ds, period)

    lhs = ds["present_start"] + ds["arrivals"]
    rhs = ds["present_end"] + ds["departures"]
    broken = int((lhs != rhs).sum())
    c.expect(broken == 0,
             f"present_start + arrivals != present_end + departures in {broken} cells")


def check_timeline(c, ds, period):
    """Places over time: authorised places at the end of the last period are the places at the
    start plus the changes in force (place_change_*); without changes, every period's are the
    places and its authorised place-days places x period_days. Envelopes: what was spent after a
    grant stays within the envelope, and no more places are granted than were asked."""
    places = ds["places"]
    last = ds["places_end"].isel({period: -1})
    horizon = float(ds["period_days"].sum())
    expected = places.copy()
    if "place_change_places" in ds.variables:
        for i in range(ds.sizes["place_change"]):
            if float(ds["place_change_day"][i]) < horizon:
                t = as_str(ds["place_change_territory"].values[i])
                s = as_str(ds["place_change_service"].values[i])
                sel = dict(territory=t, service=s)
                expected.loc[sel] = int(expected.loc[sel]) + int(ds["place_change_places"][i])
    else:
        broken = int((ds["places_end"] != places).sum())
        c.expect(broken == 0, f"places_end != places in {broken} cells, with no place changes")
        full = places * ds["period_days"]
        ok = np.allclose(ds["authorised_place_days"], full.broadcast_like(
            ds["authorised_place_days"]), rtol=1e-12, atol=0.0)
        c.expect(ok, "authorised_place_days != places x period_days with no place changes")
    broken = int((last != expected).sum())
    c.expect(broken == 0, f"places_end at the last period != places + the changes in force in "
                          f"{broken} cells")
    c.expect(bool((ds["places_end"] >= 0).all()), "places_end has negative values")
    if "envelope_euros" in ds.variables:
        granted = ds["places_granted"]
        asked = ds["places_asked"]
        c.expect(bool((granted.cumsum("budget_year") <= asked.cumsum("budget_year")).all()),
                 "more places granted than asked, by some year")
        over = (ds["envelope_spent"] > ds["envelope_euros"] * (1 + 1e-9)) & (granted > 0)
        c.expect(not bool(over.any()), "an envelope is exceeded in a year it granted places")


def check_region_and_national_sums(c, ds, stems):
    """Each STEM_by_region is STEM summed over its region's territories, and STEM_national over
    every home territory."""
    region_of = ds["territory_region"].astype(str)
    home = ds["territory_abroad"] == 0
    for stem in stems:
        by_region = ds[f"{stem}_by_region"]
        for label in ds["region"].values:
            expected = ds[stem].where(region_of == as_str(label), 0).sum("territory")
            broken = int((by_region.sel(region=label) != expected).sum())
            c.expect(broken == 0, f"{stem}_by_region for region {as_str(label)} is not the sum "
                                  f"of {stem} over its territories in {broken} cells")
        expected = ds[stem].where(home, 0).sum("territory")
        broken = int((ds[f"{stem}_national"] != expected).sum())
        c.expect(broken == 0, f"{stem}_national is not the sum of {stem} over home territories "
                              f"in {broken} cells")


def check_responses(c, ds):
    """Providers respond to the change of their funding since the first period (model rule 28):
    nothing to respond to in it; a place is held some days, and held days come with held
    places; the behaviour parameters are recorded."""
    period = ds["occupancy"].dims[1]
    for name in ("vacancies_held", "young_adults_released", "admissions_selected",
                 "vacancy_hold_days"):
        first = float(abs(ds[name].isel({period: 0})).sum())
        c.expect(first == 0, f"{name} is not 0 in the first period ({first})")
    held, days = ds["vacancies_held"], ds["vacancy_hold_days"]
    c.expect(bool(((days > 0) == (held > 0)).all()), "vacancy_hold_days > 0 exactly where "
                                                      "vacancies_held > 0 fails")
    for key in ("step_down", "care", "max_factor", "vacancy_days", "creton_release",
                "selection_days"):
        c.expect(f"behaviour_{key}" in ds.attrs, f"root attribute behaviour_{key} is missing")
    if "rule_vacancy_value" in ds:
        c.expect(ds["rule_vacancy_value"].dims == ("rule", "service"),
                 "rule_vacancy_value is not over (rule, service)")
        kinds = ds["rule_kind"].values.tolist()
        for i, kind in enumerate(kinds):
            if kind == "global_allocation":
                c.expect(float(abs(ds["rule_vacancy_value"].isel(rule=i)).sum()) == 0,
                         "a global allocation's rule_vacancy_value is not 0")


def check_sums(c, ds):
    check_region_and_national_sums(c, ds, SUMMED)
    home = ds["territory_abroad"] == 0
    expected = ds["occupied_end"].where(~home, 0).sum("territory")
    broken = int((ds["occupied_abroad_national"] != expected).sum())
    c.expect(broken == 0, f"occupied_abroad_national is not the sum of occupied_end over abroad "
                          f"territories in {broken} cells")


def check_interims(c, ds, period):
    """The interim-situation datasets: all of them with the `interim` dimension, none without."""
    names = list(INTERIM_INDICATORS) + INTERIM_FLAGS + list(LIMITED_INDICATORS)
    names += list(LIMITED_COORDINATES)
    if "interim" not in ds.dims:
        present = [name for name in names if name in ds.variables]
        c.expect(not present, f"{present} written without an 'interim' dimension")
        return
    labels = [as_str(v) for v in ds["interim"].values]
    c.expect(all(isinstance(v, str) for v in labels), "interim labels are not strings")
    c.expect(len(set(labels)) == len(labels), f"interim labels are not unique: {labels}")
    c.expect(bool(ds["interim"].attrs.get("description")), "interim has no description")
    for name in INTERIM_FLAGS:
        if not c.expect(name in ds.variables, f"coordinate {name!r} missing"):
            continue
        flag = ds[name]
        c.expect(flag.dims == ("interim",), f"{name} has dims {flag.dims}, expected ('interim',)")
        c.expect(flag.dtype == np.int8, f"{name} has dtype {flag.dtype}, expected int8")
        c.expect(set(int(v) for v in flag.values) <= {0, 1}, f"{name} has values besides 0 and 1")
        c.expect(bool(flag.attrs.get("description")), f"{name} has no description")
    for name, (rest, kind, units) in INTERIM_INDICATORS.items():
        var = check_indicator(c, ds, name, ("replication", period) + rest, kind, units)
        if var is None:
            continue
        negative = int((var < 0).sum())
        c.expect(negative == 0, f"{name} has {negative} negative values")
    if any(name not in ds.variables for name in list(INTERIM_INDICATORS) + INTERIM_FLAGS):
        return

    waiting = ds["waiting_interim_end"]
    abroad = ds["territory_abroad"] == 1
    for name in ("waiting_interim_end", "no_solution_end"):
        nonzero = int((ds[name].where(abroad, 0) != 0).sum())
        c.expect(nonzero == 0, f"{name} is not 0 on abroad territories in {nonzero} cells")
    # Only children holding no place, and only some services: at most the whole list.
    above = int((waiting.sum("interim") > ds["waiting_end"]).sum())
    c.expect(above == 0, f"waiting_interim_end summed over interim > waiting_end in {above} cells")

    no_solution = ds["interim_no_solution"] == 1
    expected = waiting.where(no_solution, 0).sum(("service", "interim"))
    broken = int((ds["no_solution_end"] != expected).sum())
    c.expect(broken == 0, f"no_solution_end is not waiting_interim_end summed over services and "
                          f"no-solution situations in {broken} cells")

    check_region_and_national_sums(c, ds, ("waiting_interim_end", "no_solution_end"))


def check_limited_interims(c, ds, period):
    """Limited interim situations: interim_capacity, interim_per_child, interim_fallback and
    interim_fallbacks (with its sums) all present or none, and only with an `interim` dimension
    (check_interims says so); NaN, NaN and "" exactly for the unlimited situations, a fallback
    chain that ends in an unlimited one, and, for each limited situation, the children of a home
    territory waiting in it (summed over services) using at most its room there:
    waiting_interim_end.sum("service") * interim_per_child <= interim_capacity (within 1e-9,
    relative). interim_fallbacks are 0 for unlimited situations and on abroad territories."""
    if "interim" not in ds.dims:
        return
    names = list(LIMITED_INDICATORS) + list(LIMITED_COORDINATES)
    present = [name for name in names if name in ds.variables]
    if not present:
        return
    if not c.expect(len(present) == len(names),
                    f"{sorted(set(names) - set(present))} missing, but {present} written "
                    f"(limited interim situations write them all)"):
        return
    for name, (dims, dtype) in LIMITED_COORDINATES.items():
        var = ds[name]
        c.expect(var.dims == dims, f"{name} has dims {var.dims}, expected {dims}")
        c.expect(var.dtype == dtype, f"{name} has dtype {var.dtype}, expected {dtype}")
        c.expect(bool(var.attrs.get("description")), f"{name} has no description")
    for name in ("interim_capacity", "interim_per_child"):
        c.expect(bool(ds[name].attrs.get("units")), f"{name} has no units")
    labels = [as_str(v) for v in ds["interim"].values]
    fallback = [as_str(v) for v in ds["interim_fallback"].values]
    per_child = ds["interim_per_child"].values
    limited = [not np.isnan(v) for v in per_child]
    c.expect(any(limited), "interim_capacity written, but no interim situation is limited "
                           "(interim_per_child all NaN)")
    for label, to, share, is_limited in zip(labels, fallback, per_child, limited):
        if is_limited:
            c.expect(share > 0, f"interim_per_child of {label} is {share}, expected > 0")
            c.expect(to in labels and to != label,
                     f"interim_fallback of {label} is {to!r}, expected another interim label")
        else:
            c.expect(to == "", f"interim_fallback of unlimited {label} is {to!r}, expected ''")
    for start in labels:
        at, seen = start, []
        while at in labels and limited[labels.index(at)] and at not in seen:
            seen.append(at)
            at = fallback[labels.index(at)]
        c.expect(at not in seen, f"the fallbacks from {start} form a cycle: {seen + [at]}")
    capacity = ds["interim_capacity"]
    is_limited = xr.DataArray(limited, dims=("interim",))
    count_cells(c, capacity.isnull() == ~is_limited,
                "interim_capacity is not NaN exactly for the unlimited situations (interim_per_child "
                "NaN)")
    count_cells(c, (capacity >= 0) | ~is_limited, "interim_capacity < 0")
    abroad = ds["territory_abroad"] == 1
    count_cells(c, (capacity == 0) | ~abroad | ~is_limited,
                "interim_capacity != 0 on an abroad territory")
    room = capacity.fillna(np.inf)
    used = ds["waiting_interim_end"].sum("service") * ds["interim_per_child"].fillna(0)
    count_cells(c, used <= room + 1e-9 * np.maximum(1.0, room.where(np.isfinite(room), 0)),
                "waiting_interim_end summed over services * interim_per_child > interim_capacity")

    for name, (rest, kind, units) in LIMITED_INDICATORS.items():
        var = check_indicator(c, ds, name, ("replication", period) + rest, kind, units)
        if var is not None:
            count_cells(c, var >= 0, f"{name} < 0")
    if any(name not in ds.variables for name in LIMITED_INDICATORS):
        return
    fell = ds["interim_fallbacks"]
    count_cells(c, (fell == 0) | is_limited, "interim_fallbacks != 0 for an unlimited situation")
    count_cells(c, (fell == 0) | ~abroad, "interim_fallbacks is not 0 on an abroad territory")
    check_region_and_national_sums(c, ds, ("interim_fallbacks",))


def check_outcomes(c, ds, period):
    """Leavers by named outcome: left_to, its sums and outcome_description exactly with the
    `outcome` dimension; counts >= 0, 0 on abroad territories, the region and national sums, and
    departures at least left_to summed over services and outcomes plus the other departures by
    cause (deaths, removals at a review, lapsed orientations): a leaver leaves once."""
    names = list(OUTCOME_INDICATORS) + OUTCOME_COORDINATES
    if "outcome" not in ds.dims:
        present = [name for name in names if name in ds.variables]
        c.expect(not present, f"{present} written without an 'outcome' dimension")
        return
    labels = [as_str(v) for v in ds["outcome"].values]
    c.expect(all(isinstance(v, str) for v in labels), "outcome labels are not strings")
    c.expect(len(set(labels)) == len(labels), f"outcome labels are not unique: {labels}")
    c.expect(bool(ds["outcome"].attrs.get("description")), "outcome has no description")
    if c.expect("outcome_description" in ds.variables, "coordinate 'outcome_description' missing"):
        described = ds["outcome_description"]
        c.expect(described.dims == ("outcome",),
                 f"outcome_description has dims {described.dims}, expected ('outcome',)")
        c.expect(all(isinstance(as_str(v), str) for v in described.values),
                 "outcome_description values are not strings")
    for name, (rest, kind, units) in OUTCOME_INDICATORS.items():
        var = check_indicator(c, ds, name, ("replication", period) + rest, kind, units)
        if var is not None:
            count_cells(c, var >= 0, f"{name} < 0")
    if any(name not in ds.variables for name in OUTCOME_INDICATORS):
        return
    abroad = ds["territory_abroad"] == 1
    count_cells(c, (ds["left_to"] == 0) | ~abroad, "left_to is not 0 on abroad territories")
    check_region_and_national_sums(c, ds, ("left_to",))
    by_cause = sum(ds[name].sum("service") for name in ("died", "removed_at_review", "lapsed"))
    count_cells(c, ds["departures"] >= ds["left_to"].sum(("service", "outcome")) + by_cause,
                "departures < left_to summed over services and outcomes + died + "
                "removed_at_review + lapsed summed over services")


def count_cells(c, condition, message):
    """Fails with MESSAGE (and the number of cells) where CONDITION, a boolean array, is false."""
    broken = int((~condition).sum())
    c.expect(broken == 0, f"{message} in {broken} cells")


def check_children(c, ds):
    """Lists by priority level, PAGs, removals, deaths and children by attribute. The first three
    identities hold only once the simulation counts these children (zeros break them)."""
    c.expect(ds["priority_conditions"].dims == ("priority",),
             "priority_conditions is not over [priority]")
    for name in ("impairment", "priority", "priority_conditions"):
        c.expect(bool(ds[name].attrs.get("description")), f"{name} has no description")
    waiting = ds["waiting_end"]
    count_cells(c, ds["waiting_priority_end"].sum("priority") == waiting,
                "waiting_priority_end summed over priority != waiting_end")
    count_cells(c, ds["waiting_impairment_end"].sum("impairment") == waiting,
                "waiting_impairment_end summed over impairment != waiting_end")
    # By home territory, every occupant of a place (abroad ones too) is counted once.
    occupants = ds["occupants_impairment_end"]
    placed = ds["occupied_end"].sum("territory")
    count_cells(c, occupants.sum(("territory", "impairment")) == placed,
                "occupants_impairment_end summed over impairment and territory != occupied_end "
                "summed over territory")
    count_cells(c, ds["pag_end"] <= waiting, "pag_end > waiting_end")
    count_cells(c, ds["occupants_ase_end"] <= occupants.sum("impairment"),
                "occupants_ase_end > occupants_impairment_end summed over impairment")
    check_region_and_national_sums(c, ds, CHILDREN)


def scenario_table(c, ds, what):
    """The file's `scenario` text parsed as TOML; None (and a failure saying it cannot tell
    WHAT) when it is not TOML."""
    try:
        return tomllib.loads(str(as_str(ds["scenario"].values)))
    except (tomllib.TOMLDecodeError, TypeError) as error:
        c.fail(f"cannot tell {what}: scenario is not TOML ({error})")
        return None


def check_orientations(c, ds):
    """Orientations renewed and lapsed at expiry and children who took a place of the alternative
    service: region and national sums; departures at least the departures by cause (deaths,
    removals at a review, lapsed orientations); and, from the `scenario` text, zeros where the
    scenario rules them out (no [notifications] validity_years: nothing expires; renewal_share 1:
    nothing lapses, 0: nothing is renewed; a service without `alternative`: no one takes one), and
    to_alternative, summed over the services whose alternative is A and over home territories, at
    most A's admissions summed over territories (each is an admission to A)."""
    check_region_and_national_sums(c, ds, ORIENTATIONS)
    by_cause = sum(ds[name].sum("service") for name in ("died", "removed_at_review", "lapsed"))
    count_cells(c, ds["departures"] >= by_cause,
                "departures < died + removed_at_review + lapsed summed over services")
    scenario = scenario_table(c, ds, "whether orientations expire or have alternatives")
    if scenario is None:
        return
    notifications = scenario.get("notifications", {})
    notifications = notifications if isinstance(notifications, dict) else {}
    if "validity_years" not in notifications:
        for name in ("renewed", "lapsed"):
            count_cells(c, ds[name] == 0,
                        f"{name} != 0, but orientations never expire (no notifications."
                        f"validity_years)")
    else:
        share = notifications.get("renewal_share", 1.0)
        if share >= 1:
            count_cells(c, ds["lapsed"] == 0, "lapsed != 0, but notifications.renewal_share is 1")
        if share <= 0:
            count_cells(c, ds["renewed"] == 0, "renewed != 0, but notifications.renewal_share is 0")
    services = scenario.get("services", {})
    services = services if isinstance(services, dict) else {}
    labels = [as_str(v) for v in ds["service"].values]
    alternative_of = {}
    for label in labels:
        table = services.get(label, {})
        alternative = table.get("alternative") if isinstance(table, dict) else None
        if alternative is None:
            count_cells(c, ds["to_alternative"].sel(service=label) == 0,
                        f"to_alternative of {label}, which has no alternative, != 0")
        elif c.expect(alternative in labels, f"services.{label}.alternative {alternative!r} is "
                                             f"not a service label"):
            alternative_of[label] = alternative
    home = ds["territory_abroad"] == 0
    for alternative in sorted(set(alternative_of.values())):
        waiting_for = [label for label, a in alternative_of.items() if a == alternative]
        took = ds["to_alternative"].sel(service=waiting_for).where(home, 0).sum(
            ("territory", "service"))
        count_cells(c, took <= ds["admissions"].sel(service=alternative).sum("territory"),
                    f"to_alternative summed over {waiting_for} (alternative {alternative}) > "
                    f"admissions of {alternative} summed over territories")


def recording_services(c, ds, key):
    """Labels of the services whose scenario table (in the file's `scenario`) has KEY (`modes`
    or `schooling`: the services that record them); None when the scenario does not say."""
    scenario = scenario_table(c, ds, f"which services record {key}")
    if scenario is None:
        return None
    services = scenario.get("services")
    labels = [as_str(v) for v in ds["service"].values]
    if not c.expect(isinstance(services, dict) and all(label in services for label in labels),
                    f"cannot tell which services record {key}: the scenario has no [services.X] "
                    f"table for every service"):
        return None
    return [label for label in labels if key in services[label]]


def check_care(c, ds, period):
    """Modes of care, schooling, age groups, plan reviews and inclusion: all of a group with its
    dimension, none without, and the identities between them and the other indicators."""
    dims = set(ds.dims)
    groups = care_groups(dims)
    for name, (needed, _, _) in CARE_GROUPS.items():
        if name not in groups:
            present = [v for v in care_variables(name) if v in ds.variables]
            c.expect(not present, f"{present} written without a {' or '.join(needed)} dimension")
    for dim in ("mode", "schooling", "age_group", "plan_step"):
        if dim in dims:
            labels = [as_str(v) for v in ds[dim].values]
            c.expect(all(isinstance(v, str) for v in labels), f"{dim} labels are not strings")
            c.expect(len(set(labels)) == len(labels), f"{dim} labels are not unique: {labels}")
            c.expect(bool(ds[dim].attrs.get("description")), f"{dim} has no description")
    for _, _, coordinates in groups.values():
        for name, (dim, dtype) in coordinates.items():
            if not c.expect(name in ds.variables, f"coordinate {name!r} missing"):
                continue
            var = ds[name]
            c.expect(var.dims == (dim,), f"{name} has dims {var.dims}, expected ({dim!r},)")
            c.expect(var.dtype == dtype, f"{name} has dtype {var.dtype}, expected {dtype}")
            c.expect(bool(var.attrs.get("description")), f"{name} has no description")
    expected = care_indicators(dims)
    for name, (rest, kind, units) in expected.items():
        var = check_indicator(c, ds, name, ("replication", period) + rest, kind, units)
        if var is not None and kind == "i":
            negative = int((var < 0).sum())
            c.expect(negative == 0, f"{name} has {negative} negative values")
    needed = list(expected) + [v for g in groups for v in care_variables(g)]
    if any(name not in ds.variables for name in needed):
        return

    abroad = ds["territory_abroad"] == 1
    stems = [stem for _, group_stems, _ in groups.values() for stem in group_stems]
    for name in stems:
        nonzero = int((ds[name].where(abroad, 0) != 0).sum())
        c.expect(nonzero == 0, f"{name} is not 0 on abroad territories in {nonzero} cells")
    check_region_and_national_sums(c, ds, stems)

    occupants = ds["occupants_impairment_end"].sum("impairment")
    for key, dim, stem in (("modes", "mode", "occupants_mode_end"),
                           ("schooling", "schooling", "occupants_schooling_end")):
        if dim not in dims:
            continue
        recording = recording_services(c, ds, key)
        if recording is None:
            continue
        records = ds["service"].isin(recording)
        count_cells(c, ds[stem].sum(dim) == occupants.where(records, 0),
                    f"{stem} summed over {dim} != occupants_impairment_end summed over impairment "
                    f"for the services that record {key} ({recording}), or != 0 for the others")
    if "mode" in dims:
        c.expect(set(int(v) for v in ds["mode_residential"].values) <= {0, 1},
                 "mode_residential has values besides 0 and 1")
        attendance = ds["mode_attendance"].values
        c.expect(bool(((attendance > 0) & (attendance <= 1)).all()),
                 f"mode_attendance {attendance} is not in (0, 1]")
    if "schooling" in dims:
        c.expect(set(int(v) for v in ds["schooling_ordinary_school"].values) <= {0, 1},
                 "schooling_ordinary_school has values besides 0 and 1")

    if "age_group" in dims:
        lower = ds["age_group_lower_years"].values
        c.expect(len(lower) > 0 and lower[0] == 0 and bool(np.isfinite(lower).all())
                 and bool((np.diff(lower) > 0).all()),
                 f"age_group_lower_years {lower} does not start at 0 and ascend strictly")
        count_cells(c, ds["occupants_age_end"].sum("age_group") == occupants,
                    "occupants_age_end summed over age_group != occupants_impairment_end summed "
                    "over impairment")
        count_cells(c, ds["waiting_age_end"].sum("age_group") == ds["waiting_end"],
                    "waiting_age_end summed over age_group != waiting_end")

    if "plan_step" in dims:
        services = [as_str(v) for v in ds["service"].values]
        step_from = [as_str(v) for v in ds["plan_step_from"].values]
        unknown = [name for name in step_from if name not in services]
        c.expect(not unknown, f"plan_step_from names services that are not labels: {unknown}")
        reviews = ds["plan_reviews"]
        taken = ds["plan_steps_taken"]
        for service in services:
            mine = np.array([name == service for name in step_from])
            if not mine.any():
                count_cells(c, reviews.sel(service=service) == 0,
                            f"plan_reviews of {service}, which has no plan step, != 0")
                continue
            steps = taken.isel(plan_step=np.flatnonzero(mine)).sum("plan_step")
            count_cells(c, steps <= reviews.sel(service=service),
                        f"plan_steps_taken summed over the steps of {service} > its plan_reviews")

    if "inclusion" in groups:
        check_inclusion(c, ds, dims)


def check_inclusion(c, ds, dims):
    """ordinary_school_end from the schooling and interim counts, and the inclusion rates from
    summed counts (never from averaged rates), NaN where no child's schooling is recorded."""
    in_school = xr.zeros_like(ds["waiting_end"])
    recorded = xr.zeros_like(ds["waiting_end"])
    for dim, stem, flag in (("schooling", "occupants_schooling_end", "schooling_ordinary_school"),
                            ("interim", "waiting_interim_end", "interim_ordinary_school")):
        if dim in dims and stem in ds.variables and flag in ds.variables:
            counts = ds[stem]
            recorded = recorded + counts.sum(dim)
            in_school = in_school + counts.where(ds[flag] == 1, 0).sum(dim)
    ordinary = ds["ordinary_school_end"]
    count_cells(c, ordinary == in_school,
                "ordinary_school_end != occupants_schooling_end over ordinary-school schoolings "
                "+ waiting_interim_end over ordinary-school interim situations")
    count_cells(c, ordinary <= recorded,
                "ordinary_school_end > occupants_schooling_end summed over schooling + "
                "waiting_interim_end summed over interim")

    def expect_rate(name, numerator, denominator, dims_order):
        expected = (numerator / denominator.where(denominator > 0)).transpose(*dims_order).values
        actual = ds[name].transpose(*dims_order).values
        close = np.isclose(actual, expected, rtol=1e-12, atol=0.0, equal_nan=True)
        broken = int((~close).sum())
        c.expect(broken == 0, f"{name} != ordinary_school_end / (occupants_schooling_end + "
                              f"waiting_interim_end), summed over its territories (and services) "
                              f"before dividing, NaN where that is 0, in {broken} cells")

    period = [d for d in ("year", "month") if d in ds.dims][0]
    cell = ("replication", period, "territory", "service")
    expect_rate("inclusion_rate", ordinary, recorded, cell)
    region_of = ds["territory_region"].astype(str)
    labels = list(ds["region"].values)
    by_region = [(ordinary.where(region_of == as_str(label), 0).sum("territory"),
                  recorded.where(region_of == as_str(label), 0).sum("territory"))
                 for label in labels]
    region_numerator = xr.concat([n for n, _ in by_region], dim=ds["region"])
    region_denominator = xr.concat([d for _, d in by_region], dim=ds["region"])
    expect_rate("inclusion_rate_by_region", region_numerator, region_denominator,
                ("replication", period, "region", "service"))
    home = ds["territory_abroad"] == 0
    national_numerator = ordinary.where(home, 0).sum("territory")
    national_denominator = recorded.where(home, 0).sum("territory")
    expect_rate("inclusion_rate_national", national_numerator, national_denominator,
                ("replication", period, "service"))
    expect_rate("inclusion_rate_all_services_national", national_numerator.sum("service"),
                national_denominator.sum("service"), ("replication", period))


def lists_per_provider(c, ds):
    """Whether the file's scenario holds its waiting lists per provider ([lists] per =
    "provider"); None when its text is not TOML."""
    scenario = scenario_table(c, ds, "whether lists are per provider")
    if scenario is None:
        return None
    lists = scenario.get("lists", {})
    return isinstance(lists, dict) and lists.get("per") == "provider"


def check_providers(c, ds, period):
    """Declared providers: all their datasets with the `provider` dimension and none without
    (provider_applications_end only with lists per provider), their coordinates against the
    labels and `places`, and, for every service with providers, their counts summed over the
    providers of each (territory, service) against that cell's (0 where it has none). The
    identities hold once the simulation fills the provider arrays."""
    names = list(PROVIDER_COORDINATES) + list(PROVIDER_INDICATORS) + [PROVIDER_APPLICATIONS]
    if "provider" not in ds.dims:
        present = [name for name in names if name in ds.variables]
        c.expect(not present, f"{present} written without a 'provider' dimension")
        return
    labels = [as_str(v) for v in ds["provider"].values]
    c.expect(all(isinstance(v, str) and v for v in labels), "provider labels are not strings")
    c.expect(len(set(labels)) == len(labels), f"provider labels are not unique: {labels}")
    c.expect(bool(ds["provider"].attrs.get("description")), "provider has no description")
    for name, dtype in PROVIDER_COORDINATES.items():
        if not c.expect(name in ds.variables, f"coordinate {name!r} missing"):
            continue
        var = ds[name]
        c.expect(name in ds.coords, f"{name} is not a coordinate (no indicator names it)")
        c.expect(var.dims == ("provider",), f"{name} has dims {var.dims}, expected ('provider',)")
        c.expect(var.dtype == dtype, f"{name} has dtype {var.dtype}, expected {np.dtype(dtype)}")
        c.expect(bool(var.attrs.get("description")), f"{name} has no description")
    if "provider_places" in ds.variables:
        units = ds["provider_places"].attrs.get("units")
        c.expect(units == "places", f"provider_places has units {units!r}, expected 'places'")
    per_provider = lists_per_provider(c, ds)
    expected = dict(PROVIDER_INDICATORS)
    if per_provider:
        expected[PROVIDER_APPLICATIONS] = ("i", "people")
    elif per_provider is not None:
        c.expect(PROVIDER_APPLICATIONS not in ds.variables,
                 f"{PROVIDER_APPLICATIONS} written, but the scenario's lists are pooled (lists.per "
                 f"is not \"provider\")")
    for name, (kind, units) in expected.items():
        var = check_indicator(c, ds, name, ("replication", period, "provider"), kind, units)
        if var is not None and kind == "i" and name != "provider_rule":  # -1: no rule
            negative = int((var < 0).sum())
            c.expect(negative == 0, f"{name} has {negative} negative values")
    if any(name not in ds.variables for name in list(PROVIDER_COORDINATES) + list(expected)):
        return

    territories = [as_str(v) for v in ds["territory"].values]
    services = [as_str(v) for v in ds["service"].values]
    territory = [as_str(v) for v in ds["provider_territory"].values]
    service = [as_str(v) for v in ds["provider_service"].values]
    unknown = sorted(set(territory) - set(territories)) + sorted(set(service) - set(services))
    if not c.expect(not unknown, f"provider_territory or provider_service name labels that are "
                                 f"not territories or services: {unknown}"):
        return
    organisations = [as_str(v) for v in ds["provider_organisation"].values]
    c.expect(all(organisations), "provider_organisation has empty names")
    impairments = set(as_str(v) for v in ds["impairment"].values)
    for name, words in zip(labels, (as_str(v) for v in ds["provider_impairments"].values)):
        listed = words.split(";")
        c.expect(words in ("any", "none") or (set(listed) <= impairments
                                               and len(set(listed)) == len(listed)),
                 f"provider {name} has provider_impairments {words!r}: expected any, none, or "
                 f"impairment labels joined by ';'")

    # Each provider's (territory, service) cell, flattened as territory * services + service;
    # every cell of a service with providers is compared (a sum over no provider is 0).
    n_services = len(services)
    cell_of = np.array([territories.index(t) * n_services + services.index(s)
                        for t, s in zip(territory, service)], dtype=np.int64)
    with_providers = np.isin(np.arange(n_services), cell_of % n_services)
    compared = np.tile(with_providers, len(territories))
    served = [s for s, has in zip(services, with_providers) if has]

    def by_cell(values):
        """VALUES over [provider, ...] summed into the compared cells: [cell, ...]."""
        out = np.zeros((len(territories) * n_services,) + values.shape[1:], dtype=values.dtype)
        np.add.at(out, cell_of, values)
        return out[compared]

    def cells(name):
        values = ds[name].transpose("territory", "service", ...).values
        return values.reshape((-1,) + values.shape[2:])[compared]

    places = ds["provider_places"].values
    c.expect(bool((places >= 0).all()), "provider_places has negative values")
    count_cells(c, by_cell(places) == cells("places"),
                f"provider_places summed over the providers of a service in a territory != "
                f"places, for the services with providers ({served}),")
    order = ("provider", "replication", period)
    for stem, name in (("provider_occupied_end", "occupied_end"),
                       ("provider_admissions", "admissions")):
        count_cells(c, by_cell(ds[stem].transpose(*order).values) == cells(name),
                    f"{stem} summed over the providers of a service in a territory != {name} of "
                    f"that cell, for the services with providers ({served}),")
    place_days = ds["provider_place_days"].transpose(*order).values
    count_cells(c, np.isclose(by_cell(place_days), cells("occupied_place_days"), rtol=1e-9,
                              atol=1e-6),
                f"provider_place_days summed over the providers of a service in a territory != "
                f"occupied_place_days of that cell, for the services with providers ({served}),")

    rate = ds["provider_occupancy_rate"].transpose(*order).values
    capacity = ds["provider_authorised_place_days"].transpose(*order).values
    has_places = capacity > 0
    expected_rate = place_days / np.where(has_places, capacity, 1.0)
    count_cells(c, np.isclose(rate, expected_rate, rtol=1e-12, atol=0.0)[has_places],
                "provider_occupancy_rate != provider_place_days / provider_authorised_place_days "
                "where the latter > 0")
    count_cells(c, np.isnan(rate[~has_places]),
                "provider_occupancy_rate is not NaN where provider_authorised_place_days == 0")
    if "place_change_places" not in ds.variables or bool((ds["place_change_places"] > 0).all()):
        inside = (rate >= 0) & (rate <= 1 + 1e-9)  # closures may leave occupants above places
        count_cells(c, inside[has_places], "provider_occupancy_rate is outside [0, 1]")
    count_cells(c, by_cell(ds["provider_places_end"].transpose(*order).values) ==
                cells("places_end"),
                f"provider_places_end summed over the providers of a service in a territory != "
                f"places_end of that cell, for the services with providers ({served}),")

    # The providers' books: each under the rule that applied to it (provider_rule).
    kinds = [as_str(v) for v in ds["rule_kind"].values] if "rule_kind" in ds.variables else []
    rule = ds["provider_rule"].transpose(*order).values
    count_cells(c, (rule >= -1) & (rule < len(kinds)),
                f"provider_rule is not -1 or an index into rule ({len(kinds)} rules)")
    revenue, spent, surplus, price, billed = (
        ds[name].transpose(*order).values
        for name in ("provider_revenue", "provider_cost", "provider_surplus", "provider_price",
                     "provider_billed_days"))
    count_cells(c, (revenue >= 0) & (spent >= 0) & (price >= 0) & (billed >= 0),
                "provider_revenue, provider_cost, provider_price or provider_billed_days is "
                "negative")
    count_cells(c, close(surplus, revenue - spent, np.abs(revenue) + np.abs(spent)),
                "provider_surplus != provider_revenue - provider_cost")
    daily = np.isin(rule, [k for k, kind in enumerate(kinds)
                           if kind in ("daily_price", "modulated_price")])
    count_cells(c, (price == 0) | daily,
                "provider_price is not 0 where the rule that applied is not a daily or modulated "
                "price")
    count_cells(c, close(revenue, price * billed, revenue)[daily],
                "provider_revenue != provider_price * provider_billed_days under a daily or "
                "modulated price (its mean price)")
    count_cells(c, (revenue == 0) | (rule >= 0),
                "provider_revenue is not 0 where no rule applied (provider_rule -1)")
    for stem, name in (("provider_revenue", "revenue"), ("provider_cost", "cost")):
        if name not in ds.variables:
            continue  # reported by check_indicators
        total = cells(name)
        count_cells(c, close(by_cell(ds[stem].transpose(*order).values), total, total),
                    f"{stem} summed over the providers of a service in a territory != {name} of "
                    f"that cell, for the services with providers ({served}),")
    if "followed" in ds.variables:
        count_cells(c, by_cell(ds["provider_followed"].transpose(*order).values)
                    == cells("followed"),
                    f"provider_followed summed over the providers of a service in a territory != "
                    f"followed of that cell, for the services with providers ({served}),")


def close(a, b, scale):
    """Where A and B (arrays of euros) agree within MONEY_RTOL of SCALE (and a nano-euro)."""
    return np.abs(np.asarray(a) - np.asarray(b)) <= MONEY_RTOL * np.abs(np.asarray(scale)) + 1e-9


def check_funding(c, ds, period):
    """The books: money conserved (payers' parts add up to the spending, revenue is spending,
    surplus is revenue - cost), region and national sums (national over every territory, abroad
    ones too), the activity paid for, the costs per child and per day, and the payer and rule
    dimensions with their coordinates (the rule's on the providers' books in check_providers)."""
    names = list(PAYER_INDICATORS) + list(FUNDING_COORDINATES)
    for dim in ("payer", "rule"):
        if dim not in ds.dims:
            present = [name for name in names
                       if name in ds.variables and dim in ds[name].dims]
            c.expect(not present, f"{present} written without a {dim!r} dimension")
            continue
        labels = [as_str(v) for v in ds[dim].values]
        c.expect(all(isinstance(v, str) and v for v in labels), f"{dim} labels are not strings")
        c.expect(len(set(labels)) == len(labels), f"{dim} labels are not unique: {labels}")
        c.expect(bool(ds[dim].attrs.get("description")), f"{dim} has no description")
        for name, (over, dtype) in FUNDING_COORDINATES.items():
            if over != dim or not c.expect(name in ds.variables, f"coordinate {name!r} missing"):
                continue
            var = ds[name]
            c.expect(var.dims == (dim,), f"{name} has dims {var.dims}, expected ({dim!r},)")
            c.expect(var.dtype == dtype, f"{name} has dtype {var.dtype}, expected "
                                         f"{np.dtype(dtype)}")
            c.expect(bool(var.attrs.get("description")), f"{name} has no description")
    if "rule" in ds.dims and "rule_kind" in ds.variables and "rule_counterfactual" in ds.variables:
        kinds = [as_str(v) for v in ds["rule_kind"].values]
        c.expect(set(kinds) <= set(RULE_KINDS), f"rule_kind has values {kinds}: expected "
                                                f"{RULE_KINDS}")
        flags = [int(v) for v in ds["rule_counterfactual"].values]
        expected = [1 if kind in COUNTERFACTUAL_KINDS else 0 for kind in kinds]
        c.expect(flags == expected, f"rule_counterfactual is {flags} for rules {kinds}: expected "
                                    f"{expected} (1 for {sorted(COUNTERFACTUAL_KINDS)})")
    if "payer" in ds.dims:
        for name, (rest, kind, units) in PAYER_INDICATORS.items():
            check_indicator(c, ds, name, ("replication", period) + rest, kind, units)
    needed = [name for stem in MONEY for name in (stem, f"{stem}_by_region", f"{stem}_national")]
    needed += ["attended_days", "school_days", "followed", "occupied_place_days", "occupied_end"]
    needed += list(COSTS_PER)
    if "payer" in ds.dims:
        needed += list(PAYER_INDICATORS)
    if any(name not in ds.variables for name in needed):
        return  # reported by check_indicators

    spending = ds["spending"]
    for name in ("spending", "cost"):
        negative = int((ds[name] < 0).sum())
        c.expect(negative == 0, f"{name} has {negative} negative values")
    broken = int((ds["revenue"] != spending).sum())
    c.expect(broken == 0, f"revenue != spending in {broken} cells: every euro a provider receives "
                          f"comes from a payer")
    region_of = ds["territory_region"].astype(str)
    for stem in MONEY + (["spending_by_payer"] if "payer" in ds.dims else []):
        cells = ds[stem]
        scale = abs(cells).sum("territory")
        for label in ds["region"].values:
            expected = cells.where(region_of == as_str(label), 0).sum("territory")
            broken = int((~close(ds[f"{stem}_by_region"].sel(region=label), expected, scale)).sum())
            c.expect(broken == 0, f"{stem}_by_region for region {as_str(label)} is not the sum of "
                                  f"{stem} over its territories in {broken} cells")
        broken = int((~close(ds[f"{stem}_national"], cells.sum("territory"), scale)).sum())
        c.expect(broken == 0, f"{stem}_national is not the sum of {stem} over every territory "
                              f"(abroad ones included) in {broken} cells")
    for suffix in ("", "_by_region", "_national"):
        revenue, cost = ds[f"revenue{suffix}"], ds[f"cost{suffix}"]
        ok = close(ds[f"surplus{suffix}"], revenue - cost, abs(revenue) + abs(cost))
        broken = int((~ok).sum())
        c.expect(broken == 0, f"surplus{suffix} != revenue{suffix} - cost{suffix} in {broken} "
                              f"cells")
        if "payer" in ds.dims:
            total = ds[f"spending{suffix}"]
            parts = ds[f"spending_by_payer{suffix}"]
            broken = int((~close(parts.sum("payer"), total, total)).sum())
            c.expect(broken == 0, f"money is not conserved: spending_by_payer{suffix} summed over "
                                  f"payer != spending{suffix} in {broken} cells")

    attended, school = ds["attended_days"], ds["school_days"]
    occupied = ds["occupied_place_days"]
    count_cells(c, (school >= 0) & (school <= attended * (1 + 1e-9) + 1e-9),
                "school_days is negative or above attended_days")
    count_cells(c, (attended >= 0) & (attended <= occupied * (1 + 1e-9) + 1e-9),
                "attended_days is negative or above occupied_place_days")
    count_cells(c, ds["followed"] >= ds["occupied_end"],
                "followed is below occupied_end (those in a place at the end were followed)")
    for name, (denominator, _) in COSTS_PER.items():
        below = ds[denominator].sum("territory")
        if name == "cost_per_day_of_care":  # attended place-days are calendar days
            below = below * ds["opening_days"] / DAYS_PER_YEAR
        expected = (ds["spending_national"] / below).where(below > 0)
        ok = np.allclose(ds[name].values, expected.values, rtol=1e-12, atol=0.0, equal_nan=True)
        c.expect(ok, f"{name} != spending_national / {denominator} summed over every territory "
                     f"(NaN where that is 0)")


def check_contracts(c, ds, period):
    """Rules 4-7: the indicator and organisation dimensions, a CPOM's paid never above its
    envelope (and the sum of its providers' revenue under pooled rules), impact-bond repayments
    only at the last period of a term and only for impact bonds, and the time of care's sums."""
    if "rule" in ds.dims:
        var = check_indicator(c, ds, "repaid", ("replication", period, "rule"), "f", "EUR")
        if var is not None and "rule_kind" in ds.variables and "rule_term_years" in ds.variables:
            kinds = [as_str(v) for v in ds["rule_kind"].values]
            terms = [int(v) for v in ds["rule_term_years"].values]
            firsts = [int(v) for v in ds["rule_first_period"].values]
            c.expect(all((t > 0) == (k in TERM_KINDS) for k, t in zip(kinds, terms)),
                     f"rule_term_years {terms} is not > 0 exactly for {sorted(TERM_KINDS)} "
                     f"({kinds})")
            per_year = 12 if period == "month" else 1
            repaid = var.transpose("replication", period, "rule").values
            count_cells(c, repaid >= 0, "repaid is negative")
            for k, kind in enumerate(kinds):
                paid_at = np.nonzero((repaid[:, :, k] != 0).any(axis=0))[0]
                if kind != "impact_bond":
                    c.expect(len(paid_at) == 0, f"repaid is not 0 for rule {k} ({kind})")
                    continue
                # A term's last period: the end of year first_year + n x term - 1.
                first_year = firsts[k] // per_year
                ends = [p for p in paid_at
                        if (p + 1) % per_year == 0
                        and ((p // per_year) - first_year + 1) % terms[k] == 0]
                c.expect(len(ends) == len(paid_at),
                         f"rule {k} (impact_bond, {terms[k]}-year terms from period {firsts[k]}) "
                         f"repaid at periods {list(paid_at)}, not all at a term's end")
    if "provider" not in ds.dims:
        present = [name for name in PROVIDER_EXTRA if name in ds.variables]
        c.expect(not present, f"{present} written without a 'provider' dimension")
        return
    for dim in ("organisation", "indicator"):
        c.expect(dim in ds.dims and bool(ds[dim].attrs.get("description")),
                 f"dimension {dim!r} missing or without a description")
    if "indicator" in ds.dims:
        labels = [as_str(v) for v in ds["indicator"].values]
        c.expect(labels == INDICATOR_LABELS, f"indicator labels are {labels}, expected "
                                             f"{INDICATOR_LABELS}")
    for name, (rest, kind, units) in PROVIDER_EXTRA.items():
        check_indicator(c, ds, name, ("replication", period) + rest, kind, units)
    if any(name not in ds.variables for name in list(PROVIDER_EXTRA) + ["provider_revenue"]):
        return
    envelope = ds["pooled_envelope"].transpose("replication", period, "organisation").values
    paid = ds["pooled_paid"].transpose("replication", period, "organisation").values
    count_cells(c, paid <= envelope, "pooled_paid is above pooled_envelope: a CPOM's envelope "
                                     "was exceeded")
    count_cells(c, (paid >= 0) & (envelope >= 0), "pooled_paid or pooled_envelope is negative")
    if "rule_kind" in ds.variables:
        kinds = [as_str(v) for v in ds["rule_kind"].values]
        pooled = [k for k, kind in enumerate(kinds) if kind == "pooled_allocation"]
        order = ("replication", period, "provider")
        under = np.isin(ds["provider_rule"].transpose(*order).values, pooled)
        revenue = np.where(under, ds["provider_revenue"].transpose(*order).values, 0.0)
        organisations = [as_str(v) for v in ds["organisation"].values]
        of = [organisations.index(as_str(v)) for v in ds["provider_organisation"].values]
        expected = np.zeros_like(paid)
        for k, o in enumerate(of):
            expected[:, :, o] += revenue[:, :, k]
        count_cells(c, close(paid, expected, expected),
                    "pooled_paid != provider_revenue summed over the organisation's providers under "
                    "a pooled_allocation rule")


def check_modulated_prices(c, ds, period):
    """Rule 2 (R.314-119): with price modes and providers, the days billed by price mode sum to
    the provider's billed days (at most, where a mode has no price mode) and its revenue is the
    sum of price x days under a modulated_price rule, prices 0 under any other; the price mode of
    each mode and of the days at school."""
    names = ("provider_mode_billed_days", "provider_mode_price")
    if "price_mode" not in ds.dims:
        present = [n for n in names + ("mode_price_mode", "price_mode_school_days")
                   if n in ds.variables]
        c.expect(not present, f"{present} written without a 'price_mode' dimension")
        return
    c.expect(bool(ds["price_mode"].attrs.get("description")), "price_mode has no description")
    n_modes = ds.sizes["price_mode"]
    school = ds["price_mode_school_days"].values if "price_mode_school_days" in ds else None
    if c.expect(school is not None, "price_mode_school_days missing"):
        c.expect(int(school.sum()) <= 1, "more than one price mode bills the days at school")
    if "mode" in ds.dims and c.expect("mode_price_mode" in ds, "mode_price_mode missing"):
        of = ds["mode_price_mode"].values
        c.expect(bool(((of >= -1) & (of < n_modes)).all()), f"mode_price_mode {of} out of range")
    order = ("replication", period, "provider", "price_mode")
    for name, units in zip(names, ("billed-days", "EUR/day")):
        check_indicator(c, ds, name, order, "f", units)
    if any(n not in ds.variables for n in names + ("provider_rule", "rule_kind")):
        return
    kinds = [as_str(v) for v in ds["rule_kind"].values]
    modulated = [k for k, kind in enumerate(kinds) if kind == "modulated_price"]
    under = np.isin(ds["provider_rule"].transpose(*order[:3]).values, modulated)
    days = ds["provider_mode_billed_days"].transpose(*order).values
    price = ds["provider_mode_price"].transpose(*order).values
    count_cells(c, (days >= 0) & (price >= 0), "a modulated price or its days are negative")
    count_cells(c, under[..., None] | (price == 0),
                "provider_mode_price is not 0 outside a modulated_price rule")
    billed = ds["provider_billed_days"].transpose(*order[:3]).values
    count_cells(c, days.sum(axis=3) <= billed * (1 + MONEY_RTOL) + 1e-9,
                "provider_mode_billed_days summed over price_mode is above provider_billed_days")
    count_cells(c, ~under | close(days.sum(axis=3), billed, billed),
                "provider_mode_billed_days summed over price_mode != provider_billed_days under a "
                "modulated_price rule")
    revenue = ds["provider_revenue"].transpose(*order[:3]).values
    count_cells(c, ~under | close((price * days).sum(axis=3), revenue, revenue),
                "provider_revenue != sum over price_mode of provider_mode_price x "
                "provider_mode_billed_days under a modulated_price rule")


# The spells group: column -> (dtype, -1 allowed for "none").
SPELL_COLUMNS = {
    "replication": (np.int16, False),
    "child": (np.uint64, False),
    "state": (np.int8, False),
    "end": (np.int8, False),
    "service": (np.int16, True),
    "next_service": (np.int16, True),
    "territory": (np.int16, False),
    "place_territory": (np.int16, True),
    "start_day": (np.float64, False),
    "end_day": (np.float64, False),
    "impairment": (np.int8, False),
    "needs_level": (np.int8, False),
    "ase": (np.int8, False),
    "boy": (np.int8, False),
    "pag": (np.int8, False),
}
STATES = ["too_young", "waiting", "in_place", "creton", "stepping"]
ENDS = ["changed", "left", "aged_out", "died", "removed", "horizon", "lapsed"]


def check_spells_h5py(c, f):
    group = f["spells"]
    if not c.expect("spell" in group and h5py.h5ds.is_scale(group["spell"].id),
                    "spells/spell is missing or not a dimension scale"):
        return
    for name in SPELL_COLUMNS:
        if name not in group:
            continue  # reported by the xarray checks
        dataset = group[name]
        scales = [scale.name for scale in dataset.dims[0].values()]
        c.expect(scales == ["/spells/spell"],
                 f"spells/{name} has scales {scales}, expected ['/spells/spell']")
        if dataset.shape[0] > 0:
            c.expect(dataset.chunks is not None and dataset.compression == "gzip"
                     and dataset.shuffle, f"spells/{name} is not chunked with gzip and shuffle")


def check_spells(c, ds):
    """The /spells group, when the run recorded spells: columns, codes, and the spells against
    the indicators of the root group DS (these need the simulation to record them)."""
    with h5py.File(c.path, "r") as f:
        if "spells" not in f:
            return
        check_spells_h5py(c, f)
    with xr.open_dataset(c.path, engine="h5netcdf", group="spells") as decoded:
        c.expect(set(decoded.dims) <= {"spell"}, f"spells has dimensions {list(decoded.dims)}")
        c.expect("spell" not in decoded.variables, "spells has a spell variable (labels)")
        if "start_day" in decoded.variables and decoded.sizes.get("spell", 0) > 0:
            c.expect(decoded["start_day"].dtype.kind == "M",
                     f"spells/start_day decodes to {decoded['start_day'].dtype}, not dates")
    with xr.open_dataset(c.path, engine="h5netcdf", group="spells", decode_times=False) as spells:
        for name, (dtype, _) in SPELL_COLUMNS.items():
            if c.expect(name in spells.variables, f"spells/{name} missing"):
                c.expect(spells[name].dtype == dtype,
                         f"spells/{name} has dtype {spells[name].dtype}, expected "
                         f"{np.dtype(dtype)}")
                c.expect(bool(spells[name].attrs.get("description")),
                         f"spells/{name} has no description")
        if any(name not in spells.variables for name in SPELL_COLUMNS):
            return
        for name, words in (("state", STATES), ("end", ENDS),
                            ("impairment", [as_str(v) for v in ds["impairment"].values])):
            values = list(np.asarray(spells[name].attrs.get("flag_values", [])).ravel())
            meanings = str(spells[name].attrs.get("flag_meanings", "")).split()
            c.expect(values == list(range(len(words))) and len(meanings) == len(words),
                     f"spells/{name} flags {values} {meanings} do not match {words}")
            if name != "impairment":
                c.expect(meanings == words, f"spells/{name} flag_meanings {meanings} != {words}")
        needs = str(spells["needs_level"].attrs.get("flag_meanings", "")).split()
        values = list(np.asarray(spells["needs_level"].attrs.get("flag_values", [])).ravel())
        c.expect(needs and values == list(range(len(needs))),
                 f"spells/needs_level flags {values} {needs} are not 0..n-1 with one word each")
        start = ds.attrs.get("start_date")
        for name in ("start_day", "end_day"):
            units = spells[name].attrs.get("units")
            c.expect(units == f"days since {start}",
                     f"spells/{name} has units {units!r}, expected 'days since {start}'")
        table = {name: spells[name].values for name in SPELL_COLUMNS}
    check_spell_values(c, ds, table, len(needs))


def check_spell_values(c, ds, t, n_needs):
    n_replications = ds.sizes["replication"]
    n_services = ds.sizes["service"]
    n_territories = ds.sizes["territory"]
    state, end = t["state"], t["end"]
    ranges = {"replication": n_replications, "state": len(STATES), "end": len(ENDS),
              "service": n_services, "next_service": n_services, "territory": n_territories,
              "place_territory": n_territories, "impairment": ds.sizes["impairment"],
              "needs_level": n_needs}
    for name, bound in ranges.items():
        low = -1 if SPELL_COLUMNS[name][1] else 0
        outside = int(((t[name] < low) | (t[name] >= bound)).sum())
        c.expect(outside == 0, f"spells/{name} has {outside} values outside [{low}, {bound})")
    for name in ("ase", "boy", "pag"):
        c.expect(set(np.unique(t[name])) <= {0, 1}, f"spells/{name} has values besides 0 and 1")
    if len(state) == 0:
        return
    waiting, in_place, creton, stepping = (STATES.index(s) for s in
                                           ("waiting", "in_place", "creton", "stepping"))
    # Holders keep a place of `service` while on `next_service`'s list: past its age limit
    # (creton) or before it (stepping).
    holder = (state == creton) | (state == stepping)
    c.expect(bool((t["service"] >= 0).all()), "a spell has no service (-1)")
    c.expect(bool(((t["next_service"] >= 0) == holder).all()),
             "next_service is set on a spell that is not creton or stepping, or missing on one")
    placed = (state == in_place) | holder
    c.expect(bool(((t["place_territory"] >= 0) == placed).all()),
             "place_territory is set on a spell in no place, or missing on one in a place")
    c.expect(bool((t["end_day"] >= t["start_day"]).all()), "a spell ends before it starts")
    replication = t["replication"].astype(np.int64)
    c.expect(bool((np.diff(replication) >= 0).all()), "spells are not in replication order")
    same = np.diff(replication) == 0
    c.expect(bool((np.diff(t["end_day"])[same] >= 0).all()),
             "a replication's spells are not in the order they ended")
    horizon_day = float(ds["period_days"].sum())
    horizon = end == ENDS.index("horizon")
    c.expect(bool(np.allclose(t["end_day"][horizon], horizon_day, rtol=1e-12, atol=1e-9)),
             f"spells still going at the horizon do not end at day {horizon_day}")
    c.expect(bool((t["end_day"] <= horizon_day * (1 + 1e-12) + 1e-9).all()),
             "a spell ends after the horizon")

    # A child's spells follow one another: each spell that changed is followed by one of the
    # same child starting that day, and exactly one spell per child does not end with a change.
    changed = end == ENDS.index("changed")
    starts = set(zip(replication, t["child"], t["start_day"]))
    followed = sum((r, k, d) in starts for r, k, d in
                   zip(replication[changed], t["child"][changed], t["end_day"][changed]))
    c.expect(followed == int(changed.sum()),
             f"{int(changed.sum()) - followed} changed spells are followed by no spell of the "
             f"same child starting that day")
    children = set(zip(replication, t["child"]))
    finals = list(zip(replication[~changed], t["child"][~changed]))
    c.expect(len(finals) == len(set(finals)) == len(children),
             "some child has no final spell, or more than one")

    # Flows over the run, per replication.
    def per_replication(mask):
        return np.bincount(replication[mask], minlength=n_replications)

    def total(name):
        return ds[name].sum([d for d in ds[name].dims if d != "replication"]).values

    for word, name in (("died", "died"), ("removed", "removed_at_review"), ("lapsed", "lapsed")):
        c.expect(np.array_equal(per_replication(end == ENDS.index(word)), total(name)),
                 f"spells ending {word} per replication != {name} summed over the run")
    # aged_out_waiting also counts stepping holders (a plan step, a double orientation) who reach
    # the age limit of the list they are on before their place's: they leave the list and keep
    # their place, so their stepping spell ends `changed`, not `aged_out`.
    aged_out = per_replication(end == ENDS.index("aged_out"))
    stepped_off = per_replication(changed & (state == stepping))
    c.expect(bool(((aged_out <= total("aged_out_waiting"))
                   & (total("aged_out_waiting") <= aged_out + stepped_off)).all()),
             "aged_out_waiting summed over the run is not between the spells ending aged_out and "
             "those plus the stepping spells ending changed, per replication")
    departures = ("left", "aged_out", "died", "removed", "lapsed")
    departed = np.isin(end, [ENDS.index(w) for w in departures])
    c.expect(np.array_equal(per_replication(departed), total("departures")),
             f"spells ending {', '.join(departures)} per replication != departures")
    check_lapsed_spells(c, ds, t)

    # Stocks at the end of the last period: the spells still going at the horizon.
    period = period_of(ds)
    last = ds.isel({period: -1})
    home = t["territory"].astype(np.int64)
    service = t["service"].astype(np.int64)
    on_list = horizon & ((state == waiting) | holder)
    in_a_place = horizon & placed
    listed = np.where(holder, t["next_service"], t["service"]).astype(np.int64)
    place = t["place_territory"].astype(np.int64)
    impairment = t["impairment"].astype(np.int64)

    def tally(mask, *indices, shape):
        counts = np.zeros(shape, dtype=np.int64)
        for index in indices:
            mask = mask & (index >= 0)  # -1 (none) is an error reported above, not an index
        np.add.at(counts, tuple(index[mask] for index in (replication,) + indices), 1)
        return counts

    def expect_stock(name, counts, dims, what):
        values = last[name].transpose(*dims).values
        broken = int((values != counts).sum())
        c.expect(broken == 0, f"{name} at the end of the last period != {what} in {broken} cells")

    cell = (n_replications, n_territories, n_services)
    dims = ("replication", "territory", "service")
    expect_stock("present_end", tally(horizon, home, shape=cell[:2]), dims[:2],
                 "spells still going at the horizon, by home territory")
    expect_stock("waiting_end", tally(on_list, home, listed, shape=cell), dims,
                 "horizon spells waiting, creton or stepping, by home territory and the list "
                 "they are on")
    expect_stock("occupied_end", tally(in_a_place, place, service, shape=cell), dims,
                 "horizon spells in_place, creton or stepping, by place territory and service")
    expect_stock("creton_end", tally(horizon & (state == creton), place, service, shape=cell),
                 dims, "horizon spells creton, by place territory and service")
    expect_stock("stepping_end", tally(horizon & (state == stepping), place, service, shape=cell),
                 dims, "horizon spells stepping, by place territory and service")
    expect_stock("pag_end", tally(on_list & (t["pag"] == 1), home, listed, shape=cell), dims,
                 "horizon spells waiting, creton or stepping with a PAG")
    expect_stock("occupants_ase_end", tally(in_a_place & (t["ase"] == 1), home, service,
                                            shape=cell), dims,
                 "horizon spells in a place under ASE, by home territory")
    by_impairment = cell + (ds.sizes["impairment"],)
    expect_stock("occupants_impairment_end",
                 tally(in_a_place, home, service, impairment, shape=by_impairment),
                 dims + ("impairment",), "horizon spells in a place, by home and impairment")
    expect_stock("waiting_impairment_end",
                 tally(on_list, home, listed, impairment, shape=by_impairment),
                 dims + ("impairment",), "horizon spells on a list, by home and impairment")


def period_of(ds):
    return [d for d in ("year", "month") if d in ds.dims][0]


def check_lapsed_spells(c, ds, t):
    """Spells ending lapsed against `lapsed`: they are waiting spells (a child holding no place);
    over the run, by replication, home territory and service, as many as lapsed summed over
    periods; and by the end of each period, as many as lapsed summed up to it. A lapse on the
    very day a period ends may count in either period, so by the end of period p there are at
    least those ending before its last day and at most those ending on or before it."""
    lapsed = t["end"] == ENDS.index("lapsed")
    c.expect(bool((t["state"][lapsed] == STATES.index("waiting")).all()),
             "a spell ending lapsed is not a waiting spell")
    n_replications = ds.sizes["replication"]
    shape = (n_replications, ds.sizes["territory"], ds.sizes["service"])
    replication = t["replication"].astype(np.int64)
    territory = t["territory"].astype(np.int64)
    service = t["service"].astype(np.int64)
    inside = lapsed & (service >= 0) & (service < shape[2]) & (territory < shape[1])
    counts = np.zeros(shape, dtype=np.int64)
    np.add.at(counts, (replication[inside], territory[inside], service[inside]), 1)
    period = period_of(ds)
    over_run = ds["lapsed"].sum(period).transpose("replication", "territory", "service").values
    count_cells(c, counts == over_run, "spells ending lapsed by replication, home territory and "
                                       "service != lapsed summed over the run")
    cumulative = ds["lapsed"].sum(("territory", "service")).cumsum(period).transpose(
        "replication", period).values
    ends = np.cumsum(ds["period_days"].values)
    day = t["end_day"]
    tolerance = 1e-9 * max(1.0, float(ends[-1]))
    for p, end in enumerate(ends):
        before = np.bincount(replication[lapsed & (day < end - tolerance)],
                             minlength=n_replications)
        by = np.bincount(replication[lapsed & (day <= end + tolerance)], minlength=n_replications)
        c.expect(bool(((before <= cumulative[:, p]) & (cumulative[:, p] <= by)).all()),
                 f"spells ending lapsed by the end of period {p} != lapsed summed up to it")


def percentile(histogram, numerator, denominator):
    """The smallest month m with cumulative count >= q * total (q = numerator / denominator,
    compared in integers), over the last axis; NaN where the total is 0."""
    cumulative = np.cumsum(histogram, axis=-1)
    total = cumulative[..., -1:]
    reached = cumulative * denominator >= numerator * total
    months = np.argmax(reached, axis=-1).astype(float)
    months[total[..., 0] == 0] = np.nan
    return months


def check_waits(c, ds):
    months = ds["wait_months"]
    c.expect(np.array_equal(months.values, np.arange(WAIT_MONTHS)),
             f"wait_months labels are not 0..{WAIT_MONTHS - 1}")
    c.expect(months.attrs.get("units") == "months" and bool(months.attrs.get("description")),
             "wait_months lacks units 'months' or a description")
    histogram = ds["wait_histogram"]
    broken = int((histogram.sum("wait_months") != ds["admitted_from_list_by_region"]).sum())
    c.expect(broken == 0, f"wait_histogram summed over wait_months != admitted_from_list_by_region "
                          f"in {broken} cells")
    national = histogram.sum("region")
    for name, (numerator, denominator) in PERCENTILES.items():
        for variable, source in ((name, histogram), (f"{name}_national", national)):
            expected = percentile(source.transpose(..., "wait_months").values, numerator,
                                  denominator)
            ok = np.array_equal(ds[variable].values, expected, equal_nan=True)
            c.expect(ok, f"{variable} is not the q = {numerator}/{denominator} percentile of "
                         f"wait_histogram{' summed over regions' if source is national else ''}")


def check_xarray(c):
    with xr.open_dataset(c.path, engine="h5netcdf") as ds:
        periods = [d for d in ("year", "month") if d in ds.dims]
        if not c.expect(len(periods) == 1, f"expected one of year/month as a dimension, got "
                                           f"{list(ds.dims)}"):
            return None
        period = periods[0]
        for dim in ("replication", period) + OTHER_DIMS:
            c.expect(dim in ds.coords and ds[dim].dims == (dim,),
                     f"dimension {dim!r} has no coordinate of its labels")
        missing = [d for d in ds.dims
                   if d not in ("replication", period) + OTHER_DIMS + OPTIONAL_DIMS]
        c.expect(not missing, f"unexpected dimensions {missing} (phony dims: a scale not attached?)")
        if c.failures:
            return period
        check_labels(c, ds, period)
        check_indicators(c, ds, period)
        needed = ["period_days", "present_end", "departures", "creton_end",
                  "stepping_end"] + list(CHILDREN) + list(ORIENTATIONS)
        if all(name in ds.variables for name in needed):
            check_spells(c, ds)
        return period


def check_ncdump(c):
    ncdump = shutil.which("ncdump")
    if not c.expect(ncdump is not None, "ncdump not found on PATH"):
        return
    run = subprocess.run([ncdump, "-h", c.path], capture_output=True, text=True)
    c.expect(run.returncode == 0,
             f"ncdump -h exited {run.returncode}: {run.stderr.strip() or run.stdout[-500:]}")


def main(argv):
    if len(argv) != 2:
        print(f"usage: {argv[0]} FILE.h5", file=sys.stderr)
        return 2
    c = Checker(argv[1])
    try:
        period = check_xarray(c)
        if period is not None:
            check_h5py(c, period)
    except Exception as error:  # a file that does not even open is one failure, clearly said
        c.fail(f"could not read the file: {type(error).__name__}: {error}")
    check_ncdump(c)
    if c.failures:
        print(f"{c.path}: {len(c.failures)} layout failure(s):", file=sys.stderr)
        for message in c.failures:
            print(f"  - {message}", file=sys.stderr)
        return 1
    print(f"OK: {c.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
