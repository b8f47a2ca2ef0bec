r"""Corresponding adjustments (Article 6.2): does the seller's cap tighten by what it sells?

By default it does: a unit sold leaves the seller's balance. With
``corresponding_adjustment: false`` (one-way links from a capped market only) the seller may
sell up to its abatement below BAU and still count it, so the tonnes are counted twice:

.. math:: \sum_{m \to \ell,\ \text{no CA}} F_{\ell t} \le \sum_j q_{jmt} \qquad (\text{dual: the price such sales earn}).
"""

from __future__ import annotations

from .._lazy import pyo
from ..keys import Key
from ..spec import Duals, Market

#: Rows whose duals this mechanism reports (see its price functions).
DUALS = ("no_adjustment",)

KEYS = [
    Key('links[i].corresponding_adjustment', 'boolean', '', 'true',
        "Article 6.2: the seller's cap tightens by what it sells. `false` (one-way links from a "
        'capped market only): the seller may sell up to its abatement below BAU and still count it, '
        'so the tonnes are counted twice (reported in the ledger).', True),
]


def read(r, lp: str, raw: dict, direction: str, names: tuple, markets: dict[str, Market]) -> bool:
    """Whether the link's sales carry a corresponding adjustment."""
    ca = r.boolean(raw.get("corresponding_adjustment", True), f"{lp}.corresponding_adjustment")
    if not ca and (direction != "one-way" or names[0] not in markets):
        r.fail(f"{lp}.corresponding_adjustment", "can be false only on a one-way link whose seller is a capped market")
    return ca


def variables(m, ctx) -> None:
    """Nothing to add: the flows are :mod:`model.mechanisms.links`'s."""


def rows(m, ctx) -> None:
    from .links import flows_out

    capped = ctx.capped()
    sc = ctx.scenario
    no_ca = [(n, t) for n in capped for t in sc.periods if flows_out(m, ctx, n, t, with_ca=False)]
    m.no_adjustment = pyo.Constraint(
        no_ca, rule=lambda _m, n, t: pyo.quicksum(flows_out(m, ctx, n, t, with_ca=False))
        <= pyo.quicksum(ctx.q(j, n, t) for j in capped[n].members if (j, n, t) in ctx.segs),
        doc="sales without corresponding adjustment: at most the seller's abatement below BAU")


def sale_prices(ctx, named: Duals) -> dict[tuple[str, int], float]:
    """(market, period) -> USD/t that sales without corresponding adjustment earn (the dual)."""
    return {key: max(0.0, -value) / ctx.weight[key[1]] for (comp, key), value in named.items()
            if comp == "no_adjustment"}
