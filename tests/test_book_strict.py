"""Chapter "Strict jurisdictions discouraged": key results against independent calculations.

The WCI of 2018 sits at its joint floor p_f in every coalition. Each market then abates
a = E (p_f / kappa gamma)^(1/beta) (power MAC), whose cost is kappa gamma E/(beta+1) (a/E)^(beta+1);
alone it withholds its own surplus cap - (E - a); in a link the group's surplus is shared pro
rata to the caps, so market i's cost is its cost alone plus p_f (pooled_i - surplus_i). Leaving
pricing raises emissions by Ontario's abatement at the floor.
"""

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
