r"""The Western Climate Initiative of 2018: California, Quebec and Ontario.

Builder for the chapter "Strict jurisdictions discouraged". One period, 2018; no banking. Every
number comes from ``data/subnational.csv`` (caps, covered emissions, the auction reserve price)
and ``data/mac.csv`` (MIMOSA power curves: USA for California, CAN for Quebec and Ontario):

* California: covered emissions 75% of the state's 418.15 Mt of 2019 (the year nearest 2018 in
  our data), cap 358.3 Mt (Table 6-1 of the regulation);
* Quebec: covered emissions 59.4 Mt (mean of 2018-2020), cap 58.96 Mt;
* Ontario: covered emissions at the 2017 business-as-usual projection, 142.332 Mt, to which the
  regulation set the 2017 cap; the 2018 cap 136.4 Mt (the 2017 cap less the average decline of
  4.17% a year);
* every market has the joint auctions' reserve price of 2018, USD 14.53, as its floor.

A market alone at its floor abates :math:`a = E^{BAU} (p_f / \kappa\gamma)^{1/\beta}` whenever
its cap is not binding at that abatement; the floor then sets its price.

Units: MtCO2e per year, USD per tonne.
"""

from __future__ import annotations

from itertools import combinations

from .. import data

__all__ = ["MARKETS", "fact", "wci_2018"]

#: Jurisdiction -> market.
MARKETS = {"CA": "CA_ETS", "QC": "QC_ETS", "ON": "ON_ETS"}


def fact(ets_id: str, parameter: str, year: int) -> float:
    """One value of ``data/subnational.csv``."""
    t = data.load_table("subnational")
    row = t[(t["ets_id"] == ets_id) & (t["parameter"] == parameter) & (t["year"] == year)]
    if len(row) != 1:
        raise KeyError(f"no single row {ets_id}/{parameter}/{year} in subnational.csv")
    return float(row["value"].iloc[0])


def wci_2018(floor: bool = True, linked: tuple = ("CA_ETS", "QC_ETS", "ON_ETS")) -> dict:
    """The WCI of 2018 as a scenario dict: the markets in ``linked`` trade one allowance
    (every pair linked), the others clear alone. ``floor=False`` drops the reserve price."""
    bau = {"CA": round(fact("US_CA", "covered_share", 2023) / 100 * fact("US_CA", "state_ghg", 2019), 3),
           "QC": fact("CA_QC", "covered_emissions", 2019),
           "ON": fact("CA_ON", "cap", 2017)}
    caps = {"CA": fact("US_CA", "cap", 2018), "QC": fact("CA_QC", "cap", 2018), "ON": fact("CA_ON", "cap", 2018)}
    iso = {"CA": "USA", "QC": "CAN", "ON": "CAN"}
    names = {"CA": "California", "QC": "Quebec", "ON": "Ontario"}
    p_floor = fact("US_CA", "reserve_price", 2018)
    markets = {}
    for j, m in MARKETS.items():
        markets[m] = {"members": [j], "cap": caps[j], "description": f"{names[j]} cap-and-trade, 2018"}
        if floor:
            markets[m]["price_floor"] = p_floor
    return {"name": "WCI 2018: California, Quebec and Ontario",
            "description": "The covered sectors of California, Quebec and Ontario at their 2018 caps.",
            "periods": [2018],
            "jurisdictions": {j: {"bau": bau[j], "mac": data.power_mac(iso[j]), "description": names[j]}
                              for j in MARKETS},
            "markets": markets,
            "links": [[a, b] for a, b in combinations([m for m in MARKETS.values() if m in linked], 2)]}
