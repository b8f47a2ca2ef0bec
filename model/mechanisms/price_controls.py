r"""Price controls: a floor with its withheld allowances, a ceiling, a cost-containment reserve.

* Floor :math:`f`: up to the auctioned share of the cap is withheld (:math:`W \le a\bar E`) at a
  gain of :math:`f` per tonne in the objective, so the price does not fall below :math:`f` while
  any are auctioned. ``unsold: return`` keeps the withheld allowances and offers them again at
  the floor in later periods (:math:`R_t \le` the stock withheld before and not yet returned,
  carried by :mod:`model.solver`'s fixed point, :func:`unsold_stock`), so withholding stays
  driven by the floor alone.
* Ceiling :math:`\bar p`: unlimited extra allowances :math:`X` at :math:`\bar p`.
* Cost-containment reserve: up to ``volume`` extra allowances per year at the ``trigger`` price.
"""

from __future__ import annotations

import warnings

from .._lazy import pyo
from ..keys import REQUIRED, Key, allowed
from ..spec import Raw, Values

DUALS: tuple = ()  # rows whose duals this mechanism reports: none

KEYS = [
    Key('markets.NAME.auction_share', 'number or {year: number}', 'share', '1',
        'Share of the cap sold at auction; bounds what a price floor can withdraw.', 1.0),
    Key('markets.NAME.price_floor', 'number, {year: number} or growth form', 'USD/t', 'none',
        'Auction reserve price: allowances that would sell below it are withdrawn (up to the '
        'auctioned share of the cap), so the price does not fall below it while any are auctioned.'),
    Key('markets.NAME.unsold', '`cancel` or `return`', '', '`cancel`',
        'What becomes of allowances withheld at the price floor: `cancel` removes them for ever; '
        '`return` keeps them in a stock that later auctions offer again at the floor price (sold only '
        'when the price is at or above the floor), as in the Western Climate Initiative.', "cancel"),
    Key('markets.NAME.price_ceiling', 'number, {year: number} or growth form', 'USD/t', 'none',
        'Unlimited extra allowances are sold at this price, so the price never exceeds it.'),
    Key('markets.NAME.cost_containment_reserve', '{trigger, volume}', 'USD/t, Mt/yr', 'none',
        'Up to `volume` extra allowances per year are released at the `trigger` price; when they are '
        'exhausted the price may rise above it. Both scalar or per period.'),
    Key("markets.NAME.cost_containment_reserve.trigger", "number, {year: number} or growth form", "USD/t", "required",
        "Price at which the reserve's allowances are released.", REQUIRED),
    Key("markets.NAME.cost_containment_reserve.volume", "number or {year: number}", "Mt/yr", "required",
        "Largest release per year.", REQUIRED),
    Key("markets.NAME.price_floor.base_year (growth form)", "year", "year", "required",
        "Growth form of a price path: any per-period price (`price_floor`, `price_ceiling`, "
        "`cost_containment_reserve.trigger`, `tax`, `penalty`) may be written `{base_year: 2024, base: 25.87, "
        "growth: 0.05, inflation: 0.02}`, worth base x (1 + growth)^(t - base_year) x (1 + inflation)^(t - "
        "base_year) in period t (the scenario must list its `periods`). A banked market's floor that grows "
        "faster than the discount rate pins its price to the floor: the reader warns."),
    Key("markets.NAME.price_floor.base (growth form)", "number", "USD/t", "required",
        "The price in `base_year`."),
    Key("markets.NAME.price_floor.growth (growth form)", "number", "1/yr", "required",
        "Real growth rate per year (0.05: 5 % a year)."),
    Key("markets.NAME.price_floor.inflation (growth form)", "number", "1/yr", "0",
        "Inflation per year, compounded with the growth (as a rule of 'growth plus inflation')."),
]


def warn_fast_floors(scenario) -> None:
    """Warn (:func:`warnings.warn`) for each banking market whose price floor grows faster than the
    discount rate between two periods: with banking the price rises at the discount rate, so such a
    floor ends up setting the whole price path."""
    for n, mk in scenario.markets.items():
        if mk.price_floor is None or not mk.banking:
            continue
        p = scenario.periods
        for a, b in zip(p, p[1:], strict=False):
            fa, fb = mk.price_floor[a], mk.price_floor[b]
            if fa > 0 and (fb / fa) ** (1 / (b - a)) - 1 > scenario.discount_rate + 1e-9:
                rate = (fb / fa) ** (1 / (b - a)) - 1
                warnings.warn(f"{scenario.source}: markets.{n}.price_floor grows {rate:.2%}/yr from {a} to {b}, "
                              f"faster than the discount rate {scenario.discount_rate:.2%}: with banking the "
                              "price path is pinned to the floor", UserWarning, stacklevel=3)
                break


def read(r, mp: str, mraw: Raw, periods: tuple) -> dict:
    """The price-control fields of a Market."""
    floor = r.optional_price_path(mraw, "price_floor", mp, periods)
    ceiling = r.optional_price_path(mraw, "price_ceiling", mp, periods)
    if floor is not None and ceiling is not None:
        for t in periods:
            if floor[t] > ceiling[t]:
                r.fail(f"{mp}.price_floor", f"is above the price ceiling in {t} ({floor[t]:g} > {ceiling[t]:g})")
    trigger = volume = None
    if mraw.get("cost_containment_reserve") is not None:
        cp = f"{mp}.cost_containment_reserve"
        ccr = r.mapping(mraw["cost_containment_reserve"], cp, allowed=allowed(KEYS, "markets.NAME.cost_containment_reserve"),
                        required=("trigger", "volume"))
        trigger = r.price_path(ccr["trigger"], f"{cp}.trigger", periods)
        volume = r.per_period(ccr["volume"], f"{cp}.volume", periods, 0.0)
    unsold = r.choice(mraw.get("unsold", "cancel"), f"{mp}.unsold", ("cancel", "return"))
    if mraw.get("unsold") is not None and floor is None:
        r.fail(f"{mp}.unsold", "needs a `price_floor` (only allowances withheld at a floor are unsold)")
    return {"price_floor": floor, "price_ceiling": ceiling, "ccr_trigger": trigger, "ccr_volume": volume,
            "unsold": unsold,
            "auction_share": r.per_period(mraw.get("auction_share", 1.0), f"{mp}.auction_share", periods, share=True)}


def variables(m, ctx) -> None:
    capped = ctx.capped()
    d, Q = ctx.weight, ctx.Q
    returnable = ctx.inputs.returnable
    m.withheld = pyo.Var(ctx.index(lambda mk: mk.price_floor is not None),
                         bounds=lambda _m, n, t: (0.0, Q(capped[n].auction_share[t] * capped[n].cap[t])),
                         doc="allowances withdrawn at the price floor, Mt/yr")
    m.returned = pyo.Var(ctx.index(lambda mk: mk.price_floor is not None and mk.unsold == "return"),
                         bounds=lambda _m, n, t: (0.0, Q(returnable.get((n, t), 0.0))),
                         doc="withheld allowances offered again at the floor price, Mt/yr")
    m.ceiling = pyo.Var(ctx.index(lambda mk: mk.price_ceiling is not None), bounds=(0.0, None),
                        doc="allowances sold at the price ceiling, Mt/yr")
    m.ccr = pyo.Var(ctx.index(lambda mk: mk.ccr_volume is not None),
                    bounds=lambda _m, n, t: (0.0, Q(capped[n].ccr_volume[t])),
                    doc="allowances released from the cost-containment reserve, Mt/yr")
    for (n, t) in m.withheld:
        ctx.add(n, t, -m.withheld[n, t])
        ctx.costs.append(-d[t] * capped[n].price_floor[t] * m.withheld[n, t])
    for (n, t) in m.returned:
        ctx.add(n, t, m.returned[n, t])
        ctx.costs.append(d[t] * capped[n].price_floor[t] * m.returned[n, t])
    for (n, t) in m.ceiling:
        ctx.add(n, t, m.ceiling[n, t])
        ctx.costs.append(d[t] * capped[n].price_ceiling[t] * m.ceiling[n, t])
    for (n, t) in m.ccr:
        ctx.add(n, t, m.ccr[n, t])
        ctx.costs.append(d[t] * capped[n].ccr_trigger[t] * m.ccr[n, t])


def rows(m, ctx) -> None:
    """Nothing to add: the bounds hold the instruments."""


def unsold_stock(scenario, values: Values) -> dict[tuple[str, int], float]:
    """(market, period) -> allowances withheld at the floor in earlier periods and not yet
    returned, per year of the period (Mt/yr): what ``unsold: return`` may offer again.

    Withholding itself stays driven by the floor alone (allowances are withheld only while the
    price would be below it); the stock is carried to later periods by fixed-point iteration.
    """
    out = {}
    for n, mk in scenario.markets.items():
        if mk.price_floor is None or mk.unsold != "return":
            continue
        held = 0.0
        for t in scenario.periods:
            w = scenario.years(t)
            out[(n, t)] = max(held, 0.0) / w
            held += w * (values.get(("withheld", (n, t)), 0.0) - values.get(("returned", (n, t)), 0.0))
    return out
