"""The validated scenario: frozen records of jurisdictions, markets, credit programmes and links.

:func:`model.reader.load_scenario` builds them from a scenario file; every other layer reads them
and none changes them (edits make new scenarios, :mod:`model.edit`). Quantities per period are
``{period: value}`` maps; keys of maps over members are ``(member, period)``.

Units: emissions, caps and allowances in MtCO2e per year (banks in MtCO2e); prices in USD per
tonne; money in million USD (MUSD).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .mac import MAC

__all__ = ["Jurisdiction", "Market", "Credits", "Link", "Scenario", "Good", "GoodRegion", "Segment", "MsrRules",
           "DEFAULT_PERIOD", "Segments", "ByMarket", "Values", "Duals", "Raw"]

#: Label of the single period of a scenario that gives no ``periods``.
DEFAULT_PERIOD = 0


#: A scenario in the file format (parsed YAML): mappings, lists, names and numbers.
Raw = dict[str, object]
#: (market or programme, period) -> a quantity (Mt/yr) or price (USD/t).
ByMarket = dict[tuple[str, int], float]
#: (variable name, index) -> its value in a solution (Mt, Mt/yr).
Values = dict[tuple[str, tuple], float]
#: (row name, index) -> the row's dual (discounted USD/t).
Duals = dict[tuple[str, tuple], float]


@dataclass(frozen=True)
class MsrRules:
    """The market stability reserve's parameters (see :mod:`model.mechanisms.msr`, whose keys hold
    the defaults). Mt, shares, years."""

    upper: float
    lower: float
    intake_rate: float
    release: float
    initial_reserve: float
    start: int
    invalidate_above: float | None
    rule: int


@dataclass(frozen=True)
class Segment:
    """The part of a jurisdiction's emissions that one market covers (or one programme credits).

    ``bau`` in MtCO2e/yr; ``mac`` the segment's curve (:meth:`model.mac.MAC.share`); ``share`` of the
    jurisdiction's BAU.
    """

    bau: float
    mac: MAC
    share: float


#: (jurisdiction, owner, period) -> the segment; the owner is a market or credit programme.
Segments = dict[tuple[str, str, int], "Segment"]


@dataclass(frozen=True)
class Jurisdiction:
    """An emitter: BAU emissions per period (Mt/yr) and a MAC curve."""

    name: str
    bau: dict[int, float]  # period -> MtCO2e/yr
    mac: MAC
    description: str = ""
    damage: float = 0.0  # USD per t of global emissions (marginal damage at zero emissions)
    damage_slope: float = 0.0  # USD/t per Mt: marginal damage rises by this per Mt of global emissions
    removals: dict | None = None  # {"slope": USD/t per Mt/yr, "max": {period: Mt/yr}} (mechanisms.removals)
    groups: tuple = ()  # country groups (LDC, SIDS, ...) that buyers' eligibility rules name


@dataclass(frozen=True)
class Market:
    """A capped market (or a tax): members, coverage, cap and instruments, all per period.

    Quantities in Mt/yr (banks in Mt), prices in USD/t. ``cap`` is None for a pure tax market.
    Optional instruments are None when absent.
    """

    name: str
    members: tuple
    cap: dict[int, float] | None  # period -> MtCO2e/yr
    allowances: dict[tuple[str, int], float]  # (member, period) -> MtCO2e/yr
    description: str = ""
    coverage: dict[int, float] = field(default_factory=dict)  # period -> share
    banking: bool = False
    bank_limit: float | None = None
    initial_bank: float = 0.0
    borrowing: bool = False
    borrow_limit: float | None = None
    auction_share: dict[int, float] = field(default_factory=dict)  # period -> share
    price_floor: dict[int, float] | None = None  # period -> value
    price_ceiling: dict[int, float] | None = None  # period -> value
    ccr_trigger: dict[int, float] | None = None  # period -> value
    ccr_volume: dict[int, float] | None = None  # period -> value
    tax: dict[int, float] | None = None  # period -> value
    obligation: str = "result"
    penalty: dict[int, float] | None = None  # period -> value
    msr: MsrRules | None = None
    unsold: str = "cancel"  # `cancel` or `return`: fate of allowances withheld at the floor
    shortfall: str = "tradable"  # `tradable` or `own`: may a conduct shortfall be sold abroad
    minimum_purchase: dict | None = None  # tag -> period -> least share of credit imports from tagged programmes
    standard: dict[int, float] | None = None  # period -> least abatement share of each member's covered BAU

    @property
    def capped(self) -> bool:
        """True when the market has a cap (False for a pure tax)."""
        return self.cap is not None


@dataclass(frozen=True)
class Credits:
    """An offset programme: hosts, their crediting baselines (Mt/yr) and additionality share."""

    name: str
    hosts: tuple
    baseline: dict[tuple[str, int], float]  # (host, period) -> MtCO2e/yr, for the host's uncovered segment
    additionality: dict[int, float]  # period -> share in (0, 1]
    description: str = ""
    anyway: dict[tuple[str, int], float] = field(default_factory=dict)  # (host, period) -> MtCO2e/yr credited for no reduction (block reading)
    tags: tuple = ()  # labels a market's `minimum_purchase` names (e.g. chinese_investor)


@dataclass(frozen=True)
class Link:
    """A link between markets (and credit programmes), with its trade rules."""

    markets: tuple
    direction: str = "two-way"
    import_limit: dict[int, float] | None = None  # period -> share of the importer's cap
    import_limit_mt: dict[int, float] | None = None  # period -> Mt/yr
    exchange_rate: float = 1.0
    transaction_cost: dict[int, float] | None = None  # period -> USD/unit
    corresponding_adjustment: bool = True
    description: str = ""
    quota_rent: str = "importer_government"  # who receives the rent of a binding import limit
    eligible: tuple | None = None  # host groups whose credits may flow (None: every host)

    def edges(self) -> list[tuple[str, str]]:
        """Ordered (exporter, importer) pairs along which units may flow."""
        if self.direction == "one-way":
            return [(self.markets[0], self.markets[1])]
        return [(a, b) for a in self.markets for b in self.markets if a != b]

    def rate(self, exporter: str, importer: str) -> float:
        """Tonnes one unit sent from ``exporter`` covers in ``importer``: the exchange rate from
        the first market to the second, its inverse back (a two-way link's rate is 1 unless it
        joins exactly two markets)."""
        return self.exchange_rate if exporter == self.markets[0] else 1.0 / self.exchange_rate

    @property
    def label(self) -> str:
        arrow = " -> " if self.direction == "one-way" else " <-> "
        return arrow.join(self.markets)


@dataclass(frozen=True)
class GoodRegion:
    """One region of a traded good (:mod:`model.mechanisms.goods`): its reference point and the
    calibrated lines, inverse demand ``a_d - b_d D`` and marginal cost of output excluding carbon
    ``a_s + b_s S`` (USD/unit; quantities in million units/yr)."""

    name: str
    market: str | None
    price: float  # USD/unit, reference
    demand: float  # million units/yr, reference
    supply: float  # million units/yr, reference
    demand_elasticity: float
    supply_elasticity: float
    intensity: float  # tCO2/unit
    free_allocation: dict[int, float]  # period -> share of the emissions of output given free
    border_adjustment: bool
    carbon_cost: float  # USD/unit paid in the calibration year, net of free allocation
    a_d: float = 0.0
    b_d: float = 0.0
    a_s: float = 0.0
    b_s: float = 0.0


@dataclass(frozen=True)
class Good:
    """An emissions-intensive good traded between regions: transport costs (USD/unit) on the
    ordered pairs (exporter, importer) that may trade, and the regions."""

    name: str
    unit: str
    transport: dict[tuple[str, str], float]
    regions: dict[str, GoodRegion]
    description: str = ""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Build it with :func:`load_scenario`; do not mutate it."""

    name: str
    periods: tuple
    jurisdictions: dict[str, Jurisdiction]
    markets: dict[str, Market]
    links: tuple  # tuple of Link
    description: str = ""
    source: str = "<dict>"
    raw: Raw = field(default_factory=dict, repr=False, compare=False)
    discount_rate: float = 0.0
    credits: dict[str, Credits] = field(default_factory=dict)
    goods: dict[str, Good] = field(default_factory=dict)

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
        """A new validated scenario with top-level keys replaced: :func:`model.edit.with_changes`.

        For example ``s.with_changes(links=[])`` is the same scenario without links (autarky).
        """
        from .edit import with_changes

        return with_changes(self, **changes)

    def with_paths(self, changes: dict[str, object]) -> Scenario:
        """A new validated scenario with values set by dotted path: :func:`model.edit.with_paths`.
        For example ``s.with_paths({"markets.A_ETS.cap": 700, "jurisdictions.EU.mac.slope": 0.3})``."""
        from .edit import with_paths

        return with_paths(self, changes)

    def with_market(self, name: str, **changes) -> Scenario:
        """A new validated scenario with keys of market ``name`` replaced (None removes a key):
        :func:`model.edit.with_market`. For example ``s.with_market("EU_ETS", cap=800)``."""
        from .edit import with_market

        return with_market(self, name, **changes)

