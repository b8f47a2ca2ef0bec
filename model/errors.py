"""Errors raised for bad input and for scenarios that have no solution.

Every error carries the file, the field (a dotted path such as ``markets.EU_ETS.cap``) and a
message, and renders as one line, so that the command line can print it without a traceback.
"""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario that breaks the file format.

    Parameters
    ----------
    message : str
        What is wrong, in words a user can act on.
    field : str, optional
        Dotted path of the offending key, e.g. ``jurisdictions.EU.bau``.
    source : str, optional
        The file the scenario came from (``<dict>`` when it was given as a Python dict).
    line : int, optional
        Line number in the file, where known (YAML syntax errors).
    """

    def __init__(self, message: str, field: str = "", source: str = "<dict>", line: int | None = None):
        self.message = message
        self.field = field
        self.source = source
        self.line = line
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"

    def __str__(self) -> str:  # keep in sync if `source` is set after construction
        return self.one_line()


class InfeasibleError(ScenarioError):
    """A well-formed scenario whose caps cannot be met even with all available abatement."""


class SolveError(RuntimeError):
    """The solver did not reach an optimum (other than infeasibility, which is checked first)."""
