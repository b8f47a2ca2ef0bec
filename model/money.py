r"""The money ledger: who pays whom, for what, at which price.

Every payment the results report has a payer and a payee, so the world's payments net to zero,
and each party's total cost is its real cost (abatement and removals, or a service's resource
cost) plus its net payments. Summed over all parties, total costs are therefore the world's
abatement and removal costs plus transaction costs, whatever the prices.

Parties
-------
* ``J`` (kind ``jurisdiction``): the emitters of jurisdiction J (its covered firms, and as a
  credit host its project developers).
* ``J government`` (``government``): receives J's share of its markets' auction and reserve
  sales and of its taxes, and quota rents by convention.
* ``M exchange`` (``third party``): the clearing house of market (or credit programme) M, through
  which every trade at M's price passes. It buys and sells at M's price and pays for imports at
  the exporter's price, so its books balance at the optimum (its net is solver noise); a
  non-zero net would reveal a price that is not an equilibrium.
* ``M bank holders`` (``third party``): whoever holds M's bank; they pay for allowances banked
  and are paid for those drawn down. In a link group the bank may sit in any member market (one
  of many equal optima); it is booked where the solution puts it.
* ``transaction services`` (``third party``): paid the transaction cost of each unit traded;
  their real cost equals what they are paid.

Conventions
-----------
* A member's allowances (``allocation``) are its entitlement: the share ``auction_share`` of
  them is sold by its government, the rest is given free to its emitters. Allowances withheld at
  the floor, net intakes of a market stability reserve, and (with ``unsold: return``) withheld
  allowances sold again all change what governments sell, in proportion to their members'
  allowances; so do allowances sold at the ceiling or from a cost-containment reserve, and the
  tonnes a ``conduct`` shortfall excuses (treated as units issued by the government).
* A unit sent along a link from market a to market b is paid for at a's price (the exporter's
  price: a's permit price; a programme's credit price; for a sale without corresponding
  adjustment, the price that such sales earn, paid to a's members in proportion to their
  abatement). The importer's exchange pays it, plus the transaction cost to the transaction
  services and the quota rent of a binding import limit to the importer's governments (by
  default, as with auctioned import licences; ``quota_rent: exporter_government`` gives it to
  the exporter's). At the optimum the importer's price times the exchange rate equals the sum.
* Taxes are paid by emitters to their own government.
* Removals (:mod:`model.mechanisms.removals`) are carried out, and paid for, by the removing
  jurisdiction's emitters (party ``J``): the removal cost is in their real cost, and the
  exchange of the market where the removed tonnes count buys them as allowances at its price
  (item ``removals``).
* Traded goods (:mod:`model.mechanisms.goods`): the producers of a good in a region with a market
  (party ``G producers in R``) pay the exchange for the allowances their change in emissions
  from the reference point uses (the reference output's emissions are in the members' BAU and
  paid by them), at the permit price; the free allocation on that change is given them by the
  market's governments (item ``output-based allocation``); under a tax they pay it to the
  governments. Importers into a region with a border adjustment (``G importers in R``) pay the
  border charge to the governments of the region's market (item ``border adjustment``), in
  proportion to their members' allowances. The goods' own surplus (consumers', producers',
  transport) is in the ``goods`` frame, not in the ledger.

Units: quantities in Mt/yr, prices in USD/t, amounts in million USD per year (MUSD/yr).
"""

from __future__ import annotations

import math
from collections import defaultdict

from ._lazy import pd
from .mechanisms import removals

__all__ = ["payments", "parties", "PAYMENT_COLUMNS", "PARTY_COLUMNS", "government", "exchange"]

#: Columns of the payments table: (name, unit, meaning).
PAYMENT_COLUMNS = {
    "period": ("year", "period"),
    "payer": ("", "who pays"),
    "payee": ("", "who is paid"),
    "item": ("", "what for: allowances, auction, reserve sales, shortfall units, tax, bank, units, "
                 "transaction cost, quota rent, credits, eligibility premium, removals"),
    "market": ("", "the market, programme or link the payment belongs to"),
    "quantity_mt": ("MtCO2e/yr", "units paid for"),
    "price_usd_per_t": ("USD/tCO2e", "price per unit"),
    "amount_musd": ("million USD/yr", "quantity times price, >= 0 (paid by the payer to the payee)"),
}

#: Columns of the parties table: (name, unit, meaning).
PARTY_COLUMNS = {
    "party": ("", "party name"),
    "kind": ("", "`jurisdiction` (its emitters), `government` or `third party`"),
    "jurisdiction": ("", "the jurisdiction the party belongs to (empty for third parties)"),
    "period": ("year", "period"),
    "real_cost_musd": ("million USD/yr", "abatement and removal cost (emitters) or resource cost (transaction "
                       "services)"),
    "paid_musd": ("million USD/yr", "payments made"),
    "received_musd": ("million USD/yr", "payments received"),
    "net_payments_musd": ("million USD/yr", "paid - received"),
    "total_cost_musd": ("million USD/yr", "real cost + net payments"),
}


def government(jurisdiction: str) -> str:
    """Name of a jurisdiction's government as a party."""
    return f"{jurisdiction} government"


def exchange(market: str) -> str:
    """Name of a market's (or programme's) clearing house as a party."""
    return f"{market} exchange"


class _Book:
    """Collects payments, each with a payer and a payee and a non-negative amount."""

    def __init__(self):
        self.rows: list[dict] = []

    def pay(self, t, payer: str, payee: str, item: str, market: str, quantity: float, price: float):
        """Record ``quantity`` units at ``price`` from payer to payee (a negative quantity: the
        other way round)."""
        if price == 0 or quantity == 0 or math.isnan(price):
            return
        if quantity * price < 0:
            payer, payee, quantity = payee, payer, -quantity
        self.rows.append({"period": t, "payer": payer, "payee": payee, "item": item, "market": market,
                          "quantity_mt": quantity, "price_usd_per_t": price, "amount_musd": quantity * price})

    def split(self, t, payer: str, shares: dict[str, float], item: str, market: str, quantity: float, price: float,
              reverse: bool = False):
        """Pay ``quantity`` units to (or, with ``reverse``, from) parties in proportion to ``shares``."""
        for party, share in shares.items():
            if reverse:
                self.pay(t, party, payer, item, market, share * quantity, price)
            else:
                self.pay(t, payer, party, item, market, share * quantity, price)


def _member_shares(mk, t, covered: dict[tuple[str, str, int], float]) -> dict:
    """Jurisdiction -> share of the market's allowances in period t (by covered BAU when the cap is
    zero, equally when nothing is covered either)."""
    if mk.cap[t] > 0:
        return {j: mk.allowances[(j, t)] / mk.cap[t] for j in mk.members}
    total = sum(covered.get((j, mk.name, t), 0.0) for j in mk.members)
    if total > 0:
        return {j: covered.get((j, mk.name, t), 0.0) / total for j in mk.members}
    return {j: 1.0 / len(mk.members) for j in mk.members}


def _price(sol, name, t) -> float:
    p = sol.price.get((name, t), 0.0)
    return 0.0 if math.isnan(p) else p


def payments(scenario, sol) -> pd.DataFrame:
    """Every payment of the solution: one row per payer, payee, item and period (see
    :data:`PAYMENT_COLUMNS`)."""
    book = _Book()
    emissions = {key: seg.bau - sol.abatement[key] for key, seg in sol.segments.items()}
    covered = {key: seg.bau for key, seg in sol.segments.items()}
    for t in scenario.periods:
        for mk in scenario.markets.values():
            _market_payments(book, scenario, sol, mk, t, emissions, covered)
        for c in scenario.credits.values():
            for h in c.hosts:
                book.pay(t, exchange(c.name), h, "credits", c.name, sol.issued.get((h, c.name, t), 0.0),
                         _price(sol, c.name, t))
                if any(link.eligible is not None and link.markets[0] == c.name for link in scenario.links):
                    book.pay(t, exchange(c.name), h, "eligibility premium", c.name,
                             sol.issued.get((h, c.name, t), 0.0), _host_premium(sol, c, h, t))
    for (j, t), r in sol.removed.items():  # removed tonnes: allowances sold to the market's exchange
        n = removals.owner(scenario, j)
        book.pay(t, exchange(n), j, "removals", n, r, _price(sol, n, t))
    for (i, a, b, t), flow in sol.flows.items():
        if flow > 0:
            _link_payments(book, scenario, sol, i, a, b, t, flow, covered)
    if scenario.goods:
        _goods_payments(book, scenario, sol, covered)
    return pd.DataFrame(book.rows, columns=list(PAYMENT_COLUMNS))


def _market_payments(book: _Book, scenario, sol, mk, t, emissions: dict[tuple[str, str, int], float], covered: dict[tuple[str, str, int], float]) -> None:
    n = mk.name
    if mk.tax is not None:
        for j in mk.members:
            book.pay(t, j, government(j), "tax", n, emissions.get((j, n, t), 0.0), mk.tax[t])
    if not mk.capped:
        return
    price = _price(sol, n, t)
    alpha = mk.auction_share[t]
    shares = _member_shares(mk, t, covered)
    years = scenario.years(t)
    for j in mk.members:
        free = (1.0 - alpha) * mk.allowances[(j, t)]
        book.pay(t, j, exchange(n), "allowances", n, emissions.get((j, n, t), 0.0) - free, price)
    auctioned = (alpha * mk.cap[t] - sol.withheld.get((n, t), 0.0) + sol.returned.get((n, t), 0.0)
                 - sol.msr_intake.get((n, t), 0.0) / years)
    book.split(t, exchange(n), {government(j): s for j, s in shares.items()}, "auction", n, auctioned, price)
    book.split(t, exchange(n), {government(j): s for j, s in shares.items()}, "reserve sales", n,
               sol.extra.get((n, t), 0.0), price)
    book.split(t, exchange(n), {government(j): s for j, s in shares.items()}, "shortfall units", n,
               sol.shortfall.get((n, t), 0.0), price)
    if mk.banking:
        i = scenario.periods.index(t)
        before = sol.bank.get((n, scenario.periods[i - 1]), 0.0) if i else mk.initial_bank
        book.pay(t, f"{n} bank holders", exchange(n), "bank", n, (sol.bank.get((n, t), 0.0) - before) / years, price)


def _link_payments(book: _Book, scenario, sol, i, a, b, t, flow, covered: dict[tuple[str, str, int], float]) -> None:
    link = scenario.links[i]
    label = link.label
    buyer = exchange(b)
    if a in scenario.credits:
        book.pay(t, buyer, exchange(a), "units", label, flow, _price(sol, a, t))
        hosts = scenario.credits[a].hosts
        issued = {h: sol.issued.get((h, a, t), 0.0) for h in hosts}
        total = sum(issued.values())
        exporters = {h: (issued[h] / total if total > 0 else 1.0 / len(hosts)) for h in hosts}
    else:
        mk = scenario.markets[a]
        exporters = _member_shares(mk, t, covered)
        if link.corresponding_adjustment:
            book.pay(t, buyer, exchange(a), "units", label, flow, _price(sol, a, t))
        else:
            abated = {j: sol.abatement.get((j, a, t), 0.0) for j in mk.members}
            total = sum(abated.values())
            sellers = {j: (q / total if total > 0 else 1.0 / len(abated)) for j, q in abated.items()}
            book.split(t, buyer, sellers, "units", label, flow, sol.sale_price.get((a, t), 0.0))
    cost = link.transaction_cost[t] if link.transaction_cost else 0.0
    book.pay(t, buyer, "transaction services", "transaction cost", label, flow, cost)
    rent = sol.quota_rent.get((i, b, t), 0.0)
    if link.eligible is not None:  # the buyer's price less everything else it pays: the premium
        premium = max(0.0, link.rate(a, b) * _price(sol, b, t) - _price(sol, a, t) - cost - rent)
        book.pay(t, buyer, exchange(a), "eligibility premium", label, flow, premium)
    if link.quota_rent == "importer_government":
        holders = {government(j): s for j, s in _member_shares(scenario.markets[b], t, covered).items()}
    else:
        holders = {government(j): s for j, s in exporters.items()}
    book.split(t, buyer, holders, "quota rent", label, flow, rent)


def _host_premium(sol, c, h, t) -> float:
    """What an eligible host earns per credit above the credit price (USD/t): its price per
    tonne abated times the additionality share, less the credit price (0 for others)."""
    value = sol.segment_price.get((h, c.name, t), 0.0) * c.additionality[t]
    return max(0.0, value - _price(sol, c.name, t))


def _goods_payments(book: _Book, scenario, sol, covered: dict) -> None:
    gs = sol.goods
    for g, good in scenario.goods.items():
        for t in scenario.periods:
            for r, v in good.regions.items():
                if v.market is None:
                    continue
                mk = scenario.markets[v.market]
                govs = {government(j): s for j, s in _member_shares(mk, t, covered).items()} if mk.capped else \
                    {government(j): 1.0 / len(mk.members) for j in mk.members}
                producers = f"{g} producers in {r}"
                change = v.intensity * (gs["supply"][(g, r, t)] - v.supply)
                if mk.capped:
                    price = _price(sol, v.market, t)
                    book.pay(t, producers, exchange(v.market), "allowances", v.market, change, price)
                    book.split(t, producers, govs, "output-based allocation", v.market,
                               v.free_allocation[t] * change, price, reverse=True)
                if mk.tax is not None:
                    share = 1.0 if mk.capped else 1.0 - v.free_allocation[t]
                    book.split(t, producers, govs, "tax", v.market, share * change, mk.tax[t])
                if v.border_adjustment:
                    for (a, b) in good.transport:
                        if b == r:
                            book.split(t, f"{g} importers in {r}", govs, "border adjustment", v.market,
                                       gs["ship"][(g, a, b, t)], gs["charge"][(g, a, b, t)])


def abatement_costs(sol) -> dict:
    """(jurisdiction, owner, period) -> abatement cost of the segment, MUSD/yr."""
    return {key: seg.mac.cost(sol.abatement[key], seg.bau) for key, seg in sol.segments.items()}


def parties(scenario, sol, pays: pd.DataFrame, costs: dict | None = None) -> pd.DataFrame:
    """Each party's real cost, payments and total cost per period (see :data:`PARTY_COLUMNS`).

    Every jurisdiction and its government appear in every period; third parties appear where
    they are paid or pay. ``costs``: the segments' abatement costs (:func:`abatement_costs`),
    when the caller has them.
    """
    real: dict = defaultdict(float)
    for (j, _o, t), cost in (abatement_costs(sol) if costs is None else costs).items():
        real[(j, t)] += cost
    for (j, t), r in sol.removed.items():
        real[(j, t)] += removals.cost(scenario.jurisdictions[j], r)
    for (i, _a, _b, t), flow in sol.flows.items():
        cost = scenario.links[i].transaction_cost
        if cost is not None:
            real[("transaction services", t)] += cost[t] * flow
    paid = pays.groupby(["payer", "period"])["amount_musd"].sum().to_dict()
    received = pays.groupby(["payee", "period"])["amount_musd"].sum().to_dict()
    kind = {}
    for j in scenario.jurisdictions:
        kind[j] = ("jurisdiction", j)
        kind[government(j)] = ("government", j)
    names = list(kind) + sorted({p for p, _t in list(paid) + list(received) + list(real)} - set(kind))
    rows = []
    for t in scenario.periods:
        for p in names:
            k, j = kind.get(p, ("third party", ""))
            if k == "third party" and (p, t) not in paid and (p, t) not in received and (p, t) not in real:
                continue
            out, into, cost = paid.get((p, t), 0.0), received.get((p, t), 0.0), real.get((p, t), 0.0)
            rows.append({"party": p, "kind": k, "jurisdiction": j, "period": t, "real_cost_musd": cost,
                         "paid_musd": out, "received_musd": into, "net_payments_musd": out - into,
                         "total_cost_musd": cost + out - into})
    return pd.DataFrame(rows, columns=list(PARTY_COLUMNS))
