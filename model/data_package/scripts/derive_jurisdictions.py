"""Derive ``jurisdictions.csv``, ``emissions_history.csv`` and ``codes.csv`` from public sources.

Usage::

    python data/scripts/derive_jurisdictions.py OWID_CSV MIMOSA_REGION_MAP [--out data]

Sources (download them yourself; they are not part of this project):

* ``OWID_CSV``: Our World in Data, CO2 and Greenhouse Gas Emissions dataset, December 2020
  release (``owid-co2-data.csv`` at commit 2a6c4a2 of https://github.com/owid/co2-data),
  CC BY 4.0. Underlying: Global Carbon Project (CO2), CAIT/Climate Watch (CH4, N2O, total
  GHG), Maddison Project (GDP), UN WPP (population).
* ``MIMOSA_REGION_MAP``: ``inputdata/.../ISO_IMAGE_regions_R5_regions.csv`` from the PyPI
  package ``mimosa`` 2.0.0 (https://pypi.org/project/mimosa/), GPL-3.0: only the IMAGE region
  of each selected country is taken.

Country groups (Annex I, EU, OECD, LDC, SIDS) come from the PyPI package ``countrygroups``
(CC0; version 0.13.0 was used), installed only to run this script. Annex B membership comes
from the hand-curated ``kyoto.csv`` (the treaty's Annex B), read from the output folder.

Emission variables (all MtCO2e per year):

* ``co2_mt_Y``: CO2 from fossil fuels and industry (OWID ``co2``; excludes land use).
* ``ghg_mt_Y``: ``co2 + methane + nitrous_oxide``. The December 2020 OWID release has no
  total GHG *excluding* LULUCF (its ``total_ghg`` is CAIT "Total including LUCF"), so this is
  the closest excluding-LULUCF total it allows: it excludes LULUCF CO2 and the F-gases
  (about 2-3 % of world GHG), and keeps the small LUCF share of CH4 and N2O.
* ``ghg_incl_lucf_mt_Y``: OWID ``total_ghg`` (CAIT, including LUCF), for comparison.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

SNAPSHOT_YEARS = (1990, 2005, 2010, 2012, 2016)  # 2016: latest year of CAIT GHG in this release
LATEST_CO2_YEAR = 2018
HISTORY_PARTIES = ("CHN", "USA", "EU28", "IND", "RUS", "JPN", "KOR", "CAN", "BRA", "IDN", "AUS")

EU28 = ("AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL "
        "PRT ROU SVK SVN ESP SWE GBR").split()
# Monaco (Annex B) is not in the OWID dataset: it has a row in codes.csv and kyoto.csv only.
OTHER_ANNEX_B = "AUS CAN ISL JPN LIE NZL NOR RUS CHE UKR USA".split()
OTHER = ("TUR BLR KAZ CHN IND BRA IDN KOR MEX ZAF SAU IRN ARG "  # Annex I non-B; main emitters
         "PAK VNM THA MYS PHL EGY ARE UZB BGD ETH LAO KHM "        # Belt and Road partners
         "FJI MDV").split()                                        # small island states
COUNTRIES = EU28 + OTHER_ANNEX_B + OTHER

# Countries missing from MIMOSA's ISO -> IMAGE map, assigned by geography (noted per row).
IMAGE_FALLBACK = {"LIE": "WEU"}
EXTRA_CODES = {"MCO": "Monaco"}  # ISO 3166-1 codes absent from OWID
AGGREGATES = {"WLD": "World", "EU28": "EU-28", "EU27": "EU-27"}
OWID_SOURCE = ("Our World in Data CO2 and GHG dataset, Dec 2020 (github.com/owid/co2-data "
               "commit 2a6c4a2): GCP (co2), CAIT (methane, nitrous_oxide, total_ghg), "
               "Maddison (gdp), UN WPP (population)")


def _groups():
    import countrygroups as cg  # derivation-only dependency

    return {
        "annex_i": set(cg.ANNEX_ONE),
        "eu27": set(cg.EUROPEAN_UNION),
        "oecd": set(cg.OECD),
        "ldc": set(cg.LDC),
        "sids": set(cg.SIDS),
    }, cg.__version__


def _value(frame: pd.DataFrame, year: int, column: str):
    row = frame[frame["year"] == year]
    if row.empty or pd.isna(row[column].iloc[0]):
        return None
    return float(row[column].iloc[0])


def _ghg_proxy(frame: pd.DataFrame, year: int):
    parts = [_value(frame, year, c) for c in ("co2", "methane", "nitrous_oxide")]
    return None if any(p is None for p in parts) else sum(parts)


def derive(owid_csv: Path, region_map_csv: Path, out: Path) -> None:
    owid = pd.read_csv(owid_csv)
    regions = pd.read_csv(region_map_csv).set_index("Country")
    kyoto = pd.read_csv(out / "kyoto.csv")
    annex_b = set(kyoto.loc[kyoto["iso3"].str.len() == 3, "iso3"])
    groups, cg_version = _groups()

    # --- codes.csv: every OWID country code plus the aggregates used here -------------------
    codes = (owid.dropna(subset=["iso_code"])
             .loc[lambda d: d["iso_code"].str.fullmatch(r"[A-Z]{3}"), ["iso_code", "country"]]
             .drop_duplicates("iso_code").rename(columns={"iso_code": "code", "country": "name"}))
    codes["kind"] = "country"
    codes["source"] = "OWID co2-data Dec 2020, iso_code and country columns"
    extra = pd.DataFrame({"code": list(EXTRA_CODES), "name": list(EXTRA_CODES.values()),
                          "kind": "country", "source": "ISO 3166-1 alpha-3 (absent from OWID)"})
    aggregates = pd.DataFrame({"code": list(AGGREGATES), "name": list(AGGREGATES.values()),
                               "kind": "aggregate", "source": "OWID co2-data Dec 2020, country column"})
    codes = pd.concat([codes, extra, aggregates])
    codes = codes.sort_values(["kind", "code"]).reset_index(drop=True)
    codes.to_csv(out / "codes.csv", index=False)

    # --- jurisdictions.csv ------------------------------------------------------------------
    rows = []
    eu27 = sorted(groups["eu27"])
    members = {"EU27": eu27, "EU28": eu27 + ["GBR"]}
    for code in COUNTRIES + list(AGGREGATES):
        if code in AGGREGATES:
            frame = _frame(owid, code, members)
            name, kind = AGGREGATES[code], "aggregate"
        else:
            frame = owid[owid["iso_code"] == code]
            name, kind = frame["country"].iloc[0], "country"
        if frame.empty:
            raise SystemExit(f"{code}: not found in {owid_csv}")
        row = {"iso3": code, "name": name, "kind": kind}
        for g, group in groups.items():
            row[g] = code in group if kind == "country" else False
        row["annex_b"] = code in annex_b
        if kind == "country":
            if code in regions.index:
                row["image_region"] = regions.loc[code, "Region"]
                row["image_region_note"] = "MIMOSA ISO_IMAGE_regions_R5_regions.csv"
            else:
                row["image_region"] = IMAGE_FALLBACK[code]
                row["image_region_note"] = "not in MIMOSA map; assigned by geography"
        else:
            row["image_region"] = ""
            row["image_region_note"] = "aggregate"
        row["population_m_2016"] = _round(_value(frame, 2016, "population"), 1e-6, 3)
        for y in (2005, 2016):
            row[f"gdp_busd_{y}"] = _round(_value(frame, y, "gdp"), 1e-9, 1)
        for y in SNAPSHOT_YEARS:
            row[f"co2_mt_{y}"] = _round(_value(frame, y, "co2"), 1, 2)
            row[f"ghg_mt_{y}"] = _round(_ghg_proxy(frame, y), 1, 2)
            row[f"ghg_incl_lucf_mt_{y}"] = _round(_value(frame, y, "total_ghg"), 1, 2)
        row[f"co2_mt_{LATEST_CO2_YEAR}"] = _round(_value(frame, LATEST_CO2_YEAR, "co2"), 1, 2)
        # cumulative: sum of annual co2 over 1850-2018 (missing years count as zero); for the EU
        # the sum of the members' own sums, so a member without early data does not drop a year
        parts = [owid[owid["iso_code"] == m] for m in members[code]] if code in members else [frame]
        row[f"cumulative_co2_gt_1850_{LATEST_CO2_YEAR}"] = round(sum(
            p.loc[(p["year"] >= 1850) & (p["year"] <= LATEST_CO2_YEAR), "co2"].fillna(0).sum()
            for p in parts) / 1000, 3)
        row["source"] = OWID_SOURCE + f"; groups: countrygroups {cg_version}; annex_b: kyoto.csv"
        if code in members:
            row["source"] += f"; {code} = sum of the member-state rows ({len(members[code])} members)"
        rows.append(row)
    table = pd.DataFrame(rows)
    ordered = ["iso3", "name", "kind", "annex_i", "annex_b", "eu27", "oecd", "ldc", "sids",
               "image_region", "image_region_note", "population_m_2016", "gdp_busd_2005", "gdp_busd_2016"]
    emission_cols = [c for c in table.columns if c not in ordered and c != "source"]
    table = table[ordered + emission_cols + ["source"]]
    table.to_csv(out / "jurisdictions.csv", index=False)

    # --- emissions_history.csv: main parties, every year 1990-2018 --------------------------
    hist_rows = []
    for code in HISTORY_PARTIES:
        frame = _frame(owid, code, members) if code in AGGREGATES else owid[owid["iso_code"] == code]
        for y in range(1990, LATEST_CO2_YEAR + 1):
            hist_rows.append({"iso3": code, "year": y,
                              "co2_mt": _round(_value(frame, y, "co2"), 1, 2),
                              "ghg_mt": _round(_ghg_proxy(frame, y), 1, 2),
                              "source": "OWID co2-data Dec 2020: co2 (GCP); ghg = co2 + methane + nitrous_oxide (CAIT)"})
    pd.DataFrame(hist_rows).to_csv(out / "emissions_history.csv", index=False)


def _frame(owid: pd.DataFrame, code: str, members: dict) -> pd.DataFrame:
    """OWID rows of an aggregate: World as published; EU-27/EU-28 as the sum of their members.

    OWID has no GHG for its EU rows, so the EU is summed from member states (a member with a
    missing value leaves the year missing, never silently smaller).
    """
    if code not in members:
        return owid[owid["country"] == AGGREGATES[code]]
    rows = owid[owid["iso_code"].isin(members[code])]
    cols = ["co2", "methane", "nitrous_oxide", "total_ghg", "population", "gdp"]
    summed = rows.groupby("year")[cols].sum(min_count=len(members[code])).reset_index()
    summed["country"] = AGGREGATES[code]
    return summed


def _round(value, scale, digits):
    return None if value is None else round(value * scale, digits)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("owid_csv", type=Path, help="owid-co2-data.csv (Dec 2020 release)")
    parser.add_argument("region_map", type=Path, help="MIMOSA ISO_IMAGE_regions_R5_regions.csv")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    derive(args.owid_csv, args.region_map, args.out)


if __name__ == "__main__":
    main()
