"""Part I of the book (chapters "The commons and the permit" and "Two markets, linked").

Each chapter's key results, checked against independent closed forms computed from the raw
YAML numbers (never from model.mac). The scenario files are the ones the chapters load.
"""

import pytest
import yaml
from conftest import ROOT

import model

REL = 1e-6  # linear MACs: the model is exact
REL_CONVEX = 1e-4  # polynomial and power MACs (outer approximation)

COMMONS = ROOT / "scenarios" / "commons.yaml"
TWO_LINEAR = ROOT / "scenarios" / "two_linear.yaml"
TWO_MARKETS = ROOT / "scenarios" / "two_markets.yaml"


def raw(path):
    return yaml.safe_load(path.read_text())


def by_name(res):
    return res.jurisdictions.set_index("jurisdiction")


# --- Chapter 1: the commons and the permit -------------------------------------------------


@pytest.fixture(scope="module")
def commons():
    data = raw(COMMONS)
    bau = {n: j["bau"] for n, j in data["jurisdictions"].items()}
    slope = {n: j["mac"]["slope"] for n, j in data["jurisdictions"].items()}
    cap = data["markets"]["ETS"]["cap"]
    required = sum(bau.values()) - cap
    price = required / sum(1 / s for s in slope.values())
    return {"bau": bau, "slope": slope, "cap": cap, "required": required, "price": price,
            "scenario": model.load_scenario(COMMONS)}


def test_commons_file_is_linear_and_binding(commons):
    assert set(commons["slope"]) == {"Power", "Steel", "Cement"}
    assert commons["required"] > 0
    assert len(set(commons["slope"].values())) == 3  # the sectors differ


def test_commons_price_is_mac_at_cap(commons):
    res = model.solve(commons["scenario"])
    p = commons["price"]
    assert res.price("ETS") == pytest.approx(p, rel=REL)
    j = by_name(res)
    for n, s in commons["slope"].items():
        assert j.loc[n, "abatement_mt"] == pytest.approx(p / s, rel=REL)
        assert j.loc[n, "marginal_cost_usd_per_t"] == pytest.approx(p, rel=REL)
    assert j["emissions_mt"].sum() == pytest.approx(commons["cap"], rel=REL)
    assert j["net_purchases_mt"].sum() == pytest.approx(0.0, abs=1e-6)
    # least cost of a linear cap: A^2 / (2 sum 1/s)
    cost = commons["required"] ** 2 / (2 * sum(1 / s for s in commons["slope"].values()))
    assert res.total_cost() == pytest.approx(cost, rel=REL)


def test_commons_tax_at_permit_price_gives_same_emissions_and_cost(commons):
    res = model.solve(commons["scenario"])
    tax = res.price("ETS")
    q = {n: tax / s for n, s in commons["slope"].items()}  # inverse of MAC = s q
    emissions = sum(commons["bau"][n] - q[n] for n in q)
    assert emissions == pytest.approx(commons["cap"], rel=REL)
    cost = sum(0.5 * commons["slope"][n] * q[n] ** 2 for n in q)
    assert cost == pytest.approx(res.total_cost(), rel=REL)
    # the model's inverse MAC, which the chapter uses, agrees
    for n, jur in commons["scenario"].jurisdictions.items():
        assert jur.mac.abatement_at(tax, jur.bau[0]) == pytest.approx(q[n], rel=REL)


def uniform_standard(scenario, share):
    """The chapter's construction: each emitter in its own market capped at (1 - share) BAU."""
    markets = {f"STD_{n}": {"members": [n], "cap": (1 - share) * j.bau[0]}
               for n, j in scenario.jurisdictions.items()}
    return scenario.with_changes(markets=markets)


def test_commons_uniform_standard_costs_more(commons):
    share = commons["required"] / sum(commons["bau"].values())
    res = model.solve(uniform_standard(commons["scenario"], share))
    closed = sum(0.5 * s * (share * commons["bau"][n]) ** 2 for n, s in commons["slope"].items())
    assert res.total_cost() == pytest.approx(closed, rel=REL)
    assert res.jurisdictions["emissions_mt"].sum() == pytest.approx(commons["cap"], rel=REL)
    j = by_name(res)
    for n, s in commons["slope"].items():
        assert j.loc[n, "marginal_cost_usd_per_t"] == pytest.approx(s * share * commons["bau"][n], rel=REL)
    cap_cost = model.solve(commons["scenario"]).total_cost()
    assert res.total_cost() > cap_cost * (1 + 1e-3)


@pytest.mark.parametrize(
    "bau, slope, equal",
    [
        ({"x": 100.0, "y": 100.0, "z": 100.0}, {"x": 1.0, "y": 1.0, "z": 1.0}, True),  # identical
        ({"x": 300.0, "y": 200.0, "z": 100.0}, {"x": 1 / 3, "y": 0.5, "z": 1.0}, True),  # s_i E_i equal
        ({"x": 300.0, "y": 200.0, "z": 100.0}, {"x": 1.0, "y": 1.0, "z": 1.0}, False),  # equal slopes only
    ],
)
def test_uniform_standard_matches_cap_only_when_marginal_costs_agree(bau, slope, equal):
    cap = 0.8 * sum(bau.values())
    sc = model.load_scenario({
        "jurisdictions": {n: {"bau": bau[n], "mac": {"type": "linear", "slope": slope[n]}} for n in bau},
        "markets": {"ETS": {"members": list(bau), "cap": cap}},
    })
    trading = model.solve(sc).total_cost()
    standard = model.solve(uniform_standard(sc, 0.2)).total_cost()
    if equal:
        assert standard == pytest.approx(trading, rel=REL)
    else:
        assert standard > trading * (1 + 1e-3)


def test_commons_shadow_price_by_relaxing_the_cap(commons):
    sc = commons["scenario"]

    def cost_at(cap):
        ets = {**sc.raw["markets"]["ETS"], "cap": cap}
        return model.solve(sc.with_changes(markets={"ETS": ets})).total_cost()

    c0, cap, p = cost_at(commons["cap"]), commons["cap"], commons["price"]
    half_curvature = 1 / (2 * sum(1 / s for s in commons["slope"].values()))
    saving = c0 - cost_at(cap + 1)
    extra = cost_at(cap - 1) - c0
    assert saving == pytest.approx(p - half_curvature, rel=REL)
    assert extra == pytest.approx(p + half_curvature, rel=REL)
    assert (saving + extra) / 2 == pytest.approx(p, rel=REL)


@pytest.mark.parametrize("excess", [0.0, 50.0])
def test_commons_no_scarcity_no_price(commons, excess):
    sc = commons["scenario"]
    ets = {**sc.raw["markets"]["ETS"], "cap": sum(commons["bau"].values()) + excess}
    res = model.solve(sc.with_changes(markets={"ETS": ets}))
    assert res.price("ETS") == pytest.approx(0.0, abs=1e-9)
    assert res.total_cost() == pytest.approx(0.0, abs=1e-9)


def test_commons_allocation_changes_payments_not_abatement(commons):
    sc = commons["scenario"]
    ets = {**sc.raw["markets"]["ETS"], "allocation": {"Power": 0, "Steel": 0, "Cement": commons["cap"]}}
    base, alt = model.solve(sc), model.solve(sc.with_changes(markets={"ETS": ets}))
    assert alt.price("ETS") == pytest.approx(base.price("ETS"), rel=REL)
    assert alt.total_cost() == pytest.approx(base.total_cost(), rel=REL)
    j = by_name(alt)
    p = commons["price"]
    assert j.loc["Cement", "net_purchases_mt"] == pytest.approx(-(commons["cap"] - j.loc["Cement", "emissions_mt"]), rel=REL)
    assert j.loc["Power", "permit_payments_musd"] == pytest.approx(p * j.loc["Power", "emissions_mt"], rel=REL)


def test_commons_cap_holds_quantity_tax_holds_price(commons):
    sc = commons["scenario"]
    high = {n: 1.1 * b for n, b in commons["bau"].items()}
    juris = {n: {**sc.raw["jurisdictions"][n], "bau": high[n]} for n in high}
    res = model.solve(sc.with_changes(jurisdictions=juris))
    inv = sum(1 / s for s in commons["slope"].values())
    assert res.jurisdictions["emissions_mt"].sum() == pytest.approx(commons["cap"], rel=REL)
    assert res.price("ETS") == pytest.approx((sum(high.values()) - commons["cap"]) / inv, rel=REL)
    tax_emissions = sum(high.values()) - commons["price"] * inv
    assert tax_emissions == pytest.approx(commons["cap"] + 0.1 * sum(commons["bau"].values()), rel=REL)


# --- Chapter 2: two markets, linked and unlinked -------------------------------------------


@pytest.fixture(scope="module")
def linear():
    data = raw(TWO_LINEAR)
    s = {m: data["jurisdictions"][m]["mac"]["slope"] for m in ("A", "B")}
    bau = {m: data["jurisdictions"][m]["bau"] for m in ("A", "B")}
    cap = {m: data["markets"][f"{m}_ETS"]["cap"] for m in ("A", "B")}
    A = {m: bau[m] - cap[m] for m in ("A", "B")}
    p_aut = {m: s[m] * A[m] for m in ("A", "B")}
    p_star = (A["A"] + A["B"]) / (1 / s["A"] + 1 / s["B"])
    sc = model.load_scenario(TWO_LINEAR)
    return {"s": s, "bau": bau, "cap": cap, "A": A, "p_aut": p_aut, "p_star": p_star, "scenario": sc,
            "linked": model.solve(sc), "autarky": model.solve(model.autarky(sc))}


def test_linear_autarky_prices(linear):
    for m in ("A", "B"):
        assert linear["autarky"].price(f"{m}_ETS") == pytest.approx(linear["p_aut"][m], rel=REL)
    assert linear["p_aut"]["A"] > linear["p_aut"]["B"]  # the file's premise: A is dearer


def test_linear_linked_price_closed_form_and_between(linear):
    p = linear["p_star"]
    for m in ("A_ETS", "B_ETS"):
        assert linear["linked"].price(m) == pytest.approx(p, rel=REL)
    assert linear["p_aut"]["B"] < p < linear["p_aut"]["A"]
    s = linear["s"]
    w = (1 / s["A"]) / (1 / s["A"] + 1 / s["B"])
    assert p == pytest.approx(w * linear["p_aut"]["A"] + (1 - w) * linear["p_aut"]["B"], rel=REL)
    j = by_name(linear["linked"])
    assert j.loc["A", "marginal_cost_usd_per_t"] == pytest.approx(j.loc["B", "marginal_cost_usd_per_t"], rel=REL)


def test_linear_trade_and_gains(linear):
    p, s, A, p_aut = linear["p_star"], linear["s"], linear["A"], linear["p_aut"]
    x = A["A"] - p / s["A"]
    j = by_name(linear["linked"])
    assert j.loc["A", "net_purchases_mt"] == pytest.approx(x, rel=REL)  # A buys
    assert j.loc["B", "net_purchases_mt"] == pytest.approx(-x, rel=REL)  # B sells
    assert j["net_purchases_mt"].sum() == pytest.approx(0.0, abs=1e-6)
    gains = model.compare({"autarky": linear["autarky"], "linked": linear["linked"]})["gain_musd"].droplevel("period")
    assert gains["A"] == pytest.approx(0.5 * (p_aut["A"] - p) * x, rel=REL)
    assert gains["B"] == pytest.approx(0.5 * (p - p_aut["B"]) * x, rel=REL)
    assert (gains > 0).all()
    total = 0.5 * (p_aut["A"] - p_aut["B"]) ** 2 / (s["A"] + s["B"])
    assert gains.sum() == pytest.approx(total, rel=REL)
    assert linear["autarky"].total_cost() - linear["linked"].total_cost() == pytest.approx(total, rel=REL)


def test_linear_link_leaves_total_emissions_unchanged(linear):
    caps = sum(linear["cap"].values())
    for res in (linear["autarky"], linear["linked"]):
        assert res.jurisdictions["emissions_mt"].sum() == pytest.approx(caps, rel=REL)


def with_caps(sc, cap_a, cap_b):
    return sc.with_changes(markets={"A_ETS": {"members": ["A"], "cap": cap_a},
                                    "B_ETS": {"members": ["B"], "cap": cap_b}})


def test_linear_equal_autarky_prices_no_trade(linear):
    s, bau, cap = linear["s"], linear["bau"], linear["cap"]
    cap_b = bau["B"] - linear["p_aut"]["A"] / s["B"]
    res = model.solve(with_caps(linear["scenario"], cap["A"], cap_b))
    assert res.price("A_ETS") == pytest.approx(linear["p_aut"]["A"], rel=REL)
    assert by_name(res).loc["A", "net_purchases_mt"] == pytest.approx(0.0, abs=1e-6)


def test_linear_slack_cap_raises_emissions(linear):
    s, bau, cap = linear["s"], linear["bau"], linear["cap"]
    loose_cap = bau["B"] + 100.0
    sc = with_caps(linear["scenario"], cap["A"], loose_cap)
    aut, link = model.solve(model.autarky(sc)), model.solve(sc)
    assert aut.price("B_ETS") == pytest.approx(0.0, abs=1e-9)
    assert aut.jurisdictions["emissions_mt"].sum() == pytest.approx(cap["A"] + bau["B"], rel=REL)
    assert link.jurisdictions["emissions_mt"].sum() == pytest.approx(cap["A"] + loose_cap, rel=REL)
    required = bau["A"] + bau["B"] - cap["A"] - loose_cap
    assert link.price("A_ETS") == pytest.approx(required / (1 / s["A"] + 1 / s["B"]), rel=REL)


def test_linear_member_inside_a_market_can_lose(linear):
    s, bau, cap = linear["s"], linear["bau"], linear["cap"]
    half = bau["B"] / 2
    mac = {"type": "linear", "slope": 2 * s["B"]}
    sc = model.load_scenario({
        "jurisdictions": {"A": {"bau": bau["A"], "mac": {"type": "linear", "slope": s["A"]}},
                          "B1": {"bau": half, "mac": mac}, "B2": {"bau": half, "mac": mac}},
        "markets": {"A_ETS": {"members": ["A"], "cap": cap["A"]},
                    "B_ETS": {"members": ["B1", "B2"], "cap": cap["B"],
                              "allocation": {"B1": half, "B2": cap["B"] - half}}},
        "links": [["A_ETS", "B_ETS"]],
    })
    gains = model.compare({"autarky": model.solve(model.autarky(sc)), "linked": model.solve(sc)})
    gains = gains["gain_musd"].droplevel("period")

    def b2_cost(p):  # B2 abates p / (2 s_B), buys (half - q) - (cap_B - half)
        q = p / (2 * s["B"])
        return 0.5 * 2 * s["B"] * q**2 + p * (half - q - (cap["B"] - half))

    assert gains["B2"] == pytest.approx(b2_cost(linear["p_aut"]["B"]) - b2_cost(linear["p_star"]), rel=REL)
    assert gains["B2"] < 0 < gains["B1"]
    assert gains["B1"] + gains["B2"] == pytest.approx(0.5 * (linear["p_star"] - linear["p_aut"]["B"])
                                                      * (linear["A"]["A"] - linear["p_star"] / s["A"]), rel=REL)


def test_two_markets_example_link():
    sc = model.load_scenario(TWO_MARKETS)
    link, aut = model.solve(sc), model.solve(model.autarky(sc))
    data = raw(TWO_MARKETS)
    eu_slope = data["jurisdictions"]["EU"]["mac"]["slope"]
    c1, c2 = data["jurisdictions"]["CN"]["mac"]["coefficients"]
    q_eu = data["jurisdictions"]["EU"]["bau"] - data["markets"]["EU_ETS"]["cap"]
    q_cn = data["jurisdictions"]["CN"]["bau"] - data["markets"]["CN_ETS"]["cap"]
    p_eu, p_cn = eu_slope * q_eu, c1 * q_cn + c2 * q_cn**2
    assert aut.price("EU_ETS") == pytest.approx(p_eu, rel=REL)
    assert aut.price("CN_ETS") == pytest.approx(p_cn, rel=REL_CONVEX)
    p = link.price("EU_ETS")
    assert link.price("CN_ETS") == pytest.approx(p, rel=REL)
    assert min(p_eu, p_cn) < p < max(p_eu, p_cn)
    j = by_name(link)
    assert j.loc["EU", "marginal_cost_usd_per_t"] == pytest.approx(p, rel=REL_CONVEX)
    assert j.loc["CN", "marginal_cost_usd_per_t"] == pytest.approx(p, rel=REL_CONVEX)
    assert j.loc["EU", "net_purchases_mt"] + j.loc["CN", "net_purchases_mt"] == pytest.approx(0.0, abs=1e-6)
    assert j.loc["EU", "net_purchases_mt"] > 0  # the dearer market buys
    gains = model.compare({"autarky": aut, "linked": link})["gain_musd"].droplevel("period")
    assert gains["EU"] > 0 and gains["CN"] > 0
    # the market outside the link is untouched
    assert link.price("AP_ETS") == pytest.approx(aut.price("AP_ETS"), rel=REL)
    assert abs(gains["KR"]) < 1e-6 and abs(gains["JP"]) < 1e-6


def _emitters_cost(p, s, bau):
    """Total cost of a fully auctioned market's emitters at price p: they abate p/s at cost
    p^2/(2s) and buy every tonne they still emit, bau - p/s, at p."""
    return p * bau - p**2 / (2 * s)


def test_linear_party_gains_closed_form(linear):
    """The chapter's "Who pays whom": each party's gain from model.gains, against closed forms
    (emitters buy every tonne they emit, governments auction the whole cap)."""
    s, bau, cap, p_aut, p = linear["s"], linear["bau"], linear["cap"], linear["p_aut"], linear["p_star"]
    g = model.gains(linear["scenario"]).set_index("party")["gain_musd"]
    for m in ("A", "B"):
        assert g[m] == pytest.approx(_emitters_cost(p_aut[m], s[m], bau[m]) - _emitters_cost(p, s[m], bau[m]),
                                     rel=REL)
        assert g[f"{m} government"] == pytest.approx((p - p_aut[m]) * cap[m], rel=REL)
    assert g["A"] > 0 > g["A government"] and g["B"] < 0 < g["B government"]
    total = 0.5 * (p_aut["A"] - p_aut["B"]) ** 2 / (s["A"] + s["B"])
    assert g.sum() == pytest.approx(total, rel=REL)
    for m in ("A", "B"):  # each jurisdiction's two parties add up to its gain triangle
        x = linear["A"]["A"] - p / s["A"]
        assert g[m] + g[f"{m} government"] == pytest.approx(0.5 * abs(p_aut[m] - p) * x, rel=REL)


@pytest.mark.parametrize("holder", ["importer_government", "exporter_government"])
def test_linear_import_limit_quota_rent(linear, holder):
    """The chapter's exercise: a 50 Mt import limit on the link; the quota rent goes to the
    government named by ``quota_rent`` and the world's saving does not depend on it."""
    s, bau, cap, A, p_aut = linear["s"], linear["bau"], linear["cap"], linear["A"], linear["p_aut"]
    limit = 50.0
    assert limit < A["A"] - linear["p_star"] / s["A"]  # binding
    sc = linear["scenario"].with_changes(links=[{"markets": ["A_ETS", "B_ETS"], "import_limit_mt": limit,
                                                 "quota_rent": holder}])
    res = model.solve(sc)
    p_a, p_b = s["A"] * (A["A"] - limit), s["B"] * (A["B"] + limit)
    assert res.price("A_ETS") == pytest.approx(p_a, rel=REL)
    assert res.price("B_ETS") == pytest.approx(p_b, rel=REL)
    rent = (p_a - p_b) * limit
    g = model.gains(sc).set_index("party")["gain_musd"]
    gets = "A" if holder == "importer_government" else "B"
    for m, price in (("A", p_a), ("B", p_b)):
        assert g[m] == pytest.approx(_emitters_cost(p_aut[m], s[m], bau[m]) - _emitters_cost(price, s[m], bau[m]),
                                     rel=REL)
        expected = (price - p_aut[m]) * cap[m] + (rent if m == gets else 0.0)
        assert g[f"{m} government"] == pytest.approx(expected, rel=REL)
    world = (p_aut["A"] - p_aut["B"]) * limit - 0.5 * (s["A"] + s["B"]) * limit**2
    assert g.sum() == pytest.approx(world, rel=REL)
