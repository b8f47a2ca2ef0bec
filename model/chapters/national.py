r"""National emissions trading systems: Korea, the UK, New Zealand and China.

Builders for the chapter "National markets". Each returns a scenario ``dict`` in the public
format (format v2: :func:`model.load_scenario` reads it) with one jurisdiction and one market
per country:

* the jurisdiction's BAU is its SSP2 baseline of ``data/baselines.csv`` in the modelled year
  (GHG excluding LULUCF CO2 and F-gases for Korea, the UK and New Zealand; CO2 only for China,
  whose market covers CO2 only), in MtCO2e per year, and its MAC is the MIMOSA power curve of
  ``data/mac.csv`` (:func:`model.data.power_mac`);
* the market covers a share :math:`c` of that BAU (``coverage``), so its covered segment has the
  marginal abatement cost

  .. math:: \mathrm{MAC}_c(q) = \kappa\,\gamma \left(\frac{q}{c\,E^{BAU}}\right)^{\beta}
     \quad \text{USD/t}, \; q \text{ in Mt};

* the cap is written the way each system writes it (see :data:`FACTS` for the sources):
  Korea relative to covered emissions, the UK as an absolute number, China as a rate times
  output (an intensity cap), New Zealand (for which our data hold no 2021 cap) at covered BAU.

A market alone must abate :math:`A = c\,E^{BAU} - \bar E`; if :math:`A > 0` its price is
:math:`p = \kappa\gamma (A / c E^{BAU})^{\beta}`, otherwise zero (or the price floor).
Conversely an observed price :math:`p^{obs}` implies the cut

.. math:: a^{obs} = \left(\frac{p^{obs}}{\kappa\gamma}\right)^{1/\beta}

as a share of covered BAU: :func:`implied_cut`. It is a diagnostic, never fed back into a
scenario.

Units: MtCO2e per year for emissions and caps; USD per tonne (of the year's money) for prices;
tCO2 per MWh for China's benchmark rate and TWh (million MWh) for its output, so that
rate x output is in MtCO2.
"""

from __future__ import annotations

import pandas as pd

from .. import data
from . import paris

__all__ = ["COUNTRIES", "MARKETS", "FACTS", "KOREA_CAPS", "usd_per_local", "observed_prices",
           "covered_mac", "implied_cut", "build_2021", "build_2030", "without_controls",
           "cut_table"]

#: Jurisdiction code -> market name, in the order of the chapter.
MARKETS = {"KOR": "KR_ETS", "GBR": "UK_ETS", "NZL": "NZ_ETS", "CHN": "CN_ETS"}
COUNTRIES = {m: c for c, m in MARKETS.items()}

#: Sourced facts that ``data/`` does not hold, one entry each: value, unit, source. The chapter
#: cites them; ``references.bib`` has the entries with keys ``nat_*``.
FACTS = {
    "kr_cut_phase3": (0.047, "share", "ICAP Status Report 2021, Korea factsheet: Phase 3 annual "
                      "caps 'reflect a 4.7% decrease in emissions compared to the 2017-2019 "
                      "baseline' [nat_icap_2021]"),
    "uk_verified_2021": (107.8, "MtCO2e", "UK ETS Authority, 2021 emissions covered by the UK "
                         "ETS, reported by Reuters on 22 April 2022 [nat_ukets_2021]"),
    "uk_floor_2021": (22.0, "GBP/t", "auction reserve price, SI 2020/1265 Art. 30 (data/ets.csv)"),
    "nz_floor_2021": (20.0, "NZD/t", "auction price floor in 2021, ICAP news of 17 March 2021 "
                      "[nat_icap_nz_2021]"),
    "nz_ccr_trigger_2021": (50.0, "NZD/t", "cost containment reserve trigger in 2021, ibid."),
    "nz_ccr_volume_2021": (7.0, "Mt", "cost containment reserve volume in 2021, ibid."),
    "cn_benchmark_2019": (0.877, "tCO2/MWh", "2019-2020 benchmark for conventional coal units "
                          "above 300 MW, ICAP news of November 2020 [nat_icap_cn_2020]"),
    "cn_tightening_2021": (0.065, "share", "2021-2022 draft plan: coal benchmarks 6.5% to 18.8% "
                           "lower than in 2019-2020 (lower end), ICAP news of November 2022 "
                           "[nat_icap_cn_2022]"),
}

#: Korea's annual caps (MtCO2e, excluding reserves) by year, ICAP Status Report 2021, Korea
#: factsheet [nat_icap_2021]. Phase 3 caps are higher than Phase 2's because the scope grew.
KOREA_CAPS = pd.DataFrame({
    "year": [2015, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023, 2024, 2025],
    "phase": [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    "cap_mt": [540.1, 560.7, 585.5, 601.0, 587.6, 545.1, 589.3, 589.3, 589.3, 567.1, 567.1],
})


def fact(name: str) -> float:
    """The value of one of :data:`FACTS`."""
    return FACTS[name][0]


def usd_per_local(currency: str, year: int) -> float:
    """USD per unit of ``currency`` in ``year``: the ratio of ICAP's USD and local annual mean
    secondary-market prices (``data/ets_prices.csv``), averaged over the markets quoting in it."""
    p = data.load_table("ets_prices")
    rows = p[(p["currency"] == currency) & (p["year"] == year) & (p["market"] == "secondary")]
    if rows.empty:
        raise KeyError(f"no {currency} prices for {year} in ets_prices.csv")
    return float((rows["price_usd_per_t"] / rows["price_local_per_t"]).mean())


def observed_prices(market: str = "secondary", full_years_only: bool = True) -> pd.DataFrame:
    """Annual mean allowance prices of the four national markets, USD/t, one column each
    (``data/ets_prices.csv``, ICAP Allowance Price Explorer); rows are years. With
    ``full_years_only`` (default) part-year means (:func:`model.data.observed_prices`) are left
    out; the chapter's 2021 table is the one place that asks for them, and says so."""
    p = data.observed_prices(full_years_only)  # by default part-year means are left out
    p = p[p["ets_id"].isin(list(MARKETS.values())) & (p["market"] == market)]
    wide = p.pivot(index="year", columns="ets_id", values="price_usd_per_t").astype(float)
    wide.index = wide.index.astype(int)
    return wide[[m for m in MARKETS.values() if m in wide.columns]]


def _ets_row(market: str) -> pd.Series:
    ets = data.load_table("ets").set_index("ets_id")
    return ets.loc[market]


def _coverage(market: str) -> float:
    """Covered share of the jurisdiction's BAU: data/ets.csv, except the UK (no share there),
    whose share is its 2021 verified emissions over our 2021 BAU (see :func:`build_2021`)."""
    if market == "UK_ETS":
        return fact("uk_verified_2021") / data.bau("GBR", 2021)
    return float(_ets_row(market)["coverage_share_pct"]) / 100


def _bau(iso3: str, year: int) -> float:
    return data.bau(iso3, year, "co2" if iso3 == "CHN" else "ghg")


def covered_mac(iso3: str, year: int, coverage: float | None = None):
    """The covered segment's MAC as a function of abatement ``q`` (Mt) -> USD/t."""
    m = data.power_mac(iso3)
    c = _coverage(MARKETS[iso3]) if coverage is None else coverage
    base = c * _bau(iso3, year)
    return lambda q: m["kappa"] * m["gamma"] * (q / base) ** m["beta"]


def implied_cut(iso3: str, price: float) -> float:
    r"""The cut (share of covered BAU) at which the MIMOSA curve of ``iso3`` costs ``price``
    USD/t at the margin: :math:`(p / \kappa\gamma)^{1/\beta}`. Coverage cancels out."""
    m = data.power_mac(iso3)
    return (max(price, 0.0) / (m["kappa"] * m["gamma"])) ** (1 / m["beta"])


def _jurisdiction(iso3: str, year: int) -> dict:
    gas = "CO2 only" if iso3 == "CHN" else "GHG excluding LULUCF CO2 and F-gases"
    return {"bau": round(_bau(iso3, year), 3), "mac": data.power_mac(iso3),
            "description": f"SSP2 BAU {year} ({gas}), MIMOSA power MAC"}


def _china_cap(year: int) -> dict:
    """China's intensity cap: rate (tCO2/MWh) x output (TWh).

    The rate is the 2019-2020 benchmark lowered by the 2021-2022 tightening. Output is the
    covered BAU divided by the 2019-2020 benchmark, i.e. we assume that benchmark was the
    covered fleet's average BAU intensity (ICAP attributes part of the 2021-2022 tightening to
    more accurate monitoring, so if anything the fleet was cleaner and the true cut smaller).
    The required cut is then
    1 - rate / benchmark = the tightening, whatever the output.
    """
    b0 = fact("cn_benchmark_2019")
    rate = b0 * (1 - fact("cn_tightening_2021"))
    output = _coverage("CN_ETS") * _bau("CHN", year) / b0
    return {"type": "intensity", "rate": round(rate, 6), "output": round(output, 3)}


def build_2021() -> dict:
    """The four national markets in 2021, the first year all four traded, each alone.

    Caps (MtCO2e/yr unless stated):

    * KR_ETS: 4.7% below covered BAU (Phase 3 caps 4.7% below the 2017-2019 base; we let the
      base stand for BAU). Korea's legal cap (589.3 Mt) also counts indirect emissions from
      electricity use, which our BAU does not, so we keep the cut and not the number.
    * UK_ETS: the legal 2021 cap, 155.7 Mt (data/ets.csv). Coverage is chosen so that covered
      BAU equals 2021 verified emissions (107.8 Mt): the cap is slack. Auction reserve price
      GBP 22, converted at ICAP's 2021 rate.
    * NZ_ETS: no 2021 cap in our data (the limits in ets.csv start in 2022): cap = covered BAU
      (an assumption, stated in the chapter). Floor NZD 20 and cost containment reserve (7 Mt
      at NZD 50), 2021 settings.
    * CN_ETS: rate x output, see :func:`_china_cap`.
    """
    year = 2021
    gbp, nzd = usd_per_local("GBP", year), usd_per_local("NZD", year)
    markets = {
        "KR_ETS": {"members": ["KOR"], "coverage": round(_coverage("KR_ETS"), 6),
                   "cap": {"type": "relative", "to": "bau", "change": -fact("kr_cut_phase3")}},
        "UK_ETS": {"members": ["GBR"], "coverage": round(_coverage("UK_ETS"), 6),
                   "cap": float(_ets_row("UK_ETS")["cap_mt"]),
                   "price_floor": round(fact("uk_floor_2021") * gbp, 3)},
        "NZ_ETS": {"members": ["NZL"], "coverage": round(_coverage("NZ_ETS"), 6),
                   "cap": {"type": "relative", "to": "bau", "change": 0.0},
                   "price_floor": round(fact("nz_floor_2021") * nzd, 3),
                   "cost_containment_reserve": {"trigger": round(fact("nz_ccr_trigger_2021") * nzd, 3),
                                                "volume": fact("nz_ccr_volume_2021")}},
        "CN_ETS": {"members": ["CHN"], "coverage": round(_coverage("CN_ETS"), 6),
                   "cap": _china_cap(year)},
    }
    return {
        "name": "National markets in 2021",
        "description": "Korea, UK, New Zealand and China, each alone.",
        "periods": [year],
        "jurisdictions": {c: _jurisdiction(c, year) for c in MARKETS},
        "markets": markets,
        "links": [],
    }


def build_2030(links: bool = True) -> dict:
    """The four national markets in 2030 under their announced ambition, linked by default.

    * KR_ETS, UK_ETS, NZ_ETS: pro rata to the NDC. The covered sectors cut by the same share
      below BAU as the whole economy must to meet the NDC (:func:`model.chapters.paris.ndc_cap`):
      change = NDC cap / national BAU - 1. An assumption: no ETS cap for 2030 is in our data.
    * CN_ETS: the 2021-2022 benchmark kept to 2030, output growing with covered BAU.

    Coverage as in 2021. No price controls (their 2030 settings are not in our data).
    """
    year = 2030
    markets = {}
    for iso3, m in MARKETS.items():
        entry = {"members": [iso3], "coverage": round(_coverage(m), 6)}
        if iso3 == "CHN":
            entry["cap"] = _china_cap(year)
        else:
            ndc, _how = paris.ndc_cap(iso3, year)
            entry["cap"] = {"type": "relative", "to": "bau",
                            "change": round(ndc / _bau(iso3, year) - 1, 6)}
        markets[m] = entry
    return {
        "name": "National markets in 2030, announced ambition",
        "description": "Caps pro rata to the 2030 NDCs; China's benchmark kept.",
        "periods": [year],
        "jurisdictions": {c: _jurisdiction(c, year) for c in MARKETS},
        "markets": markets,
        "links": [list(MARKETS.values())] if links else [],
    }


_CONTROLS = ("price_floor", "price_ceiling", "cost_containment_reserve")


def without_controls(scenario: dict) -> dict:
    """A copy of a scenario dict with every price floor, ceiling and reserve removed."""
    markets = {name: {k: v for k, v in m.items() if k not in _CONTROLS}
               for name, m in scenario["markets"].items()}
    return {**scenario, "markets": markets}


def required_abatement(scenario: dict, market: str) -> float:
    """Covered BAU minus cap (Mt) of a single-member, single-period market of these builders."""
    m = scenario["markets"][market]
    iso3 = m["members"][0]
    covered = m.get("coverage", 1.0) * scenario["jurisdictions"][iso3]["bau"]
    cap = m["cap"]
    if isinstance(cap, (int, float)):
        return covered - cap
    if cap["type"] == "relative":
        return -cap["change"] * covered
    if cap["type"] == "intensity":
        return covered - cap["rate"] * cap["output"]
    raise ValueError(f"cap type {cap['type']} not used here")


def cut_table(scenario: dict) -> pd.DataFrame:
    """Per market: covered BAU (Mt), cap (Mt), required cut (share of covered BAU)."""
    rows = []
    for name, m in scenario["markets"].items():
        iso3 = m["members"][0]
        covered = m.get("coverage", 1.0) * scenario["jurisdictions"][iso3]["bau"]
        a = required_abatement(scenario, name)
        rows.append({"market": name, "jurisdiction": iso3, "coverage": m.get("coverage", 1.0),
                     "covered_bau_mt": covered, "cap_mt": covered - a, "required_mt": a,
                     "required_cut": a / covered})
    return pd.DataFrame(rows).set_index("market")
