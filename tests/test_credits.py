"""Credit programmes: supply along the host's MAC, additionality, baselines, use limits.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import pytest
from mechanism_cases import ABS, REL, assert_ledger, jur, ledger, lin, net_flow, one_way, rent, row

import model

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
