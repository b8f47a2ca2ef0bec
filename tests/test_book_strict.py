"""Chapter "Strict jurisdictions discouraged": key results against independent calculations.

The WCI of 2018 sits at its joint floor p_f in every coalition. Each market then abates
a = E (p_f / kappa gamma)^(1/beta) (power MAC), whose cost is kappa gamma E/(beta+1) (a/E)^(beta+1);
alone it withholds its own surplus cap - (E - a); in a link the group's surplus is shared pro
rata to the caps, so market i's cost is its cost alone plus p_f (pooled_i - surplus_i). Leaving
pricing raises emissions by Ontario's abatement at the floor.
"""

import math

import pytest

import model
from model import coalitions as co
from model.chapters import ontario

REL = 1e-6


def closed_form(raw):
    out = {}
    for j, m in ontario.MARKETS.items():
        jur, mk = raw["jurisdictions"][j], raw["markets"][m]
        mac, e, pf = jur["mac"], jur["bau"], mk["price_floor"]
        kg = mac["kappa"] * mac["gamma"]
        a = e * (pf / kg) ** (1 / mac["beta"])
        cost = kg * e / (mac["beta"] + 1) * (a / e) ** (mac["beta"] + 1)
        out[m] = {"a": a, "cost": cost, "surplus": mk["cap"] - (e - a), "cap": mk["cap"], "pf": pf}
    return out


@pytest.fixture(scope="module")
def frame():
    return co.coalitions(model.load_scenario(ontario.wci_2018()), list(ontario.MARKETS.values()))


def test_sources_in_data():
    raw = ontario.wci_2018()
    assert raw["markets"]["ON_ETS"]["cap"] == pytest.approx(142.332 * (1 - 0.0417), abs=0.01)
    assert raw["markets"]["CA_ETS"]["cap"] == 358.3
    assert raw["markets"]["QC_ETS"]["cap"] == 58.96


def test_costs_alone_and_linked(frame):
    cf = closed_form(ontario.wci_2018())
    assert all(v["surplus"] > 0 for v in cf.values())    # the floor binds everywhere
    w = sum(v["surplus"] for v in cf.values())
    caps = sum(v["cap"] for v in cf.values())
    grand = frame[frame["coalition"] == "CA_ETS+QC_ETS+ON_ETS"].set_index("market")
    for m, v in cf.items():
        alone = frame[(frame["coalition"] == m) & frame["member"]]["cost_musd"].iloc[0]
        assert alone == pytest.approx(v["cost"], rel=REL)
        inside = v["cost"] + v["pf"] * (w * v["cap"] / caps - v["surplus"])
        assert grand.loc[m, "cost_musd"] == pytest.approx(inside, rel=REL)
        assert grand.loc[m, "price_usd_per_t"] == pytest.approx(v["pf"], rel=REL)
    # Ontario and Quebec lose by the link, California gains; the gains sum to zero
    assert grand.loc["ON_ETS", "gain_musd"] < 0 and grand.loc["QC_ETS", "gain_musd"] < 0
    assert grand["gain_musd"].sum() == pytest.approx(0.0, abs=1e-5)


def test_verdicts(frame):
    stable = frame.groupby("coalition", sort=False)["stable"].first()
    assert list(stable[stable].index) == ["CA_ETS"]
    assert frame["potentially_stable"].all()


def test_exit_from_pricing():
    cf = closed_form(ontario.wci_2018())
    ex = co.exit_pricing(model.load_scenario(ontario.wci_2018()), "ON_ETS")
    assert ex["emissions_leave"] - ex["emissions_stay"] == pytest.approx(cf["ON_ETS"]["a"], rel=REL)
    assert ex["leave"]["ON_ETS"] == 0.0


def test_no_floor_ontario_alone():
    """Without the floor Ontario alone is short by E - cap: p = kappa gamma ((E - cap)/E)^beta."""
    raw = ontario.wci_2018(floor=False, linked=())
    j, m = raw["jurisdictions"]["ON"], raw["markets"]["ON_ETS"]
    p = j["mac"]["kappa"] * j["mac"]["gamma"] * ((j["bau"] - m["cap"]) / j["bau"]) ** j["mac"]["beta"]
    assert model.solve(raw).price("ON_ETS") == pytest.approx(p, rel=REL)


# --- part b: steel and the EU's border adjustment (model/chapters/steel.py) ---

def test_steel_reference_point_and_border_charges():
    """At a zero carbon price the solution is the 2022 reference point; with the EU price the
    charge on Chinese steel is P x e_CN x (1 - f_t), and in 2034 (f = 0) it stops imports, so EU
    output is its autarky output q = (a_d - a_s - P e_EU) / (b_d + b_s) at price a_d - b_d q."""
    from model.chapters import steel
    from model.results import col, leakage

    ref = model.solve(steel.steel(carbon_price=0.0))
    g = ref.goods.set_index(["region", "period"])
    eu = steel.fact("EU", "production", 2022)
    assert float(g.loc[("EU", 2030), col("goods", "supply")]) == pytest.approx(eu, rel=1e-6)
    assert float(g.loc[("CN", 2030), col("goods", "price")]) == pytest.approx(steel.PRICE, rel=1e-6)
    p = steel.eu_carbon_price()
    cbam = model.solve(steel.steel())
    tr = cbam.goods_trade.set_index(["exporter", "importer", "period"])
    fa = steel.fact("EU", "free_allocation", 2030)
    assert float(tr.loc[("CN", "EU", 2030), col("goods_trade", "border_charge")]) == pytest.approx(
        p * steel.CN_INTENSITY * (1 - fa), rel=1e-9)
    v = cbam.scenario.goods["steel"].regions["EU"]
    q = (v.a_d - v.a_s - p * v.intensity) / (v.b_d + v.b_s)  # autarky: a_d - b_d q = a_s + P e + b_s q
    c = cbam.goods.set_index(["region", "period"])
    assert float(c.loc[("EU", 2034), col("goods", "imports")]) == pytest.approx(0.0, abs=1e-6)
    assert float(c.loc[("EU", 2034), col("goods", "supply")]) == pytest.approx(q, rel=1e-6)
    assert float(c.loc[("EU", 2034), col("goods", "price")]) == pytest.approx(v.a_d - v.b_d * q, rel=1e-6)
    # without the adjustment leakage exceeds 100%: imported steel is dirtier by these counts
    assert leakage(model.solve(steel.steel(border_adjustment=False)), ref, period=2034) > 1.0


# --- part b: cement and aluminium, two regions, against a closed-form spatial equilibrium ---

def two_region(good, carbon_price, f, bca):
    """The EU and the rest of the world (ROW exporting to the EU), calibrated here from data/goods.csv
    and the stylised parameters, independently of the reader: linear demand D = (a_d - p)/b_d and
    supply S = (p - a_s - k)/b_s with k the EU's net carbon cost (1 - f) e_EU P. Excess demand of the
    EU, A_E - B_E p_E, equals the excess supply of ROW, B_R p_R - A_R, at p_E = p_R + tau + c with
    the charge c = P e_ROW (1 - f) under the adjustment; if that gives negative trade, each region
    clears alone. Returns EU and ROW emissions, trade and revenue (MUSD)."""
    from model.chapters import steel

    c = steel.GOODS[good]
    yr, wyr = c["year"], c["world_year"]
    eu_s = steel.fact("EU", "production", yr, good)
    net = steel.fact("EU", "net_imports", yr, good)
    row_s = steel.fact("WORLD", "production", wyr, good) - eu_s
    e_eu = (steel.fact("EU", "ets_emissions", yr, good) / eu_s if good == "cement"
            else steel.fact("EU", "benchmark", 2021, good))
    e_eu = round(e_eu, 4)
    e_row = steel.fact("WORLD", "intensity", wyr, good)
    tau = c["transport"]
    ref = {"EU": (c["price"] + tau, eu_s + net, eu_s), "ROW": (c["price"], row_s - net, row_s)}
    coef = {}
    for r, (p0, d0, s0) in ref.items():
        eps, eta = c["elasticity"][r]
        b_d, b_s = -p0 / (eps * d0), p0 / (eta * s0)
        coef[r] = (p0 + b_d * d0, b_d, p0 - b_s * s0, b_s)
    k = (1 - f) * e_eu * carbon_price
    charge = carbon_price * e_row * (1 - f) if bca else 0.0
    (ad_e, bd_e, as_e, bs_e), (ad_r, bd_r, as_r, bs_r) = coef["EU"], coef["ROW"]
    A_E, B_E = ad_e / bd_e + (as_e + k) / bs_e, 1 / bd_e + 1 / bs_e
    A_R, B_R = ad_r / bd_r + as_r / bs_r, 1 / bd_r + 1 / bs_r
    p_r = (A_E + A_R - (tau + charge) * B_E) / (B_E + B_R)
    x = B_R * p_r - A_R
    if x < 0:  # autarky
        x, p_r = 0.0, A_R / B_R
        p_e = A_E / B_E
    else:
        p_e = p_r + tau + charge
    s_e = (p_e - as_e - k) / bs_e
    s_r = (p_r - as_r) / bs_r
    return {"E_EU": e_eu * s_e, "E_ROW": e_row * s_r, "trade": x, "revenue": charge * x, "p_EU": p_e}


@pytest.fixture(scope="module")
def goods_runs():
    from model.chapters import steel

    return {"ref": model.solve(steel.goods(carbon_price=0.0)),
            "no": model.solve(steel.goods(border_adjustment=False)),
            "cbam": model.solve(steel.goods())}


@pytest.mark.parametrize("good", ["cement", "aluminium"])
@pytest.mark.parametrize("period", [2028, 2030, 2034])
def test_two_region_goods_closed_form(goods_runs, good, period):
    from model.chapters import steel
    from model.results import col, leakage

    p = steel.eu_carbon_price()
    f = steel.fact("EU", "free_allocation", period)
    ref = two_region(good, 0.0, 1.0, False)

    def value(res, region, name):
        g = res.goods
        return float(g[(g["good"] == good) & (g["region"] == region) & (g["period"] == period)][col("goods", name)].iloc[0])

    for case, bca in (("no", False), ("cbam", True)):
        cf = two_region(good, p, f, bca)
        res = goods_runs[case]
        assert value(res, "EU", "emissions") == pytest.approx(cf["E_EU"], rel=REL)
        assert value(res, "ROW", "emissions") == pytest.approx(cf["E_ROW"], rel=REL)
        assert value(res, "EU", "price") == pytest.approx(cf["p_EU"], rel=REL)
        assert value(res, "EU", "border_revenue") == pytest.approx(cf["revenue"], rel=REL, abs=1e-6)
        fall = ref["E_EU"] - cf["E_EU"]
        lk = leakage(res, goods_runs["ref"], good=good, period=period)
        if fall > 1e-9:
            assert lk == pytest.approx((cf["E_ROW"] - ref["E_ROW"]) / fall, rel=REL)
        else:
            assert math.isnan(lk)


def test_goods_reference_is_the_data(goods_runs):
    """At a zero carbon price each good's EU output is the data's."""
    from model.chapters import steel
    from model.results import col

    g = goods_runs["ref"].goods.set_index(["good", "region", "period"])[col("goods", "supply")]
    assert g[("cement", "EU", 2030)] == pytest.approx(steel.fact("EU", "production", 2021, "cement"), rel=REL)
    assert g[("aluminium", "EU", 2030)] == pytest.approx(steel.fact("EU", "production", 2022, "aluminium"), rel=REL)
    assert g[("steel", "EU", 2030)] == pytest.approx(steel.fact("EU", "production", 2022), rel=REL)


def test_goods_claims_in_the_prose(goods_runs):
    """What the chapter says in words: CBAM stops steel and cement imports from 2030, so aluminium
    pays all the border revenue from then on, and without the adjustment steel leaks more than 100%,
    cement and aluminium less."""
    from model.results import col, leakage

    g = goods_runs["cbam"].goods.set_index(["good", "region", "period"])
    for good in ("steel", "cement"):
        for t in (2030, 2032, 2034):
            assert g.loc[(good, "EU", t), col("goods", "imports")] == pytest.approx(0.0, abs=1e-6)
    rev = g[col("goods", "border_revenue")]
    for t in (2030, 2032, 2034):
        assert rev[("aluminium", "EU", t)] > 0 and rev[("steel", "EU", t)] + rev[("cement", "EU", t)] == pytest.approx(0.0, abs=1e-6)
    lk = {n: leakage(goods_runs["no"], goods_runs["ref"], good=n, period=2034) for n in ("steel", "cement", "aluminium")}
    assert lk["steel"] > 1.0 and 0 < lk["cement"] < 1.0 and 0 < lk["aluminium"] < 1.0
