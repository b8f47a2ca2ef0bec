"""The money ledger: every payment has a payer and a payee, and costs add up.

Each hand-worked case states its closed form in a comment; the property test checks the two
identities on random scenarios using every instrument.
"""

from __future__ import annotations

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from test_properties import SETTINGS, instruments_st

import model
from model.money import exchange, government

REL = 1e-6


def linear(bau, slope):
    return {"bau": bau, "mac": {"type": "linear", "slope": slope}}


def cost_of(res, party, period=None):
    p = res.parties.set_index("party")
    if period is not None:
        p = p[p["period"] == period]
    return float(p.loc[party, "total_cost_musd"])


def paid(res, payer, payee, item):
    pay = res.payments
    rows = pay[(pay["payer"] == payer) & (pay["payee"] == payee) & (pay["item"] == item)]
    return float(rows["amount_musd"].sum())


def world_identities(res):
    """World payments net to zero; parties' total costs add up to real costs; exchanges balance."""
    pay, parties = res.payments, res.parties
    biggest = max(float(pay["amount_musd"].abs().max()) if len(pay) else 0.0, 1.0)
    assert (pay["amount_musd"] >= 0).all()
    net = parties.groupby("period")["net_payments_musd"].sum()
    assert (net.abs() <= 1e-9 * biggest).all()
    real = res.segments.groupby("period")["abatement_cost_musd"].sum()
    # removal costs, from the raw numbers: slope x removed^2 / 2 per jurisdiction
    jur = res.jurisdictions
    slopes = {j: sc.removals["slope"] for j, sc in res.scenario.jurisdictions.items() if sc.removals is not None}
    removal = (jur["jurisdiction"].map(slopes).fillna(0.0) * jur["removals_mt"] ** 2 / 2).groupby(jur["period"]).sum()
    real = real.add(removal, fill_value=0.0)
    if len(res.links):
        lk = res.links
        tc = (lk["transaction_cost_usd_per_t"] * lk["flow_mt"]).groupby(lk["period"]).sum()
        real = real.add(tc, fill_value=0.0)
    total = parties.groupby("period")["total_cost_musd"].sum()
    assert ((total - real).abs() <= 1e-7 * biggest).all()
    exchanges = parties[parties["party"].str.endswith(" exchange")]
    assert (exchanges["net_payments_musd"].abs() <= 1e-7 * biggest).all()
    # the jurisdictions' view adds up the emitters and their government
    j = res.jurisdictions.set_index(["jurisdiction", "period"])
    for (name, t), row in j.iterrows():
        both = cost_of(res, name, t) + cost_of(res, government(name), t)
        assert row["total_cost_musd"] == pytest.approx(both, rel=1e-9, abs=1e-9 * biggest)


@st.composite
def with_removals_st(draw):
    """The random instruments of :func:`test_properties.instruments_st`, with removals for some
    jurisdictions (in capped markets or not), some with a maximum."""
    raw = draw(instruments_st())
    for j in raw["jurisdictions"].values():
        if draw(st.booleans()):
            j["removals"] = {"slope": draw(st.floats(0.5, 10.0))}
            if draw(st.booleans()):
                j["removals"]["max"] = draw(st.floats(0.0, 20.0))
    return raw


@SETTINGS
@given(instruments_st())
def test_payments_net_to_zero_and_costs_add_up_with_any_instrument(raw):
    world_identities(model.solve(raw))


@SETTINGS
@given(with_removals_st())
def test_payments_net_to_zero_and_costs_add_up_with_removals(raw):
    res = model.solve(raw)
    world_identities(res)
    # the removing emitters are paid the price of the market where their tonnes count
    pay = res.payments[res.payments["item"] == "removals"]
    for row in pay.itertuples():
        assert row.payer == exchange(row.market)
        assert row.price_usd_per_t == pytest.approx(res.price(row.market, row.period), rel=1e-9)
        removed = res.jurisdictions.set_index(["jurisdiction", "period"]).loc[(row.payee, row.period), "removals_mt"]
        assert row.quantity_mt == pytest.approx(removed, rel=1e-9)


def test_removals_are_paid_and_costed():
    """One jurisdiction, BAU 100, MAC slope 2; removals slope 3; cap 20: p (1/2 + 1/3) = 80, p = 96,
    removals r = p/3 = 32 Mt/yr at a cost 3 x 32^2 / 2 = 1536, sold to the exchange for 96 x 32."""
    raw = {"jurisdictions": {"J": {"bau": 100, "mac": {"type": "linear", "slope": 2}, "removals": {"slope": 3}}},
           "markets": {"M": {"members": ["J"], "cap": 20, "auction_share": 1.0}}}
    res = model.solve(raw)
    world_identities(res)
    p, r = 96.0, 32.0
    j = res.jurisdictions.iloc[0]
    assert j["removals_mt"] == pytest.approx(r, rel=1e-6)
    assert j["removal_cost_musd"] == pytest.approx(3 * r * r / 2, rel=1e-6)
    assert paid(res, exchange("M"), "J", "removals") == pytest.approx(p * r, rel=1e-6)
    # the emitters buy every gross tonne (100 - 48 = 52) from the exchange, which gets the 20
    # auctioned (revenue to J's government) and the 32 removed (paid to J's emitters): J as a whole
    # pays abatement + removal cost
    assert j["total_cost_musd"] == pytest.approx(p * p / 4 + 3 * r * r / 2, rel=1e-6)
    assert res.total_cost() == pytest.approx(p * p / 4 + 3 * r * r / 2, rel=1e-6)


def test_every_scenario_file_balances(root):
    for path in sorted((root / "scenarios").glob("*.yaml")):
        world_identities(model.solve(path))


def test_sale_without_corresponding_adjustment_pays_the_seller():
    # A (cap = BAU) sells to B without adjustment, up to its abatement. MAC_A = q, MAC_B = 4q.
    # B needs 50 Mt: q_A + q_B = 50 and q_A = 4 q_B (both at the price mu) -> mu = 40,
    # q_A = 40 sold to B, q_B = 10. B pays 40 x 40 = 1600 to A's emitters.
    raw = {"jurisdictions": {"A": linear(100, 1.0), "B": linear(100, 4.0)},
           "markets": {"MA": {"members": ["A"], "cap": 100}, "MB": {"members": ["B"], "cap": 50}},
           "links": [{"markets": ["MA", "MB"], "direction": "one-way", "corresponding_adjustment": False}]}
    res = model.solve(raw)
    assert res.price("MB") == pytest.approx(40, rel=REL)
    assert paid(res, exchange("MB"), "A", "units") == pytest.approx(1600, rel=REL)
    j = res.jurisdictions.set_index("jurisdiction")["total_cost_musd"]
    assert j["A"] == pytest.approx(0.5 * 40**2 - 1600, rel=REL)
    assert j["B"] == pytest.approx(0.5 * 4 * 10**2 + 1600, rel=REL)
    world_identities(res)


@pytest.mark.parametrize("holder", ["importer_government", "exporter_government"])
def test_quota_rent_goes_to_the_named_government(holder):
    # A (cap = BAU, MAC = q) may sell 10 Mt to B (cap 50, MAC = q): q_A = 10, P_A = 10; B abates
    # 40, P_B = 40; rent 30 per unit, 300 in all.
    raw = {"jurisdictions": {"A": linear(100, 1.0), "B": linear(100, 1.0)},
           "markets": {"MA": {"members": ["A"], "cap": 100}, "MB": {"members": ["B"], "cap": 50}},
           "links": [{"markets": ["MA", "MB"], "direction": "one-way", "import_limit_mt": 10, "quota_rent": holder}]}
    res = model.solve(raw)
    assert (res.price("MA"), res.price("MB")) == (pytest.approx(10, rel=REL), pytest.approx(40, rel=REL))
    gets = government("B") if holder == "importer_government" else government("A")
    assert paid(res, exchange("MB"), gets, "quota rent") == pytest.approx(300, rel=REL)
    assert paid(res, exchange("MB"), exchange("MA"), "units") == pytest.approx(100, rel=REL)
    j = res.jurisdictions.set_index("jurisdiction")["total_cost_musd"]
    # A: abatement 50, sells 10 units at 10; B: abatement 800, pays 40 x 10 for 10 tonnes
    a, b = 50 - 100, 800 + 400
    if holder == "importer_government":
        b -= 300
    else:
        a -= 300
    assert (j["A"], j["B"]) == (pytest.approx(a, rel=REL), pytest.approx(b, rel=REL))
    world_identities(res)


def test_transaction_costs_go_to_the_transaction_services():
    # MAC = q in both, caps 80 and 20 of BAU 100, cost 10 per unit: P_A + 10 = P_B, flow f from A
    # to B: 20 + f + 10 = 80 - f -> f = 25, P_A = 45, P_B = 55.
    raw = {"jurisdictions": {"A": linear(100, 1.0), "B": linear(100, 1.0)},
           "markets": {"MA": {"members": ["A"], "cap": 80}, "MB": {"members": ["B"], "cap": 20}},
           "links": [{"markets": ["MA", "MB"], "transaction_cost": 10}]}
    res = model.solve(raw)
    assert res.price("MA") == pytest.approx(45, rel=REL) and res.price("MB") == pytest.approx(55, rel=REL)
    assert paid(res, exchange("MB"), "transaction services", "transaction cost") == pytest.approx(250, rel=REL)
    assert cost_of(res, "transaction services") == pytest.approx(0.0, abs=1e-9)
    world_identities(res)


def test_withheld_allowances_are_not_sold():
    # Nova Scotia: the floor withholds allowances; nobody is paid for them, so the province's total
    # cost is its abatement cost (it showed revenue and a negative total cost before).
    res = model.solve(ROOT / "scenarios" / "wci_nova_scotia.yaml")
    assert float(res.prices["withheld_mt"].iloc[0]) > 1.0
    j = res.jurisdictions.iloc[0]
    assert j["total_cost_musd"] == pytest.approx(j["abatement_cost_musd"], rel=1e-9)
    assert j["permit_payments_musd"] == pytest.approx(0.0, abs=1e-9)


def test_taxes_stay_inside_the_jurisdiction():
    raw = {"jurisdictions": {"A": linear(100, 1.0)}, "markets": {"T": {"members": ["A"], "tax": 30}}}
    res = model.solve(raw)
    assert paid(res, "A", government("A"), "tax") == pytest.approx(30 * 70, rel=REL)
    j = res.jurisdictions.iloc[0]
    assert j["total_cost_musd"] == pytest.approx(0.5 * 30**2, rel=REL)


def test_gains_add_up_to_the_world_saving():
    # Two linear markets: autarky prices 40 and 10; linked at 25 (equal slopes).
    raw = {"periods": [2030, 2035], "discount_rate": 0.03,
           "jurisdictions": {"A": linear(100, 1.0), "B": linear(100, 1.0)},
           "markets": {"MA": {"members": ["A"], "cap": 60}, "MB": {"members": ["B"], "cap": 90}},
           "links": [["MA", "MB"]]}
    g = model.gains(raw)
    per = g.groupby("period")["gain_musd"].sum()
    saving = 0.5 * 40**2 + 0.5 * 10**2 - 2 * 0.5 * 25**2
    assert per.to_dict() == {2030: pytest.approx(saving, rel=REL), 2035: pytest.approx(saving, rel=REL)}
    assert g["gain_pv_musd"].sum() == pytest.approx(saving * 5 * (1 + 1.03**-5), rel=REL)
    mine = g[g["jurisdiction"] == "A"].groupby("period")["gain_musd"].sum()
    # A: autarky 800; linked: abates 25 (312.5) and buys 15 at 25 (375)
    assert mine[2030] == pytest.approx(800 - 312.5 - 375, rel=REL)
