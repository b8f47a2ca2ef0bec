"""Chapter "National markets": Korea, the UK, New Zealand and China, alone and linked.

The scenario files are the ones the chapter loads. Expected prices are computed here from the
raw YAML numbers: the covered segment's MIMOSA curve kappa*gamma*(q / (c*BAU))**beta is written
out again (tests/conftest.py, not model.mac) and the prices are found by bisection on the
abatement supplied at a price. Caps are recomputed from their definitions (relative to covered
BAU, absolute, rate x output). Facts are checked against data/ where the builder derives them.
"""

import math

import pytest
import yaml
from conftest import ROOT, equilibrium_price, supply_at

import model
from model import data, national
from model.chapters import paris

REL = 1e-6
FILE_2021 = ROOT / "scenarios" / "national_2021.yaml"
FILE_2030 = ROOT / "scenarios" / "national_2030.yaml"
ORDER = ["KR_ETS", "UK_ETS", "NZ_ETS", "CN_ETS"]


def raw(path):
    return yaml.safe_load(path.read_text())


def covered(sc, market):
    m = sc["markets"][market]
    return m["coverage"] * sc["jurisdictions"][m["members"][0]]["bau"]


def cap_of(sc, market):
    """The cap in Mt from its definition in the file."""
    cap = sc["markets"][market]["cap"]
    if isinstance(cap, (int, float)):
        return float(cap)
    if cap["type"] == "relative":
        assert cap["to"] == "bau"
        return (1 + cap["change"]) * covered(sc, market)
    assert cap["type"] == "intensity"
    return cap["rate"] * cap["output"]


def member(sc, market):
    """(mac mapping, covered BAU) of the market's single member: the coverage-scaled curve."""
    m = sc["markets"][market]
    return sc["jurisdictions"][m["members"][0]]["mac"], covered(sc, market)


def alone_price(sc, market):
    return equilibrium_price([member(sc, market)], covered(sc, market) - cap_of(sc, market))


def linked_price(sc, markets):
    required = sum(covered(sc, m) - cap_of(sc, m) for m in markets)
    return equilibrium_price([member(sc, m) for m in markets], required)


def row(res, market):
    return res.prices.set_index("market").loc[market]


@pytest.fixture(scope="module")
def y2021():
    sc = raw(FILE_2021)
    return {"raw": sc, "scenario": model.load_scenario(FILE_2021),
            "caps": model.solve(national.without_controls(sc)), "controls": model.solve(FILE_2021)}


@pytest.fixture(scope="module")
def y2030():
    sc = raw(FILE_2030)
    scenario = model.load_scenario(FILE_2030)
    three = ["KR_ETS", "UK_ETS", "NZ_ETS"]
    return {"raw": sc, "scenario": scenario, "three": three,
            "alone": model.solve(model.autarky(scenario)),
            "linked3": model.solve(scenario.with_changes(links=[three])),
            "linked": model.solve(scenario)}


# --- the files are what the builders derive from data/ ---------------------------------------


@pytest.mark.parametrize("path, build", [(FILE_2021, national.build_2021), (FILE_2030, national.build_2030)])
def test_files_match_builders(path, build):
    sc, built = raw(path), build()
    assert sc["periods"] == built["periods"]
    assert sc["links"] == built["links"]
    for j, entry in built["jurisdictions"].items():
        assert sc["jurisdictions"][j]["bau"] == entry["bau"]
        assert sc["jurisdictions"][j]["mac"] == entry["mac"]
    assert list(sc["markets"]) == list(built["markets"])
    for name, m in built["markets"].items():
        assert sc["markets"][name] == m, name


def test_inputs_come_from_the_data():
    sc = raw(FILE_2021)
    ets = data.load_table("ets").set_index("ets_id")
    for market in ("KR_ETS", "NZ_ETS", "CN_ETS"):
        assert sc["markets"][market]["coverage"] == pytest.approx(ets.loc[market, "coverage_share_pct"] / 100)
    mac = data.load_table("mac").set_index("iso3")
    for iso3, entry in sc["jurisdictions"].items():
        assert entry["mac"]["kappa"] == pytest.approx(float(mac.loc[iso3, "kappa"]))
    base = data.load_table("baselines")
    for iso3, var in (("KOR", "ghg_bau_mt"), ("GBR", "ghg_bau_mt"), ("NZL", "ghg_bau_mt"), ("CHN", "co2_bau_mt")):
        rows = base[base["iso3"] == iso3].set_index("year")[var].astype(float)
        by_hand = rows[2020] + 0.1 * (rows[2030] - rows[2020])  # linear interpolation to 2021
        assert sc["jurisdictions"][iso3]["bau"] == pytest.approx(by_hand, abs=1e-3)
    # UK: covered BAU is the UK ETS's 107.8 Mt of verified 2021 emissions; the cap is ets.csv's
    assert covered(sc, "UK_ETS") == pytest.approx(107.8, abs=1e-3)
    assert sc["markets"]["UK_ETS"]["cap"] == pytest.approx(float(ets.loc["UK_ETS", "cap_mt"]))
    # floors converted at ICAP's own 2021 exchange rates: USD price / local price
    prices = data.load_table("ets_prices").set_index(["ets_id", "market", "year"])
    gbp = prices.loc[("UK_ETS", "secondary", 2021)]
    assert sc["markets"]["UK_ETS"]["price_floor"] == pytest.approx(
        22 * gbp["price_usd_per_t"] / gbp["price_local_per_t"], abs=1e-3)
    nzd = prices.loc[("NZ_ETS", "secondary", 2021)]
    assert sc["markets"]["NZ_ETS"]["price_floor"] == pytest.approx(
        20 * nzd["price_usd_per_t"] / nzd["price_local_per_t"], abs=1e-3)


# --- China's intensity cap ---------------------------------------------------------------------


@pytest.mark.parametrize("path", [FILE_2021, FILE_2030])
def test_intensity_cap_is_rate_times_output(path):
    sc = raw(path)
    cap = sc["markets"]["CN_ETS"]["cap"]
    assert cap["type"] == "intensity"
    res = model.solve(model.autarky(model.load_scenario(path)))
    assert row(res, "CN_ETS")["cap_mt"] == pytest.approx(cap["rate"] * cap["output"], rel=REL)
    # rate = 0.877 lowered 6.5%; output = covered BAU / 0.877: the cut is 6.5% whatever the output
    assert cap["rate"] == pytest.approx(0.877 * (1 - 0.065), rel=1e-6)
    assert cap["output"] == pytest.approx(covered(sc, "CN_ETS") / 0.877, abs=1e-3)
    assert 1 - cap["rate"] * cap["output"] / covered(sc, "CN_ETS") == pytest.approx(0.065, rel=1e-5)


def test_intensity_cap_grows_with_output(y2030):
    sc = y2030["raw"]
    cn = sc["markets"]["CN_ETS"]
    more = {**cn, "cap": {**cn["cap"], "output": 1.1 * cn["cap"]["output"]}}
    res = model.solve(y2030["scenario"].with_changes(markets={**sc["markets"], "CN_ETS": more}))
    assert row(res, "CN_ETS")["cap_mt"] == pytest.approx(1.1 * cap_of(sc, "CN_ETS"), rel=REL)
    base = y2030["linked"].prices["emissions_mt"].sum()
    assert res.prices["emissions_mt"].sum() == pytest.approx(base + 0.1 * cap_of(sc, "CN_ETS"), rel=REL)


# --- 2021: each market alone -------------------------------------------------------------------


@pytest.mark.parametrize("market", ORDER)
def test_2021_price_is_bisection_on_covered_mac(y2021, market):
    sc = y2021["raw"]
    p = alone_price(sc, market)
    assert y2021["caps"].price(market) == pytest.approx(p, rel=REL, abs=1e-9)
    mac, base = member(sc, market)
    required = covered(sc, market) - cap_of(sc, market)
    if required > 0:  # closed form of the power curve too
        assert p == pytest.approx(mac["kappa"] * mac["gamma"] * (required / base) ** mac["beta"], rel=1e-9)


def test_2021_required_cuts(y2021):
    sc = y2021["raw"]
    cut = {m: 1 - cap_of(sc, m) / covered(sc, m) for m in ORDER}
    assert cut["KR_ETS"] == pytest.approx(0.047, rel=1e-9)
    assert cut["CN_ETS"] == pytest.approx(0.065, rel=1e-5)
    assert cut["UK_ETS"] < -0.4  # the UK cap is well above covered emissions: slack
    assert cut["NZ_ETS"] == 0.0  # assumption: NZ cap at covered BAU
    for m in ("UK_ETS", "NZ_ETS"):
        assert y2021["caps"].price(m) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("market", ["UK_ETS", "NZ_ETS"])
def test_2021_floors_set_the_price_of_slack_caps(y2021, market):
    sc = y2021["raw"]
    floor = sc["markets"][market]["price_floor"]
    res = y2021["controls"]
    assert res.price(market) == pytest.approx(floor, rel=REL)
    mac, base = member(sc, market)
    emissions = covered(sc, market) - supply_at(mac, base, floor)
    r = row(res, market)
    assert r["emissions_mt"] == pytest.approx(emissions, rel=REL)
    assert r["withheld_mt"] == pytest.approx(cap_of(sc, market) - emissions, rel=REL)
    assert r["extra_allowances_mt"] == pytest.approx(0.0, abs=1e-9)  # NZ: below the reserve trigger
    # the capped-only markets are untouched by the other markets' controls
    for m in ("KR_ETS", "CN_ETS"):
        assert res.price(m) == pytest.approx(y2021["caps"].price(m), rel=REL)


def test_2021_model_prices_below_observed(y2021):
    """The chapter's finding: set from the data, every model price is below the observed one."""
    # the chapter's one use of part-year means (UK, China 2021: their markets opened in the year)
    obs = national.observed_prices(full_years_only=False).loc[2021]
    for m in ORDER:
        assert y2021["controls"].price(m) < 0.5 * obs[m]


def test_2021_nz_with_the_later_limit_prices_between_floor_and_trigger(y2021):
    """Exercise 1: New Zealand's later overall limit (data/ets.csv), read as a 2021 cap, cuts
    just past the floor's edge: the price is the closed-form MAC, above the floor and below the
    reserve trigger, and nothing is withheld or released."""
    sc = y2021["raw"]
    limit = float(data.load_table("ets").set_index("ets_id").loc["NZ_ETS", "cap_mt"])
    nz = {**sc["markets"]["NZ_ETS"], "cap": limit}
    res = model.solve(y2021["scenario"].with_changes(markets={**sc["markets"], "NZ_ETS": nz}))
    mac, base = member(sc, "NZ_ETS")
    expected = mac["kappa"] * mac["gamma"] * ((base - limit) / base) ** mac["beta"]
    assert res.price("NZ_ETS") == pytest.approx(expected, rel=REL)
    assert nz["price_floor"] < expected < nz["cost_containment_reserve"]["trigger"]
    r = row(res, "NZ_ETS")
    assert r["withheld_mt"] == pytest.approx(0.0, abs=1e-6)
    assert r["extra_allowances_mt"] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("iso3", ["KOR", "GBR", "NZL", "CHN"])
def test_implied_cut_inverts_the_curve(iso3):
    mac = data.power_mac(iso3)
    for price in (0.5, 7.25, 75.0, 300.0):
        a = national.implied_cut(iso3, price)
        assert mac["kappa"] * mac["gamma"] * a ** mac["beta"] == pytest.approx(price, rel=1e-12)
        # by bisection on a curve over an arbitrary covered BAU of 100 Mt
        assert supply_at(mac, 100.0, price) / 100.0 == pytest.approx(a, rel=1e-9)


def test_observed_prices_in_usd(y2021):
    obs = national.observed_prices()
    p = data.load_table("ets_prices")
    hit = p[(p["ets_id"] == "NZ_ETS") & (p["market"] == "secondary") & (p["year"] == 2013)]
    assert obs.loc[2013, "NZ_ETS"] == pytest.approx(float(hit["price_usd_per_t"].iloc[0]))
    assert list(obs.columns) == ORDER


# --- 2030: alone and linked --------------------------------------------------------------------


def test_2030_caps_pro_rata_to_the_ndcs(y2030):
    sc = y2030["raw"]
    for market, iso3 in (("KR_ETS", "KOR"), ("UK_ETS", "GBR"), ("NZ_ETS", "NZL")):
        ndc, _ = paris.ndc_cap(iso3, 2030)
        share = cap_of(sc, market) / covered(sc, market)
        assert share == pytest.approx(ndc / sc["jurisdictions"][iso3]["bau"], abs=1e-5)
    # Korea's own 2018 figure: 40% below 727.6 Mt
    assert paris.ndc_cap("KOR", 2030)[0] == pytest.approx(0.6 * 727.6, rel=1e-9)


@pytest.mark.parametrize("market", ORDER)
def test_2030_alone_price_is_bisection(y2030, market):
    p = alone_price(y2030["raw"], market)
    assert p > 0
    assert y2030["alone"].price(market) == pytest.approx(p, rel=REL)


@pytest.mark.parametrize("case", ["linked3", "linked"])
def test_2030_linked_price_is_bisection_and_between(y2030, case):
    sc, res = y2030["raw"], y2030[case]
    markets = y2030["three"] if case == "linked3" else ORDER
    p = linked_price(sc, markets)
    alone = [alone_price(sc, m) for m in markets]
    for m in markets:
        assert res.price(m) == pytest.approx(p, rel=REL)
    assert min(alone) < p < max(alone)
    # each member abates what its covered curve supplies at the common price; trade nets out
    for m in markets:
        mac, base = member(sc, m)
        r = row(res, m)
        assert r["abatement_mt"] == pytest.approx(supply_at(mac, base, p), rel=1e-5)
        emissions = covered(sc, m) - supply_at(mac, base, p)
        assert r["net_imports_mt"] == pytest.approx(emissions - cap_of(sc, m), rel=1e-5, abs=1e-6)
    assert sum(row(res, m)["net_imports_mt"] for m in markets) == pytest.approx(0.0, abs=1e-6)


def test_2030_linking_lowers_cost_and_keeps_emissions(y2030):
    alone = y2030["alone"]
    for case in ("linked3", "linked"):
        res = y2030[case]
        assert res.total_cost() < alone.total_cost()
        assert res.jurisdictions["emissions_mt"].sum() == pytest.approx(
            alone.jurisdictions["emissions_mt"].sum(), rel=REL)
    # the full link saves more than the club of three
    assert y2030["linked"].total_cost() < y2030["linked3"].total_cost()


def test_2030_who_buys_who_sells_who_gains(y2030):
    res = y2030["linked"]
    net = res.prices.set_index("market")["net_imports_mt"]
    assert net["CN_ETS"] < 0  # China, with the laxest cap, sells
    assert all(net[m] > 0 for m in ("KR_ETS", "UK_ETS", "NZ_ETS"))
    # results.links: flows add up to each market's net position
    links = res.links
    for m in ORDER:
        out = links.loc[links["exporter"] == m, "flow_mt"].sum()
        into = links.loc[links["importer"] == m, "flow_mt"].sum()
        assert into - out == pytest.approx(net[m], rel=1e-6, abs=1e-6)
    gains = model.compare({"alone": y2030["alone"], "linked": res})["gain_musd"].droplevel("period")
    assert (gains > 0).all()
    # in the club of three, New Zealand (cheapest curve, kappa 0.609) sells
    net3 = y2030["linked3"].prices.set_index("market")["net_imports_mt"]
    assert net3["NZ_ETS"] < 0
    # the common price with China is close to China's own price: below a tenth of the others'
    p = res.price("KR_ETS")
    assert p < 0.1 * min(y2030["alone"].price(m) for m in y2030["three"])


def test_2030_gain_of_linked_pair_closed_form(y2030):
    """Total saving of the full link against the integral of the power curves, computed by hand."""
    sc = y2030["raw"]
    p = linked_price(sc, ORDER)

    def cost(mac, base, q):  # integral of kappa*gamma*(x/base)**beta from 0 to q
        b = mac["beta"]
        return mac["kappa"] * mac["gamma"] * base * (q / base) ** (b + 1) / (b + 1)

    alone = sum(cost(*member(sc, m), covered(sc, m) - cap_of(sc, m)) for m in ORDER)
    linked = sum(cost(*member(sc, m), supply_at(*member(sc, m), p)) for m in ORDER)
    assert y2030["alone"].total_cost() == pytest.approx(alone, rel=1e-6)
    assert y2030["linked"].total_cost() == pytest.approx(linked, rel=1e-5)
    assert math.isfinite(alone - linked) and alone - linked > 0


def test_2021_korea_and_china_priced_far_below_observed_even_deflated(y2021):
    """The chapter leads with it: Korea's and China's caps cut a few per cent below the model's
    BAU, so the long-run curves price them at well under 1 USD/t, far below the observed prices
    even when those are deflated to USD2010 (BLS CPI-U: 218.056 in 2010, 270.970 in 2021)."""
    # China's 2021 mean covers the months after the market opened: the chapter's 2021 table
    # shows it (full_years_only=False) for comparison only, never to calibrate
    obs = national.observed_prices(full_years_only=False).loc[2021]
    for m in ("KR_ETS", "CN_ETS"):
        sc = y2021["raw"]
        mac, base = member(sc, m)
        a = (covered(sc, m) - cap_of(sc, m)) / base
        closed = mac["kappa"] * mac["gamma"] * a ** mac["beta"]
        assert 0 < a < 0.1
        assert closed < 1.0
        assert y2021["caps"].price(m) == pytest.approx(closed, rel=1e-6)
        assert obs[m] * 218.056 / 270.970 > 5 * closed
