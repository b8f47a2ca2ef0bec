"""Chapter 16 (Belt and Road): key results against independent calculations (bisection on the
inverse MAC, tests/conftest.py)."""

import pytest
from conftest import equilibrium_price, supply_at

import model
from model.chapters import belt_and_road as bri


def _segments(sc, markets):
    """(mac, covered BAU) of every member of ``markets`` and the tonnes their caps require."""
    segs, required = [], 0.0
    for m in markets:
        mk = sc["markets"][m]
        (j,) = mk["members"]
        bau = sc["jurisdictions"][j]["bau"] * mk.get("coverage", 1.0)
        segs.append((sc["jurisdictions"][j]["mac"], bau))
        required += bau - mk["cap"]
    return segs, required


def _hosts(sc, programmes):
    return [(sc["jurisdictions"][h]["mac"], sc["jurisdictions"][h]["bau"])
            for c in programmes for h in sc["credits"][c]["hosts"]]


def _cost(mac, bau, q):
    """Abatement cost (MUSD) of q Mt on a power MAC: the integral of kappa gamma (x/bau)^beta."""
    g, b = mac.get("gamma", 2887), mac.get("beta", 3)
    return mac["kappa"] * g * bau / (b + 1) * (q / bau) ** (b + 1)


def test_region_clears_at_one_price_with_hot_air_sold():
    sc = bri.region()
    res = model.solve(sc)
    segs, required = _segments(sc, [f"{c}_NDC" for c in bri.capped(sc)])
    p = equilibrium_price(segs + _hosts(sc, ["BRI_CN", "A6_4"]), required)
    assert res.price("CHN_NDC") == pytest.approx(p, rel=1e-4)
    assert res.price("BRI_CN") == pytest.approx(p, rel=1e-4)
    # the global market clears higher: more buyers bid
    g = bri.global_market()
    segs_g, req_g = _segments(g, [m for m in g["markets"] if m.endswith("_NDC")])
    p_g = equilibrium_price(segs_g + _hosts(g, ["BRI_CN", "A6_4"]), req_g)
    assert p_g > p
    # priority purchasing costs nothing in the linked region, even at 100%
    assert model.solve(bri.region(priority=1.0)).price("CHN_NDC") == pytest.approx(p, rel=1e-4)


def test_china_gain_against_autarky():
    sc = bri.region()
    res = model.solve(sc)
    p = res.price("CHN_NDC")
    mk = sc["markets"]["CHN_NDC"]
    mac, bau = sc["jurisdictions"]["CHN"]["mac"], sc["jurisdictions"]["CHN"]["bau"] * mk["coverage"]
    q_aut = bau - mk["cap"]  # autarky: China abates what its cap requires
    q_reg = supply_at(mac, bau, p)
    expected = _cost(mac, bau, q_aut) - _cost(mac, bau, q_reg) - p * (q_aut - q_reg)
    g = model.gains(sc)
    assert g[g["jurisdiction"] == "CHN"]["gain_musd"].sum() == pytest.approx(expected, rel=1e-4)


def test_priority_purchasing_when_china_is_the_sole_buyer():
    sc = bri.region(priority=1.0, china_only=True)
    res = model.solve(sc)
    segs, required = _segments(sc, ["CHN_NDC"])
    p = equilibrium_price(segs + _hosts(sc, ["BRI_CN"]), required)
    assert res.price("CHN_NDC") == pytest.approx(p, rel=1e-4)
    assert res.price("A6_4") == pytest.approx(0.0, abs=1e-6)
    # without the rule, China buys from both programmes at a lower price
    p_free = equilibrium_price(segs + _hosts(sc, ["BRI_CN", "A6_4"]), required)
    assert model.solve(bri.region(china_only=True)).price("CHN_NDC") == pytest.approx(p_free, rel=1e-4)
    assert p_free < p


def test_jcm_price():
    sc = bri.jcm()
    res = model.solve(sc)
    segs, required = _segments(sc, ["JPN_NDC"])
    p = equilibrium_price(segs + _hosts(sc, ["JCM"]), required)
    assert res.price("JPN_NDC") == pytest.approx(p, rel=1e-4)
