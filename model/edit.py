"""Scenario edits: new validated scenarios made from old ones (a scenario is never changed).

Every edit works on the scenario's raw form (the public file format) and reads the result
again, so an edit is checked exactly like a file:

* :func:`with_changes`: top-level keys replaced (``links=[]``: autarky);
* :func:`with_market`: keys of one market replaced or removed;
* :func:`autarky`: every link removed;
* :func:`with_links`, :func:`without_market`: the links, or one market and its links;
* :func:`with_paths`: values set by dotted path (``markets.A_ETS.cap``), as the CLI's ``--vary``;
* :func:`with_jurisdiction`, :func:`with_cap`: keys of one jurisdiction, or one market's cap
  (a thin layer on :func:`with_paths`).
"""

from __future__ import annotations

import copy

from .reader import load_scenario, read
from .spec import Scenario

__all__ = ["with_changes", "with_market", "with_paths", "autarky", "with_links", "without_market",
           "with_jurisdiction", "with_cap"]


def _scenario(scenario) -> Scenario:
    return scenario if isinstance(scenario, Scenario) else load_scenario(scenario)


def with_changes(scenario, **changes) -> Scenario:
    """A new validated scenario with top-level keys of the raw dict replaced.

    For example ``with_changes(s, links=[])`` is the same scenario without links (autarky).
    """
    scenario = _scenario(scenario)
    raw = dict(scenario.raw)
    raw.update(changes)
    return read(raw, scenario.source)


def with_market(scenario, name: str, **changes) -> Scenario:
    """A new validated scenario with keys of market ``name`` replaced (None removes a key).

    For example ``with_market(s, "EU_ETS", cap=800, price_floor=None)``.
    """
    scenario = _scenario(scenario)
    if name not in scenario.markets:
        raise KeyError(f"no market {name!r} in scenario {scenario.name!r}; markets: {', '.join(scenario.markets)}")
    market = {k: v for k, v in {**scenario.raw["markets"][name], **changes}.items() if v is not None}
    return with_changes(scenario, markets={**scenario.raw["markets"], name: market})


def autarky(scenario) -> Scenario:
    """The same scenario with every link removed: each market clears on its own."""
    return with_changes(scenario, links=[])


def with_links(scenario, links: list) -> Scenario:
    """The same scenario with these links (in the file format) instead of its own."""
    return with_changes(scenario, links=copy.deepcopy(links))


def without_market(scenario, name: str) -> Scenario:
    """The same scenario without market ``name`` and without the links that name it: its
    members become uncapped."""
    scenario = _scenario(scenario)
    if name not in scenario.markets:
        raise KeyError(f"no market {name!r} in scenario {scenario.name!r}; markets: {', '.join(scenario.markets)}")
    markets = {k: v for k, v in scenario.raw["markets"].items() if k != name}
    kept = [link for link in scenario.raw.get("links") or []
            if name not in (link if isinstance(link, list) else link.get("markets", []))]
    return with_changes(scenario, markets=markets, links=kept)


def with_paths(scenario, changes: dict[str, object]) -> Scenario:
    """A new validated scenario with values set by dotted path, in the file format.

    ``changes`` maps paths to values: ``{"markets.A_ETS.cap": 700, "jurisdictions.EU.mac.slope":
    0.3, "links[0].import_limit": 0.1}``. A path names keys of the scenario's raw form (as in the
    scenario reference, with real names for ``NAME`` and list positions as ``[i]``); a value of
    None removes the key. Missing intermediate mappings are created. The same paths are used by
    the command line's ``--vary``.
    """
    scenario = _scenario(scenario)
    raw = copy.deepcopy(scenario.raw)
    for path, value in changes.items():
        parts = _split(path)
        node = raw
        for i, part in enumerate(parts[:-1]):
            where = ".".join(str(p) for p in parts[:i + 1])
            if isinstance(part, int):
                if not isinstance(node, list) or not -len(node) <= part < len(node):
                    raise KeyError(f"{path}: no list entry {where}")
                if isinstance(node[part], list):  # a link written as a plain list of names
                    node[part] = {"markets": node[part]}
                node = node[part]
            else:
                if not isinstance(node, dict):
                    raise KeyError(f"{path}: {where} is not a mapping")
                node = node.setdefault(_key(node, part), {})
        if isinstance(parts[-1], int) or not isinstance(node, dict):
            raise KeyError(f"{path}: the last part must name a key of a mapping")
        last = _key(node, parts[-1])
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    return read(raw, scenario.source)


def _key(node: dict, part: str):
    """The key of ``node`` that ``part`` names: a year written in a path ("2030") is the whole
    number 2030 where the mapping has years as keys."""
    if part not in node and part.isdigit() and (int(part) in node or any(isinstance(k, int) for k in node)):
        return int(part)
    return part


def _split(path: str) -> list:
    """``links[0].import_limit`` -> ["links", 0, "import_limit"]; names may contain no dots."""
    parts: list = []
    for piece in path.split("."):
        name, _, rest = piece.partition("[")
        if name:
            parts.append(name)
        while rest:
            index, _, rest = rest.partition("]")
            if not index.lstrip("-").isdigit():
                raise KeyError(f"{path}: '[{index}]' is not a list position")
            parts.append(int(index))
            rest = rest.lstrip("[")
    if not parts:
        raise KeyError(f"empty path {path!r}")
    return parts


def with_jurisdiction(scenario, name: str, **changes) -> Scenario:
    """A new validated scenario with keys of jurisdiction ``name`` set (None removes a key); a
    key of its cost curve by ``mac__KEY``.

    For example ``with_jurisdiction(s, "EU", bau=3500, mac__slope=0.3)``.
    """
    scenario = _scenario(scenario)
    if name not in scenario.jurisdictions:
        raise KeyError(f"no jurisdiction {name!r} in scenario {scenario.name!r}; jurisdictions: "
                       f"{', '.join(scenario.jurisdictions)}")
    return with_paths(scenario, {f"jurisdictions.{name}.{key.replace('__', '.')}": value
                                 for key, value in changes.items()})


def with_cap(scenario, market: str, cap) -> Scenario:
    """A new validated scenario with market ``market``'s cap replaced: a number, a ``{year: number}``
    map or a cap rule, as in a file (``with_cap(s, "EU_ETS", {2030: 1000, 2040: 500})``)."""
    scenario = _scenario(scenario)
    if market not in scenario.markets:
        raise KeyError(f"no market {market!r} in scenario {scenario.name!r}; markets: {', '.join(scenario.markets)}")
    return with_paths(scenario, {f"markets.{market}.cap": copy.deepcopy(cap)})
