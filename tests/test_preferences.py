"""Buyers' preferences: eligible hosts on a credit link, and priority purchasing of tagged credits.

Expected values are closed forms with linear MACs (MAC = slope x abatement).
"""

import pytest
from mechanism_cases import REL, jur, lin, net_flow, one_way

import model


def eligibility_scenario(eligible=("LDC",)):
    # Hosts L (LDC, slope 2) and N (slope 1), BAU 100 each. Buyers: market E (slope 1, BAU 100,
    # cap 60: needs 40) through a link restricted to LDC hosts; market K (slope 1, BAU 100,
    # cap 80: needs 20) through an unrestricted link.
    link = one_way("CR", "E", **({"eligible": list(eligible)} if eligible else {}))
    return {"jurisdictions": {"E": lin(100, 1), "K": lin(100, 1),
                              "L": {**lin(100, 2), "groups": ["LDC"]}, "N": lin(100, 1)},
            "markets": {"E": {"members": ["E"], "cap": 60}, "K": {"members": ["K"], "cap": 80}},
            "credits": {"CR": {"hosts": ["L", "N"]}},
            "links": [link, one_way("CR", "K")]}


def test_without_a_rule_one_price():
    # abatement E p + K p + L p/2 + N p = 60 -> p = 120/7
    res = model.solve(eligibility_scenario(eligible=()))
    p = 120 / 7
    for name in ("E", "K", "CR"):
        assert res.price(name) == pytest.approx(p, rel=REL)


def test_eligibility_splits_the_credit_market():
    # Binding rule: E buys only L's credits, all of them: E abates 40 - x_L at 40 - x_L = 2 x_L
    # (L's MAC) -> x_L = 40/3, P_E = 80/3. K buys N's: 20 - x_N = x_N -> x_N = 10, credit price 10.
    res = model.solve(eligibility_scenario())
    x_l, x_n = 40 / 3, 10.0
    assert res.price("E") == pytest.approx(80 / 3, rel=REL)
    assert res.price("K") == pytest.approx(10.0, rel=REL)
    assert res.price("CR") == pytest.approx(10.0, rel=REL)
    assert jur(res, "L", "abatement_mt") == pytest.approx(x_l, rel=REL)
    assert jur(res, "N", "abatement_mt") == pytest.approx(x_n, rel=REL)
    assert net_flow(res, "CR", "E") == pytest.approx(x_l, rel=REL)
    assert net_flow(res, "CR", "K") == pytest.approx(x_n, rel=REL)
    # the premium 80/3 - 10 is paid by E's exchange and earned by L; every exchange balances
    pays = res.payments
    prem = pays[pays["item"] == "eligibility premium"]
    paid = prem[prem["payer"] == "E exchange"]["amount_musd"].sum()
    assert paid == pytest.approx(x_l * (80 / 3 - 10), rel=1e-5)
    assert prem[prem["payee"] == "L"]["amount_musd"].sum() == pytest.approx(paid, rel=1e-5)
    parties = res.parties.set_index("party")
    for ex in ("E exchange", "K exchange", "CR exchange"):
        assert parties.loc[ex, "total_cost_musd"] == pytest.approx(0.0, abs=1e-5)
    # L is paid its own MAC for each credit: 2 x_L
    received = pays[pays["payee"] == "L"]["amount_musd"].sum()
    assert received == pytest.approx(x_l * 2 * x_l, rel=1e-5)


def test_two_restricted_links_route_host_by_host():
    # E accepts LDC credits, K accepts SIDS credits; host L (LDC) and S (SIDS) each sell to one
    # buyer only: two separate markets. E: 40 - x = 2 x -> x = 40/3; K: 20 - y = 2 y -> y = 20/3.
    sc = eligibility_scenario()
    sc["jurisdictions"]["N"] = {**lin(100, 2), "groups": ["SIDS"]}
    sc["links"][1]["eligible"] = ["SIDS"]
    res = model.solve(sc)
    assert res.price("E") == pytest.approx(80 / 3, rel=REL)
    assert res.price("K") == pytest.approx(40 / 3, rel=REL)
    assert net_flow(res, "CR", "K") == pytest.approx(20 / 3, rel=REL)


def priority_scenario(share=None):
    # Buyer M (slope 1, BAU 100, cap 60: needs 40); programme T (tag inv, host HT slope 4) and
    # U (host HU slope 1).
    market = {"members": ["J"], "cap": 60}
    if share is not None:
        market["minimum_purchase"] = {"inv": share}
    return {"jurisdictions": {"J": lin(100, 1), "HT": lin(100, 4), "HU": lin(100, 1)},
            "markets": {"M": market},
            "credits": {"T": {"hosts": ["HT"], "tags": ["inv"]}, "U": {"hosts": ["HU"]}},
            "links": [one_way("T", "M"), one_way("U", "M")]}


def test_priority_purchasing():
    # Free: p + p/4 + p = 40 -> p = 160/9; T's share (p/4)/(5p/4) = 0.2.
    free = model.solve(priority_scenario())
    assert free.price("M") == pytest.approx(160 / 9, rel=REL)
    # share 0.2 does not bind
    assert model.solve(priority_scenario(0.2)).price("M") == pytest.approx(160 / 9, rel=1e-5)
    # share 0.5: x_T = x_U = x; T's price 4x, U's x; M's price is their mean 2.5 x = 40 - 2 x
    # -> x = 80/9, P_M = 200/9.
    res = model.solve(priority_scenario(0.5))
    x = 80 / 9
    assert res.price("M") == pytest.approx(200 / 9, rel=REL)
    assert res.price("T") == pytest.approx(4 * x, rel=REL)
    assert res.price("U") == pytest.approx(x, rel=REL)
    assert net_flow(res, "T", "M") == pytest.approx(x, rel=REL)
    parties = res.parties.set_index("party")
    assert parties.loc["M exchange", "total_cost_musd"] == pytest.approx(0.0, abs=1e-5)


@pytest.mark.parametrize("change, message", [
    (lambda s: s["links"][0].update(eligible=["XX"]), "no host of programme 'CR' is in group 'XX'"),
    (lambda s: s["links"].append({"markets": ["E", "K"], "eligible": ["LDC"]}), "one-way link from a credit"),
    (lambda s: s["jurisdictions"]["L"].update(groups="LDC"), "must be a list of names"),
])
def test_bad_rules_are_refused(change, message):
    sc = eligibility_scenario()
    change(sc)
    with pytest.raises(model.ScenarioError, match=message):
        model.load_scenario(sc)


def test_unknown_tag_is_refused():
    sc = priority_scenario(0.5)
    sc["markets"]["M"]["minimum_purchase"] = {"other": 0.5}
    with pytest.raises(model.ScenarioError, match="no credit programme carries the tag 'other'"):
        model.load_scenario(sc)
