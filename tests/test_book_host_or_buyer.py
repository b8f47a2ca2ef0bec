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
