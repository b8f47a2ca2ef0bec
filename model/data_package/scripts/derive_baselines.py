"""Derive ``baselines.csv``, ``mac_regions.csv`` and ``mac.csv`` from MIMOSA's input data.

Usage::

    python data/scripts/derive_baselines.py MIMOSA_INPUTDATA_DIR [--out data]

``MIMOSA_INPUTDATA_DIR`` holds ``mac.csv`` and ``data_IMAGE_SSP.csv`` from ``inputdata/`` of the
PyPI package ``mimosa`` 2.0.0 (https://pypi.org/project/mimosa/; GPL-3.0; van der Wijst et al.).
Only derived parameters are kept here, and MIMOSA is cited; the files are not redistributed.
It also reads this project's own ``jurisdictions.csv`` (made by ``derive_jurisdictions.py``).

Method, baselines (BAU, MtCO2e/yr). IMAGE's ``Emissions|CO2`` includes land-use CO2 (Brazil:
about 1250 Mt in 2010 against about 410 Mt of fossil CO2), so sharing the regional *level* out by
fossil shares would misallocate it. Instead the regional SSP2 *growth* is applied to each
country's observed level::

    co2_bau(c, t) = co2(c, 2018) * E_r(t) / E_r(2018)
    ghg_bau(c, t) = co2_bau(c, t) * ghg(c, 2016) / co2(c, 2016)
    gdp_bau(c, t) = gdp(c, 2016) * Y_r(t) / Y_r(2016)

with r the IMAGE region of c, E_r and Y_r the IMAGE 3.4 SSP2 (``SSP2-Ref-SPA0-V17``)
``Emissions|CO2`` and ``GDP|PPP`` of r, linearly interpolated between the decadal values for
2016 and 2018. Non-CO2 gases are assumed to grow with CO2. The EU rows are the sums of their
members; World uses the sum over the 26 IMAGE regions.

Method, MAC. MIMOSA's power law MAC(a) = kappa_r * gamma * a**beta, a the abatement as a share of
baseline emissions, gamma = 2887 USD2010/tCO2, beta = 3, kappa_r from the calibration column
``kappa_rel_abatement_0.75_2050`` (MIMOSA's default). The EU rows take the 2016-GHG-weighted mean
kappa of their members; World the 2016-GHG-weighted mean of all regions in the jurisdictions table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

SCENARIO = "SSP2-Ref-SPA0-V17"
CALIBRATION = "kappa_rel_abatement_0.75_2050"
GAMMA_USD_PER_T = 2887.0
BETA = 3.0
YEARS = (2020, 2030, 2040, 2050, 2060)
MIMOSA = "MIMOSA 2.0.0 inputdata (van der Wijst et al.; PyPI mimosa)"


def _interp(series: pd.Series, year: float) -> float:
    xs = np.array([int(c) for c in series.index], dtype=float)
    return float(np.interp(year, xs, series.to_numpy(dtype=float)))


def derive(mimosa_dir: Path, out: Path) -> None:
    ssp = pd.read_csv(mimosa_dir / "data_IMAGE_SSP.csv")
    ssp = ssp[ssp["Scenario"] == SCENARIO]
    year_cols = [c for c in ssp.columns if c.isdigit()]
    co2 = ssp[ssp["Variable"] == "Emissions|CO2"].set_index("Region")[year_cols]
    gdp = ssp[ssp["Variable"] == "GDP|PPP"].set_index("Region")[year_cols]
    co2.loc["WORLD"] = co2.sum()
    gdp.loc["WORLD"] = gdp.sum()

    kappas = pd.read_csv(mimosa_dir / "mac.csv").set_index("region")[CALIBRATION]
    regions = pd.DataFrame({"image_region": kappas.index, "kappa": kappas.to_numpy(),
                            "calibration": CALIBRATION, "gamma_usd_per_t": GAMMA_USD_PER_T,
                            "beta": BETA, "source": f"{MIMOSA}: mac.csv column {CALIBRATION}; "
                            "gamma and beta: MIMOSA default MAC parameters"})
    regions.to_csv(out / "mac_regions.csv", index=False)

    jur = pd.read_csv(out / "jurisdictions.csv").set_index("iso3")
    countries = jur[jur["kind"] == "country"]
    members = {"EU27": countries.index[countries["eu27"]].tolist()}
    members["EU28"] = members["EU27"] + ["GBR"]
    members["WLD"] = countries.index.tolist()

    rows, mac_rows = [], []
    for iso3, j in countries.iterrows():
        r = j["image_region"]
        ratio = j["ghg_mt_2016"] / j["co2_mt_2016"]
        for t in YEARS:
            c = j["co2_mt_2018"] * _interp(co2.loc[r], t) / _interp(co2.loc[r], 2018)
            g = (j["gdp_busd_2016"] * _interp(gdp.loc[r], t) / _interp(gdp.loc[r], 2016)
                 if pd.notna(j["gdp_busd_2016"]) else np.nan)
            rows.append({"iso3": iso3, "year": t, "image_region": r, "co2_bau_mt": c,
                         "ghg_bau_mt": c * ratio, "gdp_bau_busd": g})
        mac_rows.append({"iso3": iso3, "image_region": r, "kappa": kappas[r]})
    base = pd.DataFrame(rows)
    for agg in ("EU27", "EU28"):
        part = base[base["iso3"].isin(members[agg])].groupby("year")[["co2_bau_mt", "ghg_bau_mt", "gdp_bau_busd"]]
        summed = part.sum(min_count=1).reset_index()
        summed["iso3"], summed["image_region"] = agg, ""
        rows.extend(summed.to_dict("records"))
    wld = jur.loc["WLD"]
    for t in YEARS:
        c = wld["co2_mt_2018"] * _interp(co2.loc["WORLD"], t) / _interp(co2.loc["WORLD"], 2018)
        rows.append({"iso3": "WLD", "year": t, "image_region": "", "co2_bau_mt": c,
                     "ghg_bau_mt": c * wld["ghg_mt_2016"] / wld["co2_mt_2016"],
                     "gdp_bau_busd": wld["gdp_busd_2016"] * _interp(gdp.loc["WORLD"], t) / _interp(gdp.loc["WORLD"], 2016)})
    base = pd.DataFrame(rows)
    for col in ("co2_bau_mt", "ghg_bau_mt", "gdp_bau_busd"):
        base[col] = base[col].round(2)
    base["method"] = "growth_index"
    base["source"] = (f"{MIMOSA}: data_IMAGE_SSP.csv, IMAGE 3.4 {SCENARIO} Emissions|CO2 and GDP|PPP growth "
                      "of the IMAGE region applied to the country's OWID 2018 CO2 / 2016 GHG ratio / 2016 GDP "
                      "(jurisdictions.csv); EU = sum of members")
    base.to_csv(out / "baselines.csv", index=False)

    mac = pd.DataFrame(mac_rows)
    weights = countries["ghg_mt_2016"]
    for agg in ("EU27", "EU28", "WLD"):
        m = mac[mac["iso3"].isin(members[agg])].set_index("iso3")
        w = weights.reindex(m.index).fillna(0)
        mac = pd.concat([mac, pd.DataFrame([{"iso3": agg, "image_region": "",
                                             "kappa": float((m["kappa"] * w).sum() / w.sum())}])])
    mac["kappa"] = mac["kappa"].round(4)
    mac["calibration"] = CALIBRATION
    mac["gamma_usd_per_t"] = GAMMA_USD_PER_T
    mac["beta"] = BETA
    mac["source"] = [f"{MIMOSA}: mac.csv, kappa of IMAGE region {r}" if r else
                     f"{MIMOSA}: mac.csv, 2016-GHG-weighted mean kappa of the members"
                     for r in mac["image_region"]]
    mac.to_csv(out / "mac.csv", index=False)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mimosa_dir", type=Path, help="folder with MIMOSA's mac.csv and data_IMAGE_SSP.csv")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    derive(args.mimosa_dir, args.out)


if __name__ == "__main__":
    main()
