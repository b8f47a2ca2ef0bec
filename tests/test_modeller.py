"""For modellers (issue 16): gains against autarky in one call, edits by jurisdiction and cap,
plots that return their axes, price paths in growth form, a link group's bank, one set of
column names in CSV, JSON and Python, and a summary that hides nothing non-zero."""

from __future__ import annotations

import contextlib
import io
import json
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

import model
from model import cli, plots
from model.edit import with_cap, with_jurisdiction
from model.results import COLUMNS, col, vs_autarky

matplotlib.use("Agg")

LIN = {"type": "linear", "slope": 1.0}


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def banked_pair(floor=None) -> dict:
    """Two linked banking markets over two periods (slopes 1 and 2, caps 95 then 60)."""
    raw = {"periods": [2025, 2030], "discount_rate": 0.05,
           "jurisdictions": {"A": {"bau": 100, "mac": LIN}, "B": {"bau": 100, "mac": {"type": "linear", "slope": 2}}},
           "markets": {"MA": {"members": ["A"], "cap": {2025: 95, 2030: 60}, "banking": True},
                       "MB": {"members": ["B"], "cap": {2025: 95, 2030: 60}, "banking": True}},
           "links": [["MA", "MB"]]}
    if floor is not None:
        raw["markets"]["MA"]["price_floor"] = floor
    return raw


# --- growth form of price paths -------------------------------------------------------------

GROWTH = {"base_year": 2024, "base": 25.87, "growth": 0.05, "inflation": 0.02}


@pytest.mark.parametrize("where", ["price_floor", "price_ceiling", "cost_containment_reserve.trigger", "tax",
                                   "penalty"])
def test_growth_form_of_every_price_path_by_hand(where):
    raw = {"periods": [2024, 2030], "jurisdictions": {"A": {"bau": 100, "mac": LIN}},
           "markets": {"M": {"members": ["A"], "cap": 90}}}
    market = raw["markets"]["M"]
    if where == "cost_containment_reserve.trigger":
        market["cost_containment_reserve"] = {"trigger": GROWTH, "volume": 1}
    elif where == "penalty":
        market.update(obligation="conduct", penalty=GROWTH)
    else:
        market[where] = GROWTH
    mk = model.load_scenario(raw).markets["M"]
    got = {"price_floor": mk.price_floor, "price_ceiling": mk.price_ceiling, "tax": mk.tax, "penalty": mk.penalty,
           "cost_containment_reserve.trigger": mk.ccr_trigger}[where]
    assert got[2024] == pytest.approx(25.87)
    # 25.87 x 1.05^6 x 1.02^6 = 25.87 x 1.340096 x 1.126162 = 39.0421
    assert got[2030] == pytest.approx(25.87 * 1.340095640625 * 1.126162419264, rel=1e-12)
    assert got[2030] == pytest.approx(39.0421, abs=1e-4)


def test_growth_form_sets_the_price_where_it_binds():
    raw = {"periods": [2024, 2030], "jurisdictions": {"A": {"bau": 100, "mac": LIN}},
           "markets": {"M": {"members": ["A"], "cap": 95,
                             "price_floor": {"base_year": 2024, "base": 20, "growth": 0.1}}}}
    res = model.solve(raw)
    assert res.price("M", 2024) == pytest.approx(20)
    assert res.price("M", 2030) == pytest.approx(20 * 1.1 ** 6)


def test_growth_form_refusals():
    base = {"periods": [2024], "jurisdictions": {"A": {"bau": 100, "mac": LIN}},
            "markets": {"M": {"members": ["A"], "cap": 95, "price_floor": {"base_year": 2024, "base": 20}}}}
    with pytest.raises(model.ScenarioError, match="price_floor.*growth"):
        model.load_scenario(base)
    base["markets"]["M"]["price_floor"] = {"base_year": 2024, "base": 20, "growth": 0.1, "rate": 1}
    with pytest.raises(model.ScenarioError, match="unknown key 'rate'"):
        model.load_scenario(base)
    del base["periods"]
    base["markets"]["M"]["price_floor"] = {"base_year": 2024, "base": 20, "growth": 0.1}
    with pytest.raises(model.ScenarioError, match="needs the scenario's `periods`"):
        model.load_scenario(base)


def test_growth_form_is_declared_in_the_reference():
    paths = {k.path for k in model.reader.SCHEMA}
    assert {"markets.NAME.price_floor.base_year (growth form)", "markets.NAME.price_floor.growth (growth form)",
            "markets.NAME.price_floor.inflation (growth form)"} <= paths
    types = {k.path: k.type for k in model.reader.SCHEMA}
    for path in ("markets.NAME.price_floor", "markets.NAME.price_ceiling", "markets.NAME.tax",
                 "markets.NAME.penalty", "markets.NAME.cost_containment_reserve.trigger"):
        assert "growth form" in types[path], path


def test_a_floor_growing_faster_than_the_discount_rate_warns_and_pins_the_price(tmp_path):
    fast = banked_pair({"base_year": 2025, "base": 30, "growth": 0.08})
    with pytest.warns(UserWarning, match="faster than the discount rate"):
        scenario = model.load_scenario(fast)
    res = model.solve(scenario)
    assert res.price("MA", 2030) == pytest.approx(30 * 1.08 ** 5, rel=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.load_scenario(banked_pair({"base_year": 2025, "base": 30, "growth": 0.04}))  # slower: silent
    path = tmp_path / "fast.yaml"
    path.write_text(json.dumps(fast))
    code, _out, err = _run("run", str(path))
    assert code == 0 and "warning:" in err and "faster than the discount rate" in err


# --- one set of column names; JSON --------------------------------------------------------------

def test_csv_and_frames_share_column_names(tmp_path):
    res = model.solve(model.scenario_path("instruments.yaml"))
    res.to_csv(tmp_path)
    units = pd.read_csv(tmp_path / "columns.csv")
    for table in COLUMNS:
        header = list(pd.read_csv(tmp_path / f"{table}.csv").columns)
        assert header == list(getattr(res, table).columns) == [col(table, n) for n in COLUMNS[table]], table
        assert set(units.loc[units["file"] == f"{table}.csv", "column"]) == set(header)


def test_json_has_every_frame_as_records():
    code, out, _err = _run("run", str(model.scenario_path("two_markets.yaml")), "--json")
    assert code == 0
    data = json.loads(out)
    res = model.solve(model.scenario_path("two_markets.yaml"))
    for name, frame in res.frames().items():
        assert len(data[name]) == len(frame), name
        if len(frame):
            assert list(data[name][0]) == list(frame.columns), name
    assert data["prices"][0]["price_usd_per_t"] == pytest.approx(res.prices["price_usd_per_t"].iloc[0])


# --- gains against autarky ----------------------------------------------------------------------

def test_vs_autarky_adds_up_to_the_worlds_saving():
    s = model.load_scenario(banked_pair())
    linked, alone = model.solve(s), model.solve(model.autarky(s))
    per, world = vs_autarky(linked, alone)
    pv = world.set_index("period").loc["PV"]
    assert pv["saving_musd"] == pytest.approx(alone.total_cost() - linked.total_cost())
    assert per["gain_pv_musd"].sum() == pytest.approx(pv["saving_musd"], rel=1e-9, abs=1e-6)
    for row in world.to_dict("records"):
        assert row["sum_of_gains_musd"] == pytest.approx(row["saving_musd"], rel=1e-9, abs=1e-6)
    g = model.gains(s)
    assert g["gain_pv_musd"].sum() == pytest.approx(pv["saving_musd"], rel=1e-9, abs=1e-6)
    assert set(per.loc[per["jurisdiction"] == "A", "market"]) == {"MA"}


def test_cli_vs_autarky_prints_gains_and_the_identity():
    code, out, _err = _run("run", str(model.scenario_path("two_markets.yaml")), "--vs-autarky")
    assert code == 0
    assert "Against autarky" in out and "gain_musd" in out
    line = next(x for x in out.splitlines() if x.startswith("World saving"))
    saving, total = (float(v.replace(",", "")) for v in
                     (line.split(": ")[1].split(" million")[0], line.rsplit(" ", 1)[1]))
    assert saving == pytest.approx(total, abs=0.01) and saving > 0
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    out = out.getvalue()
    for name in ("model.gains", "model.compare", "model.autarky", "--vs-autarky", "--json"):
        assert name in " ".join(out.split()), name


# --- edits ------------------------------------------------------------------------------------

def test_with_jurisdiction_and_with_cap():
    s = model.load_scenario(model.scenario_path("two_linear.yaml"))
    t = with_jurisdiction(s, "A", bau=1100, mac__slope=0.4)
    assert t.jurisdictions["A"].bau[0] == 1100 and t.raw["jurisdictions"]["A"]["mac"] == {"type": "linear",
                                                                                        "slope": 0.4}
    assert s.jurisdictions["A"].bau[0] == 1000  # the old scenario is unchanged
    u = with_cap(s, "A_ETS", 750)
    assert u.markets["A_ETS"].cap[0] == 750
    # hand check: linked price (A_A + A_B) / (1/s_A + 1/s_B) = (250 + 200) / (5 + 20) = 18
    assert model.solve(u).price("A_ETS") == pytest.approx(18.0)
    with pytest.raises(KeyError, match="no market"):
        with_cap(s, "NOPE", 1)
    with pytest.raises(KeyError, match="no jurisdiction"):
        with_jurisdiction(s, "Z", bau=1)
    with pytest.raises(model.ScenarioError):
        with_cap(s, "A_ETS", -5)


# --- the bank of a link group ---------------------------------------------------------------------

def test_groups_report_the_banks_of_a_link_group():
    res = model.solve(banked_pair())
    g = res.groups.set_index(["link_group", "period"])
    p = res.prices
    assert list(res.groups.columns) == [col("groups", n) for n in COLUMNS["groups"]]
    for t in (2025, 2030):
        assert g.loc[("MA+MB", t), "bank_mt"] == pytest.approx(p.loc[p["period"] == t, "bank_mt"].sum())
    # the group banks what both caps leave over in 2025 and uses it up by 2030
    assert g.loc[("MA+MB", 2025), "bank_mt"] > 0 and g.loc[("MA+MB", 2030), "bank_mt"] == pytest.approx(0, abs=1e-6)
    assert g.loc[("MA+MB", 2025), "bank_change_mt"] == pytest.approx(g.loc[("MA+MB", 2025), "bank_mt"] / 5)
    assert g.loc[("MA+MB", 2030), "bank_change_mt"] == pytest.approx(-g.loc[("MA+MB", 2025), "bank_mt"] / 5)
    assert g.loc[("MA+MB", 2025), "price_usd_per_t"] == pytest.approx(res.price("MA", 2025))
    assert "one of many equal optima" in COLUMNS["prices"]["bank"][2]


# --- summary ----------------------------------------------------------------------------------------

def test_summary_shows_the_ledger_and_every_non_zero_instrument():
    text = model.solve(banked_pair()).summary()
    assert "Ledger 2025: integrity gap" in text and "hot air sold" in text
    assert "bank_mt" in text and "Banks of link groups" in text
    inst = model.solve(model.scenario_path("instruments.yaml"))
    text = inst.summary()
    for name in ("withheld", "extra_allowances", "shortfall"):
        if (inst.prices[col("prices", name)].abs() > 1e-9).any():
            assert col("prices", name) in text, name
    plain = model.solve(model.scenario_path("two_linear.yaml")).summary()
    assert "Ledger: integrity gap 0.00" in plain and "bank_mt" not in plain


# --- plots ------------------------------------------------------------------------------------------

def test_price_paths_draw_the_models_prices():
    res = model.solve(banked_pair())
    ax = plots.price_paths(res)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    for m in ("MA", "MB"):
        rows = res.prices[res.prices["market"] == m]
        assert list(lines[m].get_xdata()) == list(rows["period"])
        assert np.allclose(lines[m].get_ydata(), rows["price_usd_per_t"])


def test_price_sweep_draws_price_against_the_parameter():
    s = model.load_scenario(model.scenario_path("two_linear.yaml"))
    runs = [(cap, model.solve(with_cap(s, "A_ETS", cap))) for cap in (750, 800, 850)]
    ax = plots.price_sweep(runs, "A_ETS", xlabel="cap of A (Mt)")
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == [750, 800, 850]
    # p* = (A_A + A_B) / 25 with A_B = 200
    assert np.allclose(line.get_ydata(), [(250 + 200) / 25, (200 + 200) / 25, (150 + 200) / 25])


def test_linking_diagram_has_both_curves_and_both_prices():
    s = model.load_scenario(model.scenario_path("two_linear.yaml"))
    linked, alone = model.solve(s), model.solve(model.autarky(s))
    ax = plots.linking_diagram(linked, alone, "A_ETS", "B_ETS")
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    a, b = lines["MAC of A_ETS (from the left)"], lines["MAC of B_ETS (from the right)"]
    x = a.get_xdata()
    assert x[-1] == pytest.approx(400)  # 200 + 200 Mt to abate
    assert np.allclose(a.get_ydata(), 0.2 * x) and np.allclose(b.get_ydata(), 0.05 * (400 - x))
    assert lines["linked price"].get_ydata()[0] == pytest.approx(linked.price("A_ETS")) == pytest.approx(16)
    assert lines["autarky split"].get_xdata()[0] == pytest.approx(200)
    # the curves cross at the linked price
    i = np.argmin(abs(a.get_ydata() - b.get_ydata()))
    assert a.get_ydata()[i] == pytest.approx(16, abs=0.1)
    assert len(ax.collections) == 2  # the two gain areas
