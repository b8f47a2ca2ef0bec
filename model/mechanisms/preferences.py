r"""Buyers' preferences: eligible hosts on a credit link, and a minimum purchase of tagged credits.

**Eligibility.** A jurisdiction may belong to groups (``groups: [LDC, SIDS]``). A one-way link
from credit programme :math:`c` with ``eligible: [LDC, SIDS]`` carries only credits issued to
hosts in one of those groups (the EU's rule for CERs after 2012: new projects only from least
developed countries). Credits are not tracked host by host, so the rule is written as the
condition under which the programme's credits *can* be routed host by host (Gale's theorem for
a transportation problem; every unrestricted link takes any host's credits, and credits issued
equal credits sold): for every non-empty set :math:`S` of restricted links of :math:`c`,

.. math:: \sum_{\ell \in S} F_{\ell t} \;\le\; \sum_{h \in H(S)} Q_{cht}
   \qquad (\text{dual } \mu_{St} \ge 0),

with :math:`H(S)` the hosts in a group some link of :math:`S` accepts. Only the largest
:math:`S` for each :math:`H(S)` can bind, so the rows run over the non-empty sets of distinct
eligibility lists, each with every link that has one of them. The rows are linear, so the model
stays a convex LP/QP; a programme may have at most :data:`MAX_RESTRICTED` distinct lists
(:math:`2^k - 1` rows each period). With one restricted link the single row says: the
link carries no more than the eligible hosts issue. Its dual is the *eligibility premium*: the
buyer behind the link pays the credit price plus :math:`\sum_{S \ni \ell}\mu_{St}` per credit,
and an eligible host earns the credit price plus :math:`\sum_{S: h \in H(S)} \mu_{St}`; by
complementary slackness the premia paid equal the premia earned (the money ledger books them as
``eligibility premium``).

**Minimum purchase (priority purchasing).** A credit programme may carry tags
(``tags: [chinese_investor]``); a market with ``minimum_purchase: {chinese_investor: 0.5}``
buys at least that share of the credits it imports from programmes with the tag:

.. math:: \sum_{\ell: c \to n,\; g \in \mathrm{tags}(c)} F_{\ell t} \;\ge\;
   s_{ngt} \sum_{\ell: c \to n} F_{\ell t} \qquad (\text{dual } \nu_{ngt} \ge 0),

counted in units (credits) over the market's one-way links from credit programmes. When it
binds, the market pays :math:`\nu(1-s)` more than its own price for a tagged credit and
:math:`\nu s` less for an untagged one, so its exchange still balances.
"""

from __future__ import annotations

import itertools

from .._lazy import pyo
from ..keys import Key

#: Rows whose duals this mechanism reports (none: premia are read off the prices).
DUALS: tuple = ()

#: Most distinct eligibility lists on one programme's links (the rows grow as 2^k - 1).
MAX_RESTRICTED = 6

KEYS = [
    Key('jurisdictions.NAME.groups', 'list of strings', '', 'none',
        'Country groups the jurisdiction belongs to (e.g. `LDC`, `SIDS`), named by the `eligible` '
        'rule of links from credit programmes.'),
    Key('credits.NAME.tags', 'list of strings', '', 'none',
        "Labels of the programme (e.g. `chinese_investor`), named by a market's `minimum_purchase`."),
    Key('links[i].eligible', 'list of strings', '', 'none (every host)',
        'On a one-way link from a credit programme: only credits issued to hosts in one of these '
        'groups (`jurisdictions.NAME.groups`) may flow through the link.'),
    Key('markets.NAME.minimum_purchase', '{tag: number or {year: number}}', 'share of credits imported', 'none',
        'Priority purchasing: at least this share of the credits the market imports from credit '
        'programmes must come from programmes carrying the tag (`credits.NAME.tags`).'),
]


def _labels(r, raw, path: str) -> tuple:
    if not isinstance(raw, list) or not all(isinstance(x, str) and x for x in raw):
        r.fail(path, f"must be a list of names such as [LDC, SIDS] (got {r.describe(raw)})")
    if len(set(raw)) != len(raw):
        r.fail(path, "lists a name twice")
    return tuple(raw)


def read_groups(r, jraw: dict, jp: str) -> tuple:
    """``jurisdictions.NAME.groups``: a tuple of group names (empty when absent)."""
    return () if jraw.get("groups") is None else _labels(r, jraw["groups"], f"{jp}.groups")


def read_tags(r, craw: dict, cp: str) -> tuple:
    """``credits.NAME.tags``: a tuple of labels (empty when absent)."""
    return () if craw.get("tags") is None else _labels(r, craw["tags"], f"{cp}.tags")


def read_eligible(r, lp: str, raw: dict, names: tuple, direction: str, credits: dict) -> tuple | None:
    """``links[i].eligible``: group names, on a one-way link from a credit programme only."""
    if raw.get("eligible") is None:
        return None
    if direction != "one-way" or names[0] not in credits:
        r.fail(f"{lp}.eligible", "applies only to a one-way link from a credit programme (put the programme first)")
    return _labels(r, raw["eligible"], f"{lp}.eligible")


def read_minimum_purchase(r, mp: str, mraw: dict, periods: tuple) -> dict | None:
    """``markets.NAME.minimum_purchase``: {tag: {period: share}} or None."""
    raw = mraw.get("minimum_purchase")
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw:
        r.fail(f"{mp}.minimum_purchase", f"must be a mapping tag -> share, e.g. {{chinese_investor: 0.5}} "
                                         f"(got {r.describe(raw)})")
    return {tag: r.per_period(v, f"{mp}.minimum_purchase.{tag}", periods, share=True) for tag, v in raw.items()}


def check(r, jurisdictions: dict, markets: dict, credits: dict, links: list) -> None:
    """Names used by the rules must exist: groups some host of the programme has, tags some
    programme carries; and at most :data:`MAX_RESTRICTED` restricted links per programme."""
    for i, link in enumerate(links):
        if link.eligible is None:
            continue
        known = {g for h in credits[link.markets[0]].hosts for g in jurisdictions[h].groups}
        for k, g in enumerate(link.eligible):
            if g not in known:
                r.fail(f"links[{i}].eligible[{k}]", f"no host of programme '{link.markets[0]}' is in group '{g}' "
                                                    "(give hosts `groups` under `jurisdictions`)")
    for c in credits:
        if len(classes(links, c)) > MAX_RESTRICTED:
            r.fail("links", f"programme '{c}' sells through links with more than {MAX_RESTRICTED} different "
                            "`eligible` lists")
    tags = {t for c in credits.values() for t in c.tags}
    for n, mk in markets.items():
        for tag in getattr(mk, "minimum_purchase", None) or {}:
            if tag not in tags:
                r.fail(f"markets.{n}.minimum_purchase.{tag}", f"no credit programme carries the tag '{tag}'")


def restricted(links, c: str) -> list[int]:
    """Indices of the links from programme ``c`` with an eligibility rule."""
    return [i for i, link in enumerate(links) if link.eligible is not None and link.markets[0] == c]


def classes(links, c: str) -> list[tuple[int, ...]]:
    """The restricted links of programme ``c`` grouped by their eligibility list."""
    out: dict = {}
    for i in restricted(links, c):
        out.setdefault(frozenset(links[i].eligible), []).append(i)
    return [tuple(v) for v in out.values()]


def eligible_hosts(scenario, links_idx) -> list[str]:
    """Hosts of the programme whose groups meet the eligibility of any link in ``links_idx``."""
    groups = {g for i in links_idx for g in scenario.links[i].eligible}
    c = scenario.links[links_idx[0]].markets[0]
    return [h for h in scenario.credits[c].hosts if set(scenario.jurisdictions[h].groups) & groups]


def variables(m, ctx) -> None:
    pass


def rows(m, ctx) -> None:
    sc = ctx.scenario
    elig = []
    for c in sc.credits:
        R = classes(sc.links, c)
        for k in range(1, len(R) + 1):
            for S in itertools.combinations(R, k):
                elig += [(c, tuple(i for cls in S for i in cls), t) for t in sc.periods]
    keys = list(range(len(elig)))

    def eligible_row(_m, k):
        c, S, t = elig[k]
        hosts = eligible_hosts(sc, S)
        supply = [m.issued[h, c, t] for h in hosts if (h, c, t) in m.issued]
        flows = [m.flow[i, c, sc.links[i].markets[1], t] for i in S]
        return pyo.quicksum(flows) <= pyo.quicksum(supply) if supply else pyo.quicksum(flows) <= 0
    m.eligible = pyo.Constraint(keys, rule=eligible_row,
                                doc="credits through restricted links <= credits issued to eligible hosts")

    from .links import edges
    mins = [(n, tag, t) for n, mk in sc.markets.items() for tag in (getattr(mk, "minimum_purchase", None) or {})
            for t in sc.periods]

    def minimum_row(_m, n, tag, t):
        into = [(i, a) for (i, a, b) in edges(sc) if b == n and a in sc.credits]
        tagged = [m.flow[i, a, n, t] for (i, a) in into if tag in sc.credits[a].tags]
        share = sc.markets[n].minimum_purchase[tag][t]
        total = pyo.quicksum(m.flow[i, a, n, t] for (i, a) in into)
        if not into or share <= 0:
            return pyo.Constraint.Skip
        return pyo.quicksum(tagged) >= share * total
    m.minimum_purchase = pyo.Constraint(mins, rule=minimum_row,
                                        doc="tagged credits >= share x credits imported (priority purchasing)")
