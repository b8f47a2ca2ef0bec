r"""Marginal abatement cost (MAC) curves.

A jurisdiction abates :math:`q` MtCO2e below its business-as-usual (BAU) emissions
:math:`E^{BAU}`, with :math:`0 \le q \le \bar q`, at marginal cost :math:`MAC(q)` in USD per
tonne. Because a million tonnes times USD per tonne is a million USD, the total abatement cost

.. math:: C(q) = \int_0^q MAC(x)\,dx

is in million USD (MUSD). Every curve here is non-decreasing, so :math:`C` is convex and the
least-cost problem has a unique price.

Four forms are offered; the scenario key ``mac.type`` picks one.

==============  =============================================  ================================
``type``        MAC in USD/t at abatement q (Mt)               keys
==============  =============================================  ================================
``linear``      :math:`s\,q`                                   ``slope`` (USD/t per Mt)
``polynomial``  :math:`\sum_{k=1}^n c_k q^k`                   ``coefficients`` :math:`[c_1..c_n]`
``steps``       merit order of blocks                          ``steps``: ``{quantity, cost}``
``power``       :math:`\kappa\gamma (q/E^{BAU})^\beta`         ``kappa``, ``gamma``, ``beta``
==============  =============================================  ================================
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass

from .keys import REQUIRED, Key, default

__all__ = ["MAC", "Linear", "Polynomial", "Steps", "Power", "MAC_TYPES", "FORMS", "KEYS", "read_mac"]


class MAC:
    """Base class: a non-decreasing marginal abatement cost curve.

    Subclasses implement :meth:`marginal`, :meth:`cost` and :meth:`max_abatement`. All take
    the jurisdiction's BAU emissions (Mt) because some forms (``power``) are defined relative
    to it.
    """

    type: str = ""
    #: how the optimiser represents the curve: "quadratic", "steps" or "convex" (cut approximation)
    representation: str = ""

    def marginal(self, q: float, bau: float) -> float:
        """Marginal abatement cost in USD/t at abatement ``q`` (Mt)."""
        raise NotImplementedError

    def cost(self, q: float, bau: float) -> float:
        """Total abatement cost in MUSD of abating ``q`` (Mt): the integral of the MAC."""
        raise NotImplementedError

    def max_abatement(self, bau: float) -> float:
        """Largest abatement available, in Mt (never more than BAU)."""
        return bau

    def share(self, fraction: float) -> MAC:
        r"""The curve of a segment holding ``fraction`` of every abatement option.

        A market that covers a share :math:`s` of a jurisdiction's emissions covers, in this
        model, the same share of each of its abatement options, so the covered segment's curve
        is :math:`MAC_s(q) = MAC(q / s)` with cost :math:`C_s(q) = s\,C(q/s)`, evaluated at the
        segment's BAU :math:`s E^{BAU}`. The returned curve ``c`` satisfies
        ``c.marginal(q, s * bau) == self.marginal(q / s, bau)``.
        """
        raise NotImplementedError

    def abatement_at(self, price: float, bau: float) -> float:
        """Abatement (Mt) a cost-minimising jurisdiction chooses at a permit price (USD/t).

        The inverse of the MAC, found by bisection on :meth:`marginal` (exact closed forms in
        subclasses where they exist). It is the independent calculation the tests compare the
        optimiser with.
        """
        hi = self.max_abatement(bau)
        if price <= 0 or hi <= 0:
            return 0.0
        if self.marginal(hi, bau) <= price:
            return hi
        lo = 0.0
        for _ in range(200):
            mid = 0.5 * (lo + hi)
            if self.marginal(mid, bau) < price:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)


@dataclass(frozen=True)
class Linear(MAC):
    r"""Linear MAC: :math:`MAC(q) = s\,q`, :math:`C(q) = \tfrac{s}{2} q^2`.

    The least-cost problem with linear curves is a quadratic programme, solved exactly.

    Parameters
    ----------
    slope : float
        The slope s, in USD/t per Mt abated (> 0).
    """

    slope: float
    type = "linear"
    representation = "quadratic"

    def marginal(self, q, bau):
        return self.slope * q

    def cost(self, q, bau):
        return 0.5 * self.slope * q * q

    def abatement_at(self, price, bau):
        return min(max(price, 0.0) / self.slope, bau)

    def share(self, fraction):
        return self if fraction == 1 else Linear(self.slope / fraction)


@dataclass(frozen=True)
class Polynomial(MAC):
    r"""Polynomial MAC: :math:`MAC(q) = \sum_{k=1}^{n} c_k q^k`, and cost
    :math:`C(q) = \sum_{k=1}^{n} \frac{c_k}{k+1} q^{k+1}`.

    Convex but not quadratic (for :math:`n \ge 2`): solved by the sequential QP
    described in :mod:`model.optimise`.

    Parameters
    ----------
    coefficients : tuple of float
        The coefficients in USD/t per Mt^k; all non-negative and at least one
        positive, so the curve rises from zero. There is no constant term: the first tonne
        costs nothing at the margin.
    """

    coefficients: tuple
    type = "polynomial"
    representation = "convex"

    def marginal(self, q, bau):
        return sum(c * q ** (k + 1) for k, c in enumerate(self.coefficients))

    def cost(self, q, bau):
        return sum(c * q ** (k + 2) / (k + 2) for k, c in enumerate(self.coefficients))

    def share(self, fraction):
        if fraction == 1:
            return self
        return Polynomial(tuple(c / fraction ** (k + 1) for k, c in enumerate(self.coefficients)))


@dataclass(frozen=True)
class Steps(MAC):
    r"""Step MAC: a merit order of abatement blocks.

    Block :math:`i` offers :math:`Q_i` Mt at :math:`p_i` USD/t, cheapest first. Abatement is
    :math:`q = \sum_i x_i` with :math:`0 \le x_i \le Q_i` and cost :math:`C = \sum_i p_i x_i`;
    the curve ends at :math:`\min(\sum_i Q_i, E^{BAU})`. The least-cost problem is a linear
    programme, solved exactly. Where the cap falls exactly on the edge of a block the price is
    any value between the two block costs; the solver returns one of them.

    Parameters
    ----------
    steps : tuple of (quantity, cost)
        Quantities in Mt (> 0) and costs in USD/t (>= 0, non-decreasing).
    """

    steps: tuple
    type = "steps"
    representation = "steps"

    def marginal(self, q, bau):
        done = 0.0
        for quantity, cost in self.steps:
            done += quantity
            if q < done - 1e-12 * max(1.0, done):
                return cost
        return self.steps[-1][1] if self.steps else 0.0

    def cost(self, q, bau):
        total, left = 0.0, q
        for quantity, cost in self.steps:
            take = min(quantity, left)
            total += take * cost
            left -= take
            if left <= 0:
                break
        return total

    def max_abatement(self, bau):
        return min(sum(quantity for quantity, _ in self.steps), bau)

    def abatement_at(self, price, bau):
        """All blocks cheaper than the price (blocks at exactly the price count as taken)."""
        taken = sum(quantity for quantity, cost in self.steps if cost <= price)
        return min(taken, bau)

    def share(self, fraction):
        return self if fraction == 1 else Steps(tuple((q * fraction, c) for q, c in self.steps))


@dataclass(frozen=True)
class Power(MAC):
    r"""Power-law MAC, the form of the MIMOSA model, with marginal cost
    :math:`MAC(q) = \kappa\,\gamma\,(q/E^{BAU})^{\beta}` and cost
    :math:`C(q) = \frac{\kappa\gamma E^{BAU}}{\beta+1} (q/E^{BAU})^{\beta+1}`.

    Convex but not quadratic: solved by the sequential QP in :mod:`model.optimise`.

    Parameters
    ----------
    kappa : float
        :math:`\kappa`, regional multiplier (dimensionless, > 0).
    gamma : float
        :math:`\gamma`, the MAC at 100 % abatement for :math:`\kappa = 1`, in USD/t (> 0).
        MIMOSA uses 2887 USD2010/t.
    beta : float
        :math:`\beta`, the curvature (> 0); MIMOSA uses 3.
    """

    kappa: float
    gamma: float
    beta: float
    type = "power"
    representation = "convex"

    def marginal(self, q, bau):
        if bau <= 0:
            return 0.0
        return self.kappa * self.gamma * (max(q, 0.0) / bau) ** self.beta

    def cost(self, q, bau):
        if bau <= 0:
            return 0.0
        return self.kappa * self.gamma * bau / (self.beta + 1) * (max(q, 0.0) / bau) ** (self.beta + 1)

    def abatement_at(self, price, bau):
        if price <= 0 or bau <= 0:
            return 0.0
        return min(bau * (price / (self.kappa * self.gamma)) ** (1.0 / self.beta), bau)

    def share(self, fraction):
        return self  # defined relative to BAU: the segment's own BAU does the scaling


MAC_TYPES = {cls.type: cls for cls in (Linear, Polynomial, Steps, Power)}


def is_finite_number(x) -> bool:
    """True for int/float values that are finite (``bool`` is not a number here)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


#: The keys of each form (besides ``type``).
FORMS = {"linear": ("slope",), "polynomial": ("coefficients",), "steps": ("steps",), "power": ("kappa", "gamma", "beta")}

KEYS = [
    Key('jurisdictions.NAME.mac.type', 'string', '', 'required',
        'One of `linear`, `polynomial`, `steps`, `power`.', REQUIRED),
    Key('jurisdictions.NAME.mac.slope', 'number', 'USD/t per Mt', 'required for `linear`',
        'MAC(q) = slope * q. Must be > 0.'),
    Key('jurisdictions.NAME.mac.coefficients', 'list of numbers', 'USD/t per Mt^k', 'required for `polynomial`',
        'MAC(q) = c1 q + c2 q^2 + ... + cn q^n. All >= 0, at least one > 0.'),
    Key('jurisdictions.NAME.mac.steps', 'list of {quantity, cost}', 'Mt, USD/t', 'required for `steps`',
        'Merit order: each block offers `quantity` Mt (> 0) at `cost` USD/t (>= 0, non-decreasing). '
        'Abatement beyond the last block is impossible.'),
    Key('jurisdictions.NAME.mac.kappa', 'number', '-', 'required for `power`',
        'MAC(q) = kappa * gamma * (q / BAU)^beta (MIMOSA form). Regional multiplier, > 0.'),
    Key('jurisdictions.NAME.mac.gamma', 'number', 'USD/t', '2887',
        'Cost of abating 100% of BAU when kappa = 1 (MIMOSA: 2887 USD2010/t). > 0.', 2887.0),
    Key('jurisdictions.NAME.mac.beta', 'number', '-', '3',
        'Curvature of the power MAC, > 0.', 3.0),
]


def _plain_steps(steps: list, largest: float) -> tuple | None:
    """The blocks ((quantity, cost), ...) when every one is plainly valid (``{quantity, cost}``,
    finite numbers within bounds, quantity > 0, cost >= 0 and non-decreasing); None otherwise.
    A fast path for large files: the reader's value-by-value checks name the fault when None."""
    out, previous = [], 0.0
    for step in steps:
        if type(step) is not dict or len(step) != 2:
            return None
        q, c = step.get("quantity"), step.get("cost")
        if type(q) not in (int, float) or type(c) not in (int, float):
            return None
        try:
            q, c = float(q), float(c)
        except OverflowError:
            return None
        if not (0.0 < q <= largest and previous <= c <= largest):  # NaN fails every comparison
            return None
        previous = c
        out.append((q, c))
    return tuple(out)


def read_mac(r, raw, path: str) -> MAC:
    """A curve from ``jurisdictions.NAME.mac`` (``r`` is the reader, :class:`model.reader.Reader`)."""
    raw = r.mapping(raw, path, required=("type",))
    kind = raw["type"]
    if not isinstance(kind, str) or kind not in MAC_TYPES:
        hint = difflib.get_close_matches(kind, sorted(MAC_TYPES), n=1) if isinstance(kind, str) else []
        extra = f"; did you mean '{hint[0]}'?" if hint else f"; use one of {', '.join(sorted(MAC_TYPES))}"
        what = f"'{kind}'" if isinstance(kind, str) else f"({r.describe(kind)})"
        r.fail(f"{path}.type", f"unknown MAC type {what}{extra}")
    r.mapping(raw, path, allowed={"type", *FORMS[kind]})
    if kind == "linear":
        r.mapping(raw, path, required=("slope",))
        return Linear(r.number(raw["slope"], f"{path}.slope", 0.0, strict=True))
    if kind == "polynomial":
        r.mapping(raw, path, required=("coefficients",))
        coefs = raw["coefficients"]
        if not isinstance(coefs, list) or not coefs:
            r.fail(f"{path}.coefficients", "must be a non-empty list of numbers [c1, c2, ...]")
        values = tuple(r.number(c, f"{path}.coefficients[{i}]", 0.0) for i, c in enumerate(coefs))
        if not any(v > 0 for v in values):
            r.fail(f"{path}.coefficients", "at least one coefficient must be > 0, or the MAC is flat at zero")
        return Polynomial(values)
    if kind == "steps":
        r.mapping(raw, path, required=("steps",))
        steps = raw["steps"]
        if not isinstance(steps, list) or not steps:
            r.fail(f"{path}.steps", "must be a non-empty list of {quantity, cost} blocks")
        plain = _plain_steps(steps, r.LARGEST)
        if plain is not None:
            return Steps(plain)
        out = []  # a block that is not plainly valid: checked one value at a time, to name the fault
        for i, step in enumerate(steps):
            sp = f"{path}.steps[{i}]"
            r.mapping(step, sp, allowed={"quantity", "cost"}, required=("quantity", "cost"))
            quantity = r.number(step["quantity"], f"{sp}.quantity", 0.0, strict=True)
            cost = r.number(step["cost"], f"{sp}.cost", 0.0)
            if out and cost < out[-1][1]:
                r.fail(f"{sp}.cost", f"must not fall below the previous block's cost {out[-1][1]:g} "
                                     "(a merit order runs from cheap to dear)")
            out.append((quantity, cost))
        return Steps(tuple(out))
    r.mapping(raw, path, required=("kappa",))
    return Power(
        r.number(raw["kappa"], f"{path}.kappa", 0.0, strict=True),
        r.number(raw.get("gamma", default(KEYS, "jurisdictions.NAME.mac.gamma")), f"{path}.gamma", 0.0, strict=True),
        r.number(raw.get("beta", default(KEYS, "jurisdictions.NAME.mac.beta")), f"{path}.beta", 0.0, strict=True),
    )


