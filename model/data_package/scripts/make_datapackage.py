"""Write ``datapackage.json``: the schema (types, units, constraints) and sources of every table.

Usage::

    python data/scripts/make_datapackage.py [--out data]

The descriptor follows the Frictionless Data Package / Table Schema layout (``resources``,
``schema.fields`` with ``type``, ``constraints``, ``primaryKey``, ``foreignKeys``, ``sources``)
plus a ``unit`` on every numeric field. The project validates it with its own small validator
(``model.data.validate``), not with the ``frictionless`` package.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OWID = {"title": "Our World in Data, CO2 and Greenhouse Gas Emissions dataset (Dec 2020 release, commit 2a6c4a2)",
        "path": "https://github.com/owid/co2-data", "license": "CC-BY-4.0"}
MIMOSA = {"title": "MIMOSA integrated assessment model 2.0.0, inputdata/ (van der Wijst et al.)",
          "path": "https://pypi.org/project/mimosa/", "license": "GPL-3.0 (parameters derived, file not redistributed)"}
CG = {"title": "countrygroups 0.13.0 (Annex I, EU, OECD, LDC, SIDS lists)",
      "path": "https://pypi.org/project/countrygroups/", "license": "CC0-1.0"}
ICAP_PX = {"title": "ICAP Allowance Price Explorer (International Carbon Action Partnership), export of 22 March 2026",
           "path": "https://icapcarbonaction.com/en/ets-prices", "license": "cite ICAP"}
ICAP_SR = {"title": "ICAP (2023) Emissions Trading Worldwide: Status Report 2023, ETS factsheets",
           "path": "https://icapcarbonaction.com/en/publications/emissions-trading-worldwide-2023-icap-status-report",
           "license": "cite ICAP"}
EEA = {"title": "EU ETS verified emissions by main activity sector (EEA EU ETS data viewer)",
       "path": "https://github.com/datasets/eu-emissions-trading-system", "license": "ODC-PDDL-1.0"}
KP = {"title": "Kyoto Protocol (1997), Annex B; Doha Amendment (2012, decision 1/CMP.8); UN Treaty Collection ch. XXVII-7",
      "path": "https://unfccc.int/process-and-meetings/the-kyoto-protocol", "license": "public document"}
NDC = {"title": "UNFCCC NDC Registry: the parties' NDC documents",
       "path": "https://unfccc.int/NDCREG", "license": "public document"}
NDC_TEXT = {"title": "WRI, text copies of the NDC documents of the UNFCCC registry (github.com/wri/ndc; file named per row in url)",
            "path": "https://github.com/wri/ndc", "license": "public documents"}
PARIS_WD = {"title": "UN Secretary-General's spokesperson, 28 January 2025, as reported by AFP (NDTV) and Xinhua (Shine): the United "
                     "States notified the depositary of its withdrawal from the Paris Agreement on 27 January 2025, effective 27 "
                     "January 2026 (Art. 28.2); the depositary notification is in the UN Treaty Collection, chapter XXVII.7.d",
            "path": "https://www.ndtv.com/world-news/un-confirms-us-withdrawal-notification-from-paris-climate-change-agreement-7581949",
            "license": "facts quoted with their source"}
IPCC = {"title": "IPCC (2021) Climate Change 2021: The Physical Science Basis, WGI Summary for Policymakers, Table SPM.2",
        "path": "https://www.ipcc.ch/report/ar6/wg1/", "license": "public document"}
CORSIA_ICAO = {"title": "ICAO: Assembly Resolutions A39-3 (2016) and A41-22 (2022), Council decision of 30 June 2020, "
                        "CORSIA frequently asked questions (cited per row)",
               "path": "https://www.icao.int/environmental-protection/CORSIA", "license": "public document"}
CORSIA_IEA = {"title": "IEA, international aviation CO2 and the Aviation tracking report (cited per row)",
              "path": "https://www.iea.org/fuels-and-technologies/aviation", "license": "cite IEA"}
CORSIA_PRESS = {"title": "Reports of ICAO decisions and of market estimates in the press and by law firms (cited per row)",
                "path": "see the source column", "license": "facts quoted with their source"}
GOODS_SRC = {"title": "worldsteel, World Steel in Figures 2023 and Sustainability Indicators 2023; EUROFER, European "
                      "Steel in Figures 2023; China customs 2022; Directive (EU) 2023/959 (cited per row)",
             "path": "https://worldsteel.org/data/world-steel-in-figures-2023/", "license": "cite the source"}
SUBNAT_RULES = {"title": "The rules of the sub-national systems: Cal. Code Regs. tit. 17; Quebec Q-2, r. 46.1 and "
                         "orders in council; WAC 173-446; N.S. Reg. 194/2018; RGGI 2017 Model Rule (cited per row)",
                "path": "https://www.rggi.org/program-overview-and-design/elements", "license": "public document"}
ETS_REPORTS = {"title": "Official statistics and press, ministry or law-firm reports of ETS caps and covered emissions "
                        "(UK ETS Authority via Reuters, DEHSt, MEE, Guangdong DEE, IEA policies database; cited per row)",
               "path": "see the source column", "license": "facts quoted with their source"}
LAWS = {"title": "The regulations establishing each ETS (cited per row in the source column)",
        "path": "https://eur-lex.europa.eu/eli/dir/2003/87/oj", "license": "public document"}

SRC = {"name": "source", "type": "string", "constraints": {"required": True},
       "description": "where the row's numbers come from (document and article/table, or dataset)"}
ISO = {"name": "iso3", "type": "string", "constraints": {"required": True, "pattern": "[A-Z]{3}|EU2[78]"},
       "description": "ISO 3166-1 alpha-3 code, or WLD / EU27 / EU28 for aggregates (see codes.csv)"}


def num(name, unit, description, minimum=0, maximum=None, required=False):
    c = {"required": required}
    if minimum is not None:
        c["minimum"] = minimum
    if maximum is not None:
        c["maximum"] = maximum
    return {"name": name, "type": "number", "unit": unit, "description": description, "constraints": c}


def integer(name, unit, description, minimum=None, maximum=None, required=True):
    c = {"required": required}
    if minimum is not None:
        c["minimum"] = minimum
    if maximum is not None:
        c["maximum"] = maximum
    return {"name": name, "type": "integer", "unit": unit, "description": description, "constraints": c}


def boolean(name, description, required=True):
    return {"name": name, "type": "boolean", "description": description, "constraints": {"required": required}}


def string(name, description, required=False, enum=None, pattern=None):
    c = {"required": required}
    if enum:
        c["enum"] = enum
    if pattern:
        c["pattern"] = pattern
    return {"name": name, "type": "string", "description": description, "constraints": c}


MT = "MtCO2e"
GHG_NOTE = ("GHG including land-use CH4/N2O, excluding land-use CO2 and F-gases: co2 (fossil and industry, GCP) + methane + "
            "nitrous_oxide of OWID (CAIT), whose CH4 and N2O include land-use change and forestry (fires, biomass burning), so "
            "this is not a total excluding LULUCF; the Dec 2020 release has none (its total_ghg is CAIT 'Total including LUCF')")


def jurisdictions_fields():
    f = [ISO, string("name", "English short name (OWID)", required=True),
         string("kind", "country or aggregate", required=True, enum=["country", "aggregate"])]
    for g, d in [("annex_i", "UNFCCC Annex I (countrygroups ANNEX_ONE)"),
                 ("annex_b", "Kyoto Protocol Annex B, first commitment period (kyoto.csv)"),
                 ("eu27", "EU member since 2020 (countrygroups EUROPEAN_UNION)"),
                 ("oecd", "OECD member (countrygroups OECD, current membership)"),
                 ("ldc", "least developed country (countrygroups LDC)"),
                 ("sids", "small island developing state (countrygroups SIDS)")]:
        f.append(boolean(g, d))
    f += [string("image_region", "IMAGE 26-region code (MIMOSA map); empty for aggregates"),
          string("image_region_note", "how the IMAGE region was assigned"),
          num("population_m_2016", "million people", "population 2016 (UN WPP via OWID)", maximum=10000),
          num("gdp_busd_2005", "billion international-$ (2011 PPP)", "GDP 2005 (Maddison via OWID)", maximum=1e6),
          num("gdp_busd_2016", "billion international-$ (2011 PPP)", "GDP 2016 (Maddison via OWID)", maximum=1e6)]
    for y in (1990, 2005, 2010, 2012, 2016):
        f.append(num(f"co2_mt_{y}", "MtCO2", f"CO2 from fossil fuels and industry, {y} (GCP via OWID)", maximum=60000))
        f.append(num(f"ghg_mt_{y}", MT, f"{GHG_NOTE}; {y}", maximum=80000))
        f.append(num(f"ghg_incl_lucf_mt_{y}", MT, f"total GHG including LUCF (CAIT via OWID total_ghg), {y}; may be negative for net sinks",
                     minimum=None, maximum=80000))
    f.append(num("co2_mt_2018", "MtCO2", "CO2 from fossil fuels and industry, 2018, the latest year in the release", maximum=60000))
    f.append(num("cumulative_co2_gt_1850_2018", "GtCO2", "sum of annual fossil and industry CO2 1850-2018", maximum=5000, required=True))
    f.append(SRC)
    return f


RESOURCES = [
    {"name": "codes", "path": "codes.csv", "title": "Country and aggregate codes",
     "description": "Every ISO3 code of the OWID dataset, plus Monaco and the aggregates WLD, EU27, EU28; the reference list for iso3 columns.",
     "sources": [OWID], "primaryKey": ["code"],
     "fields": [string("code", "ISO 3166-1 alpha-3, or aggregate code", required=True, pattern="[A-Z]{3}|EU2[78]"),
                string("name", "name", required=True), string("kind", "country or aggregate", required=True, enum=["country", "aggregate"]), SRC]},
    {"name": "jurisdictions", "path": "jurisdictions.csv", "title": "Jurisdictions: groups, population, GDP, emissions",
     "description": "The parties the paper names, the main emitters, Belt and Road partners and small island states, plus World and the EU; " + GHG_NOTE + ".",
     "sources": [OWID, CG, MIMOSA, KP], "primaryKey": ["iso3"],
     "foreignKeys": [{"fields": ["iso3"], "reference": {"resource": "codes", "fields": ["code"]}}],
     "fields": jurisdictions_fields()},
    {"name": "emissions_history", "path": "emissions_history.csv", "title": "Annual emissions of the main parties, 1990-2018",
     "description": "CO2 to 2018; GHG (" + GHG_NOTE + ") to 2016.", "sources": [OWID], "primaryKey": ["iso3", "year"],
     "foreignKeys": [{"fields": ["iso3"], "reference": {"resource": "codes", "fields": ["code"]}}],
     "fields": [ISO, integer("year", "year", "calendar year", 1990, 2018),
                num("co2_mt", "MtCO2", "CO2 from fossil fuels and industry", maximum=60000),
                num("ghg_mt", MT, GHG_NOTE, maximum=80000), SRC]},
    {"name": "kyoto", "path": "kyoto.csv", "title": "Kyoto Protocol commitments",
     "description": "Annex B targets of the first (2008-2012) and second (2013-2020) commitment periods; who was bound. cp1_bound: ratified and did not withdraw (36 countries). cp2_bound: a QELRC inscribed in the Doha Amendment. Hand-curated.",
     "sources": [KP], "primaryKey": ["iso3"],
     "foreignKeys": [{"fields": ["iso3"], "reference": {"resource": "codes", "fields": ["code"]}}],
     "fields": [ISO, num("cp1_target_pct_of_base", "% of base year", "Annex B QELRC 2008-2012", minimum=0, maximum=200),
                string("base_year", "base year (Art. 3.5 alternatives for economies in transition)", required=True, pattern=r"\d{4}(-\d{4})?"),
                num("eu_burden_sharing_pct_of_base", "% of base year", "EU-15 burden-sharing target (Council Decision 2002/358/EC)", maximum=200),
                string("cp1_status", "first period", required=True, enum=["ratified", "signed_not_ratified", "withdrew", "no_cp1_target"]),
                boolean("cp1_bound", "bound in the first period (ratified, not withdrawn)"),
                {"name": "withdrawal_effective", "type": "date", "description": "date a withdrawal took effect (Art. 27)", "constraints": {"required": False}},
                num("cp2_target_pct_of_base", "% of base year", "Doha Amendment QELRC 2013-2020", maximum=200),
                string("cp2_status", "second period", required=True, enum=["target_inscribed", "no_target", "withdrawn", "not_party"]),
                boolean("cp2_bound", "a second-period target inscribed"), SRC]},
    {"name": "ets", "path": "ets.csv", "title": "Emissions trading systems",
     "description": "The systems the paper discusses, China's national ETS and the other systems in force in 2022 for "
                    "which a covered-emissions figure was found (Guangdong pilot, Kazakhstan, Mexico pilot, Tokyo, "
                    "Saitama, Oregon). Hand-curated from the regulations, ICAP factsheets and official or press reports "
                    "of them, cited per row; covered_basis says what each covered_emissions_2022_mt is (verified "
                    "emissions, a cap, or the latest earlier year). checked = True only where every figure of the row "
                    "was read in the primary document itself; checked = False rows quote ICAP or a report of the source. "
                    "Every empty cell of a system in force in 2022 is listed in data/README.md ('Gaps and "
                    "not-applicable cells') as not applicable or not found.",
     "sources": [LAWS, ICAP_SR, EEA, ETS_REPORTS], "primaryKey": ["ets_id"],
     "fields": [string("ets_id", "identifier", required=True, pattern="[A-Z0-9_]+"), string("name", "name", required=True),
                string("level", "level", required=True, enum=["regional", "national", "subnational", "sectoral"]),
                string("jurisdictions", "covered jurisdictions: ISO3 or ISO 3166-2 codes, ';'-separated", required=True),
                integer("start_year", "year", "first compliance year", 2005, 2035),
                integer("end_year", "year", "last year (ended systems)", 2005, 2035, required=False),
                string("sectors", "covered sectors"), string("gases", "covered gases"),
                num("coverage_share_pct", "%", "share of the jurisdiction's GHG emissions covered", maximum=100),
                num("cap_mt", MT, "cap in cap_year (KR_ETS: Phase 3 total; RGGI converted from short tons)", maximum=10000),
                integer("cap_year", "year", "year of cap_mt", 2005, 2035, required=False),
                string("cap_rule", "trajectory rule of the cap"),
                num("auction_share_pct", "%", "share of allowances auctioned", maximum=100),
                num("price_floor", "local currency/t", "auction reserve or minimum price; its year is in reserves "
                    "(RGGI: converted from USD per short ton)", maximum=1000),
                num("price_ceiling", "local currency/t", "price ceiling or reserve trigger; its year is in reserves "
                    "(RGGI: converted from USD per short ton)", maximum=1000),
                string("price_currency", "currency of price_floor and price_ceiling", required=True, pattern="[A-Z]{3}"),
                string("reserves", "reserves and other price or quantity controls"),
                boolean("in_force_2022", "in force in 2022 (for the ICAP 17% comparison)"),
                num("covered_emissions_2022_mt", MT, "emissions covered in 2022", maximum=10000),
                string("covered_basis", "what covered_emissions_2022_mt is"),
                string("icap_system", "system name in the ICAP price data"),
                boolean("checked", "figures checked against the cited document when the table was built"), SRC]},
    {"name": "ets_phases", "path": "ets_phases.csv", "title": "EU ETS phases and linear reduction factors",
     "description": "Hand-curated from Directive 2003/87/EC and its amendments.", "sources": [LAWS],
     "foreignKeys": [{"fields": ["ets_id"], "reference": {"resource": "ets", "fields": ["ets_id"]}}],
     "fields": [string("ets_id", "system", required=True), integer("phase", "-", "phase number", 1, 10),
                integer("start_year", "year", "first year", 2005, 2035), integer("end_year", "year", "last year", 2005, 2035),
                num("cap_mt_start", MT, "cap in start_year", maximum=5000),
                num("linear_reduction_factor_pct", "% of reference cap per year", "linear reduction factor", maximum=10),
                num("auction_share_pct", "%", "auction share (phases 1-2: maximum allowed)", maximum=100),
                string("note", "note"), SRC]},
    {"name": "ets_links", "path": "ets_links.csv", "title": "Links between ETSs",
     "description": "Hand-curated from the linking agreements.", "sources": [LAWS],
     "foreignKeys": [{"fields": ["ets_a"], "reference": {"resource": "ets", "fields": ["ets_id"]}},
                     {"fields": ["ets_b"], "reference": {"resource": "ets", "fields": ["ets_id"]}}],
     "fields": [string("ets_a", "system", required=True), string("ets_b", "system", required=True),
                {"name": "start", "type": "date", "description": "link effective", "constraints": {"required": True}},
                {"name": "end", "type": "date", "description": "link ended", "constraints": {"required": False}}, SRC]},
    {"name": "ets_prices", "path": "ets_prices.csv", "title": "Observed allowance prices (annual means)",
     "description": "Annual mean prices by system and market (primary = auction, secondary), from the ICAP Allowance Price Explorer; part_year marks means of part of a year, which calibrations and comparisons leave out.",
     "sources": [ICAP_PX], "primaryKey": ["ets_id", "market", "year"],
     "foreignKeys": [{"fields": ["ets_id"], "reference": {"resource": "ets", "fields": ["ets_id"]}}],
     "fields": [string("ets_id", "system", required=True), string("market", "market", required=True, enum=["primary", "secondary"]),
                integer("year", "year", "calendar year", 2005, 2030), string("currency", "local currency", required=True, pattern="[A-Z]{3}"),
                num("price_local_per_t", "local currency/t", "annual mean price in local currency", maximum=200000, required=True),
                num("price_usd_per_t", "USD/t", "annual mean price in USD at ICAP's exchange rates", maximum=1000, required=True),
                integer("n_observations", "count", "observations behind the mean", 1),
                boolean("part_year", "the mean covers only part of the year: a first or last year of the series with fewer than 90% of "
                        "the observations of the year next to it, or 2026, the year of the export (data/scripts/derive_ets.py "
                        "part_years); model.data.observed_prices() leaves these rows out"), SRC]},
    {"name": "eu_ets_emissions", "path": "eu_ets_emissions.csv", "title": "EU ETS verified emissions by main activity sector",
     "description": "The sectors in the source file; their sum is a lower bound of the system's total.", "sources": [EEA],
     "primaryKey": ["sector", "year"],
     "fields": [string("sector", "main activity sector (EEA code and name)", required=True),
                integer("year", "year", "calendar year", 2005, 2030), num("emissions_mt", "MtCO2e", "verified emissions", maximum=3000, required=True), SRC]},
    {"name": "ndcs", "path": "ndcs.csv", "title": "Nationally determined contributions of the major parties",
     "description": "Headline 2030 targets (and 2035 targets where the party's latest NDC, submitted by the end of 2025, states one), "
                    "hand-transcribed from the NDC documents (UNFCCC NDC registry). Each row names its document, where its text was read "
                    "(url: the WRI text copy of the registry document, github.com/wri/ndc, or the registry itself where no copy is stored) "
                    "and its date. level_pct is a reduction (positive = below the reference). reference_emissions_mt holds the party's own "
                    "stated reference (base year or BAU) where the NDC gives one. primary marks the row of each party and target year that "
                    "the scenario builder uses. checked = True where every figure of the row (level, reference, target year) was read in the "
                    "stored text of the document itself; the rows with checked = False are listed in data/README.md.",
     "sources": [NDC, NDC_TEXT, PARIS_WD], "primaryKey": ["party", "target_year", "target_type", "conditional"],
     "foreignKeys": [{"fields": ["party"], "reference": {"resource": "codes", "fields": ["code"]}}],
     "fields": [string("party", "ISO3 or EU27", required=True, pattern="[A-Z]{3}|EU27"),
                integer("target_year", "year", "target year", 2020, 2060),
                string("target_type", "type", required=True, enum=["absolute", "base_year", "bau", "intensity", "peak"]),
                num("level_pct", "%", "reduction below the reference (base-year emissions, BAU or intensity)", maximum=100),
                num("target_emissions_mt", MT, "absolute target level", maximum=20000),
                integer("reference_year", "year", "base year of the reference", 1990, 2035, required=False),
                num("reference_emissions_mt", MT, "the party's own figure for the reference emissions, where stated", maximum=20000),
                boolean("conditional", "conditional on support"),
                boolean("primary", "row used by the scenario builder (one per party and target year)"), boolean("economy_wide", "covers all sectors"),
                string("gases", "gases covered", enum=["all", "CO2"]), string("lulucf", "LULUCF treatment", enum=["net", "excluded"]),
                string("document", "title of the NDC document", required=True),
                string("url", "where the document's text was read: its WRI text copy (github.com/wri/ndc) or the UNFCCC NDC registry", required=True),
                string("submitted", "date of the document, to the precision known (YYYY, YYYY-MM or YYYY-MM-DD)", required=True,
                       pattern=r"\d{4}(-\d{2}(-\d{2})?)?"),
                string("date_basis", "document: the date printed in (or, for a year, implied by) the document; transcribed: the registry "
                       "submission date as first transcribed, not checked", required=True, enum=["document", "transcribed"]),
                boolean("checked", "True if every figure of the row was read in the stored text of the document"),
                {"name": "paris_withdrawn", "type": "date", "description": "date the party's withdrawal from the Paris Agreement takes effect "
                 "(Art. 28; empty: a party)", "constraints": {"required": False}}, SRC]},
    {"name": "mac_regions", "path": "mac_regions.csv", "title": "MIMOSA MAC multipliers by IMAGE region",
     "description": "MAC(a) = kappa * gamma * a**beta, a = abatement / baseline; kappa from the calibration column named per row.",
     "sources": [MIMOSA], "primaryKey": ["image_region"],
     "fields": [string("image_region", "IMAGE region", required=True), num("kappa", "-", "regional multiplier", maximum=20, required=True),
                string("calibration", "MIMOSA mac.csv column", required=True),
                num("gamma_usd_per_t", "USD/t", "MAC at 100% abatement for kappa = 1 (USD2010)", required=True, maximum=10000),
                num("beta", "-", "curvature", required=True, maximum=10), SRC]},
    {"name": "mac", "path": "mac.csv", "title": "Power-law MAC per jurisdiction",
     "description": "kappa of the jurisdiction's IMAGE region (EU and World: 2016-GHG-weighted mean of members).",
     "sources": [MIMOSA], "primaryKey": ["iso3"],
     "foreignKeys": [{"fields": ["iso3"], "reference": {"resource": "jurisdictions", "fields": ["iso3"]}}],
     "fields": [ISO, string("image_region", "IMAGE region (empty for aggregates)"),
                num("kappa", "-", "regional multiplier", maximum=20, required=True), string("calibration", "MIMOSA mac.csv column", required=True),
                num("gamma_usd_per_t", "USD/t", "MAC at 100% abatement for kappa = 1 (USD2010)", required=True, maximum=10000),
                num("beta", "-", "curvature", required=True, maximum=10), SRC]},
    {"name": "baselines", "path": "baselines.csv", "title": "BAU emissions and GDP to 2060",
     "description": "IMAGE 3.4 SSP2 regional growth applied to each country's latest observed level (method: data/scripts/derive_baselines.py).",
     "sources": [MIMOSA, OWID], "primaryKey": ["iso3", "year"],
     "foreignKeys": [{"fields": ["iso3"], "reference": {"resource": "jurisdictions", "fields": ["iso3"]}}],
     "fields": [ISO, integer("year", "year", "year", 2020, 2100), string("image_region", "IMAGE region"),
                num("co2_bau_mt", "MtCO2", "BAU fossil and industry CO2", maximum=100000, required=True),
                num("ghg_bau_mt", MT, "BAU GHG (same definition as ghg_mt in jurisdictions)", maximum=150000, required=True),
                num("gdp_bau_busd", "billion international-$ (2011 PPP)", "BAU GDP", maximum=2e6),
                string("method", "method", required=True, enum=["growth_index"]), SRC]},
    {"name": "carbon_budgets", "path": "carbon_budgets.csv", "title": "Remaining carbon budgets from 2020",
     "description": "IPCC AR6 WGI remaining CO2 budgets from 1 January 2020 by warming since 1850-1900 and likelihood.",
     "sources": [IPCC], "primaryKey": ["temperature_c", "likelihood_pct"],
     "fields": [num("temperature_c", "degC", "warming limit above 1850-1900", required=True, maximum=5),
                num("likelihood_pct", "%", "likelihood of limiting warming to the level", required=True, maximum=100),
                num("budget_gtco2_from_2020", "GtCO2", "remaining budget from 2020", required=True, maximum=10000), SRC]},
    # --- chapter "A global cap and a just allocation" (book/chapters/global_budget.md) ---
    {"name": "budget_regions", "path": "budget_regions.csv", "title": "Five world regions: SSP2 population, GDP and CO2 to 2100",
     "description": "IMAGE 3.4 SSP2 Population, GDP|PPP and Emissions|CO2 (including land-use CO2) summed over the IMAGE "
                    "regions of China, the United States, Europe (WEU+CEU), India and the rest of the world, 2020-2100 "
                    "by decade (method: data/scripts/derive_budget_regions.py).",
     "sources": [MIMOSA], "primaryKey": ["region", "year"],
     "fields": [string("region", "region code", required=True, enum=["CHN", "USA", "EUR", "IND", "ROW"]),
                string("name", "region name", required=True), integer("year", "year", "year", 2020, 2100),
                num("population_m", "million", "population", required=True, maximum=20000),
                num("gdp_ppp_busd2005", "billion USD2005 (PPP)", "GDP at purchasing power parity", required=True, maximum=1e6),
                num("co2_bau_mt", "MtCO2/yr", "BAU CO2 including land-use CO2", minimum=None, required=True, maximum=200000),
                SRC]},
    {"name": "budget_history", "path": "budget_history.csv", "title": "Historical CO2 of the five regions by decade, 1850-2019",
     "description": "Fossil and industry CO2 (OWID / Global Carbon Budget 2024 as compiled in MIMOSA's inputdata) summed "
                    "over each decade and each region's IMAGE regions (method: data/scripts/derive_budget_regions.py).",
     "sources": [MIMOSA], "primaryKey": ["region", "decade_start"],
     "fields": [string("region", "region code", required=True, enum=["CHN", "USA", "EUR", "IND", "ROW"]),
                integer("decade_start", "year", "first year of the decade", 1850, 2010),
                num("co2_gt", "GtCO2", "emissions over the ten years", required=True, maximum=1000), SRC]},
    {"name": "budget_mac", "path": "budget_mac.csv", "title": "MIMOSA power MAC of the five regions",
     "description": "kappa of MAC(a) = kappa * gamma * a**beta aggregated exactly (same beta) over the IMAGE regions of "
                    "each region, weights cumulative SSP2 BAU 2020-2090.",
     "sources": [MIMOSA], "primaryKey": ["region"],
     "fields": [string("region", "region code", required=True, enum=["CHN", "USA", "EUR", "IND", "ROW"]),
                string("image_regions", "IMAGE regions joined by '+'", required=True),
                num("kappa", "-", "regional multiplier", maximum=20, required=True),
                string("calibration", "MIMOSA mac.csv column", required=True),
                num("gamma_usd_per_t", "USD/t", "MAC at 100% abatement for kappa = 1 (USD2010)", required=True, maximum=10000),
                num("beta", "-", "curvature", required=True, maximum=10), SRC]},
    {"name": "declared_targets", "path": "declared_targets.csv", "title": "Declared peaks and neutrality years of the five regions",
     "description": "Each region's declared peak year and net-zero (neutrality) year, or the assumption used where nothing is "
                    "declared (declared = False). Source per row.",
     "sources": [NDC], "primaryKey": ["region"],
     "fields": [string("region", "region code", required=True, enum=["CHN", "USA", "EUR", "IND", "ROW"]),
                integer("peak_year", "year", "year of the (declared or assumed) peak", 1990, 2100),
                integer("neutrality_year", "year", "year of net-zero CO2 (declared or assumed)", 2030, 2100),
                boolean("declared", "True if both years are the party's own declaration"),
                string("note", "what is declared", required=True), SRC]},
    # --- chapter "CORSIA" (book/chapters/corsia.md) ---
    {"name": "corsia", "path": "corsia.csv", "title": "CORSIA and international aviation: sourced facts",
     "description": "International aviation CO2 (IEA), the CORSIA baseline rules, participation and coverage, "
                    "traffic and efficiency trends, ICAO's and industry's estimates of offset demand and eligible "
                    "unit supply and prices. One fact per row, its unit in the unit column; checked = False "
                    "where the number was taken from a report of the primary source, not the source itself.",
     "sources": [CORSIA_ICAO, CORSIA_IEA, CORSIA_PRESS], "primaryKey": ["fact_id"],
     "fields": [string("fact_id", "name of the fact (with its year where it has one)", required=True),
                num("value", "see the unit column", "the number", minimum=None, required=True),
                string("unit", "unit of value", required=True),
                integer("year", "year", "year the number refers to", 2000, 2040, required=False),
                string("description", "what the number is", required=True),
                boolean("checked", "True if read from the primary document itself"), SRC]},
    # --- chapter "Strict jurisdictions discouraged" (book/chapters/strict_discouraged.md), part b ---
    {"name": "goods", "path": "goods.csv", "title": "Steel: production, trade, intensity and the CBAM phase-in",
     "description": "Facts behind the chapter's steel market: production, net trade, EU ETS emissions of iron and "
                    "steel, average intensity and the CBAM factor (free allocation kept) per year. One number per "
                    "row in its own unit; checked = False where the number was transcribed without the primary "
                    "document at hand (no network): to be checked against the source named.",
     "sources": [GOODS_SRC, EEA], "primaryKey": ["good", "region", "parameter", "year"],
     "fields": [string("good", "the good", required=True),
                string("region", "region (EU, CN, WORLD)", required=True),
                string("parameter", "what the number is (production, net_exports, intensity, ...)", required=True),
                integer("year", "year", "year the number refers to", 2000, 2040),
                num("value", "see the unit column", "the number", minimum=None, required=True),
                string("unit", "unit of value", required=True),
                string("description", "what the number is", required=True),
                boolean("checked", "True if read from the primary document itself"), SRC]},
    # --- chapter "Sub-national markets" (book/chapters/subnational.md) ---
    {"name": "subnational", "path": "subnational.csv", "title": "Sub-national ETS rules and quantities",
     "description": "Caps, price floors, reserves and covered emissions of California, Quebec, Washington, "
                    "Nova Scotia and RGGI. One number per row in its own unit (RGGI: short tons, as in its "
                    "rules); checked = False where the number was taken from a report of the rule, not the rule.",
     "sources": [SUBNAT_RULES, ICAP_SR], "primaryKey": ["ets_id", "parameter", "year"],
     "foreignKeys": [{"fields": ["ets_id"], "reference": {"resource": "ets", "fields": ["ets_id"]}}],
     "fields": [string("ets_id", "system (ets.csv)", required=True),
                string("parameter", "what the number is (cap, reserve_price, ccr_trigger, ...)", required=True),
                integer("year", "year", "year the number refers to (first year for rates of change)", 1990, 2040),
                num("value", "see the unit column", "the number", minimum=None, required=True),
                string("unit", "unit of value", required=True),
                string("description", "what the number is", required=True),
                boolean("checked", "True if read from the rule or official release itself"), SRC]},
]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    resources = []
    for r in RESOURCES:
        r = dict(r)
        fields = r.pop("fields")
        schema = {"fields": fields}
        for key in ("primaryKey", "foreignKeys"):
            if key in r:
                schema[key] = r.pop(key)
        r.update({"profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8", "schema": schema})
        resources.append(r)
    package = {"name": "linked-carbon-markets-data", "title": "Sourced data for the linked carbon markets model",
               "profile": "tabular-data-package", "licenses": [{"name": "CC-BY-4.0", "title": "derived tables: credit the sources named per table"}],
               "resources": resources}
    (args.out / "datapackage.json").write_text(json.dumps(package, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
