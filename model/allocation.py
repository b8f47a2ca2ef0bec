r"""Sharing a global carbon budget: one function, :func:`allocate`, and a catalogue of rules, :data:`RULES`.

Pure functions over data (no solver). The inputs are

* ``regions``: a long table with one row per region and year (the columns of
  ``data/budget_regions.csv``: ``region``, ``year``, ``population_m``, ``gdp_ppp_busd2005``,
  ``co2_bau_mt``), for the years of the budget period. Each year stands for the ``step`` years
  that start in it (2020 for 2020-2029, ...); :math:`t_0` is the first year;
* ``budget``: the global budget over those years, GtCO2;
* for the historical rules, ``history``: one row per region and decade (``region``,
  ``decade_start``, ``co2_gt``: the columns of ``data/budget_history.csv``);
* for the declared-peak rule, ``targets``: one row per region (``region``, ``peak_year``,
  ``neutrality_year``: the columns of ``data/declared_targets.csv``).

Notation: :math:`B` the global budget, :math:`\Delta` the step (years), :math:`E_{it}` BAU CO2
(Gt/yr), :math:`P_{it}` population, :math:`Y_{it}` GDP, :math:`y_{it} = Y_{it}/P_{it}`,
:math:`\bar E_i = \Delta \sum_t E_{it}` cumulative BAU, :math:`R = \sum_i \bar E_i - B` the
reduction below world BAU. Every rule gives budgets :math:`B_i` with :math:`\sum_i B_i = B`
(the declared-peak rule only when ``scale=True``).

**Negative budgets.** The historical rules can give a region a negative budget: it has already
used more than its share. :func:`allocate` keeps the sign. In a scenario a negative budget is a
negative allocation (``markets.NAME.allocation`` accepts negative numbers): the region owes
allowances, so it must buy its emissions *and* its debt on the market, and pays for them.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["RULES", "allocate", "cumulative", "declared_paths", "per_period", "STEP"]

#: Years each row of ``regions`` stands for.
STEP = 10


def _pivot(regions: pd.DataFrame, column: str) -> pd.DataFrame:
    """region x year table of ``column``."""
    return regions.pivot(index="region", columns="year", values=column).sort_index(axis=1)


def cumulative(regions: pd.DataFrame, step: int = STEP) -> pd.Series:
    r"""Cumulative BAU by region, GtCO2: :math:`\bar E_i = \Delta \sum_t E_{it} / 1000`."""
    return _pivot(regions, "co2_bau_mt").sum(axis=1) * step / 1000.0


def _first(regions: pd.DataFrame, column: str) -> pd.Series:
    t0 = regions["year"].min()
    return regions[regions["year"] == t0].set_index("region")[column].sort_index()


def grandfathering(budget: float, regions: pd.DataFrame, step: int = STEP) -> pd.Series:
    r"""Grandfathering: shares of today's emissions.

    :math:`B_i = B \, E_{i t_0} / \sum_j E_{j t_0}`.

    Source: the status-quo rule of effort-sharing studies (Höhne, den Elzen and Escalante 2014;
    van den Berg et al. 2020, "grandfathering").
    """
    e = _first(regions, "co2_bau_mt")
    return budget * e / e.sum()


def equal_per_capita(budget: float, regions: pd.DataFrame, step: int = STEP) -> pd.Series:
    r"""Equal per capita, immediately: shares of today's population.

    :math:`B_i = B \, P_{i t_0} / \sum_j P_{j t_0}`.

    Source: Agarwal and Narain (1991); the "immediate per capita convergence" of van den Berg
    et al. (2020).
    """
    p = _first(regions, "population_m")
    return budget * p / p.sum()


def convergence(budget: float, regions: pd.DataFrame, step: int = STEP, year: int = 2050) -> pd.Series:
    r"""Contraction and convergence: from today's shares to equal per-capita shares by ``year``.

    The world path contracts linearly: :math:`G_t = \frac{B}{\Delta} \frac{n - k}{\sum_{k'} (n - k')}`
    for the :math:`n` periods :math:`k = 0, \dots, n-1`. Each region receives
    :math:`a_{it} = G_t \left[(1 - c_t) \frac{E_{i t_0}}{\sum_j E_{j t_0}} + c_t \frac{P_{it}}{\sum_j P_{jt}}\right]`,
    :math:`c_t = \min(1, (t - t_0)/(\text{year} - t_0))`, and :math:`B_i = \Delta \sum_t a_{it}`.

    Source: Meyer (2000), *Contraction and Convergence* (Global Commons Institute); van den Berg
    et al. (2020), "per capita convergence".
    """
    e = _first(regions, "co2_bau_mt")
    pop = _pivot(regions, "population_m")
    years = list(pop.columns)
    n, t0 = len(years), years[0]
    weights = [n - k for k in range(n)]
    out = pd.Series(0.0, index=pop.index)
    for k, t in enumerate(years):
        g = budget / step * weights[k] / sum(weights)
        c = min(1.0, (t - t0) / (year - t0)) if year > t0 else 1.0
        out += step * g * ((1 - c) * e / e.sum() + c * pop[t] / pop[t].sum())
    return out


def _history(history: pd.DataFrame, start: int, t0: int, discount: float) -> pd.Series:
    """Cumulative emissions since ``start``, each decade discounted from its midpoint to t0."""
    h = history[history["decade_start"] >= start].copy()
    h["w"] = (1.0 + discount) ** (-(t0 - (h["decade_start"] + 5)))
    return (h["co2_gt"] * h["w"]).groupby(h["region"]).sum()


def historical(budget: float, regions: pd.DataFrame, step: int = STEP, history: pd.DataFrame | None = None,
               start: int = 1850, discount: float = 0.0) -> pd.Series:
    r"""Equal cumulative per capita (historical responsibility) from ``start``.

    Past and future emissions together are shared by population:
    :math:`B_i = \frac{P_{i t_0}}{\sum_j P_{j t_0}} (B + H) - H_i`, with
    :math:`H_i = \sum_{d \ge \text{start}} h_{id} (1 + \delta)^{-(t_0 - d - 5)}` the region's
    emissions of each decade :math:`d` since ``start``, discounted at ``discount`` :math:`\delta`
    per year from the decade's midpoint, and :math:`H = \sum_i H_i`. May be negative.

    Source: Raupach et al. (2014), Matthews (2016); van den Berg et al. (2020), "equal cumulative
    per capita" (start years 1850 and 1990).
    """
    if history is None:
        raise ValueError("the historical rule needs `history` (data/budget_history.csv)")
    t0 = int(regions["year"].min())
    p = _first(regions, "population_m")
    h = _history(history, start, t0, discount).reindex(p.index, fill_value=0.0)
    return p / p.sum() * (budget + h.sum()) - h


def ability_to_pay(budget: float, regions: pd.DataFrame, step: int = STEP, exponent: float = 1 / 3) -> pd.Series:
    r"""Ability to pay: the reduction below BAU shared by BAU times income per head to a power.

    :math:`B_i = \bar E_i - R \frac{\bar E_i\, y_{i t_0}^{\,e}}{\sum_j \bar E_j\, y_{j t_0}^{\,e}}`, :math:`e` = ``exponent``
    (1/3: richer regions cut a larger share of their BAU, less than in proportion to income).

    Source: after Höhne, den Elzen and Escalante (2014) and van den Berg et al. (2020), "ability
    to pay" (reductions per head rising with GDP per head to the power 1/3).
    """
    bau = cumulative(regions, step)
    y = _first(regions, "gdp_ppp_busd2005") / _first(regions, "population_m")
    weight = bau * y ** exponent
    return bau - (bau.sum() - budget) * weight / weight.sum()


def responsibility_capability(budget: float, regions: pd.DataFrame, step: int = STEP, history: pd.DataFrame | None = None,
                              start: int = 1990, threshold: float = 7500.0, weight: float = 0.5) -> pd.Series:
    r"""Responsibility plus capability (Greenhouse Development Rights-like).

    :math:`RCI_i = w \frac{H_i}{\sum_j H_j} + (1 - w) \frac{C_i}{\sum_j C_j}`, with :math:`H_i`
    the emissions since ``start`` (undiscounted) and capacity
    :math:`C_i = P_{i t_0} \max(0, y_{i t_0} - \text{threshold})` (USD2005 PPP per head; the
    regional mean stands for the income distribution, which GDR uses). The reduction below world
    BAU is shared by the index: :math:`B_i = \bar E_i - R \, RCI_i`. May be negative.

    Source: Baer, Athanasiou, Kartha and Kemp-Benedict (2008), *The Greenhouse Development Rights
    framework* (development threshold USD 7,500 per head, responsibility from 1990, weight 0.5).
    """
    if history is None:
        raise ValueError("the responsibility-capability rule needs `history` (data/budget_history.csv)")
    t0 = int(regions["year"].min())
    bau = cumulative(regions, step)
    pop = _first(regions, "population_m")
    y = _first(regions, "gdp_ppp_busd2005") * 1e3 / pop  # USD per head
    cap = pop * (y - threshold).clip(lower=0.0)
    h = _history(history, start, t0, 0.0).reindex(bau.index, fill_value=0.0)
    rci = weight * h / h.sum() + (1 - weight) * cap / cap.sum()
    return bau - (bau.sum() - budget) * rci


def declared_paths(regions: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    r"""Each region's declared path, Mt/yr by year: from :math:`E_{i t_0}` linearly to its BAU
    in the peak year (the declared maximum), then linearly to zero in the neutrality year, zero
    after. A peak year at or before :math:`t_0` means a path that only falls."""
    bau = _pivot(regions, "co2_bau_mt")
    years = list(bau.columns)
    t0 = years[0]
    tg = targets.set_index("region")
    out = pd.DataFrame(0.0, index=bau.index, columns=years)
    for i in bau.index:
        peak_year, zero_year = int(tg.loc[i, "peak_year"]), int(tg.loc[i, "neutrality_year"])
        e0 = bau.loc[i, t0]
        peak_year = max(peak_year, t0)
        peak = e0 if peak_year == t0 else float(pd.Series(bau.loc[i]).reindex([peak_year]).iloc[0])
        for t in years:
            if t <= peak_year:
                v = e0 + (peak - e0) * ((t - t0) / (peak_year - t0) if peak_year > t0 else 1.0)
            elif t < zero_year:
                v = peak * (zero_year - t) / (zero_year - peak_year)
            else:
                v = 0.0
            out.loc[i, t] = v
    return out


def declared_peak(budget: float, regions: pd.DataFrame, step: int = STEP, targets: pd.DataFrame | None = None,
                  scale: bool = True) -> pd.Series:
    r"""The paper's proposal: a party's declared peak counts as its maximum annual emissions,
    followed by a path to its declared neutrality year.

    :math:`D_i = \Delta \sum_t d_{it}` with :math:`d_{it}` the path of :func:`declared_paths`
    (Gt). With ``scale`` the declared budgets are scaled to the global budget,
    :math:`B_i = B\, D_i / \sum_j D_j` (the shares are the declarations'); without, :math:`B_i = D_i`
    and their sum is what the declarations add up to, whatever the global budget.

    Source: Lyu and You, section 4 (the declared peak as the maximum annual emissions, a
    bottom-up allocation checked procedurally); declared years in ``data/declared_targets.csv``.
    """
    if targets is None:
        raise ValueError("the declared-peak rule needs `targets` (data/declared_targets.csv)")
    d = declared_paths(regions, targets).sum(axis=1) * step / 1000.0
    return budget * d / d.sum() if scale else d


#: The catalogue: rule name -> function (its docstring gives the formula and source).
RULES = {
    "grandfathering": grandfathering,
    "equal_per_capita": equal_per_capita,
    "convergence": convergence,
    "historical": historical,
    "ability_to_pay": ability_to_pay,
    "responsibility_capability": responsibility_capability,
    "declared_peak": declared_peak,
}


def allocate(rule: str, budget: float, regions: pd.DataFrame, step: int = STEP, **params) -> pd.DataFrame:
    """Share ``budget`` (GtCO2 over the years of ``regions``) among the regions by ``rule``.

    Returns one row per region: ``budget_gt``, ``share`` (of the sum of budgets),
    ``bau_gt`` (cumulative BAU), ``cut_pct`` (budget below BAU, % of BAU) and
    ``per_capita_t`` (budget per head of the first year's population, tCO2).
    ``params`` go to the rule (``history``, ``targets``, ``start``, ``discount``, ``year``, ...).
    """
    if rule not in RULES:
        raise KeyError(f"unknown allocation rule '{rule}'; the rules are {', '.join(RULES)}")
    b = RULES[rule](budget, regions, step, **params).astype(float)
    bau = cumulative(regions, step).reindex(b.index)
    pop = _first(regions, "population_m").reindex(b.index)
    return pd.DataFrame({"budget_gt": b, "share": b / b.sum(), "bau_gt": bau,
                         "cut_pct": 100 * (1 - b / bau), "per_capita_t": b * 1000 / pop}).rename_axis("region")


def per_period(budgets: pd.Series, years, step: int = STEP) -> dict[str, dict[int, float]]:
    """Each region's budget spread evenly over the years, as allowances in Mt/yr per period
    ({region: {year: Mt/yr}}): the form of ``markets.NAME.allocation``."""
    n = len(list(years)) * step
    return {str(i): {int(t): float(b) * 1000.0 / n for t in years} for i, b in budgets.items()}
