"""Format v2, instruments in one period: coverage, several markets per jurisdiction, slack caps,
conduct obligations, taxes, price floors and ceilings, the cost containment reserve, one-way and
limited links, exchange rates, transaction costs, offset credits, corresponding adjustments, the
integrity ledger and the errors for bad input.

Every expected number is a closed form with linear MACs, computed here from the raw numbers of the
scenario (the comments give the values). Single period throughout (one year), so annual and
period quantities coincide.

Notation: ``R`` is the abatement a cap requires (covered BAU minus cap); a linear member of slope
``s`` covered at share ``c`` has the segment MAC ``(s / c) q`` and abates ``c p / s`` at price ``p``.
"""

import copy
import math

import pytest

import model

REL = 1e-6
ABS = 1e-6


def lin(bau, slope):
    return {"bau": bau, "mac": {"type": "linear", "slope": slope}}


def row(res, name):
    """The results.prices row of a market or credit programme (single period)."""
    p = res.prices
    rows = p[p["market"] == name]
    assert len(rows) == 1, f"expected one row for {name}, got {len(rows)}"
    return rows.iloc[0]


def ledger(res):
    assert len(res.ledger) == 1
    return res.ledger.iloc[0]


def jur(res, name, column):
    j = res.jurisdictions
    rows = j[j["jurisdiction"] == name]
    assert len(rows) == 1
    return float(rows.iloc[0][column])


def net_flow(res, exporter, importer):
    """Net flow exporter -> importer over results.links (Mt of the exporter's units)."""
    lk = res.links
    there = lk[(lk["exporter"] == exporter) & (lk["importer"] == importer)]["flow_mt"].sum()
    back = lk[(lk["exporter"] == importer) & (lk["importer"] == exporter)]["flow_mt"].sum()
    return float(there - back)


def rent(res, exporter, importer):
    lk = res.links
    rows = lk[(lk["exporter"] == exporter) & (lk["importer"] == importer)]
    assert len(rows) >= 1
    return float(rows["quota_rent_usd_per_t"].max())


def one_way(exporter, importer, **options):
    return {"markets": [exporter, importer], "direction": "one-way", **options}


GAP_PARTS = {"hot_air_sold_mt": 1, "non_additional_credits_mt": 1, "double_counted_mt": 1,
             "shortfall_mt": 1, "extra_allowances_mt": 1, "withheld_mt": -1, "banked_mt": -1, "msr_intake_mt": -1}


def check_ledger(res, gap, **expected):
    """The ledger entries named in ``expected`` (the other parts of the gap must be 0), and the
    integrity gap worked by hand: global emissions less what the caps alone allow (each capped
    market at the smaller of its cap and its covered BAU, everything else at BAU)."""
    led = ledger(res)
    for name in GAP_PARTS:
        want = expected.get(name, 0.0)
        assert float(led[name]) == pytest.approx(want, rel=REL, abs=ABS), name
    for name, want in expected.items():
        assert float(led[name]) == pytest.approx(want, rel=REL, abs=ABS), name
    assert float(led["integrity_gap_mt"]) == pytest.approx(gap, rel=REL, abs=ABS)
    assert float(led["global_emissions_mt"]) == pytest.approx(float(res.jurisdictions["emissions_mt"].sum()), rel=REL)
    assert float(led["global_bau_mt"]) == pytest.approx(float(res.jurisdictions["bau_mt"].sum()), rel=REL)


EXACT_PARTS = {"surplus_allowances_mt": 1, "unused_allowances_mt": -1, "credits_surrendered_mt": 1,
               "double_counted_mt": 1, "exchange_gain_mt": 1, "shortfall_mt": 1, "extra_allowances_mt": 1,
               "withheld_mt": -1, "banked_mt": -1, "msr_intake_mt": -1, "outside_abatement_mt": -1}


def check_decomposition(res, other=0.0):
    """The identity of the ledger's documentation: integrity gap = surplus - unused + credits
    surrendered + double counted + exchange gain + shortfall + extra - withheld - banked - MSR
    intake - abatement outside capped markets. ``other`` (abatement outside capped markets that
    backs no credit surrendered, worked by hand) is checked against the interpretive parts: the gap
    also equals hot air sold + non-additional credits + double counting + shortfall + extra -
    withheld - banked - MSR intake - other, when no allowance expires unused."""
    led = ledger(res)
    exact = sum(sign * float(led[name]) for name, sign in EXACT_PARTS.items())
    assert float(led["integrity_gap_mt"]) == pytest.approx(exact, rel=REL, abs=ABS)
    if float(led["unused_allowances_mt"]) <= ABS:
        parts = sum(sign * float(led[name]) for name, sign in GAP_PARTS.items())
        assert float(led["integrity_gap_mt"]) == pytest.approx(parts - other, rel=REL, abs=ABS)


def assert_ledger(res, gap, other=0.0, **expected):
    check_ledger(res, gap, **expected)
    check_decomposition(res, other)


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


# --------------------------------------------------------------------------------------------
# slack caps and hot air
# --------------------------------------------------------------------------------------------

SLACK = {"jurisdictions": {"A": lin(100, 1.0), "B": lin(100, 0.5)},
         "markets": {"MA": {"members": ["A"], "cap": 130}, "MB": {"members": ["B"], "cap": 50}}}


def test_slack_cap_alone_has_zero_price():
    res = model.solve(model.autarky(model.load_scenario(SLACK)))
    assert res.price("MA") == pytest.approx(0.0, abs=ABS)
    assert row(res, "MA")["emissions_mt"] == pytest.approx(100.0, rel=REL)
    assert res.price("MB") == pytest.approx(0.5 * 50, rel=REL)
    assert_ledger(res, gap=0.0)


def test_slack_cap_linked_sells_hot_air():
    # Joint R = (100 - 130) + (100 - 50) = 20 Mt; p = 20 / (1/1 + 1/0.5) = 20/3.
    # A exports cap - emissions = 130 - (100 - p) = 30 + p: 30 Mt of hot air and p Mt abated.
    res = model.solve({**SLACK, "links": [["MA", "MB"]]})
    p = 20 / 3
    assert res.price("MA") == pytest.approx(p, rel=REL)
    assert res.price("MB") == pytest.approx(p, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(30 + p, rel=REL)
    assert row(res, "MB")["net_imports_mt"] == pytest.approx(30 + p, rel=REL)
    led = ledger(res)
    assert float(led["caps_mt"]) == pytest.approx(180.0, rel=REL)
    assert float(led["covered_emissions_mt"]) == pytest.approx(180.0, rel=REL)
    assert_ledger(res, gap=30.0, hot_air_sold_mt=30.0)


def test_joint_slack_cap_price_zero_surplus_sold():
    # B needs 100 - 90 = 10 Mt; A's surplus is 30: joint slack, price 0, B buys 10 Mt of hot air.
    sc = {**SLACK, "markets": {"MA": {"members": ["A"], "cap": 130}, "MB": {"members": ["B"], "cap": 90}},
          "links": [["MA", "MB"]]}
    res = model.solve(sc)
    assert res.price("MA") == pytest.approx(0.0, abs=ABS)
    assert res.price("MB") == pytest.approx(0.0, abs=ABS)
    assert res.jurisdictions["abatement_mt"].abs().max() < 1e-6
    # at a zero price the flow is not unique: B needs at least 10 Mt, A can ship at most its 30 Mt
    assert 10.0 - 1e-6 <= net_flow(res, "MA", "MB") <= 30.0 + 1e-6
    # global 200, caps allow 100 (A at BAU) + 90
    assert_ledger(res, gap=10.0, hot_air_sold_mt=10.0)


def test_hot_air_sold_counts_only_units_used_in_a_zero_price_group():
    # A 80, B 110, C 90, each capped at 100 and all linked: surplus 20 + 10, B needs 10.
    # Whatever the (non-unique) flows, only 10 Mt of hot air covers emissions; 20 Mt expire.
    lin = {"type": "linear", "slope": 1.0}
    sc = {"name": "three", "jurisdictions": {"A": {"bau": 80, "mac": lin}, "B": {"bau": 110, "mac": lin},
                                             "C": {"bau": 90, "mac": lin}},
          "markets": {f"M{j}": {"members": [j], "cap": 100} for j in "ABC"},
          "links": [["MA", "MB", "MC"]]}
    res = model.solve(sc)
    assert res.prices["price_usd_per_t"].abs().max() == 0.0
    assert_ledger(res, gap=10.0, hot_air_sold_mt=10.0, unused_allowances_mt=20.0, surplus_allowances_mt=30.0)


# --------------------------------------------------------------------------------------------
# conduct obligation, tax
# --------------------------------------------------------------------------------------------


def test_conduct_obligation_shortfall_at_penalty():
    # R = 60, slope 2: a hard cap costs 120/t. Penalty 50: abate 25, fall short by 35, price 50.
    base = {"jurisdictions": {"J": lin(100, 2.0)}}
    res = model.solve({**base, "markets": {"M": {"members": ["J"], "cap": 40, "obligation": "conduct", "penalty": 50}}})
    assert res.price("M") == pytest.approx(50.0, rel=REL)
    assert row(res, "M")["abatement_mt"] == pytest.approx(25.0, rel=REL)
    assert row(res, "M")["shortfall_mt"] == pytest.approx(35.0, rel=REL)
    assert row(res, "M")["emissions_mt"] == pytest.approx(75.0, rel=REL)
    assert_ledger(res, gap=35.0, shortfall_mt=35.0)
    # a penalty above the cap's price changes nothing: no shortfall, price 120
    res = model.solve({**base, "markets": {"M": {"members": ["J"], "cap": 40, "obligation": "conduct", "penalty": 500}}})
    assert res.price("M") == pytest.approx(120.0, rel=REL)
    assert row(res, "M")["shortfall_mt"] == pytest.approx(0.0, abs=ABS)
    # the default obligation is the hard cap
    res = model.solve({**base, "markets": {"M": {"members": ["J"], "cap": 40}}})
    assert res.price("M") == pytest.approx(120.0, rel=REL)
    assert row(res, "M")["shortfall_mt"] == pytest.approx(0.0, abs=ABS)


def test_pure_tax_market():
    # No cap: abatement = tax / slope, emissions = BAU - tax / slope, payments = tax * emissions.
    sc = {"jurisdictions": {"J": lin(100, 0.5)}, "markets": {"T": {"members": ["J"], "tax": 20}}}
    res = model.solve(sc)
    r = row(res, "T")
    assert r["kind"] == "tax"
    assert r["price_usd_per_t"] == pytest.approx(20.0, rel=REL)
    assert r["abatement_mt"] == pytest.approx(40.0, rel=REL)
    assert r["emissions_mt"] == pytest.approx(60.0, rel=REL)
    assert r["tax_payments_musd"] == pytest.approx(20 * 60, rel=REL)
    assert r["abatement_cost_musd"] == pytest.approx(0.5 * 0.5 * 40**2, rel=REL)
    # a tax market is not capped: its 40 Mt are abatement outside capped markets, global 60 vs BAU 100
    led = ledger(res)
    assert float(led["caps_mt"]) == pytest.approx(0.0, abs=ABS)
    assert_ledger(res, gap=-40.0, other=40.0)


def test_tax_with_coverage():
    # covered share 0.25: segment slope 0.5/0.25 = 2, abatement 20/2 = 10, covered emissions 25 - 10.
    sc = {"jurisdictions": {"J": lin(100, 0.5)}, "markets": {"T": {"members": ["J"], "tax": 20, "coverage": 0.25}}}
    res = model.solve(sc)
    assert row(res, "T")["abatement_mt"] == pytest.approx(10.0, rel=REL)
    assert row(res, "T")["emissions_mt"] == pytest.approx(15.0, rel=REL)
    assert row(res, "T")["tax_payments_musd"] == pytest.approx(20 * 15, rel=REL)
    assert jur(res, "J", "emissions_mt") == pytest.approx(90.0, rel=REL)


def test_tax_adds_to_the_permit_price():
    # R = 30, slope 1: the cap alone prices 30. A tax of 12 on top: MAC = permit + tax = 30, permit 18.
    base = {"jurisdictions": {"J": lin(100, 1.0)}}
    res = model.solve({**base, "markets": {"M": {"members": ["J"], "cap": 70, "tax": 12}}})
    assert row(res, "M")["abatement_mt"] == pytest.approx(30.0, rel=REL)
    assert res.price("M") == pytest.approx(30.0 - 12.0, rel=REL)
    assert row(res, "M")["tax_payments_musd"] == pytest.approx(12 * 70, rel=REL)
    # A tax of 45 above the cap's price: abatement 45, the cap is slack, permit price 0.
    res = model.solve({**base, "markets": {"M": {"members": ["J"], "cap": 70, "tax": 45}}})
    assert row(res, "M")["abatement_mt"] == pytest.approx(45.0, rel=REL)
    assert res.price("M") == pytest.approx(0.0, abs=ABS)


# --------------------------------------------------------------------------------------------
# price floor, ceiling, cost containment reserve
# --------------------------------------------------------------------------------------------

FLOOR_BASE = {"jurisdictions": {"J": lin(100, 1.0)}}


def floor_market(**options):
    return {**FLOOR_BASE, "markets": {"M": {"members": ["J"], "cap": 80, **options}}}


def test_price_floor_withdraws_allowances():
    # Market price 20 < floor 50: emissions fall to 100 - 50 = 50, withheld = 80 - 50 = 30.
    res = model.solve(floor_market(price_floor=50))
    assert res.price("M") == pytest.approx(50.0, rel=REL)
    assert row(res, "M")["withheld_mt"] == pytest.approx(30.0, rel=REL)
    assert row(res, "M")["emissions_mt"] == pytest.approx(50.0, rel=REL)
    assert_ledger(res, gap=-30.0, withheld_mt=30.0)
    # a floor below the market price does nothing
    res = model.solve(floor_market(price_floor=15))
    assert res.price("M") == pytest.approx(20.0, rel=REL)
    assert row(res, "M")["withheld_mt"] == pytest.approx(0.0, abs=ABS)


def test_price_floor_limited_by_auction_share():
    # auction_share 0.25: at most 0.25 * 80 = 20 Mt withheld; the price is then 100 - 60 = 40 < 50.
    res = model.solve(floor_market(price_floor=50, auction_share=0.25))
    assert row(res, "M")["withheld_mt"] == pytest.approx(20.0, rel=REL)
    assert res.price("M") == pytest.approx(40.0, rel=REL)
    # auction_share 0.5 allows 40 > 30 needed: the floor holds
    res = model.solve(floor_market(price_floor=50, auction_share=0.5))
    assert row(res, "M")["withheld_mt"] == pytest.approx(30.0, rel=REL)
    assert res.price("M") == pytest.approx(50.0, rel=REL)


def test_price_floor_on_a_slack_cap():
    # cap 120 > BAU 100: without a floor price 0; floor 10 withholds 120 - 90 = 30.
    res = model.solve({**FLOOR_BASE, "markets": {"M": {"members": ["J"], "cap": 120, "price_floor": 10}}})
    assert res.price("M") == pytest.approx(10.0, rel=REL)
    assert row(res, "M")["withheld_mt"] == pytest.approx(30.0, rel=REL)


def test_price_ceiling_issues_extra_allowances():
    # cap 50: price 50. Ceiling 30: emissions 70, extra allowances 20.
    res = model.solve({**FLOOR_BASE, "markets": {"M": {"members": ["J"], "cap": 50, "price_ceiling": 30}}})
    assert res.price("M") == pytest.approx(30.0, rel=REL)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(20.0, rel=REL)
    assert row(res, "M")["emissions_mt"] == pytest.approx(70.0, rel=REL)
    assert_ledger(res, gap=20.0, extra_allowances_mt=20.0)
    res = model.solve({**FLOOR_BASE, "markets": {"M": {"members": ["J"], "cap": 50, "price_ceiling": 80}}})
    assert res.price("M") == pytest.approx(50.0, rel=REL)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(0.0, abs=ABS)


def test_cost_containment_reserve_limited_volume():
    def ccr(volume, **more):
        m = {"members": ["J"], "cap": 50, "cost_containment_reserve": {"trigger": 30, "volume": volume}, **more}
        return model.solve({**FLOOR_BASE, "markets": {"M": m}})

    # volume 10 < 20 needed to hold 30: exhausted, price = 100 - 60 = 40 > trigger
    res = ccr(10)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(10.0, rel=REL)
    assert res.price("M") == pytest.approx(40.0, rel=REL)
    assert res.price("M") > 30.0
    assert_ledger(res, gap=10.0, extra_allowances_mt=10.0)
    # volume 25 > 20: the price stops at the trigger, 20 Mt released
    res = ccr(25)
    assert res.price("M") == pytest.approx(30.0, rel=REL)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(20.0, rel=REL)
    # reserve (10 at 30) then ceiling 35: extra 10 + (65 - 60) = 15, price 35
    res = ccr(10, price_ceiling=35)
    assert res.price("M") == pytest.approx(35.0, rel=REL)
    assert row(res, "M")["extra_allowances_mt"] == pytest.approx(15.0, rel=REL)


# --------------------------------------------------------------------------------------------
# links: one-way, limits, exchange rate, transaction cost
# --------------------------------------------------------------------------------------------


def two(cap_a, cap_b, sa=1.0, sb=1.0, links=()):
    return {"jurisdictions": {"A": lin(100, sa), "B": lin(100, sb)},
            "markets": {"MA": {"members": ["A"], "cap": cap_a}, "MB": {"members": ["B"], "cap": cap_b}},
            "links": list(links)}


def test_one_way_link_flows_to_the_dearer_importer():
    # Autarky: MA 20, MB 60 (slopes 1). A -> B: one price (20 + 60) / 2 = 40, flow 20.
    res = model.solve(two(80, 40, links=[one_way("MA", "MB")]))
    assert res.price("MA") == pytest.approx(40.0, rel=REL)
    assert res.price("MB") == pytest.approx(40.0, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(20.0, rel=REL)
    assert res.price("MB") >= res.price("MA") - 1e-6


def test_one_way_link_has_no_reverse_flow():
    # Exporter MA dearer (60) than importer MB (20): no flow, autarky prices.
    res = model.solve(two(40, 80, links=[one_way("MA", "MB")]))
    assert res.price("MA") == pytest.approx(60.0, rel=REL)
    assert res.price("MB") == pytest.approx(20.0, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(0.0, abs=ABS)
    assert row(res, "MA")["net_imports_mt"] == pytest.approx(0.0, abs=ABS)
    # the two-way link flows the other way
    res = model.solve(two(40, 80, links=[["MA", "MB"]]))
    assert res.price("MA") == pytest.approx(40.0, rel=REL)
    assert net_flow(res, "MB", "MA") == pytest.approx(20.0, rel=REL)


@pytest.mark.parametrize("limit,expected_flow", [
    ({"import_limit": 0.1}, 4.0),  # 10% of MB's cap 40
    ({"import_limit_mt": 6.0}, 6.0),
    ({"import_limit": 0.1, "import_limit_mt": 6.0}, 4.0),  # the smaller applies
    ({"import_limit": 0.5, "import_limit_mt": 6.0}, 6.0),
    ({"import_limit_mt": 50.0}, 20.0),  # does not bind: the free flow is 20
])
def test_import_limit_caps_the_flow_and_prices_the_quota(limit, expected_flow):
    res = model.solve(two(80, 40, links=[one_way("MA", "MB", **limit)]))
    x = expected_flow
    pa, pb = 1.0 * (20 + x), 1.0 * (60 - x)
    assert net_flow(res, "MA", "MB") == pytest.approx(x, rel=REL)
    assert res.price("MA") == pytest.approx(pa, rel=REL)
    assert res.price("MB") == pytest.approx(pb, rel=REL)
    assert rent(res, "MA", "MB") == pytest.approx(pb - pa, rel=REL, abs=ABS)


def test_import_limit_on_a_two_way_link():
    # MB imports; 10% of its cap 40 = 4 Mt; prices 24 and 56.
    res = model.solve(two(80, 40, links=[{"markets": ["MA", "MB"], "import_limit": 0.1}]))
    assert net_flow(res, "MA", "MB") == pytest.approx(4.0, rel=REL)
    assert res.price("MA") == pytest.approx(24.0, rel=REL)
    assert res.price("MB") == pytest.approx(56.0, rel=REL)
    assert rent(res, "MA", "MB") == pytest.approx(32.0, rel=REL)


def test_exchange_rate():
    # One MA unit covers r = 2 tonnes in MB. MA sells x: q_A = R_A + x, q_B = R_B - r x;
    # p_A = r p_B  ->  s_A (R_A + x) = r s_B (R_B - r x)  ->  x = (r s_B R_B - s_A R_A) / (s_A + r^2 s_B).
    r, sa, sb, Ra, Rb = 2.0, 1.0, 1.0, 20.0, 60.0
    x = (r * sb * Rb - sa * Ra) / (sa + r**2 * sb)  # 100 / 5 = 20
    pa, pb = sa * (Ra + x), sb * (Rb - r * x)  # 40, 20
    res = model.solve(two(80, 40, sa, sb, links=[one_way("MA", "MB", exchange_rate=r)]))
    assert res.price("MA") == pytest.approx(pa, rel=REL)
    assert res.price("MB") == pytest.approx(pb, rel=REL)
    assert res.price("MB") == pytest.approx(res.price("MA") / r, rel=REL)
    assert row(res, "MA")["abatement_mt"] == pytest.approx(Ra + x, rel=REL)
    assert row(res, "MB")["abatement_mt"] == pytest.approx(Rb - r * x, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(x, rel=REL)


def test_exchange_rate_below_one():
    # r = 0.5: two MA units per tonne in MB. x = (0.5*60 - 20) / (1 + 0.25) = 8; p_A = 28, p_B = 56.
    res = model.solve(two(80, 40, links=[one_way("MA", "MB", exchange_rate=0.5)]))
    assert res.price("MA") == pytest.approx(28.0, rel=REL)
    assert res.price("MB") == pytest.approx(56.0, rel=REL)
    assert row(res, "MB")["abatement_mt"] == pytest.approx(60 - 0.5 * 8, rel=REL)


def test_transaction_cost_opens_a_price_gap():
    # p_B = p_A + c: s_B (R_B - x) = s_A (R_A + x) + c -> x = (60 - 20 - 10) / 2 = 15; 35 and 45.
    res = model.solve(two(80, 40, links=[one_way("MA", "MB", transaction_cost=10)]))
    assert net_flow(res, "MA", "MB") == pytest.approx(15.0, rel=REL)
    assert res.price("MA") == pytest.approx(35.0, rel=REL)
    assert res.price("MB") == pytest.approx(45.0, rel=REL)
    # total cost: abatement 0.5 * 35^2 + 0.5 * 45^2 plus the transaction cost 10 * 15
    assert res.total_cost() == pytest.approx(612.5 + 1012.5 + 150.0, rel=REL)
    # a cost above the autarky gap (40) stops trade
    res = model.solve(two(80, 40, links=[one_way("MA", "MB", transaction_cost=50)]))
    assert net_flow(res, "MA", "MB") == pytest.approx(0.0, abs=ABS)
    assert res.price("MA") == pytest.approx(20.0, rel=REL)
    assert res.price("MB") == pytest.approx(60.0, rel=REL)


def test_transaction_cost_on_a_two_way_link():
    # Same numbers, two-way: the flow still goes MA -> MB, gap 10.
    res = model.solve(two(80, 40, links=[{"markets": ["MA", "MB"], "transaction_cost": 10}]))
    assert res.price("MB") - res.price("MA") == pytest.approx(10.0, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(15.0, rel=REL)


# --------------------------------------------------------------------------------------------
# credits
# --------------------------------------------------------------------------------------------


def credit_scenario(s_host=2.0, s_buyer=1.0, cap=60.0, link=None, **programme):
    # H: uncapped host, BAU 100. M: J, BAU 100, cap 60 -> R_M = 40.
    return {"jurisdictions": {"J": lin(100, s_buyer), "H": lin(100, s_host)},
            "markets": {"M": {"members": ["J"], "cap": cap}},
            "credits": {"CDM": {"hosts": ["H"], **programme}},
            "links": [link or one_way("CDM", "M")]}


def test_credits_supply_along_the_host_mac():
    # Credits X: host abates X at MAC 2 X; buyer abates 40 - X at MAC 1 (40 - X).
    # 2 X = 40 - X -> X = 40/3, price 80/3.
    res = model.solve(credit_scenario())
    x = 40.0 * 1.0 / (1.0 + 2.0)
    p = 2.0 * x
    assert res.price("M") == pytest.approx(p, rel=REL)
    assert res.price("CDM") == pytest.approx(p, rel=REL)
    c = row(res, "CDM")
    assert c["kind"] == "credits"
    assert c["credits_issued_mt"] == pytest.approx(x, rel=REL)
    assert jur(res, "H", "abatement_mt") == pytest.approx(x, rel=REL)
    assert jur(res, "J", "abatement_mt") == pytest.approx(40 - x, rel=REL)
    assert row(res, "M")["emissions_mt"] == pytest.approx(60 + x, rel=REL)
    assert net_flow(res, "CDM", "M") == pytest.approx(x, rel=REL)
    # real reductions behind every credit: global 200 - 40 = caps 60 + host BAU 100
    assert_ledger(res, gap=0.0, credits_surrendered_mt=x)


def test_credits_additionality():
    # a = 0.5: real R = a X; the host earns p_c per credit, p_c / a per real tonne, so
    # p_c = a * MAC_H(R) = a^2 s_H X. Buyer: s_M (40 - X) = a^2 s_H X -> X = 40 / (1 + 0.25*2) = 80/3.
    a, sh, sm = 0.5, 2.0, 1.0
    x = sm * 40 / (sm + a**2 * sh)
    real = a * x
    p = sm * (40 - x)
    res = model.solve(credit_scenario(additionality=a))
    assert res.price("M") == pytest.approx(p, rel=REL)
    assert res.price("CDM") == pytest.approx(p, rel=REL)
    assert res.price("CDM") == pytest.approx(a * sh * real, rel=REL)  # credit price = a x host MAC
    assert row(res, "CDM")["credits_issued_mt"] == pytest.approx(x, rel=REL)
    assert jur(res, "H", "abatement_mt") == pytest.approx(real, rel=REL)
    assert_ledger(res, gap=(1 - a) * x, credits_surrendered_mt=x, non_additional_credits_mt=(1 - a) * x)
    # global emissions: 200 - (40 - X) - a X
    assert float(ledger(res)["global_emissions_mt"]) == pytest.approx(200 - (40 - x) - real, rel=REL)


def test_credits_baseline_below_bau():
    # Baseline 90: the host makes the first 10 Mt itself, unpaid; credits X beyond: R_H = 10 + X,
    # p_c = s_H (10 + X) = s_M (40 - X) -> X = (40 - 20) / 3 = 20/3, price 100/3.
    d, sh, sm = 10.0, 2.0, 1.0
    x = (sm * 40 - sh * d) / (sm + sh)
    p = sh * (d + x)
    res = model.solve(credit_scenario(baseline={"H": 90}))
    assert res.price("M") == pytest.approx(p, rel=REL)
    assert res.price("CDM") == pytest.approx(p, rel=REL)
    assert row(res, "CDM")["credits_issued_mt"] == pytest.approx(x, rel=REL)
    assert jur(res, "H", "abatement_mt") == pytest.approx(d + x, rel=REL)
    # global 200 - (40 - X) - (10 + X) = 150; caps allow 60 + 100: the gap is -10, the host's own effort
    assert_ledger(res, gap=-d, other=d, credits_surrendered_mt=x)


@pytest.mark.parametrize("limit,x", [({"import_limit_mt": 5.0}, 5.0), ({"import_limit": 0.05}, 3.0)])
def test_credit_use_limit(limit, x):
    # X capped: buyer p = 40 - X, credit price 2 X; the quota rent is the difference.
    res = model.solve(credit_scenario(link=one_way("CDM", "M", **limit)))
    assert row(res, "CDM")["credits_issued_mt"] == pytest.approx(x, rel=REL)
    assert res.price("M") == pytest.approx(40 - x, rel=REL)
    assert res.price("CDM") == pytest.approx(2 * x, rel=REL)
    assert rent(res, "CDM", "M") == pytest.approx(40 - 3 * x, rel=REL)


def test_credits_from_the_uncovered_share_of_a_host():
    # Host H (BAU 100, slope 2) is half covered by a slack market MH (cap 60 > 50): its uncovered
    # half (50 Mt, segment slope 2 / 0.5 = 4) earns credits. 4 X = 40 - X -> X = 8, price 32.
    sc = credit_scenario()
    sc["markets"]["MH"] = {"members": ["H"], "cap": 60, "coverage": 0.5}
    res = model.solve(sc)
    assert res.price("MH") == pytest.approx(0.0, abs=ABS)
    assert row(res, "CDM")["credits_issued_mt"] == pytest.approx(8.0, rel=REL)
    assert res.price("M") == pytest.approx(32.0, rel=REL)
    assert res.price("CDM") == pytest.approx(32.0, rel=REL)
    assert jur(res, "H", "abatement_mt") == pytest.approx(8.0, rel=REL)


def test_credits_not_wanted_when_the_cap_is_slack():
    res = model.solve(credit_scenario(cap=120.0))
    assert res.price("M") == pytest.approx(0.0, abs=ABS)
    assert row(res, "CDM")["credits_issued_mt"] == pytest.approx(0.0, abs=ABS)
    assert jur(res, "H", "abatement_mt") == pytest.approx(0.0, abs=ABS)


# --------------------------------------------------------------------------------------------
# corresponding adjustments
# --------------------------------------------------------------------------------------------


def test_no_corresponding_adjustment_sells_abatement_only_and_counts_it_twice():
    # MA's cap (130) is slack: with the adjustment it would sell hot air first. Without it, MA may
    # sell only its abatement below BAU, x <= q_A, and its own account is not debited.
    # x = q_A; s_A x = s_B (R_B - x), s_A = 1, s_B = 0.5, R_B = 50 -> x = 25 / 1.5 = 50/3, p = 50/3.
    sc = {**SLACK, "links": [one_way("MA", "MB", corresponding_adjustment=False)]}
    res = model.solve(sc)
    x = 0.5 * 50 / (1 + 0.5)
    assert res.price("MB") == pytest.approx(x, rel=REL)
    assert jur(res, "A", "abatement_mt") == pytest.approx(x, rel=REL)
    assert jur(res, "B", "abatement_mt") == pytest.approx(50 - x, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(x, rel=REL)
    # with the adjustment (default): MA's 30 Mt of hot air flows first, then its abatement:
    # joint R = 20, p = 20 / (1 + 2) = 20/3 as in the two-way case, and 30 Mt of hot air sold.
    res = model.solve({**SLACK, "links": [one_way("MA", "MB")]})
    assert res.price("MB") == pytest.approx(20 / 3, rel=REL)
    assert_ledger(res, gap=30.0, hot_air_sold_mt=30.0)


def test_no_corresponding_adjustment_ledger():
    # global: (100 - x) + (50 + x) = 150 = what the caps allow (MA at its BAU 100, MB 50): no gap,
    # though x tonnes are claimed by both; MA sold no allowances, so no hot air.
    res = model.solve({**SLACK, "links": [one_way("MA", "MB", corresponding_adjustment=False)]})
    x = 0.5 * 50 / (1 + 0.5)
    check_ledger(res, gap=0.0, double_counted_mt=x)


def test_no_corresponding_adjustment_binding_seller_cap():
    # MA's cap binds (R_A = 10, slope 1); MB: R_B = 50, slope 0.5. Without the adjustment MA may sell
    # up to its whole abatement q_A, which also counts for its own cap: x = q_A = 50/3 > 10.
    sc = {"jurisdictions": SLACK["jurisdictions"],
          "markets": {"MA": {"members": ["A"], "cap": 90}, "MB": {"members": ["B"], "cap": 50}},
          "links": [one_way("MA", "MB", corresponding_adjustment=False)]}
    res = model.solve(sc)
    x = 0.5 * 50 / 1.5
    assert x > 10
    assert res.price("MB") == pytest.approx(x, rel=REL)
    assert jur(res, "A", "abatement_mt") == pytest.approx(x, rel=REL)
    assert net_flow(res, "MA", "MB") == pytest.approx(x, rel=REL)
    assert float(ledger(res)["double_counted_mt"]) == pytest.approx(x, rel=REL)


def test_ledger_decomposition_seller_without_adjustment():
    # The case of test_no_corresponding_adjustment_sells_abatement_only_and_counts_it_twice: the
    # gap is 0 (checked there) but x = 50/3 tonnes are double counted, and no other documented part
    # of the gap is non-zero: the decomposition leaves MA's x tonnes of abatement below a slack cap
    # unaccounted for.
    res = model.solve({**SLACK, "links": [one_way("MA", "MB", corresponding_adjustment=False)]})
    check_decomposition(res)


def test_ledger_decomposition_binding_seller_without_adjustment():
    # MA (cap 90, R_A = 10) sells x = q_A = 50/3 without adjustment: global (100 - x) + (50 + x) = 150,
    # caps allow 90 + 50 = 140, gap 10 = double counted 50/3 - MA's over-compliance 20/3.
    sc = {"jurisdictions": SLACK["jurisdictions"],
          "markets": {"MA": {"members": ["A"], "cap": 90}, "MB": {"members": ["B"], "cap": 50}},
          "links": [one_way("MA", "MB", corresponding_adjustment=False)]}
    res = model.solve(sc)
    check_ledger(res, gap=10.0, double_counted_mt=50 / 3)
    check_decomposition(res)


def test_ledger_decomposition_tax_beyond_the_cap():
    # Cap 70 and a tax of 45 > the cap's price 30: emissions 55, 15 below the cap; gap -15.
    res = model.solve({"jurisdictions": {"J": lin(100, 1.0)},
                       "markets": {"M": {"members": ["J"], "cap": 70, "tax": 45}}})
    check_ledger(res, gap=-15.0)
    check_decomposition(res)


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
    raw = copy.deepcopy(GOOD)
    node = raw
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    for k in keys[:-1]:
        node = node[k]
    if value is KeyError:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return raw


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
