"""Chapter "Sub-national markets": key results against independent calculations.

The WCI link is checked against closed-form autarky prices and a bisection on the two cost
curves; RGGI's floor and cost containment reserve against the prices worked out by hand from
the rules; the scenario files against data/subnational.csv.
"""

import math

import pytest
import yaml
from conftest import ROOT, equilibrium_price, supply_at

import model
from model import data

REL_CONVEX = 1e-6   # power MACs (Newton steps): as tight as the exact relations
WCI = ROOT / "scenarios" / "wci.yaml"
RGGI = ROOT / "scenarios" / "rggi.yaml"
NS = ROOT / "scenarios" / "wci_nova_scotia.yaml"
YEARS = list(range(2021, 2026))


def raw(path):
    return yaml.safe_load(path.read_text())


def rule(ets_id, parameter, year):
    t = data.load_table("subnational")
    row = t[(t["ets_id"] == ets_id) & (t["parameter"] == parameter) & (t["year"] == year)]
    assert len(row) == 1, (ets_id, parameter, year)
    return float(row["value"].iloc[0])


def power_mac(mac, bau, q):
    return mac["kappa"] * mac["gamma"] * (max(q, 0.0) / bau) ** mac["beta"]


# --- the files hold the sourced numbers ---------------------------------------------------------


def test_wci_file_matches_the_data():
    r = raw(WCI)
    usa = data.bau("USA", 2030) / data.bau("USA", 2020)
    can = data.bau("CAN", 2030) / data.bau("CAN", 2020)
    assert r["markets"]["CA_ETS"]["cap"] == rule("US_CA", "cap", 2030)
    assert r["markets"]["QC_ETS"]["cap"] == rule("CA_QC", "cap", 2030)
    assert r["markets"]["WA_ETS"]["cap"] == pytest.approx(rule("US_WA", "cap", 2023) * 0.93 ** 7, abs=1e-3)
    ca = rule("US_CA", "covered_share", 2023) / 100 * rule("US_CA", "state_ghg", 2019) * usa
    assert r["jurisdictions"]["CA"]["bau"] == pytest.approx(ca, abs=1e-3)
    assert r["jurisdictions"]["QC"]["bau"] == pytest.approx(rule("CA_QC", "covered_emissions", 2019) * can, abs=1e-3)
    assert r["jurisdictions"]["CA"]["mac"] == data.power_mac("USA")
    assert r["jurisdictions"]["QC"]["mac"] == data.power_mac("CAN")
    assert r["links"] == [["CA_ETS", "QC_ETS"]]   # only California and Quebec are linked


def test_rggi_file_matches_the_rules():
    mk = raw(RGGI)["markets"]["RGGI"]
    st = rule("RGGI", "short_ton", 2021)
    first, adj = rule("RGGI", "cap", 2021), rule("RGGI", "bank_adjustment", 2021)
    last = rule("RGGI", "adjusted_cap", 2025) + adj
    for y in YEARS:
        unadjusted = first + (last - first) * (y - 2021) / 4
        assert mk["cap"][y] == pytest.approx((unadjusted - adj) * st, abs=1e-3)
        assert mk["cost_containment_reserve"]["volume"][y] == pytest.approx(0.1 * unadjusted * st, abs=1e-3)
        assert mk["cost_containment_reserve"]["trigger"][y] == pytest.approx(13.0 * 1.07 ** (y - 2021) / st, abs=1e-3)
        assert mk["price_floor"][y] == pytest.approx(2.38 * 1.025 ** (y - 2021) / st, abs=1e-3)
    # the 2025 adjusted cap in tonnes is ICAP's 78.07 Mt
    assert mk["cap"][2025] == pytest.approx(78.07, abs=0.01)


# --- California and Quebec ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def wci():
    sc = model.load_scenario(WCI)
    return sc, raw(WCI), model.solve(sc), model.solve(model.autarky(sc))


def test_wci_autarky_prices_closed_form(wci):
    _, r, _, alone = wci
    for j in ("CA", "QC", "WA"):
        jr = r["jurisdictions"][j]
        p = power_mac(jr["mac"], jr["bau"], jr["bau"] - r["markets"][f"{j}_ETS"]["cap"])
        assert alone.price(f"{j}_ETS") == pytest.approx(p, rel=REL_CONVEX)


def test_wci_linked_price_between_autarky_and_equal_to_bisection(wci):
    _, r, linked, alone = wci
    members = [(r["jurisdictions"][j]["mac"], r["jurisdictions"][j]["bau"]) for j in ("CA", "QC")]
    required = sum(r["jurisdictions"][j]["bau"] - r["markets"][f"{j}_ETS"]["cap"] for j in ("CA", "QC"))
    p = equilibrium_price(members, required, p_hi=1e4)
    assert linked.price("CA_ETS") == pytest.approx(p, rel=REL_CONVEX)
    assert linked.price("QC_ETS") == pytest.approx(p, rel=REL_CONVEX)
    p_ca, p_qc = alone.price("CA_ETS"), alone.price("QC_ETS")
    assert min(p_ca, p_qc) < linked.price("CA_ETS") < max(p_ca, p_qc)
    # the floors do not bind in 2030
    assert p > r["markets"]["CA_ETS"]["price_floor"]
    # each abates its inverse MAC at the common price; Quebec (the steeper curve) buys
    j = linked.jurisdictions.set_index("jurisdiction")
    for name in ("CA", "QC"):
        jr = r["jurisdictions"][name]
        assert j.loc[name, "abatement_mt"] == pytest.approx(supply_at(jr["mac"], jr["bau"], p), rel=REL_CONVEX)
    assert p_qc > p_ca
    assert j.loc["QC", "net_purchases_mt"] > 0 > j.loc["CA", "net_purchases_mt"]
    assert j.loc["QC", "net_purchases_mt"] == pytest.approx(-j.loc["CA", "net_purchases_mt"], rel=1e-6)


def test_wci_caps_equally_strict_quebec_dearer_by_its_curve(wci):
    """The chapter's reading: the two caps cut about the same share of BAU; Quebec's higher
    autarky price comes from Canada's larger kappa, so the price gap is a cost difference."""
    _, r, _, alone = wci
    cut = {j: 1 - r["markets"][f"{j}_ETS"]["cap"] / r["jurisdictions"][j]["bau"] for j in ("CA", "QC")}
    assert abs(cut["QC"] - cut["CA"]) < 0.01
    k = {j: r["jurisdictions"][j]["mac"]["kappa"] for j in ("CA", "QC")}
    assert k["QC"] > k["CA"]
    # with equal cuts the autarky prices would be in the ratio of the kappas; the small
    # difference in cuts moves them by the cube of the ratio of the cuts
    ratio = alone.price("QC_ETS") / alone.price("CA_ETS")
    assert ratio == pytest.approx(k["QC"] / k["CA"] * (cut["QC"] / cut["CA"]) ** 3, rel=REL_CONVEX)


def test_wci_washington_unlinked_and_dearest(wci):
    _, _, linked, alone = wci
    assert linked.price("WA_ETS") == pytest.approx(alone.price("WA_ETS"), rel=1e-9)
    assert linked.price("WA_ETS") > linked.price("CA_ETS")
    table = model.compare({"autarky": alone, "linked": linked}).droplevel("period")
    assert table.loc["CA", "gain_musd"] > 0 and table.loc["QC", "gain_musd"] > 0
    assert table.loc["WA", "gain_musd"] == pytest.approx(0.0, abs=1e-6)


def test_wci_adding_washington_raises_the_price_and_hurts_quebec(wci):
    sc, _, linked, _ = wci
    three = model.solve(sc.with_changes(links=[["CA_ETS", "QC_ETS", "WA_ETS"]]))
    assert linked.price("CA_ETS") < three.price("WA_ETS") < linked.price("WA_ETS")
    gains = model.compare({"two": linked, "three": three}).droplevel("period")["gain_musd"]
    assert gains["WA"] > 0 and gains["CA"] > 0 and gains["QC"] < 0


# --- Nova Scotia: the floor holds a slack cap ---------------------------------------------------


def test_nova_scotia_floor_binds():
    r = raw(NS)
    res = model.solve(model.load_scenario(NS))
    row = res.prices.set_index("market").loc["NS_ETS"]
    floor = r["markets"]["NS_ETS"]["price_floor"]
    assert row["price_usd_per_t"] == pytest.approx(floor, rel=1e-6)
    jr = r["jurisdictions"]["NS"]
    q = supply_at(jr["mac"], jr["bau"], floor)
    assert row["emissions_mt"] == pytest.approx(jr["bau"] - q, rel=REL_CONVEX)
    assert row["withheld_mt"] == pytest.approx(r["markets"]["NS_ETS"]["cap"] - (jr["bau"] - q), rel=1e-3)


# --- RGGI: floor and cost containment reserve, by hand ------------------------------------------


def rggi_by_hand(r, bau, y):
    """The price (USD/t), the CCR released (Mt) and the allowances withheld (Mt) in year y."""
    mk = r["markets"]["RGGI"]
    mac = r["jurisdictions"]["RGGI_power"]["mac"]
    cap, vol = mk["cap"][y], mk["cost_containment_reserve"]["volume"][y]
    trig, floor = mk["cost_containment_reserve"]["trigger"][y], mk["price_floor"][y]

    def inverse(p):
        return bau * (p / (mac["kappa"] * mac["gamma"])) ** (1 / mac["beta"])

    at_cap = power_mac(mac, bau, bau - cap)
    if at_cap <= floor:
        return floor, 0.0, cap - (bau - inverse(floor))
    if at_cap <= trig:
        return at_cap, 0.0, 0.0
    beyond = power_mac(mac, bau, bau - cap - vol)
    if beyond <= trig:
        return trig, (bau - inverse(trig)) - cap, 0.0
    return beyond, vol, 0.0


@pytest.fixture(scope="module")
def rggi():
    r = raw(RGGI)
    return r, model.solve(model.load_scenario(RGGI)).prices.set_index("period")


def test_rggi_prices_by_hand(rggi):
    r, pr = rggi
    bau = r["jurisdictions"]["RGGI_power"]["bau"]
    for y in YEARS:
        p, released, _ = rggi_by_hand(r, bau, y)
        assert pr.loc[y, "price_usd_per_t"] == pytest.approx(p, rel=REL_CONVEX)
        assert pr.loc[y, "extra_allowances_mt"] == pytest.approx(released, rel=1e-3, abs=1e-3)


def test_rggi_price_never_below_floor(rggi):
    r, pr = rggi
    mk = r["markets"]["RGGI"]
    for y in YEARS:
        assert pr.loc[y, "price_usd_per_t"] >= mk["price_floor"][y] - 1e-9
    # a slack cap (BAU below it): the price is the floor exactly and the surplus is withheld
    slack = model.load_scenario(RGGI).with_changes(
        jurisdictions={"RGGI_power": {**r["jurisdictions"]["RGGI_power"], "bau": 75.0}})
    ps = model.solve(slack).prices.set_index("period")
    for y in YEARS:
        p, _, withheld = rggi_by_hand(r, 75.0, y)
        assert p == mk["price_floor"][y]
        assert ps.loc[y, "price_usd_per_t"] == pytest.approx(p, rel=1e-6)
        assert ps.loc[y, "withheld_mt"] == pytest.approx(withheld, rel=1e-3)
        assert ps.loc[y, "price_usd_per_t"] >= mk["price_floor"][y] - 1e-9


def test_rggi_exhausted_ccr_price_exceeds_trigger(rggi):
    r, pr = rggi
    mk = r["markets"]["RGGI"]
    bau = r["jurisdictions"]["RGGI_power"]["bau"]
    mac = r["jurisdictions"]["RGGI_power"]["mac"]
    y = 2025
    vol, trig, cap = mk["cost_containment_reserve"]["volume"][y], mk["cost_containment_reserve"]["trigger"][y], mk["cap"][y]
    # hand-worked: the whole reserve is sold and the price is the MAC beyond cap + reserve
    p_hand = mac["kappa"] * mac["gamma"] * ((bau - cap - vol) / bau) ** mac["beta"]
    assert p_hand > trig
    assert pr.loc[y, "extra_allowances_mt"] == pytest.approx(vol, rel=1e-6)
    assert pr.loc[y, "price_usd_per_t"] == pytest.approx(p_hand, rel=REL_CONVEX)
    assert pr.loc[y, "price_usd_per_t"] > trig
    assert pr.loc[y, "emissions_mt"] == pytest.approx(cap + vol, rel=1e-6)
    # while the reserve is not exhausted the price stays at the trigger
    for y in (2022, 2023, 2024):
        t = mk["cost_containment_reserve"]["trigger"][y]
        assert pr.loc[y, "price_usd_per_t"] == pytest.approx(t, rel=1e-6)
        assert 0 < pr.loc[y, "extra_allowances_mt"] < mk["cost_containment_reserve"]["volume"][y]


def test_rggi_bau_is_the_least_squares_fit(rggi):
    r, _ = rggi
    observed = data.load_table("ets_prices")
    observed = observed[(observed["ets_id"] == "RGGI") & (observed["market"] == "primary")]
    observed = dict(zip(observed["year"].astype(int), observed["price_usd_per_t"], strict=True))

    def sse(b):
        return sum((math.log(rggi_by_hand(r, b, y)[0]) - math.log(observed[y])) ** 2 for y in YEARS)

    grid = [80 + 0.01 * k for k in range(6000)]
    best = min(grid, key=sse)
    assert r["jurisdictions"]["RGGI_power"]["bau"] == pytest.approx(best, abs=0.05)


def test_rggi_ecr_would_not_have_bound(rggi):
    """The ECR (a floor at its trigger on up to 10 % of the cap) changes nothing in 2021-2025."""
    r, pr = rggi
    st = rule("RGGI", "short_ton", 2021)
    ecr = {y: rule("RGGI", "ecr_trigger", 2021) * 1.07 ** (y - 2021) / st for y in YEARS}
    bau = r["jurisdictions"]["RGGI_power"]["bau"]
    for y in YEARS:
        assert rggi_by_hand(r, bau, y)[0] > ecr[y]  # the price by hand is above the ECR trigger
    mk = {**r["markets"]["RGGI"], "price_floor": ecr, "auction_share": 0.10}
    with_ecr = model.solve(model.load_scenario(RGGI).with_changes(markets={"RGGI": mk}))
    pe = with_ecr.prices.set_index("period")
    for y in YEARS:
        assert pe.loc[y, "price_usd_per_t"] == pytest.approx(pr.loc[y, "price_usd_per_t"], rel=REL_CONVEX)
        assert pe.loc[y, "withheld_mt"] == pytest.approx(0.0, abs=1e-6)
    obs = data.load_table("ets_prices")
    obs = obs[(obs["ets_id"] == "RGGI") & (obs["market"] == "primary")].set_index("year")["price_usd_per_t"]
    assert all(obs[y] > ecr[y] for y in YEARS)
