"""Price controls: the floor, the ceiling and the cost-containment reserve.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import pytest
from mechanism_cases import ABS, REL, assert_ledger, lin, row

import model

# --------------------------------------------------------------------------------------------
# price floor, ceiling, cost containment reserve
# --------------------------------------------------------------------------------------------

FLOOR_BASE = {"jurisdictions": {"J": lin(100, 1.0)}}


def floor_market(**options):
    return {**FLOOR_BASE, "markets": {"M": {"members": ["J"], "cap": 80, **options}}}


def test_price_floor_withdraws_allowances():
    # Market price 20 < floor 50: emissions fall to 100 - 50 = 50, withheld = 80 - 50 = 30.
    res = model.solve(floor_market(price_floor=50))
    assert res.price("M") == pytest.approx(50.0, rel=REL)
    assert row(res, "M")["withheld_mt"] == pytest.approx(30.0, rel=REL)
    assert row(res, "M")["emissions_mt"] == pytest.approx(50.0, rel=REL)
    assert_ledger(res, gap=-30.0, withheld_mt=30.0)
    # a floor below the market price does nothing
    res = model.solve(floor_market(price_floor=15))
    assert res.price("M") == pytest.approx(20.0, rel=REL)
    assert row(res, "M")["withheld_mt"] == pytest.approx(0.0, abs=ABS)


def test_price_floor_limited_by_auction_share():
    # auction_share 0.25: at most 0.25 * 80 = 20 Mt withheld; the price is then 100 - 60 = 40 < 50.
    res = model.solve(floor_market(price_floor=50, auction_share=0.25))
    assert row(res, "M")["withheld_mt"] == pytest.approx(20.0, rel=REL)
    assert res.price("M") == pytest.approx(40.0, rel=REL)
    # auction_share 0.5 allows 40 > 30 needed: the floor holds
    res = model.solve(floor_market(price_floor=50, auction_share=0.5))
    assert row(res, "M")["withheld_mt"] == pytest.approx(30.0, rel=REL)
    assert res.price("M") == pytest.approx(50.0, rel=REL)


def test_price_floor_on_a_slack_cap():
    # cap 120 > BAU 100: without a floor price 0; floor 10 withholds 120 - 90 = 30.
    res = model.solve({**FLOOR_BASE, "markets": {"M": {"members": ["J"], "cap": 120, "price_floor": 10}}})
    assert res.price("M") == pytest.approx(10.0, rel=REL)
    assert row(res, "M")["withheld_mt"] == pytest.approx(30.0, rel=REL)


def test_price_ceiling_issues_extra_allowances():
    # cap 50: price 50. Ceiling 30: emissions 70, extra allowances 20.
    res = model.solve({**FLOOR_BASE, "markets": {"M": {"members": ["J"], "cap": 50, "price_ceiling": 30}}})
    assert res.price("M") == pytest.approx(30.0, rel=REL)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(20.0, rel=REL)
    assert row(res, "M")["emissions_mt"] == pytest.approx(70.0, rel=REL)
    assert_ledger(res, gap=20.0, extra_allowances_mt=20.0)
    res = model.solve({**FLOOR_BASE, "markets": {"M": {"members": ["J"], "cap": 50, "price_ceiling": 80}}})
    assert res.price("M") == pytest.approx(50.0, rel=REL)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(0.0, abs=ABS)


def test_cost_containment_reserve_limited_volume():
    def ccr(volume, **more):
        m = {"members": ["J"], "cap": 50, "cost_containment_reserve": {"trigger": 30, "volume": volume}, **more}
        return model.solve({**FLOOR_BASE, "markets": {"M": m}})

    # volume 10 < 20 needed to hold 30: exhausted, price = 100 - 60 = 40 > trigger
    res = ccr(10)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(10.0, rel=REL)
    assert res.price("M") == pytest.approx(40.0, rel=REL)
    assert res.price("M") > 30.0
    assert_ledger(res, gap=10.0, extra_allowances_mt=10.0)
    # volume 25 > 20: the price stops at the trigger, 20 Mt released
    res = ccr(25)
    assert res.price("M") == pytest.approx(30.0, rel=REL)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(20.0, rel=REL)
    # reserve (10 at 30) then ceiling 35: extra 10 + (65 - 60) = 15, price 35
    res = ccr(10, price_ceiling=35)
    assert res.price("M") == pytest.approx(35.0, rel=REL)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(15.0, rel=REL)
