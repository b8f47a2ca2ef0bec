"""The allocation rules of model.allocation against hand calculations on a two-region example.

Regions A and B, years 2020 and 2030 (ten years each), budget 6 Gt. A: population 100 and 100 M,
GDP 1000 bn (10,000 USD per head), BAU 300 and 200 Mt/yr (cumulative 5 Gt). B: population 300
and 400 M, GDP 600 bn (2,000 USD per head), BAU 100 and 200 Mt/yr (cumulative 3 Gt).
World BAU 8 Gt, so the reduction R = 2 Gt.
"""

import pandas as pd
import pytest

from model import allocation, data

REGIONS = pd.DataFrame({
    "region": ["A", "A", "B", "B"], "year": [2020, 2030, 2020, 2030],
    "population_m": [100.0, 100.0, 300.0, 400.0], "gdp_ppp_busd2005": [1000.0, 1000.0, 600.0, 600.0],
    "co2_bau_mt": [300.0, 200.0, 100.0, 200.0]})
HISTORY = pd.DataFrame({"region": ["A", "A", "A", "B", "B"], "decade_start": [1980, 1990, 2000, 1990, 2000],
                        "co2_gt": [10.0, 2.0, 2.0, 0.5, 0.5]})
TARGETS = pd.DataFrame({"region": ["A", "B"], "peak_year": [2015, 2030], "neutrality_year": [2030, 2060]})


def budgets(rule, budget=6.0, **kw):
    return allocation.allocate(rule, budget, REGIONS, **kw)["budget_gt"]


def test_grandfathering_and_equal_per_capita():
    assert budgets("grandfathering").to_dict() == pytest.approx({"A": 4.5, "B": 1.5})    # 6 x 300/400
    assert budgets("equal_per_capita").to_dict() == pytest.approx({"A": 1.5, "B": 4.5})  # 6 x 100/400


def test_convergence_by_2030():
    # world path 0.4 then 0.2 Gt/yr (weights 2:1); 2020 at emission shares (3/4, 1/4), 2030 at
    # population shares (1/5, 4/5): A = 10 (0.4 x 0.75 + 0.2 x 0.2) = 3.4, B = 10 (0.1 + 0.16) = 2.6
    assert budgets("convergence", year=2030).to_dict() == pytest.approx({"A": 3.4, "B": 2.6})


def test_historical_responsibility_may_be_negative():
    # since 1990: H_A = 4, H_B = 1; population shares 1/4, 3/4 of 6 + 5 = 11
    b = budgets("historical", history=HISTORY, start=1990)
    assert b.to_dict() == pytest.approx({"A": 11 / 4 - 4, "B": 33 / 4 - 1})
    assert b["A"] < 0
    # since 2000, discounted at 10 %/yr from the decade's midpoint 2005 to 2020
    w = 1.1 ** -15
    b = budgets("historical", history=HISTORY, start=2000, discount=0.1)
    assert b["A"] == pytest.approx((6 + 2.5 * w) / 4 - 2 * w)


def test_ability_to_pay():
    wa, wb = 5 * 10000 ** (1 / 3), 3 * 2000 ** (1 / 3)
    b = budgets("ability_to_pay")
    assert b["A"] == pytest.approx(5 - 2 * wa / (wa + wb))
    assert b["B"] == pytest.approx(3 - 2 * wb / (wa + wb))


def test_responsibility_capability():
    # capacity: A 100 x (10,000 - 7,500), B none; responsibility since 1990: 4 and 1
    # RCI_A = 0.5 x 0.8 + 0.5 x 1 = 0.9: A = 5 - 2 x 0.9 = 3.2, B = 3 - 2 x 0.1 = 2.8
    assert budgets("responsibility_capability", history=HISTORY).to_dict() == pytest.approx({"A": 3.2, "B": 2.8})


def test_declared_peak():
    # A peaked before 2020: 300 Mt in 2020, zero by 2030 -> 3 Gt. B rises to its 2030 BAU (200),
    # then falls to zero in 2060 -> 10 x (100 + 200) / 1000 = 3 Gt
    raw = budgets("declared_peak", targets=TARGETS, scale=False)
    assert raw.to_dict() == pytest.approx({"A": 3.0, "B": 3.0})
    assert budgets("declared_peak", budget=4.0, targets=TARGETS).to_dict() == pytest.approx({"A": 2.0, "B": 2.0})


@pytest.mark.parametrize("rule", list(allocation.RULES))
def test_every_rule_shares_the_budget_and_is_documented(rule):
    kw = {"history": HISTORY} if rule in ("historical", "responsibility_capability") else {}
    kw = {"targets": TARGETS} if rule == "declared_peak" else kw
    assert budgets(rule, **kw).sum() == pytest.approx(6.0)
    doc = allocation.RULES[rule].__doc__
    assert ":math:" in doc and "Source" in doc


def test_per_period_spreads_evenly():
    out = allocation.per_period(pd.Series({"A": 1.6}), [2020, 2030])
    assert out == {"A": {2020: pytest.approx(80.0), 2030: pytest.approx(80.0)}}  # 1600 Mt over 20 years


def test_on_the_data_package():
    regions = data.load_table("budget_regions")
    regions = regions[regions["year"] <= 2090]
    out = allocation.allocate("equal_per_capita", 1150, regions)
    assert out["budget_gt"].sum() == pytest.approx(1150)
    with pytest.raises(KeyError):
        allocation.allocate("lottery", 1.0, regions)
