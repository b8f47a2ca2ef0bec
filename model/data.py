"""The project's sourced data: loading, validation and scenario builders.

The tables live in ``data/`` at the top of the repository, described by ``data/datapackage.json``
(a Frictionless-style descriptor: every column's type, unit and constraints, every table's
sources). ``data/README.md`` says where each table comes from and how to regenerate it.

::

    from model import data
    data.tables()                      # names of the tables
    data.load_table("jurisdictions")   # a pandas DataFrame
    data.validate()                    # raise DataError naming file, row and column

The chapters' scenario builders (:mod:`model.chapters`) turn these tables into scenarios.

Units are in the column names: ``_mt`` MtCO2e (or MtCO2 for ``co2_`` columns), ``_gt`` Gt,
``_pct`` per cent, ``_usd_per_t`` USD per tonne, ``_busd`` billion international-$ (2011 PPP).
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DataError", "data_dir", "tables", "descriptor", "load_table", "validate",
    "power_mac", "bau", "jurisdiction_entry",
    "coverage_share", "ndc_rows", "paris_withdrawn", "observed_prices",
]

#: The target year of the NDCs the scenario builders use (``ndcs.csv`` also holds 2035 targets).
NDC_YEAR = 2030

#: Jurisdiction snapshot years of ``jurisdictions.csv`` (GHG columns ``ghg_mt_YEAR``).
SNAPSHOT_YEARS = (1990, 2005, 2010, 2012, 2016)


class DataError(ValueError):
    """A table breaks its schema. ``errors`` lists every problem as (file, row, column, message).

    ``row`` is the 1-based data row (the header is row 0; the file line is row + 1).
    """

    def __init__(self, errors):
        self.errors = list(errors)
        lines = [f"{f}, row {r}, column '{c}': {m}" for f, r, c, m in self.errors[:20]]
        more = f"\n... and {len(self.errors) - 20} more" if len(self.errors) > 20 else ""
        super().__init__("data does not match its schema:\n" + "\n".join(lines) + more)


def data_dir() -> Path:
    """The folder holding the CSV tables and ``datapackage.json`` (the one place that knows it):
    ``model/data_package``, installed with the package (``data/`` at the top of a clone is a link
    to it), so that a chapter's notebook runs anywhere the package is installed."""
    return Path(__file__).resolve().parent / "data_package"


def descriptor(directory: Path | None = None) -> dict:
    """The parsed ``datapackage.json``."""
    directory = Path(directory) if directory is not None else data_dir()
    return json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))


def tables(directory: Path | None = None) -> list[str]:
    """Names of the tables in the data package, in descriptor order."""
    return [r["name"] for r in descriptor(directory)["resources"]]


def _resource(name: str, directory: Path | None = None) -> dict:
    for r in descriptor(directory)["resources"]:
        if r["name"] == name:
            return r
    raise KeyError(f"no table '{name}'; tables: {', '.join(tables(directory))}")


# ---------------------------------------------------------------------------------------------
# Reading and validating


_BOOL = {"true": True, "false": False}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"[+-]?\d+")

#: Column-name suffix -> what its unit in the descriptor must start with.
_UNIT_SUFFIX = [
    (re.compile(r"_usd_per_t$"), ("USD/t",)),
    (re.compile(r"_local_per_t$"), ("local currency/t",)),
    (re.compile(r"_gt(_\d{4}.*)?$"), ("Gt",)),
    (re.compile(r"_mt(_\d{4})?$"), ("Mt",)),
    (re.compile(r"_busd(_\d{4})?$"), ("billion",)),
    (re.compile(r"_pct(_|$)"), ("%",)),
    (re.compile(r"_m_\d{4}$"), ("million",)),
]


def _parse(value: str, ftype: str):
    """Convert one CSV cell; raise ValueError with a short reason when it is not of ``ftype``."""
    if ftype == "integer":
        if not _INT.fullmatch(value):
            raise ValueError(f"must be an integer (got '{value}')")
        return int(value)
    if ftype == "number":
        try:
            x = float(value)
        except ValueError:
            raise ValueError(f"must be a number (got '{value}')") from None
        if not math.isfinite(x):
            raise ValueError(f"must be finite (got '{value}')")
        return x
    if ftype == "boolean":
        if value.lower() not in _BOOL:
            raise ValueError(f"must be True or False (got '{value}')")
        return _BOOL[value.lower()]
    if ftype == "date":
        if not _DATE.fullmatch(value):
            raise ValueError(f"must be a date YYYY-MM-DD (got '{value}')")
        return value
    return value


def _read_raw(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])


def _check_table(resource: dict, path: Path, raw: pd.DataFrame, errors: list) -> dict:
    """Check one table's header, cells and primary key. Returns parsed columns by name."""
    fname = path.name
    schema = resource["schema"]
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    for f in fields:
        unit = f.get("unit")
        for pattern, prefixes in _UNIT_SUFFIX:
            if pattern.search(f["name"]) and (unit is None or not unit.startswith(prefixes)):
                errors.append((fname, 0, f["name"], f"unit mismatch: the name says {prefixes[0]} "
                               f"but datapackage.json gives '{unit}'"))
                break
    for col in raw.columns:
        if col not in names:
            errors.append((fname, 0, col, "column not in datapackage.json (wrong name or unit?)"))
    for name in names:
        if name not in raw.columns:
            errors.append((fname, 0, name, "column missing from the file"))
    parsed = {}
    for f in fields:
        name = f["name"]
        if name not in raw.columns:
            continue
        cons = f.get("constraints", {})
        values = []
        for i, cell in enumerate(raw[name].tolist(), start=1):
            cell = cell.strip()
            if cell == "":
                if cons.get("required"):
                    errors.append((fname, i, name, "is required but empty"))
                values.append(None)
                continue
            try:
                v = _parse(cell, f["type"])
            except ValueError as exc:
                errors.append((fname, i, name, str(exc)))
                values.append(None)
                continue
            if "minimum" in cons and v < cons["minimum"]:
                errors.append((fname, i, name, f"must be >= {cons['minimum']} (got {cell})"))
            if "maximum" in cons and v > cons["maximum"]:
                errors.append((fname, i, name, f"must be <= {cons['maximum']} {f.get('unit', '')} "
                               f"(got {cell}; a unit mismatch?)".replace("  ", " ")))
            if "enum" in cons and v not in cons["enum"]:
                errors.append((fname, i, name, f"must be one of {cons['enum']} (got '{cell}')"))
            if "pattern" in cons and not re.fullmatch(cons["pattern"], cell):
                errors.append((fname, i, name, f"'{cell}' does not match pattern {cons['pattern']}"))
            values.append(v)
        parsed[name] = values
    key = schema.get("primaryKey")
    if key and all(k in raw.columns for k in key):
        seen = {}
        for i, tup in enumerate(zip(*(raw[k].tolist() for k in key), strict=False), start=1):
            if tup in seen:
                errors.append((fname, i, ",".join(key), f"duplicate key {tup} (first at row {seen[tup]})"))
            seen.setdefault(tup, i)
    return parsed


def validate(directory: Path | str | None = None) -> None:
    """Check every table against ``datapackage.json``; raise :class:`DataError` on any problem.

    Checks: every resource file exists; header names match the schema; each column's unit in
    the descriptor agrees with the unit in its name; types, required values, minimum, maximum,
    enum and pattern constraints; primary keys unique; foreign keys (e.g. every ``iso3`` in
    ``codes.csv``); every table names at least one source in the descriptor and has a
    non-empty ``source`` cell on every row.
    """
    directory = Path(directory) if directory is not None else data_dir()
    package = descriptor(directory)
    errors: list = []
    parsed: dict = {}
    for r in package["resources"]:
        path = directory / r["path"]
        if not r.get("sources"):
            errors.append(("datapackage.json", 0, r["name"], "table names no sources"))
        if not path.exists():
            errors.append((r["path"], 0, "-", "file missing"))
            continue
        raw = _read_raw(path)
        if "source" not in [f["name"] for f in r["schema"]["fields"]]:
            errors.append(("datapackage.json", 0, r["name"], "table has no per-row 'source' column"))
        parsed[r["name"]] = _check_table(r, path, raw, errors)
    for r in package["resources"]:
        if r["name"] not in parsed:
            continue
        for fk in r["schema"].get("foreignKeys", []):
            ref = fk["reference"]
            target = parsed.get(ref["resource"], {})
            known = set(target.get(ref["fields"][0], []))
            col = fk["fields"][0]
            for i, v in enumerate(parsed[r["name"]].get(col, []), start=1):
                if v is not None and v not in known:
                    errors.append((r["path"], i, col, f"unknown code '{v}': not in "
                                   f"{ref['resource']}.csv column '{ref['fields'][0]}'"))
    if errors:
        raise DataError(errors)


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean", "string": "string",
                 "date": "string"}


@cache
def _load(name: str, directory: str) -> pd.DataFrame:
    resource = _resource(name, Path(directory))
    path = Path(directory) / resource["path"]
    errors: list = []
    parsed = _check_table(resource, path, _read_raw(path), errors)
    if errors:
        raise DataError(errors)
    frame = pd.DataFrame({f["name"]: pd.array(parsed[f["name"]], dtype=_PANDAS_TYPES[f["type"]])
                          for f in resource["schema"]["fields"]})
    frame.attrs["units"] = {f["name"]: f.get("unit", "") for f in resource["schema"]["fields"]}
    frame.attrs["sources"] = resource["sources"]
    return frame


def load_table(name: str, directory: Path | str | None = None) -> pd.DataFrame:
    """One table as a DataFrame, typed by its schema (checked on load; :class:`DataError` if bad).

    Integers are nullable ``Int64``, booleans nullable ``boolean``, missing numbers NaN.
    ``frame.attrs["units"]`` maps column -> unit, ``frame.attrs["sources"]`` lists the sources.
    A copy is returned, so callers may change it freely.
    """
    directory = Path(directory) if directory is not None else data_dir()
    return _load(name, str(directory.resolve())).copy()


# ---------------------------------------------------------------------------------------------
# Derived quantities


def coverage_share(codes, year: int, variable: str = "ghg") -> float:
    """Share of world emissions in ``year`` emitted by ``codes`` (ISO3 list), a fraction.

    ``variable`` is ``ghg`` (fossil CO2 + CH4 + N2O, the CH4 and N2O including land use; no
    land-use CO2, no F-gases), ``ghg_incl_lucf`` or ``co2``;
    ``year`` one of :data:`SNAPSHOT_YEARS`. Codes without data (Monaco) count as zero.
    """
    jur = load_table("jurisdictions").set_index("iso3")
    col = f"{variable}_mt_{year}"
    present = [c for c in codes if c in jur.index]
    return float(jur.loc[present, col].sum() / jur.loc["WLD", col])


def power_mac(iso3: str) -> dict:
    """The MIMOSA power MAC of a jurisdiction, as a scenario ``mac`` mapping.

    MAC(q) = kappa * gamma * (q / BAU)**beta in USD/t, q in MtCO2e; gamma in USD2010/t.
    """
    mac = load_table("mac").set_index("iso3")
    if iso3 not in mac.index:
        raise KeyError(f"no MAC for '{iso3}' in mac.csv")
    row = mac.loc[iso3]
    return {"type": "power", "kappa": float(row["kappa"]), "gamma": float(row["gamma_usd_per_t"]),
            "beta": float(row["beta"])}


def bau(iso3: str, year: int, variable: str = "ghg") -> float:
    """BAU emissions (MtCO2e/yr; ``variable`` ``ghg`` or ``co2``) or GDP (``gdp``, billion int-$).

    Linear interpolation between the decades of ``baselines.csv`` (2020-2060).
    """
    base = load_table("baselines")
    rows = base[base["iso3"] == iso3].sort_values("year")
    if rows.empty:
        raise KeyError(f"no baseline for '{iso3}' in baselines.csv")
    years = rows["year"].astype(float).to_numpy()
    if not years[0] <= year <= years[-1]:
        raise ValueError(f"year {year} outside the baselines ({int(years[0])}-{int(years[-1])})")
    col = {"ghg": "ghg_bau_mt", "co2": "co2_bau_mt", "gdp": "gdp_bau_busd"}[variable]
    return float(np.interp(year, years, rows[col].astype(float).to_numpy()))


def jurisdiction_entry(iso3: str, year: int) -> dict:
    """``{bau, mac}`` for a scenario: BAU GHG in ``year`` (MtCO2e) and the MIMOSA power MAC."""
    return {"bau": round(bau(iso3, year), 3), "mac": power_mac(iso3)}


def _observed(iso3: str, year: int, variable: str = "ghg") -> float | None:
    """Observed emissions (MtCO2e): snapshot columns first, then the annual history table."""
    jur = load_table("jurisdictions").set_index("iso3")
    col = f"{variable}_mt_{year}"
    if iso3 in jur.index and col in jur.columns and pd.notna(jur.loc[iso3, col]):
        return float(jur.loc[iso3, col])
    hist = load_table("emissions_history")
    hit = hist[(hist["iso3"] == iso3) & (hist["year"] == year)]
    if not hit.empty and pd.notna(hit[f"{variable}_mt"].iloc[0]):
        return float(hit[f"{variable}_mt"].iloc[0])
    return None


def ndc_rows(target_year: int = NDC_YEAR) -> pd.DataFrame:
    """The rows of ``ndcs.csv`` whose target year is ``target_year`` (2030 or 2035).

    The table holds each party's 2030 target from the latest NDC that states one and, where the
    party's latest NDC (submitted by the end of 2025) sets a 2035 target, that target too;
    ``primary`` marks one row per party and target year.
    """
    ndcs = load_table("ndcs")
    return ndcs[ndcs["target_year"] == target_year].reset_index(drop=True)


def paris_withdrawn(on: str | None = None) -> list[str]:
    """Parties of ``ndcs.csv`` whose withdrawal from the Paris Agreement has taken effect by ``on``.

    ``on`` is an ISO date (``YYYY-MM-DD``); ``None`` means every withdrawal recorded, whatever its
    date (the United States: notified 27 January 2025, effective 27 January 2026, Art. 28.2).
    """
    ndcs = load_table("ndcs")
    flagged = ndcs[ndcs["paris_withdrawn"].notna()]
    if on is not None:
        flagged = flagged[flagged["paris_withdrawn"] <= on]
    return list(dict.fromkeys(flagged["party"]))


def observed_prices(full_years_only: bool = True) -> pd.DataFrame:
    """Observed annual mean allowance prices (``ets_prices.csv``), USD and local currency per tonne.

    With ``full_years_only`` (the default) the means of part years are dropped (``part_year``:
    a series' first or last years with fewer observations than the year next to them, and
    the year of the ICAP export, 2026), so that a mean over a few weeks of trading is never
    used to calibrate or to compare with a full-year model price. Every use of observed
    prices in the model and the book goes through this function.
    """
    prices = load_table("ets_prices")
    if full_years_only:
        prices = prices[~prices["part_year"].astype(bool)].reset_index(drop=True)
    return prices
