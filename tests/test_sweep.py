"""Sweeps and Monte Carlo (model.sweep): the fast path against the rebuild, a process pool against
the serial run, the gains from linking against their closed form, the command line."""

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import model
from model import cli
from model.examples import random_markets
from model.sweep import grid, load_uncertainty, monte_carlo, product, sweep


def big(n=50, markets=10, seed=3, periods=(2030,), banking=False):
    """A 10-market, 50-jurisdiction scenario: linear and step MACs, every other pair linked."""
    return model.load_scenario(random_markets(n, markets, seed, periods=periods, banking=banking, name="sweep test"))


def same(a, b, tol=1e-9):
    pa, pb = a.frame["price_usd_per_t"].to_numpy(), b.frame["price_usd_per_t"].to_numpy()
    assert np.array_equal(np.isnan(pa), np.isnan(pb))
    ok = ~np.isnan(pa)
    assert np.max(np.abs(pa[ok] - pb[ok]) / np.maximum(1.0, np.abs(pb[ok])), initial=0.0) <= tol
    for col in ("emissions_mt", "abatement_mt", "abatement_cost_musd"):
        x, y = a.frame[col].to_numpy(), b.frame[col].to_numpy()
        assert np.max(np.abs(x - y) / np.maximum(1.0, np.abs(y))) <= tol


def test_cap_grid_fast_equals_rebuild():
    sc = model.load_scenario(model.scenario_path("two_linear.yaml"))
    variants = grid("markets.A_ETS.cap", 700, 900, 11)
    fast, slow = sweep(sc, variants), sweep(sc, variants, fast=False)
    assert all(fast.fast) and not any(slow.fast)
    same(fast, slow)
    # the linked price has a closed form: p = (A_A + A_B) / (1/s_A + 1/s_B)
    p = fast.frame.query("market == 'A_ETS'")["price_usd_per_t"].to_numpy()
    required = 1000 - np.linspace(700, 900, 11) + 200
    assert np.allclose(p, required / (1 / 0.2 + 1 / 0.05), rtol=1e-9)


def test_big_scenario_many_paths_fast_equals_rebuild():
    sc = big()
    caps = {f"markets.M{m}.cap": sc.raw["markets"][f"M{m}"]["cap"] for m in range(10)}
    rng = np.random.default_rng(0)
    variants = [{p: v * float(rng.uniform(0.9, 1.05)) for p, v in caps.items()} for _ in range(12)]
    variants += [{"jurisdictions.J0.mac.slope": s, "markets.M3.cap": c}
                 for s, c in zip(rng.uniform(0.5, 5, 5), rng.uniform(300, 400, 5), strict=True)]
    fast, slow = sweep(sc, variants), sweep(sc, variants, fast=False)
    assert all(fast.fast)
    same(fast, slow)


def test_multi_period_banking_fast_equals_rebuild():
    sc = big(n=20, markets=4, periods=(2030, 2031, 2032), banking=True)
    variants = grid("markets.M0.cap", 0.9 * sc.raw["markets"]["M0"]["cap"], sc.raw["markets"]["M0"]["cap"], 6)
    fast, slow = sweep(sc, variants), sweep(sc, variants, fast=False)
    assert all(fast.fast)
    same(fast, slow)


def frame_against_solve(sc, variants, out, tol=1e-9):
    """Every row of the sweep's frame against model.solve on the rebuilt variant, to ``tol``."""
    for i, v in enumerate(variants):
        res = model.solve(model.edit.with_paths(sc, v)).prices.set_index(["market", "period"])
        got = out.frame[out.frame["variant"] == i].set_index(["market", "period"])
        assert list(got.index) == list(res.index)
        for col in ("price_usd_per_t", "emissions_mt", "abatement_mt", "abatement_cost_musd"):
            x, y = got[col].to_numpy(float), res[col].to_numpy(float)
            assert np.array_equal(np.isnan(x), np.isnan(y)), col
            ok = ~np.isnan(y)
            assert np.max(np.abs(x[ok] - y[ok]) / np.maximum(1.0, np.abs(y[ok])), initial=0.0) <= tol, col


@pytest.mark.parametrize("steps_only", [True, False])
def test_frame_equals_solve_banking_and_links(steps_only):
    """Prices, emissions, abatement and cost of the fast path equal model.solve's to 1e-9: step
    MACs (an LP) and half linear MACs (a QP), banking over three periods, linked markets."""
    sc = model.load_scenario(random_markets(20, 4, 5, steps_only=steps_only, periods=(2030, 2035, 2040),
                                            banking=True, name="banking sweep"))
    cap = sc.raw["markets"]["M0"]["cap"]
    variants = [{"markets.M0.cap": c, "markets.M2.cap": d} for c, d in
                zip(np.linspace(0.8 * cap, cap, 7), np.linspace(1.05, 0.9, 7) * sc.raw["markets"]["M2"]["cap"],
                    strict=True)]
    out = sweep(sc, variants)
    assert all(out.fast)
    frame_against_solve(sc, variants, out)


def test_instruments_fast_equals_solve():
    """Banking, a price corridor, coverage, credits with an import limit (instruments.yaml): caps,
    floors, slopes and the limit varied together on the fast path, against model.solve."""
    sc = model.load_scenario(model.scenario_path("instruments.yaml"))
    rng = np.random.default_rng(4)
    variants = [{"markets.CH_ETS.cap": float(rng.uniform(3, 4.5)), "markets.EU_ETS.price_floor": float(rng.uniform(10, 40)),
                 "jurisdictions.IN.mac.slope": float(rng.uniform(0.03, 0.08)),
                 "links[1].import_limit": float(rng.uniform(0.02, 0.2))} for _ in range(6)]
    out = sweep(sc, variants)
    assert all(out.fast)
    frame_against_solve(sc, variants, out)


def test_infeasible_variant_names_the_cap():
    """A variant HiGHS finds infeasible goes to the rebuild, which names the cap."""
    raw = {"name": "short", "jurisdictions": {"A": {"bau": 100, "mac": {"type": "steps", "steps": [
        {"quantity": 10, "cost": 5}, {"quantity": 10, "cost": 20}]}}},
        "markets": {"A_ETS": {"members": ["A"], "cap": 95}}}
    ok = sweep(raw, [{"markets.A_ETS.cap": c} for c in (95, 85, 88)])  # not at a block's edge (90)
    assert ok.frame["price_usd_per_t"].tolist() == [5.0, 20.0, 20.0] and all(ok.fast)
    with pytest.raises(model.InfeasibleError, match="A_ETS"):
        sweep(raw, grid("markets.A_ETS.cap", 95, 70, 3))


def test_structure_and_convex_curves_fall_back():
    sc = model.load_scenario(model.scenario_path("two_linear.yaml"))
    out = sweep(sc, [{"links": []}, {"links": [["A_ETS", "B_ETS"]]}])  # not numbers: rebuilt
    assert out.fast == [False, False]
    assert out.frame.query("variant == 0 and market == 'A_ETS'")["price_usd_per_t"].iloc[0] == pytest.approx(40)
    # values that are lists of the same shape stay one cell each (a regression: numpy made them a 2-D array)
    pairs = [[["A_ETS", "B_ETS"]], [["B_ETS", "A_ETS"]]]
    out = sweep(sc, [{"links": p} for p in pairs], progress=False)
    assert [out.frame.query(f"variant == {i}")["links"].iloc[0] for i in (0, 1)] == pairs
    convex = model.load_scenario(model.scenario_path("two_markets.yaml"))
    first = next(iter(convex.raw["markets"]))
    variants = grid(f"markets.{first}.cap", 0.95 * convex.raw["markets"][first]["cap"],
                    convex.raw["markets"][first]["cap"], 2)
    out = sweep(convex, variants)
    assert out.fast == [False, False]
    same(out, sweep(convex, variants, fast=False))


def test_process_pool_equals_serial():
    sc = big(n=20, markets=4)
    variants = grid("markets.M1.cap", 0.9 * sc.raw["markets"]["M1"]["cap"], sc.raw["markets"]["M1"]["cap"], 8)
    serial = sweep(sc, variants)
    with ProcessPoolExecutor(2) as pool:
        parallel = sweep(sc, variants, executor=pool, chunks=3)
    same(serial, parallel, tol=1e-12)
    assert list(serial.frame["variant"]) == list(parallel.frame["variant"])


def test_results_on_demand_match_solve():
    sc = model.load_scenario(model.scenario_path("two_linear.yaml"))
    s = sweep(sc, grid("markets.A_ETS.cap", 750, 850, 3))
    direct = model.solve(model.edit.with_paths(sc, {"markets.A_ETS.cap": 850.0}))
    assert s.results(2).price("A_ETS") == pytest.approx(direct.price("A_ETS"), rel=1e-9)


def test_monte_carlo_gains_match_closed_form():
    """Gain from linking two linear markets = (p_A - p_B)^2 / (2 (s_A + s_B)), p the autarky prices."""
    sc = model.load_scenario(model.scenario_path("two_linear.yaml"))
    alone = model.autarky(sc)
    # the appendix "Sweeps and Monte Carlo": 1,000 draws, seed 1
    unc = {"jurisdictions.A.mac.slope": {"distribution": "lognormal", "median": 0.2, "sigma": 0.5},
           "jurisdictions.B.mac.slope": {"distribution": "lognormal", "median": 0.05, "sigma": 0.5}}
    variants = monte_carlo(unc, 1000, seed=1)
    linked, apart = sweep(sc, variants), sweep(alone, variants)
    assert all(linked.fast) and all(apart.fast)
    cost = lambda s: s.frame.groupby("variant")["abatement_cost_musd"].sum().to_numpy()  # noqa: E731
    gain = cost(apart) - cost(linked)
    sa = np.array([v["jurisdictions.A.mac.slope"] for v in variants])
    sb = np.array([v["jurisdictions.B.mac.slope"] for v in variants])
    pa, pb = sa * 200, sb * 200
    assert np.allclose(gain, (pa - pb) ** 2 / (2 * (sa + sb)), rtol=1e-9)


def test_uncertainty_file_and_product(tmp_path):
    f = tmp_path / "u.yaml"
    f.write_text("uncertainty:\n  markets.A_ETS.cap: {distribution: uniform, low: 750, high: 850}\n")
    spec = load_uncertainty(f)
    draws = monte_carlo(spec, 5, seed=2)
    assert draws == monte_carlo(spec, 5, seed=2)
    assert all(750 <= d["markets.A_ETS.cap"] <= 850 for d in draws)
    f.write_text("uncertainty:\n  markets.A_ETS.cap: {distribution: beta, a: 1}\n")
    with pytest.raises(model.ScenarioError):
        load_uncertainty(f)
    assert len(product(grid("a", 0, 1, 3), grid("b", 0, 1, 2))) == 6


def test_cli_sweep(tmp_path, capsys):
    path = model.scenario_path("two_linear.yaml")
    assert cli.main(["sweep", str(path), "--vary", "markets.A_ETS.cap=700:900:5", "--out", str(tmp_path)]) == 0
    import pandas as pd
    frame = pd.read_csv(tmp_path / "sweep.csv")
    assert sorted(frame["variant"].unique()) == list(range(5))
    unc = tmp_path / "u.yaml"
    unc.write_text("uncertainty:\n  jurisdictions.A.mac.slope: {distribution: lognormal, median: 0.2, sigma: 0.3}\n")
    assert cli.main(["sweep", str(path), "--samples", "7", "--seed", "4", "--uncertainty", str(unc),
                     "--out", str(tmp_path / "mc")]) == 0
    assert pd.read_csv(tmp_path / "mc" / "sweep.csv")["variant"].nunique() == 7
    assert cli.main(["sweep", str(path), "--vary", "markets.A_ETS.cap=700"]) == 2
