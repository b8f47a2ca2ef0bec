"""Random scenarios in the public format, for trying sweeps and for benchmarks.

:func:`random_markets` draws ``n`` jurisdictions with linear and step cost curves (only steps:
an LP), shares them among ``markets`` markets capped 5-30% below their members' BAU, and links
every other pair of markets; the same seed gives the same scenario.
"""

from __future__ import annotations

import numpy as np

__all__ = ["random_markets"]


def random_markets(n: int = 50, markets: int = 10, seed: int = 3, steps_only: bool = False,
                   periods: tuple = (), banking: bool = False, name: str = "random markets") -> dict:
    """A scenario dict: ``n`` jurisdictions (BAU 10-200 Mt/yr; every other one a linear MAC of
    slope 0.5-5 USD/t per Mt, the rest eight steps of BAU/8 Mt at 1-300 USD/t), ``markets``
    markets, every other pair of markets linked. With ``periods`` (two or more years) the
    scenario has those periods, a 3% discount rate and, with ``banking``, banking markets."""
    rng = np.random.default_rng(seed)
    jur, mk = {}, {f"M{m}": {"members": [], "cap": 0.0} for m in range(markets)}
    for i in range(n):
        bau = float(rng.uniform(10, 200))
        if i % 2 or steps_only:
            costs = np.sort(rng.uniform(1, 300, 8))
            mac = {"type": "steps", "steps": [{"quantity": bau / 8, "cost": float(c)} for c in costs]}
        else:
            mac = {"type": "linear", "slope": float(rng.uniform(0.5, 5))}
        jur[f"J{i}"] = {"bau": bau, "mac": mac}
        m = mk[f"M{i % markets}"]
        m["members"].append(f"J{i}")
        m["cap"] += round(bau * float(rng.uniform(0.7, 0.95)), 3)
    raw = {"name": name, "jurisdictions": jur, "markets": mk,
           "links": [[f"M{m}", f"M{m + 1}"] for m in range(0, markets - 1, 2)]}
    if len(periods) > 1:
        raw["periods"] = list(periods)
        raw["discount_rate"] = 0.03
        for m in mk.values():
            m["banking"] = banking
    return raw
