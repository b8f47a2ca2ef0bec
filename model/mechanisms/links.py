r"""Links between markets (and from credit programmes): flows, exchange rates, limits, costs.

A unit sent along link :math:`\ell` from :math:`a` to :math:`b` (flow :math:`F \ge 0`) leaves
:math:`a`'s balance and covers :math:`\rho` tonnes in :math:`b`'s, at transaction cost
:math:`c` per unit. On a two-way link the rate runs from the first market to the second and its
inverse back, so a round trip creates nothing; links whose rates multiply to more than 1 around
a circle (a money pump) are refused (:func:`refuse_money_pumps`). Units flow only while
:math:`\rho P_b \ge P_a + c`. An import limit :math:`\sum_{\ell\to b} F_{\ell t} \le L_{\ell t}`
(a share of the importer's cap, or Mt) has the quota rent :math:`\rho P_b - P_a - c` as dual.
"""

from __future__ import annotations

import math

from .._lazy import pyo
from ..keys import REQUIRED, Key
from ..spec import Credits, Duals, Link, Market

#: Rows whose duals this mechanism reports (see its price functions).
DUALS = ("limit",)

KEYS = [
    Key('links[i].markets', 'list of names', '', 'required',
        'The markets (or credit programmes) linked. For a one-way link exactly two: units flow from '
        'the first to the second.', REQUIRED),
    Key('links[i].direction', '`two-way` or `one-way`', '', '`two-way`',
        "`one-way`: the second may buy the first's units, not the reverse. Credit programmes only "
        'sell through one-way links.', "two-way"),
    Key('links[i].import_limit', 'number or {year: number}', "share of the importer's cap", 'none',
        "Largest yearly import through this link, as a share (0..1) of the importing market's cap."),
    Key('links[i].import_limit_mt', 'number or {year: number}', 'Mt/yr', 'none',
        'Largest yearly import through this link in Mt (with `import_limit`, the smaller applies).'),
    Key('links[i].exchange_rate', 'number', 't per unit', '1',
        'One unit of the first market covers this many tonnes in the second (< 1: a discount). On a '
        'two-way link (exactly two markets when the rate is not 1) units flow from the first to the '
        'second at this rate and back at its inverse, so a round trip neither creates nor destroys '
        'allowances. Links around which the product of rates exceeds 1 (a money pump: units created '
        'by trading in a circle) are refused.', 1.0),
    Key('links[i].transaction_cost', 'number or {year: number}', 'USD per unit', '0',
        'Cost of trading one unit through the link, paid by the trade.'),
    Key('links[i].quota_rent', '`importer_government` or `exporter_government`', '', '`importer_government`',
        "Who receives the quota rent of a binding import limit (the importer's price times the "
        "exchange rate, less the exporter's price and the transaction cost, per unit): the importing "
        "market's governments (as with auctioned import licences) or the exporting side's (as with "
        "export licences); split among a market's members in proportion to their allowances (among a "
        "programme's hosts in proportion to their credits).", "importer_government"),
]


def read(r, i: int, raw, markets: dict[str, Market], credits: dict[str, Credits], periods: tuple) -> Link:
    """Link ``i`` of the list: a plain list of names (two-way), or a mapping with options."""
    from ..keys import allowed
    from . import adjustments, preferences

    lp = f"links[{i}]"
    nodes = {**markets, **credits}
    names_path = lp if isinstance(raw, list) else f"{lp}.markets"
    if isinstance(raw, list):
        raw = {"markets": raw}
    elif not isinstance(raw, dict):
        r.fail(lp, f"must be a list of market names or a mapping with `markets` (got {r.describe(raw)})")
    r.mapping(raw, lp, allowed=allowed(KEYS + adjustments.KEYS + preferences.KEYS, "links[i]") | {"description"}, required=("markets",))
    names = r.name_list(raw["markets"], names_path, nodes, "market", min_len=2)
    direction = r.choice(raw.get("direction", "two-way"), f"{lp}.direction", ("two-way", "one-way"))
    if direction == "one-way" and len(names) != 2:
        r.fail(f"{lp}.markets", f"a one-way link joins exactly two markets, seller first (got {len(names)})")
    for k, name in enumerate(names):
        if name in credits and (direction == "two-way" or k == 1):
            r.fail(f"{lp}.markets", f"credit programme '{name}' can only sell: put it first in a one-way link")
        if name in markets and not markets[name].capped:
            r.fail(f"{lp}.markets", f"market '{name}' is a tax without a cap: it has no units to trade")
    rate = r.number(raw.get("exchange_rate", 1.0), f"{lp}.exchange_rate", 0.0, strict=True)
    if rate != 1.0 and direction == "two-way" and len(names) != 2:
        r.fail(f"{lp}.exchange_rate", f"a two-way link with an exchange rate must join exactly two markets (got "
                                      f"{len(names)}): the rate runs from the first to the second, its inverse back")
    return Link(
        names, direction,
        import_limit=r.optional_per_period(raw, "import_limit", lp, periods, share=True),
        import_limit_mt=r.optional_per_period(raw, "import_limit_mt", lp, periods, minimum=0.0),
        exchange_rate=rate,
        quota_rent=r.choice(raw.get("quota_rent", "importer_government"), f"{lp}.quota_rent",
                            ("importer_government", "exporter_government")),
        transaction_cost=r.optional_per_period(raw, "transaction_cost", lp, periods, minimum=0.0),
        corresponding_adjustment=adjustments.read(r, lp, raw, direction, names, markets),
        description=r.string(raw.get("description", ""), f"{lp}.description"),
        eligible=preferences.read_eligible(r, lp, raw, names, direction, credits),
    )


def refuse_money_pumps(r, links: list[Link]) -> None:
    """Refuse links around which the product of exchange rates exceeds 1.

    Trading in such a circle turns one unit into more than one, so every price would fall to
    zero. A cycle with product > 1 is a negative cycle of the weights -log(rate), found by
    Bellman-Ford from a virtual source joined to every market.
    """
    edges = [(a, b, -math.log(link.rate(a, b)), i) for i, link in enumerate(links) for a, b in link.edges()]
    if not edges:
        return
    nodes = {n for a, b, _w, _i in edges for n in (a, b)}
    dist = {n: 0.0 for n in nodes}
    via: dict = {}
    changed = None
    for _ in range(len(nodes)):
        changed = None
        for a, b, w, i in edges:
            if dist[a] + w < dist[b] - 1e-12:
                dist[b], via[b] = dist[a] + w, (a, i)
                changed = b
        if changed is None:
            return
    node = changed
    for _ in range(len(nodes)):
        node = via[node][0]
    cycle, start = [], node
    while True:
        prev, i = via[node]
        cycle.append((prev, node, i))
        node = prev
        if node == start:
            break
    cycle.reverse()
    product = math.prod(links[i].rate(a, b) for a, b, i in cycle)
    path = " -> ".join([cycle[0][0]] + [b for _a, b, _i in cycle])
    which = ", ".join(f"links[{i}]" for i in sorted({i for _a, _b, i in cycle}))
    r.fail("links", f"{which} form a money pump: around {path} the exchange rates multiply to {product:.6g} > 1, "
                    "so trading in a circle creates allowances (make the rates' product at most 1)")


def edges(scenario) -> list[tuple[int, str, str]]:
    """(link index, exporter, importer) for every direction units may flow."""
    return [(i, a, b) for i, link in enumerate(scenario.links) for a, b in link.edges()]


def import_limit(scenario, link: Link, importer: str, t) -> float:
    """The yearly import limit of ``link`` into ``importer`` (units; NaN when it has none): the
    smaller of its share of the importer's cap and its limit in Mt."""
    if link.import_limit is None and link.import_limit_mt is None:
        return float("nan")
    bound = float("inf")
    mk = scenario.markets.get(importer)
    if link.import_limit is not None and mk is not None and mk.capped:
        bound = link.import_limit[t] * mk.cap[t]
    if link.import_limit_mt is not None:
        bound = min(bound, link.import_limit_mt[t])
    return bound


def flows_out(m, ctx, n: str, t, with_ca: bool = True) -> list:
    """Flow variables leaving ``n`` in period ``t`` (with or without corresponding adjustment)."""
    links = ctx.scenario.links
    return [m.flow[i, a, b, t] for (i, a, b) in edges(ctx.scenario)
            if a == n and links[i].corresponding_adjustment == with_ca]


def variables(m, ctx) -> None:
    sc = ctx.scenario
    shut = ctx.inputs.shut
    m.flow = pyo.Var([(i, a, b, t) for (i, a, b) in edges(sc) for t in sc.periods],
                     bounds=lambda _m, i, a, b, t: (0.0, 0.0 if (a, t) in shut else None),
                     doc="units sent from a to b along link i, per year")
    for (i, a, b, t) in m.flow:
        link = sc.links[i]
        if b in sc.markets:
            ctx.add(b, t, link.rate(a, b) * m.flow[i, a, b, t])
        if a in sc.markets and link.corresponding_adjustment:
            ctx.add(a, t, -m.flow[i, a, b, t])
        if link.transaction_cost is not None and link.transaction_cost[t] > 0:
            ctx.costs.append(ctx.weight[t] * link.transaction_cost[t] * m.flow[i, a, b, t])


def rows(m, ctx) -> None:
    sc = ctx.scenario
    limits = {(i, b, t): import_limit(sc, link, b, t) for i, link in enumerate(sc.links)
              if link.import_limit is not None or link.import_limit_mt is not None
              for _a, b in link.edges() for t in sc.periods}
    m.limit = pyo.Constraint(list(limits), rule=lambda _m, i, b, t: pyo.quicksum(
        m.flow[i, a, bb, t] for (ii, a, bb) in edges(sc) if ii == i and bb == b) <= ctx.Q(limits[(i, b, t)]),
        doc="import limit of a link, units per year")


def quota_rents(ctx, named: Duals) -> dict[tuple[int, str, int], float]:
    """(link index, importer, period) -> quota rent, USD per unit (the import limit's dual)."""
    return {key: max(0.0, -value) / ctx.weight[key[2]] for (comp, key), value in named.items() if comp == "limit"}
