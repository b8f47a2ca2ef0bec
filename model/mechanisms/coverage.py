r"""Coverage: which share of each member's emissions a market covers.

A jurisdiction :math:`j` in market :math:`m` with coverage :math:`s_{mt}` owns a *segment*
:math:`(j, m, t)` with BAU :math:`s_{mt} E^{BAU}_{jt}` and the curve :math:`MAC_j(q / s_{mt})`
(:meth:`model.mac.MAC.share`): the covered segment holds that share of every abatement option.
A host of a credit programme owns the segment of its uncovered emissions. A jurisdiction may be
in several markets if their coverages add up to at most 1; emissions in no segment stay at BAU.
"""

from __future__ import annotations

from ..keys import REQUIRED, Key
from ..spec import Jurisdiction, Raw, Scenario, Segment

DUALS: tuple = ()  # rows whose duals this mechanism reports: none

KEYS = [
    Key("markets.NAME.members", "list of names", "", "required",
        "Jurisdictions covered. A jurisdiction may be in several markets if their `coverage` adds "
        "up to at most 1; one in none is uncapped.", REQUIRED),
    Key("markets.NAME.coverage", "number or {year: number}", "share", "1",
        "Share of each member's BAU the market covers, 0..1. The covered segment holds that share "
        "of every abatement option: its MAC is MAC(q / coverage). Uncovered emissions stay at BAU.", 1.0),
]


def read(r, mp: str, mraw: Raw, periods: tuple, jurisdictions: dict[str, Jurisdiction], coverage_used: dict[tuple, object]) -> tuple[tuple, dict]:
    """Members and coverage of market ``mp``; ``coverage_used`` accumulates (jurisdiction, period)
    -> share covered so far, and ("owners", jurisdiction) -> the markets covering it."""
    if isinstance(mraw["members"], list) and not mraw["members"]:
        r.fail(f"{mp}.members", "is empty: a market needs at least one member")
    members = r.name_list(mraw["members"], f"{mp}.members", jurisdictions, "jurisdiction")
    coverage = r.per_period(mraw.get("coverage", 1.0), f"{mp}.coverage", periods, share=True)
    mname = mp.split(".", 1)[1]
    for i, j in enumerate(members):
        for t in periods:
            before = coverage_used.get((j, t), 0.0)
            used = before + coverage[t]
            if used > 1 + 1e-9:
                when = "" if len(periods) == 1 else f" in {t}"
                others = ", ".join(f"'{o}'" for o in coverage_used.get(("owners", j), []))
                r.fail(f"{mp}.members[{i}]", f"jurisdiction '{j}' is already a member of market {others} covering "
                                             f"{before:g} of it{when}; with coverage {coverage[t]:g} here the total "
                                             f"{used:g} exceeds 1 (lower the coverages, or link the markets instead)")
            coverage_used[(j, t)] = used
        coverage_used.setdefault(("owners", j), []).append(mname)
    return members, coverage


def segments(scenario: Scenario) -> dict[tuple[str, str, int], Segment]:
    """The emission segments: (jurisdiction, owner, period) -> :class:`~model.spec.Segment`.

    The owner is a market (the covered share of each member) or a credit programme (the
    uncovered share of each host). Segments with a zero share are left out.
    """
    out = {}
    used: dict[tuple[str, int], float] = {}
    # ordered by owner, period and member: the columns of each allowance balance sit together
    # in the model, which HiGHS's simplex solves faster than the same LP ordered by member
    for mk in scenario.markets.values():
        for t in scenario.periods:
            share = mk.coverage[t]
            for j in mk.members:
                used[(j, t)] = used.get((j, t), 0.0) + share
                if share > 0:
                    jur = scenario.jurisdictions[j]
                    out[(j, mk.name, t)] = Segment(share * jur.bau[t], jur.mac.share(share), share)
    for c in scenario.credits.values():
        for t in scenario.periods:
            for h in c.hosts:
                jur = scenario.jurisdictions[h]
                share = max(0.0, 1.0 - used.get((h, t), 0.0))
                if share > 1e-12:
                    out[(h, c.name, t)] = Segment(share * jur.bau[t], jur.mac.share(share), share)
    return out


def variables(m, ctx) -> None:
    """Nothing to add: the segments' abatement is :mod:`model.mechanisms.abatement`'s."""


def rows(m, ctx) -> None:
    """Nothing to add."""
