"""Derive ``ets_prices.csv`` and ``eu_ets_emissions.csv``.

Usage::

    python data/scripts/derive_ets.py ICAP_ANNUAL_CSV EEA_SECTOR_CSV [--out data]

* ``ICAP_ANNUAL_CSV``: annual means of allowance prices computed from the export of the ICAP
  Allowance Price Explorer (International Carbon Action Partnership,
  https://icapcarbonaction.com/en/ets-prices), columns ``system, market, year, currency,
  mean_price_local, mean_price_usd, n_observations``. Only the systems listed in this
  project's ``ets.csv`` (column ``icap_system``) are kept. Cite ICAP.
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
EEA = "EEA EU ETS data viewer via github.com/datasets/eu-emissions-trading-system (ODC-PDDL)"


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
    prices[["ets_id", "market", "year", "currency", "price_local_per_t", "price_usd_per_t",
            "n_observations", "source"]].to_csv(out / "ets_prices.csv", index=False)

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
