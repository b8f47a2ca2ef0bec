"""Sweeps and Monte Carlo: one scenario solved for many variants.

A *variant* is a dict of dotted paths to values, the paths of :func:`model.edit.with_paths`
(``{"markets.EU_ETS.cap": 1200, "jurisdictions.A.mac.slope": 0.3}``)::

    from model.sweep import sweep, grid, monte_carlo
    s = sweep("two_linear.yaml", grid("markets.A_ETS.cap", 700, 900, 51))
    s.frame              # one row per variant, market and period: price, emissions, abatement, cost
    s.results(3)         # the full model.Results of variant 3, on demand

**The fast path.** The model is built once with Pyomo (the one formulation), compiled to arrays
(:func:`model.solver.compile_model`) and handed to one HiGHS instance in one call. The numbers of
the model (costs, bounds, right-hand sides, coefficients, the Hessian) are affine in the values a
sweep varies (caps, taxes, floors, import limits, linear MAC slopes, step costs, ...); the sweep
builds the model once more per varied path to find that affine map, checks it on further builds
(the extremes and midpoint of each path's range, and the variant farthest from the base), then
for each variant writes only the numbers that changed into the live HiGHS instance and re-solves
warm. Prices are read from HiGHS's solution arrays through the stored row and column maps and
routed exactly as :func:`model.solve` routes them.

**The fallback** (``fast=False``, or whenever the fast path does not apply) rebuilds and solves
each variant with :func:`model.solver.solve_scenario`. It applies to: scenarios with polynomial
or power curves (the sequential QP), a market stability reserve, withheld allowances that
return, ``shortfall: own`` (all solved by outer loops); variants that change the model's
structure (a new link, a market leaving, a member added, another number of periods) or whose
numbers are not affine in the varied values (e.g. a BAU that cuts off a different number of
step blocks); values that are not plain numbers. Both paths give the same prices to 1e-9
(``tests/test_sweep.py``).

**Parallelism.** ``executor=`` takes any :class:`concurrent.futures.Executor` (a process pool, a
Dask ``distributed.Client``): the variants are cut into contiguous chunks, each swept by one
worker. A progress bar (tqdm) shows on a terminal when a sweep takes longer than a second.

**Monte Carlo.** :func:`monte_carlo` draws variants from distributions given in a small YAML
section ``uncertainty:`` of a separate file (:func:`load_uncertainty`)::

    uncertainty:
      jurisdictions.A.mac.slope: {distribution: lognormal, median: 0.2, sigma: 0.3}
      jurisdictions.B.bau: {distribution: normal, mean: 2000, sd: 100}
      markets.A_ETS.cap: {distribution: uniform, low: 750, high: 850}
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .edit import _key, _split, with_paths
from .errors import ScenarioError
from .reader import load_scenario
from .spec import Scenario

__all__ = ["sweep", "Sweep", "grid", "product", "monte_carlo", "load_uncertainty", "DISTRIBUTIONS"]

#: The distributions of an ``uncertainty`` section and their parameters.
DISTRIBUTIONS = {"lognormal": ("median", "sigma"), "normal": ("mean", "sd"), "uniform": ("low", "high")}
#: Largest difference allowed between the numbers the fast path predicts and a fresh build's
#: (relative to 1 + |number|): above it the sweep falls back to rebuilding.
AFFINE_TOLERANCE = 1e-10


def grid(path: str, start: float, stop: float, n: int) -> list[dict]:
    """``n`` evenly spaced values of ``path`` from ``start`` to ``stop`` (both included)."""
    if n < 1:
        raise ValueError("a grid needs at least one point")
    return [{path: float(v)} for v in np.linspace(start, stop, n)]


def product(*grids: list[dict]) -> list[dict]:
    """Every combination of the given grids' variants (the Cartesian product)."""
    return [dict(kv for v in combo for kv in v.items()) for combo in itertools.product(*grids)]


def load_uncertainty(source) -> dict:
    """The ``uncertainty`` section of a YAML file (or a dict holding one): path -> distribution."""
    import yaml

    if isinstance(source, dict):
        raw = source
    else:
        with open(source, encoding="utf-8") as fh:
            raw = yaml.safe_load(fh) or {}
    spec = raw.get("uncertainty") if isinstance(raw, dict) else None
    where = str(source) if not isinstance(source, dict) else "<dict>"
    if not isinstance(spec, dict) or not spec:
        raise ScenarioError("needs a mapping 'uncertainty' of paths to distributions", field="uncertainty",
                            source=where)
    for path, dist in spec.items():
        field = f"uncertainty.{path}"
        if not isinstance(dist, dict) or dist.get("distribution") not in DISTRIBUTIONS:
            raise ScenarioError(f"needs 'distribution', one of {', '.join(DISTRIBUTIONS)}", field=field,
                                source=where)
        wanted = DISTRIBUTIONS[dist["distribution"]]
        extra = set(dist) - {"distribution", *wanted}
        if extra or any(not isinstance(dist.get(k), (int, float)) or isinstance(dist.get(k), bool) for k in wanted):
            raise ScenarioError(f"a {dist['distribution']} distribution takes the numbers {', '.join(wanted)} "
                                "and nothing else", field=field, source=where)
    return spec


def monte_carlo(uncertainty: dict, samples: int, seed: int = 0) -> list[dict]:
    """``samples`` variants drawn independently from the distributions of ``uncertainty`` (path ->
    ``{distribution: lognormal, median, sigma}`` | ``{normal, mean, sd}`` | ``{uniform, low, high}``),
    with numpy's generator seeded by ``seed``; the paths are drawn in sorted order."""
    spec = load_uncertainty({"uncertainty": uncertainty})
    rng = np.random.default_rng(seed)
    columns = {}
    for path in sorted(spec):
        d = spec[path]
        if d["distribution"] == "lognormal":
            columns[path] = d["median"] * np.exp(d["sigma"] * rng.standard_normal(samples))
        elif d["distribution"] == "normal":
            columns[path] = d["mean"] + d["sd"] * rng.standard_normal(samples)
        else:
            columns[path] = rng.uniform(d["low"], d["high"], samples)
    return [{p: float(columns[p][i]) for p in columns} for i in range(samples)]


@dataclass
class Sweep:
    """The results of a sweep.

    Attributes
    ----------
    scenario : Scenario
        The base scenario.
    variants : list of dict
        Path -> value, one per variant (the frame's ``variant`` is the position in this list).
    frame : pandas.DataFrame
        One row per variant, market (or credit programme) and period: the varied values (one
        column per path), ``price_usd_per_t``, ``emissions_mt``, ``abatement_mt`` and
        ``abatement_cost_musd`` (of the segments the market covers).
    solutions : list
        The :class:`model.solver.Solution` of each variant.
    fast : list of bool
        Whether each variant was solved on the fast path.
    seconds : float
    """

    scenario: Scenario
    variants: list
    frame: pd.DataFrame
    solutions: list
    fast: list
    seconds: float

    def results(self, i: int):
        """The full :class:`model.Results` of variant ``i`` (frames built on demand)."""
        from .results import Results, _frames

        sc, sol = with_paths(self.scenario, self.variants[i]), self.solutions[i]
        f = _frames(sc, sol)
        info = {"iterations": sol.iterations, "price_accuracy": sol.price_accuracy,
                "msr_rounds": sol.msr_iterations, "seconds": sol.seconds}
        return Results(sc, f["prices"], f["jurisdictions"], info, f["segments"], f["links"], f["ledger"],
                       f["payments"], f["parties"])


def sweep(scenario, variants: list[dict], *, fast: bool = True, executor=None, progress: bool | None = None,
          chunks: int | None = None, tolerance: float = 1e-9, time_limit: float = 60.0) -> Sweep:
    """Solve ``scenario`` for each variant (a dict of dotted paths to values).

    Parameters
    ----------
    scenario : Scenario, dict, str or pathlib.Path
    variants : list of dict
        Path -> value (:func:`model.edit.with_paths`), e.g. from :func:`grid` or :func:`monte_carlo`.
    fast : bool
        Use the fast path where it applies (the module docstring); False rebuilds every variant.
    executor : concurrent.futures.Executor, optional
        Spreads contiguous chunks of variants over its workers (a process pool, a Dask client).
    progress : bool, optional
        A tqdm progress bar; None (default): on a terminal, once the sweep has run a second.
    chunks : int, optional
        Number of chunks for ``executor`` (default: 4 per worker, at most one per variant).
    tolerance, time_limit
        As :func:`model.solve`.
    """
    start = time.perf_counter()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    variants = [dict(v) for v in variants]
    bar = _bar(len(variants), progress)
    options = {"tolerance": tolerance, "time_limit": time_limit}
    if executor is None or len(variants) <= 1:
        solutions, flags = _run(scenario, variants, fast, options, bar.update)
    else:
        workers = getattr(executor, "_max_workers", None) or 4
        n = max(1, min(len(variants), chunks or 4 * workers))
        bounds = np.linspace(0, len(variants), n + 1).astype(int)
        futures = [executor.submit(_run, scenario, variants[a:b], fast, options)
                   for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
        solutions, flags = [], []
        for fut in futures:  # in order: the results line up with the variants
            sols, fl = fut.result()
            solutions += sols
            flags += fl
            bar.update(len(sols))
    bar.close()
    frame = _frame(scenario, variants, solutions)
    return Sweep(scenario, variants, frame, solutions, flags, time.perf_counter() - start)


def _bar(total: int, progress: bool | None):
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is a dependency; without it, no bar
        progress = False
        tqdm = None
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return _NoBar()
    return tqdm(total=total, unit="variant", delay=0.0 if progress else 1.0, file=sys.stderr)


class _NoBar:
    def update(self, n=1):
        pass

    def close(self):
        pass


def _run(scenario: Scenario, variants: list, fast: bool, options: dict, tick=None) -> tuple[list, list]:
    """Solve the variants in order (one worker's chunk): the fast path where it applies."""
    from .solver import solve_scenario

    engine = None
    if fast and variants:
        try:
            engine = _Fast(scenario, variants, options["time_limit"])
        except _NoFast:
            engine = None
    solutions, flags = [], []
    for v in variants:
        sol = None
        if engine is not None:
            try:
                sol = engine.solve(v)
            except _NoFast:
                sol = None
        flags.append(sol is not None)
        if sol is None:
            sol = solve_scenario(with_paths(scenario, v), **options)
        solutions.append(sol)
        if tick is not None:
            tick(1)
    return solutions, flags


def _frame(scenario: Scenario, variants: list, solutions: list) -> pd.DataFrame:
    paths = list(dict.fromkeys(p for v in variants for p in v))
    rows = []
    for i, (v, sol) in enumerate(zip(variants, solutions, strict=True)):
        owner = {}
        for (j, o, t), seg in sol.segments.items():
            q = sol.abatement[(j, o, t)]
            acc = owner.setdefault((o, t), [0.0, 0.0, 0.0])
            acc[0] += seg.bau - q
            acc[1] += q
            acc[2] += seg.mac.cost(q, seg.bau)
        for (mk, t), p in sol.price.items():
            e, q, c = owner.get((mk, t), (0.0, 0.0, 0.0))
            rows.append({"variant": i, **{path: v.get(path) for path in paths}, "market": mk, "period": t,
                         "price_usd_per_t": p, "emissions_mt": e, "abatement_mt": q, "abatement_cost_musd": c})
    columns = ["variant", *paths, "market", "period", "price_usd_per_t", "emissions_mt", "abatement_mt",
               "abatement_cost_musd"]
    return pd.DataFrame(rows, columns=columns)


# --- the fast path ------------------------------------------------------------------------------


class _NoFast(Exception):
    """The fast path does not apply (to the sweep, or to one variant): rebuild."""


def _value(raw: dict, path: str) -> float:
    """The number at ``path`` in a scenario's raw form."""
    node = raw
    try:
        for part in _split(path):
            if isinstance(part, int):
                node = node[part]
            else:
                node = node[_key(node, part)]
    except (KeyError, IndexError, TypeError) as exc:
        raise _NoFast(path) from exc
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        raise _NoFast(path)
    return float(node)


def _plain(sc: Scenario, segs: dict) -> bool:
    """True when one solve (no sequential QP, no fixed point, no own-shortfall loop) solves ``sc``."""
    if any(s.mac.representation == "convex" for s in segs.values()):
        return False
    return not any(mk.msr is not None or (mk.price_floor is not None and mk.unsold == "return")
                   or mk.shortfall == "own" for mk in sc.markets.values())


class _Fast:
    """One HiGHS instance for a sweep; the model's numbers as an affine map of the varied values."""

    def __init__(self, base: Scenario, variants: list, time_limit: float):
        from .build import Inputs, build_model
        from .mechanisms import coverage
        from .solver import compile_model

        self.base, self.time_limit = base, time_limit
        self.paths = sorted({p for v in variants for p in v})
        x0 = np.array([_value(base.raw, p) for p in self.paths])
        for v in variants:
            for p, value in v.items():
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise _NoFast(p)
        self.x0 = x0
        segs = coverage.segments(base)
        if not _plain(base, segs):
            raise _NoFast("outer loops")
        m, ctx = build_model(base, segs, Inputs())
        self.m, self.ctx, self.segs = m, ctx, segs
        c0 = compile_model(m)
        self.c0 = c0

        def compiled(point: np.ndarray):
            sc = with_paths(base, dict(zip(self.paths, map(float, point), strict=True)))
            s = coverage.segments(sc)
            if not _plain(sc, s) or s.keys() != segs.keys():
                raise _NoFast("structure")
            c = compile_model(build_model(sc, s, Inputs(), scale=ctx.scale)[0])
            if c.col_keys != c0.col_keys or c.row_keys != c0.row_keys:
                raise _NoFast("structure")
            return c

        values = np.array([[v.get(p, x0[k]) for k, p in enumerate(self.paths)] for v in variants], float)
        probes, checks = [], []  # (point, compiled)
        for k in range(len(self.paths)):
            lo, hi = values[:, k].min(), values[:, k].max()
            points = [x for x in dict.fromkeys([hi, lo, 0.5 * (lo + hi)]) if x != x0[k]]
            for n, x in enumerate(points):
                point = x0.copy()
                point[k] = x
                (probes if n == 0 else checks).append((k, point, compiled(point)))
        if len(self.paths) > 1:
            span = np.maximum(values.max(axis=0) - values.min(axis=0), 1e-300)
            far = values[np.argmax((np.abs(values - x0) / span).sum(axis=1))]
            checks.append((-1, far, compiled(far)))
        everything = [c0] + [c for _k, _p, c in probes + checks]
        self.a_keys = sorted(set().union(*(c.a for c in everything)))
        self.q_keys = sorted(set().union(*(c.q for c in everything)))
        d0 = self._vector(c0)
        self.finite = np.isfinite(d0)
        self.infinite = d0[~self.finite]
        d0 = np.where(self.finite, d0, 0.0)
        self.gradient = np.zeros((len(self.paths), len(d0)))
        for k, point, c in probes:
            self.gradient[k] = (self._finite(c) - d0) / (point[k] - x0[k])
        self.d0 = d0
        for _k, point, c in checks:
            want = self._finite(c)
            if np.any(np.abs(self.predict(point) - want) > AFFINE_TOLERANCE * (1 + np.abs(want))):
                raise _NoFast("not affine")
        self._start()

    def _vector(self, c) -> np.ndarray:
        n = len(c.col_keys)
        cost = np.zeros(n)
        for i, value in c.cost.items():
            cost[i] = value
        return np.concatenate([cost, c.col_lo, c.col_hi, c.row_lo, c.row_hi,
                               [c.a.get(k, 0.0) for k in self.a_keys], [c.q.get(k, 0.0) for k in self.q_keys]])

    def _finite(self, c) -> np.ndarray:
        d = self._vector(c)
        if not np.array_equal(np.isfinite(d), self.finite):
            raise _NoFast("bounds")
        return np.where(self.finite, d, 0.0)

    def predict(self, point: np.ndarray) -> np.ndarray:
        return self.d0 + (point - self.x0) @ self.gradient

    def _parts(self, d: np.ndarray) -> dict:
        d = d.copy()
        d[~self.finite] = self.infinite
        n, r = len(self.c0.col_keys), len(self.c0.row_keys)
        cuts = np.cumsum([n, n, n, r, r, len(self.a_keys)])
        cost, col_lo, col_hi, row_lo, row_hi, a, q = np.split(d, cuts)
        return {"cost": cost, "col_lo": col_lo, "col_hi": col_hi, "row_lo": row_lo, "row_hi": row_hi, "a": a, "q": q}

    def _start(self) -> None:
        import highspy
        from pyomo.common.tee import capture_output

        from .solver import highs_from_arrays, highs_options

        p = self._parts(self.d0)
        ar = np.array([k[0] for k in self.a_keys], int)
        ac = np.array([k[1] for k in self.a_keys], int)
        self.q_rows = np.array([k[0] for k in self.q_keys], int)
        self.q_cols = np.array([k[1] for k in self.q_keys], int)
        self.a_rows, self.a_cols = ar, ac
        with capture_output(capture_fd=True):  # HiGHS prints a banner when made
            h = highspy.Highs()
        highs_options(h, len(self.c0.col_keys), self.time_limit)
        h.passModel(highs_from_arrays(len(self.c0.col_keys), p["cost"], p["col_lo"], p["col_hi"], p["row_lo"],
                                      p["row_hi"], ar, ac, p["a"], self.q_rows, self.q_cols, p["q"]))
        self.h, self.current = h, p

    def solve(self, variant: dict):
        """The :class:`model.solver.Solution` of one variant, or :class:`_NoFast`."""
        import highspy

        from .mechanisms import coverage
        from .solver import _read, _solution, _Solved, check_feasible, hessian

        start = time.perf_counter()
        sc = with_paths(self.base, variant)
        segs = coverage.segments(sc)
        if segs.keys() != self.segs.keys() or not _plain(sc, segs):
            raise _NoFast("structure")
        check_feasible(sc, segs)
        point = np.array([variant.get(p, self.x0[k]) for k, p in enumerate(self.paths)], float)
        new, cur, h = self._parts(self.predict(point)), self.current, self.h
        for name in ("cost", "col_lo", "col_hi", "row_lo", "row_hi", "a", "q"):
            if np.array_equal(new[name], cur[name]):
                continue
            idx = np.flatnonzero(new[name] != cur[name]).astype(np.int32)
            if name == "cost":
                h.changeColsCost(len(idx), idx, new["cost"][idx])
            elif name in ("col_lo", "col_hi"):
                h.changeColsBounds(len(idx), idx, new["col_lo"][idx], new["col_hi"][idx])
            elif name in ("row_lo", "row_hi"):
                h.changeRowsBounds(len(idx), idx, new["row_lo"][idx], new["row_hi"][idx])
            elif name == "a":
                for i in idx:
                    h.changeCoeff(int(self.a_rows[i]), int(self.a_cols[i]), float(new["a"][i]))
            else:
                h.passHessian(hessian(len(self.c0.col_keys), self.q_rows, self.q_cols, new["q"]))
        self.current = new
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self._start()  # a clean instance for the next variant; this one is rebuilt
            raise _NoFast("not optimal")
        solution = h.getSolution()
        m, c0 = self.m, self.c0
        x = list(solution.col_value)
        for var, value in zip(c0.cols, x, strict=True):
            var.set_value(value, skip_validation=True)
        duals = dict(zip(c0.rows, solution.row_dual, strict=True))
        ctx = dataclasses.replace(self.ctx, scenario=sc, segs=segs,
                                  weight={t: sc.discount_factor(t) * sc.years(t) for t in sc.periods})
        # values and row activities from HiGHS's arrays (the rows' bounds are the variant's)
        above = dict(zip(c0.rows, (a - lo for a, lo in zip(solution.row_value, new["row_lo"], strict=True)),
                         strict=True))
        raw = _read(m, ctx, duals, (dict(zip(c0.col_keys, x, strict=True)), above))
        # what is left unused, from the variant's row bounds (the Pyomo rows hold the base's)
        row_of = {key: i for i, key in enumerate(c0.row_keys)}
        activity = solution.row_value
        for key in m.balance:
            i = row_of[("balance", key)]
            cancel = raw.values.get(("cancel", key), 0.0)
            raw.unused[key] = ctx.scale * max(activity[i] - new["row_lo"][i], 0.0) + cancel
        return _solution(sc, _Solved(m, ctx, raw, 1, 0.0), {}, {}, 0, time.perf_counter() - start)
