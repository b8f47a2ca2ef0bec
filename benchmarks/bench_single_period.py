"""Benchmark: the model's solve against the same LP handed straight to highspy.

Builds a large single-period scenario (default 2,000 jurisdictions with 20-step MACs in 50
markets, every other pair of markets linked), solves it through ``model.solve`` and as the same
LP built with numpy and passed to highspy, checks that both give the same prices, and prints
both times and their ratio. Run: ``python benchmarks/bench_single_period.py [N_JURISDICTIONS]``.
"""

import sys
import time

import highspy
import numpy as np

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


def direct(raw):
    """The same LP with numpy arrays: one column per block, one row per link group."""
    sc = model.load_scenario(raw)
    groups = sc.link_groups()
    cost, upper, row = [], [], []
    rhs = []
    for g, grp in enumerate(groups):
        required = 0.0
        for mname in grp:
            market = raw["markets"][mname]
            required -= market["cap"]
            for j in market["members"]:
                jd = raw["jurisdictions"][j]
                required += jd["bau"]
                for s in jd["mac"]["steps"]:
                    cost.append(s["cost"])
                    upper.append(s["quantity"])
                    row.append(g)
        rhs.append(required)
    n = len(cost)
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, len(groups)
    lp.col_cost_ = np.array(cost)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.array(upper)
    lp.row_lower_, lp.row_upper_ = np.array(rhs), np.full(len(groups), highspy.kHighsInf)
    order = np.argsort(row, kind="stable")
    counts = np.bincount(np.array(row)[order], minlength=len(groups))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(counts)])
    lp.a_matrix_.index_ = order.astype(np.int32)
    lp.a_matrix_.value_ = np.ones(n)
    h.passModel(lp)
    h.run()
    return np.array(h.getSolution().row_dual), groups


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    raw = scenario(n)
    t0 = time.perf_counter()
    res = model.solve(raw)
    t_model = time.perf_counter() - t0
    t0 = time.perf_counter()
    duals, groups = direct(raw)
    t_direct = time.perf_counter() - t0
    worst = max(abs(res.price(grp[0]) - duals[g]) for g, grp in enumerate(groups))
    print(f"{n} jurisdictions x 20 steps, {len(groups)} price zones")
    print(f"model.solve: {t_model:.3f} s; highspy direct: {t_direct:.3f} s; ratio {t_model / t_direct:.1f}x; "
          f"largest price difference {worst:.2e} USD/t")


if __name__ == "__main__":
    main()
