r"""Caps and allocation: the allowance balance of each capped market, whose dual is the price.

For every capped market :math:`m` and period :math:`t` (dual :math:`\lambda_{mt}`):

.. math::

    \sum_{j} (E^{BAU}_{jmt} - q_{jmt}) + (\text{uses}) \le \bar E_{mt} + (\text{supplies}),

where the other mechanisms add their supplies and uses (banking, price controls, shortfall,
links, the reserve's intake). A banking market holds the row with equality (a surplus is
banked). Without banking a surplus expires unused. The permit price is the undiscounted dual,
:math:`P_{mt} = \lambda_{mt} / (d_t w_t)` in USD/t; a market that does nothing in a period
(zero cap, nothing covered, no links, no bank) has no price.

A cap is a number, a ``{year: number}`` map, or a rule (:data:`RULES`). ``allocation`` hands
the cap to the members: it changes who pays whom, not who abates.
"""

from __future__ import annotations

from .._lazy import numeric_expr, pyo
from ..keys import REQUIRED, Key
from ..spec import Duals, Values

#: The keys of each cap rule (``markets.NAME.cap.type``).
RULES = {
    "linear_reduction": ("type", "base_year", "base", "factor", "reference", "rebase", "earlier"),
    "relative": ("type", "to", "change", "base"),
    "intensity": ("type", "rate", "output"),
}

#: Rows whose duals this mechanism reports (see its price functions).
DUALS = ("balance",)

KEYS = [
    Key("markets.NAME.cap", "number, {year: number} or {type: ...}", "MtCO2e/yr", "required unless `tax` is given",
        "Allowances issued per year, >= 0. A number or map is absolute. A mapping with `type` gives a "
        "rule: `linear_reduction`, `relative` or `intensity` (keys below).", REQUIRED),
    Key("markets.NAME.cap.type: linear_reduction", "keys " + ", ".join(RULES["linear_reduction"][1:]), "Mt, 1/yr", "",
        "cap(base_year) = base; each later period t: cap(t) = cap(previous) - factor(t) * reference * "
        "(t - previous) - rebase(t), floored at 0. `factor` (share of `reference` per year, scalar or "
        "{year: f}); `reference` defaults to `base`; `rebase` ({year: Mt}, default 0) are one-off cuts; "
        "`earlier` ({year: Mt}) gives the caps of periods before base_year."),
    Key("markets.NAME.cap.type: relative", "keys " + ", ".join(RULES["relative"][1:]), "share, Mt", "",
        "cap(t) = (1 + change(t)) * reference(t), change >= -1. `to: bau`: the reference is the covered "
        "BAU of the period; `to: base_year`: the reference is `base`, the covered emissions of the base year (Mt)."),
    Key("markets.NAME.cap.type: intensity", "keys " + ", ".join(RULES["intensity"][1:]), "t per unit, million units",
        "", "A rate-based cap: cap(t) = rate(t) * output(t), output given per period (exogenous)."),
    Key('markets.NAME.allocation', '`bau` or {member: number or {year: number}}', 'MtCO2e/yr', '`bau`',
        'How the cap is handed to members: `bau` shares it in proportion to covered BAU; a map gives '
        "each member's allowances, which must add up to the cap (a negative number is a debt: the member "
        "buys its emissions and the debt). Changes who pays whom, not who abates.", "bau"),
]


def read_cap(r, raw, path: str, periods: tuple, covered_bau: dict[int, float]) -> dict[int, float]:
    """Cap per period (Mt/yr) from a number, a {year: number} map or a rule with ``type``."""
    if not (isinstance(raw, dict) and "type" in raw):
        return r.per_period(raw, path, periods, 0.0)
    kind = r.choice(raw["type"], f"{path}.type", tuple(RULES))
    r.mapping(raw, path, allowed=set(RULES[kind]))
    if kind == "intensity":
        r.mapping(raw, path, required=("rate", "output"))
        rate = r.per_period(raw["rate"], f"{path}.rate", periods, 0.0)
        output = r.per_period(raw["output"], f"{path}.output", periods, 0.0)
        return {t: rate[t] * output[t] for t in periods}
    if kind == "relative":
        r.mapping(raw, path, required=("to", "change"))
        to = r.choice(raw["to"], f"{path}.to", ("bau", "base_year"))
        change = r.per_period(raw["change"], f"{path}.change", periods, -1.0)
        if to == "bau":
            if "base" in raw:
                r.fail(f"{path}.base", "is only used with `to: base_year` (the reference is the covered BAU)")
            return {t: (1 + change[t]) * covered_bau[t] for t in periods}
        r.mapping(raw, path, required=("base",))
        base = r.number(raw["base"], f"{path}.base", 0.0)
        return {t: (1 + change[t]) * base for t in periods}
    return _linear_reduction(r, raw, path, periods)


def _linear_reduction(r, raw, path: str, periods: tuple) -> dict[int, float]:
    r.mapping(raw, path, required=("base_year", "base", "factor"))
    base_year = r.year(raw["base_year"], f"{path}.base_year")
    base = r.number(raw["base"], f"{path}.base", 0.0)
    reference = r.number(raw.get("reference", base), f"{path}.reference", 0.0)
    later = tuple(t for t in periods if t > base_year)
    earlier_periods = tuple(t for t in periods if t < base_year)
    factor = r.per_period(raw["factor"], f"{path}.factor", later, share=True) if later else {}
    rebase = {t: 0.0 for t in later}
    if raw.get("rebase") is not None:
        reb = r.mapping(raw["rebase"], f"{path}.rebase")
        for key, value in reb.items():
            key = r.period_key(key, f"{path}.rebase", periods)
            if key not in later:
                r.fail(f"{path}.rebase.{key}", f"must be a period after base_year {base_year} (periods: {list(later)})")
            rebase[key] = r.number(value, f"{path}.rebase.{key}", 0.0)
    out = {}
    if earlier_periods:
        if raw.get("earlier") is None:
            r.fail(f"{path}.earlier", f"is required: periods {list(earlier_periods)} come before base_year {base_year}")
        out.update(r.per_period(raw["earlier"], f"{path}.earlier", earlier_periods, 0.0))
    elif raw.get("earlier") is not None:
        r.fail(f"{path}.earlier", f"no period comes before base_year {base_year}")
    level, previous = base, base_year
    if base_year in periods:
        out[base_year] = base
    for t in later:
        level = level - factor[t] * reference * (t - previous) - rebase[t]
        previous = t
        out[t] = max(level, 0.0)
    return out


def read_allocation(r, raw, path: str, members: tuple, cap: dict, bau: dict, periods) -> dict[tuple[str, int], float]:
    """Allowances per (member, period), in Mt/yr; ``bau`` is the covered BAU per (member, period)."""
    if raw is None or raw == "bau":
        out = {}
        for p in periods:
            total = sum(bau[(m, p)] for m in members)
            for m in members:
                share = bau[(m, p)] / total if total > 0 else 1.0 / len(members)
                out[(m, p)] = cap[p] * share
        return out
    if not isinstance(raw, dict):
        r.fail(path, f"must be 'bau' or a mapping of member -> allowances (got {r.describe(raw)})")
    r.mapping(raw, path, allowed=set(members))
    out = {}
    for m in members:
        if m not in raw:
            r.fail(path, f"gives no allowances to member '{m}' (give every member a value, 0 is allowed)")
        for p, v in r.per_period(raw[m], f"{path}.{m}", periods, minimum=None).items():
            out[(m, p)] = v
    for p in periods:
        total = sum(out[(m, p)] for m in members)
        if abs(total - cap[p]) > 1e-9 * max(1.0, abs(cap[p])):
            when = "" if len(periods) == 1 else f" in period {p}"
            r.fail(path, f"allowances add up to {total:g} Mt{when} but the cap is {cap[p]:g} Mt")
    return out


def variables(m, ctx) -> None:
    """Nothing to add: the cap is the balance's right-hand side."""


def rows(m, ctx) -> None:
    """The allowance balance of every capped market and period (written last: the other
    mechanisms have added their terms to :attr:`model.build.Build.balance`)."""
    sc = ctx.scenario

    def balance_rule(_m, n, t):
        mk = sc.markets[n]
        covered = [(j, n, t) for j in mk.members if (j, n, t) in ctx.segs]
        abated = [v for key in covered for v in ctx.terms.get(key, ())]
        lhs = (numeric_expr.LinearExpression(abated) if abated else 0.0) + pyo.quicksum(ctx.balance.get((n, t), []))
        required = ctx.Q(sum(ctx.segs[key].bau for key in covered) - mk.cap[t] + ctx.required.get((n, t), 0.0))
        if mk.banking:
            # a banking market keeps its surplus: it is banked (also at the end of the last period:
            # allowances do not expire), or cancelled only when the bank is full
            return lhs == required
        if isinstance(lhs, (int, float)):
            # nothing covered, traded or banked in this period (e.g. before the market starts)
            return pyo.Constraint.Skip if lhs >= required else pyo.Constraint.Infeasible
        return lhs >= required  # unused allowances expire

    m.balance = pyo.Constraint(list(ctx.capped()), list(sc.periods), rule=balance_rule,
                               doc="allowances: covered emissions + uses <= cap + supplies")


def inactive(scenario, ctx, values: Values, n: str, t) -> bool:
    """True when capped market ``n`` does nothing in period ``t``: a zero cap, no covered BAU, no
    links and no bank (e.g. a market before its start year). Its price is then undefined."""
    mk = scenario.markets[n]
    segs = ctx.segs
    if mk.cap[t] != 0.0 or any(segs[(j, n, t)].bau > 0.0 for j in mk.members if (j, n, t) in segs):
        return False
    if any(n in link.markets for link in scenario.links):
        return False
    if mk.banking:
        i = scenario.periods.index(t)
        before = values[("bank", (n, scenario.periods[i - 1]))] if i else mk.initial_bank
        if abs(before) > 1e-9 * ctx.scale or abs(values[("bank", (n, t))]) > 1e-9 * ctx.scale:
            return False
    return True


def prices(scenario, ctx, values: Values, named: Duals) -> dict[tuple[str, int], float]:
    """(market, period) -> permit price, USD/t, undiscounted (a pure tax market: its tax)."""
    price = {}
    for n, mk in scenario.markets.items():
        for t in scenario.periods:
            if not mk.capped:
                price[(n, t)] = mk.tax[t]  # a pure tax market: the tax is its carbon price
                continue
            price[(n, t)] = max(0.0, named.get(("balance", (n, t)), 0.0)) / ctx.weight[t]
            if values.get(("cancel", (n, t)), 0.0) > 1e-9 * ctx.scale:
                price[(n, t)] = 0.0  # allowances are being thrown away: they are worth nothing
            if inactive(scenario, ctx, values, n, t):
                price[(n, t)] = float("nan")  # no market in this period: no price
    return price
