"""Derive ``budget_regions.csv``, ``budget_history.csv`` and ``budget_mac.csv`` (chapter "A global
cap and a just allocation") from MIMOSA's input data.

Usage::

    python data/scripts/derive_budget_regions.py MIMOSA_INPUTDATA_DIR [--out data]

``MIMOSA_INPUTDATA_DIR`` holds ``data_IMAGE_SSP.csv``, ``historical_emissions_image_regions.csv``
and ``mac.csv`` from ``inputdata/`` of the PyPI package ``mimosa`` 2.0.0
(https://pypi.org/project/mimosa/; GPL-3.0; van der Wijst et al.). Only sums and derived
parameters are kept here; the files are not redistributed.

Five regions made of the 26 IMAGE regions (:data:`REGIONS`): China (CHN), the United States
(USA), Europe (WEU + CEU: the EU-27 with the United Kingdom, Norway, Switzerland and the western
Balkans), India (INDIA) and the rest of the world (the other 21 IMAGE regions).

* ``budget_regions.csv``: IMAGE 3.4 SSP2 (``SSP2-Ref-SPA0-V17``) ``Population`` (million),
  ``GDP|PPP`` (billion USD2005) and ``Emissions|CO2`` (Mt CO2/yr, *including land-use CO2*, the
  same scope as the IPCC's remaining budgets) summed over each region's IMAGE regions,
  2020-2100 by decade.
* ``budget_history.csv``: CO2 emissions (fossil fuels and industry; OWID / Global Carbon Budget
  2024 as compiled by MIMOSA, GtCO2/yr) summed over each decade 1850-1859 ... 2010-2019, GtCO2.
* ``budget_mac.csv``: the kappa of MIMOSA's power MAC, MAC(a) = kappa * gamma * a**3 (a =
  abatement / baseline; calibration ``kappa_rel_abatement_0.75_2050``), for each region. For
  curves with the same exponent the aggregate is exact when the members' shares of BAU are
  fixed: a region abating a share a at price p has sum_i B_i (p / (kappa_i gamma))^(1/3), so
  kappa = (sum_i w_i kappa_i^(-1/3))^(-3) with w_i the member's share of the region's BAU. The
  weights are the members' cumulative SSP2 BAU CO2 2020-2090 (positive parts).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

SCENARIO = "SSP2-Ref-SPA0-V17"
CALIBRATION = "kappa_rel_abatement_0.75_2050"
GAMMA_USD_PER_T = 2887.0
BETA = 3.0
MIMOSA = "MIMOSA 2.0.0 inputdata (van der Wijst et al.; PyPI mimosa)"
#: Region -> its IMAGE regions; ROW takes every IMAGE region not listed.
REGIONS = {"CHN": ["CHN"], "USA": ["USA"], "EUR": ["WEU", "CEU"], "IND": ["INDIA"]}
NAMES = {"CHN": "China", "USA": "United States", "EUR": "Europe (WEU+CEU)", "IND": "India", "ROW": "Rest of world"}
YEARS = [str(y) for y in range(2020, 2101, 10)]


def members(all_regions) -> dict[str, list[str]]:
    listed = {r for rs in REGIONS.values() for r in rs}
    return {**REGIONS, "ROW": sorted(r for r in all_regions if r not in listed)}


def derive(src: Path, out: Path) -> None:
    ssp = pd.read_csv(src / "data_IMAGE_SSP.csv")
    ssp = ssp[ssp["Scenario"] == SCENARIO]
    groups = members(ssp["Region"].unique())
    rows = []
    variables = {"Population": "population_m", "GDP|PPP": "gdp_ppp_busd2005", "Emissions|CO2": "co2_bau_mt"}
    tables = {v: ssp[ssp["Variable"] == v].set_index("Region")[YEARS] for v in variables}
    for reg, ms in groups.items():
        for y in YEARS:
            row = {"region": reg, "name": NAMES[reg], "year": int(y)}
            for v, col in variables.items():
                row[col] = round(float(tables[v].loc[ms, y].sum()), 1)
            row["source"] = (f"{MIMOSA}: data_IMAGE_SSP.csv, IMAGE 3.4 {SCENARIO} Population, GDP|PPP, "
                             f"Emissions|CO2 summed over IMAGE regions {'+'.join(ms)}")
            rows.append(row)
    pd.DataFrame(rows).to_csv(out / "budget_regions.csv", index=False)

    hist = pd.read_csv(src / "historical_emissions_image_regions.csv").set_index("Year")
    rows = []
    for reg, ms in groups.items():
        for d in range(1850, 2011, 10):
            rows.append({"region": reg, "decade_start": d,
                         "co2_gt": round(float(hist.loc[d:d + 9, ms].sum().sum()), 3),
                         "source": f"{MIMOSA}: historical_emissions_image_regions.csv (OWID / Global Carbon "
                                   f"Budget 2024, fossil and industry CO2), years {d}-{d + 9}, IMAGE regions "
                                   f"{'+'.join(ms)}"})
    pd.DataFrame(rows).to_csv(out / "budget_history.csv", index=False)

    mac = pd.read_csv(src / "mac.csv").set_index("region")[CALIBRATION]
    bau = tables["Emissions|CO2"][YEARS[:-1]].clip(lower=0).sum(axis=1)
    rows = []
    for reg, ms in groups.items():
        w = bau[ms] / bau[ms].sum()
        kappa = float((w * mac[ms] ** (-1 / 3)).sum() ** -3)
        rows.append({"region": reg, "image_regions": "+".join(ms), "kappa": round(kappa, 4), "calibration": CALIBRATION,
                     "gamma_usd_per_t": GAMMA_USD_PER_T, "beta": BETA,
                     "source": f"{MIMOSA}: mac.csv column {CALIBRATION}; aggregated over the IMAGE regions with "
                               "weights their cumulative SSP2 BAU CO2 2020-2090 (derive_budget_regions.py)"})
    pd.DataFrame(rows).to_csv(out / "budget_mac.csv", index=False)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mimosa_dir", type=Path)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    derive(args.mimosa_dir, args.out)


if __name__ == "__main__":
    main()
