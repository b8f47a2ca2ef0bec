"""Command line: ``python -m model run FILE --out DIR`` and ``python -m model check FILE``.

Exit codes: 0 success; 2 a malformed scenario or bad arguments; 3 a well-formed scenario whose
caps cannot be met; 4 a solver failure. Errors print one line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

from .errors import InfeasibleError, ScenarioError
from .optimise import SolveError
from .results import solve
from .scenario import load_scenario


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m model",
        description="Least-cost abatement and permit prices in linked and unlinked carbon markets.",
        epilog="Scenario keys are documented in the book's appendix 'Scenario file reference'.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="solve a scenario, print a summary and write CSV results",
                         description="Solve a scenario file, print a summary, and write prices.csv, "
                                     "jurisdictions.csv, segments.csv, links.csv, ledger.csv and "
                                     "columns.csv (units) to --out.")
    run.add_argument("file", help="scenario file (YAML)")
    run.add_argument("--out", metavar="DIR", help="directory for the CSV results (default: print only)")
    run.add_argument("--tolerance", type=float, default=1e-7,
                     help="relative price tolerance for polynomial and power curves (default 1e-7)")
    run.add_argument("--time-limit", type=float, default=60.0, metavar="SECONDS",
                     help="limit on each HiGHS solve (default 60 s)")
    check = sub.add_parser("check", help="validate a scenario file without solving",
                           description="Validate a scenario file: exit 0 and print a one-line summary "
                                       "when it is well-formed, exit 2 with the faulty field when not.")
    check.add_argument("file", help="scenario file (YAML)")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        scenario = load_scenario(args.file)
        if args.command == "check":
            print(f"{args.file}: OK: '{scenario.name}', {len(scenario.jurisdictions)} jurisdictions, "
                  f"{len(scenario.markets)} markets, {len(scenario.link_groups())} price zones, "
                  f"{len(scenario.periods)} period(s)")
            return 0
        results = solve(scenario, tolerance=args.tolerance, time_limit=args.time_limit)
    except InfeasibleError as exc:
        print(f"infeasible: {exc.one_line()}", file=sys.stderr)
        return 3
    except ScenarioError as exc:
        print(f"error: {exc.one_line()}", file=sys.stderr)
        return 2
    except SolveError as exc:
        print(f"solver error: {args.file}: {exc}", file=sys.stderr)
        return 4
    print(results.summary())
    if args.out:
        try:
            paths = results.to_csv(args.out)
        except OSError as exc:
            print(f"error: cannot write results to {args.out}: {exc}", file=sys.stderr)
            return 2
        print("\nWrote " + ", ".join(str(p) for p in paths))
    return 0
