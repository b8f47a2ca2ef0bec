r"""Removals: carbon dioxide removal beyond BAU, so that net-zero and net-negative paths are feasible.

A jurisdiction :math:`j` with ``removals: {slope, max}`` may remove :math:`0 \le r_{jt} \le
\bar r_{jt}` (``max``, Mt/yr) at the linear marginal cost :math:`MC(r) = s_j r` (``slope``,
USD/t per Mt/yr), a cost :math:`\tfrac12 s_j r_{jt}^2` per year (discounted by :math:`d_t w_t`).
Removals are a technology of their own, beside abatement: in the least-cost solution both
run to the permit price, :math:`r_{jt} = \min(\bar r_{jt}, P_{mt}/s_j)`.

**Where they count.** The removed tonnes enter the balance of the *first* capped market (in the
order of the scenario's ``markets``) that covers the jurisdiction, as a supply of allowances:

.. math::

    \sum_{j} (E^{BAU}_{jmt} - q_{jmt}) - \sum_{j \to m} r_{jt} + (\text{uses}) \le \bar E_{mt} + (\text{supplies}).

So a market's covered *net* emissions (gross less removals) meet its cap: a zero cap is met by
removals (net zero), and a period that repays borrowed allowances can be net negative. A
jurisdiction in no capped market does not remove (nothing pays for it). The results'
``emissions`` columns stay *gross* (BAU less abatement); net emissions are gross less
:math:`r_{jt}` (the ``removals`` column of the jurisdictions table). The integrity ledger
(:mod:`model.integrity`) reports the world's ``removals`` and ``global_net_emissions`` beside its
gross ``global_emissions``, and its integrity gap counts net emissions.

**Who pays.** The removing jurisdiction's emitters (party ``J`` of :mod:`model.money`) carry out
the removals and bear their cost :math:`\tfrac12 s_j r_{jt}^2` (in their real cost, the
jurisdictions table's ``removal_cost`` and its ``total_cost``); the removed tonnes are
allowances they sell to the exchange of the market where they count, at its price :math:`P_{mt}`
(payment item ``removals``), so a jurisdiction that removes more than its own emitters need earns
the difference from the market. World payments still net to zero, and the parties' total costs
add up to abatement plus removal plus transaction costs.
"""

from __future__ import annotations

from .._lazy import pyo
from ..keys import Key, allowed

DUALS: tuple = ()  # rows whose duals this mechanism reports: none

KEYS = [
    Key("jurisdictions.NAME.removals", "{slope, max}", "", "none",
        "Carbon dioxide removal beyond BAU at a linear marginal cost; the removed tonnes count in the first "
        "capped market covering the jurisdiction, as allowances."),
    Key("jurisdictions.NAME.removals.slope", "number", "USD/t per Mt/yr", "required",
        "Marginal cost of removals rises by `slope` USD/t per Mt/yr removed (> 0)."),
    Key("jurisdictions.NAME.removals.max", "number or {year: number}", "Mt/yr", "none",
        "Largest removal per year (none: no limit)."),
]


def read(r, jp: str, jraw: dict, periods: tuple) -> dict | None:
    """The removals of jurisdiction ``jp``: {"slope": float, "max": {period: Mt/yr or None}} or None."""
    raw = jraw.get("removals")
    if raw is None:
        return None
    from ..reader import SCHEMA
    path = f"{jp}.removals"
    r.mapping(raw, path, allowed=allowed(SCHEMA, "jurisdictions.NAME.removals"), required=("slope",))
    slope = r.number(raw["slope"], f"{path}.slope", 0.0)
    if slope <= 0:
        r.fail(f"{path}.slope", "must be > 0 (a removal at zero cost would be unlimited)")
    top = raw.get("max")
    cap = {t: None for t in periods} if top is None else r.per_period(top, f"{path}.max", periods, 0.0)
    return {"slope": slope, "max": cap}


def owner(scenario, j: str) -> str | None:
    """The first capped market covering jurisdiction ``j`` (None if none)."""
    for n, mk in scenario.markets.items():
        if mk.capped and j in mk.members:
            return n
    return None


def cost(jurisdiction, removed: float) -> float:
    """Yearly removal cost (million USD/yr) of removing ``removed`` Mt/yr: ``slope * removed**2 / 2``."""
    return 0.5 * jurisdiction.removals["slope"] * removed ** 2


def variables(m, ctx) -> None:
    sc = ctx.scenario
    index = [(j, t) for j, jur in sc.jurisdictions.items() if jur.removals is not None and owner(sc, j) is not None
             for t in sc.periods]
    m.removed = pyo.Var(index, bounds=lambda _m, j, t: (0.0, ctx.Q(sc.jurisdictions[j].removals["max"][t])),
                        doc="removals beyond BAU, Mt/yr")
    for (j, t) in index:
        ctx.add(owner(sc, j), t, m.removed[j, t])  # a supply in the market's balance
        slope = sc.jurisdictions[j].removals["slope"]
        ctx.costs.append(ctx.weight[t] * 0.5 * slope * ctx.scale * m.removed[j, t] ** 2)


def rows(m, ctx) -> None:
    """Nothing to add: the bounds hold removals between 0 and their maximum."""
