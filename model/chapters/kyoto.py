"""Kyoto Protocol scenarios: Annex B caps, trading, hot air and the CDM.

Builders for the chapters "Kyoto: a partial hard cap" and "Kyoto abandoned". Each returns a
scenario ``dict`` in the public format (:func:`model.load_scenario` reads it), built from the
data package:

* one jurisdiction per party with data in ``data/jurisdictions.csv``, whose BAU is its observed
  emissions in a snapshot year (GHG excluding LULUCF CO2 and F-gases, MtCO2e per year) and whose
  MAC is the MIMOSA power curve of ``data/mac.csv``;
* one market ``ISO3_KP`` per Annex B party, whose cap is its assigned amount per year:
  target (% of base year, ``data/kyoto.csv``) times its 1990 emissions (see
  :func:`model.chapters.kyoto.build_kyoto`);
* the rest of the world as one uncapped jurisdiction ``ROW`` (World minus the countries
  listed), so that the scenario's total is world emissions;
* optionally a credit programme ``CDM`` whose hosts are the non-Annex I countries of the data,
  sold to the Annex B markets through one-way links.

Units: MtCO2e per year for emissions, caps and flows; USD per tonne for prices; million USD
(MUSD) for costs.

The Annex B cap of party :math:`i` is :math:`\\bar E_i = \\tau_i E_i^{1990}`. Alone it must abate
:math:`\\max(0, E_i - \\bar E_i)`. Trading all assigned amounts (international emissions trading
and joint implementation), Annex B as a whole must abate :math:`\\max(0, \\sum_i (E_i - \\bar E_i))`:
the surplus of the parties whose emissions are below their caps ("hot air") counts in full.
With the surplus withheld, only real abatement is traded and the requirement is
:math:`\\sum_i \\max(0, E_i - \\bar E_i)`.
"""

from __future__ import annotations

import pandas as pd

from .. import data

__all__ = ["EIT", "CP1_EXITS", "annex_b", "capped_parties", "cdm_hosts", "surplus_table",
           "coverage_steps"]

#: Annex B parties "undergoing the process of transition to a market economy" (marked with an
#: asterisk in Annex B of the Kyoto Protocol, 1997).
EIT = ("BGR", "HRV", "CZE", "EST", "HUN", "LVA", "LTU", "POL", "ROU", "RUS", "SVK", "SVN", "UKR")

#: The parties that left, in the order of the chapter "Kyoto abandoned": the US never ratified
#: (signed 1998), Canada withdrew (effective 15 December 2012), Japan took no target for the
#: second commitment period (data/kyoto.csv).
CP1_EXITS = ("USA", "CAN", "JPN")



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
    if year not in data.SNAPSHOT_YEARS:
        raise ValueError(f"year must be one of {data.SNAPSHOT_YEARS}")
    kyoto = data.load_table("kyoto")
    jur = data.load_table("jurisdictions").set_index("iso3")
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
        jurisdictions[c] = {"bau": float(jur.loc[c, f"ghg_mt_{year}"]), "mac": data.power_mac(c)}
        markets[f"{c}_KP"] = {"members": [c], "cap": pct / 100 * float(jur.loc[c, "ghg_mt_1990"])}
    for c in others:
        if c not in jurisdictions:
            jurisdictions[c] = {"bau": float(jur.loc[c, f"ghg_mt_{year}"]), "mac": data.power_mac(c)}
    return {
        "name": f"Kyoto commitment period {period}" + (", Annex B trading" if trading else ", no trading"),
        "description": f"Annex B caps (% of 1990 emissions) against {year} emissions as BAU "
                       "(model/chapters/kyoto.py build_kyoto).",
        "periods": [year],
        "jurisdictions": jurisdictions,
        "markets": markets,
        "links": [list(markets)] if trading and len(markets) > 1 else [],
    }


def _kp_market(iso3: str) -> str:
    return f"{iso3}_KP"


def cdm_hosts(exclude=()) -> list[str]:
    """Non-Annex I countries of ``jurisdictions.csv``: the CDM host countries the model knows.

    Article 12 of the Kyoto Protocol lets parties not included in Annex I host CDM projects.
    The data hold 25 such countries (China, India, Brazil, ... and Kazakhstan, which had no
    target in the first period); the rest of the world is left out of the CDM.
    """
    jur = data.load_table("jurisdictions")
    rows = jur[(jur["kind"] == "country") & (~jur["annex_i"].astype(bool))]
    return [c for c in rows["iso3"] if c not in set(exclude)]


def _rest_of_world(year: int, listed) -> float:
    """World emissions in ``year`` minus those of the listed countries (MtCO2e/yr)."""
    jur = data.load_table("jurisdictions").set_index("iso3")
    col = f"ghg_mt_{year}"
    return float(jur.loc["WLD", col] - jur.loc[list(listed), col].sum())


def annex_b(period: int = 1, year: int | None = None, parties=None, exclude=(),
            trading: bool = True, surplus: str = "sold", cdm: bool = False,
            additionality: float = 1.0, eu_burden_sharing: bool = True) -> dict:
    """The Kyoto world as a scenario: Annex B caps, the rest uncapped, optionally the CDM.

    Parameters
    ----------
    period : {1, 2}
        Commitment period: 2008-2012 (targets of Annex B) or 2013-2020 (Doha Amendment).
    year : int, optional
        Snapshot year whose observed emissions are every jurisdiction's BAU (MtCO2e/yr):
        2010 for period 1 and 2016 for period 2 by default. Observed emissions include the
        policies and the recessions of their time, so they are not a no-policy baseline.
    parties : iterable of str, optional
        Annex B parties given a cap. Default: every party with a target in the period
        (period 1: the treaty as signed, with the US and Canada; period 2: the targets
        inscribed at Doha).
    exclude : iterable of str
        Parties removed from the caps (they stay in the scenario, uncapped, at BAU).
    trading : bool
        Link all the Annex B markets (international emissions trading and joint
        implementation); otherwise each party meets its own cap.
    surplus : {"sold", "withheld"}
        ``sold``: every assigned amount is tradable, including allowances above a party's
        emissions (hot air). ``withheld``: a party's cap is lowered to its BAU where it exceeds
        it, so only real abatement is traded (the surplus is banked, cancelled or refused by
        buyers).
    cdm : bool
        Add the Clean Development Mechanism: credit programme ``CDM`` with the non-Annex I
        countries as hosts (baseline = BAU) and a one-way link to every Annex B market.
    additionality : float
        Share (0, 1] of CDM credits that are real reductions.
    eu_burden_sharing : bool
        Period 1: the EU-15 members' burden-sharing targets instead of the common 92%.

    Returns
    -------
    dict
        A scenario: jurisdictions (``bau`` MtCO2e/yr, power ``mac``), markets ``ISO3_KP``
        (``cap`` MtCO2e/yr), credits and links.
    """
    if surplus not in ("sold", "withheld"):
        raise ValueError("surplus must be 'sold' or 'withheld'")
    year = year or (2010 if period == 1 else 2016)
    base = build_kyoto(period, year=year, bound_only=False, trading=False,
                            eu_burden_sharing=eu_burden_sharing)
    markets = base["markets"]
    jurisdictions = base["jurisdictions"]
    all_parties = [m[:-3] for m in markets]
    wanted = all_parties if parties is None else [p for p in parties if p in jurisdictions]
    capped = [p for p in wanted if p not in set(exclude)]
    markets = {_kp_market(p): markets[_kp_market(p)] for p in capped}
    if surplus == "withheld":
        for p in capped:
            m = markets[_kp_market(p)]
            m["cap"] = min(m["cap"], jurisdictions[p]["bau"])

    # Every other country of the data, uncapped at its observed emissions; then the rest.
    jur = data.load_table("jurisdictions")
    for c in jur.loc[jur["kind"] == "country", "iso3"]:
        if c not in jurisdictions:
            jurisdictions[c] = {"bau": float(jur.set_index("iso3").loc[c, f"ghg_mt_{year}"]),
                                "mac": data.power_mac(c)}
    jurisdictions["ROW"] = {
        "bau": _rest_of_world(year, list(jurisdictions)),
        "mac": data.power_mac("WLD"),
        "description": "Rest of the world incl. international bunkers: never capped, never a "
                       "CDM host (its MAC, the world mean, is never used).",
    }

    links: list = []
    if trading and len(markets) > 1:
        links.append(list(markets))
    credits = {}
    if cdm:
        hosts = cdm_hosts(exclude=capped)
        credits["CDM"] = {"hosts": hosts, "baseline": "bau", "additionality": additionality,
                          "description": "Clean Development Mechanism (Kyoto Protocol Art. 12): "
                                         "credits for abatement below BAU in non-Annex I hosts."}
        links += [{"markets": ["CDM", m], "direction": "one-way"} for m in markets]

    label = {1: "first", 2: "second"}[period]
    name = (f"Kyoto {label} commitment period: "
            + ("Annex B trading" if trading else "no trading")
            + (", surplus withheld" if surplus == "withheld" else "")
            + (", with the CDM" if cdm else "")
            + (f", without {', '.join(exclude)}" if exclude else ""))
    return {
        "name": name,
        "description": f"Annex B caps (target x 1990 emissions) of {len(capped)} parties against "
                       f"{year} emissions as BAU; model/kyoto.py annex_b.",
        "periods": [year],
        "jurisdictions": jurisdictions,
        "markets": markets,
        "credits": credits,
        "links": links,
    }


def capped_parties(scenario: dict) -> list[str]:
    """ISO3 codes of the parties with an Annex B cap in a scenario made by :func:`annex_b`."""
    return [m[:-3] for m in scenario["markets"] if m.endswith("_KP")]


def surplus_table(scenario: dict) -> pd.DataFrame:
    """Each capped party's cap, BAU and gap (MtCO2e/yr), and whether it is an EIT.

    ``gap_mt`` = BAU - cap: positive for a party short of allowances (a buyer, or an abater),
    negative for one with a surplus (a potential seller of hot air).
    """
    rows = []
    for p in capped_parties(scenario):
        cap = scenario["markets"][_kp_market(p)]["cap"]
        bau = scenario["jurisdictions"][p]["bau"]
        rows.append({"party": p, "cap_mt": cap, "bau_mt": bau, "gap_mt": bau - cap,
                     "eit": p in EIT})
    return pd.DataFrame(rows).set_index("party")


def coverage_steps(year: int = 2010, **options) -> list[tuple[str, dict]]:
    """The first-period caps with the parties leaving one by one (chapter "Kyoto abandoned").

    Returns ``[(label, scenario), ...]``: the treaty as signed, then without the US, without
    Canada as well (the 36 parties bound in the first period), and without Japan as well.
    ``options`` go to :func:`annex_b` (``surplus``, ``cdm``, ...).
    """
    labels = ["Annex B as signed", "US out", "Canada out", "Japan out"]
    return [(label, annex_b(1, year=year, exclude=CP1_EXITS[:k], **options))
            for k, label in enumerate(labels)]
