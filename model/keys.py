"""Declarations of the scenario format's keys: each mechanism declares its own.

A :class:`Key` is one row of the book's "Scenario file reference": its dotted path, type, unit,
default and meaning. The reader takes the keys it accepts from the same declarations
(:func:`allowed`), and where a key has a typed default (``value``) the reader uses it
(:func:`default`), so the reference, the validator and the defaults cannot drift apart
(``tests/test_keys.py`` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Key", "allowed", "default", "REQUIRED", "NONE"]


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


#: The default of a key that must be given.
REQUIRED = _Marker("REQUIRED")
#: The default of an optional key whose absence switches its mechanism off.
NONE = _Marker("NONE")


@dataclass(frozen=True)
class Key:
    """One key of the scenario format.

    Attributes
    ----------
    path : str
        Dotted path, ``NAME`` for a name the user chooses, ``[i]`` for a list entry, and
        ``.type: rule`` for the keys of one variant (``markets.NAME.cap.type: relative``).
    type, unit, shown, meaning : str
        As printed in the reference (``shown`` is the default as a reader should read it).
    value : object
        The default the reader uses (:data:`REQUIRED`, :data:`NONE`, or a typed value).
    """

    path: str
    type: str
    unit: str
    shown: str
    meaning: str
    value: object = NONE

    def row(self) -> tuple[str, str, str, str, str]:
        """(path, type, unit, default, meaning), the row of the reference table."""
        return (self.path, self.type, self.unit, self.shown, self.meaning)

    @property
    def name(self) -> str:
        """The last component of the path (the key as written in a file)."""
        return self.path.split(" ")[0].split(".")[-1]

    @property
    def parent(self) -> str:
        """The path of the mapping the key belongs to."""
        return self.path.split(" ")[0].rsplit(".", 1)[0] if "." in self.path else ""


_ALLOWED: dict = {}


def allowed(keys, parent: str) -> set[str]:
    """Names of the keys declared directly under ``parent`` (e.g. ``markets.NAME``)."""
    memo = (id(keys), len(keys), parent)  # the key lists are module constants: read once
    found = _ALLOWED.get(memo)
    if found is None:
        found = _ALLOWED[memo] = frozenset(k.name for k in keys if k.parent == parent)
    return set(found)


def default(keys, path: str):
    """The typed default of the key at ``path``."""
    for k in keys:
        if k.path == path:
            return k.value
    raise KeyError(path)
