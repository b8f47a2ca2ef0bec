r"""The environmental-integrity ledger: how far emissions exceed what the caps alone allow.

One row per period. Its last entry, the integrity gap, is global *net* emissions (global emissions,
BAU less abatement, less removals) less what the caps alone would allow (each capped market at the
smaller of its cap and its covered BAU, everything else at BAU), and adds up exactly from the
others:

.. math::

    \text{gap} = \text{global emissions} - \text{removals} - \text{caps alone}

    \text{gap} = \text{surplus} - \text{unused} + \text{credits} + \text{double counted}
    + \text{exchange gain} + \text{shortfall} + \text{extra} - \text{withheld} - \text{banked}
    - \text{MSR intake} - \text{outside abatement}.

Removals (:mod:`model.mechanisms.removals`) enter the balance of a capped market as allowances,
so a market's covered emissions less its removals meet its cap: the removals term stands beside
global emissions on the left and has no counterpart on the right. Gross emissions exceed what the
caps alone allow by the gap plus the removals; tonnes removed are not a leak.

Quantities in MtCO2e per year.
"""

from __future__ import annotations

from ._lazy import pd
from .mechanisms.banking import bank_change
from .spec import ByMarket, Values

__all__ = ["ledger"]


def _trade(scenario, sol, t) -> tuple[float, float, dict]:
    """Tonnes double counted, tonnes gained by exchange rates, and units sent with adjustment."""
    double = gain = 0.0
    sent: dict = {}
    for (i, a, b, tt), f in sol.flows.items():
        if tt != t:
            continue
        link = scenario.links[i]
        if not link.corresponding_adjustment:
            double += link.rate(a, b) * f
        else:
            sent[a] = sent.get(a, 0.0) + f
            if a in scenario.markets:
                gain += (link.rate(a, b) - 1.0) * f
    return double, gain, sent


def _hot_air(scenario, sol, t, covered_bau: dict[str, float], sent: ByMarket, received: ByMarket) -> tuple[float, float]:
    """Surplus allowances (caps above covered BAU) and the part of it sold.

    At a zero price flows are not unique: units may be shipped and then expire. Surplus units
    that expire anywhere in a link group were not used, so hot air sold in a group is at most the
    group's surplus less its unused allowances.
    """
    excess, sold = {}, {}
    for n, mk in scenario.markets.items():
        if mk.capped:
            excess[n] = max(mk.cap[t] - covered_bau[n], 0.0)
            sold[n] = min(max(sent.get(n, 0.0) - received.get((n, t), 0.0), 0.0), excess[n])
    hot_air = 0.0
    for group in scenario.link_groups():
        members = [n for n in group if n in sold]
        room = sum(excess[n] for n in members) - sum(sol.unused.get((n, t), 0.0) for n in members)
        hot_air += min(sum(sold[n] for n in members), max(room, 0.0))
    return sum(excess.values()), hot_air


def _credits(scenario, sol, t) -> tuple[float, float]:
    """Tonnes covered by credits surrendered, and the part with no real reduction behind it."""
    surrendered = non_additional = 0.0
    for c in scenario.credits.values():
        tonnes = sum(scenario.links[i].rate(a, b) * f for (i, a, b, tt), f in sol.flows.items()
                     if a == c.name and tt == t)
        real = sum(sol.abatement[(h, c.name, t)] - max(sol.segments[(h, c.name, t)].bau - c.baseline[(h, t)], 0.0)
                   for h in c.hosts if (h, c.name, t) in sol.segments)
        surrendered += tonnes
        non_additional += max(tonnes - real, 0.0)
    return surrendered, non_additional


def _in(values: Values, t) -> float:
    """Sum of a (market, period) -> value map over the markets, in period t."""
    return sum(v for (_n, tt), v in values.items() if tt == t)


def ledger(scenario, sol, seg: pd.DataFrame, received: ByMarket) -> list[dict]:
    """The ledger's rows (one per period), from the solution and its segments table."""
    capped = [n for n, mk in scenario.markets.items() if mk.capped]
    # the segments table summed by period and owner once (not filtered per period)
    sums = seg.groupby(["period", "owner"], sort=False)[["bau", "emissions", "abatement"]].sum()
    bau, emitted, abated = (sums[c].to_dict() for c in ("bau", "emissions", "abatement"))
    all_abated = seg.groupby("period", sort=False)["abatement"].sum().to_dict()
    outside: dict = {}
    for (t, o), v in abated.items():
        if o not in scenario.markets or not scenario.markets[o].capped:
            outside[t] = outside.get(t, 0.0) + float(v)
    rows = []
    for t in scenario.periods:
        covered_bau = {n: float(bau.get((t, n), 0.0)) for n in capped}
        capped_bau = sum(covered_bau.values())
        global_bau = sum(j.bau[t] for j in scenario.jurisdictions.values())
        global_emissions = global_bau - float(all_abated.get(t, 0.0))
        removed = sum(r for (_j, tt), r in sol.removed.items() if tt == t)
        double, gain, sent = _trade(scenario, sol, t)
        surplus, hot_air = _hot_air(scenario, sol, t, covered_bau, sent, received)
        surrendered, non_additional = _credits(scenario, sol, t)
        reference = (sum(min(scenario.markets[n].cap[t], covered_bau[n]) for n in capped)
                     + global_bau - capped_bau)

        rows.append({
            "period": t, "years": scenario.years(t), "discount_factor": scenario.discount_factor(t),
            "caps": sum(scenario.markets[n].cap[t] for n in capped), "covered_bau": capped_bau,
            "covered_emissions": sum(float(emitted.get((t, n), 0.0)) for n in capped), "global_bau": global_bau,
            "global_emissions": global_emissions, "removals": removed,
            "global_net_emissions": global_emissions - removed, "hot_air_sold": hot_air, "credits_surrendered": surrendered,
            "non_additional_credits": non_additional, "double_counted": double, "shortfall": _in(sol.shortfall, t),
            "extra_allowances": _in(sol.extra, t), "withheld": _in(sol.withheld, t),
            "banked": sum(bank_change(scenario, sol, n, t) for n in capped if scenario.markets[n].banking),
            "msr_intake": _in(sol.msr_intake, t) / scenario.years(t), "surplus_allowances": surplus,
            "unused_allowances": sum(sol.unused.get((n, t), 0.0) for n in capped), "exchange_gain": gain,
            "outside_abatement": outside.get(t, 0.0),
            "integrity_gap": global_emissions - removed - reference,
        })
    return rows
