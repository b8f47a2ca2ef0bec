r"""CORSIA: a sectoral baseline for international aviation, met with offset credits.

The chapter "CORSIA: a sectoral baseline and offset" builds its scenarios here, from the sourced
facts in ``data/corsia.csv`` (international aviation CO2, the baseline rules, coverage, traffic
and efficiency trends) and the MIMOSA cost curves of ``data/mac.csv``.

The economics in three lines. International aviation emits :math:`E_t` (MtCO2/yr) in period
:math:`t`; a share :math:`c` of it (the routes between participating states) is covered. The
operators must surrender eligible emissions units for their covered emissions above the
covered baseline :math:`c\,B_t`, so the *offset demand* is

.. math:: D_t = c\,(E_t - a_t) - c\,B_t \quad (\text{when positive}),

where :math:`a_t` is the operators' own (in-sector) abatement. In the model this is a capped
market whose cap is the covered baseline, linked one way to a credit programme whose hosts sell
credits at their marginal abatement cost.

Units: MtCO2 per year for emissions, baselines and credits; USD per tonne for prices.
"""

from __future__ import annotations

from functools import cache

from .. import data

__all__ = ["PERIODS", "YEARS", "HOSTS", "ELIGIBLE_SHARE", "AVIATION_SLOPE", "COVERAGE",
           "facts", "aviation_emissions", "period_mean", "baseline", "build_corsia",
           "eligible_share_for_price"]

#: The CORSIA periods: pilot (2021-2023), first phase (2024-2026), second phase in three blocks.
PERIODS = (2021, 2024, 2027, 2030, 2033)
#: Years each period stands for.
YEARS = 3
#: Illustrative hosts of CORSIA-eligible credits (ISO3), with their MIMOSA cost curves.
HOSTS = ("BRA", "IND", "IDN")
#: Coverage: the paper's "86.5%" of the 66 states that volunteered from the start.
COVERAGE = 0.865
#: Slope of the operators' own (in-sector) MAC, USD/t per Mt: illustrative and steep, so that
#: at credit prices of tens of dollars nearly all compliance is by offsetting.
AVIATION_SLOPE = 20.0
#: Share of each host's GHG emissions in projects that can earn CORSIA-eligible units (with
#: host authorisation and corresponding adjustment). Calibrated in the chapter: the share at
#: which the first-phase credit price is the observed USD 20/t (``eligible_share_for_price``).
ELIGIBLE_SHARE = 0.06548


@cache
def facts() -> dict:
    """``data/corsia.csv`` as ``{fact_id: value}`` (units in the table's ``unit`` column)."""
    table = data.load_table("corsia")
    return dict(zip(table["fact_id"], table["value"].astype(float), strict=True))


def aviation_emissions(year: int, traffic_growth: float | None = None,
                       efficiency_gain: float | None = None) -> float:
    r"""Business-as-usual CO2 of international aviation in ``year``, MtCO2/yr.

    Observed for 2019 and 2020 (IEA). From 2020 a straight-line recovery to the 2019 level in
    the recovery year (2024, ICAO's high-recovery scenario); after it, traffic grows at
    ``traffic_growth`` a year while fuel burned per unit of traffic falls at
    ``efficiency_gain``, so emissions grow at :math:`(1+g_{\text{traffic}})/(1+g_{\text{eff}}) - 1`.
    Rates are fractions per year; the defaults are the table's 5% and 1.9%.
    """
    f = facts()
    g_traffic = f["traffic_growth"] / 100 if traffic_growth is None else traffic_growth
    g_eff = f["fuel_efficiency_gain"] / 100 if efficiency_gain is None else efficiency_gain
    e2019, e2020 = f["intl_aviation_co2_2019"], f["intl_aviation_co2_2020"]
    recovery = int(f["traffic_recovery_year"])
    if year <= 2020:
        known = {2019: e2019, 2020: e2020}
        if year not in known:
            raise ValueError(f"no projection before 2019 (got {year}); see data/corsia.csv")
        return known[year]
    if year <= recovery:
        return e2020 + (e2019 - e2020) * (year - 2020) / (recovery - 2020)
    growth = (1 + g_traffic) / (1 + g_eff) - 1
    return e2019 * (1 + growth) ** (year - recovery)


def period_mean(func, start: int, years: int = YEARS, **kwargs) -> float:
    """Mean of ``func(year, **kwargs)`` over the ``years`` years from ``start`` (a period's yearly average)."""
    return sum(func(y, **kwargs) for y in range(start, start + years)) / years


def baseline(period: int, rule: str = "current") -> float:
    """The CORSIA baseline for ``period`` before coverage, MtCO2/yr.

    ``rule``:

    * ``"a39"``: Assembly Resolution A39-3 (2016), the paper's rule: the average of 2019 and 2020;
    * ``"2019"``: 2019 emissions throughout (the Council's pilot-phase rule of June 2020, kept);
    * ``"current"``: 2019 emissions in the pilot phase, 85% of 2019 from 2024 (Resolution A41-22).
    """
    f = facts()
    e2019, e2020 = f["intl_aviation_co2_2019"], f["intl_aviation_co2_2020"]
    if rule == "a39":
        return (e2019 + e2020) / 2
    if rule == "2019":
        return e2019
    if rule == "current":
        share = f["baseline_pilot_share"] if period < 2024 else f["baseline_share_from_2024"]
        return share / 100 * e2019
    raise ValueError(f"unknown baseline rule '{rule}': use 'a39', '2019' or 'current'")


def _host_bau(iso3: str, period: int, eligible_share) -> float:
    share = eligible_share[period] if isinstance(eligible_share, dict) else eligible_share
    return share * period_mean(lambda y: data.bau(iso3, y), period)


def _fmt(share) -> str:
    if isinstance(share, dict):
        return "{" + ", ".join(f"{t}: {v:g}" for t, v in share.items()) + "}"
    return f"{share:g}"


def build_corsia(coverage=COVERAGE, rule: str = "current", eligible_share=ELIGIBLE_SHARE,
                 hosts=HOSTS, additionality=1.0, aviation_slope=AVIATION_SLOPE,
                 traffic_growth: float | None = None, efficiency_gain: float | None = None,
                 periods=PERIODS, digits: int = 3) -> dict:
    """The CORSIA scenario as a dict (format v2), ready for ``model.load_scenario``.

    One jurisdiction ``Aviation`` (international aviation, BAU from :func:`aviation_emissions`,
    period means) is the member of the market ``CORSIA`` with ``coverage`` (scalar or
    ``{period: share}``) and a cap equal to the covered baseline, ``coverage * baseline(rule)``.
    The credit programme ``EEU`` (eligible emissions units) has ``hosts``, each with BAU
    ``eligible_share`` (scalar or ``{period: share}``) times its GHG BAU (``data.bau``) and its
    MIMOSA power MAC; it sells to
    ``CORSIA`` through a one-way link. Numbers are rounded to ``digits`` decimals.
    """
    def cov(t):
        return coverage[t] if isinstance(coverage, dict) else coverage

    def rnd(x):
        return round(float(x), digits)

    bau = {t: rnd(period_mean(aviation_emissions, t, traffic_growth=traffic_growth,
                              efficiency_gain=efficiency_gain)) for t in periods}
    cap = {t: rnd(cov(t) * baseline(t, rule)) for t in periods}
    jurisdictions = {"Aviation": {
        "bau": bau, "mac": {"type": "linear", "slope": aviation_slope},
        "description": "international aviation CO2 (MtCO2/yr, period mean); in-sector MAC illustrative"}}
    for iso in hosts:
        jurisdictions[iso] = {
            "bau": {t: rnd(_host_bau(iso, t, eligible_share)) for t in periods},
            "mac": data.power_mac(iso),
            "description": f"eligible share {_fmt(eligible_share)} of {iso}'s GHG BAU; MIMOSA MAC"}
    return {
        "name": "CORSIA: baseline and offset",
        "description": f"International aviation offsets its covered emissions above {rule!r} baseline "
                       f"with credits from {', '.join(hosts)}",
        "periods": list(periods),
        "jurisdictions": jurisdictions,
        "markets": {"CORSIA": {"members": ["Aviation"], "coverage": coverage, "cap": cap,
                               "description": "cap = covered baseline"}},
        "credits": {"EEU": {"hosts": list(hosts), "additionality": additionality,
                            "description": "CORSIA eligible emissions units"}},
        "links": [{"markets": ["EEU", "CORSIA"], "direction": "one-way"}],
    }


def eligible_share_for_price(price: float, period: int = 2024, coverage=COVERAGE, rule: str = "current",
                             hosts=HOSTS, aviation_slope=AVIATION_SLOPE) -> float:
    r"""The eligible share :math:`e` at which the credit price in ``period`` is ``price`` (USD/t).

    At a price :math:`p` the operators abate :math:`c\,p/s` in-sector (linear MAC of slope
    :math:`s`, covered share :math:`c`), so they buy :math:`D(p) = c E - c\,p/s - c B` credits;
    a host with BAU :math:`e E_h` and MAC :math:`\kappa_h \gamma (q / e E_h)^{\beta}` sells
    :math:`e E_h (p / \kappa_h \gamma)^{1/\beta}`. Supply is proportional to :math:`e`, so
    :math:`e = D(p) / \sum_h E_h (p/\kappa_h\gamma)^{1/\beta}`, a closed form.
    """
    bau = period_mean(aviation_emissions, period)
    demand = coverage * bau - coverage * price / aviation_slope - coverage * baseline(period, rule)
    supply_per_share = 0.0
    for iso in hosts:
        mac = data.power_mac(iso)
        unit = (price / (mac["kappa"] * mac["gamma"])) ** (1 / mac["beta"])
        supply_per_share += period_mean(lambda y, iso=iso: data.bau(iso, y), period) * unit
    return demand / supply_per_share
