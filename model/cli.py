"""Command line: ``python -m model run FILE --out DIR`` and ``python -m model check FILE``.

Exit codes: 0 success; 2 a malformed scenario or bad arguments; 3 a well-formed scenario whose
caps cannot be met; 4 a solver failure. Errors print one line, never a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import warnings

from .edit import autarky
from .errors import InfeasibleError, ScenarioError, SolveError
from .reader import load_scenario
from .results import solve, vs_autarky
from .spec import Link, Scenario


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m model",
        description="Least-cost abatement and permit prices in linked and unlinked carbon markets.",
        epilog="Scenario keys are documented in the book's appendix 'Scenario file reference'. In Python: "
           "model.solve(scenario), model.gains(scenario) (each party's gain from the links), "
           "model.compare({'autarky': r0, 'linked': r1}), model.autarky(scenario).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="solve a scenario, print a summary and write CSV results",
                         description="Solve a scenario file, print a summary, and write prices.csv, "
                                     "jurisdictions.csv, segments.csv, links.csv, ledger.csv and "
                                     "columns.csv (units) to --out.")
    run.add_argument("file", help="scenario file (YAML)")
    run.add_argument("--out", metavar="DIR", help="directory for the CSV results (default: print only)")
    run.add_argument("--tolerance", type=float, default=1e-9,
                     help="relative price tolerance for polynomial and power curves (default 1e-9, as model.solve)")
    run.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS",
                     help="limit on each HiGHS solve (default 60 s)")
    run.add_argument("--vs-autarky", action="store_true",
                     help="also solve the scenario without its links and print, per jurisdiction and market, "
                          "its cost linked and unlinked and its gain per period and in present value, and the "
                          "world's saving they add up to (in Python: model.gains(scenario), "
                          "model.compare({...}), model.autarky(scenario))")
    run.add_argument("--json", action="store_true",
                     help="print every table as JSON records (and the --vs-autarky tables) instead of the summary")
    check = sub.add_parser("check", help="validate a scenario file without solving",
                           description="Validate a scenario file: exit 0 and print a one-line summary "
                                       "when it is well-formed, exit 2 with the faulty field when not.")
    check.add_argument("file", help="scenario file (YAML)")
    _sweep_parser(sub)
    return parser


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _free(link: Link) -> bool:
    """True when a link clears its markets at one price: two-way, no import limit, exchange rate 1,
    no transaction cost, corresponding adjustment (every option at its default)."""
    cost = link.transaction_cost
    plain = dataclasses.replace(link, description="",
                                transaction_cost=None if cost is None or not any(cost.values()) else cost)
    return plain == Link(link.markets)


def price_zones(scenario: Scenario) -> int:
    """Number of distinct prices a run reports per period: markets and credit programmes joined by
    free links (:func:`_free`) share one; any other link may separate the prices of its ends."""
    nodes = list(scenario.markets) + list(scenario.credits)
    parent = {n: n for n in nodes}

    def find(n):
        while parent[n] != n:
            n = parent[n]
        return n

    for link in scenario.links:
        if _free(link):
            for other in link.markets[1:]:
                parent[find(other)] = find(link.markets[0])
    return len({find(n) for n in nodes})


def check_summary(scenario: Scenario) -> str:
    """The one-line summary of ``model check``, e.g. "3 markets in 1 link group, 3 price zones"."""
    nodes = _count(len(scenario.markets), "market")
    if scenario.credits:
        nodes += f" and {_count(len(scenario.credits), 'credit programme')}"
    return (f"'{scenario.name}', {_count(len(scenario.jurisdictions), 'jurisdiction')}, {nodes} in "
            f"{_count(len(scenario.link_groups()), 'link group')}, {_count(price_zones(scenario), 'price zone')}, "
            f"{_count(len(scenario.periods), 'period')}")


def autarky_summary(linked, unlinked) -> str:
    """The lines ``run --vs-autarky`` prints: costs linked and unlinked, gains, the world's saving."""
    per, world = vs_autarky(linked, unlinked)
    multi = len(linked.scenario.periods) > 1
    if not multi:
        per = per.drop(columns=["period", "gain_pv_musd"])
    per = per[(per.drop(columns=[c for c in ("jurisdiction", "market", "period") if c in per]).abs() > 1e-6).any(axis=1)]
    fmt = lambda v: f"{v:,.2f}"  # noqa: E731
    lines = ["Against autarky (every link removed; million USD/yr, gain_pv_musd: present value over the years "
             "of the period):", per.to_string(index=False, float_format=fmt), ""]
    for row in world.to_dict("records"):
        if not multi and row["period"] == "PV":
            continue
        when = "present value" if row["period"] == "PV" else (f"{row['period']}" if multi else "world")
        lines.append(f"World saving ({when}): {row['saving_musd']:,.2f} million USD = sum of the gains "
                     f"{row['sum_of_gains_musd']:,.2f}")
    return "\n".join(lines)



def _failure(exc: Exception, file: str) -> int:
    """Print a failed run's one-line message and return its exit code: 3 for a scenario whose
    caps cannot be met, 2 for a malformed one (or an edit naming no key), 4 for a solver failure."""
    if isinstance(exc, InfeasibleError):
        print(f"infeasible: {exc.one_line()}", file=sys.stderr)
        return 3
    if isinstance(exc, SolveError):
        print(f"solver error: {file}: {exc}", file=sys.stderr)
        return 4
    print(f"error: {exc.one_line() if isinstance(exc, ScenarioError) else exc}", file=sys.stderr)
    return 2

def main(argv=None) -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = _main(argv)
    for w in caught:
        print(f"warning: {w.message}", file=sys.stderr)
    return code


def _main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "sweep":
        return sweep_main(args)
    try:
        try:
            scenario = load_scenario(args.file)
        except ScenarioError:
            raise
        except Exception as exc:  # RecursionError, MemoryError, ...: a bug or an absurd file, never a traceback
            detail = " ".join(str(exc).split())[:200]
            print(f"error: {args.file}: cannot read the scenario ({exc.__class__.__name__}"
                  f"{': ' + detail if detail else ''})", file=sys.stderr)
            return 2
        if args.command == "check":
            print(f"{args.file}: OK: {check_summary(scenario)}")
            return 0
        results = solve(scenario, tolerance=args.tolerance, time_limit=args.time_limit)
        unlinked = None
        if getattr(args, "vs_autarky", False):
            unlinked = solve(autarky(scenario), tolerance=args.tolerance, time_limit=args.time_limit)
    except (ScenarioError, SolveError) as exc:
        return _failure(exc, args.file)
    if args.json:
        out = results.to_json()
        if unlinked is not None:
            per, world = vs_autarky(results, unlinked)
            out["vs_autarky"] = json.loads(per.to_json(orient="records"))
            out["world_saving"] = json.loads(world.to_json(orient="records"))
        print(json.dumps(out, indent=1))
    else:
        print(results.summary())
        if unlinked is not None:
            print("\n" + autarky_summary(results, unlinked))
    if args.out:
        try:
            paths = results.to_csv(args.out)
        except OSError as exc:
            print(f"error: cannot write results to {args.out}: {exc}", file=sys.stderr)
            return 2
        print("\nWrote " + ", ".join(str(p) for p in paths))
    return 0


def _sweep_parser(sub) -> None:
    sweep = sub.add_parser("sweep", help="solve a scenario for many variants (grids or Monte Carlo samples)",
                           description="Solve a scenario for a grid of values (--vary, several give every "
                                       "combination) or for Monte Carlo samples (--samples with --uncertainty), "
                                       "print a summary and write sweep.csv (one row per variant, market and "
                                       "period) to --out. See model.sweep.")
    sweep.add_argument("file", help="scenario file (YAML)")
    sweep.add_argument("--vary", action="append", default=[], metavar="PATH=START:STOP:N",
                       help="a dotted path and N evenly spaced values, e.g. markets.EU_ETS.cap=1000:1500:51")
    sweep.add_argument("--samples", type=int, metavar="N", help="Monte Carlo: draw N variants")
    sweep.add_argument("--seed", type=int, default=0, help="Monte Carlo seed (default 0)")
    sweep.add_argument("--uncertainty", metavar="FILE",
                       help="YAML file with an 'uncertainty' section: path -> {distribution: lognormal, median, "
                            "sigma} | {normal, mean, sd} | {uniform, low, high} (default: the scenario file's "
                            "own 'uncertainty' section is not read; give the file)")
    sweep.add_argument("--out", metavar="DIR", help="directory for sweep.csv (default: print only)")
    sweep.add_argument("--workers", type=int, default=0, help="processes to spread the variants over (default: 1)")
    sweep.add_argument("--rebuild", action="store_true", help="rebuild every variant (no fast path)")
    sweep.add_argument("--no-progress", action="store_true", help="no progress bar")
    sweep.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS",
                       help="limit on each HiGHS solve (default 60 s)")


def _grid(text: str) -> list[dict]:
    from .sweep import grid

    path, sep, spec = text.partition("=")
    parts = spec.split(":")
    if not sep or not path or len(parts) != 3:
        raise ValueError(f"--vary {text}: expected PATH=START:STOP:N")
    return grid(path, float(parts[0]), float(parts[1]), int(parts[2]))


def sweep_main(args) -> int:
    """``python -m model sweep``: exit codes as ``run``."""
    from pathlib import Path

    from .sweep import load_uncertainty, monte_carlo, product, sweep

    try:
        variants = product(*(_grid(v) for v in args.vary)) if args.vary else []
        if args.samples:
            if not args.uncertainty:
                raise ValueError("--samples needs --uncertainty FILE")
            draws = monte_carlo(load_uncertainty(args.uncertainty), args.samples, args.seed)
            variants = ([{**a, **b} for a in variants for b in draws] if variants else draws)
        if not variants:
            raise ValueError("nothing to sweep: give --vary or --samples")
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ScenarioError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 2
    try:
        scenario = load_scenario(args.file)
        if args.workers > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(args.workers) as pool:
                result = sweep(scenario, variants, executor=pool, fast=not args.rebuild,
                               progress=False if args.no_progress else None, time_limit=args.time_limit)
        else:
            result = sweep(scenario, variants, fast=not args.rebuild, progress=False if args.no_progress else None,
                           time_limit=args.time_limit)
    except (ScenarioError, SolveError, KeyError) as exc:
        return _failure(exc, args.file)
    frame = result.frame
    print(f"{len(variants)} variants of '{scenario.name}' in {result.seconds:.2f} s "
          f"({sum(result.fast)} on the fast path)")
    print(frame.groupby(["market", "period"])["price_usd_per_t"].describe()[["mean", "min", "max"]]
          .to_string(float_format=lambda x: f"{x:.4g}"))
    if args.out:
        try:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            target = Path(args.out) / "sweep.csv"
            frame.to_csv(target, index=False)
        except OSError as exc:
            print(f"error: cannot write results to {args.out}: {exc}", file=sys.stderr)
            return 2
        print(f"\nWrote {target}")
    return 0
