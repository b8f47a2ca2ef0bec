r"""Banking and borrowing: allowances kept for later periods.

The bank :math:`B_{mt}` (Mt at the end of period :math:`t`) enters the balance as
:math:`(B_{m,t-1} - B_{mt}) / w_t` per year; :math:`B \ge 0` unless borrowing (down to
``-borrow_limit``), :math:`B \le` ``bank_limit``, and the last bank is :math:`\ge 0`. A banking
market holds its balance with equality, so a surplus is banked; beyond a bank limit it is
cancelled at the tiny cost :data:`CANCEL_COST`. With free banking
:math:`\lambda_{mt} = \lambda_{m,t+1}` while :math:`B_{mt} > 0`, so
:math:`P_{m,t+1} = P_{mt}(1+r)^{t+1-t}`: Hotelling's rule.
"""

from __future__ import annotations

from .._lazy import pyo
from ..keys import Key
from ..spec import Raw

#: Cost (USD/t) of cancelling allowances when a bank is full: tiny, so that a surplus is
#: cancelled only when it cannot be banked. A period with cancellations has price 0.
CANCEL_COST = 1e-6

DUALS: tuple = ()  # rows whose duals this mechanism reports: none

KEYS = [
    Key('markets.NAME.banking', 'boolean', '', 'false',
        'Allowances may be kept for later periods; unused allowances are banked (without banking they '
        'expire at the end of each period). With free banking the price rises at the discount rate '
        'while a bank is held (Hotelling).', False),
    Key('markets.NAME.bank_limit', 'number', 'Mt', 'none',
        'Largest bank held at the end of a period; a surplus beyond it is cancelled (at a zero '
        'price).'),
    Key('markets.NAME.initial_bank', 'number', 'Mt', '0',
        'Allowances banked before the first period (needs banking).', 0.0),
    Key('markets.NAME.borrowing', 'boolean', '', 'false',
        'Allowances of later periods may be used earlier; the bank may go negative but must end at >= '
        '0.', False),
    Key('markets.NAME.borrow_limit', 'number', 'Mt', 'none',
        'Largest amount borrowed (negative bank).'),
]


def read(r, mp: str, mraw: Raw) -> dict:
    """The banking fields of a Market: banking, bank_limit, initial_bank, borrowing, borrow_limit."""
    banking = r.boolean(mraw.get("banking", False), f"{mp}.banking")
    borrowing = r.boolean(mraw.get("borrowing", False), f"{mp}.borrowing")
    for key, needs, flag in (("bank_limit", "banking", banking), ("initial_bank", "banking", banking),
                             ("borrow_limit", "borrowing", borrowing), ("msr", "banking", banking)):
        if mraw.get(key) is not None and not flag:
            r.fail(f"{mp}.{key}", f"needs `{needs}: true`")
    if borrowing and not banking:
        r.fail(f"{mp}.borrowing", "needs `banking: true` (borrowing is a negative bank)")
    return {
        "banking": banking, "borrowing": borrowing,
        "bank_limit": None if mraw.get("bank_limit") is None else r.number(mraw["bank_limit"], f"{mp}.bank_limit", 0.0),
        "borrow_limit": (None if mraw.get("borrow_limit") is None
                         else r.number(mraw["borrow_limit"], f"{mp}.borrow_limit", 0.0)),
        "initial_bank": r.number(mraw.get("initial_bank", 0.0), f"{mp}.initial_bank", 0.0),
    }


def variables(m, ctx) -> None:
    capped = ctx.capped()
    T = ctx.scenario.periods

    def bounds(_m, n, t):
        mk = capped[n]
        low = 0.0 if not mk.borrowing else (-ctx.Q(mk.borrow_limit) if mk.borrow_limit is not None else None)
        if t == T[-1]:
            low = 0.0  # borrowing must be repaid
        return (low, ctx.Q(mk.bank_limit))

    m.bank = pyo.Var(ctx.index(lambda mk: mk.banking), bounds=bounds, doc="bank at the end of the period, Mt")
    m.cancel = pyo.Var(ctx.index(lambda mk: mk.banking and mk.bank_limit is not None), bounds=(0.0, None),
                       doc="allowances cancelled because the bank is full, Mt/yr")
    for (n, t) in m.bank:
        i = T.index(t)
        previous = m.bank[n, T[i - 1]] if i > 0 else ctx.Q(capped[n].initial_bank)
        ctx.add(n, t, (previous - m.bank[n, t]) / ctx.scenario.years(t))
    for (n, t) in m.cancel:
        ctx.add(n, t, -m.cancel[n, t])
        ctx.costs.append(ctx.weight[t] * CANCEL_COST * m.cancel[n, t])


def rows(m, ctx) -> None:
    """Nothing to add: the bank's bounds and the balance hold it."""


def bank_change(scenario, sol, n: str, t) -> float:
    """Allowances banked in period ``t`` per year (Mt/yr; negative: drawn down)."""
    mk = scenario.markets[n]
    i = scenario.periods.index(t)
    before = sol.bank.get((n, scenario.periods[i - 1]), 0.0) if i else mk.initial_bank
    return (sol.bank.get((n, t), 0.0) - before) / scenario.years(t)
