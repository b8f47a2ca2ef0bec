"""Obligations of conduct and carbon taxes.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import pytest
from mechanism_cases import ABS, REL, assert_ledger, jur, ledger, lin, row

import model

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
