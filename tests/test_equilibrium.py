"""Prices and quantities against independent calculations: closed forms, bisection, hand-worked cases."""

import pytest
import yaml
from conftest import ROOT, equilibrium_price, mac_function

import model

REL = 1e-6  # exact maths (linear, steps)
REL_CONVEX = 1e-4  # polynomial and power (outer approximation), as the model promises


def lin(bau, slope):
    return {"bau": bau, "mac": {"type": "linear", "slope": slope}}


def test_single_market_linear_closed_form():
    # Three emitters, one cap: p = A / sum(1/s_i), q_i = p / s_i.
    s = {"a": 0.5, "b": 2.0, "c": 0.1}
    bau = {"a": 100.0, "b": 80.0, "c": 300.0}
    cap = 400.0
    sc = {"jurisdictions": {k: lin(bau[k], s[k]) for k in s}, "markets": {"M": {"members": list(s), "cap": cap}}}
    res = model.solve(sc)
    required = sum(bau.values()) - cap
    p = required / sum(1 / v for v in s.values())
    assert res.price("M") == pytest.approx(p, rel=REL)
    j = res.jurisdictions.set_index("jurisdiction")
    for k in s:
        assert j.loc[k, "abatement_mt"] == pytest.approx(p / s[k], rel=REL)
        assert j.loc[k, "marginal_cost_usd_per_t"] == pytest.approx(p, rel=REL)
        assert j.loc[k, "abatement_cost_musd"] == pytest.approx(0.5 * s[k] * (p / s[k]) ** 2, rel=REL)
    assert j["emissions_mt"].sum() == pytest.approx(cap, rel=REL)


def test_two_markets_linear_linked_and_autarky():
    # Autarky: p_i = s_i A_i. Linked: p* = (A_1 + A_2) / (1/s_1 + 1/s_2).
    sc = {
        "jurisdictions": {"A": lin(1000, 0.2), "B": lin(500, 0.05)},
        "markets": {"MA": {"members": ["A"], "cap": 800}, "MB": {"members": ["B"], "cap": 450}},
        "links": [["MA", "MB"]],
    }
    linked = model.solve(sc)
    alone = model.solve(model.autarky(model.load_scenario(sc)))
    assert alone.price("MA") == pytest.approx(0.2 * 200, rel=REL)
    assert alone.price("MB") == pytest.approx(0.05 * 50, rel=REL)
    p = 250 / (1 / 0.2 + 1 / 0.05)
    assert linked.price("MA") == pytest.approx(p, rel=REL)
    assert linked.price("MB") == pytest.approx(p, rel=REL)
    j = linked.jurisdictions.set_index("jurisdiction")
    assert j.loc["A", "net_purchases_mt"] == pytest.approx(1000 - p / 0.2 - 800, rel=REL)
    assert j.loc["A", "net_purchases_mt"] == pytest.approx(-j.loc["B", "net_purchases_mt"], rel=REL)
    # the buyer pays the seller exactly: payments net to zero
    assert j["permit_payments_musd"].sum() == pytest.approx(0.0, abs=1e-6)
    # both gain relative to autarky (hand-computed gains)
    a = alone.jurisdictions.set_index("jurisdiction")["total_cost_musd"]
    b = j["total_cost_musd"]
    assert (a - b).min() > 0


def test_linked_chain_clears_at_one_price():
    sc = {
        "jurisdictions": {"A": lin(100, 1.0), "B": lin(100, 2.0), "C": lin(100, 4.0), "D": lin(100, 1.0)},
        "markets": {m: {"members": [m[1]], "cap": 80} for m in ("MA", "MB", "MC", "MD")},
        "links": [["MA", "MB"], ["MB", "MC"]],
    }
    res = model.solve(sc)
    p = 60 / (1 + 1 / 2 + 1 / 4)
    for m in ("MA", "MB", "MC"):
        assert res.price(m) == pytest.approx(p, rel=REL)
    assert res.price("MD") == pytest.approx(20.0, rel=REL)
    assert set(res.prices["link_group"]) == {"MA+MB+MC", "MD"}


def test_steps_hand_worked():
    steps = {"type": "steps", "steps": [{"quantity": 50, "cost": 10}, {"quantity": 100, "cost": 60}]}
    base = {"jurisdictions": {"KR": {"bau": 600, "mac": steps}}}
    # 70 Mt needed: the whole first block and 20 Mt of the second; price = 60, cost = 500 + 1200.
    res = model.solve({**base, "markets": {"K": {"members": ["KR"], "cap": 530}}})
    assert res.price("K") == pytest.approx(60.0, rel=REL)
    row = res.jurisdictions.iloc[0]
    assert row["abatement_mt"] == pytest.approx(70.0, rel=REL)
    assert row["abatement_cost_musd"] == pytest.approx(1700.0, rel=REL)
    # 30 Mt needed: inside the first block, price = 10.
    assert model.solve({**base, "markets": {"K": {"members": ["KR"], "cap": 570}}}).price("K") == pytest.approx(10.0)
    # exactly 50 Mt: the price is any value between the two block costs
    p = model.solve({**base, "markets": {"K": {"members": ["KR"], "cap": 550}}}).price("K")
    assert 10.0 - 1e-9 <= p <= 60.0 + 1e-9


def test_power_single_closed_form():
    # p = kappa * gamma * (A / BAU)^beta
    sc = {"jurisdictions": {"JP": {"bau": 1100, "mac": {"type": "power", "kappa": 1.014, "gamma": 2887, "beta": 3}}},
          "markets": {"J": {"members": ["JP"], "cap": 900}}}
    assert model.solve(sc).price("J") == pytest.approx(1.014 * 2887 * (200 / 1100) ** 3, rel=REL_CONVEX)


def test_polynomial_and_linear_linked_bisection():
    eu = {"type": "linear", "slope": 0.12}
    cn = {"type": "polynomial", "coefficients": [0.02, 0.00001]}
    sc = {"jurisdictions": {"EU": {"bau": 1500, "mac": eu}, "CN": {"bau": 4500, "mac": cn}},
          "markets": {"E": {"members": ["EU"], "cap": 1200}, "C": {"members": ["CN"], "cap": 4300}},
          "links": [["E", "C"]]}
    res = model.solve(sc)
    p = equilibrium_price([(eu, 1500), (cn, 4500)], 1500 + 4500 - 1200 - 4300)
    assert res.price("E") == pytest.approx(p, rel=REL_CONVEX)
    j = res.jurisdictions.set_index("jurisdiction")
    assert mac_function(cn, 4500)(j.loc["CN", "abatement_mt"]) == pytest.approx(p, rel=REL_CONVEX)
    assert j.loc["EU", "abatement_mt"] == pytest.approx(p / 0.12, rel=REL_CONVEX)


def test_file_format_example_every_market_by_bisection():
    raw = yaml.safe_load((ROOT / "scenarios" / "two_markets.yaml").read_text())
    res = model.solve(ROOT / "scenarios" / "two_markets.yaml")
    J = raw["jurisdictions"]
    groups = {"EU_ETS": ["EU_ETS", "CN_ETS"], "AP_ETS": ["AP_ETS"]}
    for market, group in groups.items():
        members = [j for g in group for j in raw["markets"][g]["members"]]
        required = sum(J[j]["bau"] for j in members) - sum(raw["markets"][g]["cap"] for g in group)
        p = equilibrium_price([(J[j]["mac"], J[j]["bau"]) for j in members], required)
        assert res.price(market) == pytest.approx(p, rel=REL_CONVEX)
    assert res.solver["price_accuracy"] <= 1e-4


def test_slack_cap_has_zero_price_and_bau_emissions():
    sc = {"jurisdictions": {"A": lin(100, 1.0), "B": {"bau": 50, "mac": {"type": "power", "kappa": 1, "beta": 2}}},
          "markets": {"M": {"members": ["A", "B"], "cap": 200}}}
    res = model.solve(sc)
    assert res.price("M") == 0.0
    assert res.jurisdictions["abatement_mt"].abs().max() < 1e-6
    assert res.prices.iloc[0]["emissions_mt"] == pytest.approx(150.0)


def test_uncapped_jurisdiction_stays_at_bau():
    sc = {"jurisdictions": {"A": lin(100, 1.0), "OUT": lin(70, 1.0)}, "markets": {"M": {"members": ["A"], "cap": 90}}}
    j = model.solve(sc).jurisdictions.set_index("jurisdiction")
    assert j.loc["OUT", "emissions_mt"] == 70.0
    assert j.loc["OUT", "price_usd_per_t"] == 0.0
    assert j.loc["OUT", "market"] == ""


def test_allocation_moves_payments_not_abatement():
    base = {"jurisdictions": {"A": lin(100, 1.0), "B": lin(100, 3.0)}}
    by_bau = model.solve({**base, "markets": {"M": {"members": ["A", "B"], "cap": 120}}})
    given = model.solve({**base, "markets": {"M": {"members": ["A", "B"], "cap": 120, "allocation": {"A": 120, "B": 0}}}})
    p = 80 / (1 + 1 / 3)
    for r in (by_bau, given):
        assert r.price("M") == pytest.approx(p, rel=REL)
    a, b = by_bau.jurisdictions.set_index("jurisdiction"), given.jurisdictions.set_index("jurisdiction")
    assert a["abatement_mt"].to_numpy() == pytest.approx(b["abatement_mt"].to_numpy(), rel=REL)
    # B holds no allowances: it buys all its emissions at p
    assert b.loc["B", "permit_payments_musd"] == pytest.approx(p * (100 - p / 3), rel=REL)
    assert b["permit_payments_musd"].sum() == pytest.approx(0.0, abs=1e-6)


def test_shadow_price_is_marginal_cost_of_the_cap():
    # relaxing the cap by a small amount lowers total cost by about the price times the amount
    sc = model.load_scenario(ROOT / "scenarios" / "two_markets.yaml")
    r0 = model.solve(sc)
    raw = dict(sc.raw)
    markets = {k: dict(v) for k, v in raw["markets"].items()}
    markets["AP_ETS"]["cap"] += 0.01
    r1 = model.solve(sc.with_changes(markets=markets))
    saved = r0.total_cost() - r1.total_cost()
    assert saved / 0.01 == pytest.approx(r0.price("AP_ETS"), rel=1e-3)


def test_multi_period_values_without_links_solve_each_period():
    sc = {"periods": [2025, 2030], "jurisdictions": {"A": {"bau": {2025: 100, 2030: 110}, "mac": {"type": "linear", "slope": 2}}},
          "markets": {"M": {"members": ["A"], "cap": {2025: 90, 2030: 80}}}}
    res = model.solve(sc)
    assert res.price("M", 2025) == pytest.approx(20.0, rel=REL)
    assert res.price("M", 2030) == pytest.approx(60.0, rel=REL)


def test_convex_curve_with_zero_bau_abates_nothing():
    # a jurisdiction with nothing to abate must not break the piecewise-linear or Newton steps
    sc = {"jurisdictions": {"A": lin(100, 1.0), "Z": {"bau": 0, "mac": {"type": "power", "kappa": 1}},
                            "P": {"bau": 0, "mac": {"type": "polynomial", "coefficients": [1.0, 0.1]}}},
          "markets": {"M": {"members": ["A", "Z", "P"], "cap": 90}}}
    res = model.solve(sc)
    assert res.price("M") == pytest.approx(10.0, rel=REL)
    assert res.jurisdictions.set_index("jurisdiction").loc[["Z", "P"], "abatement_mt"].tolist() == [0.0, 0.0]
