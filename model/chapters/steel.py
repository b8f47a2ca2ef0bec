"""Chapter 12, part b: steel traded between the EU, China and the rest of the world, with the
EU's border adjustment (:mod:`model.mechanisms.goods`). Reads data/goods.csv and
data/ets_prices.csv; never solves.

The reference point is 2022: output from worldsteel, net trade rounded (China exports, the EU
and the rest of the world import), EU intensity the EU ETS emissions of iron and steel over EU
output. Prices, transport cost and elasticities are stylised (stated in the chapter). The EU's
carbon price is held at its 2025 mean for 2026-2034 and enters as a fixed carbon price (a tax
market): the steel sector is taken to be too small to move the EU ETS price.
"""

from __future__ import annotations

from .. import data

__all__ = ["fact", "steel", "PERIODS", "TRANSPORT", "PRICE", "ELASTICITY"]

PERIODS = [2026, 2028, 2030, 2032, 2034]
#: Stylised: USD per tonne of steel (China's price; importers pay the transport cost more).
PRICE = 600.0
TRANSPORT = 40.0
#: Stylised elasticities (demand, supply) at the reference point.
ELASTICITY = {"EU": (-0.5, 1.0), "CN": (-0.3, 0.8), "ROW": (-0.4, 1.0)}
#: Stylised: China's intensity (tCO2/t), above the world average of the data (blast furnaces).
CN_INTENSITY = 2.0


def fact(region: str, parameter: str, year: int) -> float:
    t = data.load_table("goods")
    row = t[(t["good"] == "steel") & (t["region"] == region) & (t["parameter"] == parameter) & (t["year"] == year)]
    return float(row["value"].iloc[0])


def eu_carbon_price() -> float:
    """EU ETS 2025 mean price, USD/t (ICAP, primary market)."""
    t = data.load_table("ets_prices")
    row = t[(t["ets_id"] == "EU_ETS") & (t["market"] == "primary") & (t["year"] == 2025)]
    return float(row["price_usd_per_t"].iloc[0])


def steel(border_adjustment: bool = True, phase_out: bool = True, carbon_price: float | None = None) -> dict:
    """The scenario: EU steel under a fixed EU carbon price; free allocation phased out as the CBAM
    factor (``phase_out``) or kept whole; the border adjustment on or off."""
    eu, cn, world = (fact(r, "production", 2022) for r in ("EU", "CN", "WORLD"))
    row = world - eu - cn
    cn_net, eu_net = fact("CN", "net_exports", 2022), fact("EU", "net_imports", 2022)
    row_net = cn_net - eu_net
    e_eu = fact("EU", "ets_emissions", 2022) / eu
    e_row = fact("WORLD", "intensity", 2022)
    fa = {t: (fact("EU", "free_allocation", t) if phase_out else 1.0) for t in PERIODS}
    p = eu_carbon_price() if carbon_price is None else carbon_price

    def region(price, supply, net_imports, name, intensity, **more):
        d, s = ELASTICITY[name]
        return {"price": price, "demand": supply + net_imports, "supply": supply, "demand_elasticity": d,
                "supply_elasticity": s, "intensity": round(intensity, 4), **more}

    return {
        "name": "Steel and the EU's border adjustment",
        "periods": PERIODS,
        "jurisdictions": {"EU": {"bau": 1.0, "mac": {"type": "linear", "slope": 1.0},
                                 "description": "placeholder emitter of the EU carbon price market"}},
        "markets": {"EU_ETS": {"members": ["EU"], "tax": p,
                               "description": "the EU ETS price, held at its 2025 mean (fixed for steel)"}},
        "goods": {"steel": {"unit": "Mt", "transport_cost": TRANSPORT, "regions": {
            "EU": region(PRICE + TRANSPORT, eu, eu_net, "EU", e_eu, market="EU_ETS", free_allocation=fa,
                         border_adjustment=border_adjustment),
            "CN": region(PRICE, cn, -cn_net, "CN", CN_INTENSITY),
            "ROW": region(PRICE + TRANSPORT, row, row_net, "ROW", e_row)}}},
    }
