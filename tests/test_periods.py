"""Format v2, several periods: period weights, discounting, cap paths, banking, borrowing and the MSR.

Every expected number is worked out here by hand from the raw numbers of the scenario (linear
MACs, so the equilibria have closed forms); nothing is taken from the model's own helpers.

Conventions of the spec (notes/format-v2.md) used throughout:

* a period stands for ``years`` years: the gap to the next period; the last period repeats the
  gap before it; a single period is one year;
* caps, emissions and flows are per year; the bank is a stock in Mt and moves by
  ``years * (cap - emissions)`` in a period;
* prices are reported undiscounted, in each period's money.

Hotelling with a free bank (the bank positive between two periods) and a linear MAC: the present
value of the price is equal across the periods, so ``p_{k+1} = p_k (1 + r)^gap``. With one
jurisdiction of slope ``s``, equal gaps ``Y``, growth factor ``g = (1 + r)^Y`` and the bank
emptied at the end (``sum_k Y (q_k - R_k) + initial_bank = 0`` with ``R_k = BAU_k - cap_k``),
``q_k = q_1 g^(k-1)`` gives ``q_1 = (sum_k R_k - initial_bank / Y) / sum_k g^(k-1)`` and
``p_k = s q_k``.
"""

import math

import pytest

import model

REL = 1e-6
ABS = 1e-6


def lin(bau, slope):
    return {"bau": bau, "mac": {"type": "linear", "slope": slope}}


def row(res, market, period):
    """The results.prices row of ``market`` in ``period``."""
    p = res.prices
    rows = p[(p["market"] == market) & (p["period"] == period)]
    assert len(rows) == 1, f"expected one row for {market} {period}, got {len(rows)}"
    return rows.iloc[0]


def col(res, market, name, periods):
    return [float(row(res, market, t)[name]) for t in periods]


def one_market(periods, bau, slope, cap, **market):
    sc = {"jurisdictions": {"J": lin(bau, slope)}, "markets": {"M": {"members": ["J"], "cap": cap, **market}}}
    if periods is not None:
        sc["periods"] = list(periods)
    return sc


def years_of(periods):
    """Years each period stands for, from the spec: the gap to the next; last = previous gap; single = 1."""
    if len(periods) == 1:
        return [1]
    gaps = [b - a for a, b in zip(periods, periods[1:], strict=False)]
    return gaps + [gaps[-1]]


# --------------------------------------------------------------------------------------------
# period weights and discounting
# --------------------------------------------------------------------------------------------


def test_years_helper_matches_the_spec_examples():
    assert years_of([2025]) == [1]
    assert years_of([2025, 2030]) == [5, 5]
    assert years_of([2025, 2030, 2040]) == [5, 10, 10]


def test_total_cost_weights_each_period_by_its_years():
    # No banking: each period clears alone. Annual cost 0.5 s R^2, times the years of the period.
    periods, s = [2025, 2030, 2040], 1.0
    bau, cap = {2025: 100, 2030: 110, 2040: 120}, {2025: 80, 2030: 80, 2040: 70}
    res = model.solve(one_market(periods, bau, s, cap))
    expected = 0.0
    for t, y in zip(periods, years_of(periods), strict=True):
        req = bau[t] - cap[t]
        assert res.price("M", t) == pytest.approx(s * req, rel=REL)
        expected += y * 0.5 * s * req**2
    # 5 * 200 + 10 * 450 + 10 * 1250
    assert expected == pytest.approx(18000.0)
    assert res.total_cost() == pytest.approx(expected, rel=REL)


def test_single_period_is_one_year():
    res = model.solve(one_market(None, 100, 2.0, 70))
    assert res.price("M") == pytest.approx(60.0, rel=REL)
    assert res.total_cost() == pytest.approx(0.5 * 2.0 * 30**2, rel=REL)
    res = model.solve(one_market([2030], 100, 2.0, 70))
    assert res.total_cost() == pytest.approx(900.0, rel=REL)


def test_discount_rate_does_not_change_prices_without_a_bank():
    # Prices are reported undiscounted: without banking each period clears at s * R_t whatever r is.
    periods = [2025, 2030, 2035]
    bau, cap = 100, {2025: 90, 2030: 70, 2035: 40}
    for r in (0.0, 0.05, 0.2):
        sc = one_market(periods, bau, 0.5, cap)
        sc["discount_rate"] = r
        res = model.solve(sc)
        for t in periods:
            assert res.price("M", t) == pytest.approx(0.5 * (bau - cap[t]), rel=REL)


def test_total_cost_is_a_present_value():
    # Two periods of 5 years, annual costs C_1 = 0.5*1*20^2 = 200 and C_2 = 0.5*1*40^2 = 800.
    # The SCHEMA's convention: each period's yearly cost counts for its years and is discounted
    # from the period's year to the first period: PV = sum_t w_t (1+r)^-(t - t_0) C_t.
    r = 0.05
    sc = one_market([2025, 2030], 100, 1.0, {2025: 80, 2030: 60})
    sc["discount_rate"] = r
    res = model.solve(sc)
    undiscounted = model.solve({**sc, "discount_rate": 0}).total_cost()
    assert undiscounted == pytest.approx(5 * 200 + 5 * 800, rel=REL)
    assert res.total_cost() == pytest.approx(5 * 200 + 5 * 800 * 1.05**-5, rel=REL)


def test_hotelling_with_unequal_gaps():
    # Periods 2025, 2030, 2040: years 5, 10, 10. Objective weights w_t (1+r)^-(t-t0) and bank
    # flows w_t (cap - e) give MAC_t = lambda (1+r)^(t - t0): p_t = p_1 (1.04)^(t - 2025).
    # sum_t w_t (p_t / s - R_t) = 0 -> p_1 = s sum w_t R_t / sum w_t g_t.
    periods, r, s, bau = [2025, 2030, 2040], 0.04, 1.0, 100.0
    cap = {2025: 95.0, 2030: 70.0, 2040: 50.0}
    w = years_of(periods)
    g = [(1 + r) ** (t - 2025) for t in periods]
    R = [bau - cap[t] for t in periods]
    p1 = s * sum(wi * x for wi, x in zip(w, R, strict=True)) / sum(wi * gi for wi, gi in zip(w, g, strict=True))
    banks, b = [], 0.0
    for wi, gi, x in zip(w, g, R, strict=True):
        b += wi * (p1 * gi / s - x)
        banks.append(b)
    assert min(banks[:-1]) > 1.0
    sc = one_market(periods, bau, s, cap, banking=True)
    sc["discount_rate"] = r
    res = model.solve(sc)
    for k, t in enumerate(periods):
        assert res.price("M", t) == pytest.approx(p1 * g[k], rel=REL)
        assert row(res, "M", t)["bank_mt"] == pytest.approx(banks[k], rel=REL, abs=ABS)
    assert res.price("M", 2040) / res.price("M", 2030) == pytest.approx(1.04**10, rel=REL)


# --------------------------------------------------------------------------------------------
# cap paths
# --------------------------------------------------------------------------------------------


def test_cap_linear_reduction_closed_form_and_floor():
    periods = [2021, 2025, 2030, 2100]
    base_year, base, factor = 2013, 2084.0, 0.0174
    bau, s = 2500.0, 0.1
    sc = one_market(periods, bau, s, {"type": "linear_reduction", "base_year": base_year, "base": base, "factor": factor})
    res = model.solve(sc)
    for t in periods:
        cap = max(0.0, base - factor * base * (t - base_year))
        assert row(res, "M", t)["cap_mt"] == pytest.approx(cap, rel=REL, abs=ABS)
        assert res.price("M", t) == pytest.approx(s * (bau - cap), rel=REL)
    # 2021: 2084 - 36.2616 * 8 = 1793.9072; 2100: negative -> floored at 0, all of BAU abated
    assert row(res, "M", 2021)["cap_mt"] == pytest.approx(1793.9072, rel=REL)
    assert row(res, "M", 2100)["cap_mt"] == pytest.approx(0.0, abs=ABS)
    assert row(res, "M", 2100)["emissions_mt"] == pytest.approx(0.0, abs=ABS)


def test_cap_linear_reduction_with_reference():
    periods = [2020, 2030]
    sc = one_market(periods, 2000, 0.05, {"type": "linear_reduction", "base_year": 2015, "base": 1500,
                                          "factor": 0.02, "reference": 2000})
    res = model.solve(sc)
    for t in periods:
        cap = 1500 - 0.02 * 2000 * (t - 2015)  # 1300, 900
        assert row(res, "M", t)["cap_mt"] == pytest.approx(cap, rel=REL)
        assert res.price("M", t) == pytest.approx(0.05 * (2000 - cap), rel=REL)


def test_cap_relative_to_covered_bau():
    # cap_t = (1 + change_t) * covered BAU_t, covered BAU = coverage * BAU; the covered segment's
    # slope is s / coverage, so p_t = (s / c) * (c BAU_t - cap_t) = -s * change_t * BAU_t.
    periods, c, s = [2025, 2030], 0.5, 0.3
    bau = {2025: 200.0, 2030: 220.0}
    change = {2025: -0.1, 2030: -0.3}
    sc = one_market(periods, bau, s, {"type": "relative", "to": "bau", "change": change}, coverage=c)
    res = model.solve(sc)
    for t in periods:
        cap = (1 + change[t]) * c * bau[t]  # 90, 77
        assert row(res, "M", t)["cap_mt"] == pytest.approx(cap, rel=REL)
        assert res.price("M", t) == pytest.approx(s / c * (c * bau[t] - cap), rel=REL)
    # scalar change: the same change every period
    res = model.solve(one_market(periods, bau, s, {"type": "relative", "to": "bau", "change": -0.2}))
    for t in periods:
        assert row(res, "M", t)["cap_mt"] == pytest.approx(0.8 * bau[t], rel=REL)
        assert res.price("M", t) == pytest.approx(s * 0.2 * bau[t], rel=REL)


def test_cap_relative_to_base_year():
    sc = one_market([2030], 3000, 0.01, {"type": "relative", "to": "base_year", "base": 5000, "change": {2030: -0.55}})
    res = model.solve(sc)
    cap = (1 - 0.55) * 5000  # 2250
    assert row(res, "M", 2030)["cap_mt"] == pytest.approx(cap, rel=REL)
    assert res.price("M", 2030) == pytest.approx(0.01 * (3000 - cap), rel=REL)
    sc = one_market([2025, 2030], 3000, 0.01,
                    {"type": "relative", "to": "base_year", "base": 4000, "change": {2025: -0.3, 2030: -0.4}})
    res = model.solve(sc)
    assert col(res, "M", "cap_mt", [2025, 2030]) == pytest.approx([2800.0, 2400.0], rel=REL)
    assert res.price("M", 2025) == pytest.approx(0.01 * 200, rel=REL)
    assert res.price("M", 2030) == pytest.approx(0.01 * 600, rel=REL)


def test_cap_intensity_rate_times_output():
    rate, output = {2025: 0.5, 2030: 0.4}, {2025: 150.0, 2030: 160.0}
    sc = one_market([2025, 2030], 100, 2.0, {"type": "intensity", "rate": rate, "output": output})
    res = model.solve(sc)
    for t in (2025, 2030):
        cap = rate[t] * output[t]  # 75, 64
        assert row(res, "M", t)["cap_mt"] == pytest.approx(cap, rel=REL)
        assert res.price("M", t) == pytest.approx(2.0 * (100 - cap), rel=REL)


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


# --------------------------------------------------------------------------------------------
# the market stability reserve
# --------------------------------------------------------------------------------------------

MSR_PERIODS = [2020, 2021, 2022, 2023, 2024, 2025]  # one year each: Mt per period = Mt per year
MSR_CAPS = {2020: 100.0, 2021: 100.0, 2022: 100.0, 2023: 50.0, 2024: 50.0, 2025: 50.0}


def msr_rule(res, market, periods, msr, initial_bank):
    """Net intake (intake - release) and reserve per period, recomputed from the reported bank path.

    The rule of the spec: the bank (TNAC) at the end of the previous period (``initial_bank`` for
    the first) above ``upper`` sends ``intake_rate`` times it into the reserve (``rule: 2023``, the
    default of the SCHEMA: at most the excess over ``upper``); below ``lower`` the reserve releases
    ``min(release, reserve)``; reserve holdings above ``invalidate_above`` are cancelled.
    Returns (net intakes, reserves, number of periods where the 2023 limit bit).
    """
    reserve = msr.get("initial_reserve", 0.0)
    rule = msr.get("rule", 2023)
    previous = initial_bank
    net, reserves, limited = [], [], 0
    for t in periods:
        tnac = previous
        amount = 0.0
        if t >= msr.get("start", periods[0]):
            if tnac > msr["upper"]:
                amount = msr["intake_rate"] * tnac
                if rule == 2023 and tnac - msr["upper"] < amount:
                    amount, limited = tnac - msr["upper"], limited + 1
            elif tnac < msr["lower"]:
                amount = -min(msr["release"], reserve)
        reserve += amount
        if msr.get("invalidate_above") is not None:
            reserve = min(reserve, msr["invalidate_above"])
        net.append(amount)
        reserves.append(reserve)
        previous = float(row(res, market, t)["bank_mt"])
    return net, reserves, limited


BASE_MSR = {"upper": 50.0, "lower": 10.0, "intake_rate": 0.24, "release": 100.0, "initial_reserve": 0.0}
MSR_CASES = {
    # intake rate x TNAC (the rule of notes/format-v2.md) in two periods; reserve starts empty
    "rule2019": (dict(BASE_MSR, rule=2019), 0.0),
    # since the 2023 reform: never more than the excess over `upper` (bites in 2022: 59.6 - 50 < 0.24 * 59.6)
    "rule2023": (dict(BASE_MSR, rule=2023), 0.0),
    # no `rule`: the SCHEMA's default, 2023
    "default": (dict(BASE_MSR), 0.0),
    # intake, and at the end, when the bank runs below `lower`, a release of 20 from the reserve
    "release": ({"upper": 40.0, "lower": 20.0, "intake_rate": 0.24, "release": 20.0, "initial_reserve": 30.0,
                 "rule": 2019}, 30.0),
}


def msr_market(msr, bank0, caps=None):
    return one_market(MSR_PERIODS, 100.0, 1.0, caps or MSR_CAPS, banking=True, initial_bank=bank0, msr=msr)


@pytest.mark.parametrize("case", sorted(MSR_CASES))
def test_msr_intake_follows_the_rule_on_the_reported_bank(case):
    msr, bank0 = MSR_CASES[case]
    res = model.solve(msr_market(msr, bank0))
    net, reserves, limited = msr_rule(res, "M", MSR_PERIODS, msr, bank0)
    got = col(res, "M", "msr_intake_mt", MSR_PERIODS)
    assert got == pytest.approx(net, rel=1e-5, abs=1e-5)
    assert sum(x for x in net if x > 0) > 10.0  # the rule did bite (not a vacuous check)
    if msr.get("rule", 2023) == 2023:
        assert limited >= 1  # and the 2023 limit mattered somewhere
    if case == "release":
        assert min(net) == pytest.approx(-20.0)  # the bank ran below 20 Mt once
    assert col(res, "M", "msr_reserve_mt", MSR_PERIODS) == pytest.approx(reserves, rel=1e-5, abs=1e-5)
    banks = col(res, "M", "bank_mt", MSR_PERIODS)
    assert min(banks) >= -1e-6 and banks[-1] == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("case", sorted(MSR_CASES))
def test_msr_equals_plain_banking_with_caps_net_of_intake(case):
    msr, bank0 = MSR_CASES[case]
    res = model.solve(msr_market(msr, bank0))
    reported = col(res, "M", "msr_intake_mt", MSR_PERIODS)
    # one-year periods: the cap of each year falls by that year's net intake
    adjusted = {t: MSR_CAPS[t] - reported[k] for k, t in enumerate(MSR_PERIODS)}
    plain = model.solve(one_market(MSR_PERIODS, 100.0, 1.0, adjusted, banking=True, initial_bank=bank0))
    for t in MSR_PERIODS:
        assert res.price("M", t) == pytest.approx(plain.price("M", t), rel=1e-5)
        assert row(res, "M", t)["bank_mt"] == pytest.approx(float(row(plain, "M", t)["bank_mt"]), rel=1e-5, abs=1e-5)
        assert row(res, "M", t)["emissions_mt"] == pytest.approx(float(row(plain, "M", t)["emissions_mt"]), rel=1e-5)
    # r = 0 and the bank positive until the end: one flat price = total requirement / 6 years,
    # and the MSR (net intake > 0) raised it above 150 / 6 = 25
    prices = [res.price("M", t) for t in MSR_PERIODS]
    required = sum(100.0 - adjusted[t] for t in MSR_PERIODS) - bank0
    for p in prices:
        assert p == pytest.approx(required / 6, rel=1e-5)
    assert prices[0] > (150.0 - bank0) / 6 + 1.0


def test_msr_default_rule_is_2023():
    default = model.solve(msr_market(MSR_CASES["default"][0], 0.0))
    explicit = model.solve(msr_market(MSR_CASES["rule2023"][0], 0.0))
    assert col(default, "M", "msr_intake_mt", MSR_PERIODS) == pytest.approx(
        col(explicit, "M", "msr_intake_mt", MSR_PERIODS), rel=1e-6, abs=1e-6)


def test_msr_invalidation_caps_the_reserve():
    msr = dict(MSR_CASES["rule2019"][0], invalidate_above=20.0)
    res = model.solve(msr_market(msr, 0.0))
    net, reserves, _ = msr_rule(res, "M", MSR_PERIODS, msr, 0.0)
    assert col(res, "M", "msr_intake_mt", MSR_PERIODS) == pytest.approx(net, rel=1e-5, abs=1e-5)
    got = col(res, "M", "msr_reserve_mt", MSR_PERIODS)
    assert max(got) == pytest.approx(20.0, rel=1e-6)
    assert got == pytest.approx(reserves, rel=1e-5, abs=1e-5)


def test_msr_does_nothing_before_start():
    msr = dict(MSR_CASES["rule2019"][0], start=2023)
    res = model.solve(msr_market(msr, 0.0))
    net, _, _ = msr_rule(res, "M", MSR_PERIODS, msr, 0.0)
    got = col(res, "M", "msr_intake_mt", MSR_PERIODS)
    assert got[:3] == pytest.approx([0.0] * 3, abs=ABS)
    assert got == pytest.approx(net, rel=1e-5, abs=1e-5)
    assert got[3] > 1.0  # the bank built up before 2023 is taken in from 2023


def test_msr_start_before_the_first_period():
    # The spec's example has `start: 2019`; with periods from 2020 the reserve is active throughout,
    # as with the default start (the first period).
    msr = dict(MSR_CASES["rule2019"][0], start=2019)
    res = model.solve(msr_market(msr, 0.0))
    ref = model.solve(msr_market(MSR_CASES["rule2019"][0], 0.0))
    assert col(res, "M", "msr_intake_mt", MSR_PERIODS) == pytest.approx(
        col(ref, "M", "msr_intake_mt", MSR_PERIODS), rel=1e-6, abs=1e-6)


def test_msr_takes_in_a_surplus():
    # The MSR's purpose: caps of 150 above a BAU of 100, price 0, 50 Mt a year unused and banked.
    # TNAC after 2020: 50 (< upper 60, no intake); after 2021: 100 -> intake 0.24 * 100 = 24 in 2022,
    # bank 100 + 50 - 24 = 126 -> intake 30.24 in 2023, bank 126 + 50 - 30.24 = 145.76.
    periods = [2020, 2021, 2022, 2023]
    msr = {"upper": 60.0, "lower": 10.0, "intake_rate": 0.24, "release": 100.0, "rule": 2019}
    res = model.solve(one_market(periods, 100.0, 1.0, 150.0, banking=True, msr=msr))
    assert col(res, "M", "price_usd_per_t", periods) == pytest.approx([0.0] * 4, abs=ABS)
    assert col(res, "M", "bank_mt", periods) == pytest.approx([50.0, 100.0, 126.0, 145.76], rel=1e-5)
    assert col(res, "M", "msr_intake_mt", periods) == pytest.approx([0.0, 0.0, 24.0, 30.24], rel=1e-5, abs=1e-5)
    assert col(res, "M", "msr_reserve_mt", periods) == pytest.approx([0.0, 0.0, 24.0, 54.24], rel=1e-5, abs=1e-5)


def test_market_before_its_start_has_no_price_and_the_rest_is_unchanged():
    # MB covers nothing and issues nothing in 2025: it does not exist yet. Its price is empty, and
    # from 2030 each unlinked, non-banking market clears alone: p = slope * (covered BAU - cap).
    lin = {"type": "linear", "slope": 1.0}
    raw = {"name": "start", "periods": [2025, 2030, 2035], "discount_rate": 0.05,
           "jurisdictions": {"A": {"bau": 100, "mac": lin}, "B": {"bau": 100, "mac": lin}},
           "markets": {"MA": {"members": ["A"], "cap": {2025: 90, 2030: 80, 2035: 70}},
                       "MB": {"members": ["B"], "coverage": {2025: 0, 2030: 0.5, 2035: 0.5},
                              "cap": {2025: 0, 2030: 40, 2035: 30}}}}
    res = model.solve(raw)
    assert math.isnan(res.price("MB", 2025))
    # a segment covering half of B has the curve MAC(q / 0.5) = 2q
    assert res.price("MB", 2030) == pytest.approx(2.0 * (50 - 40), rel=1e-6)
    assert res.price("MB", 2035) == pytest.approx(2.0 * (50 - 30), rel=1e-6)
    for t, cap in ((2025, 90), (2030, 80), (2035, 70)):
        assert res.price("MA", t) == pytest.approx(100 - cap, rel=1e-6)
    # with banking the market still has no price before it starts; afterwards Hotelling holds
    raw["markets"]["MB"]["banking"] = True
    res = model.solve(raw)
    assert math.isnan(res.price("MB", 2025))
    assert res.price("MB", 2035) == pytest.approx(res.price("MB", 2030) * 1.05 ** 5, rel=1e-6)


def test_msr_counts_the_bank_of_the_whole_link_group():
    # A (with an MSR) and B are linked and both bank: where the bank sits is arbitrary, so the
    # MSR counts the group's bank. Check the fixed point by hand: each intake follows the 2023
    # rule on the group's bank of the period before, min(0.5 * bank, bank - 20); with the intakes
    # taken out of A's caps, Hotelling prices p0 * 1.05^i and abatement p_t in each of the two
    # jurisdictions (slope 1) use up exactly the allowances: 2 p0 (1 + 1.05 + 1.05^2 + 1.05^3)
    # = 800 - (caps - intakes), the bank being empty at the end.
    lin = {"type": "linear", "slope": 1.0}
    years = [2020, 2021, 2022, 2023]
    caps_a = {2020: 150, 2021: 80, 2022: 60, 2023: 50}
    caps_b = {2020: 100, 2021: 90, 2022: 80, 2023: 70}
    sc = {"periods": years, "discount_rate": 0.05,
          "jurisdictions": {"X": {"bau": 100, "mac": lin}, "Y": {"bau": 100, "mac": lin}},
          "markets": {"A": {"members": ["X"], "cap": caps_a, "banking": True,
                            "msr": {"upper": 20, "lower": 0, "intake_rate": 0.5, "release": 0, "start": 2021}},
                      "B": {"members": ["Y"], "cap": caps_b, "banking": True}},
          "links": [["A", "B"]]}
    res = model.solve(sc)
    p = res.prices.set_index(["market", "period"])
    group_bank = {t: p.loc[("A", t), "bank_mt"] + p.loc[("B", t), "bank_mt"] for t in years}
    assert group_bank[2020] > 20.0  # the rule is active, and most of the bank could sit anywhere
    for before, t in zip(years[:-1], years[1:], strict=True):
        want = min(0.5 * group_bank[before], group_bank[before] - 20.0)
        assert p.loc[("A", t), "msr_intake_mt"] == pytest.approx(want, rel=1e-6)
    intakes = sum(p.loc[("A", t), "msr_intake_mt"] for t in years)
    allowances = sum(caps_a.values()) + sum(caps_b.values()) - intakes
    p0 = (800 - allowances) / (2 * sum(1.05 ** i for i in range(4)))
    for i, t in enumerate(years):
        assert res.price("A", t) == pytest.approx(p0 * 1.05 ** i, rel=1e-6)
        assert res.price("B", t) == pytest.approx(p0 * 1.05 ** i, rel=1e-6)
