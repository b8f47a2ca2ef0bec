r"""The EU Emissions Trading System as scenarios: the cap path by phase, banking, the market
stability reserve (MSR) and the second system for buildings and road transport (ETS II).

Builders for the chapter "The EU ETS". Each returns a scenario ``dict`` in the public format
(format v2, see the book's scenario reference), so a reader can print it, change it and solve
it with :func:`model.solve`. Units: emissions, caps, banks and MSR flows in MtCO2e (per year
for flows); prices in USD per tonne (the model's unit; observed EUR prices are converted with
the ICAP series' own exchange rate).

The cap path
------------
Phase 3 (2013-2020) has one EU-wide cap that falls in a straight line. Directive 2009/29/EC
(Art. 9) subtracts each year 1.74 % of the *average annual quantity of phase 2*, counted from
the mid-point of phase 2 (2010):

.. math::

    \bar E_t = \bar E_{2013} - f\,R\,(t - 2013), \qquad R = \frac{\bar E_{2013}}{1 - 3f},

with :math:`\bar E_{2013} = 2084.3` Mt and :math:`f = 0.0174` (``data/ets_phases.csv``), so the
cap falls by the same number of allowances, :math:`fR`, every year. Phase 4 (from 2021) continues
the line for the EU-27 and the EEA-EFTA states after the United Kingdom left: the reference
shrinks to :math:`R_4` (2.2 % of it is 43.0 Mt, Decision (EU) 2020/1722) and the 2020 cap in
the new scope is :math:`(R_4/R)\,\bar E_{2020}`. The factor is 2.2 % from 2021, 4.3 % from 2024
and 4.4 % from 2028 (Directive (EU) 2023/959), with one-off cuts of 90 Mt in 2024 and 27 Mt in
2026. Maritime transport, added in 2024 with its own allowances, is left out here, as it is
from the verified emissions in ``data/eu_ets_emissions.csv``.

Phases 1 and 2 had no EU-wide cap: it was the sum of national allocation plans, for which
``data/`` holds no number. Phase 2 (2008-2012) is represented by the one number the law gives
for it, the average annual quantity :math:`R` on which the phase 3 line is built (it is
adjusted to the scope of phase 3, so it overstates the phase 2 cap in the phase 2 scope; the
international credits that added to phase 2 supply are left out). Phase 1 (2005-2007)
allowances could not be banked into phase 2, so phase 1 is a market of its own and is not
part of these scenarios.

The area and its BAU
--------------------
The jurisdiction ``EU`` is the area the system covers: EU-28 until 2020, EU-27 from 2021 (the
small EEA-EFTA states are in the cap but not in the BAU). Its BAU emissions (MtCO2e/yr, GHG
excluding LULUCF CO2 and F-gases) are the observed emissions of the snapshot years 2005, 2010,
2012 and 2016 (``jurisdictions.csv``), the SSP2 BAU of 2020 and 2030 (``baselines.csv``),
and straight lines between them. Observed emissions already include the policies of the day
(and the 2009 recession), so before 2020 this "BAU" is the emissions path at the observed
(low) carbon prices, not a no-policy world.

ETS I covers the share :data:`ETS1_COVERAGE_YEAR` of the area's emissions observed in 2016
(verified emissions of the main sectors / area GHG). ETS II covers from 2027 the share whose
BAU in 2024 equals the 2024 starting value of the ETS II cap (:func:`ets2_reference`). The MAC
is MIMOSA's power curve for the EU-27 (``mac.csv``); a market with coverage :math:`c` holds that
share of every abatement option, so its MAC is :math:`\kappa\gamma\,(q/(c\,E^{BAU}))^\beta`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import data
from ..deflator import to_usd2010

__all__ = [
    "ETS_ID", "RULES", "START", "END", "END_MAX", "DISCOUNT_RATE", "PHASE4_ANNUAL_REDUCTION_MT", "CUTS_MT", "BACKLOADING_MT",
    "ETS2_CAP_2027_MT", "ETS2_FACTOR", "ETS2_PRICE_RELEASE_EUR", "ETS2_PRICE_RELEASE_MT",
    "MSR_2018", "MSR_2023", "OBSERVED_TNAC_MT", "OBSERVED_MSR_INVALIDATED_2023_MT",
    "phases", "phase_of", "phase3_reference", "phase4_reference", "annual_reduction",
    "cap_path", "phase3_rule", "cap_rule", "area_bau", "ets1_coverage", "ets2_reference", "ets2_coverage",
    "ets2_cap_rule", "eur_to_usd", "verified_emissions", "observed_prices", "build",
    "calibrate_kappa", "observed_price_usd2010", "SCENARIO_FILES", "write_scenarios",
]

ETS_ID = "EU_ETS"
#: First and last modelled year of the scenarios (annual periods); the law's horizon is 2030, and
#: :func:`build` accepts an ``end`` up to :data:`END_MAX`, continuing the last factors.
START, END, END_MAX = 2008, 2030, 2040
#: Discount rate of the scenarios (1/yr): the return an allowance holder asks for.
DISCOUNT_RATE = 0.05
#: The year whose observed covered share of the area's emissions sets ETS I's coverage.
ETS1_COVERAGE_YEAR = 2016

#: 2.2 % of the phase 4 reference quantity, in Mt/yr: "a reduction of 43 003 515 allowances to be
#: issued in the Union each year" (Commission Decision (EU) 2020/1722, recital 2).
PHASE4_ANNUAL_REDUCTION_MT = 43.003515
#: One-off cuts of the cap, Mt (Directive (EU) 2023/959 amending Art. 9 of Directive 2003/87/EC;
#: Commission news of 28 July 2023 on the 2024 cap).
CUTS_MT = {2024: 90.0, 2026: 27.0}

#: "Back-loading": allowances withheld from the auctions of 2014-2016, Mt (Commission Regulation (EU)
#: No 176/2014); Decision (EU) 2015/1814 placed them in the MSR instead of auctioning them in 2019-2020.
BACKLOADING_MT = {2014: 400.0, 2015: 300.0, 2016: 200.0}

#: Linear reduction factor by year under each vintage of the rules, as a function of the year.
#: ``2009``: Directive 2009/29/EC (1.74 % for ever); ``2018``: Directive (EU) 2018/410 (2.2 % from
#: 2021); ``2023``: Directive (EU) 2023/959 (4.3 % from 2024, 4.4 % from 2028, and the cuts).
RULES = ("2009", "2018", "2023")

#: ETS II cap for 2027, Mt: 1 036 288 784 allowances (Commission Decision (EU) 2024/2951).
ETS2_CAP_2027_MT = 1036.288784
#: ETS II linear reduction factor: 5.10 % a year after 2024 (Art. 30c(1) of Directive 2003/87/EC
#: as amended by Directive (EU) 2023/959, as applied in Decision (EU) 2024/2951); 5.38 % from 2028
#: as in ``data/ets.csv`` (not yet checked against the document; the 2028 re-basing of the cap on
#: 2024-2026 emissions is not modelled).
ETS2_FACTOR = {2025: 0.051, 2026: 0.051, 2027: 0.051, 2028: 0.0538, 2029: 0.0538, 2030: 0.0538}
#: ETS II price-stability release (``data/ets.csv``, unchecked): 20 Mt when the price exceeds
#: EUR 45 (2020 prices).
ETS2_PRICE_RELEASE_EUR, ETS2_PRICE_RELEASE_MT = 45.0, 20.0

#: MSR as adopted in 2018 (Decision (EU) 2015/1814 as amended by Directive (EU) 2018/410): 24 %
#: of the total number of allowances in circulation (TNAC) above 833 Mt goes into the reserve,
#: 100 Mt come out below 400 Mt; from 2023 holdings above the previous year's auction volume are
#: invalid (here: a fixed 57 % of the 2022 cap, see :func:`build`).
MSR_2018 = {"upper": 833.0, "lower": 400.0, "intake_rate": 0.24, "release": 100.0, "start": 2019, "rule": 2019}
#: MSR after the 2023 reform (Decision (EU) 2023/852 and Directive (EU) 2023/959): as above, but
#: the intake never exceeds TNAC - 833 Mt, and holdings above 400 Mt are invalid.
MSR_2023 = {"upper": 833.0, "lower": 400.0, "intake_rate": 0.24, "release": 100.0, "start": 2019, "rule": 2023,
            "invalidate_above": 400.0}

#: Published total number of allowances in circulation at the end of each year, Mt (the
#: Commission's annual TNAC communications; see the chapter's references).
OBSERVED_TNAC_MT = {
    2016: 1690.0,  # "roughly 1.69 billion" (Commission news, 12 May 2017)
    2017: 1654.574598,  # Commission news, 15 May 2018
    2018: 1654.909824,  # Commission news, 15 May 2019
    2019: 1400.0,  # "1.4 billion" (ICAP news, 8 May 2020)
    2020: 1579.0,  # "1 579 million" (Commission news, 12 May 2022)
    2022: 1134.794738,  # Commission news, 15 May 2023
    2025: 1023.494202,  # Commission statement reported by the Brussels Times, 2026
}
#: Allowances in the MSR that became invalid on 1 January 2023, Mt (Commission news, 15 May 2023).
OBSERVED_MSR_INVALIDATED_2023_MT = 2515.135787


# ---------------------------------------------------------------------------------------------
# The cap


def phases() -> pd.DataFrame:
    """The EU ETS rows of ``ets_phases.csv``: phase, years, start cap (Mt), factor (%), auction share (%)."""
    table = data.load_table("ets_phases")
    return table[table["ets_id"] == ETS_ID].reset_index(drop=True)


def phase_of(year: int) -> int:
    """The trading phase (1-4) a year belongs to."""
    for _, row in phases().iterrows():
        if int(row["start_year"]) <= year <= int(row["end_year"]):
            return int(row["phase"])
    if year > 2030:
        return 4
    raise ValueError(f"{year} is before the EU ETS (2005)")


def _phase3() -> tuple[float, float]:
    row = phases().query("phase == 3", engine="python").iloc[0]
    return float(row["cap_mt_start"]), float(row["linear_reduction_factor_pct"]) / 100


def phase3_reference() -> float:
    """The phase 2 average annual quantity R (Mt/yr) from which the 1.74 % is taken.

    The line starts at the mid-point of phase 2 (2010), so the 2013 cap is R (1 - 3 f):
    R = cap_2013 / (1 - 3 f).
    """
    base, f = _phase3()
    return base / (1 - 3 * f)


def phase4_reference() -> float:
    """The phase 4 reference quantity R_4 (Mt/yr): 43.0 Mt is 2.2 % of it (Decision (EU) 2020/1722)."""
    f4 = float(phases().query("phase == 4 and start_year == 2021", engine="python").iloc[0]["linear_reduction_factor_pct"]) / 100
    return PHASE4_ANNUAL_REDUCTION_MT / f4


def _factor(year: int, rules: str) -> float:
    """Linear reduction factor applying to ``year`` (phase 3 onwards) under a vintage of the rules."""
    if rules not in RULES:
        raise ValueError(f"rules must be one of {RULES}")
    table = phases()
    if year <= 2020 or rules == "2009":
        return round(_phase3()[1], 6)
    if rules == "2018":
        return round(float(table.query("phase == 4 and start_year == 2021", engine="python").iloc[0]["linear_reduction_factor_pct"]) / 100, 6)
    rows = table[(table["phase"] == 4) & (table["start_year"] <= year)]
    return round(float(rows.sort_values("start_year").iloc[-1]["linear_reduction_factor_pct"]) / 100, 6)


def annual_reduction(year: int, rules: str = "2023") -> float:
    """Allowances (Mt) by which the cap of ``year`` is below that of ``year - 1`` (cuts excluded)."""
    reference = phase3_reference() if year <= 2020 else phase4_reference()
    return _factor(year, rules) * reference


def cap_path(years=None, rules: str = "2023") -> dict[int, float]:
    """The ETS I cap (Mt/yr) of each year under a vintage of the rules (see the module docstring).

    2008-2012: the phase 2 average annual quantity R. 2013-2020: the phase 3 line. From 2021: the
    EU-27 line, starting from the 2020 cap rescaled by R_4 / R, falling by factor(t) R_4 a year,
    less the one-off cuts (``rules="2023"`` only). Floored at zero.
    """
    years = list(range(START, END + 1)) if years is None else list(years)
    base, _ = _phase3()
    ref3, ref4 = phase3_reference(), phase4_reference()
    out, cap, last = {}, None, None
    for t in range(min(min(years), 2008), max(years) + 1):
        if t <= 2012:
            cap = ref3
        elif t == 2013:
            cap = base
        elif t <= 2020:
            cap = cap - annual_reduction(t, rules)
        else:
            if t == 2021:
                cap = cap * ref4 / ref3
            cap = cap - annual_reduction(t, rules) - (CUTS_MT.get(t, 0.0) if rules == "2023" else 0.0)
        cap = max(cap, 0.0)
        last = cap
        if t in years:
            out[t] = last
    return out


def phase3_rule() -> dict:
    """The phase 3 cap as a scenario ``linear_reduction`` rule: 2084.3 Mt in 2013, less 1.74 % of R a year."""
    base, f = _phase3()
    return {"type": "linear_reduction", "base_year": 2013, "base": base, "factor": f,
            "reference": round(phase3_reference(), 6)}


def cap_rule(rules: str = "2023", start: int = START, end: int = END) -> dict:
    """The ETS I cap of the years ``start``-``end`` as a scenario ``cap`` entry.

    When the years reach 2021, a ``linear_reduction`` rule on the phase 4 line: the 2021 cap
    (``base``) less ``factor`` x ``reference`` a year and the ``rebase`` cuts, with the years
    before 2021 (phases 2 and 3) listed under ``earlier``. When they end by 2020, the phase 3
    rule of :func:`phase3_rule` (phase 2 years under ``earlier``). When they start after 2021,
    the caps of :func:`cap_path` as a ``{year: Mt}`` map.
    """
    path = cap_path(range(start, end + 1), rules)
    if end <= 2020:
        rule = phase3_rule()
        if start > 2013:
            return {t: round(v, 6) for t, v in path.items()}
        earlier = {t: round(path[t], 6) for t in range(start, 2013)}
        return {**rule, "earlier": earlier} if earlier else rule
    if start > 2021:
        return {t: round(v, 6) for t, v in path.items()}
    rule = {"type": "linear_reduction", "base_year": 2021, "base": round(path[2021], 6),
            "reference": round(phase4_reference(), 6),
            "factor": {t: _factor(t, rules) for t in range(2022, end + 1)} if end > 2021 else _factor(2021, rules)}
    if rules == "2023":
        cuts = {t: v for t, v in CUTS_MT.items() if 2021 < t <= end}
        if cuts:
            rule["rebase"] = cuts
    earlier = {t: round(path[t], 6) for t in range(start, 2021)}
    if earlier:
        rule["earlier"] = earlier
    return rule


# ---------------------------------------------------------------------------------------------
# The area, its BAU, and what each market covers


def _ghg(iso3: str, year: int) -> float:
    jur = data.load_table("jurisdictions").set_index("iso3")
    return float(jur.loc[iso3, f"ghg_mt_{year}"])


def area_bau(year: int) -> float:
    """BAU GHG (MtCO2e/yr) of the area covered: EU-28 until 2020, EU-27 from 2021.

    Straight lines between observed EU-28 emissions in 2005, 2010, 2012, 2016 and the SSP2 BAU
    of 2020; from 2021, the EU-27 SSP2 BAU (2020 and 2030 values of ``baselines.csv``).
    """
    if year <= 2020:
        points = {y: _ghg("EU28", y) for y in (2005, 2010, 2012, 2016)}
        points[2020] = data.bau("EU28", 2020)
        xs = sorted(points)
        if year < xs[0]:
            raise ValueError(f"no BAU before {xs[0]}")
        return float(np.interp(year, xs, [points[x] for x in xs]))
    return data.bau("EU27", year)


def verified_emissions() -> pd.Series:
    """Verified emissions of the main activity sectors by year, Mt (sum over sectors; a lower bound)."""
    table = data.load_table("eu_ets_emissions")
    return table.groupby("year")["emissions_mt"].sum().astype(float)


def ets1_coverage(year: int = ETS1_COVERAGE_YEAR) -> float:
    """Share of the area's emissions the ETS covers: verified emissions / area GHG in ``year`` (a snapshot year)."""
    return float(verified_emissions()[year] / _ghg("EU28" if year <= 2020 else "EU27", year))


def ets2_reference() -> float:
    """The 2024 starting value of the ETS II cap, Mt: the 2027 cap is it less 3 x 5.10 % of it."""
    return ETS2_CAP_2027_MT / (1 - sum(ETS2_FACTOR[t] for t in (2025, 2026, 2027)))


def ets2_coverage() -> float:
    """Share of the EU-27 BAU covered by ETS II: its 2024 starting value over the area BAU of 2024."""
    return ets2_reference() / area_bau(2024)


def ets2_cap_rule(end: int = END) -> dict:
    """The ETS II cap from 2027 as a ``linear_reduction`` rule on the 2024 reference value."""
    return {"type": "linear_reduction", "base_year": 2027, "base": ETS2_CAP_2027_MT,
            "reference": round(ets2_reference(), 6),
            "factor": {t: ETS2_FACTOR.get(t, ETS2_FACTOR[2030]) for t in range(2028, end + 1)} or ETS2_FACTOR[2028]}


# ---------------------------------------------------------------------------------------------
# Observed prices


def observed_prices(market: str = "secondary", full_years_only: bool = True) -> pd.DataFrame:
    """Annual mean EU allowance prices: ``year``, ``eur_per_t``, ``usd_per_t`` (ICAP).

    By default full-year means only (:func:`model.data.observed_prices`): part-year means (the
    secondary market's 2005, 2024 and 2025) are left out.
    """
    p = data.observed_prices(full_years_only)
    p = p[(p["ets_id"] == ETS_ID) & (p["market"] == market)]
    return pd.DataFrame({"year": p["year"].astype(int).to_numpy(),
                         "eur_per_t": p["price_local_per_t"].astype(float).to_numpy(),
                         "usd_per_t": p["price_usd_per_t"].astype(float).to_numpy()})


def eur_to_usd(year: int = 2020) -> float:
    """USD per EUR implied by ICAP's EU allowance prices in ``year`` (the ratio of its two columns)."""
    p = observed_prices().set_index("year")
    return float(p.loc[year, "usd_per_t"] / p.loc[year, "eur_per_t"])


# ---------------------------------------------------------------------------------------------
# Scenarios


def build(rules: str = "2023", start: int = START, end: int = END, msr: bool | dict = True,
          ets2: bool = True, kappa: float | None = None, discount_rate: float = DISCOUNT_RATE,
          initial_bank: float = 0.0, initial_reserve: float = 0.0, backloading: bool | None = None) -> dict:
    """The EU ETS from ``start`` to ``end`` (annual periods) under a vintage of the rules.

    Parameters
    ----------
    rules : {"2009", "2018", "2023"}
        Which law the market believes: the cap path of :func:`cap_path` and the MSR of that law
        (none in 2009).
    start, end : int
        First and last year (2008 <= start <= end <= 2040; after 2030 the last factors go on).
    msr : bool or dict
        Include the MSR of ``rules`` (True), none (False), or these MSR keys.
    ets2 : bool
        Add ETS II, a separate, unlinked market for buildings and road transport from 2027
        (only when ``end >= 2027``).
    kappa : float, optional
        Multiplier of the power MAC; default MIMOSA's EU-27 value from ``mac.csv``.
    discount_rate : float
        1/yr.
    initial_bank, initial_reserve : float
        Allowances banked, and held in the MSR, before ``start`` (Mt).
    backloading : bool, optional
        Withhold :data:`BACKLOADING_MT` from the caps of 2014-2016 and put them in the MSR when it
        starts. Default: with the MSR (rules 2018 and 2023), when the years include 2014-2016.

    Returns
    -------
    dict
        A scenario: jurisdiction ``EU`` (BAU in MtCO2e/yr, power MAC), market ``EU_ETS`` (banking,
        MSR, coverage :func:`ets1_coverage`) and, from 2027, ``EU_ETS2`` (banking, coverage
        :func:`ets2_coverage`, price-stability release).
    """
    if not START <= start <= end <= END_MAX:
        raise ValueError(f"years must lie in {START}-{END_MAX}")
    years = list(range(start, end + 1))
    mac = data.power_mac("EU27")
    if kappa is not None:
        mac["kappa"] = float(kappa)
    c1 = round(ets1_coverage(), 6)
    cap = cap_rule(rules, start, end)
    if backloading is None:
        backloading = bool(msr) and rules != "2009" and start <= max(BACKLOADING_MT)
    withheld = {t: v for t, v in BACKLOADING_MT.items() if start <= t <= end} if backloading else {}
    if withheld:
        years_map = cap.get("earlier", cap)
        if any(t not in years_map for t in withheld):  # a rule covers those years: list the caps instead
            cap = years_map = {t: round(v, 6) for t, v in cap_path(range(start, end + 1), rules).items()}
        for t, v in withheld.items():
            years_map[t] = round(years_map[t] - v, 6)
        initial_reserve = initial_reserve + sum(withheld.values())
    ets1 = {
        "members": ["EU"], "coverage": c1, "cap": cap, "banking": True,
        "description": f"ETS I under the {rules} rules: phase 2 average quantity, phase 3 line (1.74 %), "
                       "phase 4 line; coverage = verified emissions / area GHG in 2016.",
    }
    if initial_bank:
        ets1["initial_bank"] = float(initial_bank)
    if msr is True and rules != "2009":
        msr = dict(MSR_2023 if rules == "2023" else MSR_2018)
        if rules == "2018":  # holdings above the previous year's auction volume: ~57 % of the 2022 cap
            auction = float(phases().query("phase == 4", engine="python").iloc[0]["auction_share_pct"]) / 100
            msr["invalidate_above"] = round(auction * cap_path([2022], "2018")[2022], 3)
    if isinstance(msr, dict) and msr:
        msr = dict(msr)
        msr["start"] = max(int(msr.get("start", start)), start)
        if msr["start"] > end:
            msr = None
        elif initial_reserve:
            msr["initial_reserve"] = float(initial_reserve)
        if msr:
            ets1["msr"] = msr
    markets = {"EU_ETS": ets1}
    if ets2 and end >= 2027:
        c2 = round(ets2_coverage(), 6)
        cap2 = ets2_cap_rule(end)
        if start < 2027:  # no ETS II yet: nothing covered, nothing issued
            cap2["earlier"] = {t: 0.0 for t in years if t < 2027}
        trigger = round(ETS2_PRICE_RELEASE_EUR * eur_to_usd(2020), 3)
        markets["EU_ETS2"] = {
            "members": ["EU"], "coverage": {t: (c2 if t >= 2027 else 0.0) for t in years}, "cap": cap2,
            "banking": True,
            "cost_containment_reserve": {"trigger": trigger, "volume": ETS2_PRICE_RELEASE_MT},
            "description": "ETS II (buildings, road transport, small industry) from 2027: its own cap, "
                           "not linked to ETS I; coverage = its 2024 starting value / area BAU 2024.",
        }
    parts = ["ETS I with banking"] + (["the MSR"] if "msr" in ets1 else []) + \
        (["ETS II from 2027, not linked"] if "EU_ETS2" in markets else [])
    return {
        "name": f"EU ETS {start}-{end}, {rules} rules",
        "description": "The EU ETS area (EU-28 to 2020, EU-27 from 2021) as one jurisdiction; "
                       + ", ".join(parts) + " (model/eu_ets.py build).",
        "periods": years,
        "discount_rate": discount_rate,
        "jurisdictions": {"EU": {"bau": {t: round(area_bau(t), 3) for t in years}, "mac": mac,
                                 "description": "GHG excl. LULUCF CO2 and F-gases; MIMOSA power MAC of the EU-27."}},
        "markets": markets,
        "links": [],
    }


def calibrate_kappa(year: int, price_usd: float | None = None, beta: float = 3.0,
                    gamma: float = 2887.0) -> float:
    """The kappa at which the power MAC equals the observed price at the observed abatement of ``year``.

    Abatement share a = 1 - verified emissions / covered BAU; kappa = p / (gamma a^beta). A static,
    one-year calibration: it assumes the year's whole gap between BAU and verified emissions was
    abated because of that year's price.
    """
    covered = ets1_coverage() * area_bau(year)
    a = 1 - verified_emissions()[year] / covered
    if a <= 0:
        raise ValueError(f"{year}: verified emissions are above the covered BAU; nothing to calibrate")
    if price_usd is None:
        price_usd = float(observed_prices().set_index("year").loc[year, "usd_per_t"])
    return price_usd / (gamma * a**beta)


def observed_price_usd2010(year: int) -> float:
    """The observed mean EU allowance price of ``year`` (ICAP) in USD2010.

    The secondary market's full-year mean; where that covers part of the year only (2024: 159
    trading days in the export), the auction mean of the same year, which covers all of it.
    ICAP's nominal USD price is deflated with the US CPI-U (:mod:`model.deflator`), so that it can
    be compared with the model's prices, which are in the USD2010 of MIMOSA's cost curve.
    """
    for market in ("secondary", "primary"):
        full = observed_prices(market).set_index("year")
        if year in full.index:
            return to_usd2010(float(full.loc[year, "usd_per_t"]), year)
    raise KeyError(f"no full-year observed EU allowance price for {year}")


# ---------------------------------------------------------------------------------------------
# The scenario files


#: The chapter's scenario files (in ``scenarios/``) and the :func:`build` arguments that make them.
SCENARIO_FILES = {
    "eu_ets.yaml": {"rules": "2023"},
    "eu_ets_phase3.yaml": {"rules": "2009", "start": 2013, "end": 2020, "msr": False, "ets2": False},
    "eu_ets_2023.yaml": {"rules": "2023", "start": 2023, "initial_bank": OBSERVED_TNAC_MT[2022],
                         "initial_reserve": 400.0},
}

_HEADERS = {
    "eu_ets.yaml": "The EU ETS 2008-2030 under today's law (Directive (EU) 2023/959), as if known from 2008:\n"
                   "phase 2 average quantity, phase 3 line (1.74 %), phase 4 line (2.2 %, 4.3 %, 4.4 %, cuts of\n"
                   "90 and 27 Mt), back-loading, the MSR, and ETS II from 2027 as a separate, unlinked market.\n"
                   "EU_ETS2 has no coverage and no cap before 2027: it is inactive, and the model reports no price.",
    "eu_ets_phase3.yaml": "EU ETS phase 3 (2013-2020): one EU-wide cap, 2084.3 Mt in 2013, falling by 1.74 % of the\n"
                          "phase 2 average annual quantity a year (Directive 2009/29/EC).",
    "eu_ets_2023.yaml": "The EU ETS from 2023 under the law of 2023, starting from the surplus the Commission\n"
                        "published for the end of 2022 (1 134.8 Mt) and an MSR holding 400 Mt.",
}


def write_scenarios(folder) -> list:
    """Write :data:`SCENARIO_FILES` as YAML into ``folder`` (made by :func:`build`); return the paths."""
    from pathlib import Path

    import yaml

    out = []
    for name, kwargs in SCENARIO_FILES.items():
        header = "".join(f"# {line}\n" for line in _HEADERS[name].splitlines())
        header += f"# Generated by model/eu_ets.py: build({', '.join(f'{k}={v!r}' for k, v in kwargs.items())}).\n"
        header += "# Units: Mt CO2e per year (caps, BAU), Mt (banks, reserve), USD/t (prices).\n"
        text = yaml.safe_dump(build(**kwargs), sort_keys=False, allow_unicode=True, width=80,
                              default_flow_style=None)
        path = Path(folder) / name
        path.write_text(header + text, encoding="utf-8")
        out.append(path)
    return out
