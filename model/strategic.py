r"""Caps that answer to each other: the non-cooperative cap-setting game (Nash best responses).

Each capped market's cap is chosen by the government of its members to maximise their welfare,
given the other markets' caps:

.. math::

    W_m(\bar E_m; \bar E_{-m}) = -\sum_{j \in m} C_j - \sum_{j \in m} D_j(G),
    \qquad D_j(G) = d_j G + \tfrac12 \delta_j G^2,

where :math:`C_j` is member :math:`j`'s total cost as the least-cost solve reports it
(abatement cost plus net payments for permits, taxes and credits: ``Results.jurisdictions``,
``total_cost_musd``), :math:`G` global emissions (``Results.ledger``) and :math:`d_j`,
:math:`\delta_j` the damage of the scenario key ``jurisdictions.NAME.damage`` (marginal damage
:math:`d_j + \delta_j G`, USD/t; money in MUSD since Mt x USD/t = MUSD). Every evaluation of
:math:`W_m` is a solve of the whole scenario, so a cap's effect on the permit price (through a
link) is part of the welfare a government sees.

A best response is found on the first-order condition :math:`\partial W_m / \partial \bar E_m
= 0`: the derivative is a central difference of :math:`W_m` (exact for quadratic welfare) and
its root is bracketed and found by the Illinois variant of false position, which falls back to
halving the bracket. Best responses are iterated market by market (Gauss-Seidel) until no cap
moves by more than ``tol`` Mt; :class:`~model.errors.SolveError` if they do not converge.

Single-period scenarios only; a market's cap must be a number. Units: caps in MtCO2e/yr,
welfare in MUSD/yr.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .edit import with_paths
from .errors import ScenarioError, SolveError
from .reader import load_scenario
from .results import solve
from .spec import Scenario

__all__ = ["welfare", "best_response", "nash_caps", "NashResult"]


def _scenario(scenario) -> Scenario:
    sc = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    if len(sc.periods) != 1:
        raise ScenarioError("the cap-setting game needs a single-period scenario", field="periods",
                            source=sc.source)
    return sc


def _with_caps(sc: Scenario, caps: dict) -> Scenario:
    return with_paths(sc, {f"markets.{m}.cap": float(c) for m, c in caps.items()}) if caps else sc


def welfare(scenario, market: str, results=None) -> float:
    """Welfare (MUSD/yr) of the members of ``market``: minus their total cost, minus their damage
    from global emissions net of removals. ``results``: the solved scenario, if already at hand."""
    sc = _scenario(scenario)
    res = solve(sc) if results is None else results
    members = sc.markets[market].members
    jur = res.jurisdictions
    cost = jur.loc[jur["jurisdiction"].isin(members), "total_cost_musd"].sum()
    g = float(res.ledger["global_net_emissions_mt"].iloc[0])  # damage follows emissions net of removals
    damage = sum(sc.jurisdictions[j].damage * g + 0.5 * sc.jurisdictions[j].damage_slope * g * g
                 for j in members)
    return -float(cost) - damage


def _derivative(sc: Scenario, market: str, cap: float, h: float) -> float:
    up = welfare(_with_caps(sc, {market: cap + h}), market)
    down = welfare(_with_caps(sc, {market: max(cap - h, 0.0)}), market)
    return (up - down) / (cap + h - max(cap - h, 0.0))


def best_response(scenario, market: str, bounds: tuple | None = None, h: float = 1.0,
                  xtol: float = 1e-7, eps: float = 1e-6, max_steps: int = 200) -> float:
    """The cap of ``market`` (Mt/yr) that maximises its members' welfare given the other caps.

    ``bounds``: the bracket searched (default: 0 to twice the members' BAU, widened while the
    welfare still rises at the top). ``h``: the step of the central difference (Mt). The root of
    the first-order condition is found to ``xtol`` Mt; a slope of welfare within ``eps`` MUSD per
    Mt of zero counts as flat.
    """
    sc = _scenario(scenario)
    if market not in sc.markets or sc.markets[market].cap is None:
        raise ScenarioError(f"no capped market {market!r}", field="markets", source=sc.source)
    t = sc.periods[0]
    bau = sum(sc.jurisdictions[j].bau[t] for j in sc.markets[market].members)
    lo, hi = bounds if bounds is not None else (0.0, 2.0 * bau)
    g_lo, g_hi = _derivative(sc, market, lo, h), _derivative(sc, market, hi, h)
    widen = 0
    while g_hi > eps and bounds is None and widen < 10:
        lo, g_lo = hi, g_hi
        hi, widen = 2.0 * hi, widen + 1
        g_hi = _derivative(sc, market, hi, h)
    if g_lo <= eps:
        return lo  # welfare does not rise from the bottom of the bracket: the corner
    if g_hi > eps:
        if bounds is not None:
            return hi
        raise SolveError(f"best response of {market}: welfare still rises at a cap of {hi:g} Mt")
    # Invariant: welfare rises at lo (g > eps) and does not at hi (g <= eps, where a flat stretch,
    # e.g. a slack cap, counts as not rising).
    side = 0
    for _ in range(max_steps):
        if hi - lo < xtol:
            return 0.5 * (lo + hi)
        if g_hi < -eps:
            c = hi - g_hi * (hi - lo) / (g_hi - g_lo)  # false position
            if not lo + 0.25 * xtol < c < hi - 0.25 * xtol:
                c = 0.5 * (lo + hi)
        else:
            c = 0.5 * (lo + hi)  # a flat end: halve
        g_c = _derivative(sc, market, c, h)
        if abs(g_c) <= eps:
            if g_hi < -eps:
                return c  # a root of the first-order condition
            hi, g_hi, side = c, g_c, 0
            continue
        if g_c > 0:
            lo, g_lo = c, g_c
            if side == -1:
                g_hi *= 0.5  # Illinois: halve the stale end
            side = -1
        else:
            hi, g_hi = c, g_c
            if side == 1:
                g_lo *= 0.5
            side = 1
        if min(c - lo, hi - c) < xtol and (abs(g_c) < 1e3 * eps):
            return c
    raise SolveError(f"best response of {market}: no convergence in {max_steps} steps")


@dataclass
class NashResult:
    """The fixed point of the best responses."""

    caps: dict  # market -> cap (Mt/yr)
    scenario: Scenario  # the scenario with these caps
    iterations: int
    history: list = field(default_factory=list)  # caps after each round

    def results(self):
        """The solved scenario at the Nash caps."""
        return solve(self.scenario)

    def table(self) -> pd.DataFrame:
        """One row per round: each market's cap (Mt/yr)."""
        return pd.DataFrame(self.history).rename_axis("round")


def nash_caps(scenario, markets=None, tol: float = 1e-6, max_rounds: int = 50, **options) -> NashResult:
    """Iterate best responses (market by market, each seeing the others' latest caps) until no
    cap moves by more than ``tol`` Mt/yr; ``markets``: the players (default: every capped market).
    ``options`` go to :func:`best_response`. :class:`~model.errors.SolveError` if the caps have
    not converged after ``max_rounds`` rounds."""
    sc = _scenario(scenario)
    t = sc.periods[0]
    players = list(markets) if markets is not None else [m for m, mk in sc.markets.items() if mk.cap is not None]
    caps = {m: sc.markets[m].cap[t] for m in players}
    history = [dict(caps)]
    for rounds in range(1, max_rounds + 1):
        moved = 0.0
        for m in players:
            new = best_response(_with_caps(sc, caps), m, **options)
            moved = max(moved, abs(new - caps[m]))
            caps[m] = new
        history.append(dict(caps))
        if moved <= tol:
            return NashResult(caps, _with_caps(sc, caps), rounds, history)
    raise SolveError(f"Nash caps: no convergence in {max_rounds} rounds (last move {moved:.3g} Mt)")
