"""Bad input: one line naming the file, the field and what is wrong; the CLI exits 2 with no traceback."""

import contextlib
import io
import re
import subprocess
import sys
import tomllib
import types

import pytest
import yaml
from conftest import ROOT, edited

import model
from model import cli

GOOD = yaml.safe_load((ROOT / "scenarios" / "two_markets.yaml").read_text())


def edit(path, value):
    return edited(GOOD, path, value, lambda d: yaml.safe_load(yaml.safe_dump(d)))


def test_infeasible_names_market_and_shortfall():
    raw = edit("markets.AP_ETS.cap", 1000)  # KR can abate 150, JP 1100: 1700-1000 = 700 <= 1250 -> feasible
    raw["jurisdictions"]["JP"]["mac"] = {"type": "steps", "steps": [{"quantity": 100, "cost": 5}]}
    with pytest.raises(model.InfeasibleError) as info:
        model.solve(raw)
    assert "AP_ETS" in str(info.value) and "shortfall 450 Mt" in str(info.value)


def _cli(*args):
    """Run the command line in-process: (returncode, stdout, stderr), as a subprocess would give."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.chdir(ROOT):
        try:
            code = cli.main(list(args))
        except SystemExit as exc:  # --help
            code = exc.code
    return types.SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def test_cli_smoke_as_a_subprocess(tmp_path):
    """The one test that starts `python -m model`: the entry point works end to end."""
    out = subprocess.run([sys.executable, "-m", "model", "run", "scenarios/two_markets.yaml", "--out",
                          str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "prices.csv").exists() and "Total abatement cost" in out.stdout


def test_cli_run_writes_csv(tmp_path):
    out = _cli("run", "scenarios/two_markets.yaml", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    prices = (tmp_path / "prices.csv").read_text().splitlines()[0].split(",")
    assert {"market", "price_usd_per_t"} <= set(prices)
    cols = (tmp_path / "jurisdictions.csv").read_text().splitlines()[0].split(",")
    assert {"jurisdiction", "emissions_mt", "abatement_mt", "net_purchases_mt", "abatement_cost_musd"} <= set(cols)


def test_cli_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\njurisdictions:\n  EU: {bau: 10, mac: {type: linear, slope: 1}\n")
    out = _cli("check", str(bad))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert re.search(r"bad\.yaml:\d+: YAML syntax error", out.stderr)
    bad.write_text("jurisdictions:\n  EU: {bau: -1, mac: {type: linear, slope: 1}}\n")
    out = _cli("run", str(bad))
    assert out.returncode == 2 and out.stderr.strip().count("\n") == 0
    assert "jurisdictions.EU.bau" in out.stderr
    assert _cli("check", "missing.yaml").returncode == 2
    for args in (["--help"], ["run", "--help"], ["check", "--help"]):
        assert _cli(*args).returncode == 0


def test_every_scenario_file_checks():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert _cli("check", str(path)).returncode == 0, path


def test_environment_yml_pins_match_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = list(project["dependencies"]) + [d for group in project["optional-dependencies"].values() for d in group]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d for d in env["dependencies"] if isinstance(d, dict))["pip"]
    assert sorted(p.lower() for p in pins) == sorted(p.lower() for p in pip)


def test_cli_run_writes_every_table_with_units(tmp_path):
    out = _cli("run", "scenarios/instruments.yaml", "--out", str(tmp_path))
    assert out.returncode == 0, out.stderr
    columns = (tmp_path / "columns.csv").read_text()
    for table, cols in model.COLUMNS.items():
        header = (tmp_path / f"{table}.csv").read_text().splitlines()[0].split(",")
        names = [model.results.col(table, name) for name in cols]
        assert header == names, table
        for name in names:
            assert f"{table}.csv,{name}," in columns


def test_infeasible_credit_baseline_names_the_programme():
    raw = {"jurisdictions": {"EU": {"bau": 100, "mac": {"type": "linear", "slope": 1}},
                             "IN": {"bau": 50, "mac": {"type": "steps", "steps": [{"quantity": 10, "cost": 5}]}}},
           "markets": {"ETS": {"members": ["EU"], "cap": 90}},
           "credits": {"CDM": {"hosts": ["IN"], "baseline": {"IN": 30}}},
           "links": [{"markets": ["CDM", "ETS"], "direction": "one-way"}]}
    with pytest.raises(model.InfeasibleError) as info:
        model.solve(raw)
    text = info.value.one_line()
    assert "credits.CDM.baseline" in text and "host IN" in text and "shortfall 10 Mt" in text


def test_cli_infeasible_exit_code(tmp_path):
    bad = tmp_path / "tight.yaml"
    bad.write_text("periods: [2025, 2030]\njurisdictions:\n  A: {bau: 100, mac: {type: steps, steps: "
                   "[{quantity: 20, cost: 10}]}}\nmarkets:\n  M: {members: [A], cap: 75, banking: true}\n")
    out = _cli("run", str(bad))
    assert out.returncode == 3 and out.stderr.strip().count("\n") == 0 and "Traceback" not in out.stderr
    assert "market M cannot meet its cap over all periods" in out.stderr and "shortfall 50 Mt" in out.stderr


def test_with_market_changes_one_market_only():
    sc = model.load_scenario(ROOT / "scenarios" / "instruments.yaml")
    tighter = sc.with_market("EU_ETS", cap=500, price_floor=None)
    assert tighter.markets["EU_ETS"].cap == {t: 500.0 for t in sc.periods}
    assert tighter.markets["EU_ETS"].price_floor is None and tighter.markets["EU_ETS"].banking
    assert tighter.markets["CH_ETS"] == sc.markets["CH_ETS"]
    assert sc.markets["EU_ETS"].cap[2025] == 900  # the original is unchanged
    with pytest.raises(KeyError):
        sc.with_market("NOPE", cap=1)


def test_solver_time_limit_is_a_clear_error():
    with pytest.raises(model.SolveError, match=r"time limit of 0 s: pass a larger time_limit"):
        model.solve(ROOT / "scenarios" / "instruments.yaml", time_limit=0.0)


def test_cli_time_limit_is_one_line_with_exit_code_4():
    out = _cli("run", str(ROOT / "scenarios" / "instruments.yaml"), "--time-limit", "0")
    assert out.returncode == 4
    assert out.stderr.strip().count("\n") == 0
    assert "instruments.yaml" in out.stderr and "time limit" in out.stderr
