"""Sweeps and Monte Carlo: one scenario solved for many variants.

A *variant* is a dict of dotted paths to values, the paths of :func:`model.edit.with_paths`
(``{"markets.EU_ETS.cap": 1200, "jurisdictions.A.mac.slope": 0.3}``)::

    from model.sweep import sweep, grid, monte_carlo
    s = sweep("two_linear.yaml", grid("markets.A_ETS.cap", 700, 900, 51))
    s.frame              # one row per variant, market and period: price, emissions, abatement, cost
    s.results(3)         # the full model.Results of variant 3, on demand

**The fast path.** The model is built once with Pyomo (the one formulation) and compiled to
arrays (:func:`model.solver.compile_model`). The numbers of the model (costs, bounds, right-hand
sides, coefficients, the Hessian) and the scenario's numbers the frame needs (weights, BAU, the
curves, caps, taxes) are affine in the values a sweep varies (caps, taxes, floors, import limits,
linear MAC slopes, step costs, ...); the sweep builds the model once more per varied path to
find that affine map and checks it on further builds (with one or two paths the other end and
the midpoint of each path's range; with more, every path at its lowest value and every path at
its midpoint; and the variant farthest from the base). These builds read the varied values'
extremes with the full reader, and with up to four paths every corner of the box of values too
(with more, the corners of each market's, jurisdiction's or programme's paths; where those are
too many, each variant is read in full); a variant is not re-read otherwise. Per variant the
optimum is then found without a new model: the KKT conditions of a recent optimum's active set
(which columns sit at a bound, which rows bind) are solved with numpy and checked (bounds, row
activities, reduced costs and the signs of the duals); where they hold, that is the optimum of
the convex LP or QP. Where they fail (the active set changed), the changed numbers are written
into one live HiGHS instance, which re-solves warm, and its new active set is kept. Prices come
from the balance rows' duals exactly as :func:`model.solve` routes them (where a cap falls
exactly on the edge of a step curve's block, the price is any value between the two blocks'
costs, and the sweep may report another one than a new solve), and the frame is
computed from the arrays for all variants; full results (:meth:`Sweep.results`) are solved on
demand. A variant HiGHS cannot solve to optimality (an infeasible cap, say) goes to the
rebuild, which reports the error as :func:`model.solve` does.

**The fallback** (``fast=False``, or whenever the fast path does not apply) rebuilds and solves
each variant with :func:`model.solver.solve_scenario`. It applies to: scenarios with polynomial
or power curves (the sequential QP), a market stability reserve, withheld allowances that
return, ``shortfall: own``, traded goods (all solved by outer loops); variants that change the model's
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
from .solver import DUAL_ZERO
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
    fast : list of bool
        Whether each variant was solved on the fast path.
    seconds : float
    """

    scenario: Scenario
    variants: list
    frame: pd.DataFrame
    fast: list
    seconds: float
    _solved: list = dataclasses.field(default_factory=list, repr=False)  # Solution or None (not yet built)
    options: dict = dataclasses.field(default_factory=dict, repr=False)

    def solution(self, i: int):
        """The :class:`model.solver.Solution` of variant ``i``: kept from a rebuilt variant; for a
        variant of the fast path, solved on demand by :func:`model.solver.solve_scenario` (once)."""
        from .solver import solve_scenario

        if not self._solved:
            self._solved = [None] * len(self.variants)
        if self._solved[i] is None:
            self._solved[i] = solve_scenario(with_paths(self.scenario, self.variants[i]), **self.options)
        return self._solved[i]

    @property
    def solutions(self) -> list:
        """The :class:`model.solver.Solution` of every variant (built on demand: see :meth:`solution`)."""
        return [self.solution(i) for i in range(len(self.variants))]

    def results(self, i: int):
        """The full :class:`model.Results` of variant ``i`` (frames built on demand)."""
        from .results import Results, _frames

        sc, sol = with_paths(self.scenario, self.variants[i]), self.solution(i)
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
        rows, solved, flags = _run(scenario, variants, fast, options, bar.update)
    else:
        workers = getattr(executor, "_max_workers", None) or 4
        n = max(1, min(len(variants), chunks or 4 * workers))
        bounds = np.linspace(0, len(variants), n + 1).astype(int)
        futures = [executor.submit(_run, scenario, variants[a:b], fast, options)
                   for a, b in zip(bounds[:-1], bounds[1:], strict=True) if b > a]
        rows, solved, flags = [], [], []
        for fut in futures:  # in order: the results line up with the variants
            r, s, fl = fut.result()
            rows += r
            solved += s
            flags += fl
            bar.update(len(r))
    bar.close()
    frame = _frame(variants, rows)
    return Sweep(scenario, variants, frame, flags, time.perf_counter() - start, solved, options)


def _bar(total: int, progress: bool | None):
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return _NoBar()  # tqdm not even imported (tqdm.auto warns in a notebook without widgets)
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is a dependency; without it, no bar
        return _NoBar()
    return tqdm(total=total, unit="variant", delay=0.0 if progress else 1.0, file=sys.stderr)


class _NoBar:
    def update(self, n=1):
        pass

    def close(self):
        pass


def _run(scenario: Scenario, variants: list, fast: bool, options: dict, tick=None) -> tuple[list, list, list]:
    """Solve the variants in order (one worker's chunk): the fast path where it applies.

    Returns, per variant, its rows of the frame (``(keys, price, emissions, abatement, cost)``,
    keys the (market or programme, period) of each row), its Solution (None on the fast path:
    built on demand by :meth:`Sweep.solution`) and whether it took the fast path.
    """
    from .solver import solve_scenario

    engine = None
    if fast and variants:
        try:
            engine = _Fast(scenario, variants, options["time_limit"])
        except _NoFast:
            engine = None
    n = len(variants)
    rows, solved, flags = [None] * n, [None] * n, [False] * n
    for i in _order(variants) if engine is not None else range(n):
        v, row = variants[i], None
        if engine is not None:
            try:
                row = engine.solve(v)
            except _NoFast:
                row = None
        flags[i] = row is not None
        if row is None:
            sol = solve_scenario(with_paths(scenario, v), **options)
            row = _rows(sol)
            solved[i] = sol
        rows[i] = row
        if tick is not None:
            tick(1)
    return rows, solved, flags


#: Up to this many variants the fast path visits them nearest first (beyond: along their main axis).
NEAREST = 4000


def _order(variants: list) -> list:
    """An order of the variants in which each is near the one before (the fast path then finds the
    active set of the previous optimum valid more often): sorted for one varied path; for more,
    nearest neighbour first (values scaled by their ranges). The results do not depend on it."""
    paths = sorted({p for v in variants for p in v})
    if not paths or len(variants) < 3:
        return list(range(len(variants)))
    try:
        x = np.array([[float(v.get(p, np.nan)) for p in paths] for v in variants])
    except (TypeError, ValueError):
        return list(range(len(variants)))
    x = np.where(np.isnan(x), np.nanmean(x, axis=0), x)
    span = x.max(axis=0) - x.min(axis=0)
    x = (x - x.min(axis=0)) / np.where(span > 0, span, 1.0)
    if len(paths) == 1:
        return list(np.argsort(x[:, 0], kind="stable"))
    if len(variants) > NEAREST:
        centred = x - x.mean(axis=0)
        axis = np.linalg.svd(centred, full_matrices=False)[2][0]
        return list(np.argsort(centred @ axis, kind="stable"))
    left = np.ones(len(variants), bool)
    order = [0]
    left[0] = False
    for _ in range(len(variants) - 1):
        d = np.abs(x - x[order[-1]]).sum(axis=1)
        d[~left] = np.inf
        nxt = int(np.argmin(d))
        order.append(nxt)
        left[nxt] = False
    return order


def _rows(sol) -> tuple:
    """The frame's rows of one variant from its Solution (the rebuild path)."""
    owner = {}
    for (j, o, t), seg in sol.segments.items():
        q = sol.abatement[(j, o, t)]
        acc = owner.setdefault((o, t), [0.0, 0.0, 0.0])
        acc[0] += seg.bau - q
        acc[1] += q
        acc[2] += seg.mac.cost(q, seg.bau)
    keys = tuple(sol.price)
    e, q, c = (np.array([owner.get(k, (0.0, 0.0, 0.0))[i] for k in keys], float) for i in range(3))
    return keys, np.array([sol.price[k] for k in keys], float), e, q, c


def _frame(variants: list, rows: list) -> pd.DataFrame:
    """One frame for all variants, assembled with numpy from each variant's rows."""
    paths = list(dict.fromkeys(p for v in variants for p in v))
    columns = ["variant", *paths, "market", "period", "price_usd_per_t", "emissions_mt", "abatement_mt",
               "abatement_cost_musd"]
    if not rows:
        return pd.DataFrame(columns=columns)
    lengths = np.array([len(r[0]) for r in rows])
    data = {"variant": np.repeat(np.arange(len(rows)), lengths)}
    for path in paths:
        values = [v.get(path) for v in variants]
        plain = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in values)
        if plain:
            data[path] = np.repeat(np.array(values, float), lengths)
        else:  # any value (a list of links, say) as one cell: a one-dimensional array of objects
            cells = np.empty(len(values), object)
            cells[:] = [None] * len(values)
            for k, x in enumerate(values):
                cells[k] = x
            data[path] = np.repeat(cells, lengths)
    data["market"] = [k[0] for r in rows for k in r[0]]
    data["period"] = [k[1] for r in rows for k in r[0]]
    for i, name in enumerate(("price_usd_per_t", "emissions_mt", "abatement_mt", "abatement_cost_musd"), 1):
        data[name] = np.concatenate([r[i] for r in rows])
    return pd.DataFrame(data, columns=columns)


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
                   or mk.shortfall == "own" for mk in sc.markets.values()) and not sc.goods


#: Most corners of a box of varied values checked by the reader when setting up (2**paths):
#: see :class:`_Fast` (with more, each variant is read, that is validated, in full).
CORNERS = 16
#: Active sets kept for the warm KKT solves (most recent first).
ACTIVE_SETS = 8
#: Primal-dual active-set steps tried from the latest active set before HiGHS re-solves.
ACTIVE_STEPS = 32
#: Of which the first change every violating column and row at once.
FULL_STEPS = 16
#: The proximal term of a singular active-set step, relative to the Hessian's median diagonal.
PROXIMAL = 1e-3
#: Largest KKT system (free columns + active rows) solved with numpy; larger ones go to HiGHS.
KKT_SIZE = 800
#: Relative tolerance of the KKT checks (primal and dual feasibility, residuals).
KKT_TOLERANCE = 1e-10


class _Fast:
    """One HiGHS instance for a sweep; the model's numbers as an affine map of the varied values.

    Per variant: the model's numbers (and the scenario's numbers the frame needs: weights, BAU,
    curves, caps, taxes) from the affine map; the KKT conditions solved for the active set of a
    recent optimum (numpy) and checked (primal and dual feasibility): where they hold, that is
    the optimum of the convex LP or QP. Where they fail on a QP, primal-dual active-set steps
    from the latest active set (:meth:`_steps`); where those fail too, or on an LP, the changed
    numbers are written into the live HiGHS instance and it re-solves warm (its new active set
    is kept). Every answer passes the same check or comes from HiGHS. A variant HiGHS cannot
    solve to optimality goes to the rebuild, which reports the error (an infeasible cap, say).
    """

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
        self.scale = ctx.scale
        c0 = compile_model(m)
        self.c0 = c0
        self.seg_keys = list(segs)
        self.layout = None
        extra0 = self._extra(base, segs)

        def compiled(point: np.ndarray):
            try:
                sc = with_paths(base, dict(zip(self.paths, map(float, point), strict=True)))
            except (ScenarioError, KeyError) as exc:  # the rebuild reports it, for the variant it concerns
                raise _NoFast("a probe is not a valid scenario") from exc
            s = coverage.segments(sc)
            if not _plain(sc, s) or list(s) != self.seg_keys:
                raise _NoFast("structure")
            c = compile_model(build_model(sc, s, Inputs(), scale=ctx.scale)[0])
            if c.col_keys != c0.col_keys or c.row_keys != c0.row_keys:
                raise _NoFast("structure")
            return c, self._extra(sc, s)

        values = np.array([[v.get(p, x0[k]) for k, p in enumerate(self.paths)] for v in variants], float)
        probes, checks = [], []  # (k, point, (compiled, extra))
        few = len(self.paths) <= 2  # each path checked alone; with more, all paths at once
        lows, highs = values.min(axis=0), values.max(axis=0)
        for k in range(len(self.paths)):
            lo, hi = lows[k], highs[k]
            points = [x for x in dict.fromkeys([hi, lo, 0.5 * (lo + hi)]) if x != x0[k]]
            for n, x in enumerate(points if few else points[:1]):
                point = x0.copy()
                point[k] = x
                (probes if n == 0 else checks).append((k, point, compiled(point)))
        if not few:  # every path at its lowest value, and at its midpoint
            for point in (lows, 0.5 * (lows + highs)):
                if np.any(point != x0):
                    checks.append((-1, point.copy(), compiled(point)))
        if len(self.paths) > 1:
            span = np.maximum(values.max(axis=0) - values.min(axis=0), 1e-300)
            far = values[np.argmax((np.abs(values - x0) / span).sum(axis=1))]
            checks.append((-1, far, compiled(far)))
        # the reader's checks of the varied values: each path's extremes above (read in full);
        # every corner of the box of values where it has at most CORNERS corners, else the
        # corners of each market's, jurisdiction's, programme's (or the links') paths, the
        # reader's checks that join two values being those within one of them; where even that
        # is too many, or a corner is not valid (it need not be a variant), each variant in full
        self.read_each = False
        if 2 ** len(self.paths) <= CORNERS:
            boxes = [list(range(len(self.paths)))] if len(self.paths) > 1 else []
        else:
            by_entity: dict = {}
            for k, path in enumerate(self.paths):
                parts = _split(path)
                entity = tuple(parts[:2]) if parts[0] in ("markets", "jurisdictions", "credits", "goods") \
                    else (parts[0],)
                by_entity.setdefault(entity, []).append(k)
            boxes = [ks for ks in by_entity.values() if len(ks) > 1]
        try:
            for ks in boxes:
                if 2 ** len(ks) > CORNERS:
                    self.read_each = True
                    break
                for corner in itertools.product(*([lows[k], highs[k]] for k in ks)):
                    point = x0.copy()
                    point[ks] = corner
                    with_paths(base, dict(zip(self.paths, map(float, point), strict=True)))
        except ScenarioError:
            self.read_each = True
        everything = [c0] + [c for _k, _p, (c, _e) in probes + checks]
        self.a_keys = sorted(set().union(*(c.a for c in everything)))
        self.q_keys = sorted(set().union(*(c.q for c in everything)))
        d0 = self._vector(c0, extra0)
        self.finite = np.isfinite(d0)
        self.infinite = d0[~self.finite]
        d0 = np.where(self.finite, d0, 0.0)
        self.gradient = np.zeros((len(self.paths), len(d0)))
        for k, point, (c, e) in probes:
            self.gradient[k] = (self._finite(c, e) - d0) / (point[k] - x0[k])
        self.d0 = d0
        for _k, point, (c, e) in checks:
            want = self._finite(c, e)
            if np.any(np.abs(self.predict(point) - want) > AFFINE_TOLERANCE * (1 + np.abs(want))):
                raise _NoFast("not affine")
        self._maps(base, segs, m, ctx)
        self._start()

    # -- the numbers ------------------------------------------------------------------------------

    def _extra(self, sc: Scenario, segs: dict) -> np.ndarray:
        """The scenario's numbers the frame needs: weights per period; per segment BAU, slope and
        steps (quantities, costs); per market and period its cap (its tax if uncapped); banks."""
        out = [sc.discount_factor(t) * sc.years(t) for t in sc.periods]
        layout = {"weight": 0, "seg": [], "market": {}}
        for key in self.seg_keys:
            seg = segs[key]
            steps = seg.mac.steps if seg.mac.representation == "steps" else ()
            layout["seg"].append((len(out), len(steps)))
            out += [seg.bau, getattr(seg.mac, "slope", 0.0) if seg.mac.representation == "quadratic" else 0.0]
            out += [q for q, _c in steps] + [c for _q, c in steps]
        for n, mk in sc.markets.items():
            layout["market"][n] = len(out)
            per = mk.cap if mk.capped else (mk.tax or {})
            out += [per.get(t, 0.0) for t in sc.periods] + [mk.initial_bank]
        if self.layout is None:
            self.layout = layout
        elif layout != self.layout:
            raise _NoFast("structure")
        return np.array(out, float)

    def _vector(self, c, extra) -> np.ndarray:
        n = len(c.col_keys)
        cost = np.zeros(n)
        for i, value in c.cost.items():
            cost[i] = value
        return np.concatenate([cost, c.col_lo, c.col_hi, c.row_lo, c.row_hi,
                               [c.a.get(k, 0.0) for k in self.a_keys], [c.q.get(k, 0.0) for k in self.q_keys],
                               extra])

    def _finite(self, c, extra) -> np.ndarray:
        d = self._vector(c, extra)
        if not np.array_equal(np.isfinite(d), self.finite):
            raise _NoFast("bounds")
        return np.where(self.finite, d, 0.0)

    def predict(self, point: np.ndarray) -> np.ndarray:
        return self.d0 + (point - self.x0) @ self.gradient

    def _parts(self, d: np.ndarray) -> dict:
        d = d.copy()
        d[~self.finite] = self.infinite
        n, r = len(self.c0.col_keys), len(self.c0.row_keys)
        cuts = np.cumsum([n, n, n, r, r, len(self.a_keys), len(self.q_keys)])
        names = ("cost", "col_lo", "col_hi", "row_lo", "row_hi", "a", "q", "extra")
        return dict(zip(names, np.split(d, cuts), strict=True))

    # -- the maps from HiGHS's arrays to the frame ---------------------------------------------

    def _maps(self, sc: Scenario, segs: dict, m, ctx) -> None:
        c0 = self.c0
        col = {id(v): i for i, v in enumerate(c0.cols)}
        col_of = {key: i for i, key in enumerate(c0.col_keys)}
        row_of = {key: i for i, key in enumerate(c0.row_keys)}
        term_seg, term_col = [], []
        for s, key in enumerate(self.seg_keys):
            for var in ctx.terms[key]:
                term_seg.append(s)
                term_col.append(col[id(var)])
        self.term_seg, self.term_col = np.array(term_seg, int), np.array(term_col, int)
        keys = [(n, t) for n in sc.markets for t in sc.periods] + [(c, t) for c in sc.credits for t in sc.periods]
        self.keys = tuple(keys)
        where = {k: i for i, k in enumerate(keys)}
        self.owner = np.array([where.get((o, t), -1) for (_j, o, t) in self.seg_keys], int)
        self.period = np.array([sc.periods.index(t) for _n, t in keys], int)
        # prices: a row's dual (balance or supply), or the tax of an uncapped market
        self.dual_row = np.full(len(keys), -1)
        self.cancel_col = np.full(len(keys), -1)
        self.tax_at = np.full(len(keys), -1)
        self.maybe_idle = []  # capped markets without links: inactive where the cap and BAU are 0
        linked = {n for link in sc.links for n in link.markets}
        for i, (n, t) in enumerate(keys):
            if n in sc.markets:
                mk = sc.markets[n]
                p = sc.periods.index(t)
                if not mk.capped:
                    self.tax_at[i] = self.layout["market"][n] + p
                    continue
                self.dual_row[i] = row_of.get(("balance", (n, t)), -1)  # no row: no dual, price 0
                self.cancel_col[i] = col_of.get(("cancel", (n, t)), -1)
                if n not in linked:
                    self.maybe_idle.append((i, n, t, p))
            else:
                self.dual_row[i] = row_of.get(("supply", (n, t)), -1)
        self.member_segs = {n: [s for s, (j, o, _t) in enumerate(self.seg_keys) if o == n and j in mk.members]
                            for n, mk in sc.markets.items()}
        self.col_of = col_of
        # the curves: linear (slope) and steps (padded blocks)
        starts = np.array([a for a, _k in self.layout["seg"]], int)
        self.bau_at, self.slope_at = starts, starts + 1
        width = max([k for _a, k in self.layout["seg"]] + [0])
        self.step_q = np.full((len(starts), width), -1)
        self.step_c = np.full((len(starts), width), -1)
        for s, (a, k) in enumerate(self.layout["seg"]):
            self.step_q[s, :k] = np.arange(a + 2, a + 2 + k)
            self.step_c[s, :k] = np.arange(a + 2 + k, a + 2 + 2 * k)
        self.step_mask = self.step_q >= 0

    def _outputs(self, p: dict, x: np.ndarray, y: np.ndarray) -> tuple:
        """(keys, price, emissions, abatement, cost) of one variant from its column values and row duals."""
        e, S, K = p["extra"], self.scale, len(self.keys)
        q = S * np.bincount(self.term_seg, weights=x[self.term_col], minlength=len(self.seg_keys))
        bau, slope = e[self.bau_at], e[self.slope_at]
        cost = 0.5 * slope * q * q
        if self.step_mask.any():
            size = np.where(self.step_mask, e[np.maximum(self.step_q, 0)], 0.0)
            unit = np.where(self.step_mask, e[np.maximum(self.step_c, 0)], 0.0)
            before = np.cumsum(size, axis=1) - size
            cost = cost + (np.clip(q[:, None] - before, 0.0, size) * unit).sum(axis=1)
        own = self.owner >= 0
        emissions = np.bincount(self.owner[own], weights=(bau - q)[own], minlength=K)
        abatement = np.bincount(self.owner[own], weights=q[own], minlength=K)
        costs = np.bincount(self.owner[own], weights=cost[own], minlength=K)
        weight = e[self.layout["weight"] + self.period]
        dual = np.where(self.dual_row >= 0, y[np.maximum(self.dual_row, 0)], 0.0)
        dual = np.where(np.abs(dual) < DUAL_ZERO, 0.0, dual)
        price = np.maximum(dual, 0.0) / weight
        cancelled = (self.cancel_col >= 0) & (x[np.maximum(self.cancel_col, 0)] > 1e-9)
        price[cancelled] = 0.0
        taxed = self.tax_at >= 0
        price[taxed] = e[self.tax_at[taxed]]
        for i, n, t, k in self.maybe_idle:
            if self._idle(e, x, n, t, k, bau):
                price[i] = np.nan
        return self.keys, price, emissions, abatement, costs

    def _idle(self, e, x, n, t, k, bau) -> bool:
        """As :func:`model.mechanisms.caps.inactive`: no cap, no covered BAU, no bank."""
        at = self.layout["market"][n]
        if e[at + k] != 0.0 or any(bau[s] > 0.0 for s in self.member_segs[n] if self.seg_keys[s][2] == t):
            return False
        mk, periods = self.base.markets[n], self.base.periods
        if mk.banking:
            before = x[self.col_of[("bank", (n, periods[k - 1]))]] if k else e[at + len(periods)] / self.scale
            if abs(before) > 1e-9 or abs(x[self.col_of[("bank", (n, t))]]) > 1e-9:
                return False
        return True

    # -- solving -----------------------------------------------------------------------------------

    def _start(self) -> None:
        import highspy
        from pyomo.common.tee import capture_output

        from .solver import highs_from_arrays, highs_options

        p = self._parts(self.d0)
        n = len(self.c0.col_keys)
        ar = np.array([k[0] for k in self.a_keys], int)
        ac = np.array([k[1] for k in self.a_keys], int)
        self.q_rows = np.array([k[0] for k in self.q_keys], int)
        self.q_cols = np.array([k[1] for k in self.q_keys], int)
        self.a_rows, self.a_cols = ar, ac
        off = self.q_rows != self.q_cols  # Q's full (symmetric) pattern from its lower triangle
        self.qf_rows = np.concatenate([self.q_rows, self.q_cols[off]])
        self.qf_cols = np.concatenate([self.q_cols, self.q_rows[off]])
        self.q_off = off
        with capture_output(capture_fd=True):  # HiGHS prints a banner when made
            h = highspy.Highs()
        highs_options(h, n, self.time_limit)
        h.passModel(highs_from_arrays(n, p["cost"], p["col_lo"], p["col_hi"], p["row_lo"],
                                      p["row_hi"], ar, ac, p["a"], self.q_rows, self.q_cols, p["q"]))
        self.h, self.current = h, p
        self.active = []  # recent active sets, most recent first
        diagonal = np.abs(p["q"][~self.q_off]) if len(p["q"]) else np.zeros(0)
        self.proximal = PROXIMAL * float(np.median(diagonal[diagonal > 0])) if np.any(diagonal > 0) else PROXIMAL

    def solve(self, variant: dict) -> tuple:
        """The frame's rows of one variant, or :class:`_NoFast`."""
        if self.read_each:
            with_paths(self.base, variant)  # the reader's checks (raises ScenarioError)
        point = np.array([variant.get(p, self.x0[k]) for k, p in enumerate(self.paths)], float)
        p = self._parts(self.predict(point))
        # an LP's warm simplex costs about two tries: there only the two latest active sets
        for i, act in enumerate(self.active if len(self.q_keys) else self.active[:2]):
            found = self._kkt(act, p)
            if found is not None and found[0]:
                if i:
                    self.active.insert(0, self.active.pop(i))
                return self._outputs(p, found[1], found[2])
        if self.active and len(self.q_keys):  # on an LP, HiGHS's warm simplex is as quick
            found = self._steps(self.active[0], p)
            if found is not None:
                return self._outputs(p, *found)
        return self._outputs(p, *self._highs(p))

    def _highs(self, p: dict) -> tuple:
        """Write the changed numbers into the live HiGHS instance and re-solve it warm."""
        import highspy

        from .solver import hessian

        cur, h = self.current, self.h
        for name in ("cost", "col_lo", "col_hi", "row_lo", "row_hi", "a", "q"):
            if np.array_equal(p[name], cur[name]):
                continue
            idx = np.flatnonzero(p[name] != cur[name]).astype(np.int32)
            if name == "cost":
                h.changeColsCost(len(idx), idx, p["cost"][idx])
            elif name in ("col_lo", "col_hi"):
                h.changeColsBounds(len(idx), idx, p["col_lo"][idx], p["col_hi"][idx])
            elif name in ("row_lo", "row_hi"):
                h.changeRowsBounds(len(idx), idx, p["row_lo"][idx], p["row_hi"][idx])
            elif name == "a":
                for i in idx:
                    h.changeCoeff(int(self.a_rows[i]), int(self.a_cols[i]), float(p["a"][i]))
            else:
                h.passHessian(hessian(len(self.c0.col_keys), self.q_rows, self.q_cols, p["q"]))
        self.current = p
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self._start()  # a clean instance for the next variant; this one is rebuilt
            raise _NoFast("not optimal")
        solution, basis = h.getSolution(), h.getBasis()
        x, y = np.array(solution.col_value), np.array(solution.row_dual)
        if basis.valid:
            cols = np.array([int(s) for s in basis.col_status], np.int8)
            rows = np.array([int(s) for s in basis.row_status], np.int8)
            self._remember(cols, rows)
        return x, y

    def _remember(self, cols: np.ndarray, rows: np.ndarray) -> None:
        """Keep the active set of HiGHS's basis (its status codes of columns and rows)."""
        lower, upper = int(highspy_status("kLower")), int(highspy_status("kUpper"))
        self._keep(self._active(cols == lower, cols == upper, rows == lower, rows == upper))

    def _keep(self, act) -> None:
        if act is None:
            return
        self.active = [a for a in self.active if a["key"] != act["key"]]
        self.active.insert(0, act)
        del self.active[ACTIVE_SETS:]

    def _active(self, at_lo, at_hi, r_lo, r_hi):
        """An active set: columns at their lower or upper bound, rows at theirs (None if too large)."""
        free, tight = ~(at_lo | at_hi), r_lo | r_hi
        nf, nr = int(free.sum()), int(tight.sum())
        if nf + nr > KKT_SIZE:
            return None
        pos_f = np.full(len(free), -1)
        pos_f[free] = np.arange(nf)
        pos_r = np.full(len(tight), -1)
        pos_r[tight] = np.arange(nr)
        key = b"".join(np.packbits(v).tobytes() for v in (at_lo, at_hi, r_lo, r_hi))
        return {"key": key, "at_lo": at_lo, "at_hi": at_hi, "free": free, "r_lo": r_lo, "r_hi": r_hi,
                "tight": tight, "pos_f": pos_f, "pos_r": pos_r, "nf": nf, "nr": nr, "a": None, "q": None,
                "inverse": None, "proximal": 0.0}

    def _steps(self, act: dict, p: dict):
        """From ``act``, a few primal-dual active-set steps: columns and rows that violate their
        bounds become active, active ones whose multipliers have the wrong sign are released
        (all at once for the first steps, then only the largest violation, against cycling);
        the optimum once the KKT conditions hold (then kept), else None (HiGHS decides)."""
        lo, hi, rlo, rhi = p["col_lo"], p["col_hi"], p["row_lo"], p["row_hi"]
        moves, spread = lo < hi, rlo < rhi
        seen, single = {act["key"]}, False
        for step in range(ACTIVE_STEPS):
            found = self._kkt(act, p)
            if found is not None and found[0]:
                self._keep(act)
                return found[1], found[2]
            if found is None:  # singular (e.g. two free blocks of a step curve): a proximal step
                found = self._kkt(act, p, self.proximal)
                if found is None:
                    return None
            _ok, x, y, z, activity, tol_x, tol_r, dual_tol = found
            free, tight = act["free"], act["tight"]
            # (violation, what it makes of the column or row): 0 free, 1 at lower, 2 at upper
            flips = [(np.where(free & (x < lo - tol_x), lo - x, 0.0), 1, "col"),
                     (np.where(free & (x > hi + tol_x), x - hi, 0.0), 2, "col"),
                     (np.where(act["at_lo"] & moves & (z < -dual_tol), -z, 0.0), 0, "col"),
                     (np.where(act["at_hi"] & moves & (z > dual_tol), z, 0.0), 0, "col"),
                     (np.where(~tight & (activity < rlo - tol_r), rlo - activity, 0.0), 1, "row"),
                     (np.where(~tight & (activity > rhi + tol_r), activity - rhi, 0.0), 2, "row"),
                     (np.where(act["r_lo"] & spread & (y < -dual_tol), -y, 0.0), 0, "row"),
                     (np.where(act["r_hi"] & spread & (y > dual_tol), y, 0.0), 0, "row")]
            cols = np.where(act["at_lo"], 1, np.where(act["at_hi"], 2, 0))
            rows = np.where(act["r_lo"], 1, np.where(act["r_hi"], 2, 0))
            single = single or step >= FULL_STEPS
            if not single:
                for v, to, what in flips:
                    target = cols if what == "col" else rows
                    target[v > 0] = to
                following = self._active(cols == 1, cols == 2, rows == 1, rows == 2)
                if following is not None and following["key"] not in seen:
                    act = following
                    seen.add(act["key"])
                    continue
                single = True  # a cycle: from here one change at a time
                cols = np.where(act["at_lo"], 1, np.where(act["at_hi"], 2, 0))
                rows = np.where(act["r_lo"], 1, np.where(act["r_hi"], 2, 0))
            v, to, what = max(flips, key=lambda f: f[0].max(initial=0.0))
            (cols if what == "col" else rows)[int(np.argmax(v))] = to
            act = self._active(cols == 1, cols == 2, rows == 1, rows == 2)
            if act is None or act["key"] in seen:
                return None
            seen.add(act["key"])
        return None

    def _kkt(self, act: dict, p: dict, proximal: float = 0.0):
        """The KKT point of the active set ``act``: (holds, x, y, reduced costs, row activities,
        tolerances), or None if its system is singular. ``proximal``: added to the Hessian's
        diagonal of the free columns (a step of :meth:`_steps` only, never an answer)."""
        n, m = len(p["cost"]), len(p["row_lo"])
        a, qv = p["a"], p["q"]
        qf = np.concatenate([qv, qv[self.q_off]])
        if act["inverse"] is None or act["proximal"] != proximal or not (
                np.array_equal(a, act["a"]) and np.array_equal(qv, act["q"])):
            nf, nr = act["nf"], act["nr"]
            kkt = np.zeros((nf + nr, nf + nr))
            pf = act["pos_f"]
            sel = (pf[self.qf_rows] >= 0) & (pf[self.qf_cols] >= 0)
            kkt[pf[self.qf_rows[sel]], pf[self.qf_cols[sel]]] = qf[sel]
            kkt[np.arange(nf + nr), np.arange(nf + nr)] += proximal  # quasi-definite: never singular
            pr = act["pos_r"]
            sel = (pr[self.a_rows] >= 0) & (pf[self.a_cols] >= 0)
            kkt[nf + pr[self.a_rows[sel]], pf[self.a_cols[sel]]] = a[sel]
            kkt[pf[self.a_cols[sel]], nf + pr[self.a_rows[sel]]] = -a[sel]
            try:
                with np.errstate(all="ignore"):
                    act["inverse"] = np.linalg.inv(kkt)
            except np.linalg.LinAlgError:
                act["inverse"] = np.zeros((0, 0))
            act["a"], act["q"], act["proximal"] = a, qv, proximal
        inverse = act["inverse"]
        if inverse.shape[0] != act["nf"] + act["nr"]:
            return None
        lo, hi, rlo, rhi, c = p["col_lo"], p["col_hi"], p["row_lo"], p["row_hi"], p["cost"]
        free, tight = act["free"], act["tight"]
        with np.errstate(all="ignore"):
            x = np.where(act["at_lo"], lo, np.where(act["at_hi"], hi, 0.0))
            b = np.where(act["r_lo"], rlo, np.where(act["r_hi"], rhi, 0.0))
            g = c + np.bincount(self.qf_rows, weights=qf * x[self.qf_cols], minlength=n)
            ax = np.bincount(self.a_rows, weights=a * x[self.a_cols], minlength=m)
            solved = inverse @ np.concatenate([-g[free], (b - ax)[tight]])
            if not np.all(np.isfinite(solved)):
                return None
            x[free] = solved[:act["nf"]]
            y = np.zeros(m)
            y[tight] = solved[act["nf"]:]
            # the checks: reduced costs, bounds, row activities, signs of the duals
            z = c + np.bincount(self.qf_rows, weights=qf * x[self.qf_cols], minlength=n) \
                - np.bincount(self.a_cols, weights=a * y[self.a_rows], minlength=n)
            activity = np.bincount(self.a_rows, weights=a * x[self.a_cols], minlength=m)
            dual_tol = KKT_TOLERANCE * (1.0 + np.abs(c).max(initial=0.0) + np.abs(y).max(initial=0.0))
            tol_x = KKT_TOLERANCE * (1.0 + np.abs(x))
            tol_r = KKT_TOLERANCE * (1.0 + np.abs(activity))
            moves, spread = lo < hi, rlo < rhi
            ok = bool(np.all(np.abs(z[free]) <= dual_tol)
                      and np.all(z[act["at_lo"] & moves] >= -dual_tol) and np.all(z[act["at_hi"] & moves] <= dual_tol)
                      and np.all(x[free] >= lo[free] - tol_x[free]) and np.all(x[free] <= hi[free] + tol_x[free])
                      and np.all(activity >= rlo - tol_r) and np.all(activity <= rhi + tol_r)
                      and np.all(np.abs(activity - b)[tight] <= tol_r[tight])
                      and np.all(y[act["r_lo"] & spread] >= -dual_tol) and np.all(y[act["r_hi"] & spread] <= dual_tol))
        return ok, x, y, z, activity, tol_x, tol_r, dual_tol


def highspy_status(name: str):
    import highspy

    return getattr(highspy.HighsBasisStatus, name)
