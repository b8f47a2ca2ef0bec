"""Benchmark: a sweep of cap variants of a 10-market, 50-jurisdiction scenario.

The fast path of ``model.sweep`` (the model's numbers as an affine map of the varied values; the
KKT conditions of a recent optimum's active set solved with numpy and checked, one live HiGHS
instance re-solved warm where they fail) against calling ``model.solve`` on each rebuilt scenario (timed on a subset of
the variants; the prices of that subset are compared to 1e-9). Prints the time per variant of
both and their ratio.
Run: ``python benchmarks/bench_sweep.py [N_VARIANTS] [N_REBUILT]``.
"""

import sys
import time

import numpy as np

import model
from model.edit import with_paths
from model.examples import random_markets
from model import sweep as sweep_module
from model.sweep import sweep

RUNS = []  # HiGHS re-solves on the fast path (the rest are KKT solves for a known active set)
_highs = sweep_module._Fast._highs


def _counted(self, p):
    RUNS.append(1)
    return _highs(self, p)


sweep_module._Fast._highs = _counted


def scenario(n=50, markets=10, seed=3, steps_only=False):
    """Linear and step MACs (only steps: an LP), every other pair of markets linked."""
    return random_markets(n, markets, seed, steps_only=steps_only, name="sweep benchmark")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    rebuilt = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    for steps_only in (True, False):
        run(n, rebuilt, steps_only)


def run(n, rebuilt, steps_only):
    sc = model.load_scenario(scenario(steps_only=steps_only))
    cap = sc.raw["markets"]["M0"]["cap"]
    variants = [{"markets.M0.cap": float(c)} for c in np.linspace(0.8 * cap, 1.0 * cap, n)]
    RUNS.clear()
    t0 = time.perf_counter()
    fast = sweep(sc, variants, progress=False)
    t_fast = (time.perf_counter() - t0) / n
    subset = variants[:: max(1, n // rebuilt)][:rebuilt]
    t0 = time.perf_counter()
    slow = [model.solve(with_paths(sc, v)) for v in subset]
    t_slow = (time.perf_counter() - t0) / len(subset)
    worst = 0.0
    for v, res in zip(subset, slow, strict=True):
        i = variants.index(v)
        got = fast.frame[fast.frame["variant"] == i].set_index("market")["price_usd_per_t"]
        for mk in sc.markets:
            p = res.price(mk)
            worst = max(worst, abs(got[mk] - p) / max(1.0, abs(p)))
    kind = "step MACs only (an LP)" if steps_only else "half linear MACs (a QP), half steps"
    print(f"sweep of {n} cap variants, 10 markets x 50 jurisdictions, {kind} ({sum(fast.fast)} on the fast path, "
          f"{len(RUNS)} of them re-solved by HiGHS, the rest by the KKT conditions of a known active set)")
    print(f"fast path: {1e3 * t_fast:.2f} ms/variant; model.solve on rebuilt scenarios: {1e3 * t_slow:.1f} "
          f"ms/variant ({len(subset)} timed); ratio {t_slow / t_fast:.1f}x; largest relative price "
          f"difference {worst:.2e}")


if __name__ == "__main__":
    main()
