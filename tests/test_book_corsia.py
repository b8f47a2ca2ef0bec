"""Chapter "CORSIA: a sectoral baseline and offset": key results against independent calculations.

The scenario file is checked against the sourced data (data/corsia.csv, data/baselines.csv),
recomputed here without model.corsia; the offset demand against the arithmetic of the baseline;
the credit price against a bisection on the hosts' cost curves written out in conftest.
"""

import pytest
import yaml
from conftest import ROOT, equilibrium_price, supply_at

import model
from model import corsia, data

REL = 1e-6          # linear identities
REL_CONVEX = 1e-6   # power MACs (Newton steps): as tight as the exact relations
FILE = ROOT / "scenarios" / "corsia.yaml"


def raw():
    return yaml.safe_load(FILE.read_text())


def fact(name):
    table = data.load_table("corsia").set_index("fact_id")
    return float(table.loc[name, "value"])


def bau_aviation(year):
    """International aviation BAU (Mt/yr), written again from the table's facts."""
    e19, e20 = fact("intl_aviation_co2_2019"), fact("intl_aviation_co2_2020")
    if year <= 2024:
        return e20 + (e19 - e20) * (year - 2020) / 4
    g = (1 + fact("traffic_growth") / 100) / (1 + fact("fuel_efficiency_gain") / 100) - 1
    return e19 * (1 + g) ** (year - 2024)


@pytest.fixture(scope="module")
def solved():
    sc = model.load_scenario(FILE)
    res = model.solve(sc)
    return sc, res, res.prices.set_index(["market", "period"])


def test_paper_facts_in_the_data():
    assert fact("volunteers_2016") == 66
    assert fact("volunteers_2016_activity_share") == 86.5
    assert fact("baseline_share_from_2024") == 85


def test_file_matches_the_data():
    r = raw()
    c = r["markets"]["CORSIA"]["coverage"]
    assert c == 0.865
    e19 = fact("intl_aviation_co2_2019")
    for t in r["periods"]:
        mean = sum(bau_aviation(y) for y in range(t, t + 3)) / 3
        assert r["jurisdictions"]["Aviation"]["bau"][t] == pytest.approx(mean, abs=1e-3)
        share = 1.0 if t < 2024 else 0.85
        assert r["markets"]["CORSIA"]["cap"][t] == pytest.approx(c * share * e19, abs=1e-3)
        for h in r["credits"]["EEU"]["hosts"]:
            host = corsia.ELIGIBLE_SHARE * sum(data.bau(h, y) for y in range(t, t + 3)) / 3
            assert r["jurisdictions"][h]["bau"][t] == pytest.approx(host, abs=1e-3)
    built = corsia.build_corsia()
    for key in ("periods", "jurisdictions", "markets", "credits", "links"):
        assert r[key] == built[key]
    assert r["links"] == [{"markets": ["EEU", "CORSIA"], "direction": "one-way"}]


def test_pilot_phase_needs_no_credits(solved):
    _, _, pr = solved
    assert pr.loc[("CORSIA", 2021), "price_usd_per_t"] == pytest.approx(0.0, abs=1e-9)
    assert pr.loc[("CORSIA", 2021), "net_imports_mt"] == pytest.approx(0.0, abs=1e-9)


def test_offset_demand_equals_emissions_above_baseline(solved):
    sc, _, pr = solved
    r = raw()
    c = r["markets"]["CORSIA"]["coverage"]
    s = r["jurisdictions"]["Aviation"]["mac"]["slope"]
    for t in sc.periods[1:]:
        p = pr.loc[("CORSIA", t), "price_usd_per_t"]
        cap = r["markets"]["CORSIA"]["cap"][t]
        covered = c * r["jurisdictions"]["Aviation"]["bau"][t]
        own = c * p / s                         # covered segment: MAC = (s / c) q
        bought = pr.loc[("CORSIA", t), "net_imports_mt"]
        assert pr.loc[("CORSIA", t), "abatement_mt"] == pytest.approx(own, rel=REL)
        assert bought == pytest.approx(covered - own - cap, rel=REL)
        assert bought == pytest.approx(pr.loc[("CORSIA", t), "emissions_mt"] - cap, rel=REL)
        # with no own abatement, demand is the covered excess over the covered baseline
        # (the file rounds the cap to 0.001 Mt)
        assert bought + own == pytest.approx(c * (r["jurisdictions"]["Aviation"]["bau"][t]
                                                  - corsia.baseline(t)), abs=2e-3)
        assert bought > 0


def test_credit_price_is_host_mac_at_credited_quantity(solved):
    sc, res, pr = solved
    r = raw()
    c = r["markets"]["CORSIA"]["coverage"]
    av = r["jurisdictions"]["Aviation"]
    covered_mac = {"type": "linear", "slope": av["mac"]["slope"] / c}
    seg = res.jurisdictions.set_index(["jurisdiction", "period"])
    for t in sc.periods[1:]:
        members = [(covered_mac, c * av["bau"][t])]
        members += [(r["jurisdictions"][h]["mac"], r["jurisdictions"][h]["bau"][t])
                    for h in r["credits"]["EEU"]["hosts"]]
        required = c * av["bau"][t] - r["markets"]["CORSIA"]["cap"][t]
        p = equilibrium_price(members, required, p_hi=1e4)
        assert pr.loc[("CORSIA", t), "price_usd_per_t"] == pytest.approx(p, rel=REL_CONVEX)
        assert pr.loc[("EEU", t), "price_usd_per_t"] == pytest.approx(p, rel=REL_CONVEX)
        credited = 0.0
        for h in r["credits"]["EEU"]["hosts"]:
            jh = r["jurisdictions"][h]
            q = seg.loc[(h, t), "abatement_mt"]
            mac_at_q = jh["mac"]["kappa"] * jh["mac"]["gamma"] * (q / jh["bau"][t]) ** jh["mac"]["beta"]
            assert mac_at_q == pytest.approx(p, rel=3 * REL_CONVEX)
            assert q == pytest.approx(supply_at(jh["mac"], jh["bau"][t], p), rel=REL_CONVEX)
            credited += q
        assert credited == pytest.approx(pr.loc[("CORSIA", t), "net_imports_mt"], rel=REL)


def test_eligible_share_is_calibrated_to_the_observed_price(solved):
    _, _, pr = solved
    e = corsia.eligible_share_for_price(fact("eligible_unit_price_2025"), period=2024)
    assert e == pytest.approx(corsia.ELIGIBLE_SHARE, abs=5e-5)
    assert pr.loc[("CORSIA", 2024), "price_usd_per_t"] == pytest.approx(20.0, rel=1e-3)


def test_baseline_rules_order_the_demand():
    years = range(2021, 2036)
    total = {rule: sum(max(bau_aviation(y) - corsia.baseline(y, rule), 0) for y in years)
             for rule in ("a39", "current", "2019")}
    assert total["a39"] > total["current"] > total["2019"] > 0
    assert corsia.baseline(2021, "a39") == pytest.approx(
        (fact("intl_aviation_co2_2019") + fact("intl_aviation_co2_2020")) / 2)


def test_story_price_rises_and_eligibility_sets_it(solved):
    sc, _, pr = solved
    prices = [pr.loc[("CORSIA", t), "price_usd_per_t"] for t in sc.periods[1:]]
    assert all(b > a for a, b in zip(prices, prices[1:], strict=False))
    doubled = model.solve(model.load_scenario(corsia.build_corsia(
        eligible_share=2 * corsia.ELIGIBLE_SHARE))).prices.set_index(["market", "period"])
    for t in sc.periods[1:]:
        ratio = pr.loc[("CORSIA", t), "price_usd_per_t"] / doubled.loc[("CORSIA", t), "price_usd_per_t"]
        assert 7.0 < ratio <= 8.0 + 1e-3     # cubic host curves: 2^3, less own abatement


def test_non_additional_credits_raise_emissions(solved):
    sc, res, _ = solved
    half = model.solve(model.load_scenario(corsia.build_corsia(additionality=0.5)))
    led, led_half = res.ledger.set_index("period"), half.ledger.set_index("period")
    for t in sc.periods[1:]:
        credits = led_half.loc[t, "credits_surrendered_mt"]
        assert led_half.loc[t, "non_additional_credits_mt"] == pytest.approx(0.5 * credits, rel=1e-6)
        assert led.loc[t, "non_additional_credits_mt"] == pytest.approx(0.0, abs=1e-6)
        assert led_half.loc[t, "global_emissions_mt"] > led.loc[t, "global_emissions_mt"]
        # the extra tonnes in the atmosphere are exactly the non-additional credits
        extra = led_half.loc[t, "global_emissions_mt"] - led.loc[t, "global_emissions_mt"]
        assert extra == pytest.approx(led_half.loc[t, "non_additional_credits_mt"], rel=1e-6)
        assert led_half.loc[t, "integrity_gap_mt"] == pytest.approx(extra, rel=1e-6)
        # with real credits the world abates exactly the credits plus the operators' own cut
        assert led.loc[t, "global_bau_mt"] - led.loc[t, "global_emissions_mt"] == pytest.approx(
            led.loc[t, "credits_surrendered_mt"] + res.prices.set_index(["market", "period"])
            .loc[("CORSIA", t), "abatement_mt"], rel=1e-6)
