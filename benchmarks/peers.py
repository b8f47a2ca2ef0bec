"""Peers of the benchmarks: the same LP in linopy, and peak memory measured in subprocesses.

``linopy_prices(raw)`` builds the LP of :func:`bench_multi_period.direct` (step MACs, absolute caps,
banking, plain two-way links) with linopy's array API and solves it with HiGHS. ``peak_rss(which,
...)`` runs one solve in a fresh interpreter and returns its peak resident memory (MB).
"""

import json
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np


def linopy_prices(raw):
    """Undiscounted prices per (market, period) from the LP built and solved through linopy."""
    import linopy
    import pandas as pd
    import xarray as xr

    years = raw.get("periods", [0])
    r = raw.get("discount_rate", 0.0)
    names = list(raw["markets"])
    jurs = list(raw["jurisdictions"])
    steps = len(raw["jurisdictions"][jurs[0]]["mac"]["steps"])
    owner = {j: m for m in names for j in raw["markets"][m]["members"]}
    qty = np.array([[s["quantity"] for s in raw["jurisdictions"][j]["mac"]["steps"]] for j in jurs])
    cost = np.array([[s["cost"] for s in raw["jurisdictions"][j]["mac"]["steps"]] for j in jurs])
    d = xr.DataArray([(1 + r) ** -(t - years[0]) for t in years], coords={"period": years})
    cj = {"jur": jurs, "step": range(steps)}
    m = linopy.Model()
    block = m.add_variables(lower=0, upper=xr.DataArray(qty, coords=cj).expand_dims(period=years), name="block")
    bank = m.add_variables(lower=0, coords=[pd.Index(names, name="market"), pd.Index(years, name="period")],
                           name="bank")
    edges = [(a, b) for a, b in raw["links"]] + [(b, a) for a, b in raw["links"]]
    flow = m.add_variables(lower=0, coords=[pd.Index(range(len(edges)), name="edge"), pd.Index(years, name="period")],
                           name="flow")
    m.add_objective((block * (xr.DataArray(cost, coords=cj) * d)).sum())
    market_of = xr.DataArray([owner[j] for j in jurs], coords={"jur": jurs}, name="market")
    supply = block.sum("step").groupby(market_of).sum()
    into = np.zeros((len(names), len(edges)))
    for e, (a, b) in enumerate(edges):
        into[names.index(b), e] += 1.0
        into[names.index(a), e] -= 1.0
    trade = (flow * xr.DataArray(into, coords={"market": names, "edge": range(len(edges))})).sum("edge")
    banked = bank.shift(period=1).fillna(0) - bank if hasattr(bank, "fillna") else bank.shift(period=1) - bank
    lhs = supply + trade + banked
    need = np.zeros((len(names), len(years)))
    for i, mk in enumerate(names):
        market = raw["markets"][mk]
        bau = sum(raw["jurisdictions"][j]["bau"] for j in market["members"])
        for k, t in enumerate(years):
            cap = market["cap"][t] if isinstance(market["cap"], dict) else market["cap"]
            need[i, k] = bau - cap
    balance = m.add_constraints(lhs == xr.DataArray(need, coords={"market": names, "period": years}), name="balance")
    m.solve(solver_name="highs", output_flag=False, progress=False)
    dual = balance.dual
    return {(mk, t): float(dual.sel(market=mk, period=t)) / float(d.sel(period=t)) for mk in names for t in years}


def _child(which, n, periods):
    sys.path.insert(0, str(Path(__file__).parent))
    import bench_multi_period as bench

    raw = bench.scenario(n, periods)
    if which == "model":
        import model

        model.solve(raw)
    elif which == "linopy":
        linopy_prices(raw)
    else:
        bench.direct(raw)
    # VmHWM: the peak resident set of this process's own address space (ru_maxrss would carry
    # the parent's peak over the fork)
    status = Path("/proc/self/status").read_text().splitlines()
    hwm = next((float(line.split()[1]) for line in status if line.startswith("VmHWM:")), None)
    print(json.dumps((hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024))


def peak_rss(which, n, periods):
    """Peak resident memory (MB) of one solve by ``which`` (model, highspy, linopy) in a fresh process."""
    out = subprocess.run([sys.executable, __file__, which, str(n), str(periods)], capture_output=True, text=True,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
