r"""The least-cost problem, built in Pyomo and solved with HiGHS.

The model
---------
A jurisdiction :math:`j` in a market :math:`m` with coverage :math:`s_{mt}` owns a *segment*
:math:`(j, m)` with BAU :math:`s_{mt} E^{BAU}_{jt}` and the curve :math:`MAC_j(q / s_{mt})`
(:meth:`model.mac.MAC.share`); a host of a credit programme owns the segment of its uncovered
emissions. Each period :math:`t` stands for :math:`w_t` years and is discounted by
:math:`d_t = (1+r)^{-(t - t_0)}`. The problem is

.. math::

    \min \sum_t d_t w_t \Big[ \sum_{\text{seg}} C_{\text{seg}}(q) - \sum_m \tau_{mt} q_{m}
      - f_{mt} W_{mt} + \bar p_{mt} X_{mt} + p^{R}_{mt} R_{mt} + \pi_{mt} S_{mt}
      + \sum_{\ell} c_{\ell t} F_{\ell t} \Big]

subject to, for every capped market :math:`m` and period :math:`t` (dual :math:`\lambda_{mt}`),

.. math::

    \sum_{j} (E^{BAU}_{jmt} - q_{jmt}) + \frac{B_{mt} - B_{m,t-1}}{w_t}
    \le \bar E_{mt} - W_{mt} + X_{mt} + R_{mt} + S_{mt} - I^{MSR}_{mt}
      + \sum_{\ell \to m} \rho_\ell F_{\ell t} - \sum_{m \to \ell} F_{\ell t},

for every credit programme :math:`c` (dual :math:`\nu_{ct}`) :math:`\sum_{c\to\ell} F_{\ell t}
\le \sum_h Q_{cht}` with :math:`a_{ct} Q_{cht} \le q_{ht} - (E^{BAU}_{ht} - b_{ht})` (credits
:math:`Q` for abatement below the baseline :math:`b`, :math:`a` the additionality share), and
import limits :math:`\sum_{\ell\to m} F_{\ell t} \le L_{\ell t}` (dual: the quota rent).

Symbols: :math:`q` abatement (Mt/yr), :math:`B` the bank (Mt, :math:`\ge 0` unless borrowing,
ending :math:`\ge 0`; with banking the constraint holds with equality, so a surplus is banked,
and cancelled only beyond a bank limit; without banking :math:`B = 0` and a surplus expires), :math:`W \le` auctioned share of the cap withdrawn
below the floor :math:`f`, :math:`X` allowances sold at the ceiling :math:`\bar p`,
:math:`R \le` volume of the cost-containment reserve at its trigger :math:`p^R`, :math:`S`
shortfall of a `conduct` obligation at penalty :math:`\pi`, :math:`\tau` a tax,
:math:`F` flows along links with exchange rate :math:`\rho` and transaction cost :math:`c`,
:math:`I^{MSR}` the market stability reserve's net intake.

The permit price is the undiscounted dual, :math:`P_{mt} = \lambda_{mt} / (d_t w_t)` in USD/t.
At the optimum a segment with interior abatement has :math:`MAC = P_{mt} + \tau_{mt}`; two
markets joined by a free two-way link have one price; a one-way link from :math:`a` to
:math:`b` gives :math:`\rho P_b \le P_a + c` with equality while units flow; a binding import
limit opens a gap, the quota rent. With free banking, :math:`\lambda_{mt} = \lambda_{m,t+1}`
while :math:`B_{mt} > 0`, so :math:`P_{m,t+1} = P_{mt}(1+r)^{t+1-t}`: Hotelling's rule.

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
     solution is a feasible starting point :math:`x^0`.
  2. Each later solve replaces :math:`C` by its second-order expansion at the current point,
     :math:`C(q^k) + MAC(q^k)(q - q^k) + \tfrac12 H^k (q - q^k)^2` with
     :math:`H^k = \max(MAC'(q^k), h)` (a small floor :math:`h` keeps it strictly convex), a
     QP whose solution :math:`\hat x` is a Newton step. The next point
     :math:`x^{k+1} = x^k + \alpha(\hat x - x^k)` takes the :math:`\alpha \in [0, 1]` that
     minimises the true objective along the step (every point on it is feasible, the
     constraints being linear), so the method cannot diverge; near the solution
     :math:`\alpha = 1` and convergence is quadratic.
  3. It stops when every such curve's true marginal cost at :math:`\hat x` equals its price
     within a relative tolerance :math:`\varepsilon` (default :math:`10^{-9}`).

The market stability reserve makes the supply depend on the bank, a non-convex rule; it is
solved by fixed-point iteration: solve with given intakes, recompute the intakes from the
bank path by the rule, and repeat until they stop changing (:func:`msr_intake`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from .errors import InfeasibleError
from .scenario import Scenario

__all__ = ["solve_scenario", "SolveError", "Solution", "segments", "msr_intake", "check_feasible"]

#: Breakpoints per convex curve in the first, piecewise-linear solve (evenly spaced on
#: [0, max abatement]).
INITIAL_BREAKPOINTS = 17
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
#: Prices below this (USD/t) count as zero when judging the relative gap.
PRICE_FLOOR = 1e-6
#: Floor of the curvature H used in a Newton step, as a share of MAC(max)/max.
CURVATURE_FLOOR = 1e-6
#: Fixed-point iterations allowed for the market stability reserve, and their tolerance (Mt).
#: Cost (USD/t) of cancelling allowances when a bank is full: tiny, so that a surplus is
#: cancelled only when it cannot be banked. A period with cancellations has price 0.
CANCEL_COST = 1e-6
MSR_ITERATIONS = 200
MSR_TOLERANCE = 1e-6


class SolveError(RuntimeError):
    """The solver did not reach an optimum (other than infeasibility, which is checked first)."""


@dataclass
class Solution:
    """Raw numbers from one solve, keyed by names and period; turned into frames in :mod:`model.results`.

    Quantities are Mt per year (banks and the MSR reserve in Mt), prices USD/t undiscounted.
    """

    abatement: dict  # (jurisdiction, owner, period) -> Mt/yr; owner: market or credit programme
    segments: dict  # (jurisdiction, owner, period) -> (bau Mt/yr, MAC curve, share)
    price: dict  # (market or programme, period) -> USD/t
    groups: list  # link groups, tuples of names
    iterations: int
    price_accuracy: float  # max relative gap between true MAC and price, convex curves
    seconds: float
    bank: dict = field(default_factory=dict)  # (market, period) -> Mt at the end of the period
    withheld: dict = field(default_factory=dict)  # (market, period) -> Mt/yr withdrawn at the floor
    extra: dict = field(default_factory=dict)  # (market, period) -> Mt/yr sold at the ceiling or from the CCR
    shortfall: dict = field(default_factory=dict)  # (market, period) -> Mt/yr
    msr_intake: dict = field(default_factory=dict)  # (market, period) -> Mt, net of releases
    msr_reserve: dict = field(default_factory=dict)  # (market, period) -> Mt held at the end
    flows: dict = field(default_factory=dict)  # (link index, exporter, importer, period) -> units/yr
    quota_rent: dict = field(default_factory=dict)  # (link index, importer, period) -> USD/unit
    issued: dict = field(default_factory=dict)  # (programme, host, period) -> credits/yr
    segment_price: dict = field(default_factory=dict)  # (jurisdiction, owner, period) -> USD/t it faces
    unused: dict = field(default_factory=dict)  # (market, period) -> Mt/yr of allowances expiring unused
    msr_iterations: int = 0


def segments(scenario: Scenario) -> dict:
    """The emission segments: (jurisdiction, owner, period) -> (bau Mt/yr, MAC curve, share).

    The owner is a market (the covered share of each member) or a credit programme (the
    uncovered share of each host). Segments with a zero share are left out.
    """
    out = {}
    used: dict = {}
    for mk in scenario.markets.values():
        for j in mk.members:
            jur = scenario.jurisdictions[j]
            for t in scenario.periods:
                share = mk.coverage[t]
                used[(j, t)] = used.get((j, t), 0.0) + share
                if share > 0:
                    out[(j, mk.name, t)] = (share * jur.bau[t], jur.mac.share(share), share)
    for c in scenario.credits.values():
        for h in c.hosts:
            jur = scenario.jurisdictions[h]
            for t in scenario.periods:
                share = max(0.0, 1.0 - used.get((h, t), 0.0))
                if share > 1e-12:
                    out[(h, c.name, t)] = (share * jur.bau[t], jur.mac.share(share), share)
    return out


def _gap_of_baseline(scenario: Scenario, segs: dict) -> dict:
    """(host, programme, period) -> BAU minus baseline of the host segment (Mt/yr; may be < 0)."""
    out = {}
    for c in scenario.credits.values():
        for h in c.hosts:
            for t in scenario.periods:
                bau = segs[(h, c.name, t)][0] if (h, c.name, t) in segs else 0.0
                out[(h, c.name, t)] = bau - c.baseline[(h, t)]
    return out


def _edges(scenario: Scenario) -> list:
    """(link index, exporter, importer) for every direction units may flow."""
    return [(i, a, b) for i, link in enumerate(scenario.links) for a, b in link.edges()]


def check_feasible(scenario: Scenario, segs: dict | None = None) -> None:
    """Raise :class:`InfeasibleError` when a cap cannot be met even with every unit on offer.

    A necessary condition, checked per link group (markets joined by links, with the credit
    programmes that sell to them): the abatement required, covered BAU minus the caps, must not
    exceed what the members can abate plus what the credit hosts can abate. Groups with a
    safety valve (a price ceiling, an uncapped reserve, a `conduct` obligation) are skipped;
    groups that bank are checked over all periods together. A crediting baseline so far below
    BAU that the host cannot reach it is reported too.
    """
    segs = segments(scenario) if segs is None else segs
    where = scenario.source
    for (h, c, t), gap in _gap_of_baseline(scenario, segs).items():
        bau, mac, _ = segs.get((h, c, t), (0.0, None, 1.0))
        top = mac.max_abatement(bau) if mac is not None else 0.0
        if gap > top + 1e-9 * max(1.0, gap):
            raise InfeasibleError(f"host {h} cannot reach its crediting baseline in programme {c} in {t}: it would "
                                  f"have to abate {gap:.6g} Mt before earning credits but can abate at most "
                                  f"{top:.6g} Mt (shortfall {gap - top:.6g} Mt)", field=f"credits.{c}.baseline",
                                  source=where)
    top = {key: mac.max_abatement(bau) for key, (bau, mac, _s) in segs.items()}
    for group in scenario.link_groups():
        mks = [scenario.markets[g] for g in group if g in scenario.markets and scenario.markets[g].capped]
        if not mks or any(mk.price_ceiling or mk.ccr_volume or mk.obligation == "conduct" for mk in mks):
            continue
        banks = any(mk.banking for mk in mks)
        required, available = {}, {}
        for t in scenario.periods:
            req = sum(segs[(j, mk.name, t)][0] for mk in mks for j in mk.members if (j, mk.name, t) in segs)
            req -= sum(mk.cap[t] for mk in mks)
            avail = sum(top[(j, mk.name, t)] for mk in mks for j in mk.members if (j, mk.name, t) in segs)
            for c in group:
                if c in scenario.credits:
                    cr = scenario.credits[c]
                    avail += sum(max(0.0, top.get((h, c, t), 0.0) - max(0.0, _g)) / cr.additionality[t]
                                 for h in cr.hosts for _g in [_gap_of_baseline(scenario, segs)[(h, c, t)]])
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


def initial_breakpoints(segs: dict) -> dict:
    """Evenly spaced breakpoints on [0, max abatement] for every convex segment."""
    out = {}
    n = INITIAL_BREAKPOINTS - 1
    for key, (bau, mac, _s) in segs.items():
        if mac.representation == "convex":
            top = mac.max_abatement(bau)
            out[key] = [top * k / n for k in range(n + 1)] if top > 0 else [0.0]
    return out


def _blocks(segs: dict, breakpoints: dict | None) -> dict:
    """Merit-order blocks (j, owner, t, k) -> (size Mt, cost USD/t) of step curves, and of convex
    curves when ``breakpoints`` is given (the piecewise-linear first solve)."""
    blocks = {}
    for (j, o, t), (bau, mac, _s) in segs.items():
        if mac.representation == "steps":
            room = bau
            for k, (quantity, cost) in enumerate(mac.steps):
                size = min(quantity, room)
                room -= size
                if size > 0:
                    blocks[(j, o, t, k)] = (size, cost)
        elif mac.representation == "convex" and breakpoints is not None:
            points = breakpoints[(j, o, t)]
            for k in range(1, len(points)):
                a, b = points[k - 1], points[k]
                blocks[(j, o, t, k)] = (b - a, (mac.cost(b, bau) - mac.cost(a, bau)) / (b - a))
    return blocks


def build_model(scenario: Scenario, expansion: dict | None = None, msr: dict | None = None,
                segs: dict | None = None) -> pyo.ConcreteModel:
    """Assemble the Pyomo model of the scenario.

    Parameters
    ----------
    scenario : Scenario
    expansion : dict, optional
        (jurisdiction, owner, period) -> (q0 Mt, MAC(q0) USD/t, H USD/t per Mt): the point and
        coefficients of the quadratic expansion of each convex curve. Without it, convex
        curves enter as the piecewise-linear merit order of :func:`initial_breakpoints`.
    msr : dict, optional
        (market, period) -> net intake into the market stability reserve, Mt.

    Returns the model. Its constraints ``m.balance[market, t]``, ``m.supply[programme, t]``,
    ``m.credit[host, programme, t]`` and ``m.limit[link, importer, t]`` carry the prices;
    ``m.abatement_terms[(j, owner, t)]`` lists the variables whose sum is a segment's abatement;
    ``m.other_cost`` is the objective without the convex curves.
    """
    segs = segments(scenario) if segs is None else segs
    msr = msr or {}
    T = scenario.periods
    d = {t: scenario.discount_factor(t) * scenario.years(t) for t in T}  # weight of a yearly amount
    capped = {n: mk for n, mk in scenario.markets.items() if mk.capped}
    edges = _edges(scenario)
    baseline_gap = _gap_of_baseline(scenario, segs)

    m = pyo.ConcreteModel(name=scenario.name)
    convex = [k for k, v in segs.items() if v[1].representation == "convex"]
    quadratic = [k for k, v in segs.items() if v[1].representation == "quadratic"]
    expanded = convex if expansion else []
    blocks = _blocks(segs, None if expansion else initial_breakpoints(segs))
    smooth = quadratic + expanded

    def q_bounds(_m, j, o, t):
        bau, mac, _s = segs[(j, o, t)]
        low = max(0.0, baseline_gap.get((j, o, t), 0.0))
        return (low, mac.max_abatement(bau))

    m.abate = pyo.Var(smooth, bounds=q_bounds, doc="abatement of segments with smooth MACs, Mt/yr")
    m.block = pyo.Var(list(blocks), bounds=lambda _m, j, o, t, k: (0.0, blocks[(j, o, t, k)][0]),
                      doc="abatement in a merit-order block, Mt/yr")
    terms: dict = {key: [] for key in segs}
    for (j, o, t, k) in blocks:
        terms[(j, o, t)].append(m.block[j, o, t, k])
    for key in smooth:
        terms[key] = [m.abate[key]]
    m.abatement_terms = terms

    def q(j, o, t):
        return pyo.quicksum(terms[(j, o, t)]) if terms[(j, o, t)] else 0.0

    # Lower bounds for block-represented host segments with a baseline below BAU.
    m.own_effort = pyo.Constraint(
        [k for k, g in baseline_gap.items() if g > 0 and k in segs and k not in smooth],
        rule=lambda _m, j, o, t: q(j, o, t) >= baseline_gap[(j, o, t)])

    # Market instruments.
    def idx(pred):
        return [(n, t) for n, mk in capped.items() if pred(mk) for t in T]

    bank_idx = idx(lambda mk: mk.banking)

    def bank_bounds(_m, n, t):
        mk = capped[n]
        low = 0.0 if not mk.borrowing else (-mk.borrow_limit if mk.borrow_limit is not None else None)
        if t == T[-1]:
            low = 0.0  # borrowing must be repaid
        return (low, mk.bank_limit)

    m.bank = pyo.Var(bank_idx, bounds=bank_bounds, doc="bank at the end of the period, Mt")
    m.withheld = pyo.Var(idx(lambda mk: mk.price_floor is not None),
                         bounds=lambda _m, n, t: (0.0, capped[n].auction_share[t] * capped[n].cap[t]),
                         doc="allowances withdrawn at the price floor, Mt/yr")
    m.ceiling = pyo.Var(idx(lambda mk: mk.price_ceiling is not None), bounds=(0.0, None),
                        doc="allowances sold at the price ceiling, Mt/yr")
    m.ccr = pyo.Var(idx(lambda mk: mk.ccr_volume is not None),
                    bounds=lambda _m, n, t: (0.0, capped[n].ccr_volume[t]),
                    doc="allowances released from the cost-containment reserve, Mt/yr")
    m.shortfall = pyo.Var(idx(lambda mk: mk.obligation == "conduct"), bounds=(0.0, None),
                          doc="shortfall of a conduct obligation, Mt/yr")
    m.cancel = pyo.Var([(n, t) for n, mk in capped.items() if mk.banking and mk.bank_limit is not None for t in T],
                       bounds=(0.0, None), doc="allowances cancelled because the bank is full, Mt/yr")
    m.flow = pyo.Var([(i, a, b, t) for (i, a, b) in edges for t in T], bounds=(0.0, None),
                     doc="units sent from a to b along link i, per year")
    issued_idx = [(h, c.name, t) for c in scenario.credits.values() for h in c.hosts for t in T
                  if (h, c.name, t) in segs]
    m.issued = pyo.Var(issued_idx, bounds=(0.0, None), doc="credits issued to a host, per year")

    def flows_in(n, t):
        return [(scenario.links[i].exchange_rate, m.flow[i, a, b, t]) for (i, a, b) in edges if b == n]

    def flows_out(n, t, with_ca=True):
        return [m.flow[i, a, b, t] for (i, a, b) in edges
                if a == n and scenario.links[i].corresponding_adjustment == with_ca]

    def balance_rule(_m, n, t):
        mk = capped[n]
        covered = [(j, n, t) for j in mk.members if (j, n, t) in segs]
        lhs = pyo.quicksum(q(*key) for key in covered)
        if (n, t) in m.withheld:
            lhs -= m.withheld[n, t]
        for var in (m.ceiling, m.ccr, m.shortfall):
            if (n, t) in var:
                lhs += var[n, t]
        lhs += pyo.quicksum(r * f for r, f in flows_in(n, t)) - pyo.quicksum(flows_out(n, t))
        if mk.banking:
            i = T.index(t)
            previous = m.bank[n, T[i - 1]] if i > 0 else mk.initial_bank
            lhs += (previous - m.bank[n, t]) / scenario.years(t)
        required = sum(segs[key][0] for key in covered) - mk.cap[t] + msr.get((n, t), 0.0) / scenario.years(t)
        if mk.banking:
            # a banking market keeps its surplus: it is banked (also at the end of the last period:
            # allowances do not expire), or cancelled only when the bank is full
            if (n, t) in m.cancel:
                lhs -= m.cancel[n, t]
            return lhs == required
        if isinstance(lhs, (int, float)):
            # nothing covered, traded or banked in this period (e.g. before the market starts)
            return pyo.Constraint.Skip if lhs >= required else pyo.Constraint.Infeasible
        return lhs >= required  # unused allowances expire

    m.balance = pyo.Constraint(list(capped), list(T), rule=balance_rule,
                               doc="allowances: covered emissions + banking <= cap + imports - exports")

    no_ca = [(n, t) for n in capped for t in T if flows_out(n, t, with_ca=False)]
    m.no_adjustment = pyo.Constraint(
        no_ca, rule=lambda _m, n, t: pyo.quicksum(flows_out(n, t, with_ca=False))
        <= pyo.quicksum(q(j, n, t) for j in capped[n].members if (j, n, t) in segs),
        doc="sales without corresponding adjustment: at most the seller's abatement below BAU")

    m.credit = pyo.Constraint(issued_idx, rule=lambda _m, h, c, t: scenario.credits[c].additionality[t]
                              * m.issued[h, c, t] <= q(h, c, t) - baseline_gap[(h, c, t)],
                              doc="credits: additionality x issued <= abatement below the baseline")
    m.supply = pyo.Constraint(list(scenario.credits), list(T), rule=lambda _m, c, t: (
        pyo.quicksum(m.issued[h, c, t] for h in scenario.credits[c].hosts if (h, c, t) in m.issued)
        == pyo.quicksum(flows_out(c, t))), doc="credits issued = credits sold")

    limits = {}
    for i, link in enumerate(scenario.links):
        if link.import_limit is None and link.import_limit_mt is None:
            continue
        for _a, b in link.edges():
            for t in T:
                bound = float("inf")
                if link.import_limit is not None and b in capped:
                    bound = link.import_limit[t] * capped[b].cap[t]
                if link.import_limit_mt is not None:
                    bound = min(bound, link.import_limit_mt[t])
                limits[(i, b, t)] = bound
    m.limit = pyo.Constraint(list(limits), rule=lambda _m, i, b, t: pyo.quicksum(
        m.flow[i, a, bb, t] for (ii, a, bb) in edges if ii == i and bb == b) <= limits[(i, b, t)],
        doc="import limit of a link, units per year")

    # Objective: discounted costs; convex curves separately (Newton terms).
    other = []
    for key, (_size, cost) in blocks.items():
        other.append(d[key[2]] * cost * m.block[key])
    for (j, o, t) in quadratic:
        other.append(d[t] * 0.5 * segs[(j, o, t)][1].slope * m.abate[j, o, t] ** 2)
    for n, mk in scenario.markets.items():
        if mk.tax is not None:
            for j in mk.members:
                for t in T:
                    if (j, n, t) in segs:
                        other.append(-d[t] * mk.tax[t] * q(j, n, t))
    for (n, t) in m.withheld:
        other.append(-d[t] * capped[n].price_floor[t] * m.withheld[n, t])
    for (n, t) in m.ceiling:
        other.append(d[t] * capped[n].price_ceiling[t] * m.ceiling[n, t])
    for (n, t) in m.ccr:
        other.append(d[t] * capped[n].ccr_trigger[t] * m.ccr[n, t])
    for (n, t) in m.shortfall:
        other.append(d[t] * capped[n].penalty[t] * m.shortfall[n, t])
    for (n, t) in m.cancel:
        other.append(d[t] * CANCEL_COST * m.cancel[n, t])
    for (i, a, b, t) in m.flow:
        cost = scenario.links[i].transaction_cost
        if cost is not None and cost[t] > 0:
            other.append(d[t] * cost[t] * m.flow[i, a, b, t])
    m.other_cost = pyo.Expression(expr=pyo.quicksum(other))

    def newton_term(key):
        q0, mc, h = expansion[key]
        dq = m.abate[key] - q0
        return d[key[2]] * (mc * dq + 0.5 * h * dq * dq)

    m.cost = pyo.Objective(expr=m.other_cost + pyo.quicksum(newton_term(k) for k in expanded),
                           sense=pyo.minimize, doc="discounted cost (less constants), MUSD")
    m.segments = segs
    m.weights = d
    return m


DUAL_ZERO = 1e-9  # |dual| below this (MUSD/Mt = USD/t, discounted) is solver noise and reported as 0


def _dual(duals, con) -> float:
    """The dual of ``con``, with solver noise below :data:`DUAL_ZERO` snapped to exactly 0."""
    value = duals.get(con, 0.0)
    return 0.0 if abs(value) < DUAL_ZERO else value


def _solve_once(m, scenario: Scenario, segs: dict, time_limit: float = TIME_LIMIT) -> tuple:
    """Solve the model; return (values of all variables, abatement per segment, duals by name)."""
    solver = Highs()
    if not solver.available():
        raise SolveError("HiGHS is not available: install the 'highspy' package")
    n_vars = sum(len(comp) for comp in m.component_objects(pyo.Var, descend_into=False))
    options = dict(HIGHS_OPTIONS, time_limit=float(time_limit), qp_iteration_limit=max(10_000, 20 * n_vars))
    res = solver.solve(m, solver_options=options, raise_exception_on_nonoptimal_result=False, load_solutions=False)
    if res.termination_condition == TerminationCondition.iterationLimit:
        # HiGHS's active-set QP solver can cycle on degenerate problems (e.g. a bank that may sit
        # in either of two linked markets); its default regularisation breaks the cycle. The price
        # accuracy check of the sequential QP still applies to the answer.
        options.update(qp_regularization_value=QP_REGULARIZATION, qp_iteration_limit=2**31 - 1)
        res = solver.solve(m, solver_options=options, raise_exception_on_nonoptimal_result=False,
                           load_solutions=False)
    if res.termination_condition != TerminationCondition.convergenceCriteriaSatisfied:
        if "infeasible" in str(res.termination_condition).lower():
            raise InfeasibleError(_diagnose(scenario), source=scenario.source)
        if res.termination_condition == TerminationCondition.maxTimeLimit:
            raise SolveError(f"HiGHS stopped at its time limit of {time_limit:g} s: pass a larger "
                             "time_limit to model.solve, or make the scenario smaller")
        raise SolveError(f"HiGHS stopped with status {res.termination_condition}")
    res.solution_loader.load_vars()
    duals = res.solution_loader.get_duals()
    values = {(comp.name, index): value for comp in m.component_objects(pyo.Var, descend_into=False)
              for index, value in comp.extract_values().items()}
    abatement = {key: sum(v.value for v in m.abatement_terms[key]) for key in segs}
    named = {}
    for comp in (m.balance, m.supply, m.credit, m.limit, m.no_adjustment):
        for key, con in comp.items():
            named[(comp.name, key)] = _dual(duals, con)
    for key, con in m.balance.items():
        slack = pyo.value(con.body) - pyo.value(con.lower)
        named[("unused", key)] = max(slack, 0.0) + (pyo.value(m.cancel[key]) if key in m.cancel else 0.0)
    return values, abatement, named


def _diagnose(scenario: Scenario) -> str:
    """Name the market that makes a scenario infeasible, checking each capped market alone."""
    from .scenario import load_scenario

    for name, mk in scenario.markets.items():
        if not mk.capped or name not in scenario.raw.get("markets", {}):
            continue
        raw = dict(scenario.raw, markets={name: scenario.raw["markets"][name]}, links=[])
        raw.pop("credits", None)
        try:
            check_feasible(load_scenario(raw, source_name=scenario.source))
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
    return max(slope, CURVATURE_FLOOR * mac.marginal(top, bau) / top)


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
    return excess / max(p, true_mc, PRICE_FLOOR) if excess > 0 else 0.0


def _line_search(m, segs: dict, convex: list, x0: dict, x1: dict, q0: dict, q1: dict) -> float:
    """The step length in [0, 1] minimising the true objective along x0 -> x1.

    ``x`` are the values of every variable other than the convex segments' abatement, ``q`` the
    convex segments' abatement. Every point on the segment is feasible (the constraints are
    linear); the objective is convex in the step, so a golden-section search finds the minimum.
    The non-convex part of the objective is quadratic in the step: it is evaluated at three
    points and interpolated.
    """
    shared = [k for k in x1 if k in x0 and not (k[0] == "abate" and k[1] in convex)]
    comps = {k: getattr(m, k[0])[k[1]] for k in shared}

    def other_at(alpha):
        for k, var in comps.items():
            var.set_value(x0[k] + alpha * (x1[k] - x0[k]), skip_validation=True)
        return pyo.value(m.other_cost)

    f0, fh, f1 = other_at(0.0), other_at(0.5), other_at(1.0)
    a2 = 2 * (f1 - 2 * fh + f0)
    a1 = f1 - f0 - a2

    def cost(alpha):
        convex_part = sum(m.weights[key[2]] * segs[key][1].cost(q0[key] + alpha * (q1[key] - q0[key]), segs[key][0])
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


def _inactive(scenario: Scenario, m, segs: dict, n: str, t) -> bool:
    """True when capped market ``n`` does nothing in period ``t``: a zero cap, no covered BAU, no
    links and no bank (e.g. a market before its start year). Its price is then undefined."""
    mk = scenario.markets[n]
    if mk.cap[t] != 0.0 or any(segs[(j, n, t)][0] > 0.0 for j in mk.members if (j, n, t) in segs):
        return False
    if any(n in link.markets for link in scenario.links):
        return False
    if mk.banking:
        i = scenario.periods.index(t)
        before = pyo.value(m.bank[n, scenario.periods[i - 1]]) if i else mk.initial_bank
        if abs(before) > 1e-9 or abs(pyo.value(m.bank[n, t])) > 1e-9:
            return False
    return True


def _prices(scenario: Scenario, m, segs: dict, named: dict) -> tuple[dict, dict, dict]:
    """Undiscounted prices of markets and programmes, quota rents, and each segment's price."""
    w = m.weights
    price, rent, seg_price = {}, {}, {}
    for n, mk in scenario.markets.items():
        for t in scenario.periods:
            if mk.capped:
                price[(n, t)] = max(0.0, named.get(("balance", (n, t)), 0.0)) / w[t]
                if (n, t) in m.cancel and pyo.value(m.cancel[n, t]) > 1e-9:
                    price[(n, t)] = 0.0  # allowances are being thrown away: they are worth nothing
                if _inactive(scenario, m, segs, n, t):
                    price[(n, t)] = float("nan")  # no market in this period: no price
            else:
                price[(n, t)] = mk.tax[t]  # a pure tax market: the tax is its carbon price
    for c in scenario.credits:
        for t in scenario.periods:
            price[(c, t)] = max(0.0, named.get(("supply", (c, t)), 0.0)) / w[t]
    for (comp, key), value in named.items():
        if comp == "limit":
            rent[key] = max(0.0, -value) / w[key[2]]  # 0.0 first: never -0.0
    for (j, o, t) in segs:
        if o in scenario.markets:
            mk = scenario.markets[o]
            seg_price[(j, o, t)] = price[(o, t)] + (mk.tax[t] if mk.tax is not None and mk.capped else 0.0)
            # abatement that may be sold without corresponding adjustment earns the buyer's price too
            seg_price[(j, o, t)] += max(0.0, -named.get(("no_adjustment", (o, t)), 0.0)) / w[t]
        else:
            seg_price[(j, o, t)] = max(0.0, -named.get(("credit", (j, o, t)), 0.0)) / w[t]
    return price, rent, seg_price


def _solve_fixed_msr(scenario: Scenario, segs: dict, msr: dict, tolerance: float, max_iterations: int,
                     time_limit: float = TIME_LIMIT) -> tuple:
    """Solve with given MSR intakes; sequential QP for convex curves. Returns (model, values,
    abatement, named duals, iterations, price gap)."""
    m = build_model(scenario, msr=msr, segs=segs)
    values, abatement, named = _solve_once(m, scenario, segs, time_limit)
    convex = [k for k, v in segs.items() if v[1].representation == "convex"]
    baseline_gap = _gap_of_baseline(scenario, segs)
    iteration, gap, previous = 1, 0.0, float("inf")
    current_x = {k: v for k, v in values.items() if k[0] != "block" or k[1][:3] not in convex}
    current_q = {k: abatement[k] for k in convex}
    while convex:
        expansion = {}
        for key in convex:
            bau, mac, _s = segs[key]
            qk = current_q[key]
            expansion[key] = (qk, mac.marginal(qk, bau), _curvature(mac, qk, bau))
        m = build_model(scenario, expansion, msr=msr, segs=segs)
        values, abatement, named = _solve_once(m, scenario, segs, time_limit)
        iteration += 1
        _p, _r, seg_price = _prices(scenario, m, segs, named)
        gap = max(_gap(segs[k][1], abatement[k], segs[k][0], seg_price[k], baseline_gap.get(k, 0.0)) for k in convex)
        if gap <= tolerance or (gap <= REQUIRED_ACCURACY and gap > 0.5 * previous):
            break  # converged, or stalled at the solver's precision within the required accuracy
        previous = gap
        if iteration > max_iterations:
            if gap > REQUIRED_ACCURACY:
                raise SolveError(f"the Newton refinement of polynomial and power curves did not converge in "
                                 f"{max_iterations} steps (largest relative gap between marginal cost and "
                                 f"price {gap:.2e})")
            break
        target_x = {k: v for k, v in values.items() if not (k[0] == "abate" and k[1] in convex)}
        target_q = {k: abatement[k] for k in convex}
        alpha = _line_search(m, segs, convex, current_x, target_x, current_q, target_q)
        current_x = {k: current_x[k] + alpha * (target_x[k] - current_x[k]) for k in target_x if k in current_x}
        current_q = {k: current_q[k] + alpha * (target_q[k] - current_q[k]) for k in convex}
    return m, values, abatement, named, iteration, gap


def msr_intake(market, bank: dict, periods: tuple) -> tuple[dict, dict]:
    """The market stability reserve's rule applied to a bank path.

    Parameters
    ----------
    market : Market
        With ``market.msr`` set (see the scenario reference).
    bank : dict
        period -> bank (total number of allowances in circulation) at the end of the period, Mt.
    periods : tuple

    Returns
    -------
    (intake, reserve) : dict, dict
        period -> net intake into the reserve in that period (Mt; negative: a release) and
        period -> reserve held at its end (Mt), for the periods from ``msr.start``. The intake
        of a period depends on the bank at the end of the previous one (``initial_bank`` for the
        first): above ``upper`` it is ``intake_rate`` times the bank (rule 2023: at most the
        excess over ``upper``); below ``lower`` the reserve releases up to ``release``.
    """
    rules = market.msr
    reserve = rules["initial_reserve"]
    intake, held = {}, {}
    for i, t in enumerate(periods):
        tnac = bank[periods[i - 1]] if i > 0 else market.initial_bank
        if t < rules["start"]:
            intake[t], held[t] = 0.0, reserve
            continue
        if tnac > rules["upper"]:
            amount = rules["intake_rate"] * tnac
            if rules["rule"] == 2023:
                amount = min(amount, tnac - rules["upper"])
        elif tnac < rules["lower"]:
            amount = -min(rules["release"], reserve)
        else:
            amount = 0.0
        reserve += amount
        if rules["invalidate_above"] is not None:
            reserve = min(reserve, rules["invalidate_above"])
        intake[t], held[t] = amount, reserve
    return intake, held


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
    segs = segments(scenario)
    check_feasible(scenario, segs)
    with_msr = [n for n, mk in scenario.markets.items() if mk.msr is not None]
    msr: dict = {}
    reserve: dict = {}
    rounds = 0
    # allowances in circulation: the banks of every banking market linked to an MSR market
    # (units are fungible across links, so where a bank is held is arbitrary)
    group_of = {n: g for g in scenario.link_groups() for n in g}
    circulation = {n: [k for k in group_of[n] if k in scenario.markets and scenario.markets[k].banking]
                   for n in with_msr}
    while True:
        m, values, abatement, named, iterations, gap = _solve_fixed_msr(scenario, segs, msr, tolerance, max_iterations, time_limit)
        if not with_msr:
            break
        rounds += 1
        new, change = {}, 0.0
        for n in with_msr:
            bank = {t: sum(values[("bank", (k, t))] for k in circulation[n]) for t in scenario.periods}
            intake, held = msr_intake(scenario.markets[n], bank, scenario.periods)
            for t in scenario.periods:
                new[(n, t)] = intake[t]
                reserve[(n, t)] = held[t]
                change = max(change, abs(intake[t] - msr.get((n, t), 0.0)))
        if change <= MSR_TOLERANCE:
            break
        if rounds >= MSR_ITERATIONS:
            raise SolveError(f"the market stability reserve did not settle in {MSR_ITERATIONS} rounds (intakes still "
                             f"change by {change:.3g} Mt): the rule has no fixed point for this scenario")
        # damped update after a few rounds, to settle oscillations around a threshold
        step = 1.0 if rounds < 20 else 0.5
        msr = {k: msr.get(k, 0.0) + step * (v - msr.get(k, 0.0)) for k, v in new.items()}

    price, rent, seg_price = _prices(scenario, m, segs, named)

    def pick(name):
        return {key: val for (comp, key), val in values.items() if comp == name}

    flows = {key: val for key, val in pick("flow").items()}
    return Solution(
        abatement=abatement, segments=segs, price=price, groups=scenario.link_groups(), iterations=iterations,
        price_accuracy=gap, seconds=time.perf_counter() - start, bank=pick("bank"), withheld=pick("withheld"),
        extra={k: pick("ceiling").get(k, 0.0) + pick("ccr").get(k, 0.0) for k in set(pick("ceiling")) | set(pick("ccr"))},
        shortfall=pick("shortfall"), msr_intake=msr, msr_reserve=reserve, flows=flows, quota_rent=rent,
        issued=pick("issued"), segment_price=seg_price, msr_iterations=rounds,
        unused={key: v for (comp, key), v in named.items() if comp == "unused"},
    )
