"""Benchmark: the model's solve against the same LP handed straight to highspy.

Builds a large single-period scenario (default 2,000 jurisdictions with 20-step MACs in 50
markets, every other pair of markets linked), solves it through ``model.solve`` and as the same
LP (one row per market, one column per block and per direction of trade) built with numpy and
passed to highspy, checks that both give the same prices, and prints
both times and their ratio. Run: ``python benchmarks/bench_single_period.py [N_JURISDICTIONS]``.
"""

import sys
import time

import numpy as np
from bench_multi_period import direct

import model


def scenario(n=2000, steps=20, markets=50, seed=1):
    rng = np.random.default_rng(seed)
    jur, mk = {}, {f"M{m}": {"members": [], "cap": 0.0} for m in range(markets)}
    for i in range(n):
        bau = float(rng.uniform(10, 200))
        costs = np.sort(rng.uniform(1, 300, steps))
        jur[f"J{i}"] = {"bau": bau, "mac": {"type": "steps", "steps": [{"quantity": bau / steps, "cost": float(c)} for c in costs]}}
        m = mk[f"M{i % markets}"]
        m["members"].append(f"J{i}")
        m["cap"] += bau * float(rng.uniform(0.5, 0.9))
    links = [[f"M{m}", f"M{m + 1}"] for m in range(0, markets - 1, 2)]
    return {"name": "benchmark", "jurisdictions": jur, "markets": mk, "links": links}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    raw = scenario(n)
    # warm up both (the first solve imports Pyomo and pandas, which ``import model`` leaves for later)
    model.solve(scenario(100))
    direct(scenario(100))
    t0 = time.perf_counter()
    res = model.solve(raw)
    t_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    prices = direct(raw)
    t_direct = time.perf_counter() - t0
    worst = max(abs(res.price(m) - p) for (m, _t), p in prices.items())
    print(f"{n} jurisdictions x 20 steps, {len(raw['markets'])} markets")
    print(f"model.solve: {t_model:.3f} s; highspy direct: {t_direct:.3f} s; ratio {t_model / t_direct:.2f}x (target <= 1.5x); "
          f"largest price difference {worst:.2e} USD/t")


if __name__ == "__main__":
    main()
