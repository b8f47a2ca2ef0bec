"""A global carbon budget, shared by a rule and traded: the scenarios of the chapter "A global cap
and a just allocation".

Five regions (China, the United States, Europe, India, the rest of the world; ``data/budget_*.csv``)
with their IMAGE SSP2 BAU CO2 (including land-use CO2, the scope of the IPCC's budgets) and
MIMOSA power MACs, eight decadal periods 2020-2090 (each standing for the ten years from its
start: 2020-2099). One global market whose cap is the budget spread evenly over the 80 years,
with free banking and borrowing, so that only the cumulative budget binds and the price follows
Hotelling's rule at :data:`DISCOUNT_RATE`. Each region's allowances are its budget under the rule
(:mod:`model.allocation`), spread evenly over the years; a negative budget is a negative
allocation (a debt the region buys on the market).

Units: Mt CO2/yr, GtCO2 for budgets, USD2010/t.
"""

from __future__ import annotations

import pandas as pd

from .. import allocation, data

__all__ = ["PERIODS", "DISCOUNT_RATE", "BUDGET_2C", "BUDGET_15C", "regions", "history", "targets", "budget",
           "shares", "world", "RULE_PARAMS"]

#: The periods: 2020, 2030, ..., 2090 (each ten years).
PERIODS = tuple(range(2020, 2091, 10))
#: Discount rate of the scenarios (1/yr): the rate at which the Hotelling price rises.
DISCOUNT_RATE = 0.03
#: The market's name.
MARKET = "GLOBAL"


def budget(temperature: float, likelihood: int) -> float:
    """The IPCC AR6 remaining CO2 budget from 2020, GtCO2 (``data/carbon_budgets.csv``)."""
    t = data.load_table("carbon_budgets")
    row = t[(t["temperature_c"] == temperature) & (t["likelihood_pct"] == likelihood)]
    return float(row["budget_gtco2_from_2020"].iloc[0])


BUDGET_2C = 1150.0  # 2 degC, 67 %: checked against the table by the chapter's tests
BUDGET_15C = 500.0  # 1.5 degC, 50 %


def regions() -> pd.DataFrame:
    """``budget_regions.csv`` for the periods."""
    r = data.load_table("budget_regions")
    return r[r["year"].isin(PERIODS)].reset_index(drop=True)


def history() -> pd.DataFrame:
    return data.load_table("budget_history")


def targets() -> pd.DataFrame:
    return data.load_table("declared_targets")


#: The parameters each rule takes from the data package.
def RULE_PARAMS(rule: str) -> dict:
    if rule in ("historical", "responsibility_capability"):
        return {"history": history()}
    if rule == "declared_peak":
        return {"targets": targets()}
    return {}


def shares(rule: str, total: float = BUDGET_2C, **params) -> pd.DataFrame:
    """:func:`model.allocation.allocate` on the five regions, with the data the rule needs."""
    return allocation.allocate(rule, total, regions(), **{**RULE_PARAMS(rule), **params})


def world(rule: str = "equal_per_capita", total: float = BUDGET_2C, discount_rate: float = DISCOUNT_RATE,
          removals: dict | None = None, **params) -> dict:
    """The scenario: the five regions in one global market with a cumulative budget ``total``
    (GtCO2, 2020-2099), allowances by ``rule``. ``removals``: {region: {slope, max}}."""
    reg = regions()
    mac = data.load_table("budget_mac").set_index("region")
    b = shares(rule, total, **params)["budget_gt"]
    jur = {}
    for i, rows in reg.groupby("region"):
        jur[i] = {"description": str(rows["name"].iloc[0]),
                  "bau": {int(t): float(v) for t, v in zip(rows["year"], rows["co2_bau_mt"], strict=True)},
                  "mac": {"type": "power", "kappa": float(mac.loc[i, "kappa"]),
                          "gamma": float(mac.loc[i, "gamma_usd_per_t"]), "beta": float(mac.loc[i, "beta"])}}
        if removals and i in removals:
            jur[i]["removals"] = dict(removals[i])
    years = len(PERIODS) * allocation.STEP
    return {
        "name": f"Global budget {total:g} Gt, {rule.replace('_', ' ')}",
        "description": "A cumulative CO2 budget 2020-2099 shared by a rule and traded (book chapter 'A global cap').",
        "periods": list(PERIODS), "discount_rate": discount_rate, "jurisdictions": jur,
        "markets": {MARKET: {"members": sorted(jur), "cap": total * 1000.0 / years, "banking": True, "borrowing": True,
                             "allocation": allocation.per_period(b, PERIODS)}},
    }
