r"""The Pyomo model: a flat run over the mechanisms of :data:`model.mechanisms.CATALOGUE`.

Each mechanism adds its variables (``variables(m, ctx)``), then its rows (``rows(m, ctx)``);
both may add terms to the allowance balance of a market (:attr:`Build.balance`), constants to
what the balance requires (:attr:`Build.required`) and terms to the objective
(:attr:`Build.costs`). The allowance balance of each capped market (the row whose dual is the
permit price) is written last, by :mod:`model.mechanisms.caps`. The objective is the discounted
cost of every term, with the convex curves entered as Newton terms when an expansion is given
(:mod:`model.solver`).

Every quantity is written in units of :func:`quantity_scale` Mt and the objective in as many
MUSD, so that the duals are prices in USD/t whatever the units of a scenario.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ._lazy import gc_manager, pyo
from .spec import Scenario, Segment, Segments

__all__ = ["Build", "Inputs", "build_model", "empty", "quantity_scale", "release"]


@dataclass(frozen=True)
class Inputs:
    """What the outer loops of :mod:`model.solver` fix for one build.

    Attributes
    ----------
    expansion : dict or None
        (jurisdiction, owner, period) -> (q0 Mt, MAC(q0) USD/t, H USD/t per Mt): the Newton point
        of each convex curve. None: convex curves enter as a piecewise-linear merit order.
    msr : dict
        (market, period) -> net intake into the market stability reserve, Mt.
    returnable : dict
        (market, period) -> withheld allowances that may be offered again, Mt/yr.
    shut, no_short : frozenset
        (market, period) pairs whose exports are closed, and whose shortfall is ruled out.
    carbon : dict
        (market, period) -> carbon price (USD/t) of the previous round, for the goods' border
        charges and output-based allocation (:mod:`model.mechanisms.goods`).
    """

    expansion: dict[tuple[str, str, int], tuple[float, float, float]] | None = None
    msr: dict[tuple[str, int], float] = field(default_factory=dict)
    returnable: dict[tuple[str, int], float] = field(default_factory=dict)
    shut: frozenset = frozenset()
    no_short: frozenset = frozenset()
    carbon: dict[tuple[str, int], float] = field(default_factory=dict)


def quantity_scale(segs: Segments[tuple[str, str, int], Segment]) -> float:
    """The unit (in Mt) in which the model is written to HiGHS: a power of ten near 1% of the
    median segment's BAU, so that variables are of order 1-100 whatever units the scenario
    uses. Prices (duals) do not depend on it: quantities and the objective are divided by it."""
    sizes = sorted(seg.bau for seg in segs.values() if seg.bau > 0)
    return 10.0 ** round(math.log10(sizes[len(sizes) // 2]) - 2) if sizes else 1.0


@dataclass
class Build:
    """The context the mechanisms share while the model is written.

    Attributes
    ----------
    scenario, segs, inputs
        The scenario, its segments (:func:`model.mechanisms.coverage.segments`) and the fixed inputs.
    scale : float
        Mt per model unit (:func:`quantity_scale`).
    weight : dict
        period -> discount factor times the years the period stands for.
    balance : dict
        (market, period) -> expressions adding allowances to the market's balance (model units).
    required : dict
        (market, period) -> Mt/yr the market must cover beyond its covered BAU less its cap.
    costs : list
        Objective terms (discounted, in model units of MUSD), other than the convex curves.
    terms : dict
        (jurisdiction, owner, period) -> the variables whose sum is the segment's abatement.
    expanded : list
        The convex segments entered as Newton terms in this build.
    """

    scenario: Scenario
    segs: Segments[tuple[str, str, int], Segment]
    inputs: Inputs
    scale: float = 1.0
    weight: dict[int, float] = field(default_factory=dict)
    balance: dict[tuple[str, int], list] = field(default_factory=dict)
    required: dict[tuple[str, int], float] = field(default_factory=dict)
    costs: list = field(default_factory=list)
    terms: dict[tuple[str, str, int], list] = field(default_factory=dict)
    expanded: list[tuple[str, str, int]] = field(default_factory=list)

    def Q(self, x: float | None) -> float | None:
        """A quantity in Mt, in the model's units."""
        return None if x is None else x / self.scale

    def q(self, j: str, o: str, t: int):
        """Abatement of segment (j, o, t), model units."""
        terms = self.terms.get((j, o, t), [])
        return pyo.quicksum(terms) if terms else 0.0

    def add(self, market: str, t: int, expr) -> None:
        """Add allowances (or, negative, uses of them) to a market's balance in period t."""
        self.balance.setdefault((market, t), []).append(expr)

    def capped(self) -> dict:
        """Capped markets by name."""
        return {n: mk for n, mk in self.scenario.markets.items() if mk.capped}

    def index(self, pred) -> list[tuple[str, int]]:
        """(market, period) for every capped market satisfying ``pred`` and every period."""
        return [(n, t) for n, mk in self.capped().items() if pred(mk) for t in self.scenario.periods]


def build_model(scenario: Scenario, segs: Segments, inputs: Inputs = Inputs(),
                scale: float | None = None) -> tuple[pyo.ConcreteModel, Build]:
    """Assemble the Pyomo model of ``scenario`` with the given inputs.

    Returns the model and its :class:`Build` context. The model's ``other_cost`` expression is the
    objective without the convex curves; ``cost`` is the objective. ``scale`` (Mt per model unit)
    defaults to :func:`quantity_scale`; a sweep (:mod:`model.sweep`) fixes it to its base's.
    """
    from .mechanisms import CATALOGUE, abatement

    ctx = Build(scenario, segs, inputs, scale=quantity_scale(segs) if scale is None else scale,
                weight={t: scenario.discount_factor(t) * scenario.years(t) for t in scenario.periods})
    # the cyclic garbage collector is paused while the model is written: the model's many small
    # objects would otherwise trigger full collections that walk all of them (as Pyomo's writers do)
    with gc_manager.PauseGC():
        m = pyo.ConcreteModel(name=scenario.name)
        for mechanism in CATALOGUE:
            mechanism.variables(m, ctx)
        for mechanism in CATALOGUE:
            mechanism.rows(m, ctx)
        m.other_cost = pyo.Expression(expr=pyo.quicksum(ctx.costs))
        m.cost = pyo.Objective(expr=m.other_cost + abatement.newton_cost(m, ctx), sense=pyo.minimize,
                               doc="discounted cost (less constants), in units of the quantity scale times MUSD")
    return m, ctx


def release(m: pyo.ConcreteModel) -> None:
    """Let a model that is no longer needed be freed by reference counting.

    A Pyomo block, and every scalar component, holds itself in its own data map (``{None:
    self}``), and the rules that built its components may hold the model: reference cycles that
    leave a dropped model, with its hundreds of thousands of variables and terms, to the cyclic
    garbage collector. Clearing them breaks the cycles; the model must not be used afterwards.
    """
    comps = [*m.component_objects(descend_into=True), m]
    # the index sets Pyomo makes for components indexed by lists are not on the block
    comps += [s for comp in comps for s in (getattr(comp, "_anonymous_sets", None) or ())]
    from pyomo.core.base.initializer import InitializerBase

    for comp in comps:
        data = getattr(comp, "_data", None)
        if isinstance(data, dict) and len(data) == 1 and data.get(None) is comp:
            data.clear()
        # rules (closures that may hold the model) are no longer needed once it is built
        for name, value in list(getattr(comp, "__dict__", {}).items()):
            if isinstance(value, InitializerBase):
                setattr(comp, name, None)


def empty(m: pyo.ConcreteModel) -> None:
    """Free a model's components now (:func:`release`, then every component deleted): for a
    caller that still holds the model but will not use it again."""
    release(m)
    for comp in list(m.component_objects(descend_into=False)):
        m.del_component(comp)
