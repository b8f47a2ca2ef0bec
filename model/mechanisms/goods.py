r"""Trade in emissions-intensive goods and a border adjustment: a spatial price equilibrium.

Each good :math:`g` is traded between regions :math:`r` (Samuelson 1952; Takayama and Judge
1971). Per good, region and period the model has demand :math:`D_r`, output :math:`S_r` and
shipments :math:`X_{rs} \ge 0` from :math:`r` to :math:`s` (only between pairs with a transport
cost). The goods balance (dual: the price :math:`p_r` of the good in :math:`r`, USD per unit)

.. math::

    S_r + \sum_s X_{sr} - \sum_s X_{rs} = D_r .

Inverse demand and the marginal cost of output excluding carbon are linear,
:math:`p = a^d_r - b^d_r D` and :math:`c = a^s_r + b^s_r S`, calibrated to the reference point
(price :math:`p^0_r`, demand :math:`D^0_r`, output :math:`S^0_r`, elasticities
:math:`\varepsilon_r < 0`, :math:`\eta_r > 0`, and the carbon cost per unit :math:`k^0_r` the
producers paid in the calibration year):

.. math::

    b^d_r = -\frac{p^0_r}{\varepsilon_r D^0_r},\quad a^d_r = p^0_r + b^d_r D^0_r,\qquad
    b^s_r = \frac{p^0_r}{\eta_r S^0_r},\quad a^s_r = p^0_r - k^0_r - b^s_r S^0_r .

The objective adds, discounted, minus the area under inverse demand, the area under the
marginal cost, the transport cost :math:`\tau_{rs}` and border charge :math:`c_{rs}` of every
shipment, and the carbon cost of output:

.. math::

    \sum_{t} d_t w_t \sum_{g} \Big[\sum_r \big(-a^d_r D_r + \tfrac{b^d_r}{2} D_r^2 + a^s_r S_r
    + \tfrac{b^s_r}{2} S_r^2 - f_{rt} e_r P_{m(r)t} S_r\big)
    + \sum_{rs} (\tau_{rs} + c_{rst}) X_{rs}\Big],

a convex QP. The emissions of output, :math:`e_r S_r` (:math:`e_r` tCO2 per unit), count against
the cap of the region's market :math:`m(r)`: the change from the reference,
:math:`e_r (S_r - S^0_r)`, is a use in the allowance balance (the reference output's emissions
are part of the members' BAU), so output answers to the permit price and the price to output.
In a tax market the tax :math:`\tau_m` is a cost :math:`\tau_m e_r S_r`. A region without a
market (``market`` left out) has no carbon cost; its emissions are outside every cap (they are
reported, for leakage).

**Output-based free allocation** :math:`f_{rt}` (a share of the emissions of output) hands the
producers allowances in proportion to output, from the market's cap: the cap does not change,
but the net carbon cost of a unit falls to :math:`(1 - f_{rt}) e_r P`; the subsidy
:math:`f_{rt} e_r P S_r` is written at the permit price of the previous round.

**Border adjustment** (``border_adjustment: true`` in region :math:`r`, as the EU's CBAM,
Regulation (EU) 2023/956): imports into :math:`r` from :math:`s` pay per unit

.. math::

    c_{srt} = \max(P_{m(r)t} - P_{m(s)t},\, 0)\; e_s\; (1 - f_{rt}),

the carbon price gap (the price paid at origin is deducted, Art. 9) times the origin's
intensity, less the share the region's own producers get free (Art. 31: during the phase-in,
2026-2034, CBAM covers only the emissions not given free allocation in the EU). The carbon
prices are those of the previous round: the model is solved until the charges and subsidies
change by less than :data:`TOLERANCE` (:func:`model.solver.solve_scenario`).

**Leakage** (:func:`leakage`): the change in the emissions of output of the regions that do not
regulate, over the fall in those of the regions that do.

Units: goods in million units per year (the good's ``unit``, e.g. Mt of steel), prices and
transport costs in USD per unit, intensities in tCO2 per unit, money in MUSD.
"""

from __future__ import annotations

import math

from .._lazy import pyo
from ..keys import REQUIRED, Key
from ..spec import Good, GoodRegion

#: Rows whose duals this mechanism reports: the goods balances (prices of the goods).
DUALS = ("g_balance",)
#: The fixed point on carbon prices stops when no charge or subsidy (USD/t of CO2 behind them)
#: changes by more than this, relative to the price (absolute below 1 USD/t).
TOLERANCE = 1e-8
#: Rounds of the fixed point before it is an error.
ROUNDS = 200
#: A reference point is an equilibrium when price gaps match transport costs within this (USD/unit).
SLACK = 1e-6

KEYS = [
    Key("goods", "mapping", "", "empty (no goods)",
        "Emissions-intensive goods traded between regions (a spatial price equilibrium), by name."),
    Key("goods.NAME.unit", "string", "", "`Mt`", "Unit of the good (quantities in millions of it per year).",
        "Mt"),
    Key("goods.NAME.transport_cost", "number or {from: {to: number}}", "USD/unit", "required",
        "Cost of shipping a unit between two regions: one number for every pair, or a map from the "
        "exporting to the importing region (a pair given one way holds both ways; pairs left out do not "
        "trade).", REQUIRED),
    Key("goods.NAME.regions", "mapping", "", "required",
        "Regions, by name, with the reference point (the calibration year's equilibrium): prices of "
        "importers exceed those of their suppliers by the transport cost, and world output equals world "
        "demand; anything else is an error.", REQUIRED),
    Key("goods.NAME.regions.NAME.market", "market name", "", "none (no carbon price)",
        "The market (cap or tax) whose carbon price the producers pay and whose cap their emissions "
        "count against. Left out: no carbon cost, emissions outside every cap."),
    Key("goods.NAME.regions.NAME.price", "number", "USD/unit", "required",
        "Reference price (> 0), including the carbon cost paid in the calibration year.", REQUIRED),
    Key("goods.NAME.regions.NAME.demand", "number", "million units/yr", "required",
        "Reference demand (> 0).", REQUIRED),
    Key("goods.NAME.regions.NAME.supply", "number", "million units/yr", "required",
        "Reference output (> 0).", REQUIRED),
    Key("goods.NAME.regions.NAME.demand_elasticity", "number", "", "required",
        "Price elasticity of demand at the reference point (< 0).", REQUIRED),
    Key("goods.NAME.regions.NAME.supply_elasticity", "number", "", "required",
        "Price elasticity of output at the reference point (> 0).", REQUIRED),
    Key("goods.NAME.regions.NAME.intensity", "number", "tCO2/unit", "required",
        "Emissions per unit of output (>= 0).", REQUIRED),
    Key("goods.NAME.regions.NAME.free_allocation", "share or {year: share}", "share", "0",
        "Output-based free allocation: allowances given free per unit of output, as a share of its "
        "emissions. With a border adjustment it also reduces the charge (the CBAM phase-in).", 0.0),
    Key("goods.NAME.regions.NAME.border_adjustment", "boolean", "", "false",
        "Charge imports the region's carbon price less the origin's (if positive) times the origin's "
        "intensity, less the free-allocation share.", False),
    Key("goods.NAME.regions.NAME.carbon_cost", "number", "USD/unit", "0",
        "Carbon cost per unit the producers paid in the calibration year, net of free allocation: "
        "taken out of the reference price to calibrate the cost of output.", 0.0),
    Key("goods.NAME.description", "string", "", "empty", "Free text.", ""),
]

__all__ = ["KEYS", "DUALS", "read", "variables", "rows", "carbon_prices", "charges", "solution", "iterates"]


def read(r, raw, markets: dict, periods: tuple) -> dict[str, Good]:
    """``goods``: each good's regions, calibrated, with the reference point checked."""
    from ..keys import allowed
    from ..reader import SCHEMA

    out = {}
    for g, graw in r.optional_mapping(raw, "goods", names="good").items():
        gp = f"goods.{g}"
        r.mapping(graw, gp, allowed=allowed(SCHEMA, "goods.NAME"), required=("transport_cost", "regions"))
        regions = {}
        rraw = r.mapping(graw["regions"], f"{gp}.regions", names="region")
        if len(rraw) < 2:
            r.fail(f"{gp}.regions", f"must name at least two regions (got {len(rraw)})")
        for name, vraw in rraw.items():
            regions[name] = _read_region(r, f"{gp}.regions.{name}", name, vraw, markets, periods)
        transport = _read_transport(r, graw["transport_cost"], f"{gp}.transport_cost", list(regions))
        good = Good(g, r.string(graw.get("unit", "Mt"), f"{gp}.unit"), transport, regions,
                    r.string(graw.get("description", ""), f"{gp}.description"))
        _check_reference(r, good)
        out[g] = good
    return out


def _read_region(r, path, name, vraw, markets, periods) -> GoodRegion:
    from ..keys import allowed
    from ..reader import SCHEMA

    need = ("price", "demand", "supply", "demand_elasticity", "supply_elasticity", "intensity")
    r.mapping(vraw, path, allowed=allowed(SCHEMA, "goods.NAME.regions.NAME"), required=need)
    market = vraw.get("market")
    if market is not None:
        r.name(market, f"{path}.market", "market")
        if market not in markets:
            r.fail(f"{path}.market", f"unknown market '{market}'; the markets are {list(markets)}")
    p0 = r.number(vraw["price"], f"{path}.price", 0.0, strict=True)
    d0 = r.number(vraw["demand"], f"{path}.demand", 0.0, strict=True)
    s0 = r.number(vraw["supply"], f"{path}.supply", 0.0, strict=True)
    eps = r.number(vraw["demand_elasticity"], f"{path}.demand_elasticity", maximum=0.0)
    if eps == 0:
        r.fail(f"{path}.demand_elasticity", "must be < 0 (got 0)")
    eta = r.number(vraw["supply_elasticity"], f"{path}.supply_elasticity", 0.0, strict=True)
    e = r.number(vraw["intensity"], f"{path}.intensity", 0.0)
    fa = r.per_period(vraw.get("free_allocation", 0.0), f"{path}.free_allocation", periods, share=True)
    bca = r.boolean(vraw.get("border_adjustment", False), f"{path}.border_adjustment")
    k0 = r.number(vraw.get("carbon_cost", 0.0), f"{path}.carbon_cost", 0.0)
    if k0 >= p0:
        r.fail(f"{path}.carbon_cost", f"must be below the reference price {p0:g} (got {k0:g})")
    if bca and market is None:
        r.fail(f"{path}.border_adjustment", "needs a `market`: the charge is the gap in carbon prices")
    b_d = -p0 / (eps * d0)
    b_s = p0 / (eta * s0)
    return GoodRegion(name, market, p0, d0, s0, eps, eta, e, fa, bca, k0,
                      a_d=p0 + b_d * d0, b_d=b_d, a_s=p0 - k0 - b_s * s0, b_s=b_s)


def _read_transport(r, raw, path, regions) -> dict[tuple[str, str], float]:
    if not isinstance(raw, dict):
        cost = r.number(raw, path, 0.0)
        return {(a, b): cost for a in regions for b in regions if a != b}
    out: dict = {}
    r.mapping(raw, path, names="region")
    for a, row in raw.items():
        if a not in regions:
            r.fail(f"{path}.{a}", f"unknown region '{a}'; the regions are {regions}")
        r.mapping(row, f"{path}.{a}", names="region")
        for b, v in row.items():
            if b not in regions or b == a:
                r.fail(f"{path}.{a}.{b}", f"must be another region of the good (one of {regions})")
            out[(a, b)] = r.number(v, f"{path}.{a}.{b}", 0.0)
    for (a, b), v in list(out.items()):
        out.setdefault((b, a), v)
    return out


def _check_reference(r, good: Good) -> None:
    """The reference point must be an equilibrium: no price gap above a transport cost, world output
    equal to world demand, and the net exports routable along pairs whose gap is the transport cost."""
    g, reg = good.name, good.regions
    path = f"goods.{g}.regions"
    for (a, b), tau in good.transport.items():
        gap = reg[b].price - reg[a].price
        if gap > tau + SLACK * max(1.0, tau):
            r.fail(path, f"the reference point of good '{g}' is no equilibrium: the price in {b} exceeds the "
                         f"price in {a} by {gap:g} USD/unit, more than the transport cost {tau:g} from {a} to {b}")
    net = {n: v.supply - v.demand for n, v in reg.items()}
    total = sum(net.values())
    scale = max(max(v.supply, v.demand) for v in reg.values())
    if abs(total) > 1e-9 * scale:
        r.fail(path, f"the reference point of good '{g}' is no equilibrium: world output exceeds world demand by "
                     f"{total:g} (regions {', '.join(reg)})")
    tight = [(a, b) for (a, b), tau in good.transport.items()
             if abs(reg[b].price - reg[a].price - tau) <= SLACK * max(1.0, tau)]
    exporters = {n: x for n, x in net.items() if x > 1e-9 * scale}
    importers = {n: -x for n, x in net.items() if x < -1e-9 * scale}
    routed = _max_flow(exporters, importers, tight)
    if routed < sum(exporters.values()) - 1e-9 * scale:
        stuck = sorted(set(exporters) | set(importers))
        r.fail(path, f"the reference point of good '{g}' is no equilibrium: the net exports of "
                     f"{', '.join(n for n in stuck if n in exporters)} cannot reach the net importers "
                     f"{', '.join(n for n in stuck if n in importers)}: an importer's price must exceed its "
                     "supplier's by the transport cost")


def _max_flow(supply: dict, demand: dict, edges: list) -> float:
    """Largest flow from the exporters to the importers along ``edges`` (augmenting paths)."""
    cap: dict = {}
    for n, x in supply.items():
        cap[("S", n)] = x
    for n, x in demand.items():
        cap[(n, "T")] = x
    for a, b in edges:
        if a in supply and b in demand:
            cap[(a, b)] = math.inf
    flow = 0.0
    while True:
        prev, frontier = {"S": None}, ["S"]
        while frontier and "T" not in prev:
            node = frontier.pop(0)
            for (u, v), c in cap.items():
                if u == node and c > 1e-12 and v not in prev:
                    prev[v] = u
                    frontier.append(v)
        if "T" not in prev:
            return flow
        path, v = [], "T"
        while prev[v] is not None:
            path.append((prev[v], v))
            v = prev[v]
        push = min(cap[e] for e in path)
        for u, v in path:
            cap[(u, v)] -= push
            cap[(v, u)] = cap.get((v, u), 0.0) + push
        flow += push


def _index(sc) -> tuple[list, list]:
    regions = [(g, r, t) for g, good in sc.goods.items() for r in good.regions for t in sc.periods]
    ships = [(g, a, b, t) for g, good in sc.goods.items() for (a, b) in good.transport for t in sc.periods]
    return regions, ships


def carbon_prices(scenario, price: dict) -> dict[tuple[str, int], float]:
    """(market, period) -> the carbon price producers pay (permit price plus tax), USD/t, for the
    markets of the goods' regions."""
    out = {}
    for good in scenario.goods.values():
        for v in good.regions.values():
            if v.market is not None:
                mk = scenario.markets[v.market]
                for t in scenario.periods:
                    p = price.get((v.market, t), 0.0) if mk.capped else 0.0
                    p = 0.0 if p is None or math.isnan(p) else p
                    out[(v.market, t)] = p + (mk.tax[t] if mk.tax is not None else 0.0)
    return out


def iterates(scenario) -> bool:
    """True when the goods need the fixed point on carbon prices (a border adjustment, or free
    allocation in a capped market)."""
    return any(v.border_adjustment or (v.market is not None and scenario.markets[v.market].capped
                                       and any(f > 0 for f in v.free_allocation.values()))
               for good in scenario.goods.values() for v in good.regions.values())


def _carbon(scenario, carbon: dict, region: GoodRegion, t) -> float:
    """The carbon price of a region's producers: the fixed point's for a capped market, the tax
    for a tax market, 0 without a market."""
    if region.market is None:
        return 0.0
    mk = scenario.markets[region.market]
    if not mk.capped:
        return mk.tax[t]
    return carbon.get((region.market, t), mk.tax[t] if mk.tax is not None else 0.0)


def charges(scenario, carbon: dict) -> dict[tuple[str, str, str, int], float]:
    """(good, origin, destination, period) -> border charge, USD/unit."""
    out = {}
    for g, good in scenario.goods.items():
        for (a, b) in good.transport:
            dest, orig = good.regions[b], good.regions[a]
            for t in scenario.periods:
                c = 0.0
                if dest.border_adjustment:
                    gap = _carbon(scenario, carbon, dest, t) - _carbon(scenario, carbon, orig, t)
                    c = max(gap, 0.0) * orig.intensity * (1.0 - dest.free_allocation[t])
                out[(g, a, b, t)] = c
    return out


def variables(m, ctx) -> None:
    sc = ctx.scenario
    regions, ships = _index(sc)
    m.g_demand = pyo.Var(regions, within=pyo.NonNegativeReals, doc="demand for a good, model units")
    m.g_supply = pyo.Var(regions, within=pyo.NonNegativeReals, doc="output of a good, model units")
    m.g_ship = pyo.Var(ships, within=pyo.NonNegativeReals, doc="shipments of a good, model units")
    carbon = ctx.inputs.carbon
    charge = charges(sc, carbon)
    S = ctx.scale
    for (g, r, t) in regions:
        v, w = sc.goods[g].regions[r], ctx.weight[t]
        D, Q = m.g_demand[g, r, t], m.g_supply[g, r, t]
        unit_cost = v.a_s
        if v.market is not None:
            mk = sc.markets[v.market]
            if mk.capped:
                ctx.add(v.market, t, -v.intensity * Q)  # the emissions of output use allowances
                ctx.required[(v.market, t)] = ctx.required.get((v.market, t), 0.0) - v.intensity * v.supply
                if mk.tax is not None:
                    unit_cost += mk.tax[t] * v.intensity
                unit_cost -= v.free_allocation[t] * v.intensity * carbon.get((v.market, t), 0.0)
            else:
                unit_cost += (1.0 - v.free_allocation[t]) * v.intensity * mk.tax[t]
        ctx.costs.append(w * (-v.a_d * D + 0.5 * v.b_d * S * D * D + unit_cost * Q + 0.5 * v.b_s * S * Q * Q))
    for (g, a, b, t) in ships:
        ctx.costs.append(ctx.weight[t] * (sc.goods[g].transport[(a, b)] + charge[(g, a, b, t)]) * m.g_ship[g, a, b, t])


def rows(m, ctx) -> None:
    sc = ctx.scenario
    regions, ships = _index(sc)

    def balance(_m, g, r, t):
        inflow = pyo.quicksum(m.g_ship[g, a, b, t] for (a, b) in sc.goods[g].transport if b == r)
        outflow = pyo.quicksum(m.g_ship[g, a, b, t] for (a, b) in sc.goods[g].transport if a == r)
        return m.g_supply[g, r, t] + inflow - outflow - m.g_demand[g, r, t] == 0

    m.g_balance = pyo.Constraint(regions, rule=balance, doc="goods: output + imports - exports = demand")


def solution(scenario, ctx, values: dict, named: dict, carbon: dict) -> dict:
    """The goods' numbers of a solve: demand, supply, ship (million units/yr), price (USD/unit),
    charge (USD/unit), carbon (USD/t)."""
    def pick(name):
        return {key: val for (comp, key), val in values.items() if comp == name}

    price = {key: dual / ctx.weight[key[2]] for (name, key), dual in named.items() if name == "g_balance"}
    return {"demand": pick("g_demand"), "supply": pick("g_supply"), "ship": pick("g_ship"), "price": price,
            "charge": charges(scenario, carbon), "carbon": dict(carbon)}

