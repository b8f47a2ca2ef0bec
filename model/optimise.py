r"""The least-cost problem, built in Pyomo and solved with HiGHS.

The model
---------
For jurisdictions :math:`j` in markets, link groups :math:`g` (markets that trade with each
other, see :meth:`model.scenario.Scenario.link_groups`) and periods :math:`t`:

.. math::

    \min_{q} \; \sum_t \sum_j C_j(q_{jt})
    \quad\text{s.t.}\quad
    \sum_{j \in g} \left(E^{BAU}_{jt} - q_{jt}\right) \le \sum_{m \in g} \bar E_{mt}
    \;\; (\lambda_{gt}), \qquad 0 \le q_{jt} \le \bar q_{jt}.

:math:`C_j` is the abatement cost (MUSD) of :mod:`model.mac`, :math:`\bar E_{mt}` the cap of
market :math:`m`. The permit price of every market in group :math:`g` is the dual
:math:`\lambda_{gt} \ge 0` of the group's cap, in USD/t (MUSD per Mt). At the optimum each
jurisdiction with interior abatement has :math:`MAC_j(q_{jt}) = \lambda_{gt}`: marginal costs
are equal across a linked group, which is why the dual is the price a competitive permit market
would reach (Montgomery, 1972).

How each curve enters
---------------------
* ``linear``: :math:`C = \frac{s}{2} q^2` in the objective, a convex QP, exact.
* ``steps``: one bounded variable per block, cost linear, an LP, exact. Blocks beyond BAU are
  cut off at BAU.
* ``polynomial`` and ``power`` (convex, not quadratic): sequential quadratic programming.

  1. A first solve replaces each such curve by a merit order of
     :data:`INITIAL_BREAKPOINTS` - 1 blocks between evenly spaced breakpoints
     :math:`0 = a_0 < \dots < a_n = \bar q`, each at its secant cost
     :math:`(C(a_k) - C(a_{k-1}))/(a_k - a_{k-1})`: a piecewise-linear approximation whose
     solution is a feasible starting point :math:`q^0`.
  2. Each later solve replaces :math:`C_j` by its second-order expansion at the current point,
     :math:`C_j(q^k) + MAC_j(q^k)(q - q^k) + \tfrac12 H_j^k (q - q^k)^2` with
     :math:`H_j^k = \max(MAC_j'(q^k), h_j)` (a small floor :math:`h_j` keeps it strictly
     convex), a QP whose solution :math:`\hat q` is a Newton step. The next point
     :math:`q^{k+1} = q^k + \alpha(\hat q - q^k)` takes the :math:`\alpha \in [0, 1]` that
     minimises the true cost along the step (a convex line search; every point on it meets the
     caps), so the method cannot diverge; near the solution :math:`\alpha = 1` and convergence
     is quadratic.
  3. It stops when every such curve's true marginal cost at :math:`\hat q` equals the QP's
     price :math:`\lambda` within a relative tolerance :math:`\varepsilon` (default
     :math:`10^{-9}`). The reported abatement is :math:`\hat q` (it meets the caps exactly) and
     the price is the QP's dual. Because MACs rise, the exact equilibrium price then lies
     within :math:`[\lambda(1-\varepsilon), \lambda(1+\varepsilon)]` (see the Methods appendix).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from .errors import InfeasibleError
from .scenario import Scenario

__all__ = ["solve_scenario", "SolveError", "Solution"]

#: Breakpoints per convex curve in the first, piecewise-linear solve (evenly spaced on
#: [0, max abatement]).
INITIAL_BREAKPOINTS = 17
#: HiGHS options. Regularisation of the QP Hessian is switched off: it would bias the solution
#: of linear MACs by about 1e-7 relative.
HIGHS_OPTIONS = {"output_flag": False, "qp_regularization_value": 0.0, "time_limit": 60.0}
#: A result whose convex curves' marginal costs differ from the price by more than this
#: (relative) is an error, not an answer.
REQUIRED_ACCURACY = 1e-4
#: Prices below this (USD/t) count as zero when judging the relative gap.
PRICE_FLOOR = 1e-6
#: Floor of the curvature H used in a Newton step, as a share of MAC(max)/max.
CURVATURE_FLOOR = 1e-6


class SolveError(RuntimeError):
    """The solver did not reach an optimum (other than infeasibility, which is checked first)."""


@dataclass
class Solution:
    """Raw numbers from one solve, keyed by (name, period); turned into frames in :mod:`model.results`."""

    abatement: dict  # (jurisdiction, period) -> Mt
    price: dict  # (group index, period) -> USD/t
    groups: list  # list of tuples of market names
    iterations: int
    price_accuracy: float  # max relative gap between true MAC and price, convex curves
    seconds: float


def _max_abatement(scenario: Scenario) -> dict:
    return {(j.name, t): j.mac.max_abatement(j.bau[t]) for j in scenario.jurisdictions.values() for t in scenario.periods}


def check_feasible(scenario: Scenario) -> None:
    """Raise :class:`InfeasibleError` when a (linked) cap exceeds what its members can abate.

    The required abatement of group :math:`g` is :math:`\\sum_j E^{BAU}_{jt} - \\sum_m \\bar E_{mt}`;
    the available abatement is the sum of the members' maximum abatement.
    """
    qmax = _max_abatement(scenario)
    for group in scenario.link_groups():
        members = [j for m in group for j in scenario.markets[m].members]
        for t in scenario.periods:
            required = sum(scenario.jurisdictions[j].bau[t] for j in members) - sum(scenario.markets[m].cap[t] for m in group)
            available = sum(qmax[(j, t)] for j in members)
            if required > available + 1e-9 * max(1.0, required):
                when = "" if len(scenario.periods) == 1 else f" in {t}"
                if len(group) == 1:
                    who = f"market {group[0]} cannot meet its cap{when}"
                else:
                    who = f"linked markets {' + '.join(group)} cannot meet their joint cap{when}"
                raise InfeasibleError(
                    f"{who}: its members can abate at most {available:.6g} Mt but {required:.6g} Mt are needed "
                    f"(shortfall {required - available:.6g} Mt)",
                    field=f"markets.{group[0]}.cap" if len(group) == 1 else "links",
                    source=scenario.source,
                )


def _blocks(scenario: Scenario, capped: list, breakpoints: dict | None) -> dict:
    """Merit-order blocks (j, k, t) -> (size Mt, cost USD/t) of step curves, and of convex curves
    when ``breakpoints`` is given (the piecewise-linear first solve)."""
    J = scenario.jurisdictions
    blocks = {}
    for j in capped:
        mac = J[j].mac
        for t in scenario.periods:
            bau = J[j].bau[t]
            if mac.representation == "steps":
                room = bau
                for k, (quantity, cost) in enumerate(mac.steps):
                    size = min(quantity, room)
                    room -= size
                    if size > 0:
                        blocks[(j, k, t)] = (size, cost)
            elif mac.representation == "convex" and breakpoints is not None:
                points = breakpoints[(j, t)]
                for k in range(1, len(points)):
                    a, b = points[k - 1], points[k]
                    blocks[(j, k, t)] = (b - a, (mac.cost(b, bau) - mac.cost(a, bau)) / (b - a))
    return blocks


def build_model(scenario: Scenario, expansion: dict | None = None) -> tuple[pyo.ConcreteModel, list]:
    """Assemble the Pyomo model of the scenario.

    Parameters
    ----------
    scenario : Scenario
    expansion : dict, optional
        (jurisdiction, period) -> (q0 Mt, MAC(q0) USD/t, H USD/t per Mt): the point and
        coefficients of the quadratic expansion of each convex curve. Without it, convex
        curves enter as the piecewise-linear merit order of :func:`initial_breakpoints`.

    Returns the model and the link groups; the cap of group ``g`` in period ``t`` is
    ``m.cap[g, t]``; ``m.abatement_terms[(j, t)]`` lists the variables whose sum is the
    abatement of ``j`` in ``t``.
    """
    groups = scenario.link_groups()
    capped = [j for g in groups for mk in g for j in scenario.markets[mk].members]
    J = scenario.jurisdictions

    m = pyo.ConcreteModel(name=scenario.name)
    m.T = pyo.Set(initialize=list(scenario.periods), ordered=True, doc="periods (year)")

    quadratic = [(j, t) for j in capped if J[j].mac.representation == "quadratic" for t in scenario.periods]
    expanded = [(j, t) for j in capped if J[j].mac.representation == "convex" for t in scenario.periods] if expansion else []
    blocks = _blocks(scenario, capped, None if expansion else initial_breakpoints(scenario))
    smooth = quadratic + expanded
    m.abate = pyo.Var(smooth, bounds=lambda _m, j, t: (0.0, J[j].mac.max_abatement(J[j].bau[t])),
                      doc="abatement of jurisdictions with smooth MACs, Mt")
    m.block = pyo.Var(list(blocks), bounds=lambda _m, j, k, t: (0.0, blocks[(j, k, t)][0]),
                      doc="abatement in a merit-order block, Mt")

    terms: dict = {}
    for (j, k, t) in blocks:
        terms.setdefault((j, t), []).append(m.block[j, k, t])
    for key in smooth:
        terms[key] = [m.abate[key]]
    m.abatement_terms = terms

    def cap_rule(_m, g, t):
        members = [j for mk in groups[g] for j in scenario.markets[mk].members]
        required = sum(J[j].bau[t] for j in members) - sum(scenario.markets[mk].cap[t] for mk in groups[g])
        variables = [v for j in members for v in terms.get((j, t), [])]
        if not variables:
            return pyo.Constraint.Skip
        return pyo.quicksum(variables) >= required

    m.cap = pyo.Constraint(range(len(groups)), m.T, rule=cap_rule, doc="(linked) cap: emissions <= sum of caps")

    def newton_term(j, t):
        q0, mc, h = expansion[(j, t)]
        d = m.abate[j, t] - q0
        return mc * d + 0.5 * h * d * d

    objective = (
        pyo.quicksum(cost * m.block[key] for key, (_size, cost) in blocks.items())
        + pyo.quicksum(0.5 * J[j].mac.slope * m.abate[j, t] ** 2 for (j, t) in quadratic)
        + pyo.quicksum(newton_term(j, t) for (j, t) in expanded)
    )
    m.cost = pyo.Objective(expr=objective, sense=pyo.minimize, doc="total abatement cost (less constants), MUSD")
    return m, groups


def initial_breakpoints(scenario: Scenario) -> dict:
    """Evenly spaced breakpoints on [0, max abatement] for every convex curve and period."""
    out = {}
    n = INITIAL_BREAKPOINTS - 1
    for j in scenario.jurisdictions.values():
        if j.mac.representation != "convex":
            continue
        for t in scenario.periods:
            top = j.mac.max_abatement(j.bau[t])
            out[(j.name, t)] = [top * k / n for k in range(n + 1)] if top > 0 else [0.0]
    return out


def _solve_once(m, scenario, groups):
    solver = Highs()
    if not solver.available():
        raise SolveError("HiGHS is not available: install the 'highspy' package")
    res = solver.solve(m, solver_options=HIGHS_OPTIONS, raise_exception_on_nonoptimal_result=False, load_solutions=False)
    if res.termination_condition != TerminationCondition.convergenceCriteriaSatisfied:
        if "infeasible" in str(res.termination_condition).lower():
            raise InfeasibleError("the solver found no way to meet the caps", source=scenario.source)
        raise SolveError(f"HiGHS stopped with status {res.termination_condition}")
    res.solution_loader.load_vars()
    duals = res.solution_loader.get_duals()
    price = {(g, t): 0.0 for g in range(len(groups)) for t in scenario.periods}
    for key, con in m.cap.items():
        price[key] = max(duals.get(con, 0.0), 0.0)
    abatement = {}
    for j in scenario.jurisdictions:
        for t in scenario.periods:
            variables = m.abatement_terms.get((j, t))
            abatement[(j, t)] = sum(pyo.value(v) for v in variables) if variables else 0.0
    return abatement, price


def _curvature(mac, q: float, bau: float) -> float:
    """dMAC/dq at q (USD/t per Mt) by a central difference, floored to keep the QP strictly convex."""
    top = mac.max_abatement(bau)
    if top <= 0:
        return 1.0  # nothing to abate: the variable is fixed at zero by its bounds
    step = 1e-6 * top
    lo, hi = max(q - step, 0.0), min(q + step, top)
    slope = (mac.marginal(hi, bau) - mac.marginal(lo, bau)) / (hi - lo) if hi > lo else 0.0
    return max(slope, CURVATURE_FLOOR * mac.marginal(top, bau) / top)


def _gap(mac, q: float, bau: float, p: float) -> float:
    """Relative violation of the optimality condition MAC(q) = p (with the bound cases)."""
    top = mac.max_abatement(bau)
    true_mc = mac.marginal(q, bau)
    if q >= top * (1 - 1e-12):
        excess = max(0.0, true_mc - p)  # at the upper bound the MAC may be below the price
    elif q <= top * 1e-12:
        excess = max(0.0, p - true_mc)  # at zero abatement the MAC may be above the price
    else:
        excess = abs(true_mc - p)
    return excess / max(p, true_mc, PRICE_FLOOR) if excess > 0 else 0.0


def _line_search(scenario: Scenario, keys: list, q0: dict, q1: dict) -> float:
    """The step length in [0, 1] minimising the true total abatement cost along q0 -> q1.

    ``keys`` are all capped (jurisdiction, period) pairs. Every point on the segment meets the
    caps (both ends do, and the caps are linear); the cost is convex in the step, so a
    golden-section search finds the minimum.
    """
    J = scenario.jurisdictions

    def cost(alpha):
        return sum(J[j].mac.cost(q0[(j, t)] + alpha * (q1[(j, t)] - q0[(j, t)]), J[j].bau[t]) for (j, t) in keys)

    lo, hi = 0.0, 1.0
    ratio = (5 ** 0.5 - 1) / 2
    a, b = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    fa, fb = cost(a), cost(b)
    for _ in range(40):
        if fa <= fb:
            hi, b, fb = b, a, fa
            a = hi - ratio * (hi - lo)
            fa = cost(a)
        else:
            lo, a, fa = a, b, fb
            b = lo + ratio * (hi - lo)
            fb = cost(b)
    best = min((0.0, 1.0, 0.5 * (lo + hi)), key=cost)
    return best


def solve_scenario(scenario: Scenario, *, tolerance: float = 1e-9, max_iterations: int = 50) -> Solution:
    """Solve the least-cost problem; return abatement and prices.

    Parameters
    ----------
    scenario : Scenario
    tolerance : float
        Target relative gap :math:`|MAC_j(q_j) - \\lambda_g| / \\lambda_g` for convex curves;
        a final gap above :data:`REQUIRED_ACCURACY` raises :class:`SolveError`.
    max_iterations : int
        Limit on Newton steps for convex curves.
    """
    start = time.perf_counter()
    check_feasible(scenario)
    J = scenario.jurisdictions
    m, groups = build_model(scenario)
    abatement, price = _solve_once(m, scenario, groups)
    group_of = {j: g for g, grp in enumerate(groups) for mk in grp for j in scenario.markets[mk].members}
    convex = [(j, t) for j in group_of if J[j].mac.representation == "convex" for t in scenario.periods]
    iteration, gap, previous = 1, 0.0, float("inf")
    capped = [(j, t) for j in group_of for t in scenario.periods]
    current = {key: abatement[key] for key in capped}
    while convex:
        expansion = {}
        for (j, t) in convex:
            q, mac, bau = current[(j, t)], J[j].mac, J[j].bau[t]
            expansion[(j, t)] = (q, mac.marginal(q, bau), _curvature(mac, q, bau))
        m, groups = build_model(scenario, expansion)
        abatement, price = _solve_once(m, scenario, groups)
        iteration += 1
        gap = max(_gap(J[j].mac, abatement[(j, t)], J[j].bau[t], price[(group_of[j], t)]) for (j, t) in convex)
        if gap <= tolerance or (gap <= REQUIRED_ACCURACY and gap > 0.5 * previous):
            break  # converged, or stalled at the solver's precision within the required accuracy
        previous = gap
        if iteration > max_iterations:
            if gap > REQUIRED_ACCURACY:
                raise SolveError(f"the Newton refinement of polynomial and power curves did not converge in "
                                 f"{max_iterations} steps (largest relative gap between marginal cost and "
                                 f"price {gap:.2e})")
            break
        target = {key: abatement[key] for key in capped}
        alpha = _line_search(scenario, capped, current, target)
        current = {key: current[key] + alpha * (target[key] - current[key]) for key in capped}
    return Solution(abatement, price, groups, iteration, gap, time.perf_counter() - start)
