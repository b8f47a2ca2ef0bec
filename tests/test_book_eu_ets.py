"""Chapter "The EU ETS": the cap path, banking (Hotelling), the MSR and ETS II.

Every expected number is worked out here from the raw CSV rows, the raw YAML numbers or the
legal figures themselves (the 1.74 % factor, the 43 003 515 allowances of Decision (EU)
2020/1722, the MSR thresholds), never from model.eu_ets or model.mac. The scenario files are the
ones the chapter loads.
"""

import csv
import math

import pytest
import yaml
from conftest import ROOT

import model

REL = 1e-6  # exact relations (caps, Hotelling ratios, MSR rule)
REL_CONVEX = 1e-6  # equilibrium of the power MAC (Newton steps): as tight as the exact relations

MAIN = ROOT / "scenarios" / "eu_ets.yaml"
PHASE3 = ROOT / "scenarios" / "eu_ets_phase3.yaml"
FROM_2023 = ROOT / "scenarios" / "eu_ets_2023.yaml"

#: Decision (EU) 2020/1722, recital 2: 2.2 % of the phase 4 reference is 43 003 515 allowances.
PHASE4_STEP_2021 = 43.003515
#: Decision (EU) 2020/1722: the 2021 Union-wide quantity, 1 571 583 007 allowances.
CAP_2021_COMMISSION = 1571.583007
#: Commission news of 15 May 2023: TNAC 2022 = 1 134 794 738; 272 350 737 go into the MSR.
TNAC_2022, INTAKE_2023 = 1134.794738, 272.350737


def rows(name):
    with open(ROOT / "data" / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def raw(path):
    return yaml.safe_load(path.read_text())


def market(res, name):
    p = res.prices
    return p[p["market"] == name].set_index("period")


@pytest.fixture(scope="module")
def phase_rows():
    return [r for r in rows("ets_phases.csv") if r["ets_id"] == "EU_ETS"]


@pytest.fixture(scope="module")
def verified():
    out = {}
    for r in rows("eu_ets_emissions.csv"):
        out[int(r["year"])] = out.get(int(r["year"]), 0.0) + float(r["emissions_mt"])
    return out


@pytest.fixture(scope="module")
def main():
    sc = model.load_scenario(MAIN)
    return {"raw": raw(MAIN), "scenario": sc, "res": model.solve(sc)}


@pytest.fixture(scope="module")
def from_2023():
    sc = model.load_scenario(FROM_2023)
    return {"raw": raw(FROM_2023), "scenario": sc, "res": model.solve(sc)}


# --- The cap path ----------------------------------------------------------------------------


def test_phase3_cap_falls_by_the_same_number_every_year(phase_rows):
    p3 = next(r for r in phase_rows if r["phase"] == "3")
    base, f = float(p3["cap_mt_start"]), float(p3["linear_reduction_factor_pct"]) / 100
    assert (base, f) == (2084.3, 0.0174)
    step = f * base / (1 - 3 * f)  # 1.74 % of the phase 2 average, counted from 2010
    res = model.solve(model.load_scenario(PHASE3))
    cap = market(res, "EU_ETS")["cap_mt"]
    assert cap[2013] == pytest.approx(base, rel=REL)
    for t in range(2014, 2021):
        assert cap[t - 1] - cap[t] == pytest.approx(step, rel=REL)
    assert cap[2020] == pytest.approx(base - 7 * step, rel=REL)
    # about 38.26 Mt a year: the Commission's line, not 1.74 % of the previous year's cap
    assert step == pytest.approx(38.264, abs=1e-3)
    assert abs(cap[2013] - cap[2014] - f * cap[2013]) > 1.0


def test_phase4_cap_follows_the_2023_law(main, phase_rows):
    p3 = next(r for r in phase_rows if r["phase"] == "3")
    base, f3 = float(p3["cap_mt_start"]), float(p3["linear_reduction_factor_pct"]) / 100
    ref3 = base / (1 - 3 * f3)
    ref4 = PHASE4_STEP_2021 / 0.022
    cap = market(main["res"], "EU_ETS")["cap_mt"]
    # the 2021 cap: the phase 3 line at 2020, rescaled to the EU-27 scope, less one 2.2 % step
    derived_2021 = (base - 7 * f3 * ref3) * ref4 / ref3 - PHASE4_STEP_2021
    assert derived_2021 == pytest.approx(CAP_2021_COMMISSION, rel=REL)
    assert cap[2021] == pytest.approx(CAP_2021_COMMISSION, rel=REL)
    row = next(r for r in phase_rows if r["phase"] == "4" and r["start_year"] == "2021")
    assert cap[2021] == pytest.approx(float(row["cap_mt_start"]), abs=0.05)
    expected_drop = {2022: 0.022 * ref4, 2023: 0.022 * ref4, 2024: 0.043 * ref4 + 90.0, 2025: 0.043 * ref4,
                     2026: 0.043 * ref4 + 27.0, 2027: 0.043 * ref4, 2028: 0.044 * ref4, 2029: 0.044 * ref4,
                     2030: 0.044 * ref4}
    for t, drop in expected_drop.items():
        assert cap[t - 1] - cap[t] == pytest.approx(drop, rel=REL)
    # phases 2 and 3 as listed: the phase 2 average, the phase 3 line, less back-loading in 2014-2016
    backloaded = {2014: 400.0, 2015: 300.0, 2016: 200.0}
    for t in range(2008, 2013):
        assert cap[t] == pytest.approx(ref3, rel=REL)
    for t in range(2013, 2021):
        assert cap[t] == pytest.approx(base - f3 * ref3 * (t - 2013) - backloaded.get(t, 0.0), rel=REL)


def test_2030_cap_close_to_the_reform_target(main, verified):
    cap_2030 = market(main["res"], "EU_ETS").loc[2030, "cap_mt"]
    cut = 1 - cap_2030 / verified[2005]
    assert 0.55 < cut < 0.65  # the reform's -62 %, measured on our lower-bound 2005 emissions


def test_coverage_is_about_40_not_60_percent(verified, main):
    jur = {r["iso3"]: r for r in rows("jurisdictions.csv")}
    shares = {y: verified[y] / float(jur["EU28"][f"ghg_mt_{y}"]) for y in (2005, 2010, 2012, 2016)}
    assert all(0.35 < s < 0.45 for s in shares.values())
    assert max(shares.values()) < 0.6 / 1.3  # far from the paper's 60 %
    assert main["raw"]["markets"]["EU_ETS"]["coverage"] == pytest.approx(shares[2016], abs=1e-6)


# --- Banking: Hotelling --------------------------------------------------------------------


def test_price_rises_at_the_discount_rate_while_a_bank_is_held(main):
    r = main["raw"]["discount_rate"]
    assert r == 0.05
    e1 = market(main["res"], "EU_ETS")
    held = [t for t in range(2008, 2030) if e1.loc[t, "bank_mt"] > 1e-6]
    assert len(held) >= 20
    for t in held:
        assert e1.loc[t + 1, "price_usd_per_t"] == pytest.approx((1 + r) * e1.loc[t, "price_usd_per_t"], rel=REL)
    assert e1.loc[2008, "price_usd_per_t"] > 1.0
    assert e1.loc[2030, "bank_mt"] == pytest.approx(0.0, abs=1e-6)  # the bank is used up at the end


def test_hotelling_path_against_an_independent_equilibrium(from_2023):
    """Given the model's MSR intakes, find p_2023 by bisection so that the bank runs out in 2030."""
    data = from_2023["raw"]
    years = data["periods"]
    ets = data["markets"]["EU_ETS"]
    mac = data["jurisdictions"]["EU"]["mac"]
    bau = data["jurisdictions"]["EU"]["bau"]
    c, r = ets["coverage"], data["discount_rate"]
    caps = market(from_2023["res"], "EU_ETS")["cap_mt"]  # checked against the law above
    intake = market(from_2023["res"], "EU_ETS")["msr_intake_mt"]
    kg = mac["kappa"] * mac["gamma"]

    def emissions(t, p):  # covered BAU less the abatement at which kappa gamma (q / (c E))^beta = p
        return c * bau[t] * (1 - min((p / kg) ** (1 / mac["beta"]), 1.0))

    def final_bank(p0):
        bank = ets["initial_bank"]
        for k, t in enumerate(years):
            bank += caps[t] - intake[t] - emissions(t, p0 * (1 + r) ** k)
        return bank

    lo, hi = 0.0, 1000.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if final_bank(mid) < 0 else (lo, mid)
    p0 = 0.5 * (lo + hi)
    e1 = market(from_2023["res"], "EU_ETS")
    for k, t in enumerate(years):
        assert e1.loc[t, "price_usd_per_t"] == pytest.approx(p0 * (1 + r) ** k, rel=REL_CONVEX)
        assert e1.loc[t, "emissions_mt"] == pytest.approx(emissions(t, p0 * (1 + r) ** k), rel=REL_CONVEX)
    # the first intake is the Commission's own: 24 % of the published TNAC for 2022
    assert intake[2023] == pytest.approx(INTAKE_2023, rel=REL)
    assert ets["initial_bank"] == pytest.approx(TNAC_2022, rel=REL)


# --- The market stability reserve ----------------------------------------------------------


def test_msr_intake_follows_the_rule_applied_to_the_reported_bank(main):
    msr = main["raw"]["markets"]["EU_ETS"]["msr"]
    assert (msr["upper"], msr["lower"], msr["intake_rate"], msr["release"]) == (833.0, 400.0, 0.24, 100.0)
    e1 = market(main["res"], "EU_ETS")
    reserve = msr["initial_reserve"]
    assert reserve == 900.0  # the back-loaded allowances
    took_in = 0
    for t in range(2019, 2031):
        tnac = e1.loc[t - 1, "bank_mt"]
        if tnac > 833.0:
            expected = min(0.24 * tnac, tnac - 833.0)
            took_in += 1
        elif tnac < 400.0:
            expected = -min(100.0, reserve)
        else:
            expected = 0.0
        reserve = min(reserve + expected, 400.0)
        assert e1.loc[t, "msr_intake_mt"] == pytest.approx(expected, rel=REL, abs=1e-6)
        assert e1.loc[t, "msr_reserve_mt"] == pytest.approx(reserve, rel=REL, abs=1e-6)
    assert took_in >= 5
    for t in range(2008, 2019):
        assert e1.loc[t, "msr_intake_mt"] == pytest.approx(0.0, abs=1e-9)


def test_without_the_msr_the_surplus_covers_phase_4():
    """No MSR: the bank at a zero price never runs out, so the price is zero (checked from raw numbers)."""
    from model import eu_ets

    data = eu_ets.build(rules="2023", msr=False, ets2=False)
    res = model.solve(model.load_scenario(data))
    e1 = market(res, "EU_ETS")
    c = data["markets"]["EU_ETS"]["coverage"]
    bau = data["jurisdictions"]["EU"]["bau"]
    bank = 0.0
    for t in data["periods"]:
        bank += e1.loc[t, "cap_mt"] - c * bau[t]
        assert bank > 0
        assert e1.loc[t, "price_usd_per_t"] == pytest.approx(0.0, abs=1e-6)
        assert e1.loc[t, "emissions_mt"] == pytest.approx(c * bau[t], rel=REL)
    assert e1.loc[2030, "bank_mt"] == pytest.approx(bank, rel=REL)


def test_the_msr_makes_allowances_scarce(main):
    e1 = market(main["res"], "EU_ETS")
    assert (e1["price_usd_per_t"] > 1.0).all()
    assert e1["msr_intake_mt"].clip(lower=0).sum() > 3000


# --- ETS II ----------------------------------------------------------------------------------


def test_ets2_is_a_separate_market_with_its_own_price(main):
    data = main["raw"]
    e1, e2 = market(main["res"], "EU_ETS"), market(main["res"], "EU_ETS2")
    cov2 = data["markets"]["EU_ETS2"]["coverage"]
    assert data["links"] == []
    assert cov2[2026] == 0.0 and cov2[2027] > 0.3
    # before 2027 ETS II covers nothing and issues nothing: inactive, no price reported
    assert e2.loc[:2026, "price_usd_per_t"].isna().all()
    assert (e2.loc[:2026, "cap_mt"] == 0.0).all() and (e2.loc[:2026, "bank_mt"] == 0.0).all()
    assert data["markets"]["EU_ETS"]["coverage"] + cov2[2027] <= 1.0
    assert e2.loc[2027, "cap_mt"] == pytest.approx(1036.288784, rel=REL)  # Decision (EU) 2024/2951
    reference = 1036.288784 / (1 - 3 * 0.051)
    for t in (2028, 2029, 2030):
        assert e2.loc[t - 1, "cap_mt"] - e2.loc[t, "cap_mt"] == pytest.approx(0.0538 * reference, rel=REL)
    for t in (2027, 2028, 2029, 2030):
        assert e2.loc[t, "price_usd_per_t"] > e1.loc[t, "price_usd_per_t"] + 5.0
    for t in (2027, 2028, 2029):  # ETS II banks too, so its price also rises at r
        assert e2.loc[t, "bank_mt"] > 1e-6
        assert e2.loc[t + 1, "price_usd_per_t"] == pytest.approx(1.05 * e2.loc[t, "price_usd_per_t"], rel=REL)
    seg = main["res"].segments.set_index(["owner", "period"])
    for t in (2027, 2030):  # the same jurisdiction, two segments, two marginal costs
        for owner, m in (("EU_ETS", e1), ("EU_ETS2", e2)):
            assert seg.loc[(owner, t), "marginal_cost_usd_per_t"] == pytest.approx(m.loc[t, "price_usd_per_t"],
                                                                                   rel=REL_CONVEX)


def test_linking_ets1_and_ets2_gives_one_price_between(from_2023):
    sc = from_2023["scenario"]
    no_msr = {n: {k: v for k, v in mk.items() if k != "msr"} for n, mk in sc.raw["markets"].items()}
    apart_sc = sc.with_changes(markets=no_msr)
    apart, linked = model.solve(apart_sc), model.solve(apart_sc.with_changes(links=[["EU_ETS", "EU_ETS2"]]))
    for t in (2027, 2030):
        p1, p2 = market(apart, "EU_ETS").loc[t, "price_usd_per_t"], market(apart, "EU_ETS2").loc[t, "price_usd_per_t"]
        p = market(linked, "EU_ETS").loc[t, "price_usd_per_t"]
        assert market(linked, "EU_ETS2").loc[t, "price_usd_per_t"] == pytest.approx(p, rel=REL)
        assert p1 < p < p2
    assert linked.total_cost() < apart.total_cost()


# --- The files -------------------------------------------------------------------------------


def test_scenario_files_are_what_the_builder_makes():
    from model import eu_ets

    for name, kwargs in eu_ets.SCENARIO_FILES.items():
        assert raw(ROOT / "scenarios" / name) == eu_ets.build(**kwargs), name


def test_observed_prices_and_calibration_are_read_not_tuned(main, verified):
    """kappa is MIMOSA's EU-27 value; a one-year calibration to 2023 lands close to it, others do not."""
    mac = {r["iso3"]: r for r in rows("mac.csv")}["EU27"]
    assert main["raw"]["jurisdictions"]["EU"]["mac"]["kappa"] == float(mac["kappa"])
    # full-year means only: the secondary market's 2024 and 2025 are part-year means, so 2025
    # uses the auction mean, which covers the whole year
    full = [r for r in rows("ets_prices.csv") if r["ets_id"] == "EU_ETS" and r["part_year"] == "False"]
    prices = {int(r["year"]): float(r["price_usd_per_t"]) for r in full if r["market"] == "secondary"}
    prices[2025] = next(float(r["price_usd_per_t"]) for r in full if r["market"] == "primary" and r["year"] == "2025")
    c = main["raw"]["markets"]["EU_ETS"]["coverage"]
    bau = main["raw"]["jurisdictions"]["EU"]["bau"]

    def kappa(year):
        share = 1 - verified[year] / (c * bau[year])
        return prices[year] / (2887.0 * share**3)

    assert kappa(2023) == pytest.approx(float(mac["kappa"]), rel=0.05)
    assert kappa(2022) > 5 * kappa(2023) > 5 * kappa(2025)
    assert math.isfinite(kappa(2019))


# --- Prices in USD2010 and the forward calibration (chapter "The model beside the observed prices")

#: BLS CPI-U annual averages (series CUUR0000SA0, 1982-84 = 100), typed from the BLS tables.
CPI_2010, CPI_2023, CPI_2024 = 218.056, 304.702, 313.689


def observed_usd(year, market="secondary"):
    return {int(r["year"]): float(r["price_usd_per_t"]) for r in rows("ets_prices.csv")
            if r["ets_id"] == "EU_ETS" and r["market"] == market}[year]


def test_observed_prices_deflated_with_cpi_u():
    from model.chapters.eu_ets import observed_price_usd2010

    assert observed_price_usd2010(2023) == pytest.approx(observed_usd(2023) * CPI_2010 / CPI_2023, rel=1e-9)
    # the secondary market's 2024 mean covers part of the year: the auction mean stands in
    assert observed_price_usd2010(2024) == pytest.approx(observed_usd(2024, "primary") * CPI_2010 / CPI_2024,
                                                         rel=1e-9)


def test_forward_kappa_matches_bisection_on_resolved_runs(from_2023):
    """eu_ets.forward_kappa (a scaling argument) against a bisection on kappa with full re-solves."""
    from model.calibration import forward_kappa

    target = observed_usd(2023) * CPI_2010 / CPI_2023
    base = from_2023["scenario"]
    eu = from_2023["raw"]["jurisdictions"]["EU"]

    def price_2023(kappa):
        juris = {"EU": {**eu, "mac": {**eu["mac"], "kappa": kappa}}}
        return market(model.solve(base.with_changes(jurisdictions=juris)), "EU_ETS").loc[2023, "price_usd_per_t"]

    lo, hi = math.log(eu["mac"]["kappa"]), math.log(20 * eu["mac"]["kappa"])
    assert price_2023(math.exp(lo)) < target < price_2023(math.exp(hi))
    for _ in range(12):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if price_2023(math.exp(mid)) < target else (lo, mid)
    k_bisect = math.exp((lo + hi) / 2)
    k = forward_kappa(2023)
    assert k == pytest.approx(k_bisect, rel=2e-3)
    assert price_2023(k) == pytest.approx(target, rel=0.10)  # the base year matches within 10 %
    assert k > 2 * eu["mac"]["kappa"]  # the chapter: well above MIMOSA's value


def test_without_msr_zero_price_needs_the_2030_horizon():
    """The factors alone give a zero price only because a bank left in 2030 is worthless."""
    from model import eu_ets

    short = market(model.solve(model.load_scenario(eu_ets.build(rules="2023", msr=False, ets2=False))), "EU_ETS")
    longer = market(model.solve(model.load_scenario(
        eu_ets.build(rules="2023", msr=False, ets2=False, end=2035))), "EU_ETS")
    assert short["price_usd_per_t"].max() < 1e-3 * longer.loc[2023, "price_usd_per_t"]
    assert longer.loc[2023, "price_usd_per_t"] > 0.5
    # and with a positive price the longer run follows Hotelling while it banks
    assert longer.loc[2024, "price_usd_per_t"] == pytest.approx(1.05 * longer.loc[2023, "price_usd_per_t"], rel=REL)
