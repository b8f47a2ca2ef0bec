"""Links: one-way links, import limits and quota rents, exchange rates, transaction costs.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import pytest
from mechanism_cases import ABS, REL, lin, net_flow, one_way, rent, row

import model

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
