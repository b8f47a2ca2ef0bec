"""The project's sourced data: loading, validation and scenario builders.

The tables live in ``data/`` at the top of the repository, described by ``data/datapackage.json``
(a Frictionless-style descriptor: every column's type, unit and constraints, every table's
sources). ``data/README.md`` says where each table comes from and how to regenerate it.

::

    from model import data
    data.tables()                      # names of the tables
    data.load_table("jurisdictions")   # a pandas DataFrame
    data.validate()                    # raise DataError naming file, row and column
    data.build_ndc_world(2030)         # a scenario dict: each party's NDC as its cap

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
    "power_mac", "bau", "jurisdiction_entry", "ndc_cap", "build_ndc_world", "build_kyoto",
    "coverage_share",
]

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
    """The folder holding the CSV tables and ``datapackage.json`` (the one place that knows it)."""
    return Path(__file__).resolve().parent.parent / "data"


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

    ``variable`` is ``ghg`` (GHG excluding LULUCF CO2 and F-gases), ``ghg_incl_lucf`` or ``co2``;
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


def ndc_cap(party: str, year: int = 2030, conditional: bool = False) -> tuple[float, str]:
    """A party's NDC as an absolute cap in MtCO2e per year, with a note saying how it was made.

    Conversion by ``target_type`` (level L in per cent below the reference):

    - ``absolute``: the stated level.
    - ``base_year``: (1 - L/100) x emissions in the reference year: the party's own figure
      where the NDC states one (Japan FY2013, Korea 2018), else ours (``ghg_mt_YEAR``). Ours
      exclude LULUCF and F-gases while most NDCs count net emissions with F-gases, so the cap
      is only approximately the party's.
    - ``bau``: (1 - L/100) x the party's own BAU where stated (Indonesia, Mexico, Turkey), else
      our SSP2 BAU. Weak: a BAU target means what the party's BAU means, not ours.
    - ``intensity``: (1 - L/100) x (E_ref / GDP_ref) x GDP_year, with GDP_year from our SSP2
      projection. Weak: the cap moves one for one with projected GDP. A CO2-only target (China)
      caps CO2 and adds the non-CO2 gases at BAU.
    - ``peak``: no number to convert; the cap is our BAU in ``year`` (not binding).

    The cap is the NDC level in its target year (2030 for every row here); BAU-dependent parts
    are evaluated in ``year``. Negative results are clipped to zero.
    """
    ndcs = load_table("ndcs")
    rows = ndcs[ndcs["party"] == party]
    if rows.empty:
        raise KeyError(f"no NDC for '{party}' in ndcs.csv")
    pick = rows[rows["conditional"] == conditional] if conditional else rows[rows["primary"]]
    if pick.empty:
        pick = rows[rows["primary"]]
    row = pick.iloc[0]
    kind = row["target_type"]
    level = float(row["level_pct"]) / 100 if pd.notna(row["level_pct"]) else 0.0
    ref_year = int(row["reference_year"]) if pd.notna(row["reference_year"]) else None
    own_ref = float(row["reference_emissions_mt"]) if pd.notna(row["reference_emissions_mt"]) else None
    if kind == "absolute":
        cap, how = float(row["target_emissions_mt"]), "stated absolute level"
    elif kind == "base_year":
        ref = own_ref if own_ref is not None else _observed(party, ref_year)
        if ref is None:
            raise ValueError(f"{party}: no emissions for reference year {ref_year}")
        src = "party's own" if own_ref is not None else "OWID-derived"
        cap, how = (1 - level) * ref, f"{level:.0%} below {ref_year} ({src} {ref:.0f} Mt)"
    elif kind == "bau":
        ref = own_ref if own_ref is not None else bau(party, year)
        src = "party's own BAU" if own_ref is not None else "our SSP2 BAU"
        cap, how = (1 - level) * ref, f"{level:.0%} below {src} ({ref:.0f} Mt)"
    elif kind == "intensity":
        jur = load_table("jurisdictions").set_index("iso3")
        gas = "co2" if row["gases"] == "CO2" else "ghg"
        e_ref = float(jur.loc[party, f"{gas}_mt_{ref_year}"])
        g_ref = float(jur.loc[party, f"gdp_busd_{ref_year}"])
        cap = (1 - level) * e_ref / g_ref * bau(party, year, "gdp")
        how = f"intensity {level:.0%} below {ref_year}, SSP2 GDP"
        if gas == "co2":
            cap += bau(party, year, "ghg") - bau(party, year, "co2")
            how += "; non-CO2 at BAU"
    elif kind == "peak":
        cap, how = bau(party, year), "peak target: cap = our BAU (not binding)"
    else:  # pragma: no cover - the schema's enum forbids it
        raise ValueError(f"{party}: unknown target type {kind}")
    return max(cap, 0.0), how


def build_ndc_world(year: int = 2030, parties=None, links=None, conditional: bool = False) -> dict:
    """The world of NDCs: each party one jurisdiction and one market whose cap is its NDC.

    Parameters
    ----------
    year : int
        Modelled year (2020-2060); BAU (MtCO2e/yr, GHG excluding LULUCF CO2 and F-gases) is
        taken in this year.
    parties : list of str, optional
        ISO3 codes (``EU27`` for the EU) with a row in ``ndcs.csv``; default all of them.
    links : list of list of str, optional
        Groups of parties whose markets are linked, e.g. ``[["EU27", "CHE"]]``.
    conditional : bool
        Use conditional targets where a party has one.

    Returns
    -------
    dict
        A scenario in the public format: ``jurisdictions`` {party: {bau, mac}} with the MIMOSA
        power MAC, ``markets`` {``PARTY_NDC``: {members, cap}} with caps in MtCO2e per year,
        ``links``. How each NDC type becomes a cap, and where that is weak, is in
        :func:`ndc_cap`; the scenario's ``description`` lists each party's conversion.
    """
    ndcs = load_table("ndcs")
    parties = list(dict.fromkeys(ndcs["party"])) if parties is None else list(parties)
    jurisdictions, markets, notes = {}, {}, []
    for p in parties:
        cap, how = ndc_cap(p, year, conditional)
        jurisdictions[p] = jurisdiction_entry(p, year)
        markets[f"{p}_NDC"] = {"members": [p], "cap": round(cap, 3)}
        notes.append(f"{p}: {how}")
    scenario = {
        "name": f"NDC world {year}",
        "description": f"Each party's {'conditional' if conditional else 'unconditional'} NDC as its "
                       "cap; BAU from SSP2 growth; MIMOSA power MACs (model/data.py build_ndc_world). "
                       "Caps: " + "; ".join(notes) + ".",
        "periods": [year],
        "jurisdictions": jurisdictions,
        "markets": markets,
        "links": [[f"{p}_NDC" for p in group] for group in (links or [])],
    }
    return scenario


def build_kyoto(period: int = 1, year: int | None = None, bound_only: bool = True,
                trading: bool = True, eu_burden_sharing: bool = True, others=()) -> dict:
    """Annex B caps of a Kyoto commitment period as a scenario.

    Parameters
    ----------
    period : {1, 2}
        First (2008-2012) or second (2013-2020) commitment period.
    year : int, optional
        Year whose observed emissions serve as BAU (a snapshot year: 2010 for period 1, 2016
        for period 2 by default). Observed emissions already include the policies of the time,
        so they understate a true BAU.
    bound_only : bool
        Only parties bound in the period (first period: 36, without the US and Canada); with
        False the US and Canada get their Annex B caps too (the treaty as signed).
    trading : bool
        Link all the markets (international emissions trading and JI); otherwise each party
        meets its own cap.
    eu_burden_sharing : bool
        First period: use the EU-15 burden-sharing targets instead of the common 92%.
    others : iterable of str
        Extra uncapped jurisdictions (e.g. ``["CHN", "IND"]``), at BAU = observed emissions.

    Returns
    -------
    dict
        Scenario: one jurisdiction per party (``bau`` in MtCO2e/yr, MIMOSA power MAC), one
        market ``PARTY_KP`` per party with cap = target % x 1990 emissions (MtCO2e/yr).

    Notes
    -----
    Caps use our 1990 emissions (GHG excluding LULUCF CO2 and F-gases) for every party: the
    economies in transition with other base years (Bulgaria 1988, Hungary 1985-87, Poland
    1988, Romania 1989, Slovenia 1986) had higher base-year emissions, so their caps here are
    too tight. Monaco has no emission data and is left out.
    """
    if period not in (1, 2):
        raise ValueError("period must be 1 or 2")
    year = year or (2010 if period == 1 else 2016)
    if year not in SNAPSHOT_YEARS:
        raise ValueError(f"year must be one of {SNAPSHOT_YEARS}")
    kyoto = load_table("kyoto")
    jur = load_table("jurisdictions").set_index("iso3")
    target = "cp1_target_pct_of_base" if period == 1 else "cp2_target_pct_of_base"
    bound = "cp1_bound" if period == 1 else "cp2_bound"
    rows = kyoto[kyoto[target].notna()]
    if bound_only:
        rows = rows[rows[bound]]
    jurisdictions, markets = {}, {}
    for _, r in rows.iterrows():
        c = r["iso3"]
        if c not in jur.index or pd.isna(jur.loc[c, "ghg_mt_1990"]):
            continue
        pct = float(r[target])
        if period == 1 and eu_burden_sharing and pd.notna(r["eu_burden_sharing_pct_of_base"]):
            pct = float(r["eu_burden_sharing_pct_of_base"])
        jurisdictions[c] = {"bau": float(jur.loc[c, f"ghg_mt_{year}"]), "mac": power_mac(c)}
        markets[f"{c}_KP"] = {"members": [c], "cap": pct / 100 * float(jur.loc[c, "ghg_mt_1990"])}
    for c in others:
        if c not in jurisdictions:
            jurisdictions[c] = {"bau": float(jur.loc[c, f"ghg_mt_{year}"]), "mac": power_mac(c)}
    return {
        "name": f"Kyoto commitment period {period}" + (", Annex B trading" if trading else ", no trading"),
        "description": f"Annex B caps (% of 1990 emissions) against {year} emissions as BAU "
                       "(model/data.py build_kyoto).",
        "periods": [year],
        "jurisdictions": jurisdictions,
        "markets": markets,
        "links": [list(markets)] if trading and len(markets) > 1 else [],
    }
