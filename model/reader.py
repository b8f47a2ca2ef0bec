"""Reading scenario files: one typed check for every value, and the scenario format's keys.

A scenario is data. It is written in YAML (or given as a Python ``dict`` of the same shape) and
read by :func:`load_scenario`, which checks every key and raises
:class:`~model.errors.ScenarioError` naming the file, the field and what is wrong, on one line.
The keys are a public contract documented in the book's appendix "Scenario file reference",
generated from :data:`SCHEMA`: the keys below (the scenario's own) and those each mechanism
declares (:mod:`model.mechanisms`). The reader accepts exactly the declared keys and takes their
defaults from the declarations.

Units: emissions, caps and allowances in MtCO2e per year; prices and costs of abatement in USD
per tonne; money in million USD (MUSD).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from . import mac as curves
from .errors import ScenarioError
from .keys import REQUIRED, Key, allowed, default
from .mac import is_finite_number, read_mac
from .mechanisms import (
    CATALOGUE,
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
from .spec import DEFAULT_PERIOD, Jurisdiction, Market, Scenario

__all__ = ["load_scenario", "read", "Reader", "SCHEMA", "KEYS"]

KEYS = [
    Key('name', 'string', '', 'file name',
        'Title of the scenario, shown in summaries.'),
    Key('description', 'string', '', 'empty',
        'Free text describing the scenario.', ""),
    Key('periods', 'list of integers', 'year', 'one period labelled 0',
        'The periods modelled, in increasing order (whole years, 0 to 9999). Per-period values may '
        'then be given as `{year: value}` maps; a scalar means the same value in every period. A key '
        'written as text (`"2030"`, as JSON writes keys) is read as the year. Quantities are annual; '
        'each period stands for the years until the next one (the last for as many as the one before '
        'it; a single period for one year), which matters for banking and present values.'),
    Key('discount_rate', 'number', '1/yr', '0',
        'Rate at which later costs are discounted to the first period, >= 0. Prices are reported in '
        "each period's own money (undiscounted).", 0.0),
    Key('jurisdictions', 'mapping', '', 'required',
        'Emitters, by name (any identifier, e.g. an ISO3 code). Names of jurisdictions, markets and '
        "credit programmes are text: quote one that YAML would read as something else, e.g. `'NO'` "
        "(Norway) or `'ON'` (Ontario), which unquoted are booleans.", REQUIRED),
    Key('jurisdictions.NAME.bau', 'number or {year: number}', 'MtCO2e/yr', 'required',
        'Business-as-usual emissions: what the jurisdiction emits at a zero carbon price. Must be >= '
        '0.', REQUIRED),
    Key('jurisdictions.NAME.mac', 'mapping', '', 'required',
        'Marginal abatement cost curve. Abatement q is bounded by 0 <= q <= BAU.', REQUIRED),
    Key('jurisdictions.NAME.description', 'string', '', 'empty',
        'Free text.', ""),
    Key('jurisdictions.NAME.damage', 'number or {marginal: number, slope: number}', 'USD/t; USD/t per Mt', 'none (0)',
        "What a tonne of global emissions costs this jurisdiction (climate damage, or the value it puts "
        "on the climate): a number is a constant marginal damage in USD per tonne; `{marginal, slope}` "
        "a linear marginal damage, `marginal + slope x G` at global emissions G (Mt/yr). Used only by "
        "the cap-setting game of `model.strategic`; the least-cost solve ignores it."),
    Key('markets', 'mapping', '', 'empty (no caps)',
        'Emissions trading systems, carbon taxes, or national caps (e.g. NDCs), by name.'),
    Key('markets.NAME.description', 'string', '', 'empty',
        'Free text.', ""),
    Key('credits', 'mapping', '', 'empty',
        'Offset programmes (CDM, Article 6.4, ...), by name: credits for abatement by hosts below a '
        'baseline, sold to markets through one-way links.'),
    Key('credits.NAME.description', 'string', '', 'empty',
        'Free text.', ""),
    Key('links', 'list', '', 'empty (no links)',
        'Each entry connects markets (and credit programmes). A plain list `[A, B, ...]` is a two-way '
        'link: the units are interchangeable and clear at one price. Links chain: [A, B] and [B, C] '
        'put A, B and C in one market. A mapping gives the options below.'),
    Key('links[i].description', 'string', '', 'empty',
        'Free text.', ""),
]


class Reader:
    """Validates a raw scenario dict, remembering the file name for error messages.

    Every value of the file goes through one of the typed checks below (a mapping, a name, a
    number, a share, a year, a per-period value, a boolean, a string or a choice) before the rest
    of the code looks at it, so that no input, however malformed, ends in anything but a
    :class:`ScenarioError` of one line.
    """

    #: Largest magnitude of any number: far beyond any real quantity (Mt/yr, USD/t), and small
    #: enough that sums and products of inputs stay finite.
    LARGEST = 1e15
    #: Years (periods, base years, MSR start) are whole numbers in this range.
    YEARS = (0, 9999)
    #: What to use instead of a share key for an absolute value.
    SHARE_ALTERNATIVES = {"import_limit": "for an absolute limit use `import_limit_mt` (Mt/yr)"}

    def __init__(self, source: str):
        self.source = source

    @staticmethod
    def describe(value) -> str:
        """What ``value`` is, briefly and on one line."""
        return _describe(value)

    def fail(self, path: str, message: str):
        raise ScenarioError(_one_line(message), field=_one_line(path), source=self.source)

    def mapping(self, value, path: str, allowed: set | None = None, required=(), names: str | None = None) -> dict:
        """A mapping; with ``names`` (e.g. "jurisdiction") its keys must be names."""
        if not isinstance(value, dict):
            self.fail(path, f"must be a mapping (got {_describe(value)})")
        if names is not None:
            for key in value:
                self.name(key, _join(path, _render_key(key)), names)
        if allowed is not None:
            for key in value:
                if key not in allowed:
                    hint = difflib.get_close_matches(key, sorted(allowed), n=1) if isinstance(key, str) else []
                    extra = f"; did you mean '{hint[0]}'?" if hint else f"; allowed: {', '.join(sorted(allowed))}"
                    self.fail(_join(path, _render_key(key)), f"unknown key {_render_key(key, quote=True)}{extra}")
        for key in required:
            if key not in value or value[key] is None:
                self.fail(_join(path, key), "is required but missing")
        return value

    def optional_mapping(self, value, path: str, names: str | None = None) -> dict:
        """A mapping that may be left out (None, or an empty list or mapping, is empty)."""
        if value is None or (isinstance(value, list | dict) and not value):
            return {}
        return self.mapping(value, path, names=names)

    def name(self, value, path: str, what: str) -> str:
        """The name of a jurisdiction, market or credit programme: text on one line."""
        if isinstance(value, str):
            if not value.strip():
                self.fail(path, f"a {what} name must not be empty")
            if _one_line(value) != value:
                self.fail(path, f"a {what} name must be one line of text (got {_describe(value)})")
            return value
        if isinstance(value, bool):
            hint = ("; YAML reads unquoted yes/no/on/off/true/false as booleans: quote the name, "
                    "e.g. 'NO' (Norway) or 'ON' (Ontario)")
        elif isinstance(value, int | float) or type(value).__name__ in ("date", "datetime"):
            text = _describe(value).removeprefix("date ").removeprefix("datetime ")
            hint = f"; quote it to make it a name, e.g. '{text}'" if len(text) <= 20 else ""
        elif isinstance(value, list | dict | tuple):
            hint = "; write plain names in a list, e.g. [A, B]"
        else:
            hint = ""
        self.fail(path, f"must be a {what} name in text (got {_describe(value)}){hint}")

    def number(self, value, path: str, minimum: float | None = None, strict: bool = False,
               maximum: float | None = None, share: bool = False) -> float:
        """A finite number within bounds; ``share``: a share between 0 (or ``minimum``) and 1."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            extra = ""
            if isinstance(value, str):
                try:
                    float(value)
                    extra = "; write it without quotes"
                except ValueError:
                    pass
            self.fail(path, f"must be a number (got {_describe(value)}){extra}")
        try:
            x = float(value)
        except OverflowError:  # an integer beyond the range of floats
            x = self.LARGEST * 10
        if not is_finite_number(x):
            self.fail(path, f"must be a finite number (got {_describe(value)})")
        if abs(x) > self.LARGEST:
            self.fail(path, f"is too large (got {_describe(value)}); numbers must be at most {self.LARGEST:g} "
                            "in magnitude (units are Mt/yr and USD/t)")
        if share:
            minimum = 0.0 if minimum is None else minimum
            maximum = 1.0
        if minimum is not None and (x < minimum or (strict and x == minimum)):
            bound = f"> {minimum:g}" if strict else f">= {minimum:g}"
            self.fail(path, f"must be {bound} (got {x:g})")
        if maximum is not None and x > maximum:
            if share:
                lower = "above 0" if strict else "between 0"
                extra = f"; did you mean {x / 100:g}?" if x <= 100 else ""
                key = next((k for k in reversed(path.split(".")) if not k.isdecimal()), "")
                alternative = self.SHARE_ALTERNATIVES.get(key)
                extra += f" ({alternative})" if alternative else ""
                self.fail(path, f"must be a share {lower} and 1, not a percentage (got {x:g}){extra}")
            self.fail(path, f"must be <= {maximum:g} (got {x:g})")
        return x

    def year(self, value, path: str) -> int:
        """A whole year (an int; whole-number text such as "2030" is not accepted as a value)."""
        low, high = self.YEARS
        if isinstance(value, bool) or not isinstance(value, int):
            extra = "; write it without quotes" if isinstance(value, str) and value.strip().isdecimal() else ""
            self.fail(path, f"must be a whole year (got {_describe(value)}){extra}")
        if not low <= value <= high:
            self.fail(path, f"must be a year between {low} and {high} (got {_describe(value)})")
        return value

    def period_key(self, key, path: str, periods: tuple) -> int:
        """A key of a ``{year: value}`` map: a year; text such as "2030" is converted to 2030."""
        year = key
        if isinstance(key, str) and key.strip().isdecimal() and len(key.strip()) <= 6:
            year = int(key.strip())
        elif isinstance(key, float) and key.is_integer() and abs(key) <= self.YEARS[1]:
            year = int(key)
        where = _join(path, _render_key(key))
        if isinstance(year, bool) or not isinstance(year, int) or year not in periods:
            if periods == (DEFAULT_PERIOD,) and year != DEFAULT_PERIOD:
                self.fail(where, "is not a period: the scenario gives no `periods`, so give one number "
                                 "(or list the years under `periods`)")
            if isinstance(year, bool) or not isinstance(year, int):
                self.fail(where, f"a per-period map has years as keys (got {_describe(key)}); the scenario's "
                                 f"periods are {list(periods)}")
            self.fail(where, f"is not one of the scenario's periods {list(periods)}")
        return year

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
            self.name(item, f"{path}[{i}]", what)
            if item not in known:
                hint = difflib.get_close_matches(item, [str(k) for k in known], n=1)
                extra = f"; did you mean '{hint[0]}'?" if hint else ""
                self.fail(f"{path}[{i}]", f"unknown {what} {_render_key(item, quote=True)}{extra}")
            if item in seen:
                self.fail(f"{path}[{i}]", f"{what} {_render_key(item, quote=True)} is listed twice")
            seen.append(item)
        return tuple(seen)

    def per_period(self, value, path: str, periods: tuple, minimum: float | None = 0.0,
                   maximum: float | None = None, strict: bool = False, share: bool = False) -> dict:
        """A scalar (same in every period) or a ``{period: value}`` map covering every period.

        Keys are years; text keys that are whole numbers ("2030", as JSON writes them) count as years.
        """
        if isinstance(value, dict):
            given, keys = {}, {}
            for key in value:
                year = self.period_key(key, path, periods)
                if year in given:
                    self.fail(_join(path, _render_key(key)), f"period {year} is given twice (keys "
                                                             f"{_render_key(keys[year], True)} and {_render_key(key, True)})")
                given[year], keys[year] = value[key], key
            out = {}
            for p in periods:
                if p not in given:
                    self.fail(path, f"has no value for period {p}")
                out[p] = self.number(given[p], f"{path}.{p}", minimum, strict, maximum, share)
            return out
        number = self.number(value, path, minimum, strict, maximum, share)
        return {p: number for p in periods}

    #: The keys of a price path's growth form, ``{base_year, base, growth, inflation}``.
    GROWTH_KEYS = ("base_year", "base", "growth", "inflation")

    def price_path(self, value, path: str, periods: tuple, minimum: float | None = 0.0) -> dict:
        """A per-period price: a scalar, a ``{year: value}`` map, or the growth form
        ``{base_year: 2024, base: 25.87, growth: 0.05, inflation: 0.02}`` (``inflation`` optional),
        worth ``base * (1 + growth) ** (t - base_year) * (1 + inflation) ** (t - base_year)`` in
        period ``t``."""
        if not (isinstance(value, dict) and any(k in self.GROWTH_KEYS for k in value)):
            return self.per_period(value, path, periods, minimum)
        self.mapping(value, path, allowed=set(self.GROWTH_KEYS), required=("base_year", "base", "growth"))
        if periods == (DEFAULT_PERIOD,):
            self.fail(path, "the growth form {base_year, base, growth} needs the scenario's `periods` (years)")
        base_year = self.year(value["base_year"], f"{path}.base_year")
        base = self.number(value["base"], f"{path}.base", minimum)
        growth = self.number(value["growth"], f"{path}.growth", -0.99, maximum=1.0)
        inflation = self.number(value.get("inflation", 0.0), f"{path}.inflation", -0.99, maximum=1.0)
        return {t: base * (1 + growth) ** (t - base_year) * (1 + inflation) ** (t - base_year) for t in periods}

    def optional_price_path(self, raw: dict, key: str, path: str, periods: tuple) -> dict | None:
        """:meth:`price_path` of ``raw[key]``, None when absent."""
        if raw.get(key) is None:
            return None
        return self.price_path(raw[key], _join(path, key), periods)

    def optional_per_period(self, raw: dict, key: str, path: str, periods: tuple, **bounds) -> dict | None:
        if raw.get(key) is None:
            return None
        return self.per_period(raw[key], _join(path, key), periods, **bounds)

    def boolean(self, value, path: str) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"must be true or false (got {_describe(value)})")
        return value

    def choice(self, value, path: str, options: tuple) -> str:
        kinds = {type(o) for o in options}
        if type(value) not in kinds or value not in options:
            hint = difflib.get_close_matches(value, [str(o) for o in options], n=1) if isinstance(value, str) else []
            extra = f"; did you mean '{hint[0]}'?" if hint else ""
            self.fail(path, f"must be one of {', '.join(str(o) for o in options)} (got {_describe(value)}){extra}")
        return value


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def _one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so that it prints on one line."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or (c.isspace() and c != "\t" and len(f"a{c}b".splitlines()) == 1)
                   else repr(c)[1:-1] for c in text)


def _clip(text: str, limit: int = 60) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[:limit] + "..."


def _render_key(key, quote: bool = False) -> str:
    """A mapping key as shown in a field path (``quote``: as in a message)."""
    if isinstance(key, str):
        return f"'{_clip(key)}'" if quote else _clip(key)
    return _describe(key)


def _describe(value) -> str:
    """What ``value`` is, briefly and on one line (never the whole of a large value)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, str):
        return f"text '{_clip(value)}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, int):
        try:
            digits = len(str(abs(value)))
        except ValueError:  # longer than Python converts to text
            return f"a whole number of about {int(value.bit_length() * 0.30103)} digits"
        return str(value) if digits <= 20 else f"a whole number of {digits} digits"
    if isinstance(value, float):
        return repr(value)
    try:
        text = str(value)
    except (RecursionError, ValueError):
        text = ""
    return f"{type(value).__name__} {_clip(text)}".strip()


def _read_periods(r: Reader, raw) -> tuple:
    if raw is None:
        return (DEFAULT_PERIOD,)
    if not isinstance(raw, list) or not raw:
        r.fail("periods", "must be a non-empty list of years, e.g. [2025, 2030]")
    for i, p in enumerate(raw):
        r.year(p, f"periods[{i}]")
        if i and p <= raw[i - 1]:
            r.fail(f"periods[{i}]", f"must be after the previous period {raw[i - 1]} (periods run forward)")
    return tuple(raw)


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
        except RecursionError:
            raise ScenarioError("lists or mappings are nested too deeply to read", source=name) from None
        except Exception as exc:  # e.g. an integer of more than 4300 digits, or no memory left
            detail = _clip(str(exc).splitlines()[0] if str(exc) else "", 120)
            raise ScenarioError(f"cannot read the YAML ({exc.__class__.__name__}: {detail})", source=name) from None
        if raw is None:
            raise ScenarioError("the file is empty", source=name)
    return read(raw, name)


def read(raw, name: str = "<dict>") -> Scenario:
    """Validate a raw scenario (the parsed YAML) into a :class:`~model.spec.Scenario`."""
    r = Reader(name)
    r.mapping(raw, "", allowed=allowed(SCHEMA, ""), required=("jurisdictions",))
    periods = _read_periods(r, raw.get("periods"))
    discount_rate = r.number(raw.get("discount_rate", default(SCHEMA, "discount_rate")), "discount_rate", 0.0)
    jurisdictions = _read_jurisdictions(r, raw["jurisdictions"], periods)
    markets = {}
    coverage_used: dict = {}
    for mname, mraw in r.optional_mapping(raw.get("markets"), "markets", names="market").items():
        markets[mname] = _read_market(r, mname, mraw, periods, jurisdictions, coverage_used)
    credit_programmes = {}
    hosted: dict = {}
    for cname, craw in r.optional_mapping(raw.get("credits"), "credits", names="credit programme").items():
        if cname in markets:
            r.fail(f"credits.{cname}", f"'{cname}' is already the name of a market")
        credit_programmes[cname] = credits.read(r, cname, craw, periods, jurisdictions, hosted, coverage_used)
    raw_l = raw.get("links")
    raw_l = [] if raw_l is None or raw_l == {} else raw_l
    if not isinstance(raw_l, list):
        r.fail("links", f"must be a list of links such as [[EU_ETS, CH_ETS]] (got {_describe(raw_l)})")
    link_list = [links.read(r, i, link, markets, credit_programmes, periods) for i, link in enumerate(raw_l)]
    links.refuse_money_pumps(r, link_list)
    preferences.check(r, jurisdictions, markets, credit_programmes, link_list)
    traded = goods.read(r, raw.get("goods"), markets, periods)
    name_value = raw.get("name", Path(name).stem if name != "<dict>" else "scenario")
    scenario = Scenario(
        name=r.string(name_value, "name"), periods=periods, jurisdictions=jurisdictions, markets=markets,
        links=tuple(link_list), description=r.string(raw.get("description", ""), "description"), source=name,
        raw=dict(raw), discount_rate=discount_rate, credits=credit_programmes, goods=traded,
    )
    price_controls.warn_fast_floors(scenario)
    return scenario


def _read_jurisdictions(r: Reader, raw, periods: tuple) -> dict[str, Jurisdiction]:
    out = {}
    raw_j = r.mapping(raw, "jurisdictions", names="jurisdiction")
    if not raw_j:
        r.fail("jurisdictions", "must name at least one jurisdiction")
    for jname, jraw in raw_j.items():
        jp = f"jurisdictions.{jname}"
        r.mapping(jraw, jp, allowed=allowed(SCHEMA, "jurisdictions.NAME"), required=("bau", "mac"))
        jbau = r.per_period(jraw["bau"], f"{jp}.bau", periods, 0.0)
        mac = read_mac(r, jraw["mac"], f"{jp}.mac")
        out[jname] = Jurisdiction(jname, jbau, mac, r.string(jraw.get("description", ""), f"{jp}.description"),
                                  *_read_damage(r, jraw.get("damage"), f"{jp}.damage"),
                                  removals=removals.read(r, jp, jraw, periods),
                                  groups=preferences.read_groups(r, jraw, jp))
    return out


def _read_damage(r: Reader, value, path: str) -> tuple[float, float]:
    """``jurisdictions.NAME.damage``: (marginal damage at zero, its slope per Mt); (0, 0) if absent."""
    if value is None:
        return 0.0, 0.0
    if isinstance(value, dict):
        r.mapping(value, path, allowed={"marginal", "slope"}, required=("marginal",))
        return (r.number(value["marginal"], f"{path}.marginal", minimum=0.0),
                r.number(value.get("slope", 0.0), f"{path}.slope", minimum=0.0))
    return r.number(value, path, minimum=0.0), 0.0


#: Keys of a market that need a cap (a pure tax market has no allowances).
_CAP_ONLY = ("allocation", "banking", "bank_limit", "initial_bank", "borrowing", "borrow_limit", "price_floor",
             "price_ceiling", "cost_containment_reserve", "msr", "obligation", "penalty", "auction_share",
             "unsold", "shortfall", "minimum_purchase")


def _read_market(r: Reader, mname: str, mraw, periods: tuple, jurisdictions: dict[str, Jurisdiction], coverage_used: dict[tuple, object]) -> Market:
    """``markets.NAME``: each mechanism reads its own keys."""
    mp = f"markets.{mname}"
    r.mapping(mraw, mp, allowed=allowed(SCHEMA, "markets.NAME"), required=("members",))
    members, coverage_share = coverage.read(r, mp, mraw, periods, jurisdictions, coverage_used)
    covered = {(j, t): coverage_share[t] * jurisdictions[j].bau[t] for j in members for t in periods}
    tax = taxes.read(r, mp, mraw, periods)
    description = r.string(mraw.get("description", ""), f"{mp}.description")
    if mraw.get("cap") is None:
        if tax is None:
            r.fail(f"{mp}.cap", "is required (or give a `tax` for a tax market)")
        for key in _CAP_ONLY:
            if mraw.get(key) is not None:
                r.fail(f"{mp}.{key}", "needs a cap: a pure tax market has no allowances")
        return Market(mname, members, None, {}, description, coverage=coverage_share, tax=tax,
                      standard=standards.read(r, mp, mraw, periods))
    cap = caps.read_cap(r, mraw["cap"], f"{mp}.cap", periods,
                        {t: sum(covered[(j, t)] for j in members) for t in periods})
    allowances = caps.read_allocation(r, mraw.get("allocation"), f"{mp}.allocation", members, cap, covered, periods)
    return Market(mname, members, cap, allowances, description, coverage=coverage_share, tax=tax,
                  **banking.read(r, mp, mraw), **price_controls.read(r, mp, mraw, periods),
                  **conduct.read(r, mp, mraw, periods), msr=msr.read(r, mp, mraw.get("msr"), periods),
                  minimum_purchase=preferences.read_minimum_purchase(r, mp, mraw, periods),
                  standard=standards.read(r, mp, mraw, periods))


def _in_reference_order(keys: list[Key]) -> list[Key]:
    """Section by section (scenario, jurisdictions, markets, credits, links), each section's own
    keys first and its free-text ``description`` last."""
    sections = ("jurisdictions", "markets", "credits", "links", "goods")

    def rank(item):
        i, key = item
        root = key.path.split(".")[0].split("[")[0]
        section = sections.index(root) + 1 if root in sections else 0
        return (section, key.name == "description" and key.path != "description", i)

    return [k for _i, k in sorted(enumerate(keys), key=rank)]


#: Every key of the format, in the order of the reference: the scenario's own, the cost curves',
#: then each mechanism's.
SCHEMA: list[Key] = _in_reference_order(KEYS[:7] + curves.KEYS + KEYS[7:] + [k for mech in CATALOGUE for k in mech.KEYS])
