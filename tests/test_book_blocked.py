"""Chapter "Linking blocked": the remedies and the cap-setting game against closed forms.

Every expected number is computed here from the pair's parameters (straight-line MACs), never
copied from a model run.
"""

from __future__ import annotations

import pytest

import model
from model import strategic
from model.chapters import blocked

A, B = blocked.STRICT, blocked.LOOSE
S = 1 / A["slope"] + 1 / B["slope"]
REQ_A, REQ_B = A["bau"] - A["cap"], B["bau"] - B["cap"]  # required abatement (B's is negative)


@pytest.fixture(scope="module")
def runs():
    return {k: model.solve(raw) for k, raw in blocked.remedies().items()}


def _global(res):
    return res.ledger["global_emissions_mt"].iloc[0]


def test_full_link_sells_hot_air_at_the_loose_price(runs):
    p = (REQ_A + REQ_B) / S
    assert runs["full_link"].price("A_ETS") == pytest.approx(p, rel=1e-6)
    assert runs["autarky"].price("A_ETS") == pytest.approx(A["slope"] * REQ_A, rel=1e-6)
    assert runs["autarky"].price("B_ETS") == pytest.approx(0.0, abs=1e-6)
    # global emissions rise by the loose cap's excess over BAU, the hot air
    assert _global(runs["autarky"]) == pytest.approx(A["cap"] + B["bau"], rel=1e-9)
    assert _global(runs["full_link"]) == pytest.approx(A["cap"] + B["cap"], rel=1e-9)
    led = runs["full_link"].ledger.iloc[0]
    assert led["hot_air_sold_mt"] == pytest.approx(B["cap"] - B["bau"], rel=1e-6)
    assert led["integrity_gap_mt"] == pytest.approx(B["cap"] - B["bau"], rel=1e-6)
    # abatement leaves the strict market: A abates p/s_A instead of its requirement
    jur = runs["full_link"].jurisdictions.set_index("jurisdiction")
    assert jur.loc["A", "abatement_mt"] == pytest.approx(p / A["slope"], rel=1e-6)


def test_full_link_gains_are_the_closed_form_triangles():
    p = (REQ_A + REQ_B) / S
    gains = model.gains(blocked.remedies()["full_link"]).groupby("jurisdiction")["gain_musd"].sum()
    qa, qb = p / A["slope"], p / B["slope"]
    cost_a_aut = 0.5 * A["slope"] * REQ_A**2
    cost_a = 0.5 * A["slope"] * qa**2 + p * (REQ_A - qa)
    cost_b = 0.5 * B["slope"] * qb**2 - p * (qb - REQ_B)
    assert gains["A"] == pytest.approx(cost_a_aut - cost_a, rel=1e-6)
    assert gains["B"] == pytest.approx(-cost_b, rel=1e-6)


def test_import_quota(runs):
    limit = 0.05 * A["cap"]
    assert runs["import_quota"].price("A_ETS") == pytest.approx(A["slope"] * (REQ_A - limit), rel=1e-6)
    assert _global(runs["import_quota"]) == pytest.approx(A["cap"] + B["bau"] + limit, rel=1e-9)


def test_exchange_rate_discount(runs):
    rho = 0.5
    # A imports (REQ_A - P_A/s_A)/rho units; B supplies hot air plus P_B/s_B with P_B = rho P_A
    hot = B["cap"] - B["bau"]
    pa = (REQ_A / rho - hot) / (1 / (A["slope"] * rho) + rho / B["slope"])
    assert runs["exchange_rate"].price("A_ETS") == pytest.approx(pa, rel=1e-6)
    assert runs["exchange_rate"].price("B_ETS") == pytest.approx(rho * pa, rel=1e-6)
    expected = A["bau"] - pa / A["slope"] + B["bau"] - rho * pa / B["slope"]
    assert _global(runs["exchange_rate"]) == pytest.approx(expected, rel=1e-9)


def test_discount_that_restores_integrity():
    hot = B["cap"] - B["bau"]
    rho = (REQ_A - hot * B["slope"] / A["slope"]) / (REQ_A + hot)
    res = model.solve(blocked.remedies(exchange_rate=rho)["exchange_rate"])
    assert _global(res) == pytest.approx(A["cap"] + B["bau"], rel=1e-9)


def test_price_floor_holds_the_common_price(runs):
    floor = 20.0
    assert runs["price_floor"].price("A_ETS") == pytest.approx(floor, rel=1e-6)
    assert runs["price_floor"].price("B_ETS") == pytest.approx(floor, rel=1e-6)
    assert _global(runs["price_floor"]) == pytest.approx(A["bau"] + B["bau"] - floor * S, rel=1e-9)


def test_one_way_and_eligibility(runs):
    assert _global(runs["one_way"]) == pytest.approx(A["cap"] + B["bau"], rel=1e-9)
    assert runs["one_way"].price("A_ETS") == pytest.approx(A["slope"] * REQ_A, rel=1e-6)
    # only real reductions are eligible: the price of a pair with B's cap at BAU, no hot air
    assert runs["eligibility"].price("A_ETS") == pytest.approx(REQ_A / S, rel=1e-6)
    assert _global(runs["eligibility"]) == pytest.approx(A["cap"] + B["bau"], rel=1e-9)
    assert runs["eligibility"].ledger["integrity_gap_mt"].iloc[0] == pytest.approx(0.0, abs=1e-6)


def nash_closed_form(d, s, bau, linked):
    """Nash caps with linear MACs and constant marginal damages (derived in the chapter)."""
    if not linked:
        return {m: bau[m] - d[m] / s[m] for m in d}
    big_s = sum(1 / v for v in s.values())
    price = sum(d.values()) / len(d)
    return {m: bau[m] - price / s[m] - big_s * (d[m] - price) for m in d}


@pytest.mark.parametrize("linked", [False, True])
@pytest.mark.parametrize("case", [(30.0, 10.0, 0.2, 0.05), (10.0, 30.0, 0.2, 0.05)])
def test_nash_caps_match_the_closed_form(linked, case):
    da, db, sa, sb = case
    raw = blocked.strategic_pair(da, db, sa, sb, linked=linked)
    got = strategic.nash_caps(raw).caps
    want = nash_closed_form({"A_ETS": da, "B_ETS": db}, {"A_ETS": sa, "B_ETS": sb},
                            {"A_ETS": A["bau"], "B_ETS": B["bau"]}, linked)
    for m in want:
        assert got[m] == pytest.approx(want[m], rel=1e-6, abs=1e-6)


def test_damage_key_is_read_and_checked():
    raw = blocked.strategic_pair()
    sc = model.load_scenario(raw)
    assert sc.jurisdictions["A"].damage == 30.0 and sc.jurisdictions["A"].damage_slope == 0.0
    raw["jurisdictions"]["A"]["damage"] = {"marginal": 5, "slope": 0.01}
    assert model.load_scenario(raw).jurisdictions["A"].damage_slope == 0.01
    raw["jurisdictions"]["A"]["damage"] = -1
    with pytest.raises(model.ScenarioError, match="damage"):
        model.load_scenario(raw)


def test_no_convergence_is_an_error():
    with pytest.raises(model.SolveError, match="no convergence"):
        strategic.nash_caps(blocked.strategic_pair(), max_rounds=1, tol=1e-12)
