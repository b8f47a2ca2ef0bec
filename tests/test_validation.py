"""Bad input and infeasibility: one-line errors that name the field, the market and the shortfall.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import copy
import math

import pytest
from conftest import edited
from mechanism_cases import REL, lin, net_flow, one_way, row

import model

# --------------------------------------------------------------------------------------------
# bad input and infeasibility
# --------------------------------------------------------------------------------------------

GOOD = {
    "periods": [2025, 2030],
    "discount_rate": 0.03,
    "jurisdictions": {"X": lin(100, 1.0), "Y": lin(100, 2.0), "H": lin(50, 1.0)},
    "markets": {
        "A": {"members": ["X"], "cap": 80, "banking": True, "coverage": 0.8},
        "B": {"members": ["Y"], "cap": 90},
    },
    "credits": {"C": {"hosts": ["H"]}},
    "links": [{"markets": ["A", "B"]}, {"markets": ["C", "A"], "direction": "one-way"}],
}


def bad(path, value):
    """GOOD with the dotted ``path`` set to ``value`` (KeyError deletes it). Integers index lists."""
    return edited(GOOD, path, value, copy.deepcopy)


def test_good_scenario_loads_and_solves():
    res = model.solve(GOOD)
    assert set(res.prices["market"]) == {"A", "B", "C"}


LR = {"type": "linear_reduction", "base_year": 2013, "base": 100, "factor": 0.01}
BAD_CASES = [
    ("discount_rate", -0.1, "discount_rate"),
    ("discount_rate", "high", "discount_rate"),
    ("markets.A.coverage", 1.5, "markets.A.coverage"),
    ("markets.A.coverage", -0.1, "markets.A.coverage"),
    ("markets.A.coverage", "all", "markets.A.coverage"),
    ("markets.A.coverage", {2025: 0.5}, "markets.A.coverage"),
    ("markets.A.cap", {"type": "exponential"}, "markets.A.cap.type"),
    ("markets.A.cap", {k: v for k, v in LR.items() if k != "base"}, "markets.A.cap.base"),
    ("markets.A.cap", {k: v for k, v in LR.items() if k != "base_year"}, "markets.A.cap.base_year"),
    ("markets.A.cap", {**LR, "factor": -0.1}, "markets.A.cap.factor"),
    ("markets.A.cap", {**LR, "reference": "x"}, "markets.A.cap.reference"),
    ("markets.A.cap", {**LR, "extra": 1}, "markets.A.cap.extra"),
    ("markets.A.cap", {"type": "relative", "to": "nowhere", "change": -0.1}, "markets.A.cap.to"),
    ("markets.A.cap", {"type": "relative", "to": "bau"}, "markets.A.cap.change"),
    ("markets.A.cap", {"type": "relative", "to": "bau", "change": "less"}, "markets.A.cap.change"),
    ("markets.A.cap", {"type": "relative", "to": "base_year", "change": -0.1}, "markets.A.cap.base"),
    ("markets.A.cap", {"type": "intensity", "rate": -1, "output": 100}, "markets.A.cap.rate"),
    ("markets.A.cap", {"type": "intensity", "rate": 0.5}, "markets.A.cap.output"),
    ("markets.A.cap", KeyError, "markets.A.cap"),
    ("markets.A.banking", "yes", "markets.A.banking"),
    ("markets.A.bank_limit", -5, "markets.A.bank_limit"),
    ("markets.A.initial_bank", -5, "markets.A.initial_bank"),
    ("markets.A.borrowing", "no", "markets.A.borrowing"),
    ("markets.A.borrow_limit", -1, "markets.A.borrow_limit"),
    ("markets.A.price_floor", -1, "markets.A.price_floor"),
    ("markets.A.auction_share", 1.5, "markets.A.auction_share"),
    ("markets.A.auction_share", -0.5, "markets.A.auction_share"),
    ("markets.A.price_ceiling", -1, "markets.A.price_ceiling"),
    ("markets.A.cost_containment_reserve", {"volume": 10}, "markets.A.cost_containment_reserve.trigger"),
    ("markets.A.cost_containment_reserve", {"trigger": 10}, "markets.A.cost_containment_reserve.volume"),
    ("markets.A.cost_containment_reserve", {"trigger": 10, "volume": -1}, "markets.A.cost_containment_reserve.volume"),
    ("markets.A.cost_containment_reserve", 5, "markets.A.cost_containment_reserve"),
    ("markets.A.tax", -1, "markets.A.tax"),
    ("markets.A.obligation", "maybe", "markets.A.obligation"),
    ("markets.A.obligation", "conduct", "markets.A.penalty"),
    ("markets.A.msr", {"upper": 833, "lower": 400, "intake_rate": 1.5, "release": 100}, "markets.A.msr.intake_rate"),
    ("markets.A.msr", {"upper": 833, "lower": 400, "intake_rate": 0.24, "release": -1}, "markets.A.msr.release"),
    ("markets.A.msr", {"uper": 833}, "markets.A.msr.uper"),
    ("markets.A.covrage", 0.5, "markets.A.covrage"),
    ("credits.C.hosts", ["NOPE"], "credits.C.hosts[0]"),
    ("credits.C.hosts", [], "credits.C.hosts"),
    ("credits.C.additionality", 0, "credits.C.additionality"),
    ("credits.C.additionality", 1.5, "credits.C.additionality"),
    ("credits.C.baseline", {"H": -5}, "credits.C.baseline.H"),
    ("credits.C.baseline", {"NOPE": 5}, "credits.C.baseline"),
    ("credits.C.baseline", "low", "credits.C.baseline"),
    ("credits.C.colour", "green", "credits.C.colour"),
    ("links.1.direction", "sideways", "links[1].direction"),
    ("links.0.import_limit", -0.1, "links[0].import_limit"),
    ("links.0.import_limit_mt", -1, "links[0].import_limit_mt"),
    ("links.0.exchange_rate", 0, "links[0].exchange_rate"),
    ("links.0.transaction_cost", -1, "links[0].transaction_cost"),
    ("links.0.corresponding_adjustment", "no", "links[0].corresponding_adjustment"),
    ("links.0.exchange", 2, "links[0].exchange"),
    ("links.0.markets", ["A", "NOPE"], "links[0].markets[1]"),
    ("links.0", {"direction": "two-way"}, "links[0].markets"),
    ("links.0.corresponding_adjustment", False, "links[0].corresponding_adjustment"),  # only one-way
    ("markets.A", {"members": ["X"], "cap": 80, "banking": True, "borrowing": True, "borrow_limit": -1},
     "markets.A.borrow_limit"),
    ("markets.A", {"members": ["X"], "cap": 80, "banking": True, "bank_limit": "lots"}, "markets.A.bank_limit"),
    ("markets.A", {"members": ["X"], "cap": 80, "obligation": "conduct", "penalty": -3}, "markets.A.penalty"),
    ("markets.B", {"members": ["Y"], "tax": 10}, "links[0].markets"),  # a tax market cannot be linked
]


@pytest.mark.parametrize("path,value,field", BAD_CASES, ids=[f"{c[0]}={c[1]!r}"[:60] for c in BAD_CASES])
def test_bad_input_names_the_field(path, value, field):
    with pytest.raises(model.ScenarioError) as info:
        model.load_scenario(bad(path, value))
    assert not isinstance(info.value, model.InfeasibleError)
    text = str(info.value)
    assert field in text, text
    assert "\n" not in text


def test_msr_needs_banking():
    raw = bad("markets.B.msr", {"upper": 833, "lower": 400, "intake_rate": 0.24, "release": 100})
    with pytest.raises(model.ScenarioError) as info:
        model.load_scenario(raw)
    text = str(info.value)
    assert "markets.B" in text and "banking" in text


def test_coverages_of_one_jurisdiction_add_up_to_at_most_one():
    raw = copy.deepcopy(GOOD)
    raw["markets"]["B"] = {"members": ["X"], "cap": 10, "coverage": 0.3}  # 0.8 + 0.3 > 1
    with pytest.raises(model.ScenarioError) as info:
        model.load_scenario(raw)
    text = str(info.value)
    assert "coverage" in text and "X" in text
    raw["markets"]["B"]["coverage"] = 0.2  # 0.8 + 0.2 = 1 is allowed
    model.load_scenario(raw)


def test_one_way_link_needs_exactly_two_markets():
    raw = copy.deepcopy(GOOD)
    raw["markets"]["D"] = {"members": ["Y"], "cap": 1, "coverage": 0.1}
    raw["markets"]["B"]["coverage"] = 0.9
    raw["links"][0] = {"markets": ["A", "B", "D"], "direction": "one-way"}
    with pytest.raises(model.ScenarioError) as info:
        model.load_scenario(raw)
    assert "links[0]" in str(info.value)


def test_credits_only_through_one_way_links_into_markets():
    for link in ({"markets": ["C", "A"]}, ["C", "A"], {"markets": ["A", "C"], "direction": "one-way"}):
        raw = copy.deepcopy(GOOD)
        raw["links"][1] = link
        with pytest.raises(model.ScenarioError) as info:
            model.load_scenario(raw)
        assert "links[1]" in str(info.value), link


def test_pure_tax_market_needs_no_cap_but_a_market_needs_one_of_them():
    raw = copy.deepcopy(GOOD)
    raw["links"] = raw["links"][1:]  # a tax market has no units to trade: unlink it first
    del raw["markets"]["B"]["cap"]
    raw["markets"]["B"]["tax"] = 10
    model.load_scenario(raw)
    del raw["markets"]["B"]["tax"]
    with pytest.raises(model.ScenarioError) as info:
        model.load_scenario(raw)
    assert "markets.B" in str(info.value)


STEPS10 = {"type": "steps", "steps": [{"quantity": 10, "cost": 5}]}


def test_infeasible_cap_names_the_market():
    sc = {"jurisdictions": {"J": {"bau": 100, "mac": STEPS10}}, "markets": {"TIGHT": {"members": ["J"], "cap": 80}}}
    with pytest.raises(model.InfeasibleError) as info:
        model.solve(sc)
    assert "TIGHT" in str(info.value)
    # with coverage: covered 50, cap 30 -> 20 needed, only 10 of the segment's... the segment holds
    # the coverage share of every option: 0.5 * 10 = 5 Mt available
    sc = {"jurisdictions": {"J": {"bau": 100, "mac": STEPS10}},
          "markets": {"HALF": {"members": ["J"], "cap": 44, "coverage": 0.5}}}
    with pytest.raises(model.InfeasibleError) as info:
        model.solve(sc)
    assert "HALF" in str(info.value)
    # conduct: never infeasible, the shortfall is reported (15 Mt short at the penalty)
    sc = {"jurisdictions": {"J": {"bau": 100, "mac": STEPS10}},
          "markets": {"SOFT": {"members": ["J"], "cap": 75, "obligation": "conduct", "penalty": 100}}}
    res = model.solve(sc)
    assert row(res, "SOFT")["shortfall_mt"] == pytest.approx(15.0, rel=REL)


def test_infeasible_with_banking_names_the_market():
    # 10 Mt/yr available. Caps 95 then 80 (5 years each): banking 25 Mt leaves 100 - 25 = 75 > 50 needed later.
    sc = {"periods": [2025, 2030], "jurisdictions": {"J": {"bau": 100, "mac": STEPS10}},
          "markets": {"BANKED": {"members": ["J"], "cap": {2025: 95, 2030: 80}, "banking": True}}}
    with pytest.raises(model.InfeasibleError) as info:
        model.solve(sc)
    assert "BANKED" in str(info.value)
    # caps 95 then 86: 70 needed in 2030, 50 abated then: bank 20 = 5 * (9 - 5), feasible only with banking.
    # 2025 abates 9 < 10 inside the block at cost 5, and r = 0 with a positive bank: both prices 5.
    sc["markets"]["BANKED"]["cap"] = {2025: 95, 2030: 86}
    res = model.solve(sc)
    assert res.price("BANKED", 2025) == pytest.approx(5.0, rel=REL)
    assert res.price("BANKED", 2030) == pytest.approx(5.0, rel=REL)
    sc["markets"]["BANKED"]["banking"] = False
    with pytest.raises(model.InfeasibleError) as info:
        model.solve(sc)
    assert "BANKED" in str(info.value)


def test_infeasible_behind_an_import_limit_names_the_importer():
    # MB can abate 10 but needs 20; MA sells freely (linear). Without a limit MB imports; with a
    # limit of 5 Mt it cannot comply.
    sc = {"jurisdictions": {"A": lin(100, 1.0), "B": {"bau": 100, "mac": STEPS10}},
          "markets": {"MA": {"members": ["A"], "cap": 90}, "MB": {"members": ["B"], "cap": 80}},
          "links": [one_way("MA", "MB")]}
    res = model.solve(sc)
    assert net_flow(res, "MA", "MB") >= 10.0 - 1e-6
    sc["links"] = [one_way("MA", "MB", import_limit_mt=5)]
    with pytest.raises(model.InfeasibleError) as info:
        model.solve(sc)
    assert "MB" in str(info.value)


def test_no_negative_zeros_in_prices_or_rents():
    # a one-way link whose limit does not bind: the quota rent is 0.0, not -0.0
    lin = {"type": "linear", "slope": 1.0}
    sc = {"name": "q", "jurisdictions": {"S": {"bau": 100.0, "mac": lin},
                                         "B": {"bau": 100.0, "mac": {"type": "linear", "slope": 5.0}}},
          "markets": {"S_M": {"members": ["S"], "cap": 90.0}, "B_M": {"members": ["B"], "cap": 99.0}},
          "links": [{"markets": ["S_M", "B_M"], "direction": "one-way", "import_limit": 0.5}]}
    res = model.solve(sc)
    for frame, column in ((res.links, "quota_rent_usd_per_t"), (res.prices, "price_usd_per_t")):
        for v in frame[column]:
            assert math.copysign(1.0, v) == 1.0, (column, v)
