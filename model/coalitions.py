r"""Participation: which links would their members keep? Internal and external stability.

For a scenario and a set of markets :math:`N`, every coalition :math:`S \subseteq N` (with at
least one member) is a scenario in which the markets of :math:`S` are linked (every pair; a link
the scenario already has between two members keeps its options) and every other market of
:math:`N` clears alone; links that do not touch :math:`N` are kept. Each is solved once.

Cost of a market
    :math:`c_i(S)`: the total cost of the market's members and their governments (abatement cost
    plus net payments, :attr:`model.Results.parties`), summed over periods with the weights the
    objective uses (years the period stands for times the discount factor); for a one-period
    scenario, million USD per year. Payments between a market's emitters and its own government
    cancel, so :math:`c_i` is the abatement cost plus what the market pays other markets.

Joint floors
    When markets of a link group share a binding price floor, the model is indifferent to which
    market withholds the allowances that find no buyer; its ledger books them where the solution
    puts them. WCI joint auctions share unsold allowances (and proceeds) in proportion to the
    allowances each jurisdiction offers, so :func:`coalitions` re-books the group's withheld
    allowances pro rata to the markets' auctioned allowances, at the group's price. Abatement and
    emissions are unaffected; only transfers between the markets' governments change.

Internal stability (d'Aspremont et al. 1983)
    No member gains by leaving: :math:`c_i(S) \le c_i(S \setminus \{i\})` for every
    :math:`i \in S` (the leaver clears alone; the others stay linked).

External stability
    No outsider gains by joining: :math:`c_k(S) \le c_k(S \cup \{k\})` for every
    :math:`k \in N \setminus S`. A coalition both internally and externally stable is *stable*
    (Carraro and Siniscalco 1993; Barrett 1994). Singletons are internally stable.

Transfers
    The gain of member :math:`i` is :math:`g_i(S) = c_i(S \setminus \{i\}) - c_i(S)`. A coalition is
    *potentially internally stable* when :math:`\sum_{i \in S} g_i(S) \ge 0`: transfers among the
    members could then give each at least what leaving would. The transfer that does so pays each
    member its leaving value plus an equal share of the surplus: :math:`\tau_i = g_i - \sum_j g_j /
    |S|` is what member :math:`i` gives up (negative: receives).

Comparisons use a tolerance ``tol`` (MUSD) so that ties (a link that changes nothing) count as
stable. The model values no damages: leaving a cap altogether (not just a link) always saves a
jurisdiction its abatement cost; :func:`exit_pricing` reports that cost.
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

from .edit import with_links
from .reader import load_scenario
from .results import solve
from .spec import Scenario

__all__ = ["coalitions", "verdicts", "market_costs", "exit_pricing", "COALITION_COLUMNS"]

#: Columns of :func:`coalitions`: (unit, meaning).
COALITION_COLUMNS = {
    "coalition": ("", "the linked markets, joined by '+'"),
    "size": ("", "number of markets in the coalition"),
    "market": ("", "a market of the set"),
    "member": ("", "True if the market is in the coalition"),
    "price_usd_per_t": ("USD/t", "the market's permit price (first period)"),
    "cost_musd": ("MUSD/yr", "the market's cost in this coalition"),
    "cost_alternative_musd": ("MUSD/yr", "members: cost after leaving; outsiders: cost after joining"),
    "gain_musd": ("MUSD/yr", "members: cost after leaving - cost inside (positive: the member gains by "
                             "staying); outsiders: cost outside - cost after joining (positive: it gains by joining)"),
    "internally_stable": ("", "no member gains by leaving"),
    "externally_stable": ("", "no outsider gains by joining"),
    "stable": ("", "both"),
    "potentially_stable": ("", "sum of the members' gains >= 0 (stable with transfers among members)"),
    "transfer_musd": ("MUSD/yr", "members: what the member gives up under the equal-surplus transfer"),
}


def _links_for(scenario: Scenario, markets: list, coalition: tuple) -> list:
    def names(link):
        return link if isinstance(link, list) else link.get("markets", [])
    raw = scenario.raw.get("links") or []
    kept = [link for link in raw if not set(names(link)) & set(markets)]
    own = {frozenset(names(link)): link for link in raw}
    inner = [own.get(frozenset(pair), list(pair)) for pair in combinations(coalition, 2)]
    return kept + inner


def market_costs(res, markets: list) -> dict:
    """Market -> cost (see the module docstring), with a link group's withheld allowances at a
    common floor re-booked pro rata to the markets' auctioned allowances."""
    sc = res.scenario
    parties = res.parties
    weight = {t: sc.years(t) * sc.discount_factor(t) for t in sc.periods}
    prices = res.prices.set_index(["market", "period"])
    out = {}
    for n in markets:
        members = set(sc.markets[n].members)
        rows = parties[parties["jurisdiction"].isin(members) & parties["kind"].isin(["jurisdiction", "government"])]
        out[n] = float((rows["total_cost_musd"] * rows["period"].map(weight)).sum())
    for t in sc.periods:
        groups: dict = {}
        for n in markets:
            if (n, t) in prices.index and sc.markets[n].capped:
                groups.setdefault(prices.loc[(n, t), "link_group"], []).append(n)
        for group in groups.values():
            p = [float(prices.loc[(n, t), "price_usd_per_t"]) for n in group]
            held = {n: float(prices.loc[(n, t), "withheld_mt"]) for n in group}
            total = sum(held.values())
            if len(group) < 2 or total <= 1e-9 or max(p) - min(p) > 1e-6 * max(1.0, max(p)):
                continue
            offered = {n: sc.markets[n].auction_share[t] * sc.markets[n].cap[t] for n in group}
            base = sum(offered.values())
            for n in group:
                fair = total * offered[n] / base if base > 0 else total / len(group)
                out[n] += weight[t] * p[0] * (fair - held[n])
    return out


def coalitions(scenario, markets=None, tol: float = 1e-6, **options) -> pd.DataFrame:
    """Every coalition of ``markets`` (default: every capped market), each member's and each
    outsider's cost inside and outside, and the stability verdicts.

    Parameters
    ----------
    scenario : Scenario, dict, str or pathlib.Path
    markets : iterable of str, optional
        The set :math:`N`; at most 6 markets (2^n - 1 solves).
    tol : float
        Gains smaller than ``tol`` MUSD (in absolute value) count as ties.
    **options
        Passed to :func:`model.solve`.

    Returns
    -------
    pandas.DataFrame
        One row per coalition and market of :math:`N` (:data:`COALITION_COLUMNS`).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    markets = list(markets) if markets is not None else [n for n, mk in scenario.markets.items() if mk.capped]
    unknown = [n for n in markets if n not in scenario.markets]
    if unknown:
        raise KeyError(f"no market {', '.join(unknown)} in scenario {scenario.name!r}")
    if len(markets) > 6:
        raise ValueError("at most 6 markets (every coalition is solved)")
    every = [tuple(c) for k in range(1, len(markets) + 1) for c in combinations(markets, k)]
    cost, price = {}, {}
    for c in every:
        res = solve(with_links(scenario, _links_for(scenario, markets, c)), **options)
        cost[frozenset(c)] = market_costs(res, markets)
        first = res.prices[res.prices["period"] == scenario.periods[0]].set_index("market")["price_usd_per_t"]
        price[frozenset(c)] = {n: float(first.get(n, float("nan"))) for n in markets}

    def value(members, n):   # a market alone is the coalition of itself
        return cost[frozenset(members) or frozenset([n])][n]

    rows = []
    for c in every:
        s = frozenset(c)
        gains = {n: value(s - {n} if len(s) > 1 else s, n) - cost[s][n] for n in c}
        surplus = sum(gains.values())
        for n in markets:
            inside = n in s
            alt = value(s - {n}, n) if inside and len(s) > 1 else (cost[s][n] if inside else value(s | {n}, n))
            gain = alt - cost[s][n] if inside else cost[s][n] - alt
            rows.append({"coalition": "+".join(c), "size": len(c), "market": n, "member": inside,
                         "price_usd_per_t": price[s][n], "cost_musd": cost[s][n], "cost_alternative_musd": alt,
                         "gain_musd": gain,
                         "transfer_musd": gains[n] - surplus / len(c) if inside else float("nan")})
    out = pd.DataFrame(rows)
    return verdicts(out, tol)


def verdicts(frame: pd.DataFrame, tol: float = 1e-6) -> pd.DataFrame:
    """Add the verdicts of the module docstring to a frame of :func:`coalitions`' first columns."""
    frame = frame.copy()
    by = frame.groupby("coalition", sort=False)
    internal = by.apply(lambda g: bool((g.loc[g["member"], "gain_musd"] >= -tol).all()), include_groups=False)
    external = by.apply(lambda g: bool((g.loc[~g["member"], "gain_musd"] <= tol).all()), include_groups=False)
    potential = by.apply(lambda g: bool(g.loc[g["member"], "gain_musd"].sum() >= -tol), include_groups=False)
    frame["internally_stable"] = frame["coalition"].map(internal)
    frame["externally_stable"] = frame["coalition"].map(external)
    frame["stable"] = frame["internally_stable"] & frame["externally_stable"]
    frame["potentially_stable"] = frame["coalition"].map(potential)
    return frame[list(COALITION_COLUMNS)]


def exit_pricing(scenario, market: str, **options) -> dict:
    """What leaving carbon pricing altogether (the market removed, its members uncapped) changes:
    ``{"stay": cost of each market, "leave": cost of each remaining market and 0 for the leaver,
    "emissions_stay", "emissions_leave"}`` (MUSD/yr and Mt/yr, first period)."""
    from .edit import without_market
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    names = [n for n, mk in scenario.markets.items() if mk.capped]
    stay = solve(scenario, **options)
    leave = solve(without_market(scenario, market), **options)
    t = scenario.periods[0]

    def emissions(res):
        j = res.jurisdictions
        return float(j[j["period"] == t]["emissions_mt"].sum()) if "emissions_mt" in j else float("nan")
    rest = [n for n in names if n != market]
    left = market_costs(leave, rest)
    members = scenario.markets[market].members
    jur = leave.parties[leave.parties["jurisdiction"].isin(members)]
    left[market] = float(jur[jur["kind"].isin(["jurisdiction", "government"])]["total_cost_musd"].sum())
    return {"stay": market_costs(stay, names), "leave": left, "emissions_stay": emissions(stay),
            "emissions_leave": emissions(leave), "results_stay": stay, "results_leave": leave}
