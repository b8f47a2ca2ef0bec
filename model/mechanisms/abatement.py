r"""Abatement: each segment's abatement :math:`0 \le q \le \bar q` and its cost.

How each curve enters the objective (discounted by :math:`d_t w_t`):

* ``linear``: :math:`C = \frac{s}{2} q^2`, a convex QP, exact;
* ``steps``: one bounded variable per block, cost linear, an LP, exact (blocks beyond BAU are
  cut off at BAU);
* ``polynomial`` and ``power``: a merit order of :data:`INITIAL_BREAKPOINTS` - 1 blocks at their
  secant costs in the first solve; then the second-order expansion
  :math:`C(q^k) + MAC(q^k)(q - q^k) + \tfrac12 H^k (q - q^k)^2` at the current point (the
  sequential QP of :mod:`model.solver`).

A host's abatement is at least BAU less its crediting baseline (:mod:`model.mechanisms.credits`).
"""

from __future__ import annotations

from .._lazy import numeric_expr, pyo
from ..spec import Segments
from .credits import baseline_gap

DUALS: tuple = ()  # rows whose duals this mechanism reports: none

KEYS: list = []  # the curves' keys are model.mac's

#: Breakpoints per convex curve in the first, piecewise-linear solve (evenly spaced on
#: [0, max abatement]).
INITIAL_BREAKPOINTS = 17


def initial_breakpoints(segs: Segments) -> dict[tuple[str, str, int], list[float]]:
    """Evenly spaced breakpoints on [0, max abatement] for every convex segment."""
    out = {}
    n = INITIAL_BREAKPOINTS - 1
    for key, seg in segs.items():
        if seg.mac.representation == "convex":
            top = seg.mac.max_abatement(seg.bau)
            out[key] = [top * k / n for k in range(n + 1)] if top > 0 else [0.0]
    return out


def blocks(segs: Segments, breakpoints: dict | None) -> dict[tuple[str, str, int, int], tuple[float, float]]:
    """Merit-order blocks (j, owner, t, k) -> (size Mt, cost USD/t) of step curves, and of convex
    curves when ``breakpoints`` is given (the piecewise-linear first solve)."""
    out = {}
    for (j, o, t), seg in segs.items():
        mac, bau = seg.mac, seg.bau
        if mac.representation == "steps":
            room = bau
            for k, (quantity, cost) in enumerate(mac.steps):
                size = min(quantity, room)
                room -= size
                if size > 0:
                    out[(j, o, t, k)] = (size, cost)
        elif mac.representation == "convex" and breakpoints is not None:
            points = breakpoints[(j, o, t)]
            for k in range(1, len(points)):
                a, b = points[k - 1], points[k]
                out[(j, o, t, k)] = (b - a, (mac.cost(b, bau) - mac.cost(a, bau)) / (b - a))
    return out


def variables(m, ctx) -> None:
    segs = ctx.segs
    convex = [k for k, s in segs.items() if s.mac.representation == "convex"]
    quadratic = [k for k, s in segs.items() if s.mac.representation == "quadratic"]
    expanded = convex if ctx.inputs.expansion else []
    merit = blocks(segs, None if ctx.inputs.expansion else initial_breakpoints(segs))
    smooth = quadratic + expanded
    gap = baseline_gap(ctx.scenario, segs)

    def q_bounds(_m, j, o, t):
        seg = segs[(j, o, t)]
        return (ctx.Q(max(0.0, gap.get((j, o, t), 0.0))), ctx.Q(seg.mac.max_abatement(seg.bau)))

    m.abate = pyo.Var(smooth, bounds=q_bounds, doc="abatement of segments with smooth MACs, Mt/yr")
    keys = list(merit)
    m.block = pyo.Var(keys, bounds=(0.0, None), doc="abatement in a merit-order block, Mt/yr")
    # in bulk: each block's variable by position (its upper bound the block's size), its cost as
    # one linear expression of monomials (the same objective as a sum of ``cost * block`` terms,
    # written without Pyomo's operators)
    ctx.terms = {key: [] for key in segs}
    d, scale, monomial, monomials = ctx.weight, ctx.scale, numeric_expr.MonomialTermExpression, []
    for (key, (size, cost)), var in zip(merit.items(), m.block.values(), strict=True):
        var.setub(size / scale)
        ctx.terms[key[:3]].append(var)
        monomials.append(monomial((d[key[2]] * cost, var)))
    if monomials:
        ctx.costs.append(numeric_expr.LinearExpression(monomials))
    for key in smooth:
        ctx.terms[key] = [m.abate[key]]
    for (j, o, t) in quadratic:
        ctx.costs.append(d[t] * 0.5 * segs[(j, o, t)].mac.slope * ctx.scale * m.abate[j, o, t] ** 2)
    ctx.expanded = expanded


def rows(m, ctx) -> None:
    """Nothing to add: the bounds hold abatement between its limits."""


def newton_cost(m, ctx):
    """The convex curves' second-order expansion at the Newton point (0 without an expansion)."""
    expansion = ctx.inputs.expansion
    if not expansion:
        return 0.0

    def term(key):
        q0, mc, h = expansion[key]
        dq = m.abate[key] - ctx.Q(q0)
        return ctx.weight[key[2]] * (mc * dq + 0.5 * h * ctx.scale * dq * dq)

    return pyo.quicksum(term(k) for k in ctx.expanded)
