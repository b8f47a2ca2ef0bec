"""Traded goods and the border adjustment (model/mechanisms/goods.py): hand-worked equilibria.

Two regions, one good, linear demand and supply. A: reference price 100, demand 100, output 80,
elasticities -1 and 1, so inverse demand p = 200 - D and marginal cost c = 1.25 S; B: price 90,
demand 100, output 120, inverse demand p = 180 - 0.9 D... precisely b = 90/100, a = 180, and
marginal cost c = 0.75 S. The transport cost is 10: at the reference B ships 20 to A and
p_A = p_B + 10. With a carbon price P in A (intensity e_A) A's marginal cost is 1.25 S + P e_A
(1 - f); a border adjustment adds c = P e_B (1 - f) to the cost of B's shipments. The
equilibrium is the solution of a linear system, solved here with numpy.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
import yaml
from test_money import world_identities

import model
from model import cli
from model.results import col, leakage

REL = 1e-6
E_A, E_B, TAU = 1.0, 0.5, 10.0


def scenario(tax=None, cap=None, bca=False, fa=0.0, carbon_cost=0.0):
    market = {"members": ["J"]}
    if tax is not None:
        market["tax"] = tax
    if cap is not None:
        market["cap"] = cap
    return {
        "jurisdictions": {"J": {"bau": 100, "mac": {"type": "linear", "slope": 1.0}}},
        "markets": {"M": market},
        "goods": {"steel": {"transport_cost": TAU, "regions": {
            "A": {"market": "M", "price": 100, "demand": 100, "supply": 80, "demand_elasticity": -1,
                  "supply_elasticity": 1, "intensity": E_A, "free_allocation": fa, "border_adjustment": bca,
                  "carbon_cost": carbon_cost},
            "B": {"price": 90, "demand": 100, "supply": 120, "demand_elasticity": -1, "supply_elasticity": 1,
                  "intensity": E_B}}}},
    }


def by_hand(P, bca=False, fa=0.0):
    """(p_A, p_B, D_A, S_A, D_B, S_B, X) at carbon price P in A (B ships to A)."""
    c = P * E_B * (1 - fa) if bca else 0.0
    # unknowns p_A, p_B: p_A - p_B = TAU + c; (200 - p_A) - (p_A - P e_A (1-fa)) / 1.25 = p_B / 0.75 - (180 - p_B) / 0.9
    A = np.array([[1.0, -1.0], [-1.0 - 1 / 1.25, -1 / 0.75 - 1 / 0.9]])
    b = np.array([TAU + c, -200 - P * E_A * (1 - fa) / 1.25 - 180 / 0.9])
    pa, pb = np.linalg.solve(A, b)
    sa = (pa - P * E_A * (1 - fa)) / 1.25
    return pa, pb, 200 - pa, sa, (180 - pb) / 0.9, pb / 0.75, 200 - pa - sa


def row(res, region):
    g = res.goods.set_index("region")
    return {k: float(g.loc[region, col("goods", k)]) for k in ("price", "demand", "supply", "emissions",
                                                                 "imports", "exports", "border_revenue")}


def test_calibration_recovers_the_reference_point():
    for tax, cost in ((0.0, 0.0), (30.0, 30.0 * E_A)):
        res = model.solve(scenario(tax=tax, carbon_cost=cost))
        a, b = row(res, "A"), row(res, "B")
        assert (a["price"], a["demand"], a["supply"]) == pytest.approx((100, 100, 80), rel=REL)
        assert (b["price"], b["demand"], b["supply"]) == pytest.approx((90, 100, 120), rel=REL)
        assert a["imports"] == pytest.approx(20, rel=REL)


@pytest.mark.parametrize("bca,fa", [(False, 0.0), (True, 0.0), (True, 0.5), (False, 0.5)])
def test_two_regions_with_a_tax_match_the_closed_form(bca, fa):
    P = 40.0
    res = model.solve(scenario(tax=P, bca=bca, fa=fa))
    pa, pb, da, sa, db, sb, x = by_hand(P, bca, fa)
    a, b = row(res, "A"), row(res, "B")
    assert (a["price"], b["price"]) == pytest.approx((pa, pb), rel=REL)
    assert (a["demand"], a["supply"], b["demand"], b["supply"]) == pytest.approx((da, sa, db, sb), rel=REL)
    assert a["imports"] == pytest.approx(x, rel=REL)
    assert (a["emissions"], b["emissions"]) == pytest.approx((E_A * sa, E_B * sb), rel=REL)
    charge = P * E_B * (1 - fa) if bca else 0.0
    assert a["border_revenue"] == pytest.approx(charge * x, rel=REL, abs=1e-9)
    # leakage: B's rise in emissions over A's fall, from no carbon price
    base = model.solve(scenario(tax=0.0))
    b0 = by_hand(0.0)
    assert leakage(res, base) == pytest.approx(E_B * (sb - b0[5]) / (E_A * (b0[3] - sa)), rel=1e-5)


def test_the_border_adjustment_cuts_leakage():
    base = model.solve(scenario(tax=0.0))
    without, with_ = model.solve(scenario(tax=40.0)), model.solve(scenario(tax=40.0, bca=True))
    assert leakage(with_, base) < leakage(without, base)
    assert leakage(without, base) > 0


def test_output_counts_against_the_cap():
    """A cap of 90 on J (BAU 100, MAC = q) plus A's output: 100 - P + e_A (S_A - 80) = 90, with the
    goods' equilibrium at carbon price P (no free allocation)."""
    res = model.solve(scenario(cap=90))
    P = res.price("M")

    def excess(p):
        return 100 - p + E_A * (by_hand(p)[3] - 80) - 90

    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if excess(mid) > 0 else (lo, mid)
    assert P == pytest.approx(lo, rel=1e-6)
    assert row(res, "A")["supply"] == pytest.approx(by_hand(lo)[3], rel=1e-6)


def test_cap_with_free_allocation_and_border_adjustment_settles_and_money_adds_up():
    res = model.solve(scenario(cap=90, bca=True, fa=0.5))
    P = res.price("M")
    pa, pb, da, sa, db, sb, x = by_hand(P, True, 0.5)
    a = row(res, "A")
    assert a["price"] == pytest.approx(pa, rel=1e-6)
    assert a["supply"] == pytest.approx(sa, rel=1e-6)
    world_identities(res)
    pay = res.payments
    border = pay[pay["item"] == "border adjustment"]
    assert float(border["amount_musd"].sum()) == pytest.approx(P * E_B * 0.5 * x, rel=1e-6)
    assert set(border["payee"]) == {"J government"}


def test_a_reference_point_that_is_no_equilibrium_is_an_error(tmp_path):
    raw = scenario(tax=0.0)
    raw["goods"]["steel"]["regions"]["B"]["price"] = 80  # gap 20 > transport 10
    with pytest.raises(model.ScenarioError, match=r"good 'steel'.*price in A exceeds the price in B by 20"):
        model.load_scenario(raw)
    raw = scenario(tax=0.0)
    raw["goods"]["steel"]["regions"]["B"]["price"] = 95  # gap 5 < 10: B's exports cannot reach A
    with pytest.raises(model.ScenarioError, match=r"good 'steel'.*net exports of B cannot reach the net importers A"):
        model.load_scenario(raw)
    raw = scenario(tax=0.0)
    raw["goods"]["steel"]["regions"]["B"]["supply"] = 130
    with pytest.raises(model.ScenarioError, match=r"good 'steel'.*world output exceeds world demand by 10"):
        model.load_scenario(raw)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert cli.main(["check", str(path)]) == 2


def test_the_example_of_the_issue_reads_and_solves():
    raw = copy.deepcopy(scenario(cap=90))
    raw["markets"]["M2"] = {"members": ["K"], "cap": 50}
    raw["jurisdictions"]["K"] = {"bau": 60, "mac": {"type": "linear", "slope": 2.0}}
    raw["goods"]["steel"] = {"transport_cost": {"EU": {"CN": 40, "ROW": 40}, "CN": {"ROW": 40}}, "regions": {
        "EU": {"market": "M", "price": 640, "demand": 150, "supply": 140, "demand_elasticity": -0.5,
               "supply_elasticity": 1.0, "intensity": 1.3, "free_allocation": 0.9, "border_adjustment": True},
        "CN": {"market": "M2", "price": 600, "demand": 900, "supply": 1000, "demand_elasticity": -0.3,
               "supply_elasticity": 0.8, "intensity": 2.0},
        "ROW": {"price": 640, "demand": 800, "supply": 710, "demand_elasticity": -0.4, "supply_elasticity": 1.0,
                "intensity": 1.8}}}
    res = model.solve(raw)
    g = res.goods.set_index("region")
    p = res.prices.set_index("market")[col("prices", "price")]
    gap = max(p["M"] - p["M2"], 0.0)
    tr = res.goods_trade.set_index(["exporter", "importer"])
    assert float(tr.loc[("CN", "EU"), col("goods_trade", "border_charge")]) == pytest.approx(gap * 2.0 * 0.1, rel=1e-6, abs=1e-9)
    assert float(g.loc["EU", col("goods", "price")]) <= float(g.loc["CN", col("goods", "price")]) + 40 + gap * 0.2 + 1e-6
    world_identities(res)
