"""Results as tidy pandas frames, with units in the column names.

Two frames describe a solution:

* ``prices``: one row per market and period;
* ``jurisdictions``: one row per jurisdiction and period.

Columns carry their unit as a suffix (``price_usd_per_t``), in the frames and in the CSV files
written by :meth:`Results.to_csv` alike (one set of names); a ``columns.csv`` beside them gives
each column's unit and meaning. :data:`COLUMNS` is the one list of both.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from . import integrity, money
from ._lazy import pd
from .mechanisms import removals
from .mechanisms.links import import_limit
from .reader import load_scenario
from .solver import Solution, solve_scenario
from .spec import ByMarket, Scenario

__all__ = ["Results", "solve", "compare", "gains", "gains_of", "vs_autarky", "leakage", "COLUMNS"]

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
        "bank": ("mt", "MtCO2e", "allowances banked at the end of the period (negative: borrowed). In a link "
                 "group of two or more banking markets only the group's bank is determined (the `groups` "
                 "table): the split among its markets is one of many equal optima"),
        "withheld": ("mt", "MtCO2e/yr", "allowances withdrawn at the price floor, net of withheld allowances "
                     "sold again (`unsold: return`; negative in a period that sells more than it withholds). "
                     "Between linked markets with floors at one price, the split is one of many equal optima "
                     "(the `groups` table has the group's total)"),
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
        "removals": ("mt", "MtCO2/yr", "removals beyond BAU (`removals`; net emissions: emissions - removals)"),
        "removal_cost": ("musd", "million USD/yr", "cost of its removals, borne by its emitters"),
        "permit_payments": ("musd", "million USD/yr", "net payments of its emitters and its government to "
                            "other parties for allowances, units, quota rents and transaction costs, from the "
                            "money ledger (the `payments` table), each unit at the price actually paid, less "
                            "what the market pays for its removals (negative: revenue)"),
        "tax_payments": ("musd", "million USD/yr", "tax its emitters pay to its government (a transfer inside "
                         "the jurisdiction: not in its total cost)"),
        "credit_revenue": ("musd", "million USD/yr", "credit price times the credits issued to it"),
        "total_cost": ("musd", "million USD/yr", "cost to the jurisdiction as a whole (emitters and government): "
                       "abatement cost + removal cost + permit payments - credit revenue"),
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
        "covered_emissions": ("mt", "MtCO2e/yr", "emissions covered by capped markets (gross, before removals)"),
        "global_bau": ("mt", "MtCO2e/yr", "BAU emissions of all jurisdictions"),
        "global_emissions": ("mt", "MtCO2e/yr", "emissions of all jurisdictions (gross: BAU less abatement)"),
        "removals": ("mt", "MtCO2e/yr", "removals beyond BAU by all jurisdictions (`removals`; each counts as "
                     "allowances in a capped market)"),
        "global_net_emissions": ("mt", "MtCO2e/yr", "global emissions less removals: what reaches the atmosphere"),
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
        "integrity_gap": ("mt", "MtCO2e/yr", "global net emissions (global emissions less removals) less what "
                          "the caps alone allow (each capped market at the smaller of its cap and its covered "
                          "BAU, everything else at BAU). "
                          "Exactly: surplus - unused + credits surrendered + double counted + exchange gain + "
                          "shortfall + extra - withheld - banked - MSR intake - outside abatement"),
    },
    "groups": {
        "link_group": ("", "", "the markets (and credit programmes) joined by links, joined by '+'"),
        "period": ("", "year", "period"),
        "price": ("usd_per_t", "USD/tCO2e", "the group's price when all its markets share one (empty when "
                  "prices differ, e.g. across an import limit or an exchange rate)"),
        "cap": ("mt", "MtCO2e/yr", "sum of its markets' caps"),
        "emissions": ("mt", "MtCO2e/yr", "emissions of the covered (or hosting) segments"),
        "bank": ("mt", "MtCO2e", "the group's bank at the end of the period (negative: borrowed): unique, "
                 "where its split among the markets may not be"),
        "bank_change": ("mt", "MtCO2e/yr", "change in the group's bank over the period, per year "
                        "(negative: a withdrawal from the bank)"),
        "withheld": ("mt", "MtCO2e/yr", "allowances withdrawn at price floors, net of those sold again"),
        "extra_allowances": ("mt", "MtCO2e/yr", "allowances added at price ceilings and from reserves"),
        "shortfall": ("mt", "MtCO2e/yr", "emissions above caps under `conduct` obligations"),
        "msr_intake": ("mt", "MtCO2e", "net intake into market stability reserves"),
    },
    "goods": {
        "good": ("", "", "the good"),
        "region": ("", "", "the region"),
        "period": ("", "year", "period"),
        "market": ("", "", "the market whose carbon price the producers pay (empty: none)"),
        "price": ("usd_per_unit", "USD/unit", "price of the good: the dual of the region's goods balance"),
        "demand": ("mu", "million units/yr", "demand"),
        "supply": ("mu", "million units/yr", "output"),
        "imports": ("mu", "million units/yr", "shipments received"),
        "exports": ("mu", "million units/yr", "shipments sent"),
        "emissions": ("mt", "MtCO2/yr", "emissions of output: intensity x output"),
        "carbon_price": ("usd_per_t", "USD/tCO2", "carbon price the producers face (permit price plus tax)"),
        "carbon_cost": ("usd_per_unit", "USD/unit", "net carbon cost of a unit of output: carbon price x "
                        "intensity x (1 - free allocation)"),
        "border_charge": ("usd_per_unit", "USD/unit", "border charge per unit imported, averaged over the imports "
                          "(0 without imports or adjustment)"),
        "border_revenue": ("musd", "million USD/yr", "border charges collected on the region's imports"),
    },
    "goods_trade": {
        "good": ("", "", "the good"),
        "exporter": ("", "", "region shipping"),
        "importer": ("", "", "region receiving"),
        "period": ("", "year", "period"),
        "flow": ("mu", "million units/yr", "shipments (one solution among many where routes tie)"),
        "transport_cost": ("usd_per_unit", "USD/unit", "transport cost"),
        "border_charge": ("usd_per_unit", "USD/unit", "border charge per unit"),
    },
}

#: The frames of :class:`Results`, in order.
TABLES = tuple(COLUMNS)


def col(table: str, name: str) -> str:
    """Frame column of ``name`` in ``table``, with its unit suffix (``price`` -> ``price_usd_per_t``)."""
    suffix = COLUMNS[table][name][0]
    return f"{name}_{suffix}" if suffix else name


def _no_table():
    """An empty table (the default of a :class:`Results` table)."""
    return pd.DataFrame()


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
    payments : pandas.DataFrame
        The money ledger: every payment, with payer, payee, item, quantity, price and amount
        (:data:`model.money.PAYMENT_COLUMNS`).
    goods, goods_trade : pandas.DataFrame
        Traded goods (:mod:`model.mechanisms.goods`): one row per good, region and period; one row
        per good, route and period.
    parties : pandas.DataFrame
        Each party's real cost, payments and total cost per period (jurisdictions' emitters,
        governments, exchanges, bank holders, transaction services;
        :data:`model.money.PARTY_COLUMNS`).
    groups : pandas.DataFrame
        One row per link group and period: the group's price, cap, emissions, bank and its
        change, withheld and extra allowances, shortfall (unique where the split among the
        group's markets may not be).
    solver : dict
        ``iterations`` (QP solves of the last round), ``price_accuracy`` (largest relative gap
        between a convex curve's marginal cost and its price), ``msr_rounds``, ``seconds``.
    """

    scenario: Scenario
    prices: pd.DataFrame
    jurisdictions: pd.DataFrame
    solver: dict = field(default_factory=dict)
    segments: pd.DataFrame = field(default_factory=_no_table)
    links: pd.DataFrame = field(default_factory=_no_table)
    ledger: pd.DataFrame = field(default_factory=_no_table)
    payments: pd.DataFrame = field(default_factory=_no_table)
    parties: pd.DataFrame = field(default_factory=_no_table)
    groups: pd.DataFrame = field(default_factory=_no_table)
    goods: pd.DataFrame = field(default_factory=_no_table)
    goods_trade: pd.DataFrame = field(default_factory=_no_table)

    def price(self, market: str, period=None) -> float:
        """Price of ``market`` (or credit programme) in USD/t (the only period when ``period`` is None)."""
        rows = self.prices[self.prices["market"] == market]
        if period is not None:
            rows = rows[rows["period"] == period]
        if len(rows) != 1:
            markets = list(dict.fromkeys(self.prices["market"]))
            periods = list(dict.fromkeys(self.prices["period"]))
            if market not in markets:
                why = f"no market {market!r}; the markets (and credit programmes) are {markets}"
            elif period is None and len(periods) > 1:
                why = f"market {market!r} has a price in each period: give one of the periods {periods}"
            else:
                why = f"no price for market {market!r} in period {period!r}; the periods are {periods}"
            raise KeyError(why)
        return float(rows[col("prices", "price")].iloc[0])

    def total_cost(self) -> float:
        """Present value of the abatement, removal and transaction costs over all years, MUSD.

        Each period's yearly cost counts for the years it stands for, discounted to the first
        period (for one period: that period's cost). Permit, tax and credit payments are
        transfers and net out.
        """
        sc = self.scenario
        weight = {t: sc.years(t) * sc.discount_factor(t) for t in sc.periods}
        j = self.jurisdictions
        cost = ((j[col("jurisdictions", "abatement_cost")] + j[col("jurisdictions", "removal_cost")])
                * j["period"].map(weight)).sum()
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
        lines += self._summary_extras(multi, fmt)
        lines += ["", f"Total abatement cost: {self.total_cost():,.2f} million USD"
                  + (" (present value)" if multi else "")]
        return "\n".join(lines)

    #: Quantities of the prices table the summary shows when any is non-zero.
    NOTABLE = ("bank", "withheld", "extra_allowances", "shortfall", "msr_intake", "credits_issued")

    def _summary_extras(self, multi: bool, fmt) -> list[str]:
        """The summary's ledger lines and the non-zero banks, withheld and extra allowances,
        shortfalls and credits."""
        lines = []
        p = self.prices
        shown = [col("prices", n) for n in self.NOTABLE if (p[col("prices", n)].abs() > 1e-9).any()]
        if shown:
            rows = p[(p[shown].abs() > 1e-9).any(axis=1)]
            keys = ["market"] + (["period"] if multi else [])
            lines += ["", "Banks (Mt), withheld, extra allowances, shortfalls, reserve intake and credits (Mt/yr):",
                      rows[keys + shown].to_string(index=False, float_format=fmt)]
        g = self.groups
        if len(g) and col("prices", "bank") in shown:
            several = g[g["link_group"].str.contains("+", regex=False)]
            banked = several[several[col("groups", "bank")].abs() > 1e-9]
            if len(banked):
                keep = ["link_group"] + (["period"] if multi else []) + [col("groups", "bank"),
                                                                         col("groups", "bank_change")]
                lines += ["", "Banks of link groups (Mt; the split among linked markets is one of many optima):",
                          banked[keep].to_string(index=False, float_format=fmt)]
        if len(self.ledger):
            lines.append("")
            for row in self.ledger.to_dict("records"):
                when = f" {row['period']}" if multi else ""
                lines.append(f"Ledger{when}: integrity gap {row[col('ledger', 'integrity_gap')]:,.2f} Mt/yr, "
                             f"hot air sold {row[col('ledger', 'hot_air_sold')]:,.2f} Mt/yr, "
                             f"double counted {row[col('ledger', 'double_counted')]:,.2f} Mt/yr")
        return lines

    def frames(self) -> dict[str, pd.DataFrame]:
        """Every table by name: those of :data:`COLUMNS`, then ``payments`` and ``parties``."""
        return {**{t: getattr(self, t) for t in TABLES}, "payments": self.payments, "parties": self.parties}

    def to_json(self) -> dict:
        """Every frame as JSON records (``{table: [{column: value}, ...]}``; missing values as
        None), with the scenario's name and the solver's statistics: what ``run --json`` prints."""
        out = {"scenario": self.scenario.name, "solver": {k: float(v) for k, v in self.solver.items()}}
        for name, frame in self.frames().items():
            out[name] = json.loads(frame.to_json(orient="records")) if len(frame.columns) else []
        return out

    def to_csv(self, directory) -> list[Path]:
        """Write one CSV per table (``prices.csv``, ``jurisdictions.csv``, ``segments.csv``,
        ``links.csv``, ``ledger.csv``, ``groups.csv``) and ``columns.csv`` to ``directory``.

        The CSV columns have the frames' names, unit included (``price_usd_per_t``);
        ``columns.csv`` lists each column's unit and meaning.
        """
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for table in TABLES:
            frame = getattr(self, table)
            path = out / f"{table}.csv"
            frame.to_csv(path, index=False)
            written.append(path)
        rows = [{"file": f"{t}.csv", "column": col(t, n), "unit": u, "meaning": d}
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
        received[(b, t)] = received.get((b, t), 0.0) + scenario.links[i].rate(a, b) * f
        sent[(a, t)] = sent.get((a, t), 0.0) + f
    return received, sent


def _total(rows: list, column: str) -> float:
    return float(sum(r[column] for r in rows))


def _segment_rows(sol: Solution, costs: dict) -> list[dict]:
    rows = []
    for (j, o, t), sg in sol.segments.items():
        q = sol.abatement[(j, o, t)]
        rows.append({"jurisdiction": j, "owner": o, "period": t, "share": sg.share, "bau": sg.bau,
                     "emissions": sg.bau - q, "abatement": q, "price": sol.segment_price[(j, o, t)],
                     "marginal_cost": sg.mac.marginal(q, sg.bau), "abatement_cost": costs[(j, o, t)]})
    return rows


def _group_rows(rows: list, *keys: str) -> dict:
    out: dict = {}
    for row in rows:
        out.setdefault(tuple(row[k] for k in keys), []).append(row)
    return out


def _price_frame(scenario: Scenario, sol: Solution, by_owner: dict, received: ByMarket, sent: ByMarket) -> pd.DataFrame:
    """One row per market (and credit programme) and period."""
    group_of = {n: "+".join(g) for g in sol.groups for n in g}
    rows = []
    for n, mk in scenario.markets.items():
        for t in scenario.periods:
            mine = by_owner.get((n, t), [])
            emissions = _total(mine, "emissions")
            rows.append({
                "market": n, "kind": "cap" if mk.capped else "tax", "period": t, "link_group": group_of[n],
                "price": sol.price[(n, t)], "cap": mk.cap[t] if mk.capped else float("nan"),
                "bau": _total(mine, "bau"), "emissions": emissions, "abatement": _total(mine, "abatement"),
                "net_imports": received.get((n, t), 0.0) - sent.get((n, t), 0.0),
                "bank": sol.bank.get((n, t), 0.0), "withheld": sol.withheld.get((n, t), 0.0),
                "extra_allowances": sol.extra.get((n, t), 0.0), "shortfall": sol.shortfall.get((n, t), 0.0),
                "msr_intake": sol.msr_intake.get((n, t), 0.0), "msr_reserve": sol.msr_reserve.get((n, t), 0.0),
                "credits_issued": 0.0, "abatement_cost": _total(mine, "abatement_cost"),
                "tax_payments": (mk.tax[t] if mk.tax is not None else 0.0) * emissions,
            })
    issued_by: dict = {}
    for (_h, c, t), v in sol.issued.items():
        issued_by[(c, t)] = issued_by.get((c, t), 0.0) + v
    for c in scenario.credits.values():
        for t in scenario.periods:
            mine = by_owner.get((c.name, t), [])
            rows.append({
                "market": c.name, "kind": "credits", "period": t, "link_group": group_of[c.name],
                "price": sol.price[(c.name, t)], "cap": float("nan"), "bau": _total(mine, "bau"),
                "emissions": _total(mine, "emissions"), "abatement": _total(mine, "abatement"),
                "net_imports": -sent.get((c.name, t), 0.0), "bank": 0.0, "withheld": 0.0, "extra_allowances": 0.0,
                "shortfall": 0.0, "msr_intake": 0.0, "msr_reserve": 0.0,
                "credits_issued": issued_by.get((c.name, t), 0.0), "abatement_cost": _total(mine, "abatement_cost"),
                "tax_payments": 0.0,
            })
    return _frame("prices", rows)


def _jurisdiction_frame(scenario: Scenario, by_jur: dict, pays: pd.DataFrame, book: pd.DataFrame,
                        removed_by: dict | None = None) -> pd.DataFrame:
    """One row per jurisdiction and period; payments from the money ledger; ``removed_by``:
    (jurisdiction, period) -> removals, Mt/yr."""
    removed_by = removed_by or {}
    taxed = pays[pays["item"] == "tax"].groupby(["payer", "period"])["amount_musd"].sum()
    credited = pays[pays["item"] == "credits"].groupby(["payee", "period"])["amount_musd"].sum()
    taxed, credited = taxed.to_dict(), credited.to_dict()
    net = dict(zip(zip(book["party"].tolist(), book["period"].tolist(), strict=True),
                   book["net_payments_musd"].tolist(), strict=True))
    rows = []
    for j in scenario.jurisdictions.values():
        for t in scenario.periods:
            mine = by_jur.get((j.name, t), [])
            capped = [(row, scenario.markets[row["owner"]]) for row in mine
                      if row["owner"] in scenario.markets and scenario.markets[row["owner"]].capped]
            allowances = sum(mk.allowances[(j.name, t)] for _row, mk in capped)
            revenue = float(credited.get((j.name, t), 0.0))
            payments = float(net[(j.name, t)] + net[(money.government(j.name), t)]) + revenue
            if len(mine) == 1:
                price, marginal = mine[0]["price"], mine[0]["marginal_cost"]
            elif not mine:
                price, marginal = 0.0, j.mac.marginal(0.0, j.bau[t])
            else:
                price = marginal = float("nan")
            q, cost = _total(mine, "abatement"), _total(mine, "abatement_cost")
            removed = removed_by.get((j.name, t), 0.0)
            removal_cost = removals.cost(j, removed) if removed else 0.0
            rows.append({
                "jurisdiction": j.name, "market": "+".join(row["owner"] for row in mine), "period": t,
                "bau": j.bau[t], "emissions": j.bau[t] - q, "abatement": q, "allowances": allowances,
                "net_purchases": sum(row["emissions"] for row, _mk in capped) - allowances,
                "price": price, "marginal_cost": marginal, "abatement_cost": cost, "removals": removed,
                "removal_cost": removal_cost, "permit_payments": payments,
                "tax_payments": float(taxed.get((j.name, t), 0.0)), "credit_revenue": revenue,
                "total_cost": cost + removal_cost + payments - revenue,
            })
    return _frame("jurisdictions", rows)


def _link_frame(scenario: Scenario, sol: Solution) -> pd.DataFrame:
    """One row per link, direction of net trade and period."""
    rows = []
    for i, link in enumerate(scenario.links):
        pairs = [(a, b) for (a, b) in link.edges() if link.direction == "one-way" or a < b]
        for a, b in pairs:
            for t in scenario.periods:
                f = sol.flows.get((i, a, b, t), 0.0)
                back = sol.flows.get((i, b, a, t), 0.0) if link.direction == "two-way" else 0.0
                exporter, importer, flow = (a, b, f - back) if f >= back else (b, a, back - f)
                rows.append({"link": link.label, "exporter": exporter, "importer": importer, "period": t,
                             "flow": flow, "exchange_rate": link.rate(exporter, importer),
                             "transaction_cost": link.transaction_cost[t] if link.transaction_cost else 0.0,
                             "import_limit": import_limit(scenario, link, importer, t),
                             "quota_rent": sol.quota_rent.get((i, importer, t), 0.0)})
    return _frame("links", rows)


def _frames(scenario: Scenario, sol: Solution) -> dict[str, pd.DataFrame]:
    """Every table of :class:`Results`."""
    received, sent = _flows_by_market(scenario, sol)
    costs = money.abatement_costs(sol)  # once, for the segments table and the parties' real costs
    srows = _segment_rows(sol, costs)
    seg = pd.DataFrame(srows, columns=list(COLUMNS["segments"]))
    prices = _price_frame(scenario, sol, _group_rows(srows, "owner", "period"), received, sent)
    pays = money.payments(scenario, sol)
    book = money.parties(scenario, sol, pays, costs)
    return {"prices": prices,
            "jurisdictions": _jurisdiction_frame(scenario, _group_rows(srows, "jurisdiction", "period"), pays,
                                                 book, sol.removed),
            "segments": _rename("segments", seg), "links": _link_frame(scenario, sol),
            "ledger": _frame("ledger", integrity.ledger(scenario, sol, seg, received)), "payments": pays,
            "parties": book, **_goods_frames(scenario, sol)}


def _goods_frames(scenario: Scenario, sol: Solution) -> dict[str, pd.DataFrame]:
    """The ``goods`` and ``goods_trade`` frames."""
    rows, trade = [], []
    gs = sol.goods
    for g, good in scenario.goods.items():
        for t in scenario.periods:
            for (a, b), tau in good.transport.items():
                trade.append({"good": g, "exporter": a, "importer": b, "period": t, "flow": gs["ship"][(g, a, b, t)],
                              "transport_cost": tau, "border_charge": gs["charge"][(g, a, b, t)]})
            for r, v in good.regions.items():
                inflow = {a: gs["ship"][(g, a, b, t)] for (a, b) in good.transport if b == r}
                imports = sum(inflow.values())
                revenue = sum(x * gs["charge"][(g, a, r, t)] for a, x in inflow.items())
                carbon = gs["carbon"].get((v.market, t), 0.0) if v.market else 0.0
                rows.append({"good": g, "region": r, "period": t, "market": v.market or "",
                             "price": gs["price"][(g, r, t)], "demand": gs["demand"][(g, r, t)],
                             "supply": gs["supply"][(g, r, t)], "imports": imports,
                             "exports": sum(gs["ship"][(g, a, b, t)] for (a, b) in good.transport if a == r),
                             "emissions": v.intensity * gs["supply"][(g, r, t)], "carbon_price": carbon,
                             "carbon_cost": carbon * v.intensity * (1.0 - v.free_allocation[t]),
                             "border_charge": revenue / imports if imports > 0 else 0.0,
                             "border_revenue": revenue})
    return {"goods": _frame("goods", rows), "goods_trade": _frame("goods_trade", trade)}


def leakage(regulated: Results, reference: Results, good: str | None = None, period=None) -> float:
    """Leakage rate between two solutions with goods: from ``reference`` to ``regulated``, the rise
    in the emissions of output of the regions without a carbon price (``carbon_price`` 0 in
    ``regulated``) over the fall in those of the regions with one (a share; 0.12 is 12%); NaN when
    the emissions of the regions with a carbon price do not fall."""
    a, b = regulated.goods, reference.goods
    if good is not None:
        a, b = a[a["good"] == good], b[b["good"] == good]
    if period is not None:
        a, b = a[a["period"] == period], b[b["period"] == period]
    e = col("goods", "emissions")
    change = a.set_index(["good", "region", "period"])[e] - b.set_index(["good", "region", "period"])[e]
    priced = a.set_index(["good", "region", "period"])[col("goods", "carbon_price")] > 0
    fall = -change[priced].sum()
    return float(change[~priced].sum() / fall) if fall > 0 else float("nan")  # no fall: no rate


def _group_frame(scenario: Scenario, prices: pd.DataFrame) -> pd.DataFrame:
    """One row per link group and period, summed from the prices table (read once, as records)."""
    c = {n: col("prices", n) for n in COLUMNS["prices"]}
    names = ["link_group", "market", "period", "kind", "price", "cap", "emissions", "bank", "withheld",
             "extra_allowances", "shortfall", "msr_intake"]
    parts: dict = {}
    for rec in zip(*(prices[c[n]].tolist() for n in names), strict=True):
        row = dict(zip(names, rec, strict=True))
        parts.setdefault(row["link_group"], {}).setdefault(row["period"], []).append(row)
    rows = []
    for group, periods in parts.items():
        members = dict.fromkeys(r["market"] for part in periods.values() for r in part)
        before = sum(scenario.markets[n].initial_bank for n in members
                     if n in scenario.markets and scenario.markets[n].banking)
        for t, part in periods.items():
            found = [r["price"] for r in part if r["price"] == r["price"]]  # NaN: no price
            one = bool(found) and max(found) - min(found) <= 1e-9 * max(1.0, max(abs(p) for p in found))
            bank = sum(r["bank"] for r in part)
            rows.append({"link_group": group, "period": t, "price": float(found[0]) if one else float("nan"),
                         "cap": sum(r["cap"] for r in part if r["kind"] == "cap"),
                         "emissions": sum(r["emissions"] for r in part),
                         "bank": bank, "bank_change": (bank - before) / scenario.years(t),
                         "withheld": sum(r["withheld"] for r in part),
                         "extra_allowances": sum(r["extra_allowances"] for r in part),
                         "shortfall": sum(r["shortfall"] for r in part),
                         "msr_intake": sum(r["msr_intake"] for r in part)})
            before = bank
    return _frame("groups", rows)


def _rename(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={n: col(table, n) for n in COLUMNS[table]})


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
                   frames["ledger"], frames["payments"], frames["parties"], groups=_group_frame(scenario, frames["prices"]),
                   goods=frames["goods"], goods_trade=frames["goods_trade"])


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


def gains(scenario, **options) -> pd.DataFrame:
    """What the scenario's links are worth to each party: total cost in autarky (every link
    removed) less total cost as scenarised.

    Parameters
    ----------
    scenario : Scenario, dict, str or pathlib.Path
    **options
        Passed to :func:`solve`.

    Returns
    -------
    pandas.DataFrame
        One row per party and period (the parties of :attr:`Results.parties`): ``kind``,
        ``jurisdiction``, ``total_cost_autarky_musd``, ``total_cost_musd``, ``gain_musd`` (MUSD/yr;
        positive: the links save the party money) and ``gain_pv_musd`` (the gain over the years
        the period stands for, discounted to the first period). Summed over parties, the gains
        are the world's saving: autarky's abatement and transaction costs less the scenario's.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return gains_of(solve(scenario, **options), solve(scenario.with_changes(links=[]), **options))


def gains_of(linked: Results, unlinked: Results) -> pd.DataFrame:
    """:func:`gains` from two solutions already at hand: the scenario and its autarky."""
    scenario = linked.scenario
    linked, alone = linked.parties, unlinked.parties
    keys = ["party", "kind", "jurisdiction", "period"]
    alone = alone.rename(columns={"total_cost_musd": "total_cost_autarky_musd"})
    out = alone[keys + ["total_cost_autarky_musd"]].merge(linked[keys + ["total_cost_musd"]], on=keys, how="outer")
    out = out.fillna({"total_cost_autarky_musd": 0.0, "total_cost_musd": 0.0})
    out["gain_musd"] = out["total_cost_autarky_musd"] - out["total_cost_musd"]
    weight = {t: scenario.years(t) * scenario.discount_factor(t) for t in scenario.periods}
    out["gain_pv_musd"] = out["gain_musd"] * out["period"].map(weight)
    return out.sort_values(["period", "kind", "party"], kind="stable").reset_index(drop=True)


def vs_autarky(linked: Results, unlinked: Results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the links are worth, per jurisdiction and in the world: the tables of ``run --vs-autarky``.

    Returns
    -------
    (per_jurisdiction, world) : tuple of pandas.DataFrame
        ``per_jurisdiction``: one row per jurisdiction (its emitters and government together; third
        parties such as exchanges and bank holders under their own names) and period, with its
        ``market``, ``total_cost_autarky_musd``, ``total_cost_musd``, ``gain_musd`` and
        ``gain_pv_musd`` (from :func:`gains_of`). ``world``: one row per period and a row
        ``"PV"``: ``saving_musd`` (autarky's abatement and transaction costs less the scenario's;
        the present value in the PV row) and ``sum_of_gains_musd``, which equals it.
    """
    g = gains_of(linked, unlinked)
    who = g["jurisdiction"].where(g["jurisdiction"] != "", g["party"])
    g = g.assign(jurisdiction=who)
    cols = ["total_cost_autarky_musd", "total_cost_musd", "gain_musd", "gain_pv_musd"]
    per = g.groupby(["jurisdiction", "period"], sort=False)[cols].sum().reset_index()
    market = linked.jurisdictions.set_index(["jurisdiction", "period"])["market"]
    per.insert(1, "market", [market.get((j, t), "") for j, t in zip(per["jurisdiction"], per["period"], strict=True)])
    sc = linked.scenario
    rows = []
    for t in sc.periods:
        saving = _yearly_cost(unlinked, t) - _yearly_cost(linked, t)
        rows.append({"period": t, "saving_musd": saving, "sum_of_gains_musd": float(g.loc[g["period"] == t,
                                                                                           "gain_musd"].sum())})
    rows.append({"period": "PV", "saving_musd": unlinked.total_cost() - linked.total_cost(),
                 "sum_of_gains_musd": float(g["gain_pv_musd"].sum())})
    return per, pd.DataFrame(rows)


def _yearly_cost(res: Results, t) -> float:
    """The abatement, removal and transaction costs of period ``t``, MUSD/yr."""
    j = res.jurisdictions
    here = j["period"] == t
    cost = float(j.loc[here, col("jurisdictions", "abatement_cost")].sum()
                 + j.loc[here, col("jurisdictions", "removal_cost")].sum())
    if len(res.links):
        lk = res.links[res.links["period"] == t]
        cost += float((lk[col("links", "transaction_cost")] * lk[col("links", "flow")]).sum())
    return cost
