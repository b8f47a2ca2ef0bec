"""Results as tidy pandas frames, with units in the column names.

Two frames describe a solution:

* ``prices``: one row per market and period;
* ``jurisdictions``: one row per jurisdiction and period.

Frame columns carry their unit as a suffix (``price_usd_per_t``); the CSV files written by
:meth:`Results.to_csv` use the plain names (``price``) and a ``columns.csv`` beside them gives
each column's unit and meaning. :data:`COLUMNS` is the one list of both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .optimise import Solution, solve_scenario
from .scenario import Scenario, load_scenario

__all__ = ["Results", "solve", "compare", "COLUMNS"]

#: name -> (unit suffix, unit, meaning), per table. Key columns have no unit.
COLUMNS = {
    "prices": {
        "market": ("", "", "market name"),
        "period": ("", "year", "period (0 when the scenario has a single unnamed period)"),
        "link_group": ("", "", "the markets clearing together, joined by '+'"),
        "price": ("usd_per_t", "USD/tCO2e", "permit price: the dual of the market's (linked) cap"),
        "cap": ("mt", "MtCO2e", "allowances issued by the market"),
        "emissions": ("mt", "MtCO2e", "emissions of the members"),
        "abatement": ("mt", "MtCO2e", "abatement of the members below BAU"),
        "net_imports": ("mt", "MtCO2e", "allowances bought from linked markets (emissions minus cap; negative: sold)"),
        "abatement_cost": ("musd", "million USD", "abatement cost of the members"),
    },
    "jurisdictions": {
        "jurisdiction": ("", "", "jurisdiction name"),
        "market": ("", "", "the market covering it (empty when uncapped)"),
        "period": ("", "year", "period"),
        "bau": ("mt", "MtCO2e", "business-as-usual emissions"),
        "emissions": ("mt", "MtCO2e", "emissions after abatement"),
        "abatement": ("mt", "MtCO2e", "abatement below BAU"),
        "allowances": ("mt", "MtCO2e", "allowances allocated to it"),
        "net_purchases": ("mt", "MtCO2e", "allowances bought (emissions minus allowances; negative: sold)"),
        "price": ("usd_per_t", "USD/tCO2e", "permit price it faces (0 when uncapped)"),
        "marginal_cost": ("usd_per_t", "USD/tCO2e", "its marginal abatement cost at the solution"),
        "abatement_cost": ("musd", "million USD", "cost of its abatement (integral of the MAC)"),
        "permit_payments": ("musd", "million USD", "price times net purchases (negative: revenue)"),
        "total_cost": ("musd", "million USD", "abatement cost plus permit payments"),
    },
}


def col(table: str, name: str) -> str:
    """Frame column of ``name`` in ``table``, with its unit suffix (``price`` -> ``price_usd_per_t``)."""
    suffix = COLUMNS[table][name][0]
    return f"{name}_{suffix}" if suffix else name


@dataclass
class Results:
    """The solution of a scenario as tidy frames.

    Attributes
    ----------
    scenario : Scenario
    prices : pandas.DataFrame
        One row per market and period (see :data:`COLUMNS`).
    jurisdictions : pandas.DataFrame
        One row per jurisdiction and period.
    solver : dict
        ``iterations`` (cutting-plane rounds), ``price_accuracy`` (largest relative gap between a
        convex curve's marginal cost and its price), ``seconds``.
    """

    scenario: Scenario
    prices: pd.DataFrame
    jurisdictions: pd.DataFrame
    solver: dict = field(default_factory=dict)

    def price(self, market: str, period=None) -> float:
        """Permit price of ``market`` in USD/t (the only period when ``period`` is None)."""
        rows = self.prices[self.prices["market"] == market]
        if period is not None:
            rows = rows[rows["period"] == period]
        if len(rows) != 1:
            raise KeyError(f"no single price for market {market!r}, period {period!r}")
        return float(rows[col("prices", "price")].iloc[0])

    def total_cost(self) -> float:
        """Total abatement cost of all jurisdictions over all periods, MUSD (payments net out)."""
        return float(self.jurisdictions[col("jurisdictions", "abatement_cost")].sum())

    def summary(self) -> str:
        """A short readable summary: prices per market and costs per jurisdiction."""
        multi = len(self.scenario.periods) > 1
        p = self.prices.copy()
        j = self.jurisdictions.copy()
        keep_p = ["market", "period", "link_group", col("prices", "price"), col("prices", "cap"),
                  col("prices", "emissions"), col("prices", "net_imports")]
        keep_j = ["jurisdiction", "market", "period", col("jurisdictions", "emissions"),
                  col("jurisdictions", "abatement"), col("jurisdictions", "net_purchases"),
                  col("jurisdictions", "total_cost")]
        if not multi:
            keep_p.remove("period")
            keep_j.remove("period")
        lines = [f"Scenario: {self.scenario.name}", "",
                 "Markets (price USD/t; quantities Mt):",
                 p[keep_p].to_string(index=False, float_format=lambda v: f"{v:,.2f}") if len(p) else "  (no markets)",
                 "", "Jurisdictions (Mt; cost million USD):",
                 j[keep_j].to_string(index=False, float_format=lambda v: f"{v:,.2f}"),
                 "", f"Total abatement cost: {self.total_cost():,.2f} million USD"]
        return "\n".join(lines)

    def to_csv(self, directory) -> list[Path]:
        """Write ``prices.csv``, ``jurisdictions.csv`` and ``columns.csv`` to ``directory``.

        The CSV columns use the plain names; ``columns.csv`` lists each column's unit.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for table, frame in (("prices", self.prices), ("jurisdictions", self.jurisdictions)):
            plain = frame.rename(columns={col(table, n): n for n in COLUMNS[table]})
            path = out / f"{table}.csv"
            plain.to_csv(path, index=False)
            written.append(path)
        rows = [{"file": f"{t}.csv", "column": n, "unit": u, "meaning": d}
                for t, cols in COLUMNS.items() for n, (_s, u, d) in cols.items()]
        path = out / "columns.csv"
        pd.DataFrame(rows).to_csv(path, index=False)
        written.append(path)
        return written


def _frames(scenario: Scenario, sol: Solution) -> tuple[pd.DataFrame, pd.DataFrame]:
    group_index = {mk: g for g, grp in enumerate(sol.groups) for mk in grp}
    jrows = []
    for j in scenario.jurisdictions.values():
        market = scenario.market_of(j.name)
        for t in scenario.periods:
            q = sol.abatement[(j.name, t)]
            bau = j.bau[t]
            if market is None:
                price, allowances, net = 0.0, 0.0, 0.0
            else:
                price = sol.price[(group_index[market], t)]
                allowances = scenario.markets[market].allowances[(j.name, t)]
                net = bau - q - allowances
            cost = j.mac.cost(q, bau)
            jrows.append({
                "jurisdiction": j.name, "market": market or "", "period": t,
                "bau": bau, "emissions": bau - q, "abatement": q, "allowances": allowances,
                "net_purchases": net, "price": price, "marginal_cost": j.mac.marginal(q, bau),
                "abatement_cost": cost, "permit_payments": price * net, "total_cost": cost + price * net,
            })
    jframe = pd.DataFrame(jrows, columns=list(COLUMNS["jurisdictions"]))
    prows = []
    for mk in scenario.markets.values():
        g = group_index[mk.name]
        for t in scenario.periods:
            mine = jframe[(jframe["market"] == mk.name) & (jframe["period"] == t)]
            emissions = float(mine["emissions"].sum())
            prows.append({
                "market": mk.name, "period": t, "link_group": "+".join(sol.groups[g]),
                "price": sol.price[(g, t)], "cap": mk.cap[t], "emissions": emissions,
                "abatement": float(mine["abatement"].sum()), "net_imports": emissions - mk.cap[t],
                "abatement_cost": float(mine["abatement_cost"].sum()),
            })
    pframe = pd.DataFrame(prows, columns=list(COLUMNS["prices"]))
    pframe = pframe.rename(columns={n: col("prices", n) for n in COLUMNS["prices"]})
    jframe = jframe.rename(columns={n: col("jurisdictions", n) for n in COLUMNS["jurisdictions"]})
    return pframe, jframe


def solve(scenario, **options) -> Results:
    """Solve a scenario and return :class:`Results`.

    Parameters
    ----------
    scenario : Scenario, dict, str or pathlib.Path
        A loaded scenario, or anything :func:`model.load_scenario` accepts.
    **options
        Passed to :func:`model.optimise.solve_scenario` (``tolerance``, ``max_iterations``).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    sol = solve_scenario(scenario, **options)
    prices, jurisdictions = _frames(scenario, sol)
    info = {"iterations": sol.iterations, "price_accuracy": sol.price_accuracy, "seconds": sol.seconds}
    return Results(scenario, prices, jurisdictions, info)


def compare(results: dict) -> pd.DataFrame:
    """Side-by-side comparison of several solutions of the same jurisdictions.

    Parameters
    ----------
    results : dict
        Label -> :class:`Results`, e.g. ``{"autarky": r0, "linked": r1}``.

    Returns
    -------
    pandas.DataFrame
        Index (jurisdiction, period); columns a MultiIndex (quantity, label) for price,
        abatement, net purchases and total cost. With exactly two labels, a ``gain_musd``
        column gives the first label's total cost minus the second's: what moving from the
        first to the second saves each jurisdiction (positive: a gain).
    """
    wanted = ["price", "abatement", "net_purchases", "total_cost"]
    parts = {}
    for label, res in results.items():
        frame = res.jurisdictions.set_index(["jurisdiction", "period"])
        parts[label] = frame[[col("jurisdictions", n) for n in wanted]]
    out = pd.concat(parts, axis=1).swaplevel(axis=1).sort_index(axis=1, level=0, sort_remaining=False)
    out = out[[col("jurisdictions", n) for n in wanted]]
    labels = list(results)
    if len(labels) == 2:
        tc = col("jurisdictions", "total_cost")
        out[("gain_musd", "")] = out[(tc, labels[0])] - out[(tc, labels[1])]
    return out
