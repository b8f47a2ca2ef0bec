"""Removals (model.mechanisms.removals) against closed forms.

One jurisdiction, BAU 100 Mt/yr, linear MAC with slope s = 2 USD/t per Mt; removals with slope
k = 3. At price p: abatement p/s, removals min(max, p/k), and 100 - p/s - p/k = cap.
"""

import pytest

import model
from model.errors import ScenarioError


def scenario(cap, removals, **market):
    return {"jurisdictions": {"J": {"bau": 100, "mac": {"type": "linear", "slope": 2}, "removals": removals}},
            "markets": {"M": {"members": ["J"], "cap": cap, **market}}}


def test_price_with_unlimited_removals():
    res = model.solve(scenario(20, {"slope": 3}))
    p = 80 / (1 / 2 + 1 / 3)  # 96
    assert res.price("M") == pytest.approx(p, rel=1e-6)
    # the results show gross emissions: BAU less abatement; net = gross - removals = cap
    gross = float(res.jurisdictions["emissions_mt"].iloc[0])
    assert gross == pytest.approx(100 - p / 2, rel=1e-6)
    assert gross - p / 3 == pytest.approx(20, rel=1e-6)


def test_price_when_removals_hit_their_maximum():
    res = model.solve(scenario(20, {"slope": 3, "max": 10}))
    assert res.price("M") == pytest.approx(2 * (80 - 10), rel=1e-6)  # 140 > 3 x 10: the bound binds


def test_net_negative_after_borrowing():
    """A zero cumulative budget over two periods, all borrowed in the first: the second period is
    net negative. Free banking, no discounting: one price p with 2 (100 - p/2 - p/3) = 0 + 0 over
    both periods... with a cap of 0 in both periods the net emissions sum to zero."""
    sc = scenario({2030: 60, 2040: 0}, {"slope": 3}, banking=True, borrowing=True)
    sc["periods"] = [2030, 2040]
    sc["jurisdictions"]["J"]["bau"] = {2030: 100, 2040: 100}
    res = model.solve(sc)
    # cumulative: 10 x (200 - 2 p/2 - 2 p/3) = 10 x 60 -> p = 140 / (5/3) = 84 in both periods
    p = 140 / (1 + 2 / 3)
    assert res.price("M", 2030) == pytest.approx(p, rel=1e-6)
    assert res.price("M", 2040) == pytest.approx(p, rel=1e-6)


def test_jurisdiction_outside_markets_does_not_remove():
    sc = scenario(20, {"slope": 3})
    sc["jurisdictions"]["K"] = {"bau": 50, "mac": {"type": "linear", "slope": 1}, "removals": {"slope": 1}}
    assert model.solve(sc).price("M") == pytest.approx(96, rel=1e-6)


@pytest.mark.parametrize("bad", [{"slope": 0}, {"max": 3}, {"slope": 1, "cost": 2}])
def test_bad_removals_are_rejected(bad):
    with pytest.raises(ScenarioError):
        model.load_scenario(scenario(20, bad))
