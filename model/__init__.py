"""Linked carbon markets under weak and strong caps: the least-cost model.

The public API, used alike by the book, the tests and the command line::

    import model
    scenario = model.load_scenario(model.scenario_path("two_markets.yaml"))
    results = model.solve(scenario)
    results.prices          # one row per market: price_usd_per_t, ...
    results.jurisdictions   # one row per jurisdiction: emissions_mt, net_purchases_mt, ...
    model.gains(scenario)   # each party's gain from the links

Units: MtCO2e (emissions, caps), USD/tCO2e (prices, marginal costs), million USD (costs).
The layers, from the file to the frames, are described in ARCHITECTURE.md.
"""

import importlib

from .edit import autarky
from .errors import InfeasibleError, ScenarioError, SolveError
from .files import scenario_names, scenario_path
from .mac import MAC, Linear, Polynomial, Power, Steps
from .reader import load_scenario
from .spec import Scenario

__all__ = [
    "load_scenario", "solve", "compare", "gains", "autarky", "scenario_path", "scenario_names", "Scenario",
    "Results", "COLUMNS",
    "ScenarioError", "InfeasibleError", "SolveError",
    "MAC", "Linear", "Polynomial", "Steps", "Power",
]

__version__ = "0.3.0"

#: The chapters' scenario builders, importable as ``from model import kyoto`` (they live in
#: :mod:`model.chapters`).
_CHAPTERS = ("corsia", "eu_ets", "fragmentation", "kyoto", "national", "paris")


#: The results layer (and pandas, about 0.3 s to import) is loaded on first use.
_RESULTS = ("COLUMNS", "Results", "compare", "gains", "solve")


def __getattr__(name: str):
    if name in _CHAPTERS:
        return importlib.import_module(f".chapters.{name}", __name__)
    if name in _RESULTS:
        value = getattr(importlib.import_module(".results", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'model' has no attribute {name!r}")
