"""Banking and borrowing: Hotelling's rule, the cumulative cap, bank limits, initial banks.

Expected values are closed forms (see the comments), computed from the raw numbers.
"""

import pytest
from period_cases import ABS, REL, col, lin, one_market, row, years_of

import model

# --------------------------------------------------------------------------------------------
# banking: Hotelling and the cumulative cap
# --------------------------------------------------------------------------------------------


def hotelling(R, Y, g, slope, initial_bank=0.0):
    """Closed form for a free bank emptied at the end: q_k = q_1 g^k, sum_k Y (q_k - R_k) = -initial_bank."""
    n = len(R)
    q1 = (sum(R) - initial_bank / Y) / sum(g**k for k in range(n))
    q = [q1 * g**k for k in range(n)]
    banks, b = [], initial_bank
    for qk, rk in zip(q, R, strict=True):
        b += Y * (qk - rk)
        banks.append(b)
    return [slope * x for x in q], q, banks


def test_hotelling_three_periods_closed_form():
    periods, r, s, bau = [2025, 2030, 2035], 0.05, 2.0, 100.0
    cap = {2025: 90.0, 2030: 60.0, 2035: 30.0}
    R = [bau - cap[t] for t in periods]  # 10, 40, 70
    g = (1 + r) ** 5
    prices, q, banks = hotelling(R, 5, g, s)
    assert min(banks[:-1]) > 1.0 and banks[-1] == pytest.approx(0.0, abs=1e-9)  # the bank is free: positive inside
    sc = one_market(periods, bau, s, cap, banking=True)
    sc["discount_rate"] = r
    res = model.solve(sc)
    for k, t in enumerate(periods):
        assert res.price("M", t) == pytest.approx(prices[k], rel=REL)
        assert row(res, "M", t)["abatement_mt"] == pytest.approx(q[k], rel=REL)
        assert row(res, "M", t)["bank_mt"] == pytest.approx(banks[k], rel=REL, abs=ABS)
    assert res.price("M", 2030) / res.price("M", 2025) == pytest.approx(1.05**5, rel=REL)
    assert res.price("M", 2035) / res.price("M", 2030) == pytest.approx(1.05**5, rel=REL)
    # p_1 = 2 * 120 / (1 + g + g^2), g = 1.2762815625: about 61.457
    assert prices[0] == pytest.approx(240 / (1 + 1.2762815625 + 1.2762815625**2))


def test_hotelling_two_jurisdictions_two_periods_with_initial_bank():
    # Two members: aggregate slope S = 1/(1/s_a + 1/s_b); each abates p / s_i.
    periods, r = [2030, 2035], 0.03
    sa, sb = 1.0, 4.0
    S = 1 / (1 / sa + 1 / sb)
    bau_a, bau_b, cap, bank0 = 120.0, 80.0, {2030: 170.0, 2035: 140.0}, 40.0
    R = [bau_a + bau_b - cap[t] for t in periods]  # 30, 60
    g = 1.03**5
    prices, q, banks = hotelling(R, 5, g, S, initial_bank=bank0)
    assert banks[0] > 1.0
    sc = {"periods": periods, "discount_rate": r,
          "jurisdictions": {"A": lin(bau_a, sa), "B": lin(bau_b, sb)},
          "markets": {"M": {"members": ["A", "B"], "cap": cap, "banking": True, "initial_bank": bank0}}}
    res = model.solve(sc)
    j = res.jurisdictions.set_index(["jurisdiction", "period"])
    for k, t in enumerate(periods):
        assert res.price("M", t) == pytest.approx(prices[k], rel=REL)
        assert j.loc[("A", t), "abatement_mt"] == pytest.approx(prices[k] / sa, rel=REL)
        assert j.loc[("B", t), "abatement_mt"] == pytest.approx(prices[k] / sb, rel=REL)
        assert row(res, "M", t)["bank_mt"] == pytest.approx(banks[k], rel=REL, abs=ABS)
    assert res.price("M", 2035) == pytest.approx(res.price("M", 2030) * 1.03**5, rel=REL)


def test_banking_without_discounting_equalises_prices_with_unequal_years():
    # Years 5, 10, 10. r = 0: one price p with sum_k Y_k (p/s - R_k) = 0, so p = s sum Y_k R_k / sum Y_k.
    periods, s, bau = [2025, 2030, 2040], 1.0, 100.0
    cap = {2025: 95.0, 2030: 70.0, 2040: 50.0}
    Y = years_of(periods)
    R = [bau - cap[t] for t in periods]
    p = s * sum(y * x for y, x in zip(Y, R, strict=True)) / sum(Y)
    assert p == pytest.approx(33.0)
    res = model.solve(one_market(periods, bau, s, cap, banking=True))
    banks, b = [], 0.0
    for y, x in zip(Y, R, strict=True):
        b += y * (p / s - x)
        banks.append(b)
    assert banks == pytest.approx([140.0, 170.0, 0.0], abs=1e-9)
    for k, t in enumerate(periods):
        assert res.price("M", t) == pytest.approx(p, rel=REL)
        assert row(res, "M", t)["bank_mt"] == pytest.approx(banks[k], rel=REL, abs=ABS)
    # the cumulative cap binds: total emissions over the years equal total allowances
    emitted = sum(y * float(row(res, "M", t)["emissions_mt"]) for y, t in zip(Y, periods, strict=True))
    assert emitted == pytest.approx(sum(y * cap[t] for y, t in zip(Y, periods, strict=True)), rel=REL)
    # banking lowers the total cost (the same cumulative cap, spread evenly)
    no_bank = model.solve(one_market(periods, bau, s, cap))
    assert res.total_cost() < no_bank.total_cost()
    assert res.total_cost() == pytest.approx(sum(y * 0.5 * s * (p / s) ** 2 for y in Y), rel=REL)


def test_banking_off_by_default_each_period_alone():
    periods, cap = [2025, 2030], {2025: 90.0, 2030: 50.0}
    res = model.solve(one_market(periods, 100.0, 1.0, cap))
    assert res.price("M", 2025) == pytest.approx(10.0, rel=REL)
    assert res.price("M", 2030) == pytest.approx(50.0, rel=REL)


def test_bank_limit_binding():
    # Free bank: p = 30 and a bank of 5 * (30 - 10) = 100 Mt. A limit of 50 Mt binds:
    # q_1 = R_1 + 50/5 = 20, q_2 = R_2 - 50/5 = 40.
    periods, cap = [2025, 2030], {2025: 90.0, 2030: 50.0}
    free = model.solve(one_market(periods, 100.0, 1.0, cap, banking=True))
    assert free.price("M", 2025) == pytest.approx(30.0, rel=REL)
    assert row(free, "M", 2025)["bank_mt"] == pytest.approx(100.0, rel=REL)
    res = model.solve(one_market(periods, 100.0, 1.0, cap, banking=True, bank_limit=50.0))
    assert res.price("M", 2025) == pytest.approx(20.0, rel=REL)
    assert res.price("M", 2030) == pytest.approx(40.0, rel=REL)
    assert row(res, "M", 2025)["bank_mt"] == pytest.approx(50.0, rel=REL)
    assert row(res, "M", 2030)["bank_mt"] == pytest.approx(0.0, abs=ABS)
    # a limit above the free bank does not bind
    loose = model.solve(one_market(periods, 100.0, 1.0, cap, banking=True, bank_limit=150.0))
    assert loose.price("M", 2025) == pytest.approx(30.0, rel=REL)


def test_borrowing_off_by_default_and_on():
    # Rising cap: the bank would go negative. Without borrowing each period clears alone.
    periods, cap = [2025, 2030], {2025: 50.0, 2030: 90.0}
    res = model.solve(one_market(periods, 100.0, 1.0, cap, banking=True))
    assert res.price("M", 2025) == pytest.approx(50.0, rel=REL)
    assert res.price("M", 2030) == pytest.approx(10.0, rel=REL)
    assert row(res, "M", 2025)["bank_mt"] == pytest.approx(0.0, abs=ABS)
    # With borrowing: one price 30, bank 5 * (30 - 50) = -100 Mt after 2025, repaid (0) by the end.
    res = model.solve(one_market(periods, 100.0, 1.0, cap, banking=True, borrowing=True))
    assert res.price("M", 2025) == pytest.approx(30.0, rel=REL)
    assert res.price("M", 2030) == pytest.approx(30.0, rel=REL)
    assert row(res, "M", 2025)["bank_mt"] == pytest.approx(-100.0, rel=REL)
    assert row(res, "M", 2030)["bank_mt"] == pytest.approx(0.0, abs=ABS)
    # Borrow limit 50 Mt binds: q_1 = 50 - 50/5 = 40, q_2 = 10 + 50/5 = 20.
    res = model.solve(one_market(periods, 100.0, 1.0, cap, banking=True, borrowing=True, borrow_limit=50.0))
    assert res.price("M", 2025) == pytest.approx(40.0, rel=REL)
    assert res.price("M", 2030) == pytest.approx(20.0, rel=REL)
    assert row(res, "M", 2025)["bank_mt"] == pytest.approx(-50.0, rel=REL)


def test_borrowing_with_discounting_hotelling():
    # Borrowing free: Hotelling holds with a negative bank. R = (50, 10), g = 1.1^5.
    periods, r, cap = [2025, 2030], 0.1, {2025: 50.0, 2030: 90.0}
    g = 1.1**5
    prices, q, banks = hotelling([50.0, 10.0], 5, g, 1.0)
    assert banks[0] < -1.0
    sc = one_market(periods, 100.0, 1.0, cap, banking=True, borrowing=True)
    sc["discount_rate"] = r
    res = model.solve(sc)
    for k, t in enumerate(periods):
        assert res.price("M", t) == pytest.approx(prices[k], rel=REL)
        assert row(res, "M", t)["bank_mt"] == pytest.approx(banks[k], rel=REL, abs=ABS)


def test_initial_bank_single_period_and_default_zero():
    # One period (one year): emissions may exceed the cap by the initial bank, which ends at 0.
    res = model.solve(one_market(None, 100.0, 2.0, 80.0, banking=True, initial_bank=5.0))
    assert res.price("M") == pytest.approx(2.0 * (20 - 5), rel=REL)
    assert res.prices.iloc[0]["emissions_mt"] == pytest.approx(85.0, rel=REL)
    res = model.solve(one_market(None, 100.0, 2.0, 80.0, banking=True))
    assert res.price("M") == pytest.approx(40.0, rel=REL)


def test_initial_bank_multi_period_with_discounting():
    periods, r, cap, bank0 = [2025, 2030], 0.04, {2025: 80.0, 2030: 70.0}, 50.0
    g = 1.04**5
    prices, q, banks = hotelling([20.0, 30.0], 5, g, 1.0, initial_bank=bank0)
    assert banks[0] > 1.0
    sc = one_market(periods, 100.0, 1.0, cap, banking=True, initial_bank=bank0)
    sc["discount_rate"] = r
    res = model.solve(sc)
    for k, t in enumerate(periods):
        assert res.price("M", t) == pytest.approx(prices[k], rel=REL)
        assert row(res, "M", t)["bank_mt"] == pytest.approx(banks[k], rel=REL, abs=ABS)
    # q_1 = (20 + 30 - 50/5) / (1 + g) = 40 / (1 + 1.04^5)
    assert prices[0] == pytest.approx(40 / (1 + 1.04**5))


def test_large_initial_bank_makes_the_price_zero():
    # 10 years of requirement 10 Mt = 100 Mt < initial bank 150 Mt: nothing to abate.
    res = model.solve(one_market([2025, 2030], 100.0, 1.0, 90.0, banking=True, initial_bank=150.0))
    for t in (2025, 2030):
        assert res.price("M", t) == pytest.approx(0.0, abs=ABS)
        assert row(res, "M", t)["abatement_mt"] == pytest.approx(0.0, abs=ABS)



def test_unused_initial_bank_stays_banked():
    # Allowances not surrendered stay in the bank: 150 - 5 * 10 = 100 after 2025, 50 after 2030.
    res = model.solve(one_market([2025, 2030], 100.0, 1.0, 90.0, banking=True, initial_bank=150.0))
    assert row(res, "M", 2025)["bank_mt"] == pytest.approx(100.0, rel=REL)
    assert row(res, "M", 2030)["bank_mt"] == pytest.approx(50.0, rel=REL)


def test_surplus_allowances_are_banked():
    # Caps above BAU with banking: every unused allowance is kept: bank = sum of years * (cap - BAU).
    periods = [2020, 2021, 2022]
    res = model.solve(one_market(periods, 100.0, 1.0, 130.0, banking=True))
    assert col(res, "M", "bank_mt", periods) == pytest.approx([30.0, 60.0, 90.0], rel=REL)
    assert col(res, "M", "price_usd_per_t", periods) == pytest.approx([0.0] * 3, abs=ABS)


def test_ledger_reports_banking_per_year():
    # Bank limit case: 2025 emits 80 under a cap of 90 and banks 50 Mt over 5 years (10 a year);
    # 2030 emits 60 under a cap of 50 from the bank. The integrity gap (emissions less the cap)
    # is -banked in each period.
    periods, cap = [2025, 2030], {2025: 90.0, 2030: 50.0}
    res = model.solve(one_market(periods, 100.0, 1.0, cap, banking=True, bank_limit=50.0))
    led = res.ledger.set_index("period")
    for t, banked, emitted in ((2025, 10.0, 80.0), (2030, -10.0, 60.0)):
        assert led.loc[t, "banked_mt"] == pytest.approx(banked, rel=REL)
        assert led.loc[t, "global_emissions_mt"] == pytest.approx(emitted, rel=REL)
        assert led.loc[t, "integrity_gap_mt"] == pytest.approx(emitted - cap[t], rel=REL)
        assert led.loc[t, "integrity_gap_mt"] == pytest.approx(-banked, rel=REL)
