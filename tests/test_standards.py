"""Emission standards (model.mechanisms.standards): a least abatement share, worked by hand.

Linear curves MAC(q) = slope * q. One member, BAU 100, cap 80 (20 Mt to abate): a standard of
30% forces 30 Mt, the cap is slack and the price zero; a standard of 10% is slack and the price
is the cap's, 20. Two members (slopes 1 and 2, BAU 100 each, cap 160): without a standard
q_A = 80/3, q_B = 40/3, P = 80/3; with 15% B must abate 15, so q_A = 25, P = MAC_A = 25 and
B's marginal cost is 30 (the standard's shadow cost 5). A tax of 10 with a 20% standard: 20 Mt.
"""

from __future__ import annotations

import pytest

import model

LIN1 = {"type": "linear", "slope": 1.0}
LIN2 = {"type": "linear", "slope": 2.0}


def one(standard, cap=80.0):
    return {"jurisdictions": {"A": {"bau": 100, "mac": LIN1}},
            "markets": {"M": {"members": ["A"], "cap": cap, "standard": standard}}}


@pytest.mark.parametrize("standard, q, price", [(0.3, 30.0, 0.0), (0.1, 20.0, 20.0)])
def test_one_member(standard, q, price):
    res = model.solve(one(standard))
    seg = res.segments.iloc[0]
    assert seg["abatement_mt"] == pytest.approx(q, abs=1e-6)
    assert res.price("M") == pytest.approx(price, abs=1e-6)


def test_two_members_price_reflects_the_rest():
    sc = {"jurisdictions": {"A": {"bau": 100, "mac": LIN1}, "B": {"bau": 100, "mac": LIN2}},
          "markets": {"M": {"members": ["A", "B"], "cap": 160}}}
    free = model.solve(sc)
    assert free.price("M") == pytest.approx(80 / 3, abs=1e-6)
    sc["markets"]["M"]["standard"] = 0.15
    res = model.solve(sc)
    q = res.segments.set_index("jurisdiction")["abatement_mt"]
    assert q["A"] == pytest.approx(25.0, abs=1e-6) and q["B"] == pytest.approx(15.0, abs=1e-6)
    assert res.price("M") == pytest.approx(25.0, abs=1e-6)
    mc = res.segments.set_index("jurisdiction")["marginal_cost_usd_per_t"]
    assert mc["B"] == pytest.approx(30.0, abs=1e-6)
    # the standard costs more than permits alone for the same emissions
    assert res.total_cost() > free.total_cost()


@pytest.mark.parametrize("standard, q", [(0.2, 20.0), (0.05, 10.0)])
def test_beside_a_tax(standard, q):
    sc = {"jurisdictions": {"A": {"bau": 100, "mac": LIN1}},
          "markets": {"T": {"members": ["A"], "tax": 10.0, "standard": standard}}}
    assert model.solve(sc).segments.iloc[0]["abatement_mt"] == pytest.approx(q, abs=1e-6)


def test_a_share_above_one_is_refused():
    with pytest.raises(model.ScenarioError, match="standard"):
        model.load_scenario(one(1.5))


def bisect(f, lo, hi):
    """Root of an increasing f on [lo, hi]."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
    return 0.5 * (lo + hi)


@pytest.mark.parametrize("standard", [0.4, 0.2])
def test_binding_standard_beside_a_tax_with_a_power_curve(standard):
    """Regression: a standard binding on a power curve under a tax left the Newton refinement
    failing (its stopping test took MAC(s) > tax at the standard for a gap; the standard's
    shadow cost was not a lower bound). Power MAC 2887 (q/BAU)^3, BAU 100: under a tax of 100 the
    curve alone abates 100 (100/2887)^(1/3) = 32.6 Mt; a standard of 40% forces 40 Mt (MAC 184.8),
    one of 20% is slack. A capped market beside it (cap 60 on another 100 Mt of BAU) has the price
    P with 100 (P/2887)^(1/3) = 40, found by bisection."""
    power = {"type": "power", "kappa": 1.0, "gamma": 2887.0, "beta": 3.0}
    raw = {"jurisdictions": {"A": {"bau": 200, "mac": power}},
           "markets": {"ETS": {"members": ["A"], "coverage": 0.5, "cap": 60.0},
                       "TAX": {"members": ["A"], "coverage": 0.5, "tax": 100.0, "standard": standard}}}
    res = model.solve(raw)
    seg = res.segments.set_index("owner")
    free = 100 * (100 / 2887) ** (1 / 3)
    assert seg.loc["TAX", "abatement_mt"] == pytest.approx(max(100 * standard, free), rel=1e-6)
    p = bisect(lambda x: 100 * (x / 2887) ** (1 / 3) - 40, 0.0, 2887.0)
    assert res.price("ETS") == pytest.approx(p, rel=1e-6)
