"""Scenario files: reading, validating and the in-memory scenario.

A scenario is data. It is written in YAML (or given as a Python ``dict`` of the same shape) and
read by :func:`load_scenario`, which checks every key and raises :class:`~model.errors.ScenarioError`
naming the file, the field and what is wrong. The keys are a public contract documented in the
book's appendix "Scenario file reference"; :data:`SCHEMA` below is the single source of that
documentation.

Units: emissions, caps and allowances in MtCO2e per year; prices and costs of abatement in USD
per tonne; money in million USD (MUSD).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ScenarioError
from .mac import MAC, MAC_TYPES, Linear, Polynomial, Power, Steps, is_finite_number

__all__ = ["Scenario", "Jurisdiction", "Market", "load_scenario", "SCHEMA", "DEFAULT_PERIOD"]

#: Label of the single period of a scenario that gives no ``periods``.
DEFAULT_PERIOD = 0

#: Every key of the scenario format: (path pattern, type, unit, default, meaning). The book's
#: "Scenario file reference" is generated from this table; keep it complete.
SCHEMA = [
    ("name", "string", "", "file name", "Title of the scenario, shown in summaries."),
    ("description", "string", "", "empty", "Free text describing the scenario."),
    ("periods", "list of integers", "year", "one period labelled 0",
     "The periods modelled, in increasing order. Per-period values may then be given as "
     "`{year: value}` maps; a scalar means the same value in every period."),
    ("jurisdictions", "mapping", "", "required", "Emitters, by name (any identifier, e.g. an ISO3 code)."),
    ("jurisdictions.NAME.bau", "number or {year: number}", "MtCO2e/yr", "required",
     "Business-as-usual emissions: what the jurisdiction emits at a zero carbon price. Must be >= 0."),
    ("jurisdictions.NAME.mac", "mapping", "", "required",
     "Marginal abatement cost curve. Abatement q is bounded by 0 <= q <= BAU."),
    ("jurisdictions.NAME.mac.type", "string", "", "required",
     "One of `linear`, `polynomial`, `steps`, `power`."),
    ("jurisdictions.NAME.mac.slope", "number", "USD/t per Mt", "required for `linear`",
     "MAC(q) = slope * q. Must be > 0."),
    ("jurisdictions.NAME.mac.coefficients", "list of numbers", "USD/t per Mt^k", "required for `polynomial`",
     "MAC(q) = c1 q + c2 q^2 + ... + cn q^n. All >= 0, at least one > 0."),
    ("jurisdictions.NAME.mac.steps", "list of {quantity, cost}", "Mt, USD/t", "required for `steps`",
     "Merit order: each block offers `quantity` Mt (> 0) at `cost` USD/t (>= 0, non-decreasing). "
     "Abatement beyond the last block is impossible."),
    ("jurisdictions.NAME.mac.kappa", "number", "-", "required for `power`",
     "MAC(q) = kappa * gamma * (q / BAU)^beta (MIMOSA form). Regional multiplier, > 0."),
    ("jurisdictions.NAME.mac.gamma", "number", "USD/t", "2887",
     "Cost of abating 100% of BAU when kappa = 1 (MIMOSA: 2887 USD2010/t). > 0."),
    ("jurisdictions.NAME.mac.beta", "number", "-", "3", "Curvature of the power MAC, > 0."),
    ("jurisdictions.NAME.description", "string", "", "empty", "Free text."),
    ("markets", "mapping", "", "empty (no caps)", "Emissions trading systems (or other capped groups), by name."),
    ("markets.NAME.members", "list of names", "", "required",
     "Jurisdictions covered. A jurisdiction belongs to at most one market; one in none is uncapped."),
    ("markets.NAME.cap", "number or {year: number}", "MtCO2e/yr", "required",
     "Allowances issued for the period, >= 0. The members' emissions may not exceed it "
     "(or, when linked, the linked markets' emissions may not exceed the sum of their caps)."),
    ("markets.NAME.allocation", "`bau` or {member: number or {year: number}}", "MtCO2e/yr", "`bau`",
     "How the cap is handed to members: `bau` shares it in proportion to BAU emissions; a map "
     "gives each member's allowances, which must add up to the cap. Changes who pays whom, "
     "not who abates."),
    ("markets.NAME.description", "string", "", "empty", "Free text."),
    ("links", "list of lists of market names", "", "empty (no links)",
     "Each entry links two or more markets: their allowances are interchangeable, so they clear "
     "at one price. Links chain: [A, B] and [B, C] put A, B and C in one market."),
]

_TOP_KEYS = {"name", "description", "periods", "jurisdictions", "markets", "links"}
_JURISDICTION_KEYS = {"bau", "mac", "description"}
_MARKET_KEYS = {"members", "cap", "allocation", "description"}
_MAC_KEYS = {
    "linear": {"type", "slope"},
    "polynomial": {"type", "coefficients"},
    "steps": {"type", "steps"},
    "power": {"type", "kappa", "gamma", "beta"},
}


@dataclass(frozen=True)
class Jurisdiction:
    """An emitter: BAU emissions per period (Mt) and a MAC curve."""

    name: str
    bau: dict  # period -> MtCO2e
    mac: MAC
    description: str = ""


@dataclass(frozen=True)
class Market:
    """A capped market: members, cap per period (Mt) and each member's allowances per period (Mt)."""

    name: str
    members: tuple
    cap: dict  # period -> MtCO2e
    allowances: dict  # (member, period) -> MtCO2e
    description: str = ""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Build it with :func:`load_scenario`; do not mutate it."""

    name: str
    periods: tuple
    jurisdictions: dict  # name -> Jurisdiction
    markets: dict  # name -> Market
    links: tuple  # tuple of tuples of market names, as written
    description: str = ""
    source: str = "<dict>"
    raw: dict = field(default_factory=dict, repr=False, compare=False)

    def market_of(self, jurisdiction: str) -> str | None:
        """Name of the market covering ``jurisdiction``, or None when it is uncapped."""
        for market in self.markets.values():
            if jurisdiction in market.members:
                return market.name
        return None

    def link_groups(self) -> list[tuple[str, ...]]:
        """Markets that clear together: the connected components of the link graph.

        Each market is in exactly one group; an unlinked market is a group of one. Groups keep
        the order in which their first market appears under ``markets``.
        """
        parent = {m: m for m in self.markets}

        def find(m):
            while parent[m] != m:
                parent[m] = parent[parent[m]]
                m = parent[m]
            return m

        for link in self.links:
            root = find(link[0])
            for other in link[1:]:
                parent[find(other)] = root
        groups: dict[str, list[str]] = {}
        for m in self.markets:
            groups.setdefault(find(m), []).append(m)
        return [tuple(g) for g in groups.values()]

    def with_changes(self, **changes) -> Scenario:
        """A new validated scenario with top-level keys of the raw dict replaced.

        For example ``s.with_changes(links=[])`` is the same scenario without links (autarky).
        """
        raw = dict(self.raw)
        raw.update(changes)
        return load_scenario(raw, source_name=self.source)


class _Reader:
    """Validates a raw scenario dict, remembering the file name for error messages."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, path: str, message: str):
        raise ScenarioError(message, field=path, source=self.source)

    def mapping(self, value, path: str, allowed: set | None = None, required=()) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"must be a mapping (got {_describe(value)})")
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                    extra = f"; did you mean '{hint[0]}'?" if hint else f"; allowed: {', '.join(sorted(allowed))}"
                    self.fail(_join(path, key), f"unknown key '{key}'{extra}")
        for key in required:
            if key not in value or value[key] is None:
                self.fail(_join(path, key), "is required but missing")
        return value

    def number(self, value, path: str, minimum: float | None = None, strict: bool = False) -> float:
        if not is_finite_number(value):
            self.fail(path, f"must be a number (got {_describe(value)})")
        if minimum is not None and (value < minimum or (strict and value == minimum)):
            bound = f"> {minimum:g}" if strict else f">= {minimum:g}"
            self.fail(path, f"must be {bound} (got {value:g})")
        return float(value)

    def string(self, value, path: str) -> str:
        if not isinstance(value, str):
            self.fail(path, f"must be a string (got {_describe(value)})")
        return value

    def name_list(self, value, path: str, known: dict, what: str, min_len: int = 1) -> tuple:
        if not isinstance(value, list):
            self.fail(path, f"must be a list of {what} names (got {_describe(value)})")
        if len(value) < min_len:
            self.fail(path, f"must name at least {min_len} {what}{'s' if min_len > 1 else ''} (got {len(value)})")
        seen = []
        for i, item in enumerate(value):
            if item not in known:
                hint = difflib.get_close_matches(str(item), [str(k) for k in known], n=1)
                extra = f"; did you mean '{hint[0]}'?" if hint else ""
                self.fail(f"{path}[{i}]", f"unknown {what} '{item}'{extra}")
            if item in seen:
                self.fail(f"{path}[{i}]", f"{what} '{item}' is listed twice")
            seen.append(item)
        return tuple(seen)

    def per_period(self, value, path: str, periods: tuple, minimum: float | None = 0.0) -> dict:
        """A scalar (same in every period) or a ``{period: value}`` map covering every period."""
        if isinstance(value, dict):
            out = {}
            for key in value:
                if key not in periods:
                    self.fail(f"{path}.{key}", f"is not one of the scenario's periods {list(periods)}")
            for p in periods:
                if p not in value:
                    self.fail(path, f"has no value for period {p}")
                out[p] = self.number(value[p], f"{path}.{p}", minimum)
            return out
        number = self.number(value, path, minimum)
        return {p: number for p in periods}


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def _describe(value) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, str):
        return f"text '{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def _read_mac(r: _Reader, raw, path: str) -> MAC:
    raw = r.mapping(raw, path, required=("type",))
    kind = raw["type"]
    if kind not in MAC_TYPES:
        hint = difflib.get_close_matches(str(kind), sorted(MAC_TYPES), n=1)
        extra = f"; did you mean '{hint[0]}'?" if hint else f"; use one of {', '.join(sorted(MAC_TYPES))}"
        r.fail(f"{path}.type", f"unknown MAC type '{kind}'{extra}")
    r.mapping(raw, path, allowed=_MAC_KEYS[kind])
    if kind == "linear":
        r.mapping(raw, path, required=("slope",))
        return Linear(r.number(raw["slope"], f"{path}.slope", 0.0, strict=True))
    if kind == "polynomial":
        r.mapping(raw, path, required=("coefficients",))
        coefs = raw["coefficients"]
        if not isinstance(coefs, list) or not coefs:
            r.fail(f"{path}.coefficients", "must be a non-empty list of numbers [c1, c2, ...]")
        values = tuple(r.number(c, f"{path}.coefficients[{i}]", 0.0) for i, c in enumerate(coefs))
        if not any(v > 0 for v in values):
            r.fail(f"{path}.coefficients", "at least one coefficient must be > 0, or the MAC is flat at zero")
        return Polynomial(values)
    if kind == "steps":
        r.mapping(raw, path, required=("steps",))
        steps = raw["steps"]
        if not isinstance(steps, list) or not steps:
            r.fail(f"{path}.steps", "must be a non-empty list of {quantity, cost} blocks")
        out = []
        for i, step in enumerate(steps):
            sp = f"{path}.steps[{i}]"
            r.mapping(step, sp, allowed={"quantity", "cost"}, required=("quantity", "cost"))
            quantity = r.number(step["quantity"], f"{sp}.quantity", 0.0, strict=True)
            cost = r.number(step["cost"], f"{sp}.cost", 0.0)
            if out and cost < out[-1][1]:
                r.fail(f"{sp}.cost", f"must not fall below the previous block's cost {out[-1][1]:g} "
                                     "(a merit order runs from cheap to dear)")
            out.append((quantity, cost))
        return Steps(tuple(out))
    r.mapping(raw, path, required=("kappa",))
    return Power(
        r.number(raw["kappa"], f"{path}.kappa", 0.0, strict=True),
        r.number(raw.get("gamma", 2887.0), f"{path}.gamma", 0.0, strict=True),
        r.number(raw.get("beta", 3.0), f"{path}.beta", 0.0, strict=True),
    )


def _read_periods(r: _Reader, raw) -> tuple:
    if raw is None:
        return (DEFAULT_PERIOD,)
    if not isinstance(raw, list) or not raw:
        r.fail("periods", "must be a non-empty list of years, e.g. [2025, 2030]")
    for i, p in enumerate(raw):
        if not isinstance(p, int) or isinstance(p, bool):
            r.fail(f"periods[{i}]", f"must be a whole year (got {_describe(p)})")
        if i and p <= raw[i - 1]:
            r.fail(f"periods[{i}]", f"must be after the previous period {raw[i - 1]} (periods run forward)")
    return tuple(raw)


def _read_allocation(r: _Reader, raw, path: str, members: tuple, cap: dict, bau: dict, periods) -> dict:
    """Allowances per (member, period), in Mt."""
    if raw is None or raw == "bau":
        out = {}
        for p in periods:
            total = sum(bau[(m, p)] for m in members)
            for m in members:
                share = bau[(m, p)] / total if total > 0 else 1.0 / len(members)
                out[(m, p)] = cap[p] * share
        return out
    if not isinstance(raw, dict):
        r.fail(path, f"must be 'bau' or a mapping of member -> allowances (got {_describe(raw)})")
    r.mapping(raw, path, allowed=set(members))
    out = {}
    for m in members:
        if m not in raw:
            r.fail(path, f"gives no allowances to member '{m}' (give every member a value, 0 is allowed)")
        for p, v in r.per_period(raw[m], f"{path}.{m}", periods).items():
            out[(m, p)] = v
    for p in periods:
        total = sum(out[(m, p)] for m in members)
        if abs(total - cap[p]) > 1e-9 * max(1.0, abs(cap[p])):
            when = "" if len(periods) == 1 else f" in period {p}"
            r.fail(path, f"allowances add up to {total:g} Mt{when} but the cap is {cap[p]:g} Mt")
    return out


def load_scenario(source, *, source_name: str | None = None) -> Scenario:
    """Read and validate a scenario.

    Parameters
    ----------
    source : str, pathlib.Path or dict
        A path to a YAML file, or a dict of the same shape.
    source_name : str, optional
        Name used in error messages (defaults to the file path, or ``<dict>``).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        With the file, the dotted field path and what is wrong.
    """
    if isinstance(source, dict):
        raw, name = source, source_name or "<dict>"
    else:
        path = Path(source)
        name = source_name or str(source)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ScenarioError("file not found", source=name) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"cannot read the file ({exc.__class__.__name__}: {exc})", source=name) from None
        try:
            raw = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            line = mark.line + 1 if mark is not None else None
            col = f", column {mark.column + 1}" if mark is not None else ""
            raise ScenarioError(f"YAML syntax error{col}: {problem}", source=name, line=line) from None
        if raw is None:
            raise ScenarioError("the file is empty", source=name)
    r = _Reader(name)
    r.mapping(raw, "", allowed=_TOP_KEYS, required=("jurisdictions",))
    periods = _read_periods(r, raw.get("periods"))

    jurisdictions = {}
    bau = {}
    raw_j = r.mapping(raw["jurisdictions"], "jurisdictions")
    if not raw_j:
        r.fail("jurisdictions", "must name at least one jurisdiction")
    for jname, jraw in raw_j.items():
        jp = f"jurisdictions.{jname}"
        r.mapping(jraw, jp, allowed=_JURISDICTION_KEYS, required=("bau", "mac"))
        jbau = r.per_period(jraw["bau"], f"{jp}.bau", periods, 0.0)
        mac = _read_mac(r, jraw["mac"], f"{jp}.mac")
        for p, v in jbau.items():
            bau[(jname, p)] = v
        jurisdictions[jname] = Jurisdiction(jname, jbau, mac, r.string(jraw.get("description", ""), f"{jp}.description"))

    markets = {}
    owner = {}
    raw_m = raw.get("markets") or {}
    r.mapping(raw_m, "markets")
    for mname, mraw in raw_m.items():
        mp = f"markets.{mname}"
        r.mapping(mraw, mp, allowed=_MARKET_KEYS, required=("members", "cap"))
        if isinstance(mraw["members"], list) and not mraw["members"]:
            r.fail(f"{mp}.members", "is empty: a market needs at least one member")
        members = r.name_list(mraw["members"], f"{mp}.members", jurisdictions, "jurisdiction")
        for i, j in enumerate(members):
            if j in owner:
                r.fail(f"{mp}.members[{i}]", f"jurisdiction '{j}' is already a member of market '{owner[j]}' "
                                             "(a jurisdiction may be in one market only; link the markets instead)")
            owner[j] = mname
        cap = r.per_period(mraw["cap"], f"{mp}.cap", periods, 0.0)
        allowances = _read_allocation(r, mraw.get("allocation"), f"{mp}.allocation", members, cap, bau, periods)
        markets[mname] = Market(mname, members, cap, allowances, r.string(mraw.get("description", ""), f"{mp}.description"))

    links = []
    raw_l = raw.get("links") or []
    if not isinstance(raw_l, list):
        r.fail("links", f"must be a list of links such as [[EU_ETS, CH_ETS]] (got {_describe(raw_l)})")
    for i, link in enumerate(raw_l):
        links.append(r.name_list(link, f"links[{i}]", markets, "market", min_len=2))

    name_value = raw.get("name", Path(name).stem if name != "<dict>" else "scenario")
    return Scenario(
        name=r.string(name_value, "name"),
        periods=periods,
        jurisdictions=jurisdictions,
        markets=markets,
        links=tuple(links),
        description=r.string(raw.get("description", ""), "description"),
        source=name,
        raw=dict(raw),
    )
