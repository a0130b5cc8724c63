#!/usr/bin/env python3
"""Writes baseline.toml, the calibrated France baseline, and its providers.csv from the tables.

Run from anywhere:  /usr/bin/python3 scenarios/france/generate_baseline.py [--authorisations]
It reads data/france/{departements,regions}.csv, derives every parameter the tables do not
give (the derivations are the named constants below, each with its unit, origin and, where it
is not a published figure, the label ESTIMATE), writes scenarios/france/baseline.toml and
scenarios/france/providers.csv (the child services' providers: places, authorised impairments,
organisations) next to this script and prints what it did: which basis each département's
places use, the rescaling factors, the derived flows and the providers.
It also writes providers-ime-authorisations.csv (the same providers, IMEs admitting only the
impairments they are authorised for) and ime-authorisations.toml, the variant that runs them;
--authorisations puts the authorisations in the baseline itself (AUTHORISATIONS = True).
docs/model.md ("The France baseline") explains the same derivations in prose. Standard library
only (Python 3.11).

`domain-facts` below means /work/shared/domain-facts.md, the project's sourced figures; the
tables' own sources are in data/france/README.md.
"""

import argparse
import csv
import math
import random
import re
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "data" / "france"
OUT = HERE / "baseline.toml"
PROVIDERS_OUT = HERE / "providers.csv"  # named by [providers] file in OUT, next to it
# The variant with IME authorisations: the same providers, with the CNSA shares of authorisations.
AUTHORISED_OUT = HERE / "providers-ime-authorisations.csv"
AUTHORISED_VARIANT = HERE / "ime-authorisations.toml"
# Each IME's costs by "gamme majeure d'activités" and forecast days by price mode, for the
# modulated prices of scenarios/policies/modulated-prices.toml (R.314-119).
IME_COSTS_OUT = HERE / "costs-ime.csv"

# ---------------------------------------------------------------------------------------------
# Run settings (the brief's choices, not estimates).
START_DATE = "2025-01-01"
HORIZON_YEARS = 20
SEED = 1
REPLICATIONS = 10  # replications per run; calibration targets are means over them

# ---------------------------------------------------------------------------------------------
# Child services. Published national figures (not estimates).
CHILD_SERVICES = ["IME", "SESSAD", "ITEP", "EEAP", "IEM"]
CSV_COLUMN = {s: s.lower() + "_places" for s in CHILD_SERVICES}

# Installed places 2023, France (FINESS via Handidonnées Grand Est, "Synthèse offre enfant 2023",
# https://grand-est.handidonnees.fr/page/offre-medico-sociale/synthese-offre-enfant/year_2023).
# We take them as covering all 101 départements (metropolitan France and the DROM).
NATIONAL_PLACES_2023 = {"IME": 75199, "SESSAD": 52724, "ITEP": 19461, "EEAP": 5505, "IEM": 7784}
# National equipment rates 2023, places per 1,000 aged 0-19 (same page): the last fallback.
NATIONAL_RATE_PER_1000 = {"IME": 4.9, "SESSAD": 3.4, "ITEP": 1.3, "EEAP": 0.4, "IEM": 0.5}
PLACES_SOURCE = ("FINESS 2023 via Handidonnées Grand Est, Synthèse offre enfant 2023, "
                 "https://grand-est.handidonnees.fr/page/offre-medico-sociale/"
                 "synthese-offre-enfant/year_2023")

# Age bands, years. The age limit of 20 is the law's (child ESMS serve people under 20; past it
# the Creton rule, CASF L.242-4, lets a young adult keep the place while waiting). Minimum ages
# are the usual authorisations: IME and ITEP from about 6 (DOMAIN.md), the others from birth.
AGE_LIMIT_YEARS = 20.0
MIN_AGE_YEARS = {"IME": 6.0, "SESSAD": 0.0, "ITEP": 6.0, "EEAP": 0.0, "IEM": 0.0}

# Realised mean stay, years (admission to leaving the place, Creton holding included); the
# exponential length-of-stay law of each service is solved so that the model reproduces it.
MEAN_STAY_YEARS = {
    # One IME's leavers stayed 5 y 6 m on average (IME de Montfort, 2019 report,
    # https://www.ahs-fc.fr/rapports/2019/ime-montfort/2/); domain-facts takes 5.5-6 years for
    # its national exit ESTIMATE. ESTIMATE: the midpoint, 5.75.
    "IME": 5.75,
    # ESTIMATE: 4 years, the mean stay in all child ESMS of Midi-Pyrénées in 2006 (INSEE
    # Midi-Pyrénées n°43, Jan 2009, http://docplayer.fr/68485171-En-2006-enfants-ont-ete-
    # accueillis-dans.html), the only figure found; services and ITEP are known to be the
    # shorter accompaniments.
    "SESSAD": 4.0,
    "ITEP": 4.0,
    # ESTIMATE: like IME (lasting impairments; polyhandicapped and motor-impaired children
    # rarely leave before adulthood). No figure found (domain-facts §9.4).
    "EEAP": 5.75,
    "IEM": 5.75,
}

# Share of each establishment's entrants who came from a SESSAD (DREES Dossiers n°28, Bergeron &
# Eideliman, July 2018, entrants of 2014, https://123dok.net/article/grande-diversit%C3%A9-
# parcours-possibles-moment-passage-%C3%A2ge-adulte.wyevo70z; domain-facts §1.3). The model
# sends that share of entrants through SESSAD stay ends (`orient`), the rest arrive as new
# orientations.
FROM_SESSAD_SHARE = {"IME": 0.17, "ITEP": 0.09, "EEAP": 0.10, "IEM": 0.24}

# Age at orientation (MDPH notification), years. No national distribution was found
# (domain-facts §9.3), so both laws are ESTIMATES. The common law (IME, ITEP, EEAP, IEM) is chosen
# so that the steady-state IME population has about 43 % of users aged 16 or more (CREAHI
# Aquitaine / DREES ES 2010, Creton included, https://ash.tm.fr/hebdo/2830/decryptage/
# une-marge-de-manoeuvre-tres-etroite-401546.php), the only national age figure; the report below
# prints the share obtained. Orientations under a service's minimum age wait until it.
ARRIVAL_AGE_VALUES = [0.0, 3.0, 6.0, 11.0, 16.0, 19.5]
ARRIVAL_AGE_CUMULATIVE = [0.0, 0.07, 0.22, 0.58, 0.91, 1.0]
TARGET_IME_SHARE_16_PLUS = 0.43  # checked, not fitted automatically
# SESSAD newcomers are younger (ESTIMATE): SESSAD follow young children at home and at school,
# often after a CAMSP (0-6); 96 % of their 6-16-year-olds are in ordinary school (DREES 2010).
SESSAD_ARRIVAL_AGE_CUMULATIVE = [0.0, 0.10, 0.35, 0.75, 0.95, 1.0]  # at ARRIVAL_AGE_VALUES

# Waiting lists at t = 0, people. ESTIMATE: about 30,000 children lack a place nationally ("at
# least 30,000 places missing", Faire-face 2018, extrapolated from a CREAI PACA-Corse survey,
# https://faire-face.fr/2018/05/08/manque-30-000-places-enfants-handicapes; between the 24,000
# pupils kept in ordinary school for lack of a place, minister 2024, https://cafepedagogique.net/
# 2024/09/17/rapport-de-la-cour-des-comptes-sur-linclusion-scolaire-passer-du-quantitatif-au-
# qualitatif/, and the ~42,000 open rights not served, a crude upper bound, 2019, domain-facts
# §1.3; Loire-Atlantique's 800 unmet notifications for 366,000 children, 2019,
# https://2017-2022.nosdeputes.fr/15/intervention/540399, scale to ~35,000). No split by
# service was found: the same number per place for every child service (the engine puts
# round(per place x places) on each home list).
INITIAL_WAITING_TOTAL = 30000
# Those on a list at t = 0 have waited uniformly between 0 and the wait a newcomer would face
# (list / admissions, Little's law): ESTIMATE.

# Waiting-list growth: the excess of new orientations over exits, people per year. ESTIMATE:
# children accompanied grew by 35,120 between 2006 and 2022 (DREES ES-Handicap 2022 via
# toute-la.veille-acteurs-sante.fr, article 231320; domain-facts §1.1), about 2,195 a year,
# while the unmet demand did not visibly shrink; we read that growth as demand in excess of
# exits that new places absorbed. Capacity is frozen at 2023 in the
# baseline, so this excess now accumulates on the waiting lists.
EXCESS_ORIENTATIONS_PER_YEAR = 35120 / 16
# About 2/3 of those extra children went to services (domain-facts §1.1): SESSAD gets 2/3, the
# establishments 1/3 in proportion to their places.
EXCESS_SHARE_SESSAD = 2.0 / 3.0

# What happens at 20, by child service: (probability, action, target).
# IME: destinations of Creton leavers, DREES Études et Résultats n°390 (2001), via ASH n°2404
# (https://ash.tm.fr/hebdo/2404/le-social-en-action/et-4-000-jeunes-adultes-relevent-toujours-
# de-lamendement-creton-396781.php):
# 48 % ESAT, 24 % foyer (occupationnel / de vie), 10 % MAS, 5 % ordinary work, 13 % parental
# home. Work and home leave the sector to named outcomes (OUTCOMES): the outputs count them.
# "Ordinary work" (milieu ordinaire de travail) is the source's category: entreprises adaptées
# (then ateliers protégés) are not told apart from open employment there, and no later national
# split was found (DREES 2010: 43 % with a job, "almost always sheltered: ESAT, EA"), so the
# model has no separate EA outcome. Half of the 13 % at home were still waiting for an adult
# place (same source): the model counts them at home, out of the sector. `move` is the Creton
# rule: keep the place until one of the target frees. Rows: (probability, action, target,
# outcome).
ON_AGE_LIMIT = {
    "IME": [(0.48, "move", "ESAT"), (0.24, "move", "FOYER"), (0.10, "move", "MAS"),
            (0.05, "leave", None, "ordinary_work"), (0.13, "leave", None, "home")],
    # ESTIMATE: the DREES destinations cover Creton leavers of all child establishments; we
    # apply them to IEM for lack of an IEM-specific figure.
    "IEM": [(0.48, "move", "ESAT"), (0.24, "move", "FOYER"), (0.10, "move", "MAS"),
            (0.05, "leave", None, "ordinary_work"), (0.13, "leave", None, "home")],
    # ESTIMATE: polyhandicapped young adults go to MAS (the adult service for polyhandicap),
    # some to a FAM (counted in FOYER); none to work. No figure found.
    "EEAP": [(0.90, "move", "MAS"), (0.10, "move", "FOYER")],
    # ESTIMATE: ITEP young people (behaviour disorders, no intellectual disability as a rule)
    # leave to training, work or adult psychiatry; the model sends none to adult medico-social
    # places and so has no Creton in ITEP.
    "ITEP": [(1.0, "leave", None)],
    # SESSAD accompany children living at home: at 20 the accompaniment ends (no Creton).
    "SESSAD": [(1.0, "leave", None)],
}
# Named destinations of leavers (`[outcomes.NAME]`): counted in the outputs (`left_to`). Leavers
# whose destination no source gives (stay ends before 20, ITEP and SESSAD at 20) name none.
OUTCOMES = {
    "home": "at the parental home at 20 (DREES ER 390: half of them still waiting for an adult "
            "place)",
    "ordinary_work": "ordinary work at 20, entreprises adaptées included (DREES ER 390)",
}

# Creton young adults: 8.2 % of IME users at 31/12/2014 (DREES Dossiers n°36, Bessière 2019).
CRETON_SHARE_IME = 0.082
# Creton young adults in all child establishments: 6.7 % of their users (same source). Used only
# as a calibration target, applied to IME + ITEP + EEAP + IEM places (ESTIMATE: the 2014 share
# applied to 2023 places; DREES' "establishments" may include sensory institutes).
CRETON_SHARE_ESTABLISHMENTS = 0.067
CRETON_SOURCE = ("DREES, Les Dossiers de la DREES n°36 (Bessière, June 2019), 31/12/2014, "
                 "https://drees.solidarites-sante.gouv.fr/etudes-et-statistiques/publications/"
                 "les-dossiers-de-la-drees/article/"
                 "les-jeunes-adultes-relevant-de-l-amendement-creton")
# Ages of Creton young adults at t = 0, years: 2/3 aged 20-21, 6 % aged 25 or more (DREES ER
# 0946, 2010, via ASH n°2941; domain-facts §1.1). Piecewise-linear CDF points after 20; 27
# closes the last band (ESTIMATE). The ages matter only for reporting: adult places have no
# age limit.
CRETON_AGE_POINTS = [(22.0, 2.0 / 3.0), (25.0, 0.94), (27.0, 1.0)]

# ---------------------------------------------------------------------------------------------
# Adult services: only the part of adult capacity that frees up for young adults leaving child
# services is modelled (adults entering from elsewhere are not simulated).
ADULT_SERVICES = ["ESAT", "FOYER", "MAS"]
# Published installed places, 2022 (FINESS via Handidonnées ANCREAI, "Offre pour adultes",
# https://handidonnees.fr/page/offre-medico-sociale/offre-pour-adultes): ESAT 118,902;
# FOYER = foyer de vie 39,350 + FAM 15,815 + EAM 16,617 + EANM 28,430 (EAM/EANM are the
# 2020 names of FAM and foyers de vie); MAS 31,200. Used to express the modelled share. (Not in
# domain-facts, which has only the frozen 119,211 ESAT places of 2013.)
ADULT_PUBLISHED_PLACES = {"ESAT": 118902, "FOYER": 39350 + 15815 + 16617 + 28430, "MAS": 31200}
# Yearly exits from adult establishments: 6 % of users in 2006, mean presence over 10 years
# (DREES Études et Résultats n°641, Mainguené, June 2008, ES 2006, read at https://123dok.net/
# document/oy8g6orz-etablissements-adultes-handicapes-capacites-accueil-resultats-provisoires-
# enquete.html; not in domain-facts). ESTIMATE: the same rate for each adult
# service, i.e. an exponential stay of mean 1 / 0.06 = 16.7 years.
ADULT_EXIT_RATE_PER_YEAR = 0.06
# Share of young adults' demand for adult places that the freed places do not meet, per year.
# ESTIMATE 0: the Creton stock has been roughly stable since 2010 (about 6,000 in 2010, 5,700
# in 2014: DREES), so places freeing for young adults are set equal to their demand. A positive
# value makes the Creton stock grow by that share of the demand each year.
ADULT_SHORTFALL = 0.0

# ---------------------------------------------------------------------------------------------
# Belgium (Wallonia): an abroad destination for IME-type children.
BELGIUM_IME_PLACES = 1300  # ESTIMATE within the published 1,200-1,500 range (below)
BELGIUM_SOURCE = ("about 1,500 children in 24 conventioned structures (REPSS Autonomie 1.10, 2021, "
                  "https://evaluation.securite-sociale.fr/home/autonomie/"
                  "1-10-equipements-et-services-acc.html); about 1,200 (Cour des comptes 2022, via "
                  "https://enfancejeunesseinfos.fr/le-manque-de-visibilite-sur-les-enfants-"
                  "handicapes-confies-a-lase-et-pris-en-charge-en-belgique/amp); origin IdF 42 %, "
                  "HdF 32 %, Grand Est 12 %")
BELGIUM_SENDER_REGIONS = ["Île-de-France", "Hauts-de-France", "Grand Est"]

PLACEMENT_MAX_STEPS = 1  # a child with no free place at home may be placed one border away

# ---------------------------------------------------------------------------------------------
# Providers of the five child services (providers.csv): each establishment or service with its
# places, the main impairments it is authorised to admit and the organisation that runs it.
# Adult services keep one capacity per département (no providers declared).
# Structures 2023, same source and page as NATIONAL_PLACES_2023 (domain-facts §1.1). A
# département's places of a service make max(1, round(places / mean size)) providers, mean
# size = national places / structures (IME 54.0, SESSAD 32.2, ITEP 39.6, EEAP 30.4, IEM 54.1),
# of equal size give or take one place. ESTIMATE: no per-département count of structures was
# used, and real sizes vary far more.
NATIONAL_STRUCTURES_2023 = {"IME": 1392, "SESSAD": 1638, "ITEP": 491, "EEAP": 181, "IEM": 144}
# Belgium: its BELGIUM_IME_PLACES as the 24 conventioned structures of REPSS Autonomie 1.10
# (about 1,500 children in 24 structures, 2021; BELGIUM_SOURCE).
BELGIUM_STRUCTURES = 24
# IME authorisations: share of IMEs authorised for intellectual disability (DI), autism,
# polyhandicap (CNSA, Repères statistiques n°5, comptes administratifs 2014 of 967 IME,
# http://www.cnsa.fr/documentation-documents-statistiques/statistiques-des-etablissements-et-
# services-medico-sociaux/reperes-statistiques-ndeg5-analyse-des-comptes-administratifs-2014-
# des-ime; domain-facts §1.1). An IME may hold several: the shares sum to 1.25.
IME_AUTHORISATION_SHARES = {"DI": 0.86, "autism": 0.29, "polyhandicap": 0.10}
# The model's main impairments each authorisation admits. ESTIMATE: IME children whose main
# impairment is psychiatric, motor, sensory or other (about 21 % of them, IME_TDB) go to
# DI-authorised IMEs, as no IME authorisation names them.
IME_AUTHORISATION_IMPAIRMENTS = {
    "DI": ["intellectual", "psychiatric", "motor", "sensory", "other"],
    "autism": ["autism"],
    "polyhandicap": ["polyhandicap"],
}
# Whether the baseline's IMEs get authorisations. False: every provider admits any child. Under
# strict matching the 2014 authorisation shares and the 2020-22 occupant structure disagree:
# at the end of 2025 the IMEs' autism share is 14.3 %, not the published 17.7 % (DI-authorised
# IMEs may not admit autistic children; many do). So the baseline admits any child, and
# AUTHORISED_VARIANT (written every time) runs the same providers with the authorisations, for
# analysts who study specialised places. SESSAD, ITEP, EEAP, IEM always admit any child.
AUTHORISATIONS = False
# The draw of authorisations, per territory from its own generator seeded "seed:code", so a
# département's draw does not depend on the others': in each territory of n IMEs, autism goes
# to round(0.29 n) and polyhandicap to round(0.10 n) IMEs drawn at random (the fraction rounded
# up with its own probability, so the national expectation is exactly 29 % and 10 %); DI goes
# to every IME that drew neither, then to others at random up to round(0.86 n). So each
# département's share of autism-authorised IMEs (and places: its IMEs are of equal size) is as
# close to 29 % as its number of IMEs allows, and the national shares come out near 86/29/10 %.
AUTHORISATION_SEED = 2014
# Managing organisations (organismes gestionnaires; the unit of a multi-year contract, CPOM).
# ESTIMATE, no per-département data: in each département its providers of the five services,
# ordered by service then name, are dealt round-robin into max(1, round(n / 4)) organisations,
# so an organisation running IMEs usually runs a SESSAD too, as large associations do. Each
# Belgian structure is its own organisation.
PROVIDERS_PER_ORGANISATION = 4
# Waiting lists: "territory" = one list per home territory and service shared by its providers
# (the pooled governance of IME admissions in Pas-de-Calais, seeds/004); the alternative,
# "provider" with [lists] applications = N, puts a child on the lists of N providers, as
# elsewhere children are registered on several providers' lists.
LISTS_PER = "territory"

# ---------------------------------------------------------------------------------------------
# Money: the approved cost of a place for a year (`services.X.money.euros_per_place_year`), from
# which the rules below pay (a daily price divides it by the billed days, opening days and
# attendance counted; a global allocation pays it in equal parts). 2016 euros unless said;
# services without a published cost cost and are paid nothing (NO published cost: 0).
COST_PER_PLACE_YEAR = {
    # CNSA analysis of the 2016 comptes administratifs, via https://faire-face.fr/?p=37037%2F
    "IME": (39000, "CNSA, comptes administratifs 2016, via faire-face.fr (2016 euros)"),
    "SESSAD": (17500, "CNSA, comptes administratifs 2016, via faire-face.fr (2016 euros); "
                      "SESSAD are really paid a dotation globale"),
    "EEAP": (72500, "CNSA, comptes administratifs 2016, via faire-face.fr (2016 euros)"),
    "MAS": (73500, "CNSA, comptes administratifs 2016, via faire-face.fr (2016 euros)"),
    # https://directions.fr/Gerer/financement-tarification/2023/6/Les-nouveaux-tarifs-plafonds-
    # des-Esat-2058986W
    "ESAT": (14160, "tarif plafond 2023 per authorised place, arrêté du 24 avril 2023 "
                    "(operating cost only; aide au poste not included)"),
}
# ITEP, IEM, FOYER: no published cost per place (domain-facts §9.8): 0, so they cost and are paid
# nothing until a scenario sets `services.X.money.euros_per_place_year`.
# ESAT workers' pay support (aide au poste, GRTH), paid by the State: 1.5 Md€ for ~120,000
# workers in 2023 (Sénat, avis PLF 2023; domain-facts §1.4), 12,500 € a worker-year. ESTIMATE:
# counted as part of an ESAT place's cost, so the State's share of an ESAT place is
# 12,500 / (14,160 + 12,500).
ESAT_PAY_SUPPORT_PER_WORKER = 1.5e9 / 120000
# Who pays (domain-facts §9.7): children's ESMS and MAS entirely Assurance maladie (Sénat 2000);
# ESAT operating costs Assurance maladie since 2017, pay support the State; foyers de vie the
# départements (FAM are split between both; ESTIMATE: all FOYER to the départements).
PAYERS = {
    "assurance_maladie": "Assurance maladie: ONDAM médico-social, via the CNSA and the ARS",
    "departement": "the départements (adult accommodation, child protection)",
    "etat": "the State (ESAT workers' pay support; Éducation nationale for AESH, ULIS and "
            "teaching units, not modelled as place costs)",
}
PAYER_SPLIT = {
    "ESAT": {"assurance_maladie": 14160 / (14160 + ESAT_PAY_SUPPORT_PER_WORKER),
             "etat": ESAT_PAY_SUPPORT_PER_WORKER / (14160 + ESAT_PAY_SUPPORT_PER_WORKER)},
    "FOYER": {"departement": 1.0},
}  # others: {"assurance_maladie": 1.0}
# Opening days a year (billing by daily price): 207 for child establishments (one IME's
# published figure, domain-facts §1.4; ESTIMATE for ITEP, EEAP, IEM, and internat weeks may have
# more); adult residential services are open every day; SESSAD and ESAT (global allocation,
# not billed by days) ESTIMATE 207 and 228 working days.
OPENING_DAYS = {"IME": 207, "ITEP": 207, "EEAP": 207, "IEM": 207, "MAS": 365.25,
                "FOYER": 365.25, "SESSAD": 207, "ESAT": 228}
# ESTIMATE: 80 % of an ESMS's costs do not move with its occupancy (staff and buildings are
# most of its spending); the rest follows occupancy. No published split.
FIXED_COST_SHARE = 0.8
# Inclusion days (R.314-119 6°): ESTIMATE a child of an establishment in an ordinary class or
# ULIS spends half its attended days at school ("scolarité partagée"); a child of an
# externalised unit spends them in the establishment's unit, counted as the establishment's
# days. Billed like other days in the baseline (no national rule: domain-facts §9.12).
SCHOOL_DAY_SHARE = {"ordinary_class": 0.5, "ulis": 0.5}
# Modulated prices (costs-ime.csv), ESTIMATE: no published decomposition of IME costs by gamme
# was found; an IME with internat is split 20 % gérer, 6 % restaurer, 6 % héberger en
# semi-internat, 10 % héberger en internat, 45 % socio-éducatif, 13 % soins (the split of
# scenarios/examples/modulated-prices, itself an ESTIMATE). Forecast days: the places full on the
# opening days, by the service's mode shares and attendance, the days at school (its schooling
# shares x school day shares) as inclusion days.
IME_GAMME_SHARES = {"gerer": 0.20, "restaurer": 0.06, "heberger_semi_internat": 0.06,
                    "heberger_internat": 0.10, "socio_educatif": 0.45, "soins": 0.13}
# Price mode of each mode's days in the establishment (the policy's [funding.price_modes]).
IME_PRICE_MODE_OF = {"internat": "internat", "semi_internat": "demi_pension",
                     "semi_internat_part_time": "demi_pension"}
# Rules: child establishments, MAS and foyers by daily price, the price set from the approved
# cost over the mean billed days of the three previous years (R.314-113; forecast: the places
# full); SESSAD and ESAT by global allocation (R.314-105 II 1°; ESAT since 2017), renewed flat.
# Constant 2016 euros: no cost growth.
# ESTIMATE: the authority never divides the budget by fewer days than 80 % of the places'
# opening days (R.314-113's "circonstances particulières"): without a floor, an establishment
# whose list has run dry (places follow history, orientations population) sees its price soar
# to 10 × the norm and a windfall when children come back. No published rule.
PRICE_FLOOR_OCCUPANCY = 0.8
FUNDING_RULES = [
    ("establishments_daily_price", "daily_price", ["EEAP", "FOYER", "IEM", "IME", "ITEP", "MAS"]),
    ("services_global_allocation", "global_allocation", ["ESAT", "SESSAD"]),
]

# Where a child waiting for a place is meanwhile (interim situations). The only published
# split is one département's: Loire-Atlantique 2019, Assemblée nationale commission d'enquête
# hearing (https://2017-2022.nosdeputes.fr/15/intervention/540399):
#  - children notified to an IME and waiting: 5-10 % nothing, 60 % kept in school, 30 % in
#    another IME (so 2.5 % unaccounted for; shares are normalised to sum to 1);
#  - children notified to a SESSAD without a place: about 30 % nothing, 30 % CMP/CAMSP/PCPE,
#    30 % private practitioners (normalised the same way).
# ESTIMATE: those shares taken as national; ITEP, EEAP and IEM take IME's (no figure). Children
# kept in school are split by the share of disabled pupils with human aid (AESH), 56 % in 2022
# (Senate debate, https://archive.nossenateurs.fr/intervention/2544435). Adult lists record no
# situation (their members mostly hold a child place: the Creton rule).
INTERIM = {  # name: (flags, description)
    "nothing": ("no_solution = true", "at home with no accompaniment: a child with no solution"),
    "other_service": ("", "in another ESMS or in CMP / CAMSP / PCPE care meanwhile"),
    "private_care": ("", "followed by private practitioners (libéral) meanwhile"),
    "school_with_aesh": ("ordinary_school = true", "ordinary school with AESH hours"),
    "school_without_aesh": ("ordinary_school = true", "ordinary school without AESH"),
}
AESH_SHARE = 0.56
# AESH hours are limited (`[interim.school_with_aesh]` capacity, in full-time equivalents): a
# child kept in school while it waits has AESH hours only if its département has FTE left, else
# it is in school without AESH. Each pupil with human aid takes AESH_FTE / AESH_PUPILS of an FTE
# on average: 78,816 FTE in 2023 (Cour des comptes 2024) for ~240,800 pupils with human aid in
# 2022 (56 % of 430,000, Senate; domain-facts §1.2), 0.327 FTE. ESTIMATE: the FTE that serve the
# model's waiting children are what its waiting children with AESH use at t = 0 (round(waiting
# per place x places) x the AESH share, by service and département) plus AESH_HEADROOM, shared
# between départements by population 0-19 as AESH follow pupils (the académies allocate them by
# notified pupils); they stay fixed over the run (AESH grew x3.5 in 2015-2022: a policy variant
# can raise them). A département whose list outgrows its population share runs out of AESH
# hours for the newcomers.
AESH_FTE_2023 = 78816
AESH_PUPILS_2022 = 0.56 * 430000
AESH_FTE_PER_PUPIL = AESH_FTE_2023 / AESH_PUPILS_2022
AESH_HEADROOM = 0.05
_IME_WAITING = {"nothing": 0.075, "school": 0.60, "other_service": 0.30}
_SESSAD_WAITING = {"nothing": 0.30, "other_service": 0.30, "private_care": 0.30}


def interim_shares(raw):
    """Normalised shares by situation name, school split by AESH, rounded to sum to 1."""
    total = sum(raw.values())
    out = {}
    for name, share in raw.items():
        if name == "school":
            out["school_with_aesh"] = share * AESH_SHARE / total
            out["school_without_aesh"] = share * (1.0 - AESH_SHARE) / total
        else:
            out[name] = share / total
    names = sorted(out)
    rounded = {n: round(out[n], 6) for n in names}
    rounded[names[-1]] = round(1.0 - sum(rounded[n] for n in names[:-1]), 6)
    return rounded


INTERIM_SHARES = {s: interim_shares(_SESSAD_WAITING if s == "SESSAD" else _IME_WAITING)
                  for s in CHILD_SERVICES}

# ---------------------------------------------------------------------------------------------
# Children's attributes: main impairment, needs level, child protection (ASE), sex. Each child
# draws them once, from the profile of the service it enters the model through (first
# orientation, or its place or list at t = 0), and keeps them for life; adults leaving child
# services keep theirs. Profiles are shares of children *entering* (and of the stock at t = 0);
# the published figures below describe the children present, which we take as the same law.
IMPAIRMENTS = ["intellectual", "autism", "psychiatric", "polyhandicap", "motor", "sensory",
               "other"]
NEEDS_LEVELS = ["moderate", "high", "very_high"]

# SESSAD: main impairment of children present at 31/12/2020, national ANAP-ATIH tableau de bord
# (1,435 of 1,741 SESSAD; https://handidonnees.fr/page/profil-des-enfants-accompagnes-par-le-
# medico-social/sessad/year_2020; domain-facts §1.5), % of children, with the model category
# each is mapped to. "psychiatric" = psychiatric + behaviour/communication disorders; "other" =
# speech/learning disorders, acquired brain injury, metabolic, other. Under diagnosis and not
# stated (5.9 %) are left out and the rest renormalised (ESTIMATE: they are taken to have the
# same law as those stated).
SESSAD_TDB_2020 = [
    ("intellectual disability", 24.3, "intellectual"),
    ("autism spectrum (TSA)", 15.0, "autism"),
    ("speech and learning disorders", 9.8, "other"),
    ("behaviour and communication disorders", 8.8, "psychiatric"),
    ("motor", 8.1, "motor"),
    ("psychiatric", 7.8, "psychiatric"),
    ("hearing", 7.6, "sensory"),
    ("visual", 6.6, "sensory"),
    ("acquired brain injury", 2.0, "other"),
    ("polyhandicap", 1.8, "polyhandicap"),
    ("metabolic", 0.5, "other"),
    ("other", 1.7, "other"),
    ("under diagnosis", 1.9, None),
    ("not stated", 4.0, None),
]
# IME: no recent national table (domain-facts §9.5). The tableaux de bord of seven départements
# give the main impairment (% intellectual / autism / psychiatric) of IME children
# (Handidonnées ARA, BFC, Bretagne, Nouvelle-Aquitaine pages; domain-facts §1.5). ESTIMATE: their
# unweighted mean. It agrees with the national ES 2010 (autism 16 %, childhood psychosis ~12 %:
# DREES via ASH n°2830).
IME_TDB = [  # (département, year, intellectual, autism, psychiatric)
    ("Finistère", 2020, 48.8, 22.0, 20.7), ("Yonne", 2020, 65.9, 16.2, 5.8),
    ("Ain", 2020, 57.6, 19.1, 10.5), ("Allier", 2020, 50.2, 15.1, 22.3),
    ("Charente", 2020, 56.5, 16.6, 14.0), ("Charente-Maritime", 2021, 71.4, 16.0, 4.0),
    ("Pyrénées-Atlantiques", 2022, 56.5, 18.6, 4.6),
]
# IME polyhandicap, ESTIMATE: 35 % of the ~7,300 polyhandicapped children in child ESMS at end
# 2001 were in establishments for intellectual disability (DREES, Études et Résultats 2005, via
# https://informations.handicap.fr/a--1613.php and ASH n°2404), i.e. ~2,560 of ~69,600 IME
# places (2010): 3.7 %. Motor and sensory main impairments: 1 % each (ESTIMATE: IMEs are
# authorised for intellectual disability; these children are there for an associated
# intellectual disability). "other" takes the rest of the départements' tables (speech and
# learning disorders, other, unstated).
IME_POLYHANDICAP = round(0.35 * 7300 / 69600, 3)
IME_MOTOR = 0.01
IME_SENSORY = 0.01
# ITEP, EEAP, IEM: no table found. ESTIMATES from what each establishment is authorised for:
# - ITEP serve children "with psychological difficulties whose expression, notably the
#   intensity of behaviour disorders, seriously disturbs socialisation and learning, despite
#   preserved intellectual potential" (décret 2005-11): nearly all psychiatric/behaviour; some
#   children have a borderline intellectual disability, autism or a learning disorder as main
#   impairment.
# - EEAP serve polyhandicapped children; the rest are children with profound intellectual
#   disability, autism or severe motor impairment whose main impairment is coded otherwise.
# - IEM serve motor impairments (cerebral palsy, neuromuscular diseases, spina bifida); some
#   are polyhandicapped (9 % of polyhandicapped children were in establishments for motor
#   impairment in 2001, DREES 2005: ~660 children, ~8 % of 7,784 IEM places), "other" =
#   acquired brain injury and metabolic diseases.
IMPAIRMENT_SHARES_ESTIMATE = {
    "ITEP": {"psychiatric": 0.85, "intellectual": 0.07, "autism": 0.03, "other": 0.05},
    "EEAP": {"polyhandicap": 0.85, "intellectual": 0.05, "autism": 0.05, "motor": 0.05},
    "IEM": {"motor": 0.72, "polyhandicap": 0.08, "intellectual": 0.06, "autism": 0.02,
            "sensory": 0.02, "other": 0.10},
    # Adult services: only their occupants at t = 0 draw from these (young adults entering
    # them come from child services with their own attributes). ESTIMATE: ESAT mostly
    # intellectual disability and psychiatric disability (the two main impairments of adults
    # in ESMS, DREES ES 2006, ER n°641); foyers de vie / FAM / EAM / EANM add autism, motor
    # and polyhandicap; MAS: about half polyhandicapped in 2001 (76 % of ~6,500 polyhandicapped
    # adults were in MAS, which had ~9,900 places: DREES 2005 via ASH n°2404, MAS 13,400 places
    # in 2006 = +35 % on 2001, ER n°641), less since MAS grew (31,200 places in 2022) mostly for
    # autism and psychiatric disability.
    "ESAT": {"intellectual": 0.68, "psychiatric": 0.20, "autism": 0.03, "motor": 0.03,
             "sensory": 0.03, "other": 0.03},
    "FOYER": {"intellectual": 0.45, "psychiatric": 0.20, "autism": 0.12, "polyhandicap": 0.08,
              "motor": 0.08, "sensory": 0.02, "other": 0.05},
    "MAS": {"polyhandicap": 0.35, "intellectual": 0.20, "autism": 0.20, "psychiatric": 0.15,
            "motor": 0.07, "other": 0.03},
}

# Needs level (moderate / high / very high): no published figure (SERAFIN-PH's needs
# nomenclature has no national distribution; domain-facts §7, §9.16). ESTIMATES, clearly
# parameters: "very_high" is a child needing a constant human presence (a vital risk, or
# behaviour endangering self or others); "high", daily intensive support; "moderate", the rest.
# Anchor: 8 in 10 polyhandicapped children need technical aid or a human presence to prevent a
# vital risk (DREES 2005, ES 2001, via ASH n°2404), hence EEAP and MAS very_high 0.70. SESSAD
# follow children living at home and at school: few very high. ITEP: crises and danger to
# self or others are a main reason of orientation. Change them to test the P3 priority level.
NEEDS_SHARES = {
    "IME": {"moderate": 0.50, "high": 0.35, "very_high": 0.15},
    "SESSAD": {"moderate": 0.70, "high": 0.25, "very_high": 0.05},
    "ITEP": {"moderate": 0.45, "high": 0.40, "very_high": 0.15},
    "EEAP": {"moderate": 0.05, "high": 0.25, "very_high": 0.70},
    "IEM": {"moderate": 0.35, "high": 0.40, "very_high": 0.25},
    "ESAT": {"moderate": 0.85, "high": 0.15, "very_high": 0.0},
    "FOYER": {"moderate": 0.40, "high": 0.40, "very_high": 0.20},
    "MAS": {"moderate": 0.05, "high": 0.25, "very_high": 0.70},
}

# Child protection (ASE): share of children under an ASE measure by type of ESMS, Centre-Val de
# Loire 2020 (Handidonnées CVL; domain-facts §1.5): SESSAD 5.3 %, IME 13.1 %, ITEP 35.9 %,
# EEAP 1.7 %; all child ESMS of the region 12.3 %. Nationally 15 % (25,400 of 167,310 children,
# DREES ES 2018, via pourquoidocteur.fr; 15 % again at end 2022, via
# toute-la.veille-acteurs-sante.fr 231320). IEM: ESTIMATE as SESSAD (children with motor
# impairments, mostly living with their families). ESTIMATE: the regional shares scaled by one
# factor so that, weighted by national places, they give the national 15 %. (La Gazette des
# communes, 2017, gives "a little over 10 %" of ITEP children under child protection,
# https://www.lagazettedescommunes.com/495966/laccompagnement-en-institutdes-jeunes-incasables-
# revu/; the measures counted may differ; the regional table is kept because it covers every
# type of ESMS. DREES 2018: 9 % of all children under a placement, 5 % an educational measure.)
ASE_SHARE_CVL_2020 = {"IME": 0.131, "SESSAD": 0.053, "ITEP": 0.359, "EEAP": 0.017,
                      "IEM": 0.053}
ASE_SHARE_NATIONAL = 0.15
# Adults: ASE is a measure for minors (and young adults up to 21 under a contrat jeune majeur);
# initial adult occupants have none. Young adults from child services keep their flag.

# Boys: two children in three in child ESMS (DREES ES 2018 via pourquoidocteur.fr; 65 % in 2014,
# DREES Dossiers n°28), most in ITEP, near parity in establishments for polyhandicap: 53 % of
# polyhandicapped children and adults are male (DREES 2005 via ASH n°2404), used for EEAP.
# ESTIMATE for IME, SESSAD, ITEP and IEM, chosen so that the place-weighted mean is 2/3 (the
# report prints it). Adults (published): men are 60 % of ESAT workers and 56 % of users of
# other adult establishments (DREES ES 2006, ER n°641), used for FOYER and MAS.
BOYS_SHARE = {"IME": 0.62, "SESSAD": 0.70, "ITEP": 0.85, "EEAP": 0.53, "IEM": 0.57,
              "ESAT": 0.60, "FOYER": 0.56, "MAS": 0.56}
BOYS_SHARE_TARGET = 2.0 / 3.0  # checked, not fitted automatically

# The probability of dying within a year, by main impairment (the engine applies the constant
# hazard -ln(1 - q) at every age and in every state: in a place, waiting, too young; at these
# sizes q and the hazard differ by under 1 %, so the survival-derived rates below serve as q). Only where mortality is far above the general population's
# (~0.0002 a year at 5-19 in France, which the model ignores as for every child):
# - polyhandicap, ESTIMATE 0.02: children with cerebral palsy at GMFCS level V survived to 19 in
#   60 % of cases (southern Sweden, born 1990-2005: Westbom et al., Dev Med Child Neurol 2011;
#   53(9):808, https://pubmed.ncbi.nlm.nih.gov/21745199/), i.e. -ln(0.6) / 19 = 0.027 a year;
#   those severely disabled in mobility, manual dexterity and mental ability, 50 % to 20
#   (Mersey, born 1966-84: Hutton et al., BMJ 1994;309:431), 0.035 a year. Children in EEAP
#   have survived infancy, the riskiest years, and disability-specific mortality fell by
#   1.5-2.5 % a year in 1983-2010 (California: Brooks et al., Dev Med Child Neurol 2014;56(11):
#   1059, https://pubmed.ncbi.nlm.nih.gov/24966011/). 0.02 gives 67 % surviving 20 years. The
#   French cohort Eval-PLH estimated median survival (Hamouda et al., J Intellect Disabil Res
#   2024;68(8):985) but its figures could not be read here; in French polyhandicap centres the
#   133 people who died in 2006-2012 were 21 on average (Rousseau et al., Brain Inj 2015;29:837).
# - motor, ESTIMATE 0.003: 96 % of all children with cerebral palsy survived to 19 (Westbom
#   2011), -ln(0.96) / 19 = 0.002; raised for neuromuscular diseases (Duchenne), while the most
#   severe cerebral palsy is counted in polyhandicap here.
# - intellectual, ESTIMATE 0.002: pupils with intellectual disabilities in Scotland died at 157
#   per 100,000 person-years in 2008-2015, 12 times other pupils (Smith et al., J Epidemiol
#   Community Health 2022;76(6):550); profound and multiple disabilities, counted in
#   polyhandicap here, weigh much in that rate, but adults (ESAT, FOYER) die more.
# Others (autism, psychiatric, sensory, other): left out (0).
# In adult services the yearly exit rate below (6 %, DREES) includes deaths: deaths are taken
# out of it. In child services the realised stays below include deaths too: the stay-end rate is
# the solved exit rate less the service's mean mortality (its entrants' profile).
MORTALITY_PER_YEAR = {"polyhandicap": 0.02, "motor": 0.003, "intellectual": 0.002}

# ---------------------------------------------------------------------------------------------
# Waiting-list management. No national rule exists (domain-facts §8.5, §9.14). The levels follow
# the joint management of IME admissions in Pas-de-Calais (seeds/004: priorities decided
# together, "P1" critical situations, a list "re-examined all the time") and the Réponse
# accompagnée pour tous (domain-facts §8.4: a PAG "may give priority access to the target
# orientation"):
PRIORITY_LEVELS = [  # (name, condition key = value, description)
    ("P1_critical", ("pag", "true"),
     "critical situations: children with a PAG (Réponse accompagnée pour tous); "
     "Pas-de-Calais' P1"),
    ("P2_child_protection", ("ase", "true"),
     "children under a child-protection (ASE) measure: the most exposed to a rupture "
     "(placement breakdowns)"),
    ("P3_very_high_needs", ("needs", '["very_high"]'),
     "children with very high needs (constant human presence)"),
    ("P4_others", None, "every other child, first come first served"),
]
# P2 and P3 apply on the child services' lists only: adult lists (ESAT, FOYER, MAS) are managed
# by other commissions, and there these child criteria would let EEAP young adults (70 % very
# high needs) overtake IME ones and move the Creton counts.
CHILD_PRIORITY_LEVELS = {"P2_child_protection", "P3_very_high_needs"}
# Reviews: ESTIMATE every 6 months. Pas-de-Calais re-examines its list "all the time" and plans
# the work early in the year to avoid the July-September rush (seeds/004); a PAG is reviewed at
# least yearly (domain-facts §8.4); most départements do not manage lists jointly, so a national
# baseline takes two reviews a year, between the practice of the pioneers and the legal minimum.
REVIEW_EVERY_MONTHS = 6
# ESTIMATE: at each review 5 % of waiting children holding no place leave the list (moved,
# found a solution outside the sector, family gave up, a notification lapsed): about one in ten
# a year. No figure found: lists are "encore peu objectivées" (IGAS 2026) and counts mix
# children registered on several lists (1,400 names for 1,500 IME places in Seine-Saint-Denis,
# minister's answer, Assemblée nationale, https://nosdeputes.fr/16/intervention/164323).
REMOVAL_PER_REVIEW = 0.05
# PAG: ESTIMATE a child waiting with no solution (interim `nothing`) for a year gets a PAG at the
# next review: a school year with nothing is the "situation critique" RAPT addresses (a PAG is
# drawn when known responses are unavailable or the situation risks a rupture, domain-facts
# §8.4). The PAG gives it partial services meanwhile (interim `other_service`: another ESMS, a
# PCPE, CMP or CAMSP; the PAG "names the ESMS committed to act without delay") and level P1.
PAG_AFTER_YEARS = 1.0
PAG_INTERIM = "other_service"
# MDPH notifications. A CDAPH decision holds for at least one year and at most five, save
# specific provisions (CASF R.241-31); the notification states its exact term (e.g. MDPH de la
# Vienne, "l'orientation en établissement médico-social", http://www.mdph86.fr/523-l-orientation-
# en-etablissement-medico-social.htm). ESTIMATE: orientations to a child service are given the
# maximum, 5 years, and every one that expires while the child still waits is renewed (no figure
# on non-renewal; children who give up leave through the list reviews above): the outputs then
# count the renewals the MDPHs must decide (`renewed`).
NOTIFICATION_YEARS = 5.0
RENEWAL_SHARE = 1.0
# Double orientation (RAPT, domain-facts §8.4: a target orientation plus an alternative built
# from local supply, written into a PAG). ESTIMATE: an IME orientation's alternative is a SESSAD
# (the common "IME, SESSAD while waiting" pair); no figure on how many orientations come with one,
# so only a PAG brings it (share 0): a child given a PAG takes a free SESSAD place, if any, and
# waits for the IME from there.
ALTERNATIVES = {"IME": ("SESSAD", 0.0)}

# ---------------------------------------------------------------------------------------------
# Modes of care and schooling of a child in its place. The engine draws both at admission (and
# for occupants at t = 0) from the service's shares and keeps them until a plan step changes
# them. Published figures are shares of children (or places) at one date; we take them as the
# law of admissions, which keeps them as the stock's shares as long as nothing changes a mode
# (the plan steps below are built not to move them). Adult services record neither.
#
# Attendance is the share of the service's opening days a child attends (a later funding slice
# pays modulated prices by it).
# ESTIMATE: sequential care ("accueil séquentiel": some days a week in the establishment, the
# rest at school or at home) taken as half of the opening days. No figure.
PART_TIME_ATTENDANCE = 0.5
# ESTIMATE: a SESSAD follows a child where it lives and learns (home, school, the service's
# rooms) with a few sessions a week; counted as about two days of contact in a five-day week.
# Order-of-magnitude check: a SESSAD place costs 17,500 EUR a year, 55 % of an IME place
# without internat (32,000 EUR; CNSA, accounts of 2016, domain-facts §1.4). No attendance
# figure was found.
AMBULATORY_ATTENDANCE = 0.4
MODES = {  # name: (residential, attendance, description)
    "internat": (True, 1.0, "internat: nights in the establishment (full or weekly)"),
    "semi_internat": (False, 1.0, "semi-internat / externat: day care every opening day"),
    "semi_internat_part_time": (False, PART_TIME_ATTENDANCE,
                                "day care part time: sequential care (accueil séquentiel)"),
    "ambulatory": (False, AMBULATORY_ATTENDANCE,
                   "SESSAD-type follow-up at home, at school and in the service's rooms"),
}
# Share of internat, by establishment: shares of places in 2010 (DREES ES 2010; domain-facts
# §1.1): IME 31 % (via https://informations.handicap.fr/a-comptes-sante-soins-7171.php), ITEP
# 56 % (same), EEAP 51 % (via https://banquedesterritoires.fr/enfants-handicapes-loffre-de-
# places-en-sessad-ete-multipliee-par-quatre-en-vingt-ans). Taken as shares of children (one
# child per place) and as still valid (internat was then declining in favour of day care,
# DREES; no later national split was found). IEM: ESTIMATE 40 %, between IME and EEAP: 144 IEM
# for the whole country (1.4 per département against 14 IME) recruit from far, which calls for
# weekly internat, while their children need less constant care than EEAP's. No IEM figure.
INTERNAT_SHARE = {"IME": 0.31, "ITEP": 0.56, "EEAP": 0.51, "IEM": 0.40}
# Share of part-time day care (sequential care), ESTIMATE. Anchor: 9,826 of the ~70,000 pupils
# of ESMS were in "scolarité partagée" between the establishment and an ordinary school at
# rentrée 2018 (domain-facts §1.2), i.e. ~14 %, who attend their establishment part time.
# IME 10 % (its 6 % in ordinary classes and younger or psychiatric profiles on sequential care;
# children of an externalised unit attend full time); ITEP 15 % (three in four ITEP children are
# in ordinary school, DREES 2022 below; many share their week); EEAP 5 % (fatigue and health:
# some attend part time, rarely for school); IEM 10 % (as IME). The rest of the day care is full
# time (semi_internat).
PART_TIME_SHARE = {"IME": 0.10, "ITEP": 0.15, "EEAP": 0.05, "IEM": 0.10}

SCHOOLING = {  # name: (ordinary_school, description)
    "internal_unit": (False, "teaching unit (UE) inside the establishment"),
    "external_unit": (True, "externalised teaching unit (UEE) in an ordinary school"),
    "ordinary_class": (True, "ordinary class, full or part time"),
    "ulis": (True, "ULIS (unité localisée pour l'inclusion scolaire) in an ordinary school"),
    "not_schooled": (False, "not schooled"),
}
# Schooling by service. Published shares are of children aged 6-15 (or 6-16); ESTIMATE: they are
# applied at every age (the draw is at admission), though older IMPro youths and Creton young
# adults are schooled less.
# - IME: 12 % not schooled (DREES ES 2018, 6-15, via https://informations.handicap.fr/a-170000-
#   jeunes-dans-medico-social-8-non-scolarises-32911.php; domain-facts §1.3; 15 % in 2010);
#   ~10,000 of ~70,000 IME children in externalised units (Le Monde ~2021 via
#   https://www.planeteschoolmagazine.net/france-lecole-inclusive-une-revolution-toujours-en-
#   cours/; domain-facts §1.2); 6 % in ordinary school in 2010 (DREES via ASH n°2938), kept as
#   the share in ordinary classes (ESTIMATE: the 2010 figure predates most UEE, created from
#   2016, so it counts ordinary classes); the internal unit takes the rest (75 % in 2010).
# - SESSAD: 96 % of 6-16-year-olds in ordinary school (DREES ER, Makdessi, 2010; domain-facts
#   §1.3), as ordinary class or ULIS; the rest not schooled (ESTIMATE).
# - ITEP: three in four in ordinary school at end 2022 (DREES Études et Résultats n°1353, Nov
#   2025, via http://www.lecompas.fr/base-documentaire/jeunes-handicapes-pres-des-deux-tiers-des-
#   6-15-ans-accompagnes-sont-scolarises-en-milieu-ordinaire-fin-2022-contre-moins-de-la-moitie-
#   fin-2010; not yet in domain-facts). Split ESTIMATE: 10 % in externalised units (11 % of all
#   6-15-year-olds of ESMS were, same source), 65 % in ordinary classes; 3 % not schooled (8 % of
#   all ESMS children in 2018, mostly in EEAP and IME: ITEP children keep their intellectual
#   potential); the internal unit takes the rest.
# - EEAP: 69 % not schooled (DREES ES 2018; 85 % in 2010); the others in the internal unit
#   (ESTIMATE: ordinary school is exceptional for polyhandicapped children; DREES 2022: those
#   schooled are mostly in the establishment's unit).
# - IEM: 13 % not schooled (DREES ES 2018); schooling mostly in the internal unit (DREES 2022);
#   ESTIMATE 10 % in externalised units and 20 % in ordinary classes (children with a motor main
#   impairment are in ordinary school more often than others: 73 % across all ESMS, DREES 2022),
#   the internal unit the rest.
# ULIS: 24 % of disabled pupils were in a ULIS at rentrée 2023 (Sénat, avis PLF 2025,
# domain-facts §1.2). ESTIMATE: the same share of the children of each service who are in an
# ordinary school outside a teaching unit; the generator splits `ordinary_class` so (the draw
# that put a child in an ordinary class now puts it in ULIS with this probability, and nothing
# else moves). UEMA and UEEA (autism teaching units of nursery and primary schools, 319 and 197
# units in 2023) are not modelled: a schooling is drawn once at admission, whatever the age, and
# these units are for ages 3-6 and 6-11 only.
ULIS_SHARE = 0.24
IME_UEE_SHARE = 10000 / 70000
SCHOOLING_SHARES = {
    "IME": {"external_unit": IME_UEE_SHARE, "ordinary_class": 0.06, "not_schooled": 0.12},
    "SESSAD": {"ordinary_class": 0.96, "not_schooled": 0.04},
    "ITEP": {"external_unit": 0.10, "ordinary_class": 0.65, "not_schooled": 0.03},
    "EEAP": {"not_schooled": 0.69},
    "IEM": {"external_unit": 0.10, "ordinary_class": 0.20, "not_schooled": 0.13},
}  # internal_unit takes the rest (SESSAD has none)

# Age groups of the outputs by age (lower bounds, years): under 6 (before IME and ITEP admit;
# CAMSP age), 6-13 (the IME's IMP section), 14-15 and 16-19 (its IMPro section, split at 16 so
# that the published 43 % of IME users aged 16 or more, DREES ES 2010, can be checked), 20 and
# over (Creton young adults, adults).
AGE_GROUPS = [0, 6, 14, 16, 20]

# Yearly review of each child's personalised plan. ESTIMATE/convention: once a year (a PAG is
# reviewed at least yearly, domain-facts §8.4, and so in practice is the projet personnalisé), on
# 1 September: changes of mode, teaching unit or service are decided for the school year and take
# effect at the rentrée, when places in units, ULIS and SESSAD are allotted.
PLAN_REVIEW_MONTH = 9
# Two-way mode steps internat <-> semi_internat (part time and ambulatory do not step), in IME,
# ITEP and EEAP. ITEP run as a DITEP: an integrated dispositif changes a child's mode without a
# new MDPH decision (domain-facts §6.4). Each down-step probability p_down (internat ->
# semi_internat, per review) is an ESTIMATE: 5 % a year in IME and EEAP (a quarter of internat
# children changing once over a six-year stay; a change there needs a new MDPH decision, about
# 4 months, domain-facts §6.4), 10 % in ITEP (twice as often: the DITEP exists for fluctuating
# disorders). The up-step probability follows from detailed balance, so that the mode shares stay
# at their published stock values: p_down x share_internat = p_up x share_semi_internat.
MODE_STEP_DOWN = {"IME": 0.05, "ITEP": 0.10, "EEAP": 0.05}
# A step toward inclusion: an IME child of 6-15 with moderate needs is re-oriented to a SESSAD
# (with ordinary school) and keeps its IME place until a SESSAD place frees (`move`).
# ESTIMATE 1 % a year: no national flow from IME to SESSAD was found (domain-facts §9.4: leavers'
# destinations not reached). It gives about 220 children a year (the report prints it), ~3 % of
# the ~7,200 IME stays ending before 20, against ~2,200 a year going the other way (17 % of IME
# entrants come from a SESSAD, DREES 2014): the flow policy wants to raise is small today. It
# is kept small so that the calibrated flows (IME stays, SESSAD admissions) barely move.
IME_TO_SESSAD_PER_YEAR = 0.01
IME_TO_SESSAD_AGES = (6.0, 16.0)  # [min, max) years on the review day
IME_TO_SESSAD_NEEDS = ["moderate"]

DAYS_PER_YEAR = 365.25
GRID = 0.01  # years: step of the steady-state age calculation below


# =============================================================================================
# Reading the tables.

def read_csv(name):
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def regional_rates(regions):
    """Per region and child service: (rate per 1,000, year, how read) where published.

    IME, SESSAD and ITEP rates are columns of regions.csv. EEAP and IEM rates appear only in the
    `source` text ("EEAP 0.5, IEM 0.7"); a decimal number right after the name is a rate, an
    integer there is a count of places and is not used.
    """
    out = {}
    for r in regions:
        rates = {}
        for s in ["IME", "SESSAD", "ITEP"]:
            v = r[s.lower() + "_rate_per_1000"]
            if v:
                rates[s] = (float(v), r["rates_year"], "column")
        for s in ["EEAP", "IEM"]:
            m = re.search(r"\b%s (\d+\.\d+)" % s, r["source"])
            if m:
                rates[s] = (float(m.group(1)), r["rates_year"], "source text")
        out[r["region"]] = rates
    return out


def largest_remainder(values, total):
    """Integers summing to `total`, each the floor or ceiling of the matching real value."""
    floors = [math.floor(v) for v in values]
    rest = total - sum(floors)
    order = sorted(range(len(values)), key=lambda i: (floors[i] - values[i], i))
    for i in order[:rest]:
        floors[i] += 1
    return floors


def child_places(deps, rates):
    """Places per département and child service, and the basis each used.

    Published figure where present; else the regional rate x population 0-19; else the national
    rate x population 0-19. Then the non-published départements of each service are rescaled by
    one factor so the national total equals the 2023 national places (published figures, from
    2014-2025, are kept as published), and rounded by largest remainder.
    """
    places, basis, factor = {}, {}, {}
    for s in CHILD_SERVICES:
        raw, how = [], []
        for d in deps:
            pop = int(d["population_0_19"])
            cell = d[CSV_COLUMN[s]]
            if cell != "":
                raw.append(float(cell))
                how.append(("published", d["places_year"]))
            elif s in rates[d["region"]]:
                rate, year, _ = rates[d["region"]][s]
                raw.append(rate * pop / 1000.0)
                how.append(("regional", f"{rate} ‰ ({year})"))
            else:
                raw.append(NATIONAL_RATE_PER_1000[s] * pop / 1000.0)
                how.append(("national", f"{NATIONAL_RATE_PER_1000[s]} ‰ (2023)"))
        published = sum(v for v, h in zip(raw, how) if h[0] == "published")
        estimated = sum(v for v, h in zip(raw, how) if h[0] != "published")
        k = (NATIONAL_PLACES_2023[s] - published) / estimated
        factor[s] = k
        scaled = [v if h[0] == "published" else v * k for v, h in zip(raw, how)]
        # Published cells are integers already; only the estimated ones take the remainder.
        est_idx = [i for i, h in enumerate(how) if h[0] != "published"]
        est_int = largest_remainder([scaled[i] for i in est_idx],
                                    NATIONAL_PLACES_2023[s] - int(published))
        ints = [int(v) for v in scaled]
        for i, v in zip(est_idx, est_int):
            ints[i] = v
        places[s] = ints
        basis[s] = how
    return places, basis, factor


# =============================================================================================
# Steady state of one child service, on an age grid (people per year of age).
#
# Entries at age a stay an exponential time of mean m, cut at the age limit L. With S_j the
# entrants still present at age a_j (entries of cell j added at its start), the stock decays by
# k = exp(-h/m) per cell: S_j = S_{j-1} k + E_j. Person-years in cell j: S_j m (1 - k); stay
# ends in cell j: S_j (1 - k); reaching L: S_last k. Waits on lists are ignored (the baseline's
# lists start empty and grow slowly), so entry age = max(orientation age, minimum age).

N_CELLS = int(round(30.0 / GRID)) + 1


def cell(age):
    return int(round(age / GRID))


def cdf_to_cells(values, cumulative):
    """Mass per grid cell of a piecewise-linear CDF (atom at values[0])."""
    f = [0.0] * N_CELLS
    f[cell(values[0])] += cumulative[0]
    for a0, c0, a1, c1 in zip(values, cumulative, values[1:], cumulative[1:]):
        i0, i1 = cell(a0), cell(a1)
        for i in range(i0, i1):
            f[i] += (c1 - c0) / (i1 - i0)
    return f


def at_least(entries, min_age):
    """Entries younger than min_age wait and enter at min_age."""
    i0 = cell(min_age)
    e = list(entries)
    e[i0] += sum(e[:i0])
    for i in range(i0):
        e[i] = 0.0
    return e


def stay(entries, mean, limit):
    """Person-years per cell, stay ends per cell and people reaching the limit, per year."""
    k = math.exp(-GRID / mean)
    present, ends = [0.0] * N_CELLS, [0.0] * N_CELLS
    s = 0.0
    for j in range(cell(limit)):
        s = s * k + entries[j]
        present[j] = s * mean * (1.0 - k)
        ends[j] = s * (1.0 - k)
    return present, ends, s * k


def solve_mean(entries, limit, years_before_limit):
    """The exponential mean giving `years_before_limit` of presence per entrant (bisection)."""
    lo, hi = 0.05, 500.0
    for _ in range(100):
        mid = math.sqrt(lo * hi)
        present, _, _ = stay(entries, mid, limit)
        if sum(present) / sum(entries) < years_before_limit:
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def delayed(entries, wait, limit):
    """Entries shifted by a list wait; those who would reach the limit first age out (lost)."""
    shift, last = cell(wait), cell(limit)
    out, lost = [0.0] * N_CELLS, 0.0
    for i, x in enumerate(entries):
        if i + shift < last:
            out[i + shift] += x
        else:
            lost += x
    return out, lost


def on_list(joining, wait, limit):
    """Ages of people on a list: each joiner stays `wait` years (or until the limit)."""
    width, last = max(1, cell(wait)), cell(limit)
    out = [0.0] * N_CELLS
    for i, x in enumerate(joining):
        if x:
            for j in range(i, min(i + width, last)):
                out[j] += x / width
    return out


def steady_state(waiting_per_place):
    """Flows of the five child services in a steady state with full places.

    A newcomer joins its list at max(orientation age, minimum age) and is admitted after the
    list's wait, waiting_per_place x mean stay (Little's law: list / admissions), unless it
    reaches 20 first (aged out while waiting). Returns per service: the exponential mean stay,
    admissions a year, people reaching 20 a year, the age profile of occupants under 20
    (person-years per cell), orientations needed a year, and the list's age profile; plus
    SESSAD's stay-end re-orientation probabilities and the holding time W.
    """
    laws = {t: cdf_to_cells(ARRIVAL_AGE_VALUES, ARRIVAL_AGE_CUMULATIVE) for t in CHILD_SERVICES}
    laws["SESSAD"] = cdf_to_cells(ARRIVAL_AGE_VALUES, SESSAD_ARRIVAL_AGE_CUMULATIVE)
    moving = {t: sum(p for p, a, *_ in ON_AGE_LIMIT[t] if a == "move") for t in CHILD_SERVICES}
    res = {}
    for t in CHILD_SERVICES:
        n = NATIONAL_PLACES_2023[t]
        res[t] = dict(admissions=n / MEAN_STAY_YEARS[t],
                      wait=waiting_per_place * MEAN_STAY_YEARS[t])

    # SESSAD first: all its entrants are new orientations.
    r = res["SESSAD"]
    join = at_least(laws["SESSAD"], MIN_AGE_YEARS["SESSAD"])
    shape, lost = delayed(join, r["wait"], AGE_LIMIT_YEARS)
    r.update(entries=[x * r["admissions"] / (1 - lost) for x in shape],
             orientations=r["admissions"] / (1 - lost), from_sessad=0.0, via=0.0,
             aged_out=r["admissions"] * lost / (1 - lost), list_ages=on_list(join, r["wait"],
                                                                          AGE_LIMIT_YEARS))
    r["mean"] = solve_mean(r["entries"], AGE_LIMIT_YEARS, MEAN_STAY_YEARS["SESSAD"])
    r["present"], sessad_ends, r["reach"] = stay(r["entries"], r["mean"], AGE_LIMIT_YEARS)
    r["creton"] = 0.0
    ends_total = sum(sessad_ends)

    # Establishments: a share of entrants from SESSAD stay ends (at their ages), the rest new.
    for t in ["IME", "ITEP", "EEAP", "IEM"]:
        r = res[t]
        share = FROM_SESSAD_SHARE[t]
        join_d = at_least(laws[t], MIN_AGE_YEARS[t])
        join_v = at_least([x / ends_total for x in sessad_ends], MIN_AGE_YEARS[t])
        shape_d, lost_d = delayed(join_d, r["wait"], AGE_LIMIT_YEARS)
        shape_v, lost_v = delayed(join_v, r["wait"], AGE_LIMIT_YEARS)
        direct = (1 - share) * r["admissions"] / (1 - lost_d)
        via = share * r["admissions"] / (1 - lost_v)
        r.update(entries=[direct * d + via * v for d, v in zip(shape_d, shape_v)],
                 orientations=direct, via=via, from_sessad=share * r["admissions"],
                 aged_out=direct * lost_d + via * lost_v,
                 list_ages=on_list([direct * d + via * v for d, v in zip(join_d, join_v)],
                                   r["wait"], AGE_LIMIT_YEARS))
    # The Creton stock of IME fixes the holding time W (years a young adult holds a child place
    # while waiting for an adult one). It depends on IME's people reaching 20, which depends on
    # the mean stay solved with the Creton stock: iterate (converges in a few rounds).
    w = 1.0
    for _ in range(30):
        for t in ["IME", "ITEP", "EEAP", "IEM"]:
            r = res[t]
            n = NATIONAL_PLACES_2023[t]
            creton = moving[t] * r.get("reach", 0.0) * w
            r["mean"] = solve_mean(r["entries"], AGE_LIMIT_YEARS, (n - creton) / r["admissions"])
            r["present"], _, r["reach"] = stay(r["entries"], r["mean"], AGE_LIMIT_YEARS)
            r["creton"] = moving[t] * r["reach"] * w
        w = CRETON_SHARE_IME * NATIONAL_PLACES_2023["IME"] / (moving["IME"] * res["IME"]["reach"])
    reorient = {t: res[t]["via"] / ends_total for t in ["IME", "ITEP", "EEAP", "IEM"]}
    res["SESSAD"]["stay_ends"] = ends_total
    return res, reorient, w, moving


# =============================================================================================
# TOML writing helpers.

def fmt(x, digits=6):
    """A float for TOML: plain decimal, trailing zeros trimmed, always with a point."""
    s = f"{x:.{digits}f}".rstrip("0")
    return s + "0" if s.endswith(".") else s


def empirical(values, cumulative):
    vs = ", ".join(fmt(v, 2) for v in values)
    cs = ", ".join(fmt(c, 6) for c in cumulative)
    return f'{{ law = "empirical", values = [{vs}], cumulative = [{cs}] }}'


def profile_law(profile, lo, hi, tail=()):
    """Empirical law of a grid profile on [lo, hi), points at whole ages, then `tail` points.

    `tail` is a list of (age, cumulative) continuing past hi; the profile then gets the mass
    left below the first tail point's cumulative.
    """
    total = sum(profile[cell(lo):cell(hi)])
    head = 1.0 if not tail else tail[0][1]
    values, cumulative = [lo], [0.0]
    for a in range(int(math.floor(lo)) + 1, int(math.ceil(hi)) + 1):
        a = min(float(a), hi)
        values.append(a)
        cumulative.append(head * sum(profile[cell(lo):cell(a)]) / total)
    for age, c in tail[1:]:
        values.append(age)
        cumulative.append(c)
    cumulative[-1] = 1.0
    return empirical(values, cumulative)


def initial_age_law(service, present_under_limit, over_limit_share):
    """Occupants' ages at t = 0: the steady-state profile under 20, then Creton ages."""
    tail = ()
    if over_limit_share > 0:
        base = 1.0 - over_limit_share
        tail = [(AGE_LIMIT_YEARS, base)] + [(age, base + over_limit_share * c)
                                            for age, c in CRETON_AGE_POINTS]
    return profile_law(present_under_limit, MIN_AGE_YEARS[service], AGE_LIMIT_YEARS, tail)


def branches(rows):
    parts = []
    for p, action, target, *outcome in rows:
        to = f', to = "{target}"' if target else ""
        to += f', outcome = "{outcome[0]}"' if outcome else ""
        parts.append(f'  {{ probability = {fmt(p)}, action = "{action}"{to} }},')
    return "[\n" + "\n".join(parts) + "\n]"


# =============================================================================================
# Children's profiles.

def normalised(shares, names):
    """Shares over `names` (absent ones left out), summing to 1 after rounding to 6 decimals.

    The last non-zero share takes the rounding rest, so the printed decimals sum to 1 exactly.
    """
    total = sum(shares.values())
    out = {n: round(shares[n] / total, 6) for n in names if shares.get(n, 0.0) > 0.0}
    last = list(out)[-1]
    out[last] = round(1.0 - sum(v for n, v in out.items() if n != last), 6)
    return out


def ime_tdb_means():
    """Unweighted means of the départements' IME tables: intellectual, autism, psychiatric."""
    n = len(IME_TDB)
    return [sum(row[k] for row in IME_TDB) / n / 100.0 for k in (2, 3, 4)]


def profiles():
    """Per service: impairment shares, needs shares, ASE share, boys' share; the ASE factor."""
    impairment = {}
    sessad = {}
    for _, pct, category in SESSAD_TDB_2020:
        if category:
            sessad[category] = sessad.get(category, 0.0) + pct
    impairment["SESSAD"] = normalised(sessad, IMPAIRMENTS)
    intellectual, autism, psychiatric = ime_tdb_means()
    ime = {"intellectual": intellectual, "autism": autism, "psychiatric": psychiatric,
           "polyhandicap": IME_POLYHANDICAP, "motor": IME_MOTOR, "sensory": IME_SENSORY}
    ime["other"] = 1.0 - sum(ime.values())
    impairment["IME"] = normalised(ime, IMPAIRMENTS)
    for s, shares in IMPAIRMENT_SHARES_ESTIMATE.items():
        impairment[s] = normalised(shares, IMPAIRMENTS)
    needs = {s: normalised(shares, NEEDS_LEVELS) for s, shares in NEEDS_SHARES.items()}
    places = sum(NATIONAL_PLACES_2023.values())
    regional = sum(NATIONAL_PLACES_2023[s] * ASE_SHARE_CVL_2020[s] for s in CHILD_SERVICES)
    factor = ASE_SHARE_NATIONAL * places / regional
    ase = {s: round(ASE_SHARE_CVL_2020[s] * factor, 4) for s in CHILD_SERVICES}
    ase.update({a: 0.0 for a in ADULT_SERVICES})
    mortality = {s: sum(share * MORTALITY_PER_YEAR.get(i, 0.0)
                        for i, share in impairment[s].items())
                 for s in CHILD_SERVICES + ADULT_SERVICES}
    return dict(impairment=impairment, needs=needs, ase=ase, ase_factor=factor,
                boys=dict(BOYS_SHARE), mortality=mortality)


def boys_mean():
    places = sum(NATIONAL_PLACES_2023.values())
    return sum(NATIONAL_PLACES_2023[s] * BOYS_SHARE[s] for s in CHILD_SERVICES) / places


# =============================================================================================
# Modes, schooling and plan steps.

def rounded_shares(shares):
    """Shares rounded to 6 decimals, the last non-zero one taking the rest (sum 1 exactly)."""
    out = {n: round(v, 6) for n, v in shares.items() if v > 0.0}
    last = list(out)[-1]
    out[last] = round(1.0 - sum(v for n, v in out.items() if n != last), 6)
    return out


def mode_shares(s):
    """Mode shares of child service s, in MODES order."""
    if s == "SESSAD":
        return {"ambulatory": 1.0}
    internat, part = INTERNAT_SHARE[s], PART_TIME_SHARE[s]
    return rounded_shares({"internat": internat, "semi_internat": 1.0 - internat - part,
                           "semi_internat_part_time": part})


def schooling_shares(s):
    """Schooling shares of child service s, in SCHOOLING order; internal_unit takes the rest."""
    given = dict(SCHOOLING_SHARES[s])
    if "ordinary_class" in given:
        ordinary = given["ordinary_class"]
        given["ordinary_class"] = ordinary * (1.0 - ULIS_SHARE)
        given["ulis"] = ordinary * ULIS_SHARE
    rest = 1.0 - sum(given.values())
    shares = {n: given.get(n, rest if n == "internal_unit" else 0.0) for n in SCHOOLING}
    return rounded_shares(shares)


def plan_steps():
    """The [[plans.steps]]: (name, from, probability, conditions, effects, description)."""
    steps = []
    for s, down in MODE_STEP_DOWN.items():
        shares = mode_shares(s)
        up = down * shares["internat"] / shares["semi_internat"]
        how = "as a DITEP, " if s == "ITEP" else ""
        steps.append((f"{s.lower()}_internat_to_semi", s, round(down, 6),
                      [("modes", '["internat"]')], [("to_mode", '"semi_internat"')],
                      f"{s} {how}internat to semi-internat (ESTIMATE {100 * down:g} % a year)"))
        steps.append((f"{s.lower()}_semi_to_internat", s, round(up, 6),
                      [("modes", '["semi_internat"]')], [("to_mode", '"internat"')],
                      f"{s} {how}semi-internat to internat: detailed balance, {down} x "
                      f"{shares['internat']} / {shares['semi_internat']}"))
    lo, hi = IME_TO_SESSAD_AGES
    steps.append(("ime_to_sessad", "IME", IME_TO_SESSAD_PER_YEAR,
                  [("needs", "[" + ", ".join(f'"{n}"' for n in IME_TO_SESSAD_NEEDS) + "]"),
                   ("min_age_years", fmt(lo)), ("max_age_years", fmt(hi))],
                  [("to", '"SESSAD"'), ("action", '"move"')],
                  "a step toward inclusion: SESSAD and ordinary school; keeps the IME place "
                  f"until a SESSAD place frees (ESTIMATE {100 * IME_TO_SESSAD_PER_YEAR:g} % a "
                  "year)"))
    return steps


# =============================================================================================

def derive(authorisations=AUTHORISATIONS):
    """Everything the scenario needs, as one dict (printed by report, written by write_toml and
    write_providers)."""
    m = {}
    m["deps"] = deps = read_csv("departements.csv")
    rates = regional_rates(read_csv("regions.csv"))
    pop = [int(d["population_0_19"]) for d in deps]
    places, m["basis"], m["factor"] = child_places(deps, rates)
    m["places"] = places

    m["waiting_per_place"] = INITIAL_WAITING_TOTAL / sum(NATIONAL_PLACES_2023.values())
    ss, reorient, w, moving = steady_state(m["waiting_per_place"])
    m["ss"], m["w"], m["moving"] = ss, w, moving

    # Deaths are part of the realised stays: the stay-end law keeps the solved exit rate less
    # the service's mean mortality, and SESSAD's re-orientations are shares of the stay ends
    # that are not deaths.
    m["profiles"] = prof = profiles()
    mu = prof["mortality"]
    m["stay_mean"] = {s: 1.0 / (1.0 / ss[s]["mean"] - mu[s]) for s in CHILD_SERVICES}
    alive = 1.0 - mu["SESSAD"] * ss["SESSAD"]["mean"]
    m["reorient"] = {t: p / alive for t, p in reorient.items()}
    m["adult_stay_mean"] = {a: 1.0 / (ADULT_EXIT_RATE_PER_YEAR - mu[a]) for a in ADULT_SERVICES}

    # New orientations a year, by service: admissions not coming from SESSAD (grossed up for
    # those who age out while waiting), plus the excess that makes the lists grow.
    est_places = sum(NATIONAL_PLACES_2023[s] for s in ["IME", "ITEP", "EEAP", "IEM"])
    excess = {"SESSAD": EXCESS_SHARE_SESSAD * EXCESS_ORIENTATIONS_PER_YEAR}
    for s in ["IME", "ITEP", "EEAP", "IEM"]:
        excess[s] = ((1 - EXCESS_SHARE_SESSAD) * EXCESS_ORIENTATIONS_PER_YEAR
                     * NATIONAL_PLACES_2023[s] / est_places)
    m["excess"] = excess
    m["direct"] = direct = {s: ss[s]["orientations"] + excess[s] for s in CHILD_SERVICES}
    m["rate"] = rate = sum(direct.values())
    # Rounded to 6 decimals, the last one taking the rest, so they sum to 1 within 1e-9.
    m["orientation"] = {s: round(direct[s] / rate, 6) for s in CHILD_SERVICES[:-1]}
    last = CHILD_SERVICES[-1]
    m["orientation"][last] = round(1.0 - sum(m["orientation"].values()), 6)

    # Initial occupants aged 20+: those who reached 20 in the last W years, if they can move;
    # a share `moving` of them holds (the others leave at t = 0, see docs/model.md).
    m["over_share"] = {s: (ss[s]["reach"] * w / NATIONAL_PLACES_2023[s] if moving[s] > 0
                           else 0.0) for s in CHILD_SERVICES}

    # Adult demand: young adults a year moving to each adult service, from French child places
    # and from Belgium (whose young adults wait on their home département's adult lists).
    m["be_reach"] = be_reach = ss["IME"]["reach"] * BELGIUM_IME_PLACES / NATIONAL_PLACES_2023["IME"]
    m["senders"] = senders = [i for i, d in enumerate(deps)
                              if d["region"] in BELGIUM_SENDER_REGIONS]
    sender_pop = sum(pop[i] for i in senders)
    demand = {a: [0.0] * len(deps) for a in ADULT_SERVICES}
    for s in CHILD_SERVICES:
        per_place = ss[s]["reach"] / NATIONAL_PLACES_2023[s]
        for p, action, target, *_ in ON_AGE_LIMIT[s]:
            if action != "move":
                continue
            for i in range(len(deps)):
                demand[target][i] += p * per_place * places[s][i]
            if s == "IME":
                for i in senders:
                    demand[target][i] += p * be_reach * pop[i] / sender_pop
    m["adult_demand"] = {a: sum(demand[a]) for a in ADULT_SERVICES}
    m["adult_total"], m["adult_places"] = {}, {}
    for a in ADULT_SERVICES:
        total = round(m["adult_demand"][a] * (1 - ADULT_SHORTFALL) / ADULT_EXIT_RATE_PER_YEAR)
        m["adult_total"][a] = total
        m["adult_places"][a] = largest_remainder(
            [total * x / m["adult_demand"][a] for x in demand[a]], total)
    m["authorisations"] = authorisations
    m["providers"] = build_providers(m, authorisations)
    return m


# =============================================================================================
# Providers, authorisations, organisations (providers.csv).

def round_half_up(x):
    return math.floor(x + 0.5)


def mean_size(s):
    """Mean places per structure of child service s, 2023."""
    return NATIONAL_PLACES_2023[s] / NATIONAL_STRUCTURES_2023[s]


def provider_count(s, places):
    """How many providers `places` places of service s make in one département."""
    return max(1, round_half_up(places / mean_size(s))) if places > 0 else 0


def even_split(places, n):
    """n sizes summing to `places`, differing by at most 1 (the larger ones first)."""
    q, r = divmod(places, n)
    return [q + 1 if k < r else q for k in range(n)]


def draw_authorisations(territory, imes):
    """Sets the authorisations of one territory's IMEs (see AUTHORISATION_SEED)."""
    rng = random.Random(f"{AUTHORISATION_SEED}:{territory}")
    n = len(imes)

    def count(share):  # round(share x n), the fraction rounded up with its own probability
        whole, frac = divmod(share * n, 1.0)
        return int(whole) + (1 if rng.random() < frac else 0)

    def pick(k, among):  # k of `among` at random
        keys = [rng.random() for _ in among]
        chosen = sorted(range(len(among)), key=lambda i: keys[i])[:k]
        return [among[i] for i in sorted(chosen)]

    held = {id(p): set() for p in imes}
    for authorisation in ["autism", "polyhandicap"]:
        for p in pick(count(IME_AUTHORISATION_SHARES[authorisation]), imes):
            held[id(p)].add(authorisation)
    k_di = count(IME_AUTHORISATION_SHARES["DI"])
    bare = [p for p in imes if not held[id(p)]]
    others = [p for p in imes if held[id(p)]]
    for p in bare + pick(max(0, k_di - len(bare)), others):
        held[id(p)].add("DI")
    for p in imes:
        p["authorisations"] = sorted(held[id(p)])
        admitted = {i for a in held[id(p)] for i in IME_AUTHORISATION_IMPAIRMENTS[a]}
        p["impairments"] = [i for i in IMPAIRMENTS if i in admitted]


def build_providers(m, authorisations):
    """The providers of the five child services, in file order: territory, service, number."""
    deps, places = m["deps"], m["places"]
    territories = [d["code"] for d in deps] + ["BE"]
    by_territory = {code: [] for code in territories}

    def add(code, s, sizes):
        for k, size in enumerate(sizes, start=1):
            assert k < 100, "provider numbers are two digits"
            by_territory[code].append(dict(name=f"{s}-{code}-{k:02d}", territory=code,
                                           service=s, places=size, impairments=[],
                                           authorisations=[], organisation=""))

    for i, d in enumerate(deps):
        for s in CHILD_SERVICES:
            n = provider_count(s, places[s][i])
            add(d["code"], s, even_split(places[s][i], n) if n else [])
    add("BE", "IME", even_split(BELGIUM_IME_PLACES, BELGIUM_STRUCTURES))
    # Each département keeps exactly the places the baseline gives it, service by service.
    for i, d in enumerate(deps):
        for s in CHILD_SERVICES:
            got = sum(p["places"] for p in by_territory[d["code"]] if p["service"] == s)
            assert got == places[s][i], (d["code"], s, got, places[s][i])
    assert sum(p["places"] for p in by_territory["BE"]) == BELGIUM_IME_PLACES

    for code in territories:
        if authorisations:
            draw_authorisations(code, [p for p in by_territory[code] if p["service"] == "IME"])
        provs = by_territory[code]  # by service (CHILD_SERVICES order), then name
        if code == "BE":
            for k, p in enumerate(provs, start=1):
                p["organisation"] = f"ORG-BE-{k:02d}"
            continue
        n_org = max(1, round_half_up(len(provs) / PROVIDERS_PER_ORGANISATION))
        assert n_org < 100, "organisation numbers are two digits"
        for j, p in enumerate(provs):
            p["organisation"] = f"ORG-{code}-{j % n_org + 1:02d}"
    return [p for code in territories for p in by_territory[code]]


def aesh_fte_total(m):
    """AESH FTE for the model's waiting children, nationally (see AESH_HEADROOM)."""
    pupils = sum(round_half_up(m["waiting_per_place"] * m["places"][s][i]) *
                 INTERIM_SHARES[s].get("school_with_aesh", 0.0)
                 for s in CHILD_SERVICES for i in range(len(m["deps"])))
    return round(pupils * AESH_FTE_PER_PUPIL * (1.0 + AESH_HEADROOM), 1)


def write_aesh_capacity(add, m):
    add(f"per_child = {fmt(AESH_FTE_PER_PUPIL)}  # AESH FTE per pupil with human aid: "
        f"{AESH_FTE_2023:,} FTE (2023) / {AESH_PUPILS_2022:,.0f} pupils (2022)")
    add('fallback = "school_without_aesh"  # no AESH hours left in the département')
    add(f"# AESH FTE for the model's waiting children, shared by population 0-19 (ESTIMATE: "
        f"their use at t = 0 + {AESH_HEADROOM:.0%}).")
    add(f"capacity_total = {aesh_fte_total(m)}")


def write_money(add):
    """Payers, each service's cost and billing, and the funding rules (the generator's
    COST_PER_PLACE_YEAR ... FUNDING_RULES)."""
    add("# Money (2016 euros, constant): who pays, what a place costs, how days are billed, and")
    add("# the rules. Sources and ESTIMATES: the generator's COST_PER_PLACE_YEAR ... FUNDING_RULES.")
    for name, description in PAYERS.items():
        add(f"[payers.{name}]")
        add(f'description = "{description}"')
    add("")
    for s in CHILD_SERVICES + ADULT_SERVICES:
        add(f"[services.{s}.money]")
        if s in COST_PER_PLACE_YEAR:
            cost, source = COST_PER_PLACE_YEAR[s]
            if s == "ESAT":
                add(f"euros_per_place_year = {round(cost + ESAT_PAY_SUPPORT_PER_WORKER)}  "
                    f"# {cost:,} operating ({source}) + {ESAT_PAY_SUPPORT_PER_WORKER:,.0f} "
                    "pay support (GRTH 2023, ESTIMATE per place)")
            else:
                add(f"euros_per_place_year = {cost}  # {source}")
        else:
            add("euros_per_place_year = 0  # no published cost (domain-facts §9.8)")
        add(f"fixed_share = {fmt(FIXED_COST_SHARE)}  # ESTIMATE")
        split = PAYER_SPLIT.get(s, {"assurance_maladie": 1.0})
        add("payers = { " + ", ".join(f"{p} = {fmt(v)}" for p, v in split.items()) + " }")
        add(f"opening_days = {fmt(OPENING_DAYS[s])}")
        add("")
    add("[funding]")
    add("cost_growth_per_year = 0.0  # constant 2016 euros")
    add("")
    for name, rule, services in FUNDING_RULES:
        add("[[funding.rules]]")
        add(f'name = "{name}"')
        add(f'rule = "{rule}"')
        add("services = [" + ", ".join(f'"{x}"' for x in services) + "]")
        if rule == "daily_price":
            add(f"floor_occupancy = {fmt(PRICE_FLOOR_OCCUPANCY)}  # ESTIMATE: no price on less "
                "than 80 % of the opening days")
        add("")


def write_ime_costs(m, path=IME_COSTS_OUT):
    """Each IME provider's cost decomposition (IME_GAMME_SHARES of places x cost a place) and
    forecast days by price mode (places full, IME mode and schooling shares)."""
    cost = COST_PER_PLACE_YEAR["IME"][0]
    days = OPENING_DAYS["IME"]
    modes = mode_shares("IME")
    schooling = schooling_shares("IME")
    at_school = sum(share * SCHOOL_DAY_SHARE.get(n, 0.0) for n, share in schooling.items())
    per_place = {"demi_pension": 0.0, "inclusion": 0.0, "internat": 0.0}
    for mode, share in modes.items():
        attended = days * share * MODES[mode][1]
        per_place[IME_PRICE_MODE_OF[mode]] += attended * (1.0 - at_school)
        per_place["inclusion"] += attended * at_school
    gammes = list(IME_GAMME_SHARES)
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["provider"] + gammes + [f"days_{n}" for n in per_place])
        for p in m["providers"]:
            if p["service"] != "IME":
                continue
            budget = p["places"] * cost
            out.writerow([p["name"]] + [fmt(budget * IME_GAMME_SHARES[g], 2) for g in gammes] +
                         [fmt(p["places"] * d, 2) for d in per_place.values()])


def write_providers(m, path=PROVIDERS_OUT):
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["name", "territory", "service", "places", "impairments", "organisation"])
        for p in m["providers"]:
            out.writerow([p["name"], p["territory"], p["service"], p["places"],
                          ";".join(p["impairments"]), p["organisation"]])


def share_16_plus(m):
    present = m["ss"]["IME"]["present"]
    over = m["over_share"]["IME"]
    return (1 - over) * sum(present[cell(16):]) / sum(present) + over


def mean_age(profile):
    return sum(i * GRID * x for i, x in enumerate(profile)) / sum(profile) + GRID / 2


SERVICE_LABEL = {
    "IME": "instituts médico-éducatifs (intellectual disability, autism), 6-20",
    "SESSAD": "services d'éducation spéciale et de soins à domicile, 0-20",
    "ITEP": "instituts thérapeutiques, éducatifs et pédagogiques (behaviour), 6-20",
    "EEAP": "établissements pour enfants polyhandicapés, 0-20",
    "IEM": "instituts d'éducation motrice, 0-20",
    "ESAT": "établissements et services d'aide par le travail",
    "FOYER": "foyers de vie, FAM, EAM, EANM",
    "MAS": "maisons d'accueil spécialisées",
}


PROFILE_NOTE = {
    "IME": "main impairment: mean of seven départements' tableaux de bord 2020-2022 for "
           "intellectual, autism, psychiatric; polyhandicap {poly} (35 % of ~7,300 "
           "polyhandicapped children in IME-type establishments in 2001, DREES, over ~69,600 "
           "IME places); motor, sensory 1 % each; other = the rest (ESTIMATE)",
    "SESSAD": "main impairment: national tableau de bord 2020 (ANAP-ATIH, 1,435 SESSAD) mapped "
              "to the seven categories, under diagnosis and unstated (5.9 %) left out",
    "ITEP": "main impairment ESTIMATE: ITEP serve behaviour disorders with preserved "
            "intellectual potential (décret 2005-11)",
    "EEAP": "main impairment ESTIMATE: EEAP serve polyhandicapped children",
    "IEM": "main impairment ESTIMATE: IEM serve motor impairments; ~8 % polyhandicapped "
           "(DREES, 2001)",
    "ESAT": "initial occupants only; main impairment ESTIMATE: mostly intellectual and "
            "psychiatric disability (DREES ES 2006)",
    "FOYER": "initial occupants only; main impairment ESTIMATE",
    "MAS": "initial occupants only; main impairment ESTIMATE: about half polyhandicapped in "
           "2001 (DREES), less since MAS grew for autism and psychiatric disability",
}


def inline(shares):
    return "{ " + ", ".join(f"{n} = {fmt(v)}" for n, v in shares.items()) + " }"


def write_profile(add, m, s):
    """The [services.X.children] table: who enters the model through service s."""
    prof = m["profiles"]
    note = PROFILE_NOTE[s].replace("{poly}", f"{100 * IME_POLYHANDICAP:.1f} %")
    words, line = note.split(), "#"
    for word in words:  # wrap the note at 96 columns
        if len(line) + 1 + len(word) > 96:
            add(line)
            line = "#"
        line += " " + word
    add(line + ".")
    add(f"[services.{s}.children]")
    add(f"impairment = {inline(prof['impairment'][s])}")
    add(f"needs = {inline(prof['needs'][s])}  # ESTIMATE: no figure (see the generator)")
    if s in CHILD_SERVICES:
        add(f"ase_share = {fmt(prof['ase'][s], 4)}  # Centre-Val de Loire 2020: "
            f"{ASE_SHARE_CVL_2020[s]:.1%}{' (IEM: ESTIMATE as SESSAD)' if s == 'IEM' else ''}"
            f" x {prof['ase_factor']:.3f} (national 15 %)")
    else:
        add("ase_share = 0.0  # ASE is a measure for minors: initial adult occupants have none")
    if s in ("EEAP", "ESAT", "FOYER", "MAS"):
        why = {"EEAP": "53 % of polyhandicapped people are male (DREES, 2001)",
               "ESAT": "men are 60 % of ESAT workers (DREES ES 2006)",
               "FOYER": "men are 56 % in adult establishments other than ESAT (DREES ES 2006)",
               "MAS": "men are 56 % in adult establishments other than ESAT (DREES ES 2006)"}[s]
        add(f"boys_share = {fmt(BOYS_SHARE[s])}  # {why}")
    else:
        add(f"boys_share = {fmt(BOYS_SHARE[s])}  # ESTIMATE: 2/3 boys in child ESMS (DREES 2018),"
            f" {'most in ITEP' if s == 'ITEP' else 'by service'}")


def write_children_and_lists(add):
    add("# Children's attributes, drawn once from the profile ([services.X.children]) of the "
        "service a")
    add("# child enters through, kept for life. Mortality: the probability of dying within a "
        "year,")
    add("# a constant hazard at every age and in every state; only where it is far above the "
        "general")
    add("# population's (~0.0002 a year at 5-19). All ESTIMATES from published survival (see the generator's "
        "MORTALITY_PER_YEAR):")
    add("#   polyhandicap: cerebral palsy GMFCS V, 60 % survive to 19 (Westbom 2011, Sweden); "
        "severely")
    add("#   disabled in all functions, 50 % to 20 (Hutton 1994, Mersey); mortality falling "
        "since (Brooks")
    add("#   2014, California): 0.02 (67 % survive 20 years). motor: all cerebral palsy, 96 % "
        "to 19")
    add("#   (Westbom 2011), plus neuromuscular diseases: 0.003. intellectual: 157 per 100,000 "
        "pupil-years")
    add("#   (Smith 2022, Scotland): 0.002. Others: 0 (close to the general population).")
    add("[children]")
    add("impairments = [" + ", ".join(f'"{i}"' for i in IMPAIRMENTS) + "]  # psychiatric = "
        "psychiatric + behaviour and communication disorders")
    add("needs_levels = [" + ", ".join(f'"{n}"' for n in NEEDS_LEVELS) + "]  # ESTIMATE: "
        "very_high = needs a constant human presence")
    add("mortality_per_year = " + inline({i: MORTALITY_PER_YEAR[i] for i in IMPAIRMENTS
                                          if i in MORTALITY_PER_YEAR}))
    add("# Age groups of the outputs by age: under 6, the IME's IMP (6-13) and IMPro (14-15, 16-19:")
    add("# split at 16 to check DREES 2010's 43 % of IME users aged 16+) sections, 20+ (Creton).")
    add("age_groups = [" + ", ".join(fmt(a) for a in AGE_GROUPS) + "]")
    add("")
    add("# Waiting lists (no national rule: domain-facts §8.5). Priority levels after the joint "
        "management")
    add("# of IME admissions in Pas-de-Calais (seeds/004: 'P1' critical situations, a list "
        "re-examined")
    add("# 'all the time') and the Réponse accompagnée pour tous (a PAG may give priority "
        "access).")
    add("[lists]")
    add(f"review_every_months = {REVIEW_EVERY_MONTHS}  # ESTIMATE: twice a year, between the "
        "pioneers' constant review and the yearly PAG review")
    add("reviewed_services = [" + ", ".join(f'"{c}"' for c in CHILD_SERVICES) + "]  # the "
        "child lists the MDPH and providers manage (seeds/004); adult lists are left alone")
    add(f"removal_per_review = {fmt(REMOVAL_PER_REVIEW)}  # ESTIMATE: ~1 in 10 waiting children "
        "a year leave the list (moved, other solution, gave up)")
    add(f"pag_after_years = {fmt(PAG_AFTER_YEARS)}  # ESTIMATE: a school year with no solution "
        "makes a critical situation (RAPT)")
    add(f'pag_interim = "{PAG_INTERIM}"  # the PAG brings partial services meanwhile '
        "(another ESMS, PCPE, CMP, CAMSP)")
    add("# Who holds the lists: one per home territory and service, pooled among its providers, as")
    add("# Pas-de-Calais' shared governance of admissions does (seeds/004). The alternative,")
    add('# per = "provider" with applications = N, puts a child on N providers\' lists, as '
        "elsewhere")
    add("# children are on several providers' lists.")
    add(f'per = "{LISTS_PER}"')
    for name, condition, description in PRIORITY_LEVELS:
        add("")
        add("[[lists.priority]]")
        add(f'name = "{name}"')
        if name in CHILD_PRIORITY_LEVELS:
            add("services = [" + ", ".join(f'"{c}"' for c in CHILD_SERVICES) + "]")
        if condition:
            add(f"{condition[0]} = {condition[1]}")
        add(f'description = "{description}"')
    add("")
    add("# MDPH notifications: a CDAPH decision holds 1 to 5 years (CASF R.241-31). ESTIMATE: 5 years,")
    add("# always renewed while the child waits (no figure on lapses; see the generator).")
    add("[notifications]")
    add(f"validity_years = {fmt(NOTIFICATION_YEARS)}")
    add(f"renewal_share = {fmt(RENEWAL_SHARE)}")
    add("")


def write_providers_table(add, m):
    """The [providers] table and what providers.csv holds."""
    sizes = [f"{s} {NATIONAL_PLACES_2023[s]:,} / {NATIONAL_STRUCTURES_2023[s]:,}"
             for s in CHILD_SERVICES]
    add("# Providers of the five child services (establishments and services): one row each in")
    add("# providers.csv, generated with this file: places, authorised impairments, organisation.")
    add("# Places: each département's places of a service (the comments under [services.X]) as")
    add("# max(1, round(places / mean size)) providers of equal size +-1; mean size = places /")
    add(f"# structures 2023 ({', '.join(sizes[:3])},")
    add(f"# {', '.join(sizes[3:])}; FINESS via Handidonnées Grand Est, Synthèse offre")
    add(f"# enfant 2023). Belgium: {BELGIUM_STRUCTURES} structures.")
    if m["authorisations"]:
        add("# IME authorisations: DI 86 %, autism 29 %, polyhandicap 10 % of IMEs (CNSA, CA 2014),"
            " drawn")
        add(f"# per territory (seed {AUTHORISATION_SEED}) so that each département's shares are "
            "as close to them")
        add("# as its number of IMEs allows; DI admits intellectual, psychiatric, motor, sensory, "
            "other")
        add("# (ESTIMATE). SESSAD, ITEP, EEAP, IEM admit any child.")
    else:
        add("# IME authorisations off: every provider admits any child; ime-authorisations.toml")
        add("# runs the same providers with the CNSA shares (see the generator, AUTHORISATIONS).")
    add(f"# Organisations: ESTIMATE, about {PROVIDERS_PER_ORGANISATION} providers each, services "
        "mixed round-robin within a")
    add("# département; each Belgian structure its own. The adult services keep their places "
        "below.")
    add("[providers]")
    add(f'file = "{PROVIDERS_OUT.name}"')
    add("")


def write_modes_and_schooling(add):
    add("# Modes of care and schooling of children in a place: drawn at admission (and at t = 0)")
    add("# from the service's `modes` and `schooling` shares, changed only by plan steps. Sources")
    add("# and ESTIMATES: the generator's MODES ... SCHOOLING_SHARES. Adult services record none.")
    notes = {
        "semi_internat_part_time": "ESTIMATE: sequential care, about half the opening days",
        "ambulatory": f"ESTIMATE: about two days of contact a week",
    }
    for name, (residential, attendance, description) in MODES.items():
        add(f"[modes.{name}]")
        if residential:
            add("residential = true")
        if attendance != 1.0:
            add(f"attendance = {fmt(attendance)}  # {notes[name]}")
        add(f'description = "{description}"')
    add("")
    for name, (ordinary, description) in SCHOOLING.items():
        add(f"[schooling.{name}]")
        if ordinary:
            add("ordinary_school = true")
        if name in SCHOOL_DAY_SHARE:
            add(f"school_day_share = {fmt(SCHOOL_DAY_SHARE[name])}  # ESTIMATE: inclusion days, "
                "half the attended days")
        add(f'description = "{description}"')
    add("")


CARE_NOTE = {
    "IME": ("internat 31 % (DREES 2010); part time 10 % ESTIMATE",
            "not schooled 12 % (DREES 2018, 6-15); UEE ~10,000 of ~70,000 (~2021); ordinary "
            "class 6 % (DREES 2010); internal unit the rest"),
    "SESSAD": ("ambulatory follow-up",
               "ordinary school 96 % (DREES 2010, 6-16); the rest not schooled (ESTIMATE)"),
    "ITEP": ("internat 56 % (DREES 2010); part time 15 % ESTIMATE",
             "ordinary school 3 in 4 (DREES 2022), split ESTIMATE 10 % UEE, 65 % ordinary class; "
             "not schooled 3 % ESTIMATE"),
    "EEAP": ("internat 51 % (DREES 2010); part time 5 % ESTIMATE",
             "not schooled 69 % (DREES 2018, 6-15); internal unit the rest"),
    "IEM": ("internat 40 % ESTIMATE (between IME and EEAP); part time 10 % ESTIMATE",
            "not schooled 13 % (DREES 2018, 6-15); ESTIMATE 10 % UEE, 20 % ordinary class"),
}


def write_service_care(add, s):
    """The `modes` and `schooling` shares of child service s, with their sources."""
    mode_note, school_note = CARE_NOTE[s]
    for line in textwrap.wrap(f"Modes: {mode_note}.", 94):
        add("# " + line)
    add("modes = " + inline(mode_shares(s)))
    for line in textwrap.wrap(f"Schooling: {school_note}.", 94):
        add("# " + line)
    add("schooling = " + inline(schooling_shares(s)))
    if s in ALTERNATIVES:
        target, share = ALTERNATIVES[s]
        add(f"# Double orientation: ESTIMATE, the alternative of an {s} orientation is a {target}; only a")
        add("# PAG brings it (share 0; no figure on double orientations).")
        add(f'alternative = "{target}"')
        add(f"alternative_share = {fmt(share)}")


# Providers' responses (rule 28): (key, value, what it means). ASSUMPTIONS, no published figure.
BEHAVIOUR = [
    ("step_down", 0.5, "a re-orientation step that costs a day's funding less than at the start "
     "is 50 % more frequent"),
    ("care", 0.5, "likewise for changes of mode or schooling in the place"),
    ("max_factor", 3.0, "no step more than 3 times as frequent as calibrated"),
    ("vacancy_days", 30.0, "a provider no longer paid for occupied days waits 30 days before "
     "filling a freed place"),
    ("creton_release", 0.2, "a provider no longer paid for a young adult's days sends 20 % of "
     "them home to wait"),
    ("selection_days", 180.0, "a child worth a whole place-day more a day jumps 180 days of "
     "waiting"),
    ("mode_costs", 1.0, "under modulated prices a provider weighs each mode's cost against its "
     "price (its margin)"),
]


def write_plans(add):
    add("# Yearly plan reviews on 1 September (ESTIMATE/convention: the school year's start, when")
    add("# changes of mode, unit or service take effect; a plan is reviewed at least yearly). Mode")
    add("# steps internat <-> semi_internat keep the published mode shares (detailed balance:")
    add("# p_down x share_internat = p_up x share_semi_internat; p_down ESTIMATE: 5 % a year in")
    add("# IME and EEAP, 10 % in ITEP run as a DITEP, whose mode changes need no new MDPH decision).")
    add("[plans]")
    add(f"review_month = {PLAN_REVIEW_MONTH}")
    for name, service, p, conditions, effects, description in plan_steps():
        add("")
        add("[[plans.steps]]")
        add(f'name = "{name}"')
        add(f'from = "{service}"')
        add(f"probability = {fmt(p)}")
        for key, value in conditions + effects:
            add(f"{key} = {value}")
        add(f'description = "{description}"')
    add("")


def write_behaviour(add):
    add("# Providers' responses to the incentives of their funding (docs/model.md, rule 28). The")
    add("# probabilities above were calibrated under the funding in force at the start (the status")
    add("# quo), so each response acts on the change of an incentive from it: the baseline's paths")
    add("# are the same whatever these values, and a policy variant that changes the funding shows")
    add("# them from its date. No elasticity is published: every value is an ASSUMPTION, for the")
    add("# sensitivity studies to vary (--set behaviour.step_down=1.0).")
    add("[behaviour]")
    for key, value, comment in BEHAVIOUR:
        add(f"{key} = {fmt(value)}  # ASSUMPTION: {comment}")
    add("")


def write_toml(m):
    deps, ss, w = m["deps"], m["ss"], m["w"]
    L = []
    add = L.append
    add("# The calibrated France baseline: 101 départements, five child services (IME, SESSAD,")
    add("# ITEP, EEAP, IEM), the adult places that free up for young adults leaving them (ESAT,")
    add("# FOYER, MAS), Belgium as an abroad destination for IME-type children, 2025-2045.")
    add("# GENERATED by scenarios/france/generate_baseline.py from data/france/*.csv: edit the")
    add("# generator, not this file. Derivations: docs/model.md, \"The France baseline\".")
    add("# Figures marked ESTIMATE are derived, not published (domain-facts convention).")
    add("")
    add("# Basis of each département's child places (P = published figure of departements.csv,")
    add("# with its year; R = regional rate of regions.csv x population 0-19; N = national rate")
    add("# x population 0-19). R and N cells are rescaled per service so the national totals")
    add("# equal the 2023 places: factors " +
        ", ".join(f"{s} {m['factor'][s]:.3f}" for s in CHILD_SERVICES) + ".")
    add(("#   code  name                           " +
         "  ".join(f"{s:<6}" for s in CHILD_SERVICES)).rstrip())
    for i, d in enumerate(deps):
        cells = []
        for s in CHILD_SERVICES:
            kind, detail = m["basis"][s][i]
            cells.append(f"{'P' + detail[2:] if kind == 'published' else kind[0].upper():<6}")
        add(f"#   {d['code']:<5} {d['name'][:30]:<30} " + "  ".join(cells).rstrip())
    add("")
    add("[scenario]")
    add('name = "france-baseline"')
    add('description = "France baseline: 101 départements, IME, SESSAD, ITEP, EEAP, IEM, adult '
        'places for young adults, Belgium; places of 2023, capacity frozen"')
    add(f"start_date = {START_DATE}")
    add(f"horizon_years = {HORIZON_YEARS}")
    add("")
    add("[run]")
    add(f"seed = {SEED}")
    add(f"replications = {REPLICATIONS}")
    add("")
    add("[territories]")
    add('table = "../../data/france/departements.csv"   # INSEE population 0-19 at 1/1/2023')
    add('weight_column = "population_0_19"              # new orientations shared by it')
    add('borders = "../../data/france/travel.csv"       # 239 land borders')
    add("")
    add("[placement]")
    add(f"max_steps = {PLACEMENT_MAX_STEPS}  # no free place at home: a place one land border "
        "away, nearest first; Belgium last")
    add("")
    add("[abroad.BE]")
    add('name = "Belgique (Wallonie)"')
    add("# Senders: départements of " + ", ".join(BELGIUM_SENDER_REGIONS) + ",")
    add("# 86 % of the children's origins (Cour des comptes 2022).")
    sender_codes = [deps[i]["code"] for i in m["senders"]]
    rows = [", ".join(f'"{c}"' for c in sender_codes[j:j + 12])
            for j in range(0, len(sender_codes), 12)]
    add("senders = [\n  " + ",\n  ".join(rows) + ",\n]")
    add("# No closed_from: the baseline has no moratorium (a policy variant sets one).")
    add(f"# Places: {BELGIUM_IME_PLACES:,} IME-type places (ESTIMATE in the 1,200-1,500 range: "
        "REPSS 1.10 (~1,500, 2021),")
    add(f"# Cour des comptes (~1,200, 2022)) as {BELGIUM_STRUCTURES} conventioned structures "
        "(REPSS 1.10): in providers.csv.")
    add("")
    write_providers_table(add, m)

    add("# Interim situations of children waiting for a place (see the generator's INTERIM: shares")
    add("# from Loire-Atlantique 2019 taken as national, ESTIMATE).")
    for name, (flags, description) in INTERIM.items():
        add(f"[interim.{name}]  # {description}")
        if flags:
            add(flags)
        if name == "school_with_aesh":
            write_aesh_capacity(add, m)
    add("")
    add("# Where leavers go (the generator's OUTCOMES): counted in `left_to`.")
    for name, description in OUTCOMES.items():
        add(f"[outcomes.{name}]")
        add(f'description = "{description}"')
    add("")
    write_modes_and_schooling(add)
    write_children_and_lists(add)
    write_plans(add)
    write_behaviour(add)
    add("[arrivals]")
    add("# New orientations a year, nationally (ESTIMATE): for each child service, admissions")
    add("# (places / mean stay) not coming from SESSAD stay ends, grossed up for those who reach")
    add("# 20 while waiting, plus the excess of orientations over exits "
        f"({EXCESS_ORIENTATIONS_PER_YEAR:.0f}/yr, the 2006-2022")
    add("# growth of children accompanied, now going to the lists since capacity is frozen):")
    for s in CHILD_SERVICES:
        r = ss[s]
        add(f"#   {s:<6} {m['direct'][s]:6.0f} = {r['admissions']:.0f} admissions - "
            f"{r['from_sessad']:.0f} from SESSAD + "
            f"{r['orientations'] - r['admissions'] + r['from_sessad']:.0f} "
            f"aged out waiting + {m['excess'][s]:.0f} excess")
    add(f"rate_per_year = {fmt(m['rate'], 1)}")
    add("# Age at orientation, years (ESTIMATE; SESSAD has its own, younger law): fitted so that")
    add("# about 43 % of IME users are 16 or older (DREES ES 2010). Those under a minimum age")
    add("# wait for it.")
    add(f"age_years = {empirical(ARRIVAL_AGE_VALUES, ARRIVAL_AGE_CUMULATIVE)}")
    add("# Shares of the rate above (ESTIMATE, derived from the flows above).")
    add("orientation = { " +
        ", ".join(f"{s} = {fmt(m['orientation'][s])}" for s in CHILD_SERVICES) + " }")
    add("")

    for s in CHILD_SERVICES:
        r = ss[s]
        add(f"[services.{s}]")
        add(f"# {SERVICE_LABEL[s]}. {NATIONAL_PLACES_2023[s]:,} places (2023).")
        if MIN_AGE_YEARS[s] > 0:
            add(f"min_age_years = {fmt(MIN_AGE_YEARS[s])}")
        add(f"age_limit_years = {fmt(AGE_LIMIT_YEARS)}  # law: child ESMS serve people under 20")
        add("# ESTIMATE: exponential; exit rate solved so the realised mean stay (Creton holding "
            "included)")
        add(f"# is {MEAN_STAY_YEARS[s]} years: 1 / {r['mean']:.3f} a year; the age limit ends "
            f"{r['reach'] / r['admissions']:.0%} of stays.")
        add(f"# Deaths are among those exits: the stay-end rate is that less the service's mean "
            f"mortality,")
        add(f"# {m['profiles']['mortality'][s]:.5f} a year (its children's profile).")
        add(f'length_of_stay_years = {{ law = "exponential", mean = '
            f'{fmt(m["stay_mean"][s], 3)} }}')
        if s == "SESSAD":
            add("# Newcomers' age, years (ESTIMATE: younger than the common law, see the "
                "generator).")
            add(f"arrival_age_years = "
                f"{empirical(ARRIVAL_AGE_VALUES, SESSAD_ARRIVAL_AGE_CUMULATIVE)}")
            add("# Stay ends before 20: re-orientation to an establishment (shares solved so that "
                "17 % of IME,")
            add("# 9 % of ITEP, 10 % of EEAP and 24 % of IEM entrants come from a SESSAD, DREES "
                "2014), else leave.")
            rows = [(round(m["reorient"][t], 6), "orient", t)
                    for t in ["IME", "ITEP", "EEAP", "IEM"]]
            rows.append((round(1.0 - sum(p for p, _, _ in rows), 6), "leave", None))
            add(f"on_stay_end = {branches(rows)}")
        else:
            add("# Stay ends before 20: leaves the sector (ordinary school, home, other sectors).")
            add('on_stay_end = [{ probability = 1.0, action = "leave" }]')
        if s == "IME":
            add("# At 20: DREES destinations of Creton leavers (ER 390, 2001). `move` keeps the "
                "place")
            add("# until an adult place frees (the Creton rule).")
        elif s == "IEM":
            add("# At 20: IME's destinations (ESTIMATE: no IEM-specific figure).")
        elif s == "EEAP":
            add("# At 20: MAS, some FAM (ESTIMATE: polyhandicap; no figure).")
        elif s == "ITEP":
            add("# At 20: leave (ESTIMATE: training, work, adult psychiatry; no Creton modelled).")
        else:
            add("# At 20: the accompaniment at home ends.")
        add(f"on_age_limit = {branches(ON_AGE_LIMIT[s])}")
        if s == "SESSAD":
            add("# Waiting meanwhile: SESSAD-notified children of Loire-Atlantique 2019 (ESTIMATE).")
        else:
            add("# Waiting meanwhile: IME-notified children of Loire-Atlantique 2019, school split "
                "by AESH (ESTIMATE).")
        add("interim = { " +
            ", ".join(f"{n} = {fmt(v)}" for n, v in INTERIM_SHARES[s].items()) + " }")
        write_service_care(add, s)
        write_profile(add, m, s)
        over = m["over_share"][s]
        if over > 0:
            add(f"# t = 0: full; ages = the steady-state profile under 20, then {over:.1%} aged "
                f"20+ (people who")
            if m["moving"][s] < 1:
                add(f"# reached 20 in the last W = {w:.2f} years); {m['moving'][s]:.0%} of them "
                    "hold their place (Creton), the")
                add("# rest leave at once. ESTIMATE.")
            else:
                add(f"# reached 20 in the last W = {w:.2f} years), all holding their place "
                    "(Creton). ESTIMATE.")
        else:
            add("# t = 0: full; ages = the steady-state profile under 20 (ESTIMATE).")
        law = initial_age_law(s, r["present"], over)
        add(f"# On the lists at t = 0: {m['waiting_per_place']:.4f} per place (ESTIMATE: "
            f"{INITIAL_WAITING_TOTAL:,} children")
        add(f"# nationally), of the ages of list members in the steady state, having waited up "
            f"to {r['wait']:.2f} years.")
        wait_law = profile_law(r["list_ages"], MIN_AGE_YEARS[s], AGE_LIMIT_YEARS)
        add(f"[services.{s}.initial]")
        add("share_of_places = 1.0")
        add(f"age_years = {law}")
        add(f"waiting_per_place = {fmt(m['waiting_per_place'])}")
        add(f"waiting_age_years = {wait_law}")
        add(f'waited_years = {{ law = "uniform", min = 0.0, max = {fmt(r["wait"], 3)} }}')
        add("")
        count = {}
        for p in m["providers"]:
            if p["service"] == s:
                count[p["territory"]] = count.get(p["territory"], 0) + 1
        add(f"# Places per département: in providers.csv, as max(1, round(places / "
            f"{mean_size(s):.1f})) providers")
        add(f"# ({NATIONAL_PLACES_2023[s]:,} places / {NATIONAL_STRUCTURES_2023[s]:,} "
            f"structures, 2023) of equal size +-1. For reference only:")
        for i, d in enumerate(deps):
            kind, detail = m["basis"][s][i]
            if kind == "published":
                note = f"published {detail}"
            else:
                note = (f"{kind} rate {detail} x {int(d['population_0_19']):,} x "
                        f"{m['factor'][s]:.3f}")
            n = count.get(d["code"], 0)
            add(f'#   "{d["code"]}" = {m["places"][s][i]:<6} # {d["name"]}: {note}; '
                f'{n} provider{"" if n == 1 else "s"}')
        add("")

    for a in ADULT_SERVICES:
        demand, total, pub = m["adult_demand"][a], m["adult_total"][a], ADULT_PUBLISHED_PLACES[a]
        add(f"[services.{a}]")
        add(f"# {SERVICE_LABEL[a]}: only the places that free up for young adults")
        add("# leaving child services.")
        add(f"# ESTIMATE: {demand:,.0f} young adults a year ask for one (IME, IEM, EEAP and "
            f"Belgium at 20); with")
        add(f"# exits of {ADULT_EXIT_RATE_PER_YEAR:.0%} a year (mean stay "
            f"{1 / ADULT_EXIT_RATE_PER_YEAR:.1f} years), {total:,} places free that many a year: "
            f"{total / pub:.1%}")
        add(f"# of the {pub:,} published places (2022). Shared by département in proportion to "
            "that demand.")
        add(f"# Deaths are among those exits: the stay-end rate is "
            f"{ADULT_EXIT_RATE_PER_YEAR:.0%} less the mean mortality of the")
        add(f"# occupants' profile, {m['profiles']['mortality'][a]:.5f} a year.")
        add(f'length_of_stay_years = {{ law = "exponential", mean = '
            f'{fmt(m["adult_stay_mean"][a], 4)} }}')
        add('on_stay_end = [{ probability = 1.0, action = "leave" }]')
        add("# t = 0: full; ages do not matter (no age limit): uniform 20-60. The young adults")
        add("# waiting for these places at t = 0 are the Creton holders of the child services.")
        add('initial = { share_of_places = 1.0, age_years = { law = "uniform", min = 20.0, '
            'max = 60.0 } }')
        write_profile(add, m, a)
        add("")
        add(f"[services.{a}.places]")
        for i, d in enumerate(deps):
            add(f'"{d["code"]}" = {m["adult_places"][a][i]:<6} # {d["name"]}')
        add("")

    write_money(add)

    establishments = ["IME", "ITEP", "EEAP", "IEM"]
    targets = [(f"children in {s}", "occupants", [s], NATIONAL_PLACES_2023[s],
                PLACES_SOURCE + "; full occupancy assumed (children wait for every kind of "
                "place), one child per place")
               for s in CHILD_SERVICES]
    targets.append(("Creton young adults in IME", "creton", ["IME"],
                    round(CRETON_SHARE_IME * NATIONAL_PLACES_2023["IME"]),
                    f"{CRETON_SHARE_IME:.1%} of IME users (" + CRETON_SOURCE +
                    ") x 75,199 IME places 2023"))
    targets.append(("Creton young adults in child establishments", "creton", establishments,
                    round(CRETON_SHARE_ESTABLISHMENTS *
                          sum(NATIONAL_PLACES_2023[s] for s in establishments)),
                    f"ESTIMATE: {CRETON_SHARE_ESTABLISHMENTS:.1%} of users of child "
                    "establishments (" + CRETON_SOURCE + ") x 2023 places of IME, ITEP, EEAP, "
                    "IEM"))
    targets.append(("children in Belgium", "abroad", ["IME"], BELGIUM_IME_PLACES,
                    "ESTIMATE in the published range: " + BELGIUM_SOURCE))
    add("# Calibration: published stocks at the end of year 1 (mean over replications).")
    for name, measure, services, target, source in targets:
        add("")
        add("[[calibration]]")
        add(f'name = "{name}"')
        add(f'measure = "{measure}"')
        add("services = [" + ", ".join(f'"{s}"' for s in services) + "]")
        add(f"target = {target}")
        add("tolerance = 0.05")
        add(f'source = "{source}"')
    OUT.write_text("\n".join(L) + "\n", encoding="utf-8")


def report(m):
    deps, ss = m["deps"], m["ss"]
    print(f"wrote {OUT} and {PROVIDERS_OUT.name}")
    print("\nPlaces per département: basis counts and rescaling of the non-published ones")
    for s in CHILD_SERVICES:
        kinds = [k for k, _ in m["basis"][s]]
        print(f"  {s:<6} published {kinds.count('published'):3d}, regional "
              f"{kinds.count('regional'):3d}, national {kinds.count('national'):3d}; "
              f"factor {m['factor'][s]:.3f}; total {sum(m['places'][s]):,}")
    print("\nBasis by département (P = published [year], R = regional rate, N = national rate)")
    for i, d in enumerate(deps):
        tags = []
        for s in CHILD_SERVICES:
            kind, detail = m["basis"][s][i]
            tags.append(f"{s}={'P' + detail if kind == 'published' else kind[0].upper()}")
        print(f"  {d['code']:<4} {d['name'][:24]:<24} " + " ".join(tags))
    print(f"\nSteady state of the child services (full places, national; lists of "
          f"{m['waiting_per_place']:.4f} per place)")
    for s in CHILD_SERVICES:
        r = ss[s]
        print(f"  {s:<6} exp. mean {r['mean']:5.2f} y; admissions {r['admissions']:6.0f}/y "
              f"({r['from_sessad']:4.0f} from SESSAD); wait {r['wait']:.2f} y, aged out waiting "
              f"{r['aged_out']:4.0f}/y; reaching 20 {r['reach']:5.0f}/y "
              f"({r['reach'] / r['admissions']:.0%}); mean age <20 {mean_age(r['present']):.1f}; "
              f"20+ at t=0 {m['over_share'][s]:.1%}")
    print(f"  IME users aged 16+: {share_16_plus(m):.1%} (target {TARGET_IME_SHARE_16_PLUS:.0%})")
    print(f"  holding time W = {m['w']:.2f} years; Creton at t=0 (after the draw): " + ", ".join(
        f"{s} {m['moving'][s] * m['over_share'][s] * NATIONAL_PLACES_2023[s]:.0f}"
        for s in CHILD_SERVICES if m["moving"][s] > 0))
    print(f"  SESSAD stay ends before 20: {ss['SESSAD']['stay_ends']:.0f}/y, re-oriented: " +
          ", ".join(f"{s} {p:.3f}" for s, p in m["reorient"].items()))
    print(f"\nNew orientations {m['rate']:.0f}/y: " +
          ", ".join(f"{s} {m['direct'][s]:.0f} ({m['orientation'][s]:.3f}, excess "
                    f"{m['excess'][s]:.0f})" for s in CHILD_SERVICES))
    print(f"\nAdult places freeing for young adults (Belgium adds {m['be_reach']:.0f} reaching "
          "20/y)")
    for a in ADULT_SERVICES:
        print(f"  {a:<6} demand {m['adult_demand'][a]:6.0f}/y -> {m['adult_total'][a]:6,} places "
              f"= {m['adult_total'][a] / ADULT_PUBLISHED_PLACES[a]:.1%} of "
              f"{ADULT_PUBLISHED_PLACES[a]:,}")


def report_care(m):
    """Modes, schooling and the expected plan steps a year in the steady state."""
    print("\nModes and schooling of children in a place (shares at admission = stock shares)")
    for s in CHILD_SERVICES:
        modes = ", ".join(f"{n} {v:.3f}" for n, v in mode_shares(s).items())
        school = ", ".join(f"{n} {v:.3f}" for n, v in schooling_shares(s).items())
        ordinary = sum(v for n, v in schooling_shares(s).items() if SCHOOLING[n][0])
        print(f"  {s:<6} {modes}; {school} (ordinary school {ordinary:.1%})")
    print(f"Plan steps on 1 September (month {PLAN_REVIEW_MONTH}), expected a year in the "
          "steady state (children in a place before 20, not holding)")
    ss = m["ss"]
    for name, s, p, conditions, _, _ in plan_steps():
        present = ss[s]["present"]
        n = sum(present)
        cond = dict(conditions)
        if "modes" in cond:
            mode = cond["modes"].strip('[]"')
            n *= mode_shares(s)[mode]
        if "min_age_years" in cond:
            lo, hi = IME_TO_SESSAD_AGES
            n = sum(present[cell(lo):cell(hi)])
            n *= sum(NEEDS_SHARES[s][k] for k in IME_TO_SESSAD_NEEDS)
        print(f"  {name:<24} p {p:.4f} x {n:7.0f} eligible = {p * n:6.0f} a year")


def report_profiles(m):
    prof = m["profiles"]
    print("\nChildren's profiles (impairment shares; mortality a year; ASE; boys)")
    for s in CHILD_SERVICES + ADULT_SERVICES:
        shares = ", ".join(f"{n} {v:.3f}" for n, v in prof["impairment"][s].items())
        print(f"  {s:<6} {shares}; mortality {prof['mortality'][s]:.5f}; "
              f"ASE {prof['ase'][s]:.3f}; boys {BOYS_SHARE[s]:.2f}")
    print(f"  ASE factor on the Centre-Val de Loire shares: {prof['ase_factor']:.3f}; boys, "
          f"place-weighted: {boys_mean():.1%} (target {BOYS_SHARE_TARGET:.1%})")
    print("  stay-end means net of deaths: " + ", ".join(
        f"{s} {m['ss'][s]['mean']:.3f} -> {m['stay_mean'][s]:.3f}" for s in CHILD_SERVICES) +
          "; adults " + ", ".join(f"{a} {m['adult_stay_mean'][a]:.3f}" for a in ADULT_SERVICES))


def report_providers(m):
    """Providers per service, IME authorisation shares, organisations."""
    provs = m["providers"]
    home = [p for p in provs if p["territory"] != "BE"]
    print(f"\nProviders ({PROVIDERS_OUT.name}): {len(provs):,}, of which Belgium "
          f"{len(provs) - len(home)}")
    for s in CHILD_SERVICES:
        mine = [p for p in home if p["service"] == s]
        sizes = [p["places"] for p in mine]
        print(f"  {s:<6} {len(mine):5,} providers (2023 structures "
              f"{NATIONAL_STRUCTURES_2023[s]:,}, mean size {mean_size(s):.1f}); sizes "
              f"{min(sizes)}-{max(sizes)}, {sum(sizes):,} places")
    be = [p["places"] for p in provs if p["territory"] == "BE"]
    print(f"  BE     {len(be):5} IME structures, sizes {min(be)}-{max(be)}, {sum(be):,} places")
    if m["authorisations"]:
        print(f"IME authorisations (seed {AUTHORISATION_SEED}; target share of IMEs): share of "
              "IMEs / of IME places, the 101 départements")
        imes = [p for p in home if p["service"] == "IME"]
        n, places = len(imes), sum(p["places"] for p in imes)
        be_imes = [p for p in provs if p["territory"] == "BE"]
        for a, target in IME_AUTHORISATION_SHARES.items():
            held = [p for p in imes if a in p["authorisations"]]
            order = [d["code"] for d in m["deps"]]
            lacking = sorted({p["territory"] for p in imes} - {p["territory"] for p in held},
                             key=order.index)
            print(f"  {a:<12} {len(held) / n:.3f} / {sum(p['places'] for p in held) / places:.3f}"
                  f" (target {target:.2f}); Belgium "
                  f"{sum(a in p['authorisations'] for p in be_imes)} of {len(be_imes)}; "
                  f"départements with none: {', '.join(lacking) or '-'}")
        several = sum(len(p["authorisations"]) > 1 for p in imes)
        print(f"  IMEs with several authorisations {several / n:.3f} (target shares sum to "
              f"{sum(IME_AUTHORISATION_SHARES.values()):.2f})")
        by_dep = {}
        for p in imes:
            tot = by_dep.setdefault(p["territory"], [0, 0, 0])
            tot[0] += p["places"]
            tot[1] += p["places"] if "autism" in p["authorisations"] else 0
            tot[2] += 1
        shares = sorted(a / t for t, a, k in by_dep.values() if k >= 5)
        print(f"  autism share of a département's IME places, the {len(shares)} départements "
              f"with 5+ IMEs: min {shares[0]:.2f}, median {shares[len(shares) // 2]:.2f}, "
              f"max {shares[-1]:.2f}")
    else:
        print("IME authorisations: off (AUTHORISATIONS = False), every provider admits any child")
    orgs = {}
    for p in home:
        orgs.setdefault(p["organisation"], set()).add(p["service"])
    running_ime = [ss for ss in orgs.values() if "IME" in ss]
    print(f"Organisations: {len(orgs):,} in the départements ({len(home) / len(orgs):.2f} "
          f"providers each, PROVIDERS_PER_ORGANISATION = {PROVIDERS_PER_ORGANISATION}) + "
          f"{len(provs) - len(home)} in Belgium; of the {len(running_ime)} running an IME, "
          f"{sum('SESSAD' in ss for ss in running_ime)} also run a SESSAD")


def write_authorised_variant():
    """A scenario that extends the baseline with the providers of AUTHORISED_OUT."""
    text = f"""# IME authorisations: the France baseline with each IME admitting only the main impairments it
# is authorised for (DI 86 %, autism 29 %, polyhandicap 10 % of IMEs, CNSA comptes
# administratifs 2014; DI admits intellectual, psychiatric, motor, sensory, other: ESTIMATE),
# and any impairment no provider of its département is authorised for (a derogation).
# Generated by generate_baseline.py with {AUTHORISED_OUT.name}.
extends = "{OUT.name}"

[scenario]
name = "france-ime-authorisations"
description = "France baseline, IMEs admitting only the impairments they are authorised for"

[providers]
file = "{AUTHORISED_OUT.name}"
"""
    AUTHORISED_VARIANT.write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--authorisations", dest="authorisations", action="store_true",
                        default=AUTHORISATIONS,
                        help="the baseline's IMEs too admit only what they are authorised for")
    args = parser.parse_args()
    m = derive(args.authorisations)
    write_toml(m)
    write_providers(m)
    write_ime_costs(m)
    authorised = dict(m, providers=build_providers(m, True), authorisations=True)
    write_providers(authorised, AUTHORISED_OUT)
    write_authorised_variant()
    report(m)
    report_profiles(m)
    report_care(m)
    report_providers(m)
    print(f"\nVariant {AUTHORISED_VARIANT.name} ({AUTHORISED_OUT.name}):")
    report_providers(authorised)


if __name__ == "__main__":
    main()
