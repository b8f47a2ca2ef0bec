r"""Solving: HiGHS, the sequential QP for convex curves, the fixed points, feasibility.

The model (:mod:`model.build`) minimises the discounted cost of abatement and of the
instruments subject to each market's allowance balance; the permit price is the balance's
undiscounted dual, :math:`P_{mt} = \lambda_{mt} / (d_t w_t)` in USD/t. Around one solve:

1. **Convex curves** (``polynomial``, ``power``) by sequential quadratic programming: a first
   solve with each such curve as a merit order of blocks at secant costs gives a feasible
   point :math:`x^0`; each later solve replaces the curve by its second-order expansion at the
   current point (:math:`H^k = \max(MAC'(q^k), h)`, a small floor :math:`h` keeping it strictly
   convex), a Newton step; the next point :math:`x^{k+1} = x^k + \alpha(\hat x - x^k)` takes the
   :math:`\alpha \in [0, 1]` that minimises the true objective along the step (every point on it
   is feasible), so the method cannot diverge; near the solution :math:`\alpha = 1` and
   convergence is quadratic. It stops when every such curve's marginal cost equals its price
   within a relative tolerance (default :math:`10^{-9}`); at a lower bound on abatement (an
   emission standard, :mod:`model.mechanisms.standards`, or a credit baseline above BAU) the
   marginal cost may exceed the price by the bound's shadow cost.
2. **Fixed points**: the market stability reserve's intakes (:mod:`model.mechanisms.msr`) and
   the stock of withheld allowances that may return (:mod:`model.mechanisms.price_controls`),
   and the carbon prices behind the goods' border charges and output-based allocation
   (:mod:`model.mechanisms.goods`) depend on the solution; solve with given values, recompute them, repeat until they settle.
3. **Own shortfalls** (``shortfall: own``, :mod:`model.mechanisms.conduct`): re-solve with the
   exports of a market that sells while falling short shut, until no market does both.

Infeasibility is checked before solving (:func:`check_feasible`), and named after a failed solve.
"""

from __future__ import annotations

import functools
import time
from array import array
from dataclasses import dataclass, field, replace

from ._lazy import gc_manager, pyo
from .build import Build, Inputs, build_model, empty, quantity_scale, release
from .errors import InfeasibleError, SolveError
from .mechanisms import (
    CATALOGUE,
    adjustments,
    caps,
    conduct,
    coverage,
    credits,
    goods,
    links,
    msr,
    price_controls,
    standards,
)
from .reader import read
from .spec import ByMarket, Duals, Scenario, Segments, Values

__all__ = ["solve_scenario", "Solution", "check_feasible"]

#: HiGHS options. Regularisation of the QP Hessian is switched off: it would bias the solution
#: of linear MACs by about 1e-7 relative.
HIGHS_OPTIONS = {"output_flag": False, "qp_regularization_value": 0.0}
#: QP regularisation used only to retry a QP on which HiGHS's active-set solver cycled.
QP_REGULARIZATION = 1e-7
#: Default limit (seconds) on each HiGHS solve: HiGHS's QP solver can cycle (see the README).
TIME_LIMIT = 60.0
#: A result whose convex curves' marginal costs differ from the price by more than this
#: (relative) is an error, not an answer.
REQUIRED_ACCURACY = 1e-4
#: Prices below this (USD/t) count as zero when judging the relative gap (a numerical
#: threshold, not the price-floor instrument).
PRICE_EPSILON = 1e-6
#: Floor of the curvature H used in a Newton step, as a share of MAC(max)/max.
CURVATURE_FLOOR = 1e-6
#: Below this share of MAC(max)/max a curve counts as flat at zero abatement, and the Newton step
#: from zero takes the secant over the next 1% of its range instead (see :func:`_curvature`).
FLAT_CURVATURE = 1e-3


@dataclass
class Solution:
    """Raw numbers from one solve, keyed by names and period; turned into frames in :mod:`model.results`.

    Quantities are Mt per year (banks and the MSR reserve in Mt), prices USD/t undiscounted.
    """

    abatement: dict[tuple[str, str, int], float]  # (jurisdiction, owner, period) -> Mt/yr
    segments: dict  # (jurisdiction, owner, period) -> model.spec.Segment
    price: dict[tuple[str, int], float]  # (market or programme, period) -> USD/t
    groups: list[tuple[str, ...]]  # link groups
    iterations: int
    price_accuracy: float  # max relative gap between true MAC and price, convex curves
    seconds: float
    bank: dict[tuple[str, int], float] = field(default_factory=dict)  # Mt at the end of the period
    withheld: dict[tuple[str, int], float] = field(default_factory=dict)  # Mt/yr at the floor, net of returns
    extra: dict[tuple[str, int], float] = field(default_factory=dict)  # Mt/yr sold at the ceiling or from the CCR
    shortfall: dict[tuple[str, int], float] = field(default_factory=dict)  # Mt/yr
    msr_intake: dict[tuple[str, int], float] = field(default_factory=dict)  # Mt, net of releases
    msr_reserve: dict[tuple[str, int], float] = field(default_factory=dict)  # Mt held at the end
    flows: dict[tuple[int, str, str, int], float] = field(default_factory=dict)  # (link, exporter, importer, t)
    quota_rent: dict[tuple[int, str, int], float] = field(default_factory=dict)  # (link, importer, t) -> USD/unit
    issued: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (host, programme, t) -> credits/yr
    segment_price: dict[tuple[str, str, int], float] = field(default_factory=dict)  # USD/t the segment faces
    unused: dict[tuple[str, int], float] = field(default_factory=dict)  # Mt/yr expiring unused
    returned: dict[tuple[str, int], float] = field(default_factory=dict)  # Mt/yr of withheld allowances sold again
    sale_price: dict[tuple[str, int], float] = field(default_factory=dict)  # USD/t of sales without adjustment
    msr_iterations: int = 0
    goods: dict = field(default_factory=dict)  # model.mechanisms.goods.solution: demand, supply, ship, price, ...
    removed: dict[tuple[str, int], float] = field(default_factory=dict)  # (jurisdiction, t) -> Mt/yr removed


@dataclass
class _Raw:
    """The numbers of one HiGHS solve, quantities in Mt (model units times the quantity scale)."""

    values: Values  # (variable name, index) -> value
    abatement: dict  # (jurisdiction, owner, period) -> Mt/yr
    duals: dict  # (row name, index) -> dual, discounted USD/t
    unused: dict  # (market, period) -> Mt/yr of allowances left to expire (or cancelled)


@dataclass
class _Solved:
    """One converged sequential QP: the last model and its numbers (Mt, duals by row name)."""

    m: pyo.ConcreteModel
    ctx: Build
    raw: _Raw
    iterations: int
    gap: float


@dataclass
class _Prices:
    """Prices read from the duals, each mechanism reporting its own (USD/t, undiscounted)."""

    price: dict  # (market or programme, period)
    rent: dict  # (link, importer, period)
    segment: dict  # (jurisdiction, owner, period)
    sale: dict  # (market, period): sales without corresponding adjustment


def _prices(scenario: Scenario, ctx: Build, values: Values, named: Duals) -> _Prices:
    """Route the duals to prices by row name: balance (caps), supply and credit (credits),
    limit (links), no_adjustment (adjustments)."""
    price = caps.prices(scenario, ctx, values, named)
    credit_price, host_price = credits.prices(scenario, ctx, named)
    price.update(credit_price)
    sale = adjustments.sale_prices(ctx, named)
    segment = {}
    for (j, o, t) in ctx.segs:
        if o in scenario.markets:
            mk = scenario.markets[o]
            segment[(j, o, t)] = (price[(o, t)] + (mk.tax[t] if mk.tax is not None and mk.capped else 0.0)
                                  + sale.get((o, t), 0.0))  # abatement sold without adjustment earns that too
        else:
            segment[(j, o, t)] = host_price[(j, o, t)]
    return _Prices(price, links.quota_rents(ctx, named), segment, sale)


def check_feasible(scenario: Scenario, segs: Segments | None = None) -> None:
    """Raise :class:`InfeasibleError` when a cap cannot be met even with every unit on offer.

    A necessary condition, checked per link group (markets joined by links, with the credit
    programmes that sell to them): the abatement required, covered BAU minus the caps, must not
    exceed what the members can abate plus what the credit hosts can abate. Groups with a
    safety valve (a price ceiling, an uncapped reserve, a `conduct` obligation) are skipped;
    groups that bank are checked over all periods together. A crediting baseline so far below
    BAU that the host cannot reach it is reported too.
    """
    segs = coverage.segments(scenario) if segs is None else segs
    where = scenario.source
    for (h, c, t), gap in credits.baseline_gap(scenario, segs).items():
        seg = segs.get((h, c, t))
        top = seg.mac.max_abatement(seg.bau) if seg is not None else 0.0
        if gap > top + 1e-9 * max(1.0, gap):
            raise InfeasibleError(f"host {h} cannot reach its crediting baseline in programme {c} in {t}: it would "
                                  f"have to abate {gap:.6g} Mt before earning credits but can abate at most "
                                  f"{top:.6g} Mt (shortfall {gap - top:.6g} Mt)", field=f"credits.{c}.baseline",
                                  source=where)
    top = {key: seg.mac.max_abatement(seg.bau) for key, seg in segs.items()}
    gaps = credits.baseline_gap(scenario, segs)
    for group in scenario.link_groups():
        mks = [scenario.markets[g] for g in group if g in scenario.markets and scenario.markets[g].capped]
        if not mks or any(mk.price_ceiling or mk.ccr_volume or mk.obligation == "conduct" for mk in mks):
            continue
        banks = any(mk.banking for mk in mks)
        required, available = {}, {}
        for t in scenario.periods:
            req = sum(segs[(j, mk.name, t)].bau for mk in mks for j in mk.members if (j, mk.name, t) in segs)
            req -= sum(mk.cap[t] for mk in mks)
            avail = sum(top[(j, mk.name, t)] for mk in mks for j in mk.members if (j, mk.name, t) in segs)
            for c in group:
                if c in scenario.credits:
                    cr = scenario.credits[c]
                    avail += sum(max(0.0, top.get((h, c, t), 0.0) - max(0.0, gaps[(h, c, t)])) / cr.additionality[t]
                                 for h in cr.hosts)
            required[t], available[t] = req, avail
        periods = [scenario.periods] if banks else [(t,) for t in scenario.periods]
        for span in periods:
            w = {t: scenario.years(t) if banks else 1.0 for t in span}
            req = sum(w[t] * required[t] for t in span) - (sum(mk.initial_bank for mk in mks) if banks else 0.0)
            avail = sum(w[t] * available[t] for t in span)
            if req > avail + 1e-9 * max(1.0, abs(req)):
                when = "" if len(scenario.periods) == 1 else (" over all periods" if banks else f" in {span[0]}")
                names = [mk.name for mk in mks]
                who = (f"market {names[0]} cannot meet its cap{when}" if len(names) == 1
                       else f"linked markets {' + '.join(names)} cannot meet their joint cap{when}")
                raise InfeasibleError(f"{who}: its members can abate at most {avail:.6g} Mt but {req:.6g} Mt are "
                                      f"needed (shortfall {req - avail:.6g} Mt)",
                                      field=f"markets.{names[0]}.cap" if len(names) == 1 else "links", source=where)



DUAL_ZERO = 1e-9  # |dual| below this (MUSD/Mt = USD/t, discounted) is solver noise and reported as 0


def _solve_once(m, ctx, time_limit: float = TIME_LIMIT, keep_model: bool = True) -> _Raw:
    """Solve the model with HiGHS and read its numbers (:class:`_Raw`) from HiGHS's solution
    arrays through the columns' and rows' keys (:func:`_read_arrays`).

    ``keep_model=True``: the values are also loaded into the model's variables (the line search
    of the sequential QP evaluates the model). ``keep_model=False`` (nothing evaluates the model
    afterwards, i.e. no convex curves): once the model is compiled to arrays its Pyomo objects
    are freed before HiGHS runs (the peak memory of a large solve); ``m`` is left empty.
    """
    c = compile_model(m)
    position = c.position
    terms = {key: [position[id(v)] for v in variables] for key, variables in ctx.terms.items()}
    c.position = None
    if not keep_model:
        c.cols = c.rows = None
        ctx.terms, ctx.costs, ctx.balance = {}, [], {}
        empty(m)
    x, row_value, row_dual = _highs_solve(c, ctx.scenario, time_limit)
    if keep_model:
        for var, value in zip(c.cols, x, strict=True):
            if not var.fixed:
                var.set_value(value, skip_validation=True)
    return _read_arrays(ctx, c, terms, x, row_value, row_dual)


def _read_arrays(ctx, c: Compiled, terms: dict, x: list, row_value: list, row_dual: list) -> _Raw:
    """The numbers of a solve read from HiGHS's arrays (:func:`_solve_once`): values by (variable name, index), the segments' abatement from their columns (``terms``),
    the duals that the mechanisms report by (row name, index), and each balance's unused
    allowances."""
    S = ctx.scale
    values = dict(zip(c.col_keys, (S * v for v in x), strict=True))
    abatement = {key: S * sum(x[i] for i in terms[key]) for key in ctx.segs}
    reported = {name for mechanism in CATALOGUE for name in mechanism.DUALS}
    named, unused = {}, {}
    for key, dual, value, lo in zip(c.row_keys, row_dual, row_value, c.row_lo, strict=True):
        if key[0] in reported:
            named[key] = 0.0 if abs(dual) < DUAL_ZERO else dual  # solver noise snapped to exactly 0
        if key[0] == "balance":
            unused[key[1]] = S * max(value - lo, 0.0) + values.get(("cancel", key[1]), 0.0)
    return _Raw(values, abatement, named, unused)


def _highs_model(c: Compiled):
    """The highspy model of a :class:`Compiled` model."""
    import numpy as np

    n = len(c.col_keys)
    a_rows = np.frombuffer(c.a_rows, np.int64)
    a_cols = np.frombuffer(c.a_cols, np.int64)
    a_vals = np.frombuffer(c.a_vals, float)
    cost = np.frombuffer(c.cost_vector, float)
    q_rows = np.fromiter((k[0] for k in c.q), np.int64, len(c.q))
    q_cols = np.fromiter((k[1] for k in c.q), np.int64, len(c.q))
    q_vals = np.fromiter(c.q.values(), float, len(c.q))
    return highs_from_arrays(n, cost, c.col_lo, c.col_hi, c.row_lo, c.row_hi, a_rows, a_cols, a_vals,
                             q_rows, q_cols, q_vals)


_BANNER_SHOWN = []


def new_highs():
    """A silent highspy instance (HiGHS prints a banner on the first one in a process: captured)."""
    import highspy

    if not _BANNER_SHOWN:
        from pyomo.common.tee import capture_output

        with capture_output(capture_fd=True):
            h = highspy.Highs()
        _BANNER_SHOWN.append(True)
    else:
        h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def _highs_solve(c: Compiled, scenario: Scenario, time_limit: float) -> tuple[list, list, list]:
    """Solve a compiled model with HiGHS (retrying once with regularisation); its columns'
    values, rows' activities and rows' duals, or an error for anything but an optimum."""
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - highspy is a dependency
        raise SolveError("HiGHS is not available: install the 'highspy' package") from exc

    status = highspy.HighsModelStatus
    h = new_highs()
    highs_options(h, len(c.col_keys), time_limit)
    h.passModel(_highs_model(c))
    h.run()
    result = h.getModelStatus()
    retry = {status.kLoadError, status.kModelError, status.kPresolveError, status.kSolveError,
             status.kPostsolveError, status.kIterationLimit, getattr(status, "kSolutionLimit", status.kIterationLimit)}
    if result in retry:
        # HiGHS's active-set QP solver can cycle on degenerate problems (e.g. a bank that may sit
        # in either of two linked markets), or stop with an error on a badly conditioned Hessian;
        # its default regularisation breaks the cycle. The price accuracy check of the sequential
        # QP still applies to the answer.
        h.setOptionValue("qp_regularization_value", QP_REGULARIZATION)
        h.setOptionValue("qp_iteration_limit", 2**31 - 1)
        h.clearSolver()
        h.run()
        result = h.getModelStatus()
    if result != status.kOptimal:
        if result in (status.kInfeasible, status.kUnboundedOrInfeasible):
            raise InfeasibleError(_diagnose(scenario), source=scenario.source)
        if result == status.kTimeLimit:
            raise SolveError(f"HiGHS stopped at its time limit of {time_limit:g} s: pass a larger "
                             "time_limit to model.solve, or make the scenario smaller")
        raise SolveError(f"HiGHS stopped with status {h.modelStatusToString(result)}")
    solution = h.getSolution()
    return list(solution.col_value), list(solution.row_value), list(solution.row_dual)


def _diagnose(scenario: Scenario) -> str:
    """Name the market that makes a scenario infeasible, checking each capped market alone."""
    for name, mk in scenario.markets.items():
        if not mk.capped or name not in scenario.raw.get("markets", {}):
            continue
        raw = dict(scenario.raw, markets={name: scenario.raw["markets"][name]}, links=[])
        raw.pop("credits", None)
        try:
            check_feasible(read(raw, scenario.source))
        except InfeasibleError as exc:
            return exc.args[0]
    return ("the solver found no way to meet the caps together, though each market alone could: "
            "check the links' import limits, the banking limits and the market stability reserve")


def _curvature(mac, q: float, bau: float) -> float:
    """dMAC/dq at q (USD/t per Mt) by a central difference, floored to keep the QP strictly convex."""
    top = mac.max_abatement(bau)
    if top <= 0:
        return 1.0  # nothing to abate: the variable is fixed at zero by its bounds
    step = 1e-6 * top
    lo, hi = max(q - step, 0.0), min(q + step, top)
    slope = (mac.marginal(hi, bau) - mac.marginal(lo, bau)) / (hi - lo) if hi > lo else 0.0
    average = mac.marginal(top, bau) / top
    if q <= 1e-12 * top and slope < FLAT_CURVATURE * average:
        # flat at zero abatement (a power curve with beta > 1): a Newton model this flat leaves
        # HiGHS's active-set QP solver cycling, so the first step from zero takes the secant over
        # the next 1% of the range (later steps, away from zero, use the true curvature)
        ahead = min(q + 0.01 * top, top)
        if ahead > q:
            slope = max(slope, (mac.marginal(ahead, bau) - mac.marginal(q, bau)) / (ahead - q))
    return max(slope, CURVATURE_FLOOR * average)


def _gap(mac, q: float, bau: float, p: float, low: float = 0.0) -> float:
    """Relative violation of the optimality condition MAC(q) = p (with the bound cases)."""
    top = mac.max_abatement(bau)
    true_mc = mac.marginal(q, bau)
    if q >= top * (1 - 1e-12):
        excess = max(0.0, true_mc - p)  # at the upper bound the MAC may be below the price
    elif q <= max(low, 0.0) + top * 1e-12:
        excess = max(0.0, p - true_mc)  # at the lower bound the MAC may be above the price
    else:
        excess = abs(true_mc - p)
    return excess / max(p, true_mc, PRICE_EPSILON) if excess > 0 else 0.0


def _line_search(m, ctx, convex: list, x0: dict, x1: dict, q0: dict, q1: dict) -> float:
    """The step length in [0, 1] minimising the true objective along x0 -> x1.

    ``x`` are the values of every variable other than the convex segments' abatement, ``q`` the
    convex segments' abatement. Every point on the segment is feasible (the constraints are
    linear); the objective is convex in the step, so a golden-section search finds the minimum.
    The non-convex part of the objective is quadratic in the step: it is evaluated at three
    points and interpolated.
    """
    shared = [k for k in x1 if k in x0 and not (k[0] == "abate" and k[1] in convex)]
    comps = {k: getattr(m, k[0])[k[1]] for k in shared}
    S, segs = ctx.scale, ctx.segs

    def other_at(alpha):
        # the objective's other terms (a tax, say) may depend on the convex segments' abatement too
        for k, var in comps.items():
            var.set_value((x0[k] + alpha * (x1[k] - x0[k])) / S, skip_validation=True)
        for key in convex:
            m.abate[key].set_value((q0[key] + alpha * (q1[key] - q0[key])) / S, skip_validation=True)
        return S * pyo.value(m.other_cost)

    f0, fh, f1 = other_at(0.0), other_at(0.5), other_at(1.0)
    a2 = 2 * (f1 - 2 * fh + f0)
    a1 = f1 - f0 - a2

    def cost(alpha):
        convex_part = sum(ctx.weight[key[2]] * segs[key].mac.cost(q0[key] + alpha * (q1[key] - q0[key]), segs[key].bau)
                          for key in convex)
        return convex_part + f0 + a1 * alpha + a2 * alpha * alpha

    lo, hi = 0.0, 1.0
    ratio = (5 ** 0.5 - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = cost(a), cost(b)
    for _ in range(60):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = cost(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = cost(b)
    return min((0.0, 1.0, 0.5 * (lo + hi)), key=cost)


def _sequential_qp(scenario: Scenario, segs: Segments, inputs: Inputs, tolerance: float, max_iterations: int,
                   time_limit: float = TIME_LIMIT) -> _Solved:
    """Solve with the given inputs; sequential QP for convex curves."""
    m, ctx = build_model(scenario, segs, inputs)
    convex = [k for k, s in segs.items() if s.mac.representation == "convex"]
    # without convex curves nothing evaluates the model after the solve: it is freed first
    raw = _solve_once(m, ctx, time_limit, keep_model=bool(convex))
    # lower bounds on abatement: a credit baseline above BAU, an emission standard (at which the
    # marginal cost may exceed the price: the standard's shadow cost)
    gaps = credits.baseline_gap(scenario, segs)
    for key, least in standards.floors(scenario, segs).items():
        gaps[key] = max(gaps.get(key, 0.0), least)
    iteration, gap, previous = 1, 0.0, float("inf")
    current_x = {k: v for k, v in raw.values.items() if k[0] != "block" or k[1][:3] not in convex}
    current_q = {k: raw.abatement[k] for k in convex}
    while convex:
        expansion = {}
        for key in convex:
            seg, qk = segs[key], current_q[key]
            expansion[key] = (qk, seg.mac.marginal(qk, seg.bau), _curvature(seg.mac, qk, seg.bau))
        release(m)
        m, ctx = build_model(scenario, segs, replace(inputs, expansion=expansion))
        raw = _solve_once(m, ctx, time_limit)
        iteration += 1
        seg_price = _prices(scenario, ctx, raw.values, raw.duals).segment
        gap = max(_gap(segs[k].mac, raw.abatement[k], segs[k].bau, seg_price[k], gaps.get(k, 0.0)) for k in convex)
        if gap <= tolerance or (gap <= REQUIRED_ACCURACY and gap > 0.5 * previous):
            break  # converged, or stalled at the solver's precision within the required accuracy
        previous = gap
        if iteration > max_iterations:
            if gap > REQUIRED_ACCURACY:
                raise SolveError(f"the Newton refinement of polynomial and power curves did not converge in "
                                 f"{max_iterations} steps (largest relative gap between marginal cost and "
                                 f"price {gap:.2e})")
            break
        target_x = {k: v for k, v in raw.values.items() if not (k[0] == "abate" and k[1] in convex)}
        target_q = {k: raw.abatement[k] for k in convex}
        alpha = _line_search(m, ctx, convex, current_x, target_x, current_q, target_q)
        current_x = {k: current_x[k] + alpha * (target_x[k] - current_x[k]) for k in target_x if k in current_x}
        current_q = {k: current_q[k] + alpha * (target_q[k] - current_q[k]) for k in convex}
    return _Solved(m, ctx, raw, iteration, gap)


def _fixed_points(scenario: Scenario, segs: Segments, tolerance: float, max_iterations: int, time_limit: float,
                  shut: frozenset, no_short: frozenset) -> tuple[_Solved, dict, dict, int, dict]:
    """Solve with the market stability reserve's intakes, the stock of withheld allowances that
    may return (``unsold: return``), and the carbon prices behind the goods' border charges and
    output-based allocation at their fixed point: solve with given intakes, stocks and prices,
    recompute them from the solution, repeat. Returns the last solve, the intakes and reserves
    ((market, period) -> Mt), the number of rounds and the carbon prices used."""
    reserve = any(mk.msr is not None or (mk.price_floor is not None and mk.unsold == "return")
                  for mk in scenario.markets.values())
    trading = goods.iterates(scenario)
    intakes: dict = {}
    returnable: dict = {}
    reserves: dict = {}
    carbon: dict = {}
    rounds = 0
    solved = None
    while True:
        if solved is not None:
            release(solved.m)
        solved = _sequential_qp(scenario, segs, Inputs(None, intakes, returnable, shut, no_short, carbon), tolerance,
                                max_iterations, time_limit)
        if not (reserve or trading):
            return solved, intakes, reserves, rounds, carbon
        rounds += 1
        stock = price_controls.unsold_stock(scenario, solved.raw.values)
        new, reserves = msr.update(scenario, solved.raw.values)
        change = max([abs(v - returnable.get(k, 0.0)) for k, v in stock.items()]
                     + [abs(v - intakes.get(k, 0.0)) for k, v in new.items()] + [0.0])
        returnable = stock
        # the goods: carbon prices of this round against those the charges were written with
        prices = (goods.carbon_prices(scenario, _prices(scenario, solved.ctx, solved.raw.values, solved.raw.duals).price)
                  if trading else {})
        moved = max([abs(p - carbon.get(k, 0.0)) / max(1.0, abs(p)) for k, p in prices.items()] + [0.0])
        if change <= msr.TOLERANCE * quantity_scale(segs) and moved <= goods.TOLERANCE:
            return solved, intakes, reserves, rounds, carbon
        if rounds >= max(msr.ITERATIONS, goods.ROUNDS):
            what = ("the carbon prices behind the border adjustment and output-based allocation"
                    if moved > goods.TOLERANCE else "the market stability reserve (or the return of withheld allowances)")
            raise SolveError(f"{what} did not settle in {rounds} rounds (still changing by "
                             f"{max(change, moved):.3g}): the rule has no fixed point for this scenario")
        # damped update after a few rounds, to settle oscillations around a threshold
        step = 1.0 if rounds < 20 else 0.5
        intakes = {k: intakes.get(k, 0.0) + step * (v - intakes.get(k, 0.0)) for k, v in new.items()}
        carbon = {k: carbon.get(k, 0.0) + step * (p - carbon.get(k, 0.0)) for k, p in prices.items()}


def solve_scenario(scenario: Scenario, *, tolerance: float = 1e-9, max_iterations: int = 50,
                   time_limit: float = TIME_LIMIT) -> Solution:
    """Solve the least-cost problem; return abatement, prices and the instruments' quantities.

    Parameters
    ----------
    scenario : Scenario
    tolerance : float
        Target relative gap :math:`|MAC(q) - P| / P` for convex curves; a final gap above
        :data:`REQUIRED_ACCURACY` raises :class:`SolveError`.
    max_iterations : int
        Limit on Newton steps for convex curves.
    time_limit : float
        Limit in seconds on each HiGHS solve (default :data:`TIME_LIMIT`); reaching it raises
        :class:`SolveError`.
    """
    start = time.perf_counter()
    segs = coverage.segments(scenario)
    check_feasible(scenario, segs)
    shut: set = set()
    no_short: set = set()
    own = sum(mk.shortfall == "own" for mk in scenario.markets.values())
    solved = None
    # the garbage collector is paused (see model.build.build_model); each model is released
    # (model.build.release) when it is no longer needed, so that it is freed at once
    with gc_manager.PauseGC():
        for _round in range(2 * own * len(scenario.periods) + 1):
            if solved is not None:
                release(solved.m)
            solved, intakes, reserves, rounds, carbon = _fixed_points(scenario, segs, tolerance, max_iterations,
                                                                      time_limit, frozenset(shut), frozenset(no_short))
            price = _prices(scenario, solved.ctx, solved.raw.values, solved.raw.duals).price
            if not conduct.adjust(scenario, solved.raw.values, price, shut, no_short, 1e-9 * quantity_scale(segs)):
                break
        solution = _solution(scenario, solved, intakes, reserves, rounds, time.perf_counter() - start, carbon)
        release(solved.m)
    return solution


def _solution(scenario: Scenario, solved: _Solved, intakes: ByMarket, reserves: ByMarket, rounds: int,
              seconds: float, carbon: dict | None = None) -> Solution:
    prices = _prices(scenario, solved.ctx, solved.raw.values, solved.raw.duals)
    values = solved.raw.values

    by_name: dict = {}
    for (comp, key), val in values.items():  # one pass over the values, grouped by variable
        by_name.setdefault(comp, {})[key] = val

    def pick(name):
        return by_name.get(name, {})

    returned = pick("returned")
    ceiling, ccr = pick("ceiling"), pick("ccr")
    return Solution(
        abatement=solved.raw.abatement, segments=solved.ctx.segs, price=prices.price, groups=scenario.link_groups(),
        iterations=solved.iterations, price_accuracy=solved.gap, seconds=seconds, bank=pick("bank"),
        withheld={k: v - returned.get(k, 0.0) for k, v in pick("withheld").items()},
        extra={k: ceiling.get(k, 0.0) + ccr.get(k, 0.0) for k in set(ceiling) | set(ccr)},
        shortfall=pick("shortfall"), msr_intake=intakes, msr_reserve=reserves, flows=pick("flow"),
        quota_rent=prices.rent, issued=pick("issued"), segment_price=prices.segment, msr_iterations=rounds,
        returned=returned, sale_price=prices.sale,
        unused=solved.raw.unused, removed=pick("removed"),
        goods=goods.solution(scenario, solved.ctx, values, solved.raw.duals,
                             {**goods.carbon_prices(scenario, prices.price), **(carbon or {})})
        if scenario.goods else {},
    )




# --- The model as arrays, for HiGHS in one call (used by model.sweep) ----------------------------


@dataclass
class Compiled:
    """A built model as arrays: minimise ``cost @ x + x' Q x / 2`` subject to ``row_lo <= A x <= row_hi``
    and ``col_lo <= x <= col_hi``; columns and rows keyed by (component name, index).

    A is held by coordinates (``a_rows``, ``a_cols``, ``a_vals``; :attr:`a` maps (row, column)
    positions to coefficients), ``q`` maps (i, j) with i >= j to the lower triangle of Q. ``cols``
    and ``rows`` are the Pyomo components in column and row order.
    """

    cols: list
    rows: list
    col_keys: list
    row_keys: list
    cost_vector: array
    col_lo: array
    col_hi: array
    row_lo: list
    row_hi: list
    a_rows: array
    a_cols: array
    a_vals: array
    q: dict
    position: dict | None = None  # id(variable) -> its column, while the model lives

    @functools.cached_property
    def a(self) -> dict:
        """(row, column) -> coefficient of A."""
        return dict(zip(zip(self.a_rows, self.a_cols, strict=True), self.a_vals, strict=True))

    @functools.cached_property
    def cost(self) -> dict:
        """column -> its (nonzero) linear cost."""
        return {i: c for i, c in enumerate(self.cost_vector) if c}


#: Bound values that Pyomo stores as given (pyomo 6.10, pinned): read without resolving them.
_PLAIN_BOUNDS = frozenset({float, int, type(None)})


def compile_model(m) -> Compiled:
    """The Pyomo model ``m`` (linear rows, objective at most quadratic) as :class:`Compiled`.

    Walks each row once with Pyomo's linear-representation visitor (the walker of its
    standard-form compiler) and the objective with its quadratic one; fixed variables count as
    constants, moved into the bounds. The garbage collector is paused meanwhile (see
    :func:`model.build.build_model`).
    """
    with gc_manager.PauseGC():
        return _compile(m)


def _compile(m) -> Compiled:
    from pyomo.repn.linear import LinearRepnVisitor
    from pyomo.repn.quadratic import QuadraticRepnVisitor
    from pyomo.repn.util import FileDeterminism, FileDeterminism_to_SortComponents, OrderedVarRecorder, VarRecorder

    inf = float("inf")
    # variables and rows with their (component name, index) keys, read from each component's
    # items (asking a component's data for its index searches the component)
    cols, col_keys = [], []
    for comp in m.component_objects(pyo.Var, descend_into=True):
        name = comp.name
        for index, var in comp.items():
            cols.append(var)
            col_keys.append((name, index))
    where = {id(v): k for k, v in enumerate(cols)}
    sorter = FileDeterminism_to_SortComponents(FileDeterminism.ORDERED)
    col_lo, col_hi = array("d"), array("d")  # numbers held unboxed: the model's peak memory is at the solve
    reals, plain = pyo.Reals, _PLAIN_BOUNDS
    for v in cols:
        if v.fixed:
            col_lo.append(v.value)
            col_hi.append(v.value)
            continue
        lo, hi = v._lb, v._ub  # noqa: SLF001 - plain numbers on a real domain: read as stored
        if not (v._domain is reals and lo.__class__ in plain and hi.__class__ in plain):  # noqa: SLF001
            lo, hi = v.bounds  # anything else (a domain's bounds, a parameter): resolved by Pyomo
        col_lo.append(-inf if lo is None else lo)
        col_hi.append(inf if hi is None else hi)
    # the visitors hold themselves in a cycle; the maps they are given are cleared at the end, so
    # that they do not keep the model's variables from being freed (model.build.release)
    by_id, cache, cache_q = {id(v): v for v in cols}, {}, {}
    visitor = LinearRepnVisitor(cache, var_recorder=VarRecorder(by_id, sorter))
    walk = visitor.walk_expression
    rows, row_keys, row_lo, row_hi = [], [], [], []
    a_rows, a_cols, a_vals = array("q"), array("q"), array("d")
    for comp in m.component_objects(pyo.Constraint, active=True, descend_into=True):
        name = comp.name
        for index, con in comp.items():
            if not con.active:
                continue
            lo, body, hi = con.to_bounded_expression(evaluate_bounds=True)
            repn = walk(body)
            if repn.nonlinear is not None:
                raise SolveError(f"row {con.name} is not linear")
            r = len(rows)
            rows.append(con)
            row_keys.append((name, index))
            const = repn.constant
            row_lo.append(-inf if lo is None else lo - const)
            row_hi.append(inf if hi is None else hi - const)
            linear = {where[vid]: c for vid, c in repn.linear.items() if c}  # column -> nonzero coefficient
            a_rows.extend(array("q", [r]) * len(linear))
            a_cols.extend(linear)
            a_vals.extend(linear.values())
    obj = next(m.component_data_objects(pyo.Objective, active=True))
    recorder = OrderedVarRecorder(by_id, where, sorter)  # every variable is known: the maps are not added to
    repn = QuadraticRepnVisitor(cache_q, var_recorder=recorder).walk_expression(obj.expr)
    if repn.nonlinear is not None:
        raise SolveError("the objective is not quadratic")
    cost = array("d", bytes(8 * len(cols)))
    for vid, c in repn.linear.items():
        cost[where[vid]] = c
    q = {}
    for (v1, v2), c in (repn.quadratic or {}).items():
        i, j = where[v1], where[v2]
        key = (max(i, j), min(i, j))
        q[key] = q.get(key, 0.0) + (2 * c if i == j else c)

    for held in (by_id, cache, cache_q):
        held.clear()
    return Compiled(cols, rows, col_keys, row_keys, cost, col_lo, col_hi, row_lo, row_hi, a_rows, a_cols, a_vals, q,
                    where)


def highs_options(h, n_vars: int, time_limit: float = TIME_LIMIT) -> None:
    """Set :data:`HIGHS_OPTIONS` (and the limits of :func:`_highs_solve`) on a highspy instance."""
    for key, value in dict(HIGHS_OPTIONS, time_limit=float(time_limit),
                           qp_iteration_limit=max(10_000, 20 * n_vars)).items():
        h.setOptionValue(key, value)


def highs_from_arrays(n_col, cost, col_lo, col_hi, row_lo, row_hi, a_rows, a_cols, a_vals, q_rows, q_cols, q_vals):
    """A highspy model from arrays (A by coordinates; Q's lower triangle by coordinates)."""
    import highspy
    import numpy as np

    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, len(row_lo)
    lp.col_cost_ = np.asarray(cost, float)
    lp.col_lower_, lp.col_upper_ = np.asarray(col_lo, float), np.asarray(col_hi, float)
    lp.row_lower_, lp.row_upper_ = np.asarray(row_lo, float), np.asarray(row_hi, float)
    order = np.lexsort((a_rows, a_cols))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.searchsorted(np.asarray(a_cols)[order], np.arange(n_col + 1)).astype(np.int32)
    lp.a_matrix_.index_ = np.asarray(a_rows, np.int32)[order]
    lp.a_matrix_.value_ = np.asarray(a_vals, float)[order]
    model = highspy.HighsModel()
    model.lp_ = lp
    if len(q_vals):
        model.hessian_ = hessian(n_col, q_rows, q_cols, q_vals)
    return model


def hessian(n_col, q_rows, q_cols, q_vals):
    """A HighsHessian (lower triangle, by columns) from coordinates."""
    import highspy
    import numpy as np

    order = np.lexsort((q_rows, q_cols))
    hs = highspy.HighsHessian()
    hs.dim_ = n_col
    hs.format_ = highspy.HessianFormat.kTriangular
    hs.start_ = np.searchsorted(np.asarray(q_cols)[order], np.arange(n_col + 1)).astype(np.int32)
    hs.index_ = np.asarray(q_rows, np.int32)[order]
    hs.value_ = np.asarray(q_vals, float)[order]
    return hs
