"""The mechanisms of the model, one module each, in the order the model is built.

Each module holds, for its mechanism: its scenario keys (``KEYS``, rows of the scenario
reference), its reader, ``variables(m, ctx)`` and ``rows(m, ctx)`` that add its Pyomo
variables, rows and cost terms (:mod:`model.build`), the duals it reports, and its equations in
its docstring (the Methods appendix prints them). A new mechanism is one new module and one line
in :data:`CATALOGUE`.
"""

from . import (
    abatement,
    adjustments,
    banking,
    caps,
    conduct,
    coverage,
    credits,
    goods,
    links,
    msr,
    preferences,
    price_controls,
    removals,
    standards,
    taxes,
)

#: The mechanisms in build order: variables first (in this order), then rows (in this order);
#: ``caps`` writes the allowance balance last, once every other mechanism has added its terms.
CATALOGUE = (coverage, abatement, banking, price_controls, conduct, msr, taxes, links, credits, preferences,
             adjustments, removals, standards, goods, caps)

__all__ = ["CATALOGUE"] + [m.__name__.rsplit(".", 1)[1] for m in CATALOGUE]
