"""Chapter 12, part b: steel, cement and aluminium traded between the EU and the rest of the
world, with the EU's border adjustment (:mod:`model.mechanisms.goods`). Reads data/goods.csv and
data/ets_prices.csv; never solves.

Steel has three regions (the EU, China, the rest of the world); cement and aluminium two (the
EU and the rest of the world, :func:`good`), whose reference point is: EU output from the data,
EU demand = output + net imports, the rest of the world's output = world output less the EU's,
its demand = its output less the EU's net imports, and the EU's price above the rest of the
world's by the transport cost. Cement's EU intensity is the EU ETS emissions of cement clinker
over EU cement output (2021); aluminium's is the EU ETS benchmark (a lower bound); the rest of
the world's are the world averages of the data. The CBAM factor (free allocation kept) is the
same for every CBAM good (Directive (EU) 2023/959, Art. 10a(1a)); it is stored under steel.
:func:`goods` puts the three goods in one scenario (they share the EU's fixed carbon price and
are otherwise independent).

The reference point is 2022: output from worldsteel, net trade rounded (China exports, the EU
and the rest of the world import), EU intensity the EU ETS emissions of iron and steel over EU
output. Prices, transport cost and elasticities are stylised (stated in the chapter). The EU's
carbon price is held at its 2025 mean for 2026-2034 and enters as a fixed carbon price (a tax
market): the steel sector is taken to be too small to move the EU ETS price.
"""

from __future__ import annotations

from .. import data

__all__ = ["fact", "steel", "good", "goods", "GOODS", "PERIODS", "TRANSPORT", "PRICE", "ELASTICITY"]

PERIODS = [2026, 2028, 2030, 2032, 2034]
#: Stylised: USD per tonne of steel (China's price; importers pay the transport cost more).
PRICE = 600.0
TRANSPORT = 40.0
#: Stylised elasticities (demand, supply) at the reference point.
ELASTICITY = {"EU": (-0.5, 1.0), "CN": (-0.3, 0.8), "ROW": (-0.4, 1.0)}
#: Stylised: China's intensity (tCO2/t), above the world average of the data (blast furnaces).
CN_INTENSITY = 2.0


#: Cement and aluminium, stylised: the rest of the world's price (USD/t; the EU's is higher by the
#: transport cost), the transport cost (USD/t), elasticities (demand, supply) of the EU and of the
#: rest of the world, and the years of the data rows (output and EU emissions; world intensity).
GOODS = {
    "cement": {"price": 90.0, "transport": 25.0, "elasticity": {"EU": (-0.3, 1.0), "ROW": (-0.3, 1.0)},
               "year": 2021, "world_year": 2022},
    "aluminium": {"price": 2500.0, "transport": 100.0, "elasticity": {"EU": (-0.5, 1.0), "ROW": (-0.4, 1.0)},
                  "year": 2022, "world_year": 2022},
}


def fact(region: str, parameter: str, year: int, good: str = "steel") -> float:
    """One value of ``data/goods.csv``."""
    t = data.load_table("goods")
    row = t[(t["good"] == good) & (t["region"] == region) & (t["parameter"] == parameter) & (t["year"] == year)]
    if len(row) != 1:
        raise KeyError(f"no single row {good}/{region}/{parameter}/{year} in goods.csv")
    return float(row["value"].iloc[0])


def intensity(name: str) -> dict[str, float]:
    """EU and rest-of-world intensities (tCO2 per tonne) of cement or aluminium."""
    c = GOODS[name]
    if name == "cement":
        eu = fact("EU", "ets_emissions", c["year"], name) / fact("EU", "production", c["year"], name)
    else:
        eu = fact("EU", "benchmark", 2021, name)
    return {"EU": round(eu, 4), "ROW": fact("WORLD", "intensity", c["world_year"], name)}


def region_data(name: str) -> dict[str, dict]:
    """The reference point of cement or aluminium: output, demand, price per region."""
    c = GOODS[name]
    eu = fact("EU", "production", c["year"], name)
    net = fact("EU", "net_imports", c["year"], name)
    row = fact("WORLD", "production", c["world_year"], name) - eu
    return {"EU": {"supply": eu, "demand": eu + net, "price": c["price"] + c["transport"]},
            "ROW": {"supply": row, "demand": row - net, "price": c["price"]}}


def good(name: str, border_adjustment: bool = True, phase_out: bool = True, carbon_price: float | None = None) -> dict:
    """Cement or aluminium as a scenario, as :func:`steel` (two regions, the EU and the rest of the world)."""
    if name == "steel":
        return steel(border_adjustment, phase_out, carbon_price)
    c, ref, e = GOODS[name], region_data(name), intensity(name)
    fa = {t: (fact("EU", "free_allocation", t) if phase_out else 1.0) for t in PERIODS}
    p = eu_carbon_price() if carbon_price is None else carbon_price
    regions = {}
    for r in ("EU", "ROW"):
        d, s = c["elasticity"][r]
        regions[r] = {**ref[r], "demand_elasticity": d, "supply_elasticity": s, "intensity": e[r]}
    regions["EU"].update(market="EU_ETS", free_allocation=fa, border_adjustment=border_adjustment)
    return {
        "name": f"{name.capitalize()} and the EU's border adjustment",
        "periods": PERIODS,
        "jurisdictions": {"EU": {"bau": 1.0, "mac": {"type": "linear", "slope": 1.0},
                                 "description": "placeholder emitter of the EU carbon price market"}},
        "markets": {"EU_ETS": {"members": ["EU"], "tax": p,
                               "description": "the EU ETS price, held at its 2025 mean (fixed for the goods)"}},
        "goods": {name: {"unit": "Mt", "transport_cost": c["transport"], "regions": regions}},
    }


def goods(border_adjustment: bool = True, phase_out: bool = True, carbon_price: float | None = None) -> dict:
    """Steel, cement and aluminium in one scenario (one fixed EU carbon price)."""
    out = steel(border_adjustment, phase_out, carbon_price)
    for name in GOODS:
        out["goods"][name] = good(name, border_adjustment, phase_out, carbon_price)["goods"][name]
    out["name"] = "Steel, cement, aluminium and the EU's border adjustment"
    return out


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
