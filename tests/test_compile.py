"""The model compiled to arrays (solver.compile_model) against Pyomo's own reading of it.

compile_model reads plainly stored bounds without Pyomo's resolution (a fast path); every
column's bounds, every row's bounds and coefficients, and the objective must equal what Pyomo's
public API gives, on every scenario file shipped with the package and on a model with domains
and parameters as bounds (the slow path).
"""

import math

import pyomo.environ as pyo
import pytest
from pyomo.repn import generate_standard_repn

import model
from model.build import Inputs, build_model
from model.mechanisms import coverage
from model.solver import compile_model


def _expected_bounds(v):
    if v.fixed:
        return v.value, v.value
    lo, hi = v.bounds
    return (-math.inf if lo is None else lo), (math.inf if hi is None else hi)


def _check(m):
    c = compile_model(m)
    for var, lo, hi in zip(c.cols, c.col_lo, c.col_hi, strict=True):
        assert (lo, hi) == _expected_bounds(var), var.name
    where = {id(v): k for k, v in enumerate(c.cols)}
    a = c.a
    fixed = [v for v in c.cols if v.fixed]  # columns too (their bounds hold the value): unfixed to read
    for v in fixed:
        v.unfix()
    for r, con in enumerate(c.rows):
        repn = generate_standard_repn(con.body, compute_values=True)
        want = {where[id(v)]: coef for v, coef in zip(repn.linear_vars, repn.linear_coefs, strict=True) if coef}
        got = {col: value for (row, col), value in a.items() if row == r}
        assert got.keys() == want.keys(), con.name
        for col, value in want.items():
            assert got[col] == pytest.approx(value, rel=1e-12, abs=1e-12), con.name
        lo = -math.inf if con.lower is None else pyo.value(con.lower) - repn.constant
        hi = math.inf if con.upper is None else pyo.value(con.upper) - repn.constant
        assert c.row_lo[r] == pytest.approx(lo, rel=1e-12, abs=1e-12)
        assert c.row_hi[r] == pytest.approx(hi, rel=1e-12, abs=1e-12)
    for v in fixed:
        v.fix()
    return c


@pytest.mark.parametrize("name", model.scenario_names())
def test_compiled_scenario_matches_pyomo(name):
    sc = model.load_scenario(model.scenario_path(name))
    segs = coverage.segments(sc)
    m, _ctx = build_model(sc, segs, Inputs())
    _check(m)


def test_domains_parameters_and_fixed_variables_take_pyomo_s_reading():
    m = pyo.ConcreteModel()
    m.p = pyo.Param(initialize=4.0, mutable=True)
    m.x = pyo.Var([1, 2], within=pyo.NonNegativeReals)  # lower bound from the domain
    m.y = pyo.Var(bounds=(None, m.p))  # upper bound from a parameter
    m.z = pyo.Var(bounds=(1, 3))
    m.z.fix(2.0)
    m.w = pyo.Var(within=pyo.UnitInterval, bounds=(-5, 0.5))  # the tighter of domain and bounds
    m.c = pyo.Constraint(expr=m.x[1] + 2 * m.x[2] + m.y + m.z + m.w >= 1)
    m.o = pyo.Objective(expr=m.x[1] + m.y)
    c = _check(m)
    bounds = dict(zip([v.name for v in c.cols], zip(c.col_lo, c.col_hi, strict=True), strict=True))
    assert bounds["x[1]"] == (0, math.inf)
    assert bounds["y"] == (-math.inf, 4.0)
    assert bounds["z"] == (2.0, 2.0)
    assert bounds["w"] == (0, 0.5)
