"""Links that cannot create allowances, solves that do not depend on units, and the economic
options of the accounting issue (unsold allowances, conduct shortfalls, anyway-tonnes, MSR
periods). Each expected value is a closed form worked out in the comment beside it."""

from __future__ import annotations

import copy
import inspect

import pytest
from conftest import ROOT

import model
import model.solver
from model import cli
from model.errors import ScenarioError

REL = 1e-6


def linear(bau, slope):
    return {"bau": bau, "mac": {"type": "linear", "slope": slope}}


def two(cap_a, cap_b, link, slope_a=1.0, slope_b=1.0):
    return {"jurisdictions": {"A": linear(100, slope_a), "B": linear(100, slope_b)},
            "markets": {"MA": {"members": ["A"], "cap": cap_a}, "MB": {"members": ["B"], "cap": cap_b}},
            "links": [link]}


# --- exchange rates ---------------------------------------------------------------------------


def test_two_way_rate_runs_back_at_its_inverse():
    # Units from MA cover 1.5 t in MB, units from MB 1/1.5 t in MA: either way P_A = 1.5 P_B while
    # units flow. MAC = q, caps 50 of 100: q_A = 50 + f, q_B = 50 - 1.5 f, q_A = 1.5 q_B
    # -> f = 25 / 3.25, P_B = 50 - 1.5 f.
    res = model.solve(two(50, 50, {"markets": ["MA", "MB"], "exchange_rate": 1.5}))
    f = 25 / 3.25
    assert res.price("MB") == pytest.approx(50 - 1.5 * f, rel=REL)
    assert res.price("MA") == pytest.approx(1.5 * (50 - 1.5 * f), rel=REL)
    lk = res.links.iloc[0]
    assert (lk["exporter"], lk["importer"]) == ("MA", "MB")
    assert lk["flow_mt"] == pytest.approx(f, rel=REL) and lk["exchange_rate"] == 1.5
    # the reverse direction would turn a unit into 1/1.5 t: a round trip creates nothing
    assert res.ledger["exchange_gain_mt"].iloc[0] == pytest.approx(0.5 * f, rel=REL)


def test_money_pump_is_refused_with_the_links_named():
    raw = two(50, 50, {"markets": ["MA", "MB"], "direction": "one-way", "exchange_rate": 1.2})
    raw["links"].append({"markets": ["MB", "MA"], "direction": "one-way"})
    with pytest.raises(ScenarioError) as err:
        model.load_scenario(raw)
    assert "links[0], links[1]" in str(err.value) and "money pump" in str(err.value)
    assert "1.2" in str(err.value)
    # a product of exactly 1 is fine
    raw["links"][1]["exchange_rate"] = 1 / 1.2
    model.load_scenario(raw)


def test_two_way_rate_needs_exactly_two_markets():
    raw = two(50, 50, {"markets": ["MA", "MB"]})
    raw["jurisdictions"]["C"] = linear(100, 1.0)
    raw["markets"]["MC"] = {"members": ["C"], "cap": 50}
    raw["links"] = [{"markets": ["MA", "MB", "MC"], "exchange_rate": 0.9}]
    with pytest.raises(ScenarioError, match=r"links\[0\]\.exchange_rate: .*exactly two markets"):
        model.load_scenario(raw)


def test_money_pump_exits_2_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "pump.yaml"
    path.write_text("jurisdictions: {A: {bau: 100, mac: {type: linear, slope: 1}}, "
                    "B: {bau: 100, mac: {type: linear, slope: 1}}}\n"
                    "markets: {MA: {members: [A], cap: 50}, MB: {members: [B], cap: 50}}\n"
                    "links: [{markets: [MA, MB], direction: one-way, exchange_rate: 2},\n"
                    "        {markets: [MB, MA], direction: one-way}]\n")
    assert cli.main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "money pump" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


# --- solves that do not stall or depend on units ---------------------------------------------


@pytest.mark.parametrize("mac", [{"type": "power", "kappa": 1.0}, {"type": "power", "kappa": 0.5, "beta": 2.0},
                                 {"type": "polynomial", "coefficients": [0.2, 0.01]}])
@pytest.mark.parametrize("cap", [None, 99.0])
def test_a_tax_on_convex_curves_converges(mac, cap):
    # With a tax of 50 (and a cap that does not bind) abatement is where MAC(q) = 50.
    market = {"members": ["A"], "tax": 50}
    if cap is not None:
        market["cap"] = cap
    res = model.solve({"jurisdictions": {"A": {"bau": 100, "mac": mac}}, "markets": {"M": market}})
    if mac["type"] == "power":
        expected = 100 * (50 / (mac["kappa"] * 2887)) ** (1 / mac.get("beta", 3))
    else:
        c1, c2 = mac["coefficients"]
        expected = (-c1 + (c1 * c1 + 4 * c2 * 50) ** 0.5) / (2 * c2)
    assert res.jurisdictions["abatement_mt"].iloc[0] == pytest.approx(expected, rel=1e-9)
    assert res.solver["price_accuracy"] <= 1e-9


def scaled(raw: dict, k: float) -> dict:
    """The same scenario with every quantity multiplied by ``k`` and every MAC rescaled so that
    prices stay the same (linear slope / k, polynomial c_n / k^n, steps x k; power curves are
    relative to BAU already)."""
    raw = copy.deepcopy(raw)

    def times(v):
        if isinstance(v, dict):
            return {key: times(x) for key, x in v.items()}
        return v * k

    for j in raw["jurisdictions"].values():
        j["bau"] = times(j["bau"])
        mac = j["mac"]
        if mac["type"] == "linear":
            mac["slope"] = mac["slope"] / k
        elif mac["type"] == "polynomial":
            mac["coefficients"] = [c / k ** (n + 1) for n, c in enumerate(mac["coefficients"])]
        elif mac["type"] == "steps":
            mac["steps"] = [{"quantity": s["quantity"] * k, "cost": s["cost"]} for s in mac["steps"]]
    for mk in (raw.get("markets") or {}).values():
        cap = mk.get("cap")
        if isinstance(cap, dict) and "type" in cap:
            for key in ("base", "reference", "rebase", "earlier", "output"):
                if key in cap:
                    cap[key] = times(cap[key])
        elif cap is not None:
            mk["cap"] = times(cap)
        if isinstance(mk.get("allocation"), dict):
            mk["allocation"] = times(mk["allocation"])
        for key in ("bank_limit", "initial_bank", "borrow_limit"):
            if key in mk:
                mk[key] = times(mk[key])
        if "cost_containment_reserve" in mk:
            mk["cost_containment_reserve"]["volume"] = times(mk["cost_containment_reserve"]["volume"])
        for key in ("upper", "lower", "release", "initial_reserve", "invalidate_above"):
            if key in (mk.get("msr") or {}) and mk["msr"][key] is not None:
                mk["msr"][key] = times(mk["msr"][key])
    for c in (raw.get("credits") or {}).values():
        for key in ("baseline", "anyway"):
            if isinstance(c.get(key), (dict, int, float)):
                c[key] = times(c[key])
    for link in raw.get("links") or []:
        if isinstance(link, dict) and "import_limit_mt" in link:
            link["import_limit_mt"] = times(link["import_limit_mt"])
    return raw


def every_mechanism() -> dict:
    """One scenario per mechanism and curve, small enough to solve many times."""
    import yaml

    out = {p.stem: yaml.safe_load(p.read_text()) for p in sorted((ROOT / "scenarios").glob("*.yaml"))}
    msr = {"periods": list(range(2024, 2031)), "discount_rate": 0.05,
           "jurisdictions": {"EU": {"bau": 1500, "mac": {"type": "power", "kappa": 0.8}}},
           "markets": {"EU_ETS": {"members": ["EU"], "cap": {"type": "linear_reduction", "base_year": 2024,
                                                             "base": 1400, "factor": 0.043},
                                  "banking": True, "initial_bank": 1100,
                                  "msr": {"upper": 833, "lower": 400, "release": 100}}}}
    conduct = two(50, 50, ["MA", "MB"])
    conduct["markets"]["MA"].update(obligation="conduct", penalty=20, shortfall="own")
    floor = {"periods": [2025, 2026], "jurisdictions": {"A": {"bau": 100, "mac": {"type": "polynomial",
                                                                                  "coefficients": [0.5, 0.01]}}},
             "markets": {"M": {"members": ["A"], "cap": {2025: 100, 2026: 60}, "price_floor": 10, "unsold": "return"}}}
    out.update(msr=msr, conduct_own=conduct, floor_return=floor)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(every_mechanism()))
@pytest.mark.parametrize("k", [1e-3, 0.37, 1e5])
def test_prices_do_not_depend_on_units(name, k):
    raw = every_mechanism()[name]
    base = model.solve(raw).prices.set_index(["market", "period"])["price_usd_per_t"]
    other = model.solve(scaled(raw, k)).prices.set_index(["market", "period"])["price_usd_per_t"]
    for key, p in base.items():
        if p != p:  # an inactive market has no price at either scale
            assert other[key] != other[key]
        else:
            assert other[key] == pytest.approx(p, rel=1e-6, abs=1e-6), key


def test_command_line_and_api_solve_to_the_same_tolerance():
    default = inspect.signature(model.solver.solve_scenario).parameters["tolerance"].default
    args = cli._parser().parse_args(["run", "x.yaml"])
    assert args.tolerance == default == 1e-9


# --- the economic options ----------------------------------------------------------------------


def test_msr_refuses_multi_year_periods():
    raw = every_mechanism()["msr"]
    raw["periods"] = [2025, 2030, 2035]
    raw["markets"]["EU_ETS"]["cap"]["base_year"] = 2025
    with pytest.raises(ScenarioError, match=r"markets\.EU_ETS\.msr: .*2025 and 2030 are 5 years apart"):
        model.load_scenario(raw)
    raw["markets"]["EU_ETS"]["msr"]["start"] = 2035  # a reserve that starts in the last period is fine
    model.load_scenario(raw)


@pytest.mark.parametrize("unsold", ["cancel", "return"])
def test_allowances_withheld_at_the_floor_come_back_or_not(unsold):
    # MAC = q, floor 10. 2025: cap = BAU, the floor withholds 10 (q = 10, P = 10). 2026: cap 60;
    # cancelled: P = 40; returned: the 10 withheld come back (10 < 40), q = 30, P = 30.
    raw = {"periods": [2025, 2026], "jurisdictions": {"A": linear(100, 1.0)},
           "markets": {"M": {"members": ["A"], "cap": {2025: 100, 2026: 60}, "price_floor": 10, "unsold": unsold}}}
    res = model.solve(raw)
    assert res.price("M", 2025) == pytest.approx(10, rel=REL)
    assert res.price("M", 2026) == pytest.approx(40 if unsold == "cancel" else 30, rel=REL)
    withheld = res.prices.set_index("period")["withheld_mt"]
    assert withheld[2025] == pytest.approx(10, rel=REL)
    assert withheld[2026] == pytest.approx(0 if unsold == "cancel" else -10, rel=REL, abs=1e-9)


def test_unsold_needs_a_floor():
    raw = {"jurisdictions": {"A": linear(100, 1.0)}, "markets": {"M": {"members": ["A"], "cap": 50, "unsold": "return"}}}
    with pytest.raises(ScenarioError, match=r"markets\.M\.unsold: needs a `price_floor`"):
        model.load_scenario(raw)


@pytest.mark.parametrize("reading", ["tradable", "own"])
def test_a_conduct_shortfall_is_supply_or_only_excuses_own_emissions(reading):
    # MA may fall short at 20 USD/t; MB's cap is hard; MAC = q, caps 50 of 100, linked.
    # tradable: the penalty caps the group's price: P = 20 in both, MA short by 60 and sells 30.
    # own: MA may not sell while short: P_A = 20 (short 30), P_B = 50 (no imports).
    raw = two(50, 50, ["MA", "MB"])
    raw["markets"]["MA"].update(obligation="conduct", penalty=20, shortfall=reading)
    res = model.solve(raw)
    short = res.prices.set_index("market")["shortfall_mt"]
    if reading == "tradable":
        assert res.price("MA") == pytest.approx(20, rel=REL) and res.price("MB") == pytest.approx(20, rel=REL)
        assert short["MA"] == pytest.approx(60, rel=REL)
    else:
        assert res.price("MA") == pytest.approx(20, rel=REL) and res.price("MB") == pytest.approx(50, rel=REL)
        assert short["MA"] == pytest.approx(30, rel=REL)
        assert res.links["flow_mt"].abs().max() == pytest.approx(0, abs=1e-9)


def test_own_shortfall_reading_still_lets_a_market_that_meets_its_cap_sell():
    # MA's penalty (60) is above the linked price of 55 (caps 60 and 30 of 100, MAC = q: 110 Mt to
    # abate between them): it meets its cap and sells 15, exactly as under a `result` obligation.
    raw = two(60, 30, ["MA", "MB"])
    raw["markets"]["MA"].update(obligation="conduct", penalty=60, shortfall="own")
    res = model.solve(raw)
    assert res.price("MA") == pytest.approx(55, rel=REL) and res.price("MB") == pytest.approx(55, rel=REL)
    assert res.prices.set_index("market")["shortfall_mt"]["MA"] == pytest.approx(0, abs=1e-9)
    assert res.links["flow_mt"].iloc[0] == pytest.approx(15, rel=REL)


def test_anyway_tonnes_are_a_block_of_non_additional_credits():
    # Host H (MAC = q) is credited 10 anyway-tonnes; buyer B needs 40 Mt (MAC = q). Credits at
    # price p: H sells q_H + 10 with q_H = p; B abates p: 2p + 10 = 40 -> p = 15.
    raw = {"jurisdictions": {"B": linear(100, 1.0), "H": linear(100, 1.0)},
           "markets": {"MB": {"members": ["B"], "cap": 60}},
           "credits": {"C": {"hosts": ["H"], "anyway": 10}},
           "links": [{"markets": ["C", "MB"], "direction": "one-way"}]}
    res = model.solve(raw)
    assert res.price("MB") == pytest.approx(15, rel=REL)
    assert res.ledger["non_additional_credits_mt"].iloc[0] == pytest.approx(10, rel=REL)
    assert res.ledger["credits_surrendered_mt"].iloc[0] == pytest.approx(25, rel=REL)


def test_edits_by_dotted_path_match_edits_of_the_raw_dict():
    sc = model.load_scenario(ROOT / "scenarios" / "instruments.yaml")
    edited = sc.with_paths({"markets.EU_ETS.cap.2030": 650, "jurisdictions.CH.mac.slope": 2.5,
                            "links[1].import_limit": 0.2, "links[0].exchange_rate": None,
                            "markets.EU_ETS.price_floor": None})
    raw = copy.deepcopy(sc.raw)
    raw["markets"]["EU_ETS"]["cap"][2030] = 650
    raw["jurisdictions"]["CH"]["mac"]["slope"] = 2.5
    raw["links"][1]["import_limit"] = 0.2
    del raw["markets"]["EU_ETS"]["price_floor"]
    assert edited == model.load_scenario(raw, source_name=sc.source)
    assert sc.markets["EU_ETS"].cap[2030] == 700  # the original is unchanged
    with pytest.raises(KeyError, match=r"links\[5\]"):
        sc.with_paths({"links[5].import_limit": 0.1})


def test_flat_newton_model_does_not_stall_the_qp_solver():
    """Found by hypothesis in CI: a market whose power curves (beta 2) abate nothing in the first,
    piecewise-linear solve gave a Newton model so flat that HiGHS's active-set QP cycled until its
    time limit. The price is the first step's cost, where the power curves abate
    B sqrt(p / (kappa gamma)) (closed form) and the step block covers the rest."""
    raw = {'name': 'random',
     'jurisdictions': {'J0': {'bau': 172.07120570181985,
       'mac': {'type': 'power',
        'kappa': 1.608714427456878,
        'gamma': 2887,
        'beta': 2}},
      'J1': {'bau': 232.957,
       'mac': {'type': 'steps',
        'steps': [{'quantity': 1000.0, 'cost': 1.25},
         {'quantity': 1000.0, 'cost': 64.92911533661217},
         {'quantity': 1000.0, 'cost': 141.58300638726462}]}},
      'J2': {'bau': 207.4790595805245,
       'mac': {'type': 'power',
        'kappa': 2.560324563117543,
        'gamma': 2887,
        'beta': 2}},
      'J3': {'bau': 50.0,
       'mac': {'type': 'linear', 'slope': 2.850817883449855}},
      'J4': {'bau': 37.60764271146376,
       'mac': {'type': 'linear', 'slope': 1.0608528079528219}},
      'J5': {'bau': 258.811,
       'mac': {'type': 'linear', 'slope': 2.816258101177044}}},
     'markets': {'M0': {'members': ['J0', 'J1', 'J2'],
       'cap': 564.5026187949225},
      'M1': {'members': ['J3', 'J4'], 'cap': 35.043057084585506},
      'M2': {'members': ['J5'], 'cap': 103.5244}},
     'links': [['M0', 'M2']]}
    market = {"M0": raw["markets"]["M0"]}
    res = model.solve({**raw, "markets": market, "links": []}, time_limit=10)
    assert res.price("M0") == pytest.approx(1.25, rel=1e-9)
    seg = res.segments.set_index("jurisdiction")
    for j in ("J0", "J2"):
        mac, bau = raw["jurisdictions"][j]["mac"], raw["jurisdictions"][j]["bau"]
        expected = bau * (1.25 / (mac["kappa"] * mac["gamma"])) ** (1 / mac["beta"])
        assert seg.loc[j, "abatement_mt"] == pytest.approx(expected, rel=1e-6)
