"""Derive ``ets_prices.csv`` and ``eu_ets_emissions.csv``.

Usage::

    python data/scripts/derive_ets.py ICAP_ANNUAL_CSV EEA_SECTOR_CSV [--out data]

* ``ICAP_ANNUAL_CSV``: annual means of allowance prices computed from the export of the ICAP
  Allowance Price Explorer (International Carbon Action Partnership,
  https://icapcarbonaction.com/en/ets-prices), columns ``system, market, year, currency,
  mean_price_local, mean_price_usd, n_observations``. Only the systems listed in this
  project's ``ets.csv`` (column ``icap_system``) are kept. Cite ICAP. ``part_year`` marks the
  means that do not cover a whole year of the series (:func:`part_years`).
* ``EEA_SECTOR_CSV``: EU ETS verified emissions by main activity sector (columns ``sector, year,
  emissions_mt``) from https://github.com/datasets/eu-emissions-trading-system (ODC-PDDL;
  underlying: European Environment Agency, EU ETS data viewer). Years whose rows are all zero
  (not yet published) are dropped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

ICAP = "ICAP Allowance Price Explorer (export of 22 March 2026), annual mean of the observations"
#: The ICAP export is of 22 March 2026: its 2026 means cover under three months.
EXPORT_YEAR = 2026
#: A year counts as part of a year when it has fewer than this share of the observations of
#: the year next to it (inwards) in its series.
PART_SHARE = 0.9

EEA = "EEA EU ETS data viewer via github.com/datasets/eu-emissions-trading-system (ODC-PDDL)"


def part_years(n_obs: pd.Series) -> pd.Series:
    """Which annual means of one series (index: year, values: observations) are part-year means.

    A series that starts or stops within a year has fewer observations in that year than in
    the full year next to it: walking in from each end of the series, a year is a part year
    while it has fewer than ``PART_SHARE`` of the observations of the next year inwards.
    Interior years are never flagged (thin trading in mid-series is not a part year), and
    every year from ``EXPORT_YEAR`` on is a part year.
    """
    n = n_obs.sort_index()
    years, counts = list(n.index), list(n.to_numpy())
    flag = {y: y >= EXPORT_YEAR for y in years}
    for order in (range(len(years) - 1), range(len(years) - 1, 0, -1)):
        step = 1 if order.step == 1 else -1
        for i in order:
            if flag[years[i]] or counts[i] < PART_SHARE * counts[i + step]:
                flag[years[i]] = True
            else:
                break
    return pd.Series(flag).reindex(n_obs.index)


def derive(icap_csv: Path, eea_csv: Path, out: Path) -> None:
    ets = pd.read_csv(out / "ets.csv").dropna(subset=["icap_system"])
    ids = dict(zip(ets["icap_system"], ets["ets_id"], strict=False))
    prices = pd.read_csv(icap_csv)
    prices = prices[prices["system"].isin(ids)].copy()
    prices.insert(0, "ets_id", prices.pop("system").map(ids))
    prices = prices.rename(columns={"mean_price_local": "price_local_per_t",
                                    "mean_price_usd": "price_usd_per_t"})
    prices["source"] = ICAP
    prices = prices.sort_values(["ets_id", "market", "year"])
    prices["part_year"] = pd.concat([part_years(g.set_index("year")["n_observations"]).set_axis(g.index)
                                     for _, g in prices.groupby(["ets_id", "market"])])
    prices[["ets_id", "market", "year", "currency", "price_local_per_t", "price_usd_per_t",
            "n_observations", "part_year", "source"]].to_csv(out / "ets_prices.csv", index=False)

    eea = pd.read_csv(eea_csv)
    totals = eea.groupby("year")["emissions_mt"].sum()
    eea = eea[eea["year"].isin(totals[totals > 0].index)].copy()
    eea["sector"] = eea["sector"].str.strip('"')
    eea["source"] = EEA
    eea.sort_values(["sector", "year"]).to_csv(out / "eu_ets_emissions.csv", index=False)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("icap_csv", type=Path)
    parser.add_argument("eea_csv", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    derive(args.icap_csv, args.eea_csv, args.out)


if __name__ == "__main__":
    main()
