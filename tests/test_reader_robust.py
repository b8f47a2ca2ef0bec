"""No traceback on any input: every malformed scenario ends in one ScenarioError line naming the field.

A table of malformed inputs (Python dicts and YAML text), the command line run in-process, a
fuzz test that replaces values of valid scenarios by junk, and one test per validation friction
(shares written as percentages, price zones in ``model check``, the message of ``Results.price``,
years written as text, credit hosts without uncovered emissions).
"""

from __future__ import annotations

import copy
import math

import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import model
from model import cli

TWO = yaml.safe_load((ROOT / "scenarios" / "two_markets.yaml").read_text())

# A small scenario with two periods and most of the format: banking with an MSR, a per-period
# cap, an allocation, price controls, a rule-based cap, a credit programme and both kinds of link.
BASE = {
    "name": "base",
    "periods": [2025, 2030],
    "discount_rate": 0.03,
    "jurisdictions": {
        "A": {"bau": 100, "mac": {"type": "linear", "slope": 1}},
        "B": {"bau": {2025: 120, 2030: 110}, "mac": {"type": "polynomial", "coefficients": [0.5, 0.01]}},
        "C": {"bau": 80, "mac": {"type": "steps", "steps": [{"quantity": 10, "cost": 5}, {"quantity": 20, "cost": 9}]}},
        "H": {"bau": 50, "mac": {"type": "power", "kappa": 1}},
    },
    "markets": {
        "MA": {"members": ["A"], "cap": 80, "banking": True, "msr": {"intake_rate": 0.24, "start": 2030},
               "price_floor": 5, "auction_share": 0.5},
        "MB": {"members": ["B"], "cap": {2025: 100, 2030: 90}, "coverage": 0.9,
               "allocation": {"B": {2025: 100, 2030: 90}}},
        "MC": {"members": ["C"], "cap": {"type": "linear_reduction", "base_year": 2025, "base": 70, "factor": 0.02,
                                         "rebase": {2030: 1}},
               "price_ceiling": 100, "cost_containment_reserve": {"trigger": 50, "volume": 5}},
    },
    "credits": {"CDM": {"hosts": ["H"], "additionality": 0.6}},
    "links": [["MA", "MB"],
              {"markets": ["CDM", "MA"], "direction": "one-way", "import_limit": 0.1, "transaction_cost": 1},
              {"markets": ["MC", "MB"], "direction": "one-way", "exchange_rate": 0.8}],
}


def edit(base, path, value):
    """A deep copy of ``base`` with the value at dotted ``path`` replaced (``[i]`` indexes a list)."""
    raw = copy.deepcopy(base)
    node, keys = raw, path.replace("[", ".[").split(".")
    for k in keys[:-1]:
        node = node[int(k[1:-1])] if k.startswith("[") else node[int(k) if k.isdecimal() else k]
    last = keys[-1]
    node[int(last[1:-1]) if last.startswith("[") else (int(last) if last.isdecimal() else last)] = value
    return raw


def deep_list(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def test_base_scenarios_load():
    model.load_scenario(BASE)
    model.load_scenario(TWO)


HUGE = 10 ** 400
CASES = [
    # a mapping or a list where a name is expected
    (edit(TWO, "links", [[{"EU_ETS": 1}, "CN_ETS"]]), "links[0][0]", "name"),
    (edit(TWO, "markets.EU_ETS.members", [{"A": 1}]), "markets.EU_ETS.members[0]", "name"),
    (edit(TWO, "markets.EU_ETS.members", [["A"]]), "markets.EU_ETS.members[0]", "name"),
    (edit(TWO, "markets.EU_ETS.members", [None]), "markets.EU_ETS.members[0]", "name"),
    (edit(TWO, "markets.EU_ETS.members", [1]), "markets.EU_ETS.members[0]", "quote it"),
    (edit(TWO, "links", [{"markets": ["EU_ETS", ["CN_ETS"]]}]), "links[0].markets[1]", "name"),
    (edit(BASE, "credits.CDM.hosts", [{"H": 1}]), "credits.CDM.hosts[0]", "name"),
    (edit(BASE, "credits.CDM.hosts", "H"), "credits.CDM.hosts", "must be a list"),
    # names that are not text, as mapping keys
    ({**TWO, "jurisdictions": {**TWO["jurisdictions"], False: TWO["jurisdictions"]["EU"]}}, "jurisdictions.boolean False",
     "quote the name"),
    ({**TWO, "jurisdictions": {**TWO["jurisdictions"], 7: TWO["jurisdictions"]["EU"]}}, "jurisdictions.7", "quote it"),
    ({**TWO, "markets": {**TWO["markets"], (1, 2): {"members": ["EU"], "cap": 1}}}, "markets.tuple (1, 2)", "name"),
    ({**BASE, "credits": {None: {"hosts": ["H"]}}}, "credits.nothing", "name"),
    ({**TWO, "jurisdictions": {**TWO["jurisdictions"], "": TWO["jurisdictions"]["EU"]}}, "jurisdictions.", "empty"),
    ({**TWO, "jurisdictions": {**TWO["jurisdictions"], "a\nb": TWO["jurisdictions"]["EU"]}}, "jurisdictions.a\\nb",
     "one line"),
    # numbers: huge, not finite, not numbers
    (edit(TWO, "jurisdictions.EU.bau", HUGE), "jurisdictions.EU.bau", "too large"),
    (edit(TWO, "jurisdictions.EU.mac.slope", HUGE), "jurisdictions.EU.mac.slope", "too large"),
    (edit(TWO, "jurisdictions.EU.mac.slope", -HUGE), "jurisdictions.EU.mac.slope", "too large"),
    (edit(TWO, "jurisdictions.EU.bau", 1e300), "jurisdictions.EU.bau", "too large"),
    (edit(TWO, "jurisdictions.EU.bau", math.nan), "jurisdictions.EU.bau", "finite"),
    (edit(TWO, "jurisdictions.EU.bau", math.inf), "jurisdictions.EU.bau", "finite"),
    (edit(TWO, "jurisdictions.EU.bau", "1500"), "jurisdictions.EU.bau", "without quotes"),
    (edit(TWO, "jurisdictions.EU.bau", True), "jurisdictions.EU.bau", "must be a number"),
    (edit(TWO, "jurisdictions.EU.bau", deep_list(20_000)), "jurisdictions.EU.bau", "must be a number"),
    (edit(TWO, "jurisdictions.CN.mac.coefficients", [0.1, HUGE]), "jurisdictions.CN.mac.coefficients[1]", "too large"),
    (edit(TWO, "jurisdictions.KR.mac.steps", [{"quantity": HUGE, "cost": 1}]), "jurisdictions.KR.mac.steps[0].quantity",
     "too large"),
    (edit(TWO, "jurisdictions.JP.mac.kappa", [1]), "jurisdictions.JP.mac.kappa", "must be a number"),
    (edit(BASE, "discount_rate", HUGE), "discount_rate", "too large"),
    (edit(BASE, "markets.MA.cap", {2025: 1, 2030: HUGE}), "markets.MA.cap.2030", "too large"),
    (edit(BASE, "markets.MA.msr", {"upper": HUGE}), "markets.MA.msr.upper", "too large"),
    (edit(BASE, "markets.MC.cost_containment_reserve", {"trigger": [5], "volume": 1}),
     "markets.MC.cost_containment_reserve.trigger", "must be a number"),
    (edit(BASE, "links[2].exchange_rate", HUGE), "links[2].exchange_rate", "too large"),
    # type names and choices that are not text
    (edit(TWO, "jurisdictions.EU.mac", {"type": ["linear"]}), "jurisdictions.EU.mac.type", "unknown MAC type"),
    (edit(TWO, "jurisdictions.EU.mac", {"type": {"linear": 1}}), "jurisdictions.EU.mac.type", "unknown MAC type"),
    (edit(BASE, "markets.MC.cap.type", {"a": 1}), "markets.MC.cap.type", "must be one of"),
    (edit(BASE, "markets.MA.obligation", ["result"]), "markets.MA.obligation", "must be one of"),
    (edit(BASE, "markets.MA.msr", {"rule": 2023.0}), "markets.MA.msr.rule", "must be one of"),
    (edit(BASE, "links[1].direction", True), "links[1].direction", "must be one of"),
    # years
    (edit(BASE, "periods", [2025, HUGE]), "periods[1]", "year between"),
    (edit(BASE, "periods", [2025, "2030"]), "periods[1]", "without quotes"),
    (edit(BASE, "markets.MC.cap.base_year", -HUGE), "markets.MC.cap.base_year", "year between"),
    (edit(BASE, "markets.MA.msr", {"start": [2025]}), "markets.MA.msr.start", "whole year"),
    # keys of per-period maps
    (edit(BASE, "jurisdictions.A.bau", {(2025,): 1}), "jurisdictions.A.bau.tuple (2025,)", "years as keys"),
    (edit(BASE, "jurisdictions.A.bau", {True: 1}), "jurisdictions.A.bau.boolean True", "years as keys"),
    (edit(BASE, "jurisdictions.A.bau", {"twenty": 1}), "jurisdictions.A.bau.twenty", "years as keys"),
    (edit(BASE, "jurisdictions.A.bau", {"2025": 1, 2025: 2, 2030: 1}), "jurisdictions.A.bau.2025",
     "period 2025 is given twice (keys '2025' and 2025)"),
    (edit(BASE, "markets.MC.cap.rebase", {"2035": 1}), "markets.MC.cap.rebase.2035", "not one of"),
    (edit(TWO, "markets.EU_ETS.cap", {2030: 1}), "markets.EU_ETS.cap.2030", "gives no `periods`"),
    # unknown keys that are not text
    (edit(BASE, "markets.MB.allocation", {("B",): 1}), "markets.MB.allocation.tuple ('B',)", "unknown key"),
    (edit(TWO, "jurisdictions.EU", {"bau": 1, "mac": {"type": "linear", "slope": 1}, 3: 4}), "jurisdictions.EU.3",
     "unknown key"),
    # sections of the wrong type
    (edit(TWO, "markets", 0), "markets", "must be a mapping"),
    (edit(TWO, "markets", [["EU_ETS"]]), "markets", "must be a mapping"),
    (edit(TWO, "links", 0), "links", "must be a list"),
    (edit(TWO, "links", [7]), "links[0]", "must be a list of market names"),
    (edit(BASE, "credits", "CDM"), "credits", "must be a mapping"),
    (edit(BASE, "credits.CDM.baseline", {"H": [1]}), "credits.CDM.baseline.H", "must be a number"),
    (edit(TWO, "name", ["x"]), "name", "must be a string"),
    (edit(TWO, "description", {"a": 1}), "description", "must be a string"),
    (edit(BASE, "markets.MA.banking", "yes"), "markets.MA.banking", "true or false"),
]


@pytest.mark.parametrize("raw,field,words", CASES, ids=[f"{i}:{c[1]}" for i, c in enumerate(CASES)])
def test_malformed_input_is_one_line_naming_the_field(raw, field, words):
    with pytest.raises(model.ScenarioError) as info:
        model.load_scenario(raw)
    text = str(info.value)
    assert f": {field}: " in text and words in text, text
    assert "\n" not in text and len(text) < 400, text


SCENARIO_HEAD = """\
jurisdictions:
  MA: &j {bau: 10, mac: {type: linear, slope: 1}}
  MB: *j
markets:
  MA: {members: &mem [MA], cap: 5}
  MB: {members: [MB], cap: 5}
"""

YAML_CASES = [
    # anchors and aliases: a mapping or a list where a name is expected
    (SCENARIO_HEAD + "links: [[&x {MA: 1}, MB], [*x, MB]]\n", "links[0][0]", "name"),
    (SCENARIO_HEAD.replace("members: [MB]", "members: [*mem]") + "links: [[MA, MB]]\n", "markets.MB.members[0]", "name"),
    (SCENARIO_HEAD + "links: [[MA, MB], *j]\n", "links[1].bau", "unknown key 'bau'"),
    # an alias that refers to itself: a list that contains itself
    (SCENARIO_HEAD + "links: &r [[MA, MB], *r]\n", "links[1][0]", "name"),
    # huge numbers
    (SCENARIO_HEAD.replace("bau: 10", "bau: " + "9" * 400), "jurisdictions.MA.bau", "too large"),
    (SCENARIO_HEAD.replace("slope: 1", "slope: " + "9" * 400), "jurisdictions.MA.mac.slope", "too large"),
    (SCENARIO_HEAD.replace("bau: 10", "bau: " + "9" * 5000), "", "cannot read the YAML"),
    (SCENARIO_HEAD.replace("bau: 10", "bau: .nan"), "jurisdictions.MA.bau", "finite"),
    (SCENARIO_HEAD.replace("slope: 1", "slope: -.inf"), "jurisdictions.MA.mac.slope", "finite"),
    # YAML 1.1 booleans and dates as names
    (SCENARIO_HEAD.replace("  MB: *j", "  NO: *j"), "jurisdictions.boolean False", "'NO' (Norway)"),
    (SCENARIO_HEAD.replace("members: [MB]", "members: [ON]"), "markets.MB.members[0]", "'ON' (Ontario)"),
    (SCENARIO_HEAD.replace("  MB: *j", "  2030-01-01: *j"), "jurisdictions.date 2030-01-01",
     "quote it to make it a name, e.g. '2030-01-01'"),
    # 20,000 nested brackets, in a value and as the whole file
    (SCENARIO_HEAD.replace("bau: 10", "bau: " + "[" * 20_000 + "]" * 20_000), "", "nested too deeply"),
    ("[" * 20_000 + "]" * 20_000, "", "nested too deeply"),
    ("{a: " * 20_000 + "1" + "}" * 20_000, "", "nested too deeply"),
]


@pytest.mark.parametrize("text,field,words", YAML_CASES, ids=[f"{i}:{c[1]}" for i, c in enumerate(YAML_CASES)])
def test_malformed_yaml_is_one_line_naming_the_field(tmp_path, text, field, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(model.ScenarioError) as info:
        model.load_scenario(path)
    message = str(info.value)
    assert message.startswith(str(path)) and words in message, message
    if field:
        assert f": {field}: " in message, message
    assert "\n" not in message and len(message) < 400, message


@pytest.mark.parametrize("text,field,words", YAML_CASES[:-3:3] + YAML_CASES[-1:])
def test_cli_exits_2_with_one_line(tmp_path, capsys, text, field, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    for command in ("check", "run"):
        assert cli.main([command, str(path)]) == 2
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err and err.startswith("error: ") and err.count("\n") == 1, err
        assert words in err


@pytest.mark.parametrize("exc", [RecursionError("maximum recursion depth exceeded"), MemoryError(), KeyError("x")])
def test_cli_catches_anything_unexpected_while_loading(monkeypatch, capsys, exc):
    def broken(_):
        raise exc

    monkeypatch.setattr(cli, "load_scenario", broken)
    assert cli.main(["check", "whatever.yaml"]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("error: whatever.yaml: cannot read the scenario (") and err.count("\n") == 1, err
    assert type(exc).__name__ in err and "Traceback" not in out + err


# --- fuzz: replace values of valid scenarios by junk -------------------------------------------

FUZZ_BASES = [BASE, TWO] + [yaml.safe_load((ROOT / "scenarios" / f).read_text())
                            for f in ("instruments.yaml", "corsia.yaml", "eu_ets_2023.yaml")]


def _positions(node, out, path=(), depth=8):
    """Every path (a tuple of keys) to a value inside ``node``, down to ``depth`` levels."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        out.append(path + (key,))
        if depth > 1:
            _positions(value, out, path + (key,), depth - 1)
    return out


def _words(node, out):
    if isinstance(node, str):
        out.add(node)
    elif isinstance(node, dict):
        for k, v in node.items():
            out.add(k) if isinstance(k, str) else None
            _words(v, out)
    elif isinstance(node, list):
        for v in node:
            _words(v, out)
    return out


WORDS = sorted(set().union(*(_words(b, set()) for b in FUZZ_BASES)) | {"2030", "2025", "-1", "1e400", ""})
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-10**2, 10**4),
    st.integers(min_value=10**300, max_value=10**420) | st.integers(max_value=-10**300, min_value=-10**420),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -0.0]),
    st.text(max_size=8), st.sampled_from(WORDS),
)
KEYS = st.one_of(st.sampled_from(WORDS), st.text(max_size=5), st.integers(2000, 2040), st.booleans(), st.none())
JUNK = st.one_of(
    st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
                 max_leaves=8),
    st.builds(deep_list, st.just(3000)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_fuzz_load_scenario_raises_only_scenario_errors(data):
    raw = copy.deepcopy(data.draw(st.sampled_from(FUZZ_BASES), label="base"))
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        positions = _positions(raw, [])
        if not positions:
            break
        path = data.draw(st.sampled_from(positions), label="path")
        parent = raw
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and data.draw(st.booleans(), label="replace the key"):
            parent[data.draw(KEYS, label="key")] = parent.pop(path[-1])
        else:
            parent[path[-1]] = data.draw(JUNK, label="junk")
    try:
        model.load_scenario(raw)
    except model.ScenarioError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 600, str(exc)


# --- frictions (issue 16) -----------------------------------------------------------------------

@pytest.mark.parametrize("path,value,field,words", [
    ("links[1].import_limit", 8, "links[1].import_limit", "did you mean 0.08? (for an absolute limit use `import_limit_mt`"),
    ("links[1].import_limit", {2025: 0.1, 2030: 20}, "links[1].import_limit.2030", "did you mean 0.2?"),
    ("credits.CDM.additionality", 60, "credits.CDM.additionality", "share above 0 and 1, not a percentage (got 60); "
                                                                  "did you mean 0.6?"),
    ("markets.MB.coverage", 90, "markets.MB.coverage", "did you mean 0.9?"),
    ("markets.MA.auction_share", 50, "markets.MA.auction_share", "did you mean 0.5?"),
    ("markets.MA.msr.intake_rate", 24, "markets.MA.msr.intake_rate", "did you mean 0.24?"),
    ("markets.MC.cap.factor", 2.2, "markets.MC.cap.factor", "did you mean 0.022?"),
    ("markets.MB.coverage", 250, "markets.MB.coverage", "share between 0 and 1, not a percentage (got 250)"),
])
def test_shares_above_one_are_refused_with_a_hint(path, value, field, words):
    with pytest.raises(model.ScenarioError) as info:
        model.load_scenario(edit(BASE, path, value))
    assert f": {field}: must be a share" in str(info.value) and words in str(info.value), str(info.value)


def test_import_limit_of_one_or_less_still_accepted():
    assert model.load_scenario(edit(BASE, "links[1].import_limit", 1)).links[1].import_limit == {2025: 1.0, 2030: 1.0}


def _check(tmp_path, capsys, raw):
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert cli.main(["check", str(path)]) == 0
    return capsys.readouterr().out


THREE = {
    "jurisdictions": {j: {"bau": 100, "mac": {"type": "linear", "slope": s}} for j, s in (("X", 1), ("Y", 2), ("Z", 3))},
    "markets": {m: {"members": [j], "cap": 80} for m, j in (("MX", "X"), ("MY", "Y"), ("MZ", "Z"))},
}


@pytest.mark.parametrize("links,zones", [
    ([["MX", "MY", "MZ"]], "3 markets in 1 link group, 1 price zone,"),
    ([["MX", "MY"], ["MY", "MZ"]], "3 markets in 1 link group, 1 price zone,"),
    ([{"markets": ["MX", "MY"], "import_limit": 0.1}, {"markets": ["MY", "MZ"], "exchange_rate": 0.5}],
     "3 markets in 1 link group, 3 price zones,"),
    ([["MX", "MY"], {"markets": ["MY", "MZ"], "transaction_cost": 2}], "3 markets in 1 link group, 2 price zones,"),
    ([["MX", "MY"], {"markets": ["MY", "MZ"], "transaction_cost": 0, "description": "free"}],
     "3 markets in 1 link group, 1 price zone,"),
    ([{"markets": ["MX", "MY"], "direction": "one-way"}, {"markets": ["MZ", "MY"], "import_limit_mt": 5}],
     "3 markets in 1 link group, 3 price zones,"),
    ([], "3 markets in 3 link groups, 3 price zones,"),
])
def test_check_counts_price_zones_as_the_run_would(tmp_path, capsys, links, zones):
    out = _check(tmp_path, capsys, {**THREE, "links": links})
    assert f"3 jurisdictions, {zones} 1 period\n" in out, out


def test_check_summary_singular_and_credits(tmp_path, capsys):
    one = {"jurisdictions": {"X": THREE["jurisdictions"]["X"]}, "markets": {"MX": THREE["markets"]["MX"]}}
    assert "1 jurisdiction, 1 market in 1 link group, 1 price zone, 1 period\n" in _check(tmp_path, capsys, one)
    out = _check(tmp_path, capsys, BASE)
    assert "4 jurisdictions, 3 markets and 1 credit programme in 1 link group, 3 price zones, 2 periods" in out, out


def test_check_price_zones_match_solved_prices():
    raw = {**THREE, "links": [{"markets": ["MX", "MY"], "import_limit": 0.01}, ["MY", "MZ"]]}
    scenario = model.load_scenario(raw)
    res = model.solve(scenario)
    prices = {round(res.price(m), 6) for m in scenario.markets}
    assert cli.price_zones(scenario) == len(prices) == 2


def test_price_lookup_error_lists_markets_and_periods():
    res = model.solve(BASE)
    with pytest.raises(KeyError) as info:
        res.price("Y")
    assert "'MA', 'MB', 'MC', 'CDM'" in str(info.value), str(info.value)
    with pytest.raises(KeyError) as info:
        res.price("MA")
    assert "give one of the periods [2025, 2030]" in str(info.value), str(info.value)
    with pytest.raises(KeyError) as info:
        res.price("MA", 2027)
    assert "no price for market 'MA' in period 2027; the periods are [2025, 2030]" in str(info.value)
    assert res.price("MA", 2030) >= 5


def test_years_written_as_text_are_read_as_years(tmp_path):
    text = yaml.safe_dump(BASE).replace("2025:", "'2025':").replace("2030:", "'2030':")
    assert "'2030': 90" in text
    path = tmp_path / "s.yaml"
    path.write_text(text)
    assert model.load_scenario(path).markets == model.load_scenario(BASE).markets
    single = edit(BASE, "markets.MA.cap", {"2030": 250, " 2025 ": 240})
    assert model.load_scenario(single).markets["MA"].cap == {2025: 240.0, 2030: 250.0}
    with pytest.raises(model.ScenarioError, match=r"markets\.MA\.cap\.2035: is not one of the scenario's periods "
                                                   r"\[2025, 2030\]"):
        model.load_scenario(edit(BASE, "markets.MA.cap", {"2030": 250, "2035": 240}))


def test_credit_host_fully_covered_is_refused():
    raw = edit(BASE, "markets.MA.members", ["A", "H"])
    with pytest.raises(model.ScenarioError) as info:
        model.load_scenario(raw)
    assert ("credits.CDM.hosts[0]: jurisdiction 'H' has no uncovered emissions in any period (market 'MA' covers "
            "all of its emissions), so it can earn no credits") in str(info.value), str(info.value)
    # covered in part, or fully covered in one period only: accepted
    model.load_scenario(edit(raw, "markets.MA.coverage", 0.8))
    model.load_scenario(edit(raw, "markets.MA.coverage", {2025: 1, 2030: 0.5}))
    # a host with no emissions at all
    with pytest.raises(model.ScenarioError, match=r"'H' has no uncovered emissions in any period \(its BAU is 0\)"):
        model.load_scenario(edit(BASE, "jurisdictions.H.bau", 0))
    # a baseline above the (zero) uncovered emissions issues credits without reductions: accepted, as documented
    model.load_scenario(edit(raw, "credits.CDM.baseline", {"H": 5}))
