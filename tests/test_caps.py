"""Caps: slack caps, hot air, and the zero price of a cap above BAU.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import pytest
from mechanism_cases import ABS, REL, SLACK, assert_ledger, ledger, net_flow, row

import model

# --------------------------------------------------------------------------------------------
# slack caps and hot air
# --------------------------------------------------------------------------------------------



def test_slack_cap_alone_has_zero_price():
    res = model.solve(model.autarky(model.load_scenario(SLACK)))
    assert res.price("MA") == pytest.approx(0.0, abs=ABS)
    assert row(res, "MA")["emissions_mt"] == pytest.approx(100.0, rel=REL)
    assert res.price("MB") == pytest.approx(0.5 * 50, rel=REL)
    assert_ledger(res, gap=0.0)


def test_slack_cap_linked_sells_hot_air():
    # Joint R = (100 - 130) + (100 - 50) = 20 Mt; p = 20 / (1/1 + 1/0.5) = 20/3.
    # A exports cap - emissions = 130 - (100 - p) = 30 + p: 30 Mt of hot air and p Mt abated.
    res = model.solve({**SLACK, "links": [["MA", "MB"]]})
    p = 20 / 3
    assert res.price("MA") == pytest.approx(p, rel=REL)
    assert res.price("MB") == pytest.approx(p, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(30 + p, rel=REL)
    assert row(res, "MB")["net_imports_mt"] == pytest.approx(30 + p, rel=REL)
    led = ledger(res)
    assert float(led["caps_mt"]) == pytest.approx(180.0, rel=REL)
    assert float(led["covered_emissions_mt"]) == pytest.approx(180.0, rel=REL)
    assert_ledger(res, gap=30.0, hot_air_sold_mt=30.0)


def test_joint_slack_cap_price_zero_surplus_sold():
    # B needs 100 - 90 = 10 Mt; A's surplus is 30: joint slack, price 0, B buys 10 Mt of hot air.
    sc = {**SLACK, "markets": {"MA": {"members": ["A"], "cap": 130}, "MB": {"members": ["B"], "cap": 90}},
          "links": [["MA", "MB"]]}
    res = model.solve(sc)
    assert res.price("MA") == pytest.approx(0.0, abs=ABS)
    assert res.price("MB") == pytest.approx(0.0, abs=ABS)
    assert res.jurisdictions["abatement_mt"].abs().max() < 1e-6
    # at a zero price the flow is not unique: B needs at least 10 Mt, A can ship at most its 30 Mt
    assert 10.0 - 1e-6 <= net_flow(res, "MA", "MB") <= 30.0 + 1e-6
    # global 200, caps allow 100 (A at BAU) + 90
    assert_ledger(res, gap=10.0, hot_air_sold_mt=10.0)


def test_hot_air_sold_counts_only_units_used_in_a_zero_price_group():
    # A 80, B 110, C 90, each capped at 100 and all linked: surplus 20 + 10, B needs 10.
    # Whatever the (non-unique) flows, only 10 Mt of hot air covers emissions; 20 Mt expire.
    lin = {"type": "linear", "slope": 1.0}
    sc = {"name": "three", "jurisdictions": {"A": {"bau": 80, "mac": lin}, "B": {"bau": 110, "mac": lin},
                                             "C": {"bau": 90, "mac": lin}},
          "markets": {f"M{j}": {"members": [j], "cap": 100} for j in "ABC"},
          "links": [["MA", "MB", "MC"]]}
    res = model.solve(sc)
    assert res.prices["price_usd_per_t"].abs().max() == 0.0
    assert_ledger(res, gap=10.0, hot_air_sold_mt=10.0, unused_allowances_mt=20.0, surplus_allowances_mt=30.0)
