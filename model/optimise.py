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
* ``polynomial`` and ``power`` (convex, not quadratic): an outer approximation. An epigraph
  variable :math:`z_{jt} \ge C_j(a) + MAC_j(a)(q_{jt} - a)` for a set of tangent points
  :math:`a`; it starts with tangents at evenly spaced points and, after each solve, adds a
  tangent at the abatement just found (Kelley's cutting-plane method) and one at the abatement
  where the true MAC equals the price just found (a Newton-like step, found by inverting the
  MAC). It stops when every such
  jurisdiction's true marginal cost equals its group price within a relative tolerance
  :math:`\varepsilon` (default :math:`10^{-6}`; the solver's tolerances may stop it a little
  short, and a gap above :math:`10^{-4}` is an error). A tie-breaking cost of :math:`10^{-9}` USD/t on
  these curves makes their abatement zero, not arbitrary, when the price is zero. Because the cap binds and MACs rise, the exact
  price then lies within :math:`[\lambda(1-\varepsilon), \lambda(1+\varepsilon)]` of the
  reported one (see the Methods appendix).
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

#: Tangent points per convex curve before refinement (evenly spaced on [0, max abatement]).
INITIAL_TANGENTS = 9
#: HiGHS options. Regularisation of the QP Hessian is switched off: it would bias the solution
#: of linear MACs by about 1e-7 relative.
HIGHS_OPTIONS = {"output_flag": False, "qp_regularization_value": 0.0}
#: The refinement stops early when it cannot add a tangent farther than this (relative to the
#: curve's range) from an existing one: the solver's own tolerances then set the floor. The
#: result is accepted if the gap is within :data:`REQUIRED_ACCURACY`, else it is an error.
MIN_TANGENT_SPACING = 1e-9
REQUIRED_ACCURACY = 1e-4
#: Tie-breaking marginal cost (USD/t) added to convex curves, so that at a zero price their
#: abatement is zero rather than anywhere on the flat first piece of the approximation.
TIE_BREAK = 1e-9


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


def build_model(scenario: Scenario) -> tuple[pyo.ConcreteModel, list]:
    """Assemble the Pyomo model of the scenario (without tangent cuts, which :func:`solve_scenario` adds).

    Returns the model and the link groups; the cap of group ``g`` in period ``t`` is
    ``m.cap[g, t]``.
    """
    groups = scenario.link_groups()
    periods = list(scenario.periods)
    capped = [j for g in groups for mk in g for j in scenario.markets[mk].members]
    J = scenario.jurisdictions

    m = pyo.ConcreteModel(name=scenario.name)
    m.T = pyo.Set(initialize=periods, ordered=True, doc="periods (year)")

    smooth = [(j, t) for j in capped if J[j].mac.representation != "steps" for t in periods]
    convex = [(j, t) for j in capped if J[j].mac.representation == "convex" for t in periods]
    quadratic = [(j, t) for j in capped if J[j].mac.representation == "quadratic" for t in periods]
    blocks = {}
    for j in capped:
        if J[j].mac.representation != "steps":
            continue
        for t in periods:
            room = J[j].bau[t]
            for i, (quantity, _cost) in enumerate(J[j].mac.steps):
                size = min(quantity, room)
                room -= size
                if size > 0:
                    blocks[(j, i, t)] = size

    m.abate = pyo.Var(smooth, bounds=lambda _m, j, t: (0.0, J[j].bau[t]), doc="abatement, Mt")
    m.block = pyo.Var(list(blocks), bounds=lambda _m, j, i, t: (0.0, blocks[(j, i, t)]), doc="abatement in a MAC block, Mt")
    m.epi = pyo.Var(convex, bounds=(0.0, None), doc="abatement cost of convex curves (outer approximation), MUSD")

    by_jt: dict = {}
    for (j, i, t) in blocks:
        by_jt.setdefault((j, t), []).append(m.block[j, i, t])
    for key in smooth:
        by_jt[key] = [m.abate[key]]
    m._abatement_terms = by_jt

    def cap_rule(_m, g, t):
        members = [j for mk in groups[g] for j in scenario.markets[mk].members]
        required = sum(J[j].bau[t] for j in members) - sum(scenario.markets[mk].cap[t] for mk in groups[g])
        terms = [v for j in members for v in by_jt.get((j, t), [])]
        if not terms:
            return pyo.Constraint.Skip
        return pyo.quicksum(terms) >= required

    m.cap = pyo.Constraint(range(len(groups)), m.T, rule=cap_rule, doc="(linked) cap: emissions <= sum of caps")

    objective = pyo.quicksum(
        J[j].mac.steps[i][1] * m.block[j, i, t] for (j, i, t) in blocks
    ) + pyo.quicksum(m.epi[j, t] + TIE_BREAK * m.abate[j, t] for (j, t) in convex) + pyo.quicksum(
        0.5 * J[j].mac.slope * m.abate[j, t] ** 2 for (j, t) in quadratic
    )
    m.cost = pyo.Objective(expr=objective, sense=pyo.minimize, doc="total abatement cost, MUSD")
    m.cuts = pyo.ConstraintList(doc="tangent cuts of convex cost curves")
    m._tangents = {}
    m._convex = convex
    return m, groups


def _add_tangent(m, scenario, j, t, a) -> bool:
    """Add the tangent of curve (j, t) at abatement ``a`` unless one lies within the minimum spacing."""
    mac, bau = scenario.jurisdictions[j].mac, scenario.jurisdictions[j].bau[t]
    points = m._tangents.setdefault((j, t), [])
    spacing = MIN_TANGENT_SPACING * max(1.0, mac.max_abatement(bau))
    if any(abs(a - b) <= spacing for b in points):
        return False
    points.append(a)
    m.cuts.add(m.epi[j, t] >= mac.cost(a, bau) + mac.marginal(a, bau) * (m.abate[j, t] - a))
    return True


def solve_scenario(scenario: Scenario, *, tolerance: float = 1e-6, max_iterations: int = 100) -> Solution:
    """Solve the least-cost problem; return abatement and prices.

    Parameters
    ----------
    scenario : Scenario
    tolerance : float
        Target relative gap :math:`|MAC_j(q_j) - \\lambda_g| / \\lambda_g` for convex curves.
        Refinement stops there, or earlier when the solver's tolerances stop it from
        improving; a final gap above :data:`REQUIRED_ACCURACY` (1e-4) raises :class:`SolveError`.
    max_iterations : int
        Limit on cutting-plane rounds; exceeding it raises :class:`SolveError`.
    """
    start = time.perf_counter()
    check_feasible(scenario)
    m, groups = build_model(scenario)
    J = scenario.jurisdictions
    group_of = {j: g for g, grp in enumerate(groups) for mk in grp for j in scenario.markets[mk].members}
    for (j, t) in m._convex:
        top = J[j].mac.max_abatement(J[j].bau[t])
        for k in range(INITIAL_TANGENTS):
            _add_tangent(m, scenario, j, t, top * k / (INITIAL_TANGENTS - 1))

    solver = Highs()
    if not solver.available():
        raise SolveError("HiGHS is not available: install the 'highspy' package")
    gap = 0.0
    for iteration in range(1, max_iterations + 1):
        res = solver.solve(m, solver_options=HIGHS_OPTIONS, raise_exception_on_nonoptimal_result=False, load_solutions=False)
        if res.termination_condition != TerminationCondition.convergenceCriteriaSatisfied:
            if "infeasible" in str(res.termination_condition).lower():
                raise InfeasibleError("the solver found no way to meet the caps", source=scenario.source)
            raise SolveError(f"HiGHS stopped with status {res.termination_condition}")
        res.solution_loader.load_vars()
        duals = res.solution_loader.get_duals()
        price = {}
        for (g, t), con in m.cap.items():
            price[(g, t)] = max(duals.get(con, 0.0), 0.0)
        for g in range(len(groups)):
            for t in scenario.periods:
                price.setdefault((g, t), 0.0)
        gap, new = 0.0, []
        for (j, t) in m._convex:
            q = pyo.value(m.abate[j, t])
            p = price[(group_of[j], t)]
            mac, bau = J[j].mac, J[j].bau[t]
            top = mac.max_abatement(bau)
            true_mc = mac.marginal(q, bau) + TIE_BREAK
            if q >= top * (1 - 1e-12):
                excess = max(0.0, true_mc - p)  # at the bound the MAC may be below the price
            else:
                excess = abs(true_mc - p)
            rel = excess / max(p, true_mc, 1e-12) if excess > 0 else 0.0
            if rel > tolerance:
                new.append((j, t, q))
                if p > TIE_BREAK:  # a Newton-like step: the tangent whose slope is the price
                    new.append((j, t, mac.abatement_at(p - TIE_BREAK, bau)))
            gap = max(gap, rel)
        added = [_add_tangent(m, scenario, j, t, q) for j, t, q in new]
        if not any(added):
            if gap > REQUIRED_ACCURACY:
                raise SolveError(f"the cutting-plane refinement stalled with a relative gap of {gap:.2e} "
                                 "between marginal cost and price")
            break
    else:
        raise SolveError(f"the cutting-plane refinement did not converge in {max_iterations} rounds "
                         f"(largest relative gap between marginal cost and price {gap:.2e})")

    abatement = {}
    for j in J:
        for t in scenario.periods:
            terms = m._abatement_terms.get((j, t))
            abatement[(j, t)] = sum(pyo.value(v) for v in terms) if terms else 0.0
    return Solution(abatement, price, groups, iteration, gap, time.perf_counter() - start)
