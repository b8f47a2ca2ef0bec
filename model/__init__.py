"""Linked carbon markets under weak and strong caps: the least-cost model.

The public API, used alike by the book, the tests and the command line::

    import model
    scenario = model.load_scenario(model.scenario_path("two_markets.yaml"))
    results = model.solve(scenario)
    results.prices          # one row per market: price_usd_per_t, ...
    results.jurisdictions   # one row per jurisdiction: emissions_mt, net_purchases_mt, ...

Units: MtCO2e (emissions, caps), USD/tCO2e (prices, marginal costs), million USD (costs).
"""

from .errors import InfeasibleError, ScenarioError
from .files import scenario_names, scenario_path
from .mac import MAC, Linear, Polynomial, Power, Steps
from .optimise import SolveError
from .results import COLUMNS, Results, compare, gains, solve
from .scenario import Scenario, load_scenario

__all__ = [
    "load_scenario", "solve", "compare", "gains", "autarky", "scenario_path", "scenario_names", "Scenario",
    "Results", "COLUMNS",
    "ScenarioError", "InfeasibleError", "SolveError",
    "MAC", "Linear", "Polynomial", "Steps", "Power",
]

__version__ = "0.2.0"


def autarky(scenario) -> Scenario:
    """The same scenario with every link removed: each market clears on its own."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    return scenario.with_changes(links=[])
