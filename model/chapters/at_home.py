r"""China's domestic market built step by step: the scenarios of the chapter "At home, step by step".

One jurisdiction, China (CO2 only: SSP2 BAU of ``data/baselines.csv``, MIMOSA power MAC of
``data/mac.csv``), in decadal periods 2020-2060. Each period is a scenario of its own (no banking,
so the periods are independent; solving them one by one lets the cost curve move between them).
Two instruments divide the economy:

* the national ETS covers the share :math:`c_t` of CO2 (:data:`COVERAGE`: power, about 40%, from
  ``data/ets.csv``; the rest is an assumption of coverage widening sector by sector). In 2020 its
  cap is rate-based (rate x output, as in :mod:`model.chapters.national`); from 2030 an absolute cap;
* the uncovered rest, :math:`1 - c_t`, pays a carbon tax :math:`\tau_t` (:data:`TAX`) and meets an
  emission standard :math:`s_t` (:data:`STANDARD`, ``markets.NAME.standard``), so it abates the
  share :math:`a^u_t = \max\left(s_t, (\tau_t/\kappa_t\gamma)^{1/\beta}\right)` of its BAU;
* removals (:data:`REMOVALS`) count in the ETS, so that net emissions can reach zero;
* subsidies for low-carbon R&D and retrofits lower the cost curve: :math:`\kappa_t = \kappa_0
  (1 - \ell)^{(t-2020)/10}` with :math:`\ell` = :data:`LEARNING` per decade (an assumption).

The economy's net emissions follow :data:`PATH` (a share of 2020 emissions: back at the 2020 level
in 2030 after a peak in between, then straight down to zero in 2060; an assumption). The ETS cap
is the path less what the uncovered sectors emit under the tax and the standard (closed form),
so the economy's net emissions meet the path exactly. *Permits alone* is one market covering all
CO2 with the same net emissions each period: its cost against the mix's is the cost of the mix.
:func:`no_subsidies` gives either without subsidised learning, as a variant for the sweep API.

Units: MtCO2/yr, USD2010/t, million USD2010/yr.
"""

from __future__ import annotations

from .. import data
from . import national

__all__ = ["PERIODS", "COVERAGE", "TAX", "STANDARD", "PATH", "LEARNING", "REMOVALS", "FACTS",
           "bau", "kappa", "uncovered_share", "net_target", "mix", "permits_alone", "no_subsidies", "removal_cost"]

PERIODS = (2020, 2030, 2040, 2050, 2060)
#: Share of China's CO2 the national ETS covers. 2020: power, about 40% (data/ets.csv); 2030: steel,
#: cement and aluminium added from 2025 (the Ministry of Ecology and Environment put the expanded
#: market at over 60% of China's CO2; rounded to 0.6); 2040-2060: assumptions (the other sectors of
#: the original eight: chemicals, petrochemicals, paper, aviation; then transport and buildings, all CO2
#: by 2060, so that a cap of zero is net neutrality for the economy: caps cannot be negative).
COVERAGE = {2020: 0.40, 2030: 0.60, 2040: 0.75, 2050: 0.85, 2060: 1.0}
#: Carbon tax on the uncovered sectors, USD/t (assumption: none in 2020, as today).
TAX = {2020: 0.0, 2030: 20.0, 2040: 50.0, 2050: 100.0, 2060: 150.0}
#: Emission standard on the uncovered sectors: least abatement share of their BAU (assumption).
STANDARD = {2020: 0.0, 2030: 0.10, 2040: 0.25, 2050: 0.40, 2060: 0.55}
#: Net CO2 of the economy as a share of its 2020 emissions (assumption: peak between 2020 and 2030,
#: back at the 2020 level in 2030, net zero in 2060).
PATH = {2020: None, 2030: 1.0, 2040: 2 / 3, 2050: 1 / 3, 2060: 0.0}
#: Fall of the cost curve per decade from subsidies for R&D and retrofits (assumption).
LEARNING = 0.15
#: Removals (DACCS, BECCS, sinks beyond BAU): linear marginal cost slope (USD/t per Mt/yr) and the
#: largest yearly removal (Mt/yr): assumptions (100 USD/t at 1 Gt/yr; at most 1.5 Gt/yr from 2040).
REMOVALS = {"slope": 0.1, "max": {2020: 0.0, 2030: 200.0, 2040: 1000.0, 2050: 1500.0, 2060: 1500.0}}

FACTS = {
    "cn_coverage_2025": (0.60, "share", "MEE, expansion to steel, cement and aluminium (2025): the market "
                         "covers over 60% of China's CO2 [home_mee_2025]"),
    "iea_ats_2030": (0.20, "share", "IEA roadmap, Accelerated Transition Scenario: energy CO2 almost 20% "
                     "below its 2020 level by 2030 [home_iea_2021]"),
    "iea_energy_share": (0.90, "share", "IEA roadmap: the energy sector is the source of almost 90% of "
                         "China's GHG emissions [home_iea_2021]"),
}


def bau(year: int) -> float:
    """China's SSP2 BAU CO2, Mt/yr."""
    return data.bau("CHN", year, "co2")


def kappa(year: int, learning: float = LEARNING) -> float:
    """The cost multiplier after subsidised learning: kappa_0 (1 - learning)^((year - 2020)/10)."""
    return data.power_mac("CHN")["kappa"] * (1 - learning) ** ((year - PERIODS[0]) / 10)


def uncovered_share(year: int, learning: float = LEARNING, tax: dict = TAX, standard: dict = STANDARD) -> float:
    """Abatement share of the uncovered sectors: max(standard, (tax / kappa gamma)^(1/beta))."""
    m = data.power_mac("CHN")
    return max(standard[year], (tax[year] / (kappa(year, learning) * m["gamma"])) ** (1 / m["beta"]))


def net_target(year: int) -> float:
    """The economy's net CO2, Mt/yr: PATH times 2020 emissions (2020: under the 2021 benchmarks)."""
    e20 = bau(2020)
    if PATH[year] is None:
        cut = national.fact("cn_tightening_2021")
        return e20 - cut * COVERAGE[2020] * e20
    return PATH[year] * net_target(2020)


def _jurisdiction(year: int, learning: float) -> dict:
    m = data.power_mac("CHN")
    j = {"bau": round(bau(year), 3), "mac": {**m, "kappa": round(kappa(year, learning), 6)},
         "description": f"China, SSP2 BAU CO2 {year}, MIMOSA power MAC, kappa after learning"}
    if REMOVALS["max"][year] > 0:
        j["removals"] = {"slope": REMOVALS["slope"], "max": REMOVALS["max"][year]}
    return j


def mix(year: int, learning: float = LEARNING, coverage: dict = COVERAGE, tax: dict = TAX,
        standard: dict = STANDARD) -> dict:
    """The policy mix in ``year``: ETS (coverage, cap), tax and standard on the rest, removals."""
    e = bau(year)
    c = coverage[year]
    if year == PERIODS[0]:
        b0 = national.fact("cn_benchmark_2019")
        cap = {"type": "intensity", "rate": round(b0 * (1 - national.fact("cn_tightening_2021")), 6),
               "output": round(c * e / b0, 3)}
    else:
        uncovered = (1 - c) * e * (1 - uncovered_share(year, learning, tax, standard))
        cap = round(net_target(year) - uncovered, 3)
    markets = {"CN_ETS": {"members": ["CHN"], "coverage": c, "cap": cap,
                          "description": "national ETS: rate-based in 2020, absolute caps from 2030"}}
    if c < 1:
        markets["CN_TAX"] = {"members": ["CHN"], "coverage": round(1 - c, 6), "tax": tax[year],
                             "standard": standard[year],
                             "description": "uncovered sectors: carbon tax and emission standard"}
    return {"name": f"China {year}: policy mix", "periods": [year],
            "description": "ETS, carbon tax and standard on the uncovered sectors, removals, subsidised learning",
            "jurisdictions": {"CHN": _jurisdiction(year, learning)}, "markets": markets, "links": []}


def permits_alone(year: int, learning: float = LEARNING) -> dict:
    """One market covering all of China's CO2, capped at the mix's net emissions in ``year``."""
    return {"name": f"China {year}: permits alone", "periods": [year],
            "description": "one ETS covering all CO2, same net emissions as the mix",
            "jurisdictions": {"CHN": _jurisdiction(year, learning)},
            "markets": {"CN_ETS": {"members": ["CHN"], "cap": round(net_target(year), 3)}}, "links": []}


def no_subsidies(year: int, scenario: str = "mix") -> dict:
    """The variant (dotted paths -> values, for :func:`model.sweep.sweep`) of ``mix(year)`` or
    ``permits_alone(year)`` without subsidised learning: the cost curve of 2020 and, for the mix,
    the ETS cap that the uncovered sectors' larger emissions leave (the same net path)."""
    out = {"jurisdictions.CHN.mac.kappa": round(kappa(year, 0.0), 6)}
    if scenario == "mix" and year != PERIODS[0]:
        out["markets.CN_ETS.cap"] = mix(year, learning=0.0)["markets"]["CN_ETS"]["cap"]
    return out


def removal_cost(price: float, year: int) -> tuple[float, float]:
    """Removals (Mt/yr) and their yearly cost (MUSD) at the ETS price, in closed form: r = min(max,
    P/slope), cost = slope r^2 / 2 (an independent check of the results' ``removals`` and
    ``removal_cost`` columns)."""
    r = min(REMOVALS["max"][year], max(price, 0.0) / REMOVALS["slope"])
    return r, 0.5 * REMOVALS["slope"] * r * r
