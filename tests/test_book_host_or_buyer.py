"""Chapter 15 (host or buyer): key results against independent calculations (bisection on the
inverse MAC, tests/conftest.py)."""

import pytest
from conftest import supply_at

import model
from model.chapters import china


def test_cdm_hosts_supply_along_their_macs():
    sc = china.cdm_world()
    res = model.solve(sc)
    p = res.price("CDM")
    issued = {h: supply_at(sc["jurisdictions"][h]["mac"], sc["jurisdictions"][h]["bau"], p)
              for h in sc["credits"]["CDM"]["hosts"]}
    j = res.jurisdictions
    model_chn = j[(j["jurisdiction"] == "CHN") & (j["market"] == "CDM")]["abatement_mt"].sum()
    assert model_chn == pytest.approx(issued["CHN"], rel=1e-4)
    assert model_chn / sum(issued.values()) > 0.4  # China the largest host, about half
    # the EU's rule changes nothing in a linked Annex B market
    assert model.solve(china.cdm_world(eu_rule=True)).price("CDM") == pytest.approx(p, rel=1e-6)


def test_china_hosts_at_the_linked_price_in_the_ndc_world():
    sc = china.ndc_world(preference=True)
    res = model.solve(sc)
    p = res.price("CHN_NDC")
    pays = res.payments
    chn = pays[(pays["item"] == "credits") & (pays["payee"] == "CHN")]["quantity_mt"].sum()
    j = sc["jurisdictions"]["CHN"]
    uncovered = j["bau"] * (1 - sc["markets"]["CHN_NDC"]["coverage"])
    assert chn == pytest.approx(supply_at(j["mac"], uncovered, p), rel=1e-4)


@pytest.mark.parametrize("cut", china.NDC_2035_CUTS)
def test_china_buys_under_its_2035_ndc(cut):
    """China's 2035 NDC (economy-wide GHG 7% and 10% below the peak, the 2030 NDC level): the cap is
    (1 - cut) x peak; China buys, and its net purchases are its emissions at the linked price (its
    power MAC inverted in closed form, tests/conftest.py) less its cap. Every uncapped host
    supplies A6.4 credits along its MAC at the same price."""
    sc = china.ndc_2035_world(cut)
    peak = china.ndc_2035_world(0.0)["markets"]["CHN_NDC"]["cap"]
    cap = sc["markets"]["CHN_NDC"]["cap"]
    assert cap == pytest.approx((1 - cut) * peak, abs=1e-3)
    res = model.solve(sc)
    p = res.price("CHN_NDC")
    j = sc["jurisdictions"]["CHN"]
    emissions = j["bau"] - supply_at(j["mac"], j["bau"], p)
    bought = res.jurisdictions.set_index("jurisdiction").loc["CHN", "net_purchases_mt"]
    assert bought == pytest.approx(emissions - cap, rel=1e-6)
    assert bought > 0
    # China as a whole pays the linked price for every unit it buys, net
    pays = res.jurisdictions.set_index("jurisdiction").loc["CHN", "permit_payments_musd"]
    assert pays == pytest.approx(p * bought, rel=1e-6)
    assert res.price("A6_4") == pytest.approx(p, rel=1e-6)
