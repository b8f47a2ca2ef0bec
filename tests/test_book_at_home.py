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


def bisect(f, lo, hi, tol=1e-10):
    """Root of an increasing f on [lo, hi] by bisection."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
        if hi - lo < tol:
            break
    return 0.5 * (lo + hi)


def _price(required, covered, year):
    m = data.power_mac("CHN")
    kg = h.kappa(year) * m["gamma"]

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
    cost_mix = mix.total_cost() + h.removal_cost(mix.price("CN_ETS"), year)[1]
    cost_alone = alone.total_cost() + h.removal_cost(alone.price("CN_ETS"), year)[1]
    assert cost_mix >= cost_alone * (1 - 1e-6)


def test_path_peaks_and_ends_at_zero():
    assert h.PATH[2030] * h.net_target(2020) <= h.net_target(2020) + 1e-9
    assert h.net_target(2060) == 0.0 and h.COVERAGE[2060] == 1.0
