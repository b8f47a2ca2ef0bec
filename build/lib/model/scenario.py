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

__all__ = ["Scenario", "Jurisdiction", "Market", "Credits", "Link", "load_scenario", "SCHEMA", "DEFAULT_PERIOD"]

#: Label of the single period of a scenario that gives no ``periods``.
DEFAULT_PERIOD = 0

#: Every key of the scenario format: (path pattern, type, unit, default, meaning). The book's
#: "Scenario file reference" is generated from this table; keep it complete.
SCHEMA = [
    ("name", "string", "", "file name", "Title of the scenario, shown in summaries."),
    ("description", "string", "", "empty", "Free text describing the scenario."),
    ("periods", "list of integers", "year", "one period labelled 0",
     "The periods modelled, in increasing order. Per-period values may then be given as "
     "`{year: value}` maps; a scalar means the same value in every period. Quantities are annual; "
     "each period stands for the years until the next one (the last for as many as the one "
     "before it; a single period for one year), which matters for banking and present values."),
    ("discount_rate", "number", "1/yr", "0",
     "Rate at which later costs are discounted to the first period, >= 0. Prices are reported "
     "in each period's own money (undiscounted)."),
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
    ("markets", "mapping", "", "empty (no caps)",
     "Emissions trading systems, carbon taxes, or national caps (e.g. NDCs), by name."),
    ("markets.NAME.members", "list of names", "", "required",
     "Jurisdictions covered. A jurisdiction may be in several markets if their `coverage` adds "
     "up to at most 1; one in none is uncapped."),
    ("markets.NAME.coverage", "number or {year: number}", "share", "1",
     "Share of each member's BAU the market covers, 0..1. The covered segment holds that share "
     "of every abatement option: its MAC is MAC(q / coverage). Uncovered emissions stay at BAU."),
    ("markets.NAME.cap", "number, {year: number} or {type: ...}", "MtCO2e/yr", "required unless `tax` is given",
     "Allowances issued per year, >= 0. A number or map is absolute. A mapping with `type` gives a "
     "rule: `linear_reduction`, `relative` or `intensity` (keys below)."),
    ("markets.NAME.cap.type: linear_reduction", "keys base_year, base, factor, reference, rebase, earlier", "Mt, 1/yr", "",
     "cap(base_year) = base; each later period t: cap(t) = cap(previous) - factor(t) * reference * "
     "(t - previous) - rebase(t), floored at 0. `factor` (share of `reference` per year, scalar or "
     "{year: f}); `reference` defaults to `base`; `rebase` ({year: Mt}, default 0) are one-off cuts; "
     "`earlier` ({year: Mt}) gives the caps of periods before base_year."),
    ("markets.NAME.cap.type: relative", "keys to, change, base", "share, Mt", "",
     "cap(t) = (1 + change(t)) * reference(t), change >= -1. `to: bau`: the reference is the covered "
     "BAU of the period; `to: base_year`: the reference is `base`, the covered emissions of the base year (Mt)."),
    ("markets.NAME.cap.type: intensity", "keys rate, output", "t per unit, million units", "",
     "A rate-based cap: cap(t) = rate(t) * output(t), output given per period (exogenous)."),
    ("markets.NAME.allocation", "`bau` or {member: number or {year: number}}", "MtCO2e/yr", "`bau`",
     "How the cap is handed to members: `bau` shares it in proportion to covered BAU; a map "
     "gives each member's allowances, which must add up to the cap. Changes who pays whom, "
     "not who abates."),
    ("markets.NAME.banking", "boolean", "", "false",
     "Allowances may be kept for later periods; unused allowances are banked (without banking "
     "they expire at the end of each period). With free banking the price rises at the "
     "discount rate while a bank is held (Hotelling)."),
    ("markets.NAME.bank_limit", "number", "Mt", "none",
     "Largest bank held at the end of a period; a surplus beyond it is cancelled (at a zero price)."),
    ("markets.NAME.initial_bank", "number", "Mt", "0", "Allowances banked before the first period (needs banking)."),
    ("markets.NAME.borrowing", "boolean", "", "false",
     "Allowances of later periods may be used earlier; the bank may go negative but must end at >= 0."),
    ("markets.NAME.borrow_limit", "number", "Mt", "none", "Largest amount borrowed (negative bank)."),
    ("markets.NAME.auction_share", "number or {year: number}", "share", "1",
     "Share of the cap sold at auction; bounds what a price floor can withdraw."),
    ("markets.NAME.price_floor", "number or {year: number}", "USD/t", "none",
     "Auction reserve price: allowances that would sell below it are withdrawn (up to the "
     "auctioned share of the cap), so the price does not fall below it while any are auctioned."),
    ("markets.NAME.price_ceiling", "number or {year: number}", "USD/t", "none",
     "Unlimited extra allowances are sold at this price, so the price never exceeds it."),
    ("markets.NAME.cost_containment_reserve", "{trigger, volume}", "USD/t, Mt/yr", "none",
     "Up to `volume` extra allowances per year are released at the `trigger` price; when they "
     "are exhausted the price may rise above it. Both scalar or per period."),
    ("markets.NAME.tax", "number or {year: number}", "USD/t", "none",
     "Carbon tax on covered emissions. Alone it makes a tax market (no cap, cannot be linked); "
     "with a cap it adds to the permit price."),
    ("markets.NAME.obligation", "`result` or `conduct`", "", "`result`",
     "`result`: the cap is hard. `conduct`: the party may fall short of its cap at the per-tonne "
     "`penalty`; the shortfall is reported. In a link group the penalty acts as a price ceiling "
     "for the whole group: units are fungible, so a market that falls short may still sell abroad, "
     "and a shortfall shared by linked markets with equal penalties may split in any way."),
    ("markets.NAME.penalty", "number or {year: number}", "USD/t", "required for `conduct`",
     "Political cost of each tonne of shortfall under `conduct`: the highest price the party pays, "
     "at home or abroad, before it would rather fall short."),
    ("markets.NAME.msr", "mapping", "", "none",
     "Market stability reserve (EU rules), needs banking. Keys: `upper` (833 Mt), `lower` (400 Mt), "
     "`intake_rate` (0.24), `release` (100 Mt), `initial_reserve` (0 Mt), `start` (a year; the first "
     "period), "
     "`invalidate_above` (none, Mt), `rule` (2023). The bank at the end of a period (the total number of allowances "
     "in circulation) above `upper` sends `intake_rate` times it into the reserve in the next period "
     "(`rule: 2023`: but never more than the excess over `upper`, as since the 2023 reform); "
     "below `lower`, `release` Mt come back out of the reserve. Reserve holdings above "
     "`invalidate_above` are cancelled. The count is the bank of every banking market in this "
     "market's link group (units are fungible across links); the intake comes out of this "
     "market's cap."),
    ("markets.NAME.description", "string", "", "empty", "Free text."),
    ("credits", "mapping", "", "empty",
     "Offset programmes (CDM, Article 6.4, ...), by name: credits for abatement by hosts below a "
     "baseline, sold to markets through one-way links."),
    ("credits.NAME.hosts", "list of names", "", "required",
     "Jurisdictions whose uncovered emissions earn credits. A host is in one programme at most."),
    ("credits.NAME.baseline", "`bau` or {host: number or {year: number}}", "MtCO2e/yr", "`bau`",
     "Crediting baseline of each host's uncovered emissions. Below BAU, the host makes the first "
     "BAU - baseline tonnes itself, unpaid; above BAU, credits are issued for no reduction."),
    ("credits.NAME.additionality", "number or {year: number}", "share", "1",
     "Share of credited tonnes that are real reductions, in (0, 1]: a host abating R tonnes is "
     "issued R / additionality credits."),
    ("credits.NAME.description", "string", "", "empty", "Free text."),
    ("links", "list", "", "empty (no links)",
     "Each entry connects markets (and credit programmes). A plain list `[A, B, ...]` is a two-way "
     "link: the units are interchangeable and clear at one price. Links chain: [A, B] and [B, C] "
     "put A, B and C in one market. A mapping gives the options below."),
    ("links[i].markets", "list of names", "", "required",
     "The markets (or credit programmes) linked. For a one-way link exactly two: units flow from "
     "the first to the second."),
    ("links[i].direction", "`two-way` or `one-way`", "", "`two-way`",
     "`one-way`: the second may buy the first's units, not the reverse. Credit programmes only sell "
     "through one-way links."),
    ("links[i].import_limit", "number or {year: number}", "share of the importer's cap", "none",
     "Largest yearly import through this link, as a share of the importing market's cap."),
    ("links[i].import_limit_mt", "number or {year: number}", "Mt/yr", "none",
     "Largest yearly import through this link in Mt (with `import_limit`, the smaller applies)."),
    ("links[i].exchange_rate", "number", "t per unit", "1",
     "One imported unit covers this many tonnes in the importing market (< 1: a discount)."),
    ("links[i].transaction_cost", "number or {year: number}", "USD per unit", "0",
     "Cost of trading one unit through the link, paid by the trade."),
    ("links[i].corresponding_adjustment", "boolean", "", "true",
     "Article 6.2: the seller's cap tightens by what it sells. `false` (one-way links from a "
     "capped market only): the seller may sell up to its abatement below BAU and still count it, "
     "so the tonnes are counted twice (reported in the ledger)."),
    ("links[i].description", "string", "", "empty", "Free text."),
]

_TOP_KEYS = {"name", "description", "periods", "discount_rate", "jurisdictions", "markets", "credits", "links"}
_JURISDICTION_KEYS = {"bau", "mac", "description"}
_MARKET_KEYS = {"members", "coverage", "cap", "allocation", "banking", "bank_limit", "initial_bank", "borrowing",
                "borrow_limit", "auction_share", "price_floor", "price_ceiling", "cost_containment_reserve", "tax",
                "obligation", "penalty", "msr", "description"}
_CAP_KEYS = {
    "linear_reduction": {"type", "base_year", "base", "factor", "reference", "rebase", "earlier"},
    "relative": {"type", "to", "change", "base"},
    "intensity": {"type", "rate", "output"},
}
_MSR_DEFAULTS = {"upper": 833.0, "lower": 400.0, "intake_rate": 0.24, "release": 100.0, "initial_reserve": 0.0,
                 "start": None, "invalidate_above": None, "rule": 2023}
_CREDIT_KEYS = {"hosts", "baseline", "additionality", "description"}
_LINK_KEYS = {"markets", "direction", "import_limit", "import_limit_mt", "exchange_rate", "transaction_cost",
              "corresponding_adjustment", "description"}
_MAC_KEYS = {
    "linear": {"type", "slope"},
    "polynomial": {"type", "coefficients"},
    "steps": {"type", "steps"},
    "power": {"type", "kappa", "gamma", "beta"},
}


@dataclass(frozen=True)
class Jurisdiction:
    """An emitter: BAU emissions per period (Mt/yr) and a MAC curve."""

    name: str
    bau: dict  # period -> MtCO2e/yr
    mac: MAC
    description: str = ""


@dataclass(frozen=True)
class Market:
    """A capped market (or a tax): members, coverage, cap and instruments, all per period.

    Quantities in Mt/yr (banks in Mt), prices in USD/t. ``cap`` is None for a pure tax market.
    Optional instruments are None when absent.
    """

    name: str
    members: tuple
    cap: dict | None  # period -> MtCO2e/yr
    allowances: dict  # (member, period) -> MtCO2e/yr
    description: str = ""
    coverage: dict = field(default_factory=dict)  # period -> share
    banking: bool = False
    bank_limit: float | None = None
    initial_bank: float = 0.0
    borrowing: bool = False
    borrow_limit: float | None = None
    auction_share: dict = field(default_factory=dict)  # period -> share
    price_floor: dict | None = None
    price_ceiling: dict | None = None
    ccr_trigger: dict | None = None
    ccr_volume: dict | None = None
    tax: dict | None = None
    obligation: str = "result"
    penalty: dict | None = None
    msr: dict | None = None

    @property
    def capped(self) -> bool:
        """True when the market has a cap (False for a pure tax)."""
        return self.cap is not None


@dataclass(frozen=True)
class Credits:
    """An offset programme: hosts, their crediting baselines (Mt/yr) and additionality share."""

    name: str
    hosts: tuple
    baseline: dict  # (host, period) -> MtCO2e/yr, for the host's uncovered segment
    additionality: dict  # period -> share in (0, 1]
    description: str = ""


@dataclass(frozen=True)
class Link:
    """A link between markets (and credit programmes), with its trade rules."""

    markets: tuple
    direction: str = "two-way"
    import_limit: dict | None = None  # period -> share of the importer's cap
    import_limit_mt: dict | None = None  # period -> Mt/yr
    exchange_rate: float = 1.0
    transaction_cost: dict | None = None  # period -> USD/unit
    corresponding_adjustment: bool = True
    description: str = ""

    def edges(self) -> list[tuple[str, str]]:
        """Ordered (exporter, importer) pairs along which units may flow."""
        if self.direction == "one-way":
            return [(self.markets[0], self.markets[1])]
        return [(a, b) for a in self.markets for b in self.markets if a != b]

    @property
    def label(self) -> str:
        arrow = " -> " if self.direction == "one-way" else " <-> "
        return arrow.join(self.markets)


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Build it with :func:`load_scenario`; do not mutate it."""

    name: str
    periods: tuple
    jurisdictions: dict  # name -> Jurisdiction
    markets: dict  # name -> Market
    links: tuple  # tuple of Link
    description: str = ""
    source: str = "<dict>"
    raw: dict = field(default_factory=dict, repr=False, compare=False)
    discount_rate: float = 0.0
    credits: dict = field(default_factory=dict)  # name -> Credits

    def market_of(self, jurisdiction: str) -> str | None:
        """Name of the (first) market covering ``jurisdiction``, or None when it is uncapped.

        A jurisdiction may be in several markets; :meth:`markets_of` lists them all.
        """
        found = self.markets_of(jurisdiction)
        return found[0] if found else None

    def markets_of(self, jurisdiction: str) -> list[str]:
        """Names of all markets with ``jurisdiction`` among their members."""
        return [m.name for m in self.markets.values() if jurisdiction in m.members]

    def years(self, period) -> float:
        """Years period ``period`` stands for: the gap to the next period (the last: the gap
        before it; a single period: 1)."""
        p = self.periods
        if len(p) == 1:
            return 1.0
        i = p.index(period)
        return float(p[i + 1] - p[i]) if i + 1 < len(p) else float(p[i] - p[i - 1])

    def discount_factor(self, period) -> float:
        """(1 + discount_rate) ** -(period - first period): present value of 1 USD in ``period``."""
        return (1.0 + self.discount_rate) ** -(period - self.periods[0])

    def link_groups(self) -> list[tuple[str, ...]]:
        """Markets (and credit programmes) connected by links: the components of the link graph.

        Each market is in exactly one group; an unlinked market is a group of one. Groups keep
        the order in which their first member appears (markets first, then credit programmes).
        Markets in one group clear at one price only when their links are two-way and free
        of limits and costs.
        """
        nodes = list(self.markets) + list(self.credits)
        parent = {m: m for m in nodes}

        def find(m):
            while parent[m] != m:
                parent[m] = parent[parent[m]]
                m = parent[m]
            return m

        for link in self.links:
            root = find(link.markets[0])
            for other in link.markets[1:]:
                parent[find(other)] = root
        groups: dict[str, list[str]] = {}
        for m in nodes:
            groups.setdefault(find(m), []).append(m)
        return [tuple(g) for g in groups.values()]

    def with_changes(self, **changes) -> Scenario:
        """A new validated scenario with top-level keys of the raw dict replaced.

        For example ``s.with_changes(links=[])`` is the same scenario without links (autarky).
        """
        raw = dict(self.raw)
        raw.update(changes)
        return load_scenario(raw, source_name=self.source)

    def with_market(self, name: str, **changes) -> Scenario:
        """A new validated scenario with keys of market ``name`` replaced (None removes a key).

        For example ``s.with_market("EU_ETS", cap=800, price_floor=None)``.
        """
        if name not in self.markets:
            raise KeyError(f"no market {name!r} in scenario {self.name!r}")
        market = {k: v for k, v in {**self.raw["markets"][name], **changes}.items() if v is not None}
        return self.with_changes(markets={**self.raw["markets"], name: market})


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

    def number(self, value, path: str, minimum: float | None = None, strict: bool = False,
               maximum: float | None = None) -> float:
        if not is_finite_number(value):
            self.fail(path, f"must be a number (got {_describe(value)})")
        if minimum is not None and (value < minimum or (strict and value == minimum)):
            bound = f"> {minimum:g}" if strict else f">= {minimum:g}"
            self.fail(path, f"must be {bound} (got {value:g})")
        if maximum is not None and value > maximum:
            self.fail(path, f"must be <= {maximum:g} (got {value:g})")
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

    def per_period(self, value, path: str, periods: tuple, minimum: float | None = 0.0,
                   maximum: float | None = None, strict: bool = False) -> dict:
        """A scalar (same in every period) or a ``{period: value}`` map covering every period."""
        if isinstance(value, dict):
            out = {}
            for key in value:
                if key not in periods:
                    self.fail(f"{path}.{key}", f"is not one of the scenario's periods {list(periods)}")
            for p in periods:
                if p not in value:
                    self.fail(path, f"has no value for period {p}")
                out[p] = self.number(value[p], f"{path}.{p}", minimum, strict, maximum)
            return out
        number = self.number(value, path, minimum, strict, maximum)
        return {p: number for p in periods}

    def optional_per_period(self, raw: dict, key: str, path: str, periods: tuple, **bounds) -> dict | None:
        if raw.get(key) is None:
            return None
        return self.per_period(raw[key], _join(path, key), periods, **bounds)

    def boolean(self, value, path: str) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false (got {_describe(value)})")
        return value

    def choice(self, value, path: str, options: tuple) -> str:
        if value not in options:
            hint = difflib.get_close_matches(str(value), list(options), n=1)
            extra = f"; did you mean '{hint[0]}'?" if hint else ""
            self.fail(path, f"must be one of {', '.join(options)} (got {_describe(value)}){extra}")
        return value


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
    """Allowances per (member, period), in Mt/yr; ``bau`` is the covered BAU per (member, period)."""
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


def _read_cap(r: _Reader, raw, path: str, periods: tuple, covered_bau: dict) -> dict:
    """Cap per period (Mt/yr) from a number, a {year: number} map or a rule with ``type``."""
    if not (isinstance(raw, dict) and "type" in raw):
        return r.per_period(raw, path, periods, 0.0)
    kind = r.choice(raw["type"], f"{path}.type", tuple(_CAP_KEYS))
    r.mapping(raw, path, allowed=_CAP_KEYS[kind])
    if kind == "intensity":
        r.mapping(raw, path, required=("rate", "output"))
        rate = r.per_period(raw["rate"], f"{path}.rate", periods, 0.0)
        output = r.per_period(raw["output"], f"{path}.output", periods, 0.0)
        return {t: rate[t] * output[t] for t in periods}
    if kind == "relative":
        r.mapping(raw, path, required=("to", "change"))
        to = r.choice(raw["to"], f"{path}.to", ("bau", "base_year"))
        change = r.per_period(raw["change"], f"{path}.change", periods, -1.0)
        if to == "bau":
            if "base" in raw:
                r.fail(f"{path}.base", "is only used with `to: base_year` (the reference is the covered BAU)")
            return {t: (1 + change[t]) * covered_bau[t] for t in periods}
        r.mapping(raw, path, required=("base",))
        base = r.number(raw["base"], f"{path}.base", 0.0)
        return {t: (1 + change[t]) * base for t in periods}
    r.mapping(raw, path, required=("base_year", "base", "factor"))
    base_year = raw["base_year"]
    if not isinstance(base_year, int) or isinstance(base_year, bool):
        r.fail(f"{path}.base_year", f"must be a whole year (got {_describe(base_year)})")
    base = r.number(raw["base"], f"{path}.base", 0.0)
    reference = r.number(raw.get("reference", base), f"{path}.reference", 0.0)
    later = tuple(t for t in periods if t > base_year)
    earlier_periods = tuple(t for t in periods if t < base_year)
    factor = r.per_period(raw["factor"], f"{path}.factor", later, 0.0, 1.0) if later else {}
    rebase = {t: 0.0 for t in later}
    if raw.get("rebase") is not None:
        reb = r.mapping(raw["rebase"], f"{path}.rebase")
        for key, value in reb.items():
            if key not in later:
                r.fail(f"{path}.rebase.{key}", f"must be a period after base_year {base_year} (periods: {list(later)})")
            rebase[key] = r.number(value, f"{path}.rebase.{key}", 0.0)
    out = {}
    if earlier_periods:
        if raw.get("earlier") is None:
            r.fail(f"{path}.earlier", f"is required: periods {list(earlier_periods)} come before base_year {base_year}")
        out.update(r.per_period(raw["earlier"], f"{path}.earlier", earlier_periods, 0.0))
    elif raw.get("earlier") is not None:
        r.fail(f"{path}.earlier", f"no period comes before base_year {base_year}")
    level, previous = base, base_year
    if base_year in periods:
        out[base_year] = base
    for t in later:
        level = level - factor[t] * reference * (t - previous) - rebase[t]
        previous = t
        out[t] = max(level, 0.0)
    return out


def _read_market(r: _Reader, mname: str, mraw, periods: tuple, jurisdictions: dict, coverage_used: dict) -> Market:
    mp = f"markets.{mname}"
    r.mapping(mraw, mp, allowed=_MARKET_KEYS, required=("members",))
    if isinstance(mraw["members"], list) and not mraw["members"]:
        r.fail(f"{mp}.members", "is empty: a market needs at least one member")
    members = r.name_list(mraw["members"], f"{mp}.members", jurisdictions, "jurisdiction")
    coverage = r.per_period(mraw.get("coverage", 1.0), f"{mp}.coverage", periods, 0.0, 1.0)
    for i, j in enumerate(members):
        for t in periods:
            before = coverage_used.get((j, t), 0.0)
            used = before + coverage[t]
            if used > 1 + 1e-9:
                when = "" if len(periods) == 1 else f" in {t}"
                others = ", ".join(f"'{o}'" for o in coverage_used.get(("owners", j), []))
                r.fail(f"{mp}.members[{i}]", f"jurisdiction '{j}' is already a member of market {others} covering "
                                             f"{before:g} of it{when}; with coverage {coverage[t]:g} here the total "
                                             f"{used:g} exceeds 1 (lower the coverages, or link the markets instead)")
            coverage_used[(j, t)] = used
        coverage_used.setdefault(("owners", j), []).append(mname)
    covered = {(j, t): coverage[t] * jurisdictions[j].bau[t] for j in members for t in periods}
    covered_total = {t: sum(covered[(j, t)] for j in members) for t in periods}
    tax = r.optional_per_period(mraw, "tax", mp, periods, minimum=0.0)
    if mraw.get("cap") is None:
        if tax is None:
            r.fail(f"{mp}.cap", "is required (or give a `tax` for a tax market)")
        for key in ("allocation", "banking", "bank_limit", "initial_bank", "borrowing", "borrow_limit", "price_floor",
                    "price_ceiling", "cost_containment_reserve", "msr", "obligation", "penalty", "auction_share"):
            if mraw.get(key) is not None:
                r.fail(f"{mp}.{key}", "needs a cap: a pure tax market has no allowances")
        return Market(mname, members, None, {}, r.string(mraw.get("description", ""), f"{mp}.description"),
                      coverage=coverage, tax=tax)
    cap = _read_cap(r, mraw["cap"], f"{mp}.cap", periods, covered_total)
    allowances = _read_allocation(r, mraw.get("allocation"), f"{mp}.allocation", members, cap, covered, periods)
    banking = r.boolean(mraw.get("banking", False), f"{mp}.banking")
    borrowing = r.boolean(mraw.get("borrowing", False), f"{mp}.borrowing")
    for key, needs, flag in (("bank_limit", "banking", banking), ("initial_bank", "banking", banking),
                             ("borrow_limit", "borrowing", borrowing), ("msr", "banking", banking)):
        if mraw.get(key) is not None and not flag:
            r.fail(f"{mp}.{key}", f"needs `{needs}: true`")
    if borrowing and not banking:
        r.fail(f"{mp}.borrowing", "needs `banking: true` (borrowing is a negative bank)")
    bank_limit = None if mraw.get("bank_limit") is None else r.number(mraw["bank_limit"], f"{mp}.bank_limit", 0.0)
    borrow_limit = None if mraw.get("borrow_limit") is None else r.number(mraw["borrow_limit"], f"{mp}.borrow_limit", 0.0)
    initial_bank = r.number(mraw.get("initial_bank", 0.0), f"{mp}.initial_bank", 0.0)
    obligation = r.choice(mraw.get("obligation", "result"), f"{mp}.obligation", ("result", "conduct"))
    penalty = r.optional_per_period(mraw, "penalty", mp, periods, minimum=0.0)
    if obligation == "conduct" and penalty is None:
        r.fail(f"{mp}.penalty", "is required under `obligation: conduct` (the per-tonne cost of falling short)")
    if obligation == "result" and penalty is not None:
        r.fail(f"{mp}.penalty", "applies only under `obligation: conduct` (a `result` cap is hard)")
    floor = r.optional_per_period(mraw, "price_floor", mp, periods, minimum=0.0)
    ceiling = r.optional_per_period(mraw, "price_ceiling", mp, periods, minimum=0.0)
    if floor is not None and ceiling is not None:
        for t in periods:
            if floor[t] > ceiling[t]:
                r.fail(f"{mp}.price_floor", f"is above the price ceiling in {t} ({floor[t]:g} > {ceiling[t]:g})")
    trigger = volume = None
    if mraw.get("cost_containment_reserve") is not None:
        cp = f"{mp}.cost_containment_reserve"
        ccr = r.mapping(mraw["cost_containment_reserve"], cp, allowed={"trigger", "volume"}, required=("trigger", "volume"))
        trigger = r.per_period(ccr["trigger"], f"{cp}.trigger", periods, 0.0)
        volume = r.per_period(ccr["volume"], f"{cp}.volume", periods, 0.0)
    msr = None
    if mraw.get("msr") is not None:
        sp = f"{mp}.msr"
        given = r.mapping(mraw["msr"], sp, allowed=set(_MSR_DEFAULTS))
        msr = dict(_MSR_DEFAULTS)
        for key in ("upper", "lower", "release", "initial_reserve"):
            msr[key] = r.number(given.get(key, msr[key]), f"{sp}.{key}", 0.0)
        msr["intake_rate"] = r.number(given.get("intake_rate", msr["intake_rate"]), f"{sp}.intake_rate", 0.0, maximum=1.0)
        if given.get("invalidate_above") is not None:
            msr["invalidate_above"] = r.number(given["invalidate_above"], f"{sp}.invalidate_above", 0.0)
        msr["rule"] = r.choice(given.get("rule", 2023), f"{sp}.rule", (2019, 2023))
        start = given.get("start", periods[0])
        if not isinstance(start, int) or isinstance(start, bool):
            r.fail(f"{sp}.start", f"must be a whole year (got {_describe(start)})")
        msr["start"] = start
        if msr["lower"] > msr["upper"]:
            r.fail(f"{sp}.lower", f"is above `upper` ({msr['lower']:g} > {msr['upper']:g})")
    return Market(
        mname, members, cap, allowances, r.string(mraw.get("description", ""), f"{mp}.description"),
        coverage=coverage, banking=banking, bank_limit=bank_limit, initial_bank=initial_bank, borrowing=borrowing,
        borrow_limit=borrow_limit,
        auction_share=r.per_period(mraw.get("auction_share", 1.0), f"{mp}.auction_share", periods, 0.0, 1.0),
        price_floor=floor, price_ceiling=ceiling, ccr_trigger=trigger, ccr_volume=volume, tax=tax,
        obligation=obligation, penalty=penalty, msr=msr,
    )


def _read_credits(r: _Reader, cname: str, craw, periods: tuple, jurisdictions: dict, hosted: dict) -> Credits:
    cp = f"credits.{cname}"
    r.mapping(craw, cp, allowed=_CREDIT_KEYS, required=("hosts",))
    hosts = r.name_list(craw["hosts"], f"{cp}.hosts", jurisdictions, "jurisdiction")
    for i, h in enumerate(hosts):
        if h in hosted:
            r.fail(f"{cp}.hosts[{i}]", f"jurisdiction '{h}' already hosts programme '{hosted[h]}' (one programme per host)")
        hosted[h] = cname
    raw_base = craw.get("baseline", "bau")
    baseline = {}
    if raw_base != "bau":
        if not isinstance(raw_base, dict):
            r.fail(f"{cp}.baseline", f"must be 'bau' or a mapping host -> Mt (got {_describe(raw_base)})")
        r.mapping(raw_base, f"{cp}.baseline", allowed=set(hosts))
    for h in hosts:
        if raw_base == "bau" or h not in raw_base:
            baseline.update({(h, t): None for t in periods})  # BAU of the uncovered segment, filled in later
        else:
            baseline.update({(h, t): v for t, v in r.per_period(raw_base[h], f"{cp}.baseline.{h}", periods).items()})
    additionality = r.per_period(craw.get("additionality", 1.0), f"{cp}.additionality", periods, 0.0, 1.0, strict=True)
    return Credits(cname, hosts, baseline, additionality, r.string(craw.get("description", ""), f"{cp}.description"))


def _read_link(r: _Reader, i: int, raw, markets: dict, credits: dict, periods: tuple) -> Link:
    lp = f"links[{i}]"
    nodes = {**markets, **credits}
    names_path = lp if isinstance(raw, list) else f"{lp}.markets"
    if isinstance(raw, list):
        raw = {"markets": raw}
    elif not isinstance(raw, dict):
        r.fail(lp, f"must be a list of market names or a mapping with `markets` (got {_describe(raw)})")
    r.mapping(raw, lp, allowed=_LINK_KEYS, required=("markets",))
    names = r.name_list(raw["markets"], names_path, nodes, "market", min_len=2)
    direction = r.choice(raw.get("direction", "two-way"), f"{lp}.direction", ("two-way", "one-way"))
    if direction == "one-way" and len(names) != 2:
        r.fail(f"{lp}.markets", f"a one-way link joins exactly two markets, seller first (got {len(names)})")
    for k, name in enumerate(names):
        if name in credits and (direction == "two-way" or k == 1):
            r.fail(f"{lp}.markets", f"credit programme '{name}' can only sell: put it first in a one-way link")
        if name in markets and not markets[name].capped:
            r.fail(f"{lp}.markets", f"market '{name}' is a tax without a cap: it has no units to trade")
    ca = r.boolean(raw.get("corresponding_adjustment", True), f"{lp}.corresponding_adjustment")
    if not ca and (direction != "one-way" or names[0] not in markets):
        r.fail(f"{lp}.corresponding_adjustment", "can be false only on a one-way link whose seller is a capped market")
    return Link(
        names, direction,
        import_limit=r.optional_per_period(raw, "import_limit", lp, periods, minimum=0.0),
        import_limit_mt=r.optional_per_period(raw, "import_limit_mt", lp, periods, minimum=0.0),
        exchange_rate=r.number(raw.get("exchange_rate", 1.0), f"{lp}.exchange_rate", 0.0, strict=True),
        transaction_cost=r.optional_per_period(raw, "transaction_cost", lp, periods, minimum=0.0),
        corresponding_adjustment=ca,
        description=r.string(raw.get("description", ""), f"{lp}.description"),
    )


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
    discount_rate = r.number(raw.get("discount_rate", 0.0), "discount_rate", 0.0)

    jurisdictions = {}
    raw_j = r.mapping(raw["jurisdictions"], "jurisdictions")
    if not raw_j:
        r.fail("jurisdictions", "must name at least one jurisdiction")
    for jname, jraw in raw_j.items():
        jp = f"jurisdictions.{jname}"
        r.mapping(jraw, jp, allowed=_JURISDICTION_KEYS, required=("bau", "mac"))
        jbau = r.per_period(jraw["bau"], f"{jp}.bau", periods, 0.0)
        mac = _read_mac(r, jraw["mac"], f"{jp}.mac")
        jurisdictions[jname] = Jurisdiction(jname, jbau, mac, r.string(jraw.get("description", ""), f"{jp}.description"))

    markets = {}
    coverage_used: dict = {}
    raw_m = raw.get("markets") or {}
    r.mapping(raw_m, "markets")
    for mname, mraw in raw_m.items():
        markets[mname] = _read_market(r, mname, mraw, periods, jurisdictions, coverage_used)

    credits = {}
    hosted: dict = {}
    raw_c = raw.get("credits") or {}
    r.mapping(raw_c, "credits")
    for cname, craw in raw_c.items():
        if cname in markets:
            r.fail(f"credits.{cname}", f"'{cname}' is already the name of a market")
        programme = _read_credits(r, cname, craw, periods, jurisdictions, hosted)
        filled = {}
        for (h, t), v in programme.baseline.items():
            uncovered = (1 - coverage_used.get((h, t), 0.0)) * jurisdictions[h].bau[t]
            filled[(h, t)] = uncovered if v is None else v
        credits[cname] = Credits(programme.name, programme.hosts, filled, programme.additionality,
                                 programme.description)

    links = []
    raw_l = raw.get("links") or []
    if not isinstance(raw_l, list):
        r.fail("links", f"must be a list of links such as [[EU_ETS, CH_ETS]] (got {_describe(raw_l)})")
    for i, link in enumerate(raw_l):
        links.append(_read_link(r, i, link, markets, credits, periods))

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
        discount_rate=discount_rate,
        credits=credits,
    )
