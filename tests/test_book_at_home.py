"""Chapter "At home, step by step": key results against independent calculations.

Per decade: the uncovered sectors abate max(standard, (tax / kappa gamma)^(1/beta)) of their BAU;
the ETS price P solves, by bisection, covered BAU x (P / kappa gamma)^(1/beta) + min(max, P / slope)
= what the ETS must cut (covered BAU less the cap, which is the path less uncovered emissions). Permits
alone: the same with all CO2 covered. The mix never costs less than permits alone.
"""

from __future__ import annotations

import pytest

import model
from model import data
from model.chapters import at_home as h
from model.sweep import sweep


def bisect(f, lo, hi, tol=1e-10):
    """Root of an increasing f on [lo, hi] by bisection."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
        if hi - lo < tol:
            break
    return 0.5 * (lo + hi)


def _price(required, covered, year, learning=h.LEARNING):
    m = data.power_mac("CHN")
    kg = h.kappa(year, learning) * m["gamma"]

    def excess(p):
        return covered * (p / kg) ** (1 / m["beta"]) + min(h.REMOVALS["max"][year], p / h.REMOVALS["slope"]) - required

    return bisect(excess, 0.0, kg)


@pytest.mark.parametrize("year", [2030, 2040, 2050])
def test_mix_price_and_net_path(year):
    e, c = h.bau(year), h.COVERAGE[year]
    uncovered = (1 - c) * e * (1 - h.uncovered_share(year))
    required = c * e - (h.PATH[year] * h.net_target(2020) - uncovered)
    res = model.solve(h.mix(year))
    assert res.price("CN_ETS") == pytest.approx(_price(required, c * e, year), rel=1e-4)
    seg = res.segments.set_index("owner")
    assert seg.loc["CN_TAX", "abatement_mt"] == pytest.approx((1 - c) * e * h.uncovered_share(year), rel=1e-5)


@pytest.mark.parametrize("year", [2040, 2050, 2060])
def test_permits_alone_price_and_mix_costs_more(year):
    e = h.bau(year)
    alone = model.solve(h.permits_alone(year))
    assert alone.price("CN_ETS") == pytest.approx(_price(e - h.net_target(year), e, year), rel=1e-4)
    mix = model.solve(h.mix(year))
    assert mix.total_cost() >= alone.total_cost() * (1 - 1e-6)
    # the results' removals and their cost against the closed form at the price
    for res in (mix, alone):
        r, cost = h.removal_cost(res.price("CN_ETS"), year)
        jur = res.jurisdictions.iloc[0]
        assert jur["removals_mt"] == pytest.approx(r, rel=1e-6)
        assert jur["removal_cost_musd"] == pytest.approx(cost, rel=1e-6)
        assert res.total_cost() == pytest.approx(res.segments["abatement_cost_musd"].sum() + cost, rel=1e-9)


@pytest.mark.parametrize("year", [2030, 2040, 2050, 2060])
def test_no_subsidies_over_the_whole_path(year):
    """Without learning (kappa of 2020), to 2060: the mix's ETS price by bisection on the inverse
    MAC (the uncovered sectors at max(standard, tax share) of the 2020 curve), the sweep's variant
    equal to the builder's scenario, and the mix never cheaper than permits alone."""
    e, c = h.bau(year), h.COVERAGE[year]
    uncovered = (1 - c) * e * (1 - h.uncovered_share(year, 0.0))
    required = c * e - (h.net_target(year) - uncovered)
    expected = _price(required, c * e, year, 0.0)
    res = model.solve(h.mix(year, learning=0.0))
    assert res.price("CN_ETS") == pytest.approx(expected, rel=1e-6)
    runs = sweep(h.mix(year), [h.no_subsidies(year)], progress=False)
    assert runs.results(0).price("CN_ETS") == pytest.approx(expected, rel=1e-6)
    alone = model.solve(h.permits_alone(year, learning=0.0))
    assert alone.price("CN_ETS") == pytest.approx(_price(e - h.net_target(year), e, year, 0.0), rel=1e-6)
    assert res.total_cost() >= alone.total_cost() * (1 - 1e-6)


def test_path_peaks_and_ends_at_zero():
    assert h.PATH[2030] * h.net_target(2020) <= h.net_target(2020) + 1e-9
    assert h.net_target(2060) == 0.0 and h.COVERAGE[2060] == 1.0
