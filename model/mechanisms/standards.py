r"""Emission standards: command and control as a least abatement share of a market's segments.

A market with ``standard: s`` (or ``{year: s}``) requires each member's covered segment to abate
at least the share :math:`s_{nt}` of its covered BAU, whatever the price:

.. math:: q_{jnt} \;\ge\; s_{nt}\, c_{jnt} E^{BAU}_{jt} \qquad (\text{dual } \sigma_{jnt} \ge 0).

The standard is a lower bound on abatement. With a cap the permit price then reflects only the
abatement beyond the standard: if the cap asks for less than the standard, the price is zero
and the segment's marginal cost is :math:`\sigma`, the standard's own shadow cost; if it asks
for more, the standard is slack and the price is the cap's alone. With several members the
standard binds on the members with cheap abatement less than on the others: each abates at
least :math:`s` but those with a marginal cost below the price abate more, so the standard costs
nothing where it is slack and :math:`\int_{q^*}^{s c E} MAC` where it forces a member past the
least-cost point. On a tax market it is the same bound beside the tax: a segment abates
:math:`\max(s\,cE^{BAU},\ MAC^{-1}(\tau))`.

The standard's shadow cost :math:`\sigma_{jnt}` is read from the segment's marginal cost less
its price (the results' ``marginal_cost`` and ``price``); this module reports no duals.
"""

from __future__ import annotations

from .._lazy import pyo
from ..keys import Key

DUALS: tuple = ()  # rows whose duals this mechanism reports: none

KEYS = [
    Key("markets.NAME.standard", "number or {year: number}", "share of covered BAU", "none",
        "Emission standard: each member's covered segment must abate at least this share of its covered BAU "
        "(a lower bound on abatement; the price reflects only abatement beyond it)."),
]


def read(r, mp: str, mraw: dict, periods: tuple) -> dict[int, float] | None:
    """``markets.NAME.standard``: {period: share in [0, 1]} or None."""
    raw = mraw.get("standard")
    if raw is None:
        return None
    return r.per_period(raw, f"{mp}.standard", periods, share=True)


def floors(scenario, segs) -> dict[tuple[str, str, int], float]:
    """(jurisdiction, market, period) -> the least abatement a standard asks of the segment, Mt/yr
    (segments without a standard are left out)."""
    return {(j, n, t): mk.standard[t] * segs[(j, n, t)].bau
            for n, mk in scenario.markets.items() if getattr(mk, "standard", None) is not None
            for j in mk.members for t in scenario.periods
            if (j, n, t) in segs and mk.standard[t] > 0 and segs[(j, n, t)].bau > 0}


def variables(m, ctx) -> None:
    """Nothing to add: the rows bound the abatement variables."""


def rows(m, ctx) -> None:
    least = floors(ctx.scenario, ctx.segs)
    m.standard = pyo.Constraint(
        list(least), rule=lambda _m, j, n, t: ctx.q(j, n, t) >= ctx.Q(least[(j, n, t)]),
        doc="emission standard: least abatement of a covered segment, model units")
