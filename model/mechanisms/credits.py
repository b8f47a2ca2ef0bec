r"""Credit programmes (CDM, Article 6.4, ...): credits for abatement by hosts below a baseline.

A host :math:`h` of programme :math:`c` owns the segment of its uncovered emissions. It earns
credits :math:`Q_{cht}` for abatement below its crediting baseline :math:`b_{ht}`:

.. math:: a_{ct} Q_{cht} \le q_{ht} - (E^{BAU}_{ht} - b_{ht}) \qquad (\text{dual: the host's price}),

with :math:`a` the additionality share (the *proportional* reading: each real tonne earns
:math:`1/a` credits). ``anyway`` raises the baseline above BAU by a block of tonnes that would
have happened anyway (the *block* reading). A baseline below BAU makes the host abate the first
tonnes itself, unpaid. Credits issued are credits sold (dual: the credit price):
:math:`\sum_h Q_{cht} = \sum_{c\to\ell} F_{\ell t}`.
"""

from __future__ import annotations

from .._lazy import pyo
from ..keys import REQUIRED, Key
from ..spec import Credits, Duals, Jurisdiction, Segments

#: Rows whose duals this mechanism reports (see its price functions).
DUALS = ("supply", "credit",)

KEYS = [
    Key('credits.NAME.hosts', 'list of names', '', 'required',
        'Jurisdictions whose uncovered emissions earn credits. A host is in one programme at most.', REQUIRED),
    Key('credits.NAME.baseline', '`bau` or {host: number or {year: number}}', 'MtCO2e/yr', '`bau`',
        "Crediting baseline of each host's uncovered emissions. Below BAU, the host makes the first "
        'BAU - baseline tonnes itself, unpaid; above BAU, credits are issued for no reduction.', "bau"),
    Key('credits.NAME.additionality', 'number or {year: number}', 'share', '1',
        'Share of credited tonnes that are real reductions, in (0, 1]: a host abating R tonnes is '
        'issued R / additionality credits.', 1.0),
    Key('credits.NAME.anyway', 'number or {host: number or {year: number}}', 'MtCO2e/yr', '0',
        'The block reading of non-additionality: each host is credited this many tonnes per year that '
        'would have happened anyway (its crediting baseline is raised above `baseline` by this '
        'amount). The proportional reading is `additionality`; the two may be combined.', 0.0),
]


def read(r, cname: str, craw, periods: tuple, jurisdictions: dict[str, Jurisdiction], hosted: dict[str, str], coverage_used: dict[tuple, object]) -> Credits:
    """A programme from ``credits.NAME``; ``hosted`` maps hosts to their programme so far."""
    from ..keys import allowed
    from . import preferences

    cp = f"credits.{cname}"
    r.mapping(craw, cp, allowed=allowed(KEYS + preferences.KEYS, "credits.NAME") | {"description"}, required=("hosts",))
    hosts = r.name_list(craw["hosts"], f"{cp}.hosts", jurisdictions, "jurisdiction")
    for i, h in enumerate(hosts):
        if h in hosted:
            r.fail(f"{cp}.hosts[{i}]", f"jurisdiction '{h}' already hosts programme '{hosted[h]}' (one programme per host)")
        hosted[h] = cname
    anyway = _read_anyway(r, cp, craw.get("anyway"), hosts, periods)
    baseline = _read_baseline(r, cp, craw.get("baseline", "bau"), hosts, periods, jurisdictions, coverage_used)
    baseline = {key: v + anyway[key] for key, v in baseline.items()}
    for i, h in enumerate(hosts):
        if all(baseline[(h, t)] <= 0 and (coverage_used.get((h, t), 0.0) >= 1 - 1e-9 or jurisdictions[h].bau[t] <= 0)
               for t in periods):
            owners = coverage_used.get(("owners", h))
            why = (f"market{'s' if len(owners) > 1 else ''} {', '.join(repr(o) for o in owners)} "
                   f"cover{'' if len(owners) > 1 else 's'} all of its emissions" if owners else "its BAU is 0")
            r.fail(f"{cp}.hosts[{i}]",
                   f"jurisdiction '{h}' has no uncovered emissions in any period ({why}), so it can earn no "
                   "credits: credits are for abatement outside every cap. Lower the market's `coverage`, "
                   "or remove the host")
    additionality = r.per_period(craw.get("additionality", 1.0), f"{cp}.additionality", periods, strict=True, share=True)
    return Credits(cname, hosts, baseline, additionality, r.string(craw.get("description", ""), f"{cp}.description"),
                   anyway=anyway, tags=preferences.read_tags(r, craw, cp))


def _read_baseline(r, cp: str, raw, hosts: tuple, periods: tuple, jurisdictions: dict[str, Jurisdiction], coverage_used: dict[tuple, object]) -> dict:
    """(host, period) -> crediting baseline, Mt/yr (`bau`: the host's uncovered emissions)."""
    if raw != "bau":
        if not isinstance(raw, dict):
            r.fail(f"{cp}.baseline", f"must be 'bau' or a mapping host -> Mt (got {r.describe(raw)})")
        r.mapping(raw, f"{cp}.baseline", allowed=set(hosts))
    out = {}
    for h in hosts:
        if raw == "bau" or h not in raw:
            out.update({(h, t): (1 - coverage_used.get((h, t), 0.0)) * jurisdictions[h].bau[t] for t in periods})
        else:
            out.update({(h, t): v for t, v in r.per_period(raw[h], f"{cp}.baseline.{h}", periods).items()})
    return out


def _read_anyway(r, cp: str, raw, hosts: tuple, periods: tuple) -> dict:
    """(host, period) -> anyway-tonnes credited, Mt/yr: a number, a {year: number} map or a
    {host: number or {year: number}} map."""
    out = {(h, t): 0.0 for h in hosts for t in periods}
    if isinstance(raw, dict) and not set(raw) <= set(periods):
        r.mapping(raw, f"{cp}.anyway", allowed=set(hosts))
        for h, v in raw.items():
            out.update({(h, t): x for t, x in r.per_period(v, f"{cp}.anyway.{h}", periods).items()})
    elif raw is not None:
        per = r.per_period(raw, f"{cp}.anyway", periods)
        out.update({(h, t): per[t] for h in hosts for t in periods})
    return out


def baseline_gap(scenario, segs: Segments) -> dict[tuple[str, str, int], float]:
    """(host, programme, period) -> BAU minus baseline of the host segment (Mt/yr; may be < 0)."""
    out = {}
    for c in scenario.credits.values():
        for h in c.hosts:
            for t in scenario.periods:
                bau = segs[(h, c.name, t)].bau if (h, c.name, t) in segs else 0.0
                out[(h, c.name, t)] = bau - c.baseline[(h, t)]
    return out


def variables(m, ctx) -> None:
    sc = ctx.scenario
    m.issued = pyo.Var([(h, c.name, t) for c in sc.credits.values() for h in c.hosts for t in sc.periods
                        if (h, c.name, t) in ctx.segs], bounds=(0.0, None), doc="credits issued to a host, per year")


def rows(m, ctx) -> None:
    sc, gap = ctx.scenario, baseline_gap(ctx.scenario, ctx.segs)
    with_blocks = [k for k, g in gap.items() if g > 0 and k in ctx.segs and k not in getattr(m, "abate", {})]
    m.own_effort = pyo.Constraint(with_blocks, rule=lambda _m, j, o, t: ctx.q(j, o, t) >= ctx.Q(gap[(j, o, t)]),
                                  doc="a host abates down to its crediting baseline before earning credits")
    m.credit = pyo.Constraint(list(m.issued), rule=lambda _m, h, c, t: sc.credits[c].additionality[t]
                              * m.issued[h, c, t] <= ctx.q(h, c, t) - ctx.Q(gap[(h, c, t)]),
                              doc="credits: additionality x issued <= abatement below the baseline")
    from .links import flows_out

    m.supply = pyo.Constraint(list(sc.credits), list(sc.periods), rule=lambda _m, c, t: (
        pyo.quicksum(m.issued[h, c, t] for h in sc.credits[c].hosts if (h, c, t) in m.issued)
        == pyo.quicksum(flows_out(m, ctx, c, t))), doc="credits issued = credits sold")


def prices(scenario, ctx, named: Duals) -> tuple[dict, dict]:
    """Credit prices ((programme, period) -> USD/t) and hosts' prices ((host, programme, period)
    -> USD per tonne abated: the credit price divided by the additionality share)."""
    price = {(c, t): max(0.0, named.get(("supply", (c, t)), 0.0)) / ctx.weight[t]
             for c in scenario.credits for t in scenario.periods}
    host = {(j, o, t): max(0.0, -named.get(("credit", (j, o, t)), 0.0)) / ctx.weight[t]
            for (j, o, t) in ctx.segs if o in scenario.credits}
    return price, host
