"""Pyomo and pandas, imported on first use.

Pyomo and pandas take about 0.2 and 0.3 s to import, and some 50 MB; the modules that write the
model and its tables refer to them through these stand-ins, so that ``import model`` (to read
a scenario or look at the data) does not pay for them, and a solve loads pandas only once the
solver is done. The first attribute looked up imports the module; each attribute is then kept.
"""

from __future__ import annotations

import importlib

__all__ = ["pyo", "numeric_expr", "gc_manager", "pd"]


class _Lazy:
    """A module imported when one of its attributes is first looked up."""

    def __init__(self, name: str):
        self.__dict__["_name"] = name

    def __getattr__(self, attr: str):
        value = getattr(importlib.import_module(self.__dict__["_name"]), attr)
        self.__dict__[attr] = value  # found directly from now on
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__dict__['_name']}>"


#: ``pyomo.environ``
pyo = _Lazy("pyomo.environ")
#: ``pyomo.core.expr.numeric_expr`` (``LinearExpression``, ``MonomialTermExpression``)
numeric_expr = _Lazy("pyomo.core.expr.numeric_expr")
#: ``pyomo.common.gc_manager`` (``PauseGC``)
gc_manager = _Lazy("pyomo.common.gc_manager")
#: ``pandas``
pd = _Lazy("pandas")
