"""Periods: weights, discounting, present values, and cap paths over time.

Expected values are closed forms (see the comments), computed from the raw numbers.
"""

import pytest
from period_cases import ABS, REL, col, one_market, row, years_of

import model

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
