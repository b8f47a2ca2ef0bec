r"""Obligations of conduct: a party may fall short of its cap at a per-tonne penalty.

A shortfall :math:`S_{mt} \ge 0` adds to the market's supply at the penalty :math:`\pi_{mt}`
(a political cost, not a payment). Under ``shortfall: tradable`` the excused tonnes are units
like any other, so the penalty caps the price of the whole link group. Under ``shortfall: own``
a shortfall covers only the party's own emissions: :mod:`model.solver` re-solves with the exports
of a market that sells while falling short shut (:func:`adjust`), and, should it then meet its cap
and want to sell, with its shortfall ruled out instead, until no market does both.
"""

from __future__ import annotations

from .._lazy import pyo
from ..keys import Key
from ..spec import ByMarket, Raw, Values

DUALS: tuple = ()  # rows whose duals this mechanism reports: none

KEYS = [
    Key('markets.NAME.obligation', '`result` or `conduct`', '', '`result`',
        '`result`: the cap is hard. `conduct`: the party may fall short of its cap at the per-tonne '
        '`penalty`; the shortfall is reported. In a link group the penalty acts as a price ceiling '
        'for the whole group: units are fungible, so a market that falls short may still sell abroad, '
        'and a shortfall shared by linked markets with equal penalties may split in any way.', "result"),
    Key('markets.NAME.shortfall', '`tradable` or `own`', '', '`tradable`',
        'How a `conduct` shortfall meets links. `tradable`: the excused tonnes are units like any '
        "other, so linked markets may buy them at the penalty (the penalty caps the group's price). "
        "`own`: a shortfall covers only the party's own emissions: a market never sells units in a "
        'period in which it falls short (solved by re-solving with its exports shut, or its shortfall '
        'ruled out, until neither happens together).', "tradable"),
    Key('markets.NAME.penalty', 'number, {year: number} or growth form', 'USD/t', 'required for `conduct`',
        'Political cost of each tonne of shortfall under `conduct`: the highest price the party pays, '
        'at home or abroad, before it would rather fall short.'),
]


def read(r, mp: str, mraw: Raw, periods: tuple) -> dict:
    """The conduct fields of a Market: obligation, penalty, shortfall."""
    obligation = r.choice(mraw.get("obligation", "result"), f"{mp}.obligation", ("result", "conduct"))
    penalty = r.optional_price_path(mraw, "penalty", mp, periods)
    if obligation == "conduct" and penalty is None:
        r.fail(f"{mp}.penalty", "is required under `obligation: conduct` (the per-tonne cost of falling short)")
    if obligation == "result" and penalty is not None:
        r.fail(f"{mp}.penalty", "applies only under `obligation: conduct` (a `result` cap is hard)")
    shortfall = r.choice(mraw.get("shortfall", "tradable"), f"{mp}.shortfall", ("tradable", "own"))
    if mraw.get("shortfall") is not None and obligation != "conduct":
        r.fail(f"{mp}.shortfall", "applies only under `obligation: conduct`")
    return {"obligation": obligation, "penalty": penalty, "shortfall": shortfall}


def variables(m, ctx) -> None:
    capped = ctx.capped()
    no_short = ctx.inputs.no_short
    m.shortfall = pyo.Var(ctx.index(lambda mk: mk.obligation == "conduct"),
                          bounds=lambda _m, n, t: (0.0, 0.0 if (n, t) in no_short else None),
                          doc="shortfall of a conduct obligation, Mt/yr")
    for (n, t) in m.shortfall:
        ctx.add(n, t, m.shortfall[n, t])
        ctx.costs.append(ctx.weight[t] * capped[n].penalty[t] * m.shortfall[n, t])


def rows(m, ctx) -> None:
    """Nothing to add."""


def adjust(scenario, values: Values, price: ByMarket, shut: set, no_short: set, tolerance: float) -> bool:
    """One step of the ``shortfall: own`` reading: close the exports of a market that sells while
    falling short; open them again, ruling its shortfall out, if it then meets its cap and a
    partner would pay more than its price. Changes ``shut`` and ``no_short``; True when it did."""
    moved = False
    for n, mk in scenario.markets.items():
        if mk.obligation != "conduct" or mk.shortfall != "own":
            continue
        for t in scenario.periods:
            short = values.get(("shortfall", (n, t)), 0.0)
            exports = sum(v for (comp, key), v in values.items() if comp == "flow" and key[1] == n and key[3] == t)
            if (n, t) not in shut and (n, t) not in no_short and short > tolerance and exports > tolerance:
                shut.add((n, t))
                moved = True
            elif (n, t) in shut and short <= tolerance and _would_export(scenario, price, n, t):
                shut.discard((n, t))
                no_short.add((n, t))
                moved = True
    return moved


def _would_export(scenario, price: ByMarket, market: str, t) -> bool:
    """True when a market's price is below what a link partner would pay for its units (the
    partner's price times the exchange rate, less the transaction cost)."""
    own = price[(market, t)]
    for link in scenario.links:
        for a, b in link.edges():
            if a == market and b in scenario.markets:
                cost = link.transaction_cost[t] if link.transaction_cost else 0.0
                if link.rate(a, b) * price[(b, t)] - cost > own * (1 + 1e-9) + 1e-9:
                    return True
    return False
