"""Corresponding adjustments: sales without adjustment and double counting.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import pytest
from mechanism_cases import (
    REL,
    SLACK,
    assert_ledger,
    check_decomposition,
    check_ledger,
    jur,
    ledger,
    lin,
    net_flow,
    one_way,
)

import model

# --------------------------------------------------------------------------------------------
# corresponding adjustments
# --------------------------------------------------------------------------------------------


def test_no_corresponding_adjustment_sells_abatement_only_and_counts_it_twice():
    # MA's cap (130) is slack: with the adjustment it would sell hot air first. Without it, MA may
    # sell only its abatement below BAU, x <= q_A, and its own account is not debited.
    # x = q_A; s_A x = s_B (R_B - x), s_A = 1, s_B = 0.5, R_B = 50 -> x = 25 / 1.5 = 50/3, p = 50/3.
    sc = {**SLACK, "links": [one_way("MA", "MB", corresponding_adjustment=False)]}
    res = model.solve(sc)
    x = 0.5 * 50 / (1 + 0.5)
    assert res.price("MB") == pytest.approx(x, rel=REL)
    assert jur(res, "A", "abatement_mt") == pytest.approx(x, rel=REL)
    assert jur(res, "B", "abatement_mt") == pytest.approx(50 - x, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(x, rel=REL)
    # with the adjustment (default): MA's 30 Mt of hot air flows first, then its abatement:
    # joint R = 20, p = 20 / (1 + 2) = 20/3 as in the two-way case, and 30 Mt of hot air sold.
    res = model.solve({**SLACK, "links": [one_way("MA", "MB")]})
    assert res.price("MB") == pytest.approx(20 / 3, rel=REL)
    assert_ledger(res, gap=30.0, hot_air_sold_mt=30.0)


def test_no_corresponding_adjustment_ledger():
    # global: (100 - x) + (50 + x) = 150 = what the caps allow (MA at its BAU 100, MB 50): no gap,
    # though x tonnes are claimed by both; MA sold no allowances, so no hot air.
    res = model.solve({**SLACK, "links": [one_way("MA", "MB", corresponding_adjustment=False)]})
    x = 0.5 * 50 / (1 + 0.5)
    check_ledger(res, gap=0.0, double_counted_mt=x)


def test_no_corresponding_adjustment_binding_seller_cap():
    # MA's cap binds (R_A = 10, slope 1); MB: R_B = 50, slope 0.5. Without the adjustment MA may sell
    # up to its whole abatement q_A, which also counts for its own cap: x = q_A = 50/3 > 10.
    sc = {"jurisdictions": SLACK["jurisdictions"],
          "markets": {"MA": {"members": ["A"], "cap": 90}, "MB": {"members": ["B"], "cap": 50}},
          "links": [one_way("MA", "MB", corresponding_adjustment=False)]}
    res = model.solve(sc)
    x = 0.5 * 50 / 1.5
    assert x > 10
    assert res.price("MB") == pytest.approx(x, rel=REL)
    assert jur(res, "A", "abatement_mt") == pytest.approx(x, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(x, rel=REL)
    assert float(ledger(res)["double_counted_mt"]) == pytest.approx(x, rel=REL)


def test_ledger_decomposition_seller_without_adjustment():
    # The case of test_no_corresponding_adjustment_sells_abatement_only_and_counts_it_twice: the
    # gap is 0 (checked there) but x = 50/3 tonnes are double counted, and no other documented part
    # of the gap is non-zero: the decomposition leaves MA's x tonnes of abatement below a slack cap
    # unaccounted for.
    res = model.solve({**SLACK, "links": [one_way("MA", "MB", corresponding_adjustment=False)]})
    check_decomposition(res)


def test_ledger_decomposition_binding_seller_without_adjustment():
    # MA (cap 90, R_A = 10) sells x = q_A = 50/3 without adjustment: global (100 - x) + (50 + x) = 150,
    # caps allow 90 + 50 = 140, gap 10 = double counted 50/3 - MA's over-compliance 20/3.
    sc = {"jurisdictions": SLACK["jurisdictions"],
          "markets": {"MA": {"members": ["A"], "cap": 90}, "MB": {"members": ["B"], "cap": 50}},
          "links": [one_way("MA", "MB", corresponding_adjustment=False)]}
    res = model.solve(sc)
    check_ledger(res, gap=10.0, double_counted_mt=50 / 3)
    check_decomposition(res)


def test_ledger_decomposition_tax_beyond_the_cap():
    # Cap 70 and a tax of 45 > the cap's price 30: emissions 55, 15 below the cap; gap -15.
    res = model.solve({"jurisdictions": {"J": lin(100, 1.0)},
                       "markets": {"M": {"members": ["J"], "cap": 70, "tax": 45}}})
    check_ledger(res, gap=-15.0)
    check_decomposition(res)
