r"""The market stability reserve (EU rules): supply that answers to the bank.

The bank at the end of a period (the total number of allowances in circulation, TNAC) above
``upper`` sends ``intake_rate`` times it into the reserve in the next period (``rule: 2023``:
never more than the excess over ``upper``); below ``lower``, ``release`` Mt come back out. The
count is the bank of every banking market in the reserve's link group (units are fungible
across links); the intake comes out of the reserve market's cap (a use in its balance).
Reserve holdings above ``invalidate_above`` are cancelled. The rule works year by year, so the
periods from its start must be annual.

The rule makes supply depend on the bank, a non-convex rule; :mod:`model.solver` finds its fixed
point: solve with given intakes, recompute the intakes from the bank path (:func:`intake`),
repeat until they change by less than :data:`TOLERANCE` (in units of the quantity scale).
"""

from __future__ import annotations

from ..keys import Key
from ..spec import MsrRules, Values

#: Fixed-point rounds allowed, and their tolerance (in units of the quantity scale, so relative
#: to the scenario's size).
ITERATIONS = 200
TOLERANCE = 1e-6

DUALS: tuple = ()  # rows whose duals this mechanism reports: none

KEYS = [
    Key("markets.NAME.msr", "mapping", "", "none",
        "Market stability reserve (EU rules), needs banking and annual periods from its `start`; its "
        "keys below. The bank at the end of a period (the total number of allowances in circulation) "
        "above `upper` sends `intake_rate` times it into the reserve in the next period (`rule: 2023`: "
        "but never more than the excess over `upper`, as since the 2023 reform); below `lower`, "
        "`release` Mt come back out of the reserve. The count is the bank of every banking market in "
        "this market's link group (units are fungible across links); the intake comes out of this "
        "market's cap."),
    Key("markets.NAME.msr.upper", "number", "Mt", "833", "Bank above which allowances go into the reserve.", 833.0),
    Key("markets.NAME.msr.lower", "number", "Mt", "400", "Bank below which the reserve releases allowances.", 400.0),
    Key("markets.NAME.msr.intake_rate", "number", "share", "0.24", "Share of the bank taken in per year.", 0.24),
    Key("markets.NAME.msr.release", "number", "Mt", "100", "Allowances released per year below `lower`.", 100.0),
    Key("markets.NAME.msr.initial_reserve", "number", "Mt", "0", "Reserve held before the first period.", 0.0),
    Key("markets.NAME.msr.start", "year", "year", "the first period", "First year the reserve works.", None),
    Key("markets.NAME.msr.invalidate_above", "number", "Mt", "none",
        "Reserve holdings above this are cancelled.", None),
    Key("markets.NAME.msr.rule", "2019 or 2023", "", "2023",
        "2023: the intake is at most the excess of the bank over `upper`.", 2023),
]


def read(r, mp: str, raw, periods: tuple) -> MsrRules | None:
    """The reserve's rules from ``markets.NAME.msr`` (None when absent)."""
    from ..keys import allowed, default

    if raw is None:
        return None
    sp = f"{mp}.msr"
    given = r.mapping(raw, sp, allowed=allowed(KEYS, "markets.NAME.msr"))

    def get(key):
        return given.get(key, default(KEYS, f"markets.NAME.msr.{key}"))

    rules = MsrRules(
        upper=r.number(get("upper"), f"{sp}.upper", 0.0), lower=r.number(get("lower"), f"{sp}.lower", 0.0),
        intake_rate=r.number(get("intake_rate"), f"{sp}.intake_rate", share=True),
        release=r.number(get("release"), f"{sp}.release", 0.0),
        initial_reserve=r.number(get("initial_reserve"), f"{sp}.initial_reserve", 0.0),
        start=r.year(given.get("start", periods[0]), f"{sp}.start"),
        invalidate_above=None if get("invalidate_above") is None else r.number(get("invalidate_above"),
                                                                               f"{sp}.invalidate_above", 0.0),
        rule=r.choice(get("rule"), f"{sp}.rule", (2019, 2023)),
    )
    if rules.lower > rules.upper:
        r.fail(f"{sp}.lower", f"is above `upper` ({rules.lower:g} > {rules.upper:g})")
    active = [t for t in periods if t >= rules.start]
    for a, b in zip(active, active[1:], strict=False):
        if b - a != 1:
            r.fail(sp, f"the reserve's rule works year by year, but periods {a} and {b} are {b - a} years "
                       f"apart: from the reserve's start ({rules.start}) give annual periods")
    return rules


def intake(market, bank: dict[int, float], periods: tuple) -> tuple[dict[int, float], dict[int, float]]:
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
    reserve = rules.initial_reserve
    taken, held = {}, {}
    for i, t in enumerate(periods):
        tnac = bank[periods[i - 1]] if i > 0 else market.initial_bank
        if t < rules.start:
            taken[t], held[t] = 0.0, reserve
            continue
        if tnac > rules.upper:
            amount = rules.intake_rate * tnac
            if rules.rule == 2023:
                amount = min(amount, tnac - rules.upper)
        elif tnac < rules.lower:
            amount = -min(rules.release, reserve)
        else:
            amount = 0.0
        reserve += amount
        if rules.invalidate_above is not None:
            reserve = min(reserve, rules.invalidate_above)
        taken[t], held[t] = amount, reserve
    return taken, held


def update(scenario, values: Values) -> tuple[dict, dict]:
    """Intakes and reserves from a solution's bank path: ((market, period) -> Mt, same -> Mt)."""
    group_of = {n: g for g in scenario.link_groups() for n in g}
    intakes, reserves = {}, {}
    for n, mk in scenario.markets.items():
        if mk.msr is None:
            continue
        # allowances in circulation: the banks of every banking market linked to the MSR market
        # (units are fungible across links, so where a bank is held is arbitrary)
        circulation = [k for k in group_of[n] if k in scenario.markets and scenario.markets[k].banking]
        bank = {t: sum(values[("bank", (k, t))] for k in circulation) for t in scenario.periods}
        taken, held = intake(mk, bank, scenario.periods)
        for t in scenario.periods:
            intakes[(n, t)], reserves[(n, t)] = taken[t], held[t]
    return intakes, reserves


def variables(m, ctx) -> None:
    """The intakes are fixed for a build: a use of allowances in the reserve market's balance."""
    for (n, t), amount in ctx.inputs.msr.items():
        ctx.required[(n, t)] = ctx.required.get((n, t), 0.0) + amount / ctx.scenario.years(t)


def rows(m, ctx) -> None:
    """Nothing to add."""
