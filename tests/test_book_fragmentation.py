"""Part IV, chapters 10 and 11 (book/chapters/supply_demand.md, price_distortion.md): the key
results against independent calculations (bisection on the inverse MACs of tests/conftest.py,
closed-form costs of the power curve)."""

from __future__ import annotations

import csv

import pytest
import yaml
from conftest import ROOT, equilibrium_price, supply_at

import model
from model import eu_ets, files, national
from model.chapters import fragmentation as fr


def _members(sc, parties):
    """(mac, covered BAU, required) per NDC party of a world scenario."""
    out = []
    for p in parties:
        covered, cap, _ = fr._covered(sc, p)
        out.append((sc["jurisdictions"][p]["mac"], covered, covered - cap))
    return out


def _price(sc, exclude=()):
    prices = model.solve(sc).prices.set_index("market")["price_usd_per_t"]
    return float(prices["CHN_NDC" if "CHN" not in exclude else "USA_NDC"])


@pytest.fixture(scope="module")
def world():
    return fr.itmo_world()


def _linked_price(sc, parties):
    m = _members(sc, parties)
    return equilibrium_price([(mac, e) for mac, e, _ in m], sum(r for *_, r in m), p_hi=1e4)


def test_world_price_is_where_itmo_demand_meets_supply(world):
    parties = fr.party_markets(world)
    assert _price(world) == pytest.approx(_linked_price(world, parties), rel=1e-6)


@pytest.mark.parametrize("party,factor", [("CHN", 0.9), ("USA", 1.1)])
def test_cap_change_moves_price_as_bisection_says(world, party, factor):
    sc = fr.with_cap_factor(world, party, factor)
    assert _price(sc) == pytest.approx(_linked_price(sc, fr.party_markets(sc)), rel=1e-6)


@pytest.mark.parametrize("party", ["USA", "EU27"])
def test_refusing_buyer_meets_own_cap_and_others_clear_without_it(world, party):
    sc = fr.with_import_limit(world, party, 0.0)
    others = [p for p in fr.party_markets(world) if p != party]
    expected = _linked_price(world, others)
    assert _price(sc, exclude=[party]) == pytest.approx(expected, rel=1e-6)
    mac, covered, required = _members(world, [party])[0]
    own = model.solve(sc).prices.set_index("market").loc[f"{party}_NDC", "price_usd_per_t"]
    assert own == pytest.approx(equilibrium_price([(mac, covered)], required, p_hi=1e4), rel=1e-6)
    assert expected < _price(world)


def _cost(mac, covered, q):
    """Cost of abating q on kappa gamma (x / E)^3: kappa gamma E / 4 (q / E)^4."""
    return mac["kappa"] * mac.get("gamma", 2887.0) * covered / 4 * (max(q, 0.0) / covered) ** 4


def test_gains_from_article_6_equal_closed_form_cost_saving(world):
    m = _members(world, fr.party_markets(world))
    p = equilibrium_price([(mac, e) for mac, e, _ in m], sum(r for *_, r in m), p_hi=1e4)
    autarky = sum(_cost(mac, e, r) for mac, e, r in m)
    linked = sum(_cost(mac, e, supply_at(mac, e, p)) for mac, e, _ in m)
    gain = model.gains(world)["gain_musd"].sum()
    assert gain == pytest.approx(autarky - linked, rel=1e-6)
    assert 200e3 < gain < 400e3  # the size of IETA's 250 and Edmonds et al.'s 300 bn USD


@pytest.fixture(scope="module")
def part3():
    wci = yaml.safe_load(files.scenario_path("wci").read_text())
    parts = (national.build_2030(links=False), wci, eu_ets.build(start=2027, end=2030, msr=False))
    return fr.part3_2030(*parts, linked=False), fr.part3_2030(*parts, linked=True)


def test_part3_prices_alone_and_linked_against_bisection(part3):
    alone, linked = part3
    cuts = fr.required_cuts(alone)

    def mac(m):
        return alone["jurisdictions"][alone["markets"][m]["members"][0]]["mac"]

    pa = model.solve(alone).prices.set_index("market")["price_usd_per_t"]
    for m, row in cuts.iterrows():
        req = row["covered_bau_mt"] - row["cap_mt"]
        assert pa[m] == pytest.approx(equilibrium_price([(mac(m), row["covered_bau_mt"])], req, p_hi=1e4),
                                      rel=1e-6, abs=1e-6)
    members = [(mac(m), row["covered_bau_mt"]) for m, row in cuts.iterrows()]
    p_star = equilibrium_price(members, float((cuts["covered_bau_mt"] - cuts["cap_mt"]).sum()), p_hi=1e4)
    pl = model.solve(linked).prices["price_usd_per_t"]
    assert pl.max() == pytest.approx(p_star, rel=1e-6) and pl.min() == pytest.approx(p_star, rel=1e-6)
    # efficiency loss: autarky cost less linked cost, closed form
    loss = sum(_cost(mac(m), r["covered_bau_mt"], r["covered_bau_mt"] - r["cap_mt"]) -
               _cost(mac(m), r["covered_bau_mt"], supply_at(mac(m), r["covered_bau_mt"], p_star))
               for m, r in cuts.iterrows())
    assert model.gains(linked)["gain_musd"].sum() == pytest.approx(loss, rel=1e-6)
    # the decomposition's linked price is the bisection's
    assert fr.decompose(cuts)["linked_price"].iloc[0] == pytest.approx(p_star, rel=1e-6)


def test_decomposition_adds_up_in_every_order(part3):
    dec = fr.decompose(fr.required_cuts(part3[0]))
    for a, b in (("cost_first_cost", "cost_first_strictness"), ("strict_first_cost", "strict_first_strictness"),
                 ("shapley_cost", "shapley_strictness")):
        assert (dec[a] + dec[b] - dec["gap"]).abs().max() < 1e-9
    # ETS I and II share one cost curve: at the common cut they price alike (cost first, their
    # cost parts are equal), so their gap to each other comes from strictness
    assert dec.loc["EU_ETS", "cost_first_cost"] == pytest.approx(dec.loc["EU_ETS2", "cost_first_cost"], rel=1e-12)


def test_observed_spread_from_the_csv():
    rows = list(csv.DictReader(open(ROOT / "data" / "ets_prices.csv")))
    pick = {}
    for r in rows:
        if r["year"] == "2023" and r["part_year"] == "False":
            if r["ets_id"] not in pick or r["market"] == "secondary":
                pick[r["ets_id"]] = float(r["price_usd_per_t"])
    cpi_ratio = model.deflator.to_usd2010(1.0, 2023)
    obs = model.data.observed_prices()
    obs = obs[obs["year"] == 2023]
    assert set(obs["ets_id"]) == set(pick)
    deflated = obs.sort_values("market", ascending=False).drop_duplicates("ets_id")
    assert max(model.deflator.to_usd2010(v, 2023) for v in deflated["price_usd_per_t"]) == \
        pytest.approx(max(pick.values()) * cpi_ratio, rel=1e-12)
    assert max(pick, key=pick.get) == "EU_ETS" and min(pick, key=pick.get) == "KR_ETS"
