"""The environmental-integrity ledger, hand-worked.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import pytest
from mechanism_cases import EXACT_PARTS, REL, assert_ledger, jur, ledger, lin

import model

# --------------------------------------------------------------------------------------------
# the ledger on a combined hand-worked case
# --------------------------------------------------------------------------------------------


def test_ledger_combined_hand_worked():
    # Three unlinked pieces, each worked above:
    #  * MS: conduct, R = 60, slope 2, penalty 50 -> shortfall 35
    #  * MF: floor 50 on cap 80, slope 1          -> withheld 30
    #  * MC: ceiling 30 on cap 50, slope 1        -> extra 20
    # gap = 35 + 20 - 30 = 25.
    sc = {"jurisdictions": {"S": lin(100, 2.0), "F": lin(100, 1.0), "C": lin(100, 1.0), "U": lin(70, 1.0)},
          "markets": {"MS": {"members": ["S"], "cap": 40, "obligation": "conduct", "penalty": 50},
                      "MF": {"members": ["F"], "cap": 80, "price_floor": 50},
                      "MC": {"members": ["C"], "cap": 50, "price_ceiling": 30}}}
    res = model.solve(sc)
    assert_ledger(res, gap=25.0, shortfall_mt=35.0, withheld_mt=30.0, extra_allowances_mt=20.0)
    led = ledger(res)
    assert float(led["integrity_gap_mt"]) == pytest.approx(25.0, rel=REL)
    assert float(led["caps_mt"]) == pytest.approx(170.0, rel=REL)
    # covered: 75 + 50 + 70
    assert float(led["covered_emissions_mt"]) == pytest.approx(195.0, rel=REL)
    assert float(led["global_emissions_mt"]) == pytest.approx(195.0 + 70.0, rel=REL)
    assert float(led["global_bau_mt"]) == pytest.approx(370.0, rel=REL)
    # covered emissions = caps + shortfall + extra - withheld
    assert float(led["covered_emissions_mt"]) == pytest.approx(170 + 35 + 20 - 30, rel=REL)


# --------------------------------------------------------------------------------------------
# removals: the ledger counts them, and the gap is net of them
# --------------------------------------------------------------------------------------------


def test_ledger_with_removals_and_hot_air_hand_worked():
    # MA: A, BAU 100, slope 1, cap 130 (30 Mt of hot air); MB: B, BAU 100, slope 1, cap 40, removals
    # with slope 2 up to 10 Mt/yr; linked. U: BAU 50, in no market: its removals do not run.
    # At the common price p: A and B abate p each, B removes p/2 (< 10), and
    #   (100 - p) + (100 - p) - p/2 = 130 + 40  ->  p = 12, removals 6.
    # A emits 88 and sells 130 - 88 = 42 to B; B emits 88 gross, 82 net = 40 + 42.
    # Gross world emissions 88 + 88 + 50 = 226, net 220; the caps alone allow
    # min(130, 100) + min(40, 100) + 50 = 190, so the gap is 220 - 190 = 30 = the hot air sold,
    # and gross emissions exceed what the caps allow by the gap plus the removals (36).
    sc = {"jurisdictions": {"A": lin(100, 1.0), "B": {**lin(100, 1.0), "removals": {"slope": 2, "max": 10}},
                            "U": {**lin(50, 1.0), "removals": {"slope": 1}}},
          "markets": {"MA": {"members": ["A"], "cap": 130}, "MB": {"members": ["B"], "cap": 40}},
          "links": [["MA", "MB"]]}
    res = model.solve(sc)
    assert res.price("MA") == pytest.approx(12.0, rel=REL)
    assert jur(res, "B", "removals_mt") == pytest.approx(6.0, rel=REL)
    assert jur(res, "U", "removals_mt") == pytest.approx(0.0, abs=1e-9)
    assert_ledger(res, gap=30.0, hot_air_sold_mt=30.0, surplus_allowances_mt=30.0, unused_allowances_mt=0.0,
                  caps_mt=170.0, covered_bau_mt=200.0, covered_emissions_mt=176.0, global_bau_mt=250.0,
                  global_emissions_mt=226.0, removals_mt=6.0, global_net_emissions_mt=220.0,
                  outside_abatement_mt=0.0)
    led = ledger(res)
    assert float(led["global_emissions_mt"]) - 190.0 == pytest.approx(30.0 + 6.0, rel=REL)


def test_ledger_net_zero_cap_hand_worked():
    # One market capped at zero: J, BAU 100, slope 2, removals with slope 3 up to 30 Mt/yr.
    # Unbounded removals would need 100 - p/2 - p/3 = 0 -> p = 120 and removals 40 > 30, so the
    # bound binds: 100 - p/2 - 30 = 0 -> p = 140 (140/3 > 30). Gross emissions 30, removals 30,
    # net 0: the cap is met net of removals, and the gap is 0 - min(0, 100) = 0.
    sc = {"jurisdictions": {"J": {**lin(100, 2.0), "removals": {"slope": 3, "max": 30}}},
          "markets": {"M": {"members": ["J"], "cap": 0}}}
    res = model.solve(sc)
    assert res.price("M") == pytest.approx(140.0, rel=REL)
    assert_ledger(res, gap=0.0, caps_mt=0.0, covered_bau_mt=100.0, covered_emissions_mt=30.0,
                  global_emissions_mt=30.0, removals_mt=30.0, global_net_emissions_mt=0.0,
                  surplus_allowances_mt=0.0, unused_allowances_mt=0.0)


def test_ledger_net_negative_after_borrowing_hand_worked():
    # Two periods (10 years each, no discounting), J: BAU 100 then 40, slope 2, removals slope 3;
    # caps 30 then 0, banking and borrowing. One price p over both periods:
    #   (100 - p/2 - p/3) + (40 - p/2 - p/3) = 30 + 0  ->  p = 66,
    # abatement 33 and removals 22 in each period. 2030: gross 67, net 45, 15 above the cap
    # (borrowed: banked -15/yr, gap +15). 2040: gross 7, net -15, net negative, 15 below the zero
    # cap (repaid: banked +15/yr, gap -15 = -15 - min(0, 40)).
    sc = {"periods": [2030, 2040],
          "jurisdictions": {"J": {**lin({2030: 100, 2040: 40}, 2.0), "removals": {"slope": 3}}},
          "markets": {"M": {"members": ["J"], "cap": {2030: 30, 2040: 0}, "banking": True, "borrowing": True}}}
    res = model.solve(sc)
    led = res.ledger.set_index("period")
    for t, gross, net, banked in ((2030, 67.0, 45.0, -15.0), (2040, 7.0, -15.0, 15.0)):
        assert res.price("M", t) == pytest.approx(66.0, rel=REL)
        assert led.loc[t, "global_emissions_mt"] == pytest.approx(gross, rel=REL)
        assert led.loc[t, "removals_mt"] == pytest.approx(22.0, rel=REL)
        assert led.loc[t, "global_net_emissions_mt"] == pytest.approx(net, rel=REL)
        assert led.loc[t, "banked_mt"] == pytest.approx(banked, rel=REL)
        assert led.loc[t, "integrity_gap_mt"] == pytest.approx(-banked, rel=REL)
    # the identity, period by period
    exact = sum(sign * led[name] for name, sign in EXACT_PARTS.items())
    assert (led["integrity_gap_mt"] - exact).abs().max() < 1e-6
