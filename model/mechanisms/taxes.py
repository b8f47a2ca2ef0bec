r"""Carbon taxes: a tax :math:`\tau` on covered emissions.

Alone a tax makes a tax market (no cap, cannot be linked; its carbon price is the tax). With a
cap it adds to the permit price: covered segments abate until :math:`MAC = P + \tau`. In the
objective it enters as :math:`-d_t w_t \tau_{mt} q` (the tax saved by abating).
"""

from __future__ import annotations

from ..keys import Key
from ..spec import Raw

DUALS: tuple = ()  # rows whose duals this mechanism reports: none

KEYS = [
    Key('markets.NAME.tax', 'number, {year: number} or growth form', 'USD/t', 'none',
        'Carbon tax on covered emissions. Alone it makes a tax market (no cap, cannot be linked); '
        'with a cap it adds to the permit price.'),
]


def read(r, mp: str, mraw: Raw, periods: tuple) -> dict[int, float] | None:
    """The tax per period (None when absent)."""
    return r.optional_price_path(mraw, "tax", mp, periods)


def variables(m, ctx) -> None:
    for n, mk in ctx.scenario.markets.items():
        if mk.tax is not None:
            for j in mk.members:
                for t in ctx.scenario.periods:
                    if (j, n, t) in ctx.segs:
                        ctx.costs.append(-ctx.weight[t] * mk.tax[t] * ctx.q(j, n, t))


def rows(m, ctx) -> None:
    """Nothing to add."""
