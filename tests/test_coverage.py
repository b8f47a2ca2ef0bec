"""Coverage: the covered segment's curve, several markets per jurisdiction.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import pytest
from mechanism_cases import REL, jur, lin, row

import model

# --------------------------------------------------------------------------------------------
# coverage and several markets per jurisdiction
# --------------------------------------------------------------------------------------------


def test_coverage_scales_the_mac():
    # covered BAU 0.4 * 500 = 200, cap 150: R = 50, segment slope 0.2 / 0.4 = 0.5, p = 25.
    sc = {"jurisdictions": {"J": lin(500, 0.2)}, "markets": {"M": {"members": ["J"], "cap": 150, "coverage": 0.4}}}
    res = model.solve(sc)
    p = 0.2 / 0.4 * (0.4 * 500 - 150)
    assert p == pytest.approx(25.0)
    assert res.price("M") == pytest.approx(p, rel=REL)
    assert row(res, "M")["emissions_mt"] == pytest.approx(150.0, rel=REL)
    assert row(res, "M")["abatement_mt"] == pytest.approx(50.0, rel=REL)
    # uncovered 300 Mt stay at BAU: the jurisdiction emits 500 - 50
    assert jur(res, "J", "emissions_mt") == pytest.approx(450.0, rel=REL)
    assert jur(res, "J", "abatement_mt") == pytest.approx(50.0, rel=REL)
    # cost of the segment: 0.5 (s/c) q^2 = 0.5 * 0.5 * 2500 = 625
    assert row(res, "M")["abatement_cost_musd"] == pytest.approx(625.0, rel=REL)
    assert res.total_cost() == pytest.approx(625.0, rel=REL)


def test_coverage_two_members_closed_form():
    # coverage 0.5 of both: covered BAU 100 + 50, cap 110 -> R = 40;
    # p = R / sum(c / s_i) = 40 / (0.5 + 0.5/3) = 60; member i abates c p / s_i = 30 and 10.
    c, s, bau, cap = 0.5, {"A": 1.0, "B": 3.0}, {"A": 200.0, "B": 100.0}, 110.0
    sc = {"jurisdictions": {k: lin(bau[k], s[k]) for k in s},
          "markets": {"M": {"members": ["A", "B"], "cap": cap, "coverage": c}}}
    res = model.solve(sc)
    R = c * sum(bau.values()) - cap
    p = R / sum(c / v for v in s.values())
    assert p == pytest.approx(60.0)
    assert res.price("M") == pytest.approx(p, rel=REL)
    for k in s:
        assert jur(res, k, "abatement_mt") == pytest.approx(c * p / s[k], rel=REL)
        assert jur(res, k, "emissions_mt") == pytest.approx(bau[k] - c * p / s[k], rel=REL)


def test_coverage_per_period():
    sc = {"periods": [2025, 2030], "jurisdictions": {"J": lin(400, 0.1)},
          "markets": {"M": {"members": ["J"], "cap": 100, "coverage": {2025: 0.3, 2030: 0.5}}}}
    res = model.solve(sc)
    for t, c in ((2025, 0.3), (2030, 0.5)):
        assert res.price("M", t) == pytest.approx(0.1 / c * (c * 400 - 100), rel=REL)  # 6.6667, 20


def test_jurisdiction_in_two_markets():
    # EU: BAU 1000, slope 0.1. EU_ETS covers 0.4 (400 Mt) with cap 300: R = 100, p = 0.1/0.4*100 = 25.
    # EU_ETS2 covers 0.2 (200 Mt) with cap 180: R = 20, p = 0.1/0.2*20 = 10. 40% stays at BAU.
    sc = {"jurisdictions": {"EU": lin(1000, 0.1)},
          "markets": {"EU_ETS": {"members": ["EU"], "cap": 300, "coverage": 0.4},
                      "EU_ETS2": {"members": ["EU"], "cap": 180, "coverage": 0.2}}}
    res = model.solve(sc)
    assert res.price("EU_ETS") == pytest.approx(25.0, rel=REL)
    assert res.price("EU_ETS2") == pytest.approx(10.0, rel=REL)
    assert jur(res, "EU", "abatement_mt") == pytest.approx(120.0, rel=REL)
    assert jur(res, "EU", "emissions_mt") == pytest.approx(880.0, rel=REL)
    # cost 0.5 * 0.25 * 100^2 + 0.5 * 0.5 * 20^2 = 1250 + 100
    assert res.total_cost() == pytest.approx(1350.0, rel=REL)
    # linked: one price p = 120 / (0.4/0.1 + 0.2/0.1) = 20; the segments abate 80 and 40
    res = model.solve({**sc, "links": [["EU_ETS", "EU_ETS2"]]})
    assert res.price("EU_ETS") == pytest.approx(20.0, rel=REL)
    assert res.price("EU_ETS2") == pytest.approx(20.0, rel=REL)
    assert row(res, "EU_ETS")["abatement_mt"] == pytest.approx(80.0, rel=REL)
    assert row(res, "EU_ETS2")["abatement_mt"] == pytest.approx(40.0, rel=REL)
