"""Benchmark: a sweep of cap variants of a 10-market, 50-jurisdiction scenario.

The fast path of ``model.sweep`` (the model's numbers as an affine map of the varied values; the
KKT conditions of a recent optimum's active set solved with numpy and checked, one live HiGHS
instance re-solved warm where they fail) against calling ``model.solve`` on each rebuilt scenario (timed on a subset of
the variants; the prices of that subset are compared to 1e-9). Prints the time per variant of
both and their ratio.
Also a harder case, a Monte Carlo of all ten caps. Run: ``python benchmarks/bench_sweep.py
[N_VARIANTS] [N_REBUILT]``.
"""

import sys
import time

import numpy as np

import model
from model import sweep as sweep_module
from model.edit import with_paths
from model.examples import random_markets
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
    for steps_only in (True, False):
        run(n, rebuilt, steps_only, monte_carlo=True)


def run(n, rebuilt, steps_only, monte_carlo=False):
    """The sweep against model.solve: the target's case, one cap from 80% to 100% in ``n`` steps;
    with ``monte_carlo``, every market's cap drawn from 90-105% (a harder case: the active set
    changes from one variant to the next)."""
    sc = model.load_scenario(scenario(steps_only=steps_only))
    caps = {f"markets.{m}.cap": sc.raw["markets"][m]["cap"] for m in sc.markets}
    if monte_carlo:
        unc = {p: {"distribution": "uniform", "low": 0.9 * c, "high": 1.05 * c} for p, c in caps.items()}
        variants = sweep_module.monte_carlo(unc, n, seed=1)
    else:
        cap = caps["markets.M0.cap"]
        variants = [{"markets.M0.cap": float(c)} for c in np.linspace(0.8 * cap, 1.0 * cap, n)]
    model.solve(sc)  # warm-up of both sides: imports (Pyomo is imported on first use), HiGHS
    sweep(sc, variants[:2], progress=False)
    RUNS.clear()
    t0 = time.perf_counter()
    fast = sweep(sc, variants, progress=False)
    t_fast = (time.perf_counter() - t0) / n
    picked = list(range(0, n, max(1, n // rebuilt)))[:rebuilt]
    t0 = time.perf_counter()
    slow = [model.solve(with_paths(sc, variants[i])) for i in picked]
    t_slow = (time.perf_counter() - t0) / len(picked)
    worst = dict.fromkeys(("price_usd_per_t", "emissions_mt", "abatement_mt", "abatement_cost_musd"), 0.0)
    for i, res in zip(picked, slow, strict=True):
        got = fast.frame[fast.frame["variant"] == i].set_index("market")
        want = res.prices.set_index("market")
        for col in worst:
            x, y = got[col].to_numpy(float), want.loc[got.index, col].to_numpy(float)
            worst[col] = max(worst[col], float(np.max(np.abs(x - y) / np.maximum(1.0, np.abs(y)))))
    kind = "step MACs only (an LP)" if steps_only else "half linear MACs (a QP), half steps"
    what = "Monte Carlo of all 10 caps (90-105%)" if monte_carlo else "cap variants of M0 (80-100%)"
    print(f"sweep of {n} {what}, 10 markets x 50 jurisdictions, {kind} ({sum(fast.fast)} on the fast path, "
          f"{len(RUNS)} of them re-solved by HiGHS, the rest by the KKT conditions of an active set)")
    print(f"  fast path: {1e3 * t_fast:.2f} ms/variant; model.solve on rebuilt scenarios: {1e3 * t_slow:.1f} "
          f"ms/variant ({len(picked)} timed); ratio {t_slow / t_fast:.1f}x; largest relative difference: price "
          f"{worst['price_usd_per_t']:.1e}, emissions {worst['emissions_mt']:.1e}, abatement "
          f"{worst['abatement_mt']:.1e}, cost {worst['abatement_cost_musd']:.1e}")


if __name__ == "__main__":
    main()
