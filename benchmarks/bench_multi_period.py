"""Benchmark: a multi-period scenario with banking, the model against highspy directly.

Builds 200 jurisdictions with 20-step MACs in 10 markets over 40 annual periods, every market
banking and every other pair of markets linked, with a 3% discount rate and caps falling 2% a
year. Solves it through ``model.solve`` and as the same LP (one row per market and period, an
equality for a banking market as in the model, the same blocks, banks and flows) built with numpy
and passed to highspy; checks that both give
the same prices and prints both times and their ratio.
Run: ``python benchmarks/bench_multi_period.py [N_JURISDICTIONS] [N_PERIODS]``.
"""

import sys
import time

import highspy
import numpy as np
from peers import linopy_prices, peak_rss

import model


def scenario(n=200, periods=40, steps=20, markets=10, seed=2):
    rng = np.random.default_rng(seed)
    years = list(range(2025, 2025 + periods))
    jur = {}
    mk = {f"M{m}": {"members": [], "cap": {t: 0.0 for t in years}, "banking": True} for m in range(markets)}
    for i in range(n):
        bau = float(rng.uniform(10, 200))
        costs = np.sort(rng.uniform(1, 300, steps))
        jur[f"J{i}"] = {"bau": bau, "mac": {"type": "steps",
                                            "steps": [{"quantity": bau / steps, "cost": float(c)} for c in costs]}}
        m = mk[f"M{i % markets}"]
        m["members"].append(f"J{i}")
        start = bau * float(rng.uniform(0.8, 1.0))
        for k, t in enumerate(years):
            m["cap"][t] += start * (1 - 0.02 * k)
    links = [[f"M{m}", f"M{m + 1}"] for m in range(0, markets - 1, 2)]
    return {"name": "benchmark", "periods": years, "discount_rate": 0.03, "jurisdictions": jur, "markets": mk,
            "links": links}


def direct(raw):
    """The same LP with numpy arrays; returns the undiscounted prices per (market, period).

    Handles step MACs, absolute caps, banking and plain two-way links (what the benchmarks use).
    """
    years = raw.get("periods", [0])
    r = raw.get("discount_rate", 0.0)
    names = list(raw["markets"])
    row = {(m, t): k for k, (m, t) in enumerate((m, t) for m in names for t in years)}
    cost, lower, upper, entries = [], [], [], []  # entries: (row, col, value)
    rhs = np.zeros(len(row))

    def column(c, lo, hi):
        cost.append(c)
        lower.append(lo)
        upper.append(hi)
        return len(cost) - 1

    for m in names:
        market = raw["markets"][m]
        for t in years:
            d = (1 + r) ** -(t - years[0])
            cap = market["cap"][t] if isinstance(market["cap"], dict) else market["cap"]
            rhs[row[(m, t)]] += -cap
            for j in market["members"]:
                jd = raw["jurisdictions"][j]
                rhs[row[(m, t)]] += jd["bau"]
                for s in jd["mac"]["steps"]:
                    entries.append((row[(m, t)], column(d * s["cost"], 0.0, s["quantity"]), 1.0))
        # bank at the end of t: t -> t+1. As in the model, a banking market keeps its surplus (its
        # row is an equality) and what is left after the last period stays in the bank.
        for k, t in enumerate(years if market.get("banking") else []):
            c = column(0.0, 0.0, highspy.kHighsInf)
            entries.append((row[(m, t)], c, -1.0))
            if k + 1 < len(years):
                entries.append((row[(m, years[k + 1])], c, 1.0))
    for a, b in raw["links"]:
        for t in years:
            for x, y in ((a, b), (b, a)):
                c = column(0.0, 0.0, highspy.kHighsInf)
                entries.append((row[(y, t)], c, 1.0))
                entries.append((row[(x, t)], c, -1.0))
    entries.sort()
    rows_, cols_, vals_ = (np.array(v) for v in zip(*entries, strict=True))
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = len(cost), len(row)
    lp.col_cost_ = np.array(cost)
    lp.col_lower_, lp.col_upper_ = np.array(lower), np.array(upper)
    banking = np.array([bool(raw["markets"][m].get("banking")) for (m, _t) in row])
    lp.row_lower_, lp.row_upper_ = rhs, np.where(banking, rhs, highspy.kHighsInf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.searchsorted(rows_, np.arange(len(row) + 1)).astype(np.int32)
    lp.a_matrix_.index_ = cols_.astype(np.int32)
    lp.a_matrix_.value_ = vals_.astype(float)
    h.passModel(lp)
    h.run()
    duals = np.array(h.getSolution().row_dual)
    return {key: duals[k] / (1 + r) ** -(key[1] - years[0]) for key, k in row.items()}


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    periods = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    raw = scenario(n, periods)
    # warm up both (the first solve imports Pyomo and pandas, which ``import model`` leaves for later)
    model.solve(scenario(20, 3))
    direct(scenario(20, 3))
    t0 = time.perf_counter()
    res = model.solve(raw)
    t_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    prices = direct(raw)
    t_direct = time.perf_counter() - t0
    t0 = time.perf_counter()
    via_linopy = linopy_prices(raw)
    t_linopy = time.perf_counter() - t0
    worst = max(abs(res.price(m, t) - p) / max(1.0, p) for (m, t), p in prices.items())
    worst_linopy = max(abs(via_linopy[k] - p) / max(1.0, p) for k, p in prices.items())
    banked = float((res.prices["bank_mt"] > 1e-6).mean())
    print(f"{n} jurisdictions x {periods} periods x 20 steps, {len(raw['markets'])} markets, banking "
          f"(a bank is held in {banked:.0%} of market-periods)")
    print(f"model.solve: {t_model:.3f} s; highspy direct: {t_direct:.3f} s; ratio {t_model / t_direct:.2f}x "
          f"(target <= 1.3x); largest relative price difference {worst:.2e}")
    print(f"linopy: {t_linopy:.3f} s; model.solve / linopy {t_model / t_linopy:.2f}x (target <= 1x); largest "
          f"relative price difference {worst_linopy:.2e}")
    rss = {which: peak_rss(which, n, periods) for which in ("model", "highspy", "linopy")}
    print(f"peak RSS (fresh process each): model {rss['model']:.0f} MB; highspy {rss['highspy']:.0f} MB; linopy "
          f"{rss['linopy']:.0f} MB; model / highspy {rss['model'] / rss['highspy']:.2f}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
