"""Results as tidy pandas frames, with units in the column names.

Two frames describe a solution:

* ``prices``: one row per market and period;
* ``jurisdictions``: one row per jurisdiction and period.

Frame columns carry their unit as a suffix (``price_usd_per_t``); the CSV files written by
:meth:`Results.to_csv` use the plain names (``price``) and a ``columns.csv`` beside them gives
each column's unit and meaning. :data:`COLUMNS` is the one list of both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .optimise import Solution, solve_scenario
from .scenario import Scenario, load_scenario

__all__ = ["Results", "solve", "compare", "COLUMNS"]

#: name -> (unit suffix, unit, meaning), per table. Key columns have no unit.
COLUMNS = {
    "prices": {
        "market": ("", "", "market or credit programme name"),
        "kind": ("", "", "`cap` (a capped market), `tax` (a pure tax) or `credits` (an offset programme)"),
        "period": ("", "year", "period (0 when the scenario has a single unnamed period)"),
        "link_group": ("", "", "the markets connected to it by links, joined by '+'"),
        "price": ("usd_per_t", "USD/tCO2e", "permit price: the dual of the market's cap (the tax of a tax "
                  "market; the credit price of a programme), undiscounted; empty in a period where the market "
                  "is inactive (zero cap, nothing covered, no links, no bank: e.g. before it starts)"),
        "cap": ("mt", "MtCO2e/yr", "allowances issued by the market (empty for taxes and programmes)"),
        "bau": ("mt", "MtCO2e/yr", "BAU emissions of the covered (or hosting) segments"),
        "emissions": ("mt", "MtCO2e/yr", "emissions of the covered (or hosting) segments"),
        "abatement": ("mt", "MtCO2e/yr", "abatement of those segments below BAU"),
        "net_imports": ("mt", "MtCO2e/yr", "tonnes received through links (units times exchange rate) minus "
                        "units sent (negative: a seller)"),
        "bank": ("mt", "MtCO2e", "allowances banked at the end of the period (negative: borrowed)"),
        "withheld": ("mt", "MtCO2e/yr", "allowances withdrawn at the price floor"),
        "extra_allowances": ("mt", "MtCO2e/yr", "allowances added at the price ceiling or from the cost-containment "
                             "reserve"),
        "shortfall": ("mt", "MtCO2e/yr", "emissions above the cap under a `conduct` obligation"),
        "msr_intake": ("mt", "MtCO2e", "net intake into the market stability reserve (negative: a release)"),
        "msr_reserve": ("mt", "MtCO2e", "allowances held in the market stability reserve at the end"),
        "credits_issued": ("mt", "MtCO2e/yr", "credits issued by a programme"),
        "abatement_cost": ("musd", "million USD/yr", "abatement cost of those segments"),
        "tax_payments": ("musd", "million USD/yr", "tax paid on covered emissions"),
    },
    "jurisdictions": {
        "jurisdiction": ("", "", "jurisdiction name"),
        "market": ("", "", "the markets (and credit programme) covering it, joined by '+' (empty when uncapped)"),
        "period": ("", "year", "period"),
        "bau": ("mt", "MtCO2e/yr", "business-as-usual emissions"),
        "emissions": ("mt", "MtCO2e/yr", "emissions after abatement"),
        "abatement": ("mt", "MtCO2e/yr", "abatement below BAU"),
        "allowances": ("mt", "MtCO2e/yr", "allowances allocated to it"),
        "net_purchases": ("mt", "MtCO2e/yr", "covered emissions minus allowances received (negative: sold, banked "
                          "or left to expire unused)"),
        "price": ("usd_per_t", "USD/tCO2e", "carbon price it faces (0 when uncapped; empty when it is in "
                  "several markets, see the segments table, or when its market is inactive)"),
        "marginal_cost": ("usd_per_t", "USD/tCO2e", "its marginal abatement cost at the solution (empty when "
                          "in several markets)"),
        "abatement_cost": ("musd", "million USD/yr", "cost of its abatement (integral of the MAC)"),
        "permit_payments": ("musd", "million USD/yr", "price times net purchases (negative: revenue)"),
        "tax_payments": ("musd", "million USD/yr", "tax paid on its covered emissions"),
        "credit_revenue": ("musd", "million USD/yr", "credit price times the credits issued to it"),
        "total_cost": ("musd", "million USD/yr", "abatement cost + permit payments + tax payments - credit revenue"),
    },
    "segments": {
        "jurisdiction": ("", "", "jurisdiction name"),
        "owner": ("", "", "the market covering the segment, or the credit programme it hosts"),
        "period": ("", "year", "period"),
        "share": ("", "share", "share of the jurisdiction's BAU in the segment (the coverage)"),
        "bau": ("mt", "MtCO2e/yr", "BAU emissions of the segment"),
        "emissions": ("mt", "MtCO2e/yr", "emissions of the segment"),
        "abatement": ("mt", "MtCO2e/yr", "abatement of the segment"),
        "price": ("usd_per_t", "USD/tCO2e", "price the segment responds to (permit price plus tax, plus the "
                  "buyer's price of abatement sold without corresponding adjustment; for a host, the credit "
                  "price divided by the additionality share)"),
        "marginal_cost": ("usd_per_t", "USD/tCO2e", "the segment's marginal abatement cost"),
        "abatement_cost": ("musd", "million USD/yr", "the segment's abatement cost"),
    },
    "links": {
        "link": ("", "", "the link as written, e.g. 'A <-> B' or 'CDM -> EU_ETS'"),
        "exporter": ("", "", "market or programme sending units"),
        "importer": ("", "", "market receiving them"),
        "period": ("", "year", "period"),
        "flow": ("mt", "million units/yr", "units sent (net of the reverse flow on two-way links of two markets). "
                 "Where three or more markets trade freely only each market's net imports are determined and "
                 "the bilateral flows are one solution among many; at a zero price even net trade is not"),
        "exchange_rate": ("", "t/unit", "tonnes one unit covers in the importer"),
        "transaction_cost": ("usd_per_t", "USD/unit", "cost of trading one unit"),
        "import_limit": ("mt", "million units/yr", "the import limit (empty when none)"),
        "quota_rent": ("usd_per_t", "USD/unit", "dual of the import limit: the importer's price times the "
                       "exchange rate, less the exporter's price and the transaction cost"),
    },
    "ledger": {
        "period": ("", "year", "period"),
        "years": ("", "yr", "years the period stands for"),
        "discount_factor": ("", "", "present value of 1 USD of the period"),
        "caps": ("mt", "MtCO2e/yr", "sum of the caps of all capped markets"),
        "covered_bau": ("mt", "MtCO2e/yr", "BAU emissions covered by capped markets"),
        "covered_emissions": ("mt", "MtCO2e/yr", "emissions covered by capped markets"),
        "global_bau": ("mt", "MtCO2e/yr", "BAU emissions of all jurisdictions"),
        "global_emissions": ("mt", "MtCO2e/yr", "emissions of all jurisdictions"),
        "hot_air_sold": ("mt", "MtCO2e/yr", "units sold (with corresponding adjustment) by markets whose cap exceeds "
                         "their covered BAU, up to that excess: tonnes that no one abated. In a link group "
                         "at most the group's surplus less its unused allowances (at a zero price, units "
                         "shipped only to expire are not counted)"),
        "credits_surrendered": ("mt", "MtCO2e/yr", "tonnes covered by credits bought from programmes"),
        "non_additional_credits": ("mt", "MtCO2e/yr", "credits surrendered less the real reductions behind them"),
        "double_counted": ("mt", "MtCO2e/yr", "tonnes sold without corresponding adjustment (claimed by both sides)"),
        "shortfall": ("mt", "MtCO2e/yr", "emissions above caps under `conduct` obligations"),
        "extra_allowances": ("mt", "MtCO2e/yr", "allowances added at price ceilings and from reserves"),
        "withheld": ("mt", "MtCO2e/yr", "allowances withdrawn at price floors"),
        "banked": ("mt", "MtCO2e/yr", "change in the banks over the period, per year (positive: saved)"),
        "msr_intake": ("mt", "MtCO2e/yr", "net intake into market stability reserves, per year"),
        "surplus_allowances": ("mt", "MtCO2e/yr", "caps in excess of covered BAU, summed over markets"),
        "unused_allowances": ("mt", "MtCO2e/yr", "allowances that expire unused (neither surrendered, sold nor banked)"),
        "exchange_gain": ("mt", "MtCO2e/yr", "tonnes gained (lost if negative) by exchange rates on trade between "
                          "capped markets: (rate - 1) x units"),
        "outside_abatement": ("mt", "MtCO2e/yr", "abatement outside capped markets (credit hosts, pure taxes)"),
        "integrity_gap": ("mt", "MtCO2e/yr", "global emissions less what the caps alone allow (each capped "
                          "market at the smaller of its cap and its covered BAU, everything else at BAU). "
                          "Exactly: surplus - unused + credits surrendered + double counted + exchange gain + "
                          "shortfall + extra - withheld - banked - MSR intake - outside abatement"),
    },
}

#: The frames of :class:`Results`, in order.
TABLES = tuple(COLUMNS)


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
        One row per market (and credit programme) and period (see :data:`COLUMNS`).
    jurisdictions : pandas.DataFrame
        One row per jurisdiction and period.
    segments : pandas.DataFrame
        One row per covered or hosting segment of a jurisdiction and period.
    links : pandas.DataFrame
        One row per link, direction of trade and period.
    ledger : pandas.DataFrame
        The environmental-integrity ledger: one row per period.
    solver : dict
        ``iterations`` (QP solves of the last round), ``price_accuracy`` (largest relative gap
        between a convex curve's marginal cost and its price), ``msr_rounds``, ``seconds``.
    """

    scenario: Scenario
    prices: pd.DataFrame
    jurisdictions: pd.DataFrame
    solver: dict = field(default_factory=dict)
    segments: pd.DataFrame = field(default_factory=pd.DataFrame)
    links: pd.DataFrame = field(default_factory=pd.DataFrame)
    ledger: pd.DataFrame = field(default_factory=pd.DataFrame)

    def price(self, market: str, period=None) -> float:
        """Price of ``market`` (or credit programme) in USD/t (the only period when ``period`` is None)."""
        rows = self.prices[self.prices["market"] == market]
        if period is not None:
            rows = rows[rows["period"] == period]
        if len(rows) != 1:
            raise KeyError(f"no single price for market {market!r}, period {period!r}")
        return float(rows[col("prices", "price")].iloc[0])

    def total_cost(self) -> float:
        """Present value of the abatement and transaction costs over all years, MUSD.

        Each period's yearly cost counts for the years it stands for, discounted to the first
        period (for one period: that period's cost). Permit, tax and credit payments are
        transfers and net out.
        """
        sc = self.scenario
        weight = {t: sc.years(t) * sc.discount_factor(t) for t in sc.periods}
        j = self.jurisdictions
        cost = (j[col("jurisdictions", "abatement_cost")] * j["period"].map(weight)).sum()
        if len(self.links):
            lk = self.links
            cost += (lk[col("links", "transaction_cost")] * lk[col("links", "flow")] * lk["period"].map(weight)).sum()
        return float(cost)

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
        fmt = lambda v: f"{v:,.2f}"  # noqa: E731
        lines = [f"Scenario: {self.scenario.name}", "",
                 "Markets (price USD/t; quantities Mt/yr):",
                 p[keep_p].to_string(index=False, float_format=fmt) if len(p) else "  (no markets)",
                 "", "Jurisdictions (Mt/yr; cost million USD/yr):",
                 j[keep_j].to_string(index=False, float_format=fmt)]
        if len(self.links):
            lk = self.links[["link", "exporter", "importer"] + (["period"] if multi else [])
                            + [col("links", "flow"), col("links", "quota_rent")]]
            lines += ["", "Links (units/yr; quota rent USD/unit):", lk.to_string(index=False, float_format=fmt)]
        lines += ["", f"Total abatement cost: {self.total_cost():,.2f} million USD"
                  + (" (present value)" if multi else "")]
        return "\n".join(lines)

    def to_csv(self, directory) -> list[Path]:
        """Write one CSV per table (``prices.csv``, ``jurisdictions.csv``, ``segments.csv``,
        ``links.csv``, ``ledger.csv``) and ``columns.csv`` to ``directory``.

        The CSV columns use the plain names; ``columns.csv`` lists each column's unit.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for table in TABLES:
            frame = getattr(self, table)
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


def _frame(table: str, rows: list) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS[table]))
    return frame.rename(columns={n: col(table, n) for n in COLUMNS[table]})


def _flows_by_market(scenario: Scenario, sol: Solution) -> tuple[dict, dict]:
    """(market, t) -> tonnes received (units x exchange rate), and -> units sent."""
    received, sent = {}, {}
    for (i, a, b, t), f in sol.flows.items():
        received[(b, t)] = received.get((b, t), 0.0) + scenario.links[i].exchange_rate * f
        sent[(a, t)] = sent.get((a, t), 0.0) + f
    return received, sent


def _frames(scenario: Scenario, sol: Solution) -> dict:
    T = scenario.periods
    segs = sol.segments
    group_of = {n: "+".join(g) for g in sol.groups for n in g}
    received, sent = _flows_by_market(scenario, sol)

    srows = []
    for (j, o, t), (bau, mac, share) in segs.items():
        q = sol.abatement[(j, o, t)]
        srows.append({"jurisdiction": j, "owner": o, "period": t, "share": share, "bau": bau, "emissions": bau - q,
                      "abatement": q, "price": sol.segment_price[(j, o, t)], "marginal_cost": mac.marginal(q, bau),
                      "abatement_cost": mac.cost(q, bau)})
    seg = pd.DataFrame(srows, columns=list(COLUMNS["segments"]))
    by_owner: dict = {}
    by_jur: dict = {}
    for row in srows:
        by_owner.setdefault((row["owner"], row["period"]), []).append(row)
        by_jur.setdefault((row["jurisdiction"], row["period"]), []).append(row)

    def total(rows, column):
        return float(sum(r[column] for r in rows))

    prows = []
    for n, mk in scenario.markets.items():
        for t in T:
            mine = by_owner.get((n, t), [])
            emissions = total(mine, "emissions")
            tax = mk.tax[t] if mk.tax is not None else 0.0
            prows.append({
                "market": n, "kind": "cap" if mk.capped else "tax", "period": t, "link_group": group_of[n],
                "price": sol.price[(n, t)], "cap": mk.cap[t] if mk.capped else float("nan"),
                "bau": total(mine, "bau"), "emissions": emissions, "abatement": total(mine, "abatement"),
                "net_imports": received.get((n, t), 0.0) - sent.get((n, t), 0.0),
                "bank": sol.bank.get((n, t), 0.0), "withheld": sol.withheld.get((n, t), 0.0),
                "extra_allowances": sol.extra.get((n, t), 0.0), "shortfall": sol.shortfall.get((n, t), 0.0),
                "msr_intake": sol.msr_intake.get((n, t), 0.0), "msr_reserve": sol.msr_reserve.get((n, t), 0.0),
                "credits_issued": 0.0, "abatement_cost": total(mine, "abatement_cost"),
                "tax_payments": tax * emissions,
            })
    issued_by: dict = {}
    for (_h, c, t), v in sol.issued.items():
        issued_by[(c, t)] = issued_by.get((c, t), 0.0) + v
    for c in scenario.credits.values():
        for t in T:
            mine = by_owner.get((c.name, t), [])
            prows.append({
                "market": c.name, "kind": "credits", "period": t, "link_group": group_of[c.name],
                "price": sol.price[(c.name, t)], "cap": float("nan"), "bau": total(mine, "bau"),
                "emissions": total(mine, "emissions"), "abatement": total(mine, "abatement"),
                "net_imports": -sent.get((c.name, t), 0.0), "bank": 0.0, "withheld": 0.0, "extra_allowances": 0.0,
                "shortfall": 0.0, "msr_intake": 0.0, "msr_reserve": 0.0, "credits_issued": issued_by.get((c.name, t), 0.0),
                "abatement_cost": total(mine, "abatement_cost"), "tax_payments": 0.0,
            })
    prices = _frame("prices", prows)

    jrows = []
    for j in scenario.jurisdictions.values():
        for t in T:
            mine = by_jur.get((j.name, t), [])
            q = total(mine, "abatement")
            owners = [row["owner"] for row in mine]
            allowances = net = payments = taxes = revenue = 0.0
            for row in mine:
                o = row["owner"]
                if o in scenario.markets:
                    mk = scenario.markets[o]
                    if mk.capped:
                        a = mk.allowances[(j.name, t)]
                        allowances += a
                        net += row["emissions"] - a
                        if not math.isnan(sol.price[(o, t)]):  # an inactive market has no price
                            payments += sol.price[(o, t)] * (row["emissions"] - a)
                    if mk.tax is not None:
                        taxes += mk.tax[t] * row["emissions"]
                else:
                    revenue += sol.price[(o, t)] * sol.issued.get((j.name, o, t), 0.0)
            if len(mine) == 1:
                price, marginal = mine[0]["price"], mine[0]["marginal_cost"]
            elif not mine:
                price, marginal = 0.0, j.mac.marginal(0.0, j.bau[t])
            else:
                price = marginal = float("nan")
            cost = total(mine, "abatement_cost")
            jrows.append({
                "jurisdiction": j.name, "market": "+".join(owners), "period": t, "bau": j.bau[t],
                "emissions": j.bau[t] - q, "abatement": q, "allowances": allowances, "net_purchases": net,
                "price": price, "marginal_cost": marginal, "abatement_cost": cost, "permit_payments": payments,
                "tax_payments": taxes, "credit_revenue": revenue, "total_cost": cost + payments + taxes - revenue,
            })
    jurisdictions = _frame("jurisdictions", jrows)

    lrows = []
    for i, link in enumerate(scenario.links):
        pairs = [(a, b) for (a, b) in link.edges() if link.direction == "one-way" or a < b]
        for a, b in pairs:
            for t in T:
                f = sol.flows.get((i, a, b, t), 0.0)
                back = sol.flows.get((i, b, a, t), 0.0) if link.direction == "two-way" else 0.0
                exporter, importer, flow = (a, b, f - back) if f >= back else (b, a, back - f)
                limit = float("nan")
                if link.import_limit is not None or link.import_limit_mt is not None:
                    limit = float("inf")
                    imp = scenario.markets.get(importer)
                    if link.import_limit is not None and imp is not None and imp.capped:
                        limit = link.import_limit[t] * imp.cap[t]
                    if link.import_limit_mt is not None:
                        limit = min(limit, link.import_limit_mt[t])
                lrows.append({"link": link.label, "exporter": exporter, "importer": importer, "period": t,
                              "flow": flow, "exchange_rate": link.exchange_rate,
                              "transaction_cost": link.transaction_cost[t] if link.transaction_cost else 0.0,
                              "import_limit": limit,
                              "quota_rent": sol.quota_rent.get((i, importer, t), 0.0)})
    links = _frame("links", lrows)
    ledger = _ledger(scenario, sol, seg, prices, received, sent)
    return {"prices": prices, "jurisdictions": jurisdictions, "segments": _rename("segments", seg),
            "links": links, "ledger": ledger}


def _rename(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={n: col(table, n) for n in COLUMNS[table]})


def _ledger(scenario: Scenario, sol: Solution, seg: pd.DataFrame, prices: pd.DataFrame, received: dict,
            sent: dict) -> pd.DataFrame:
    rows = []
    capped = [n for n, mk in scenario.markets.items() if mk.capped]
    groups = scenario.link_groups()
    for t in scenario.periods:
        years = scenario.years(t)
        here = seg[seg["period"] == t]
        in_capped = here[here["owner"].isin(capped)]
        caps = sum(scenario.markets[n].cap[t] for n in capped)
        global_bau = sum(j.bau[t] for j in scenario.jurisdictions.values())
        global_emissions = global_bau - float(here["abatement"].sum())
        hot_air = surrendered = non_additional = double = banked = surplus = gain = 0.0
        sent_ca: dict = {}
        for (i, a, _b, tt), f in sol.flows.items():
            if tt != t:
                continue
            link = scenario.links[i]
            if not link.corresponding_adjustment:
                double += link.exchange_rate * f
            else:
                sent_ca[a] = sent_ca.get(a, 0.0) + f
                if a in scenario.markets:
                    gain += (link.exchange_rate - 1.0) * f
        sold: dict = {}
        excess: dict = {}
        for n in capped:
            mk = scenario.markets[n]
            cov_bau = float(in_capped[in_capped["owner"] == n]["bau"].sum())
            excess[n] = max(mk.cap[t] - cov_bau, 0.0)
            surplus += excess[n]
            net_exports = sent_ca.get(n, 0.0) - received.get((n, t), 0.0)
            sold[n] = min(max(net_exports, 0.0), excess[n])
            if mk.banking:
                i = scenario.periods.index(t)
                before = sol.bank.get((n, scenario.periods[i - 1]), 0.0) if i else mk.initial_bank
                banked += (sol.bank.get((n, t), 0.0) - before) / years
        # At a zero price flows are not unique: units may be shipped and then expire. Surplus units
        # that expire anywhere in a link group were not used, so hot air sold in a group is at most
        # the group's surplus less its unused allowances.
        for group in groups:
            members = [n for n in group if n in sold]
            room = sum(excess[n] for n in members) - sum(sol.unused.get((n, t), 0.0) for n in members)
            hot_air += min(sum(sold[n] for n in members), max(room, 0.0))
        for c in scenario.credits.values():
            tonnes = sum(scenario.links[i].exchange_rate * f for (i, a, _b, tt), f in sol.flows.items()
                         if a == c.name and tt == t)
            real = 0.0
            for h in c.hosts:
                key = (h, c.name, t)
                if key in sol.segments:
                    real += sol.abatement[key] - max(sol.segments[key][0] - c.baseline[(h, t)], 0.0)
            surrendered += tonnes
            non_additional += max(tonnes - real, 0.0)
        reference = sum(min(scenario.markets[n].cap[t], float(in_capped[in_capped["owner"] == n]["bau"].sum()))
                        for n in capped) + global_bau - float(in_capped["bau"].sum())
        p = prices[prices["period"] == t]
        rows.append({
            "period": t, "years": years, "discount_factor": scenario.discount_factor(t), "caps": caps,
            "covered_bau": float(in_capped["bau"].sum()), "covered_emissions": float(in_capped["emissions"].sum()),
            "global_bau": global_bau, "global_emissions": global_emissions, "hot_air_sold": hot_air,
            "credits_surrendered": surrendered, "non_additional_credits": non_additional, "double_counted": double,
            "shortfall": float(p[col("prices", "shortfall")].sum()),
            "extra_allowances": float(p[col("prices", "extra_allowances")].sum()),
            "withheld": float(p[col("prices", "withheld")].sum()), "banked": banked,
            "msr_intake": float(p[col("prices", "msr_intake")].sum()) / years,
            "surplus_allowances": surplus, "unused_allowances": sum(sol.unused.get((n, t), 0.0) for n in capped),
            "exchange_gain": gain, "outside_abatement": float(here[~here["owner"].isin(capped)]["abatement"].sum()),
            "integrity_gap": global_emissions - reference,
        })
    return _frame("ledger", rows)


def solve(scenario, **options) -> Results:
    """Solve a scenario and return :class:`Results`.

    Parameters
    ----------
    scenario : Scenario, dict, str or pathlib.Path
        A loaded scenario, or anything :func:`model.load_scenario` accepts.
    **options
        Passed to :func:`model.optimise.solve_scenario` (``tolerance``, ``max_iterations``,
        ``time_limit``).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    sol = solve_scenario(scenario, **options)
    frames = _frames(scenario, sol)
    info = {"iterations": sol.iterations, "price_accuracy": sol.price_accuracy, "msr_rounds": sol.msr_iterations,
            "seconds": sol.seconds}
    return Results(scenario, frames["prices"], frames["jurisdictions"], info, frames["segments"], frames["links"],
                   frames["ledger"])


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
