"""The Paris Agreement as scenarios: NDC caps, their four weaknesses, and Article 6.

Builders for the chapter "Paris: a weak global cap". Each returns a scenario ``dict`` in the
public format (format v2, see the book's scenario reference), so a reader can print it, change
it and solve it with :func:`model.solve`. They start from :func:`model.chapters.paris.build_ndc_world`
(each party's 2030 NDC as a cap, MIMOSA power MACs, SSP2 BAU) and add what the chapter needs:

* :func:`world`: the NDC parties plus an uncapped rest of the world, so that global
  emissions add up to the world total of ``baselines.csv``; ``us_withdrawn=True`` leaves the
  United States, whose withdrawal from the Paris Agreement takes effect on 27 January 2026,
  uncapped;
* :func:`partial_coverage`, :func:`china_co2_only`: caps that cover only part of an economy;
* :func:`linked`: Article 6.2 cooperative approaches as links between NDC markets, with or
  without corresponding adjustments;
* :func:`conduct`: NDCs as obligations of conduct, with a penalty per tonne of shortfall;
* :func:`article_6_4`: a crediting programme (A6.4ERs) with additionality, one-way links and
  import limits.

Units: emissions, caps, flows in MtCO2e per year (GHG excluding land-use CO2 and F-gases, with
CAIT's CH4 and N2O, which include land use, as in ``data/``); carbon budgets in GtCO2; prices and penalties in USD per tonne.
"""

from __future__ import annotations

import copy

import pandas as pd

from .. import data

__all__ = [
    "YEAR", "REST", "ndc_table", "world", "co2_share", "linked", "partial_coverage",
    "china_co2_only", "conduct", "article_6_4", "itmo", "itmo_without_adjustment", "budget_table",
    "budget_path", "to_co2", "co2_shares",
]

#: The NDC target year, and the one period of every scenario here.
YEAR = 2030
#: Name of the uncapped rest of the world (world BAU minus every modelled jurisdiction).
REST = "ROW"



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

    The cap is the NDC level in its target year (the 2030 rows, :data:`model.data.NDC_YEAR`, of
    :func:`model.data.ndc_rows`); BAU-dependent parts are evaluated in ``year``. Negative results are
    clipped to zero.
    """
    ndcs = data.ndc_rows()
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
        ref = own_ref if own_ref is not None else data._observed(party, ref_year)
        if ref is None:
            raise ValueError(f"{party}: no emissions for reference year {ref_year}")
        src = "party's own" if own_ref is not None else "OWID-derived"
        cap, how = (1 - level) * ref, f"{level:.0%} below {ref_year} ({src} {ref:.0f} Mt)"
    elif kind == "bau":
        ref = own_ref if own_ref is not None else data.bau(party, year)
        src = "party's own BAU" if own_ref is not None else "our SSP2 BAU"
        cap, how = (1 - level) * ref, f"{level:.0%} below {src} ({ref:.0f} Mt)"
    elif kind == "intensity":
        jur = data.load_table("jurisdictions").set_index("iso3")
        gas = "co2" if row["gases"] == "CO2" else "ghg"
        e_ref = float(jur.loc[party, f"{gas}_mt_{ref_year}"])
        g_ref = float(jur.loc[party, f"gdp_busd_{ref_year}"])
        cap = (1 - level) * e_ref / g_ref * data.bau(party, year, "gdp")
        how = f"intensity {level:.0%} below {ref_year}, SSP2 GDP"
        if gas == "co2":
            cap += data.bau(party, year, "ghg") - data.bau(party, year, "co2")
            how += "; non-CO2 at BAU"
    elif kind == "peak":
        cap, how = data.bau(party, year), "peak target: cap = our BAU (not binding)"
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
    ndcs = data.ndc_rows()
    parties = list(dict.fromkeys(ndcs["party"])) if parties is None else list(parties)
    jurisdictions, markets, notes = {}, {}, []
    for p in parties:
        cap, how = ndc_cap(p, year, conditional)
        jurisdictions[p] = data.jurisdiction_entry(p, year)
        markets[f"{p}_NDC"] = {"members": [p], "cap": round(cap, 3)}
        notes.append(f"{p}: {how}")
    scenario = {
        "name": f"NDC world {year}",
        "description": f"Each party's {'conditional' if conditional else 'unconditional'} NDC as its "
                       "cap; BAU from SSP2 growth; MIMOSA power MACs (model/chapters/paris.py build_ndc_world). "
                       "Caps: " + "; ".join(notes) + ".",
        "periods": [year],
        "jurisdictions": jurisdictions,
        "markets": markets,
        "links": [[f"{p}_NDC" for p in group] for group in (links or [])],
    }
    return scenario


def _parties() -> list[str]:
    return list(dict.fromkeys(data.ndc_rows(YEAR)["party"]))


def ndc_table(year: int = YEAR, conditional: bool = False) -> pd.DataFrame:
    """Every party of ``ndcs.csv`` with its BAU and its NDC as a cap, both in MtCO2e/yr.

    Columns: ``party``, ``name``, ``annex_i`` (listed in Annex I of the Convention), ``target_type``, ``bau_mt`` (SSP2 BAU GHG in
    ``year``), ``cap_mt`` (:func:`model.chapters.paris.ndc_cap`), ``slack_mt`` = cap - BAU (positive: the
    cap does not bind, "hot air"), ``cut_pct`` = required cut below BAU in per cent,
    ``co2_share`` (CO2 / GHG in the party's BAU) and ``how`` (how the NDC became a number).
    """
    ndcs = data.ndc_rows(YEAR)
    jur = data.load_table("jurisdictions").set_index("iso3")
    rows = []
    for p in _parties():
        cap, how = ndc_cap(p, year, conditional)
        bau = data.bau(p, year)
        primary = ndcs[(ndcs["party"] == p) & ndcs["primary"]].iloc[0]
        rows.append({
            # the EU (as the European Economic Community) is itself listed in Annex I
            "party": p, "name": str(jur.loc[p, "name"]),
            "annex_i": True if p == "EU27" else bool(jur.loc[p, "annex_i"]),
            "target_type": str(primary["target_type"]), "bau_mt": bau, "cap_mt": cap,
            "slack_mt": cap - bau, "cut_pct": 100 * (1 - cap / bau),
            "co2_share": co2_share(p, year), "how": how,
        })
    return pd.DataFrame(rows)


def co2_share(iso3: str, year: int = YEAR) -> float:
    """CO2 as a share of GHG in a jurisdiction's SSP2 BAU (a fraction)."""
    return data.bau(iso3, year, "co2") / data.bau(iso3, year)


def co2_shares(scenario: dict, year: int = YEAR) -> dict:
    """CO2 share of BAU of every jurisdiction of a :func:`world` scenario, ``REST`` included.

    The rest of the world's share is (world CO2 - modelled CO2) / (world GHG - modelled GHG).
    """
    named = [c for c in scenario["jurisdictions"] if c != REST]
    shares = {c: co2_share(c, year) for c in named}
    if REST in scenario["jurisdictions"]:
        ghg = data.bau("WLD", year) - sum(data.bau(c, year) for c in named)
        co2 = data.bau("WLD", year, "co2") - sum(data.bau(c, year, "co2") for c in named)
        shares[REST] = co2 / ghg
    return shares


def world(year: int = YEAR, conditional: bool = False, others=(), rest: bool = True,
          us_withdrawn: bool = False) -> dict:
    """The NDC world: one market per party capped at its NDC, plus uncapped jurisdictions.

    Parameters
    ----------
    year : int
        Modelled year; BAU is SSP2 GHG in that year (MtCO2e/yr).
    conditional : bool
        Use conditional NDC targets where a party has one.
    others : iterable of str
        ISO3 codes of further jurisdictions modelled on their own, uncapped (e.g. the hosts of
        Article 6.4 projects), each with its SSP2 BAU and MIMOSA power MAC.
    rest : bool
        Add ``ROW``, the rest of the world: world BAU less every modelled jurisdiction, with the
        world MAC of ``mac.csv``. Uncapped.
    us_withdrawn : bool
        The United States out of the Paris Agreement (notified 27 January 2025, effective
        27 January 2026, Art. 28.2; column ``paris_withdrawn`` of ``ndcs.csv``): its market
        ``USA_NDC`` is dropped and the US stays as an uncapped jurisdiction at its SSP2 BAU
        with its MAC, so it neither abates nor trades. Every party flagged as withdrawn in
        ``ndcs.csv`` is treated alike (today only the US). Default ``False``: the NDCs as
        submitted.

    Returns
    -------
    dict
        A scenario: ``jurisdictions`` with ``bau`` in MtCO2e/yr and power MACs, ``markets``
        ``PARTY_NDC`` with ``cap`` in MtCO2e/yr, no links.
    """
    sc = build_ndc_world(year, conditional=conditional)
    sc["name"] = f"NDC world {year}" + (" (conditional NDCs)" if conditional else "")
    sc.pop("links", None)
    if us_withdrawn:
        gone = data.paris_withdrawn()
        for p in gone:
            sc["markets"].pop(f"{p}_NDC", None)
        sc["name"] += ", " + ", ".join(gone) + " withdrawn from Paris (uncapped)"
    for c in others:
        sc["jurisdictions"][c] = data.jurisdiction_entry(c, year)
    if rest:
        ghg = data.bau("WLD", year) - sum(data.bau(c, year) for c in sc["jurisdictions"])
        sc["jurisdictions"][REST] = {
            "bau": round(ghg, 3), "mac": data.power_mac("WLD"),
            "description": "rest of the world: world SSP2 BAU less the modelled jurisdictions; "
                           "world MAC; uncapped",
        }
    return sc


def to_co2(emissions, scenario: dict, year: int = YEAR) -> float:
    """Convert GHG emissions by jurisdiction (MtCO2e; a Series indexed by name) into MtCO2.

    Each jurisdiction's emissions are scaled by the CO2 share of its own BAU
    (:func:`co2_shares`): abatement is assumed to cut CO2 and the other gases in proportion.
    """
    shares = co2_shares(scenario, year)
    return float(sum(shares[name] * float(e) for name, e in emissions.items()))


def linked(scenario: dict, markets=None) -> dict:
    """Article 6.2 as one two-way link joining ``markets`` (default: every NDC market).

    Units move freely between the linked NDCs with corresponding adjustments: what one party
    sells is taken off its own account. The linked markets clear at one price.
    """
    sc = copy.deepcopy(scenario)
    markets = list(markets) if markets is not None else [m for m in sc["markets"] if m.endswith("_NDC")]
    sc.setdefault("links", []).append({"markets": markets})
    return sc


def itmo(scenario: dict, seller: str, buyer: str, corresponding_adjustment: bool = True,
         import_limit: float | None = None) -> dict:
    """An Article 6.2 transfer: a one-way link, ``seller``'s NDC market -> ``buyer``'s.

    ``seller`` and ``buyer`` are party codes. Without a corresponding adjustment the seller's
    own account is not debited: the tonnes it sells are counted by both (double counting).
    ``import_limit`` is a share of the buyer's cap.
    """
    sc = copy.deepcopy(scenario)
    link = {"markets": [f"{seller}_NDC", f"{buyer}_NDC"], "direction": "one-way"}
    if not corresponding_adjustment:
        link["corresponding_adjustment"] = False
    if import_limit is not None:
        link["import_limit"] = import_limit
    sc.setdefault("links", []).append(link)
    return sc


def itmo_without_adjustment(scenario: dict, seller: str, buyer: str) -> tuple[dict, float]:
    """What a transfer without corresponding adjustment amounts to, written with an adjusted link.

    Without an adjustment (:func:`itmo` with ``corresponding_adjustment=False``) the seller may
    sell every tonne it abates below BAU and still count those tonnes towards its own NDC. While
    its own cap does not bind at the solution (it abates more than its NDC requires, because the
    buyer pays for every tonne), that is the same as an ordinary adjusted one-way link from an
    account holding the seller's whole BAU: the seller's market cap is raised to its BAU
    (MtCO2e/yr). The chapter's tests check that both give the same solution.

    Returns
    -------
    (dict, float)
        The scenario, and the seller's true NDC cap (MtCO2e/yr), which its emissions must still
        respect for the equivalence to hold.
    """
    sc = copy.deepcopy(scenario)
    mkt = sc["markets"][f"{seller}_NDC"]
    true_cap = float(mkt["cap"])
    mkt["cap"] = max(true_cap, float(sc["jurisdictions"][seller]["bau"]))
    mkt["description"] = (f"{seller}'s export account without corresponding adjustment: its BAU "
                          f"(its NDC cap, {true_cap:.1f} Mt, must still hold)")
    sc.setdefault("links", []).append({"markets": [f"{seller}_NDC", f"{buyer}_NDC"], "direction": "one-way"})
    return sc, true_cap


def partial_coverage(scenario: dict, share: float, parties=None, year: int = YEAR) -> dict:
    """NDCs that cover only ``share`` of each party's emissions (Article 4.4 "should").

    Each chosen party keeps the same *per cent* cut below BAU, now applied to the covered part
    only: ``coverage: share`` and ``cap: {type: relative, to: bau, change: cap/BAU - 1}``, so the
    cap is (cap/BAU) x share x BAU and the uncovered (1 - share) x BAU stays at BAU. Parties
    whose NDC does not bind (cap >= BAU) are left as they are.
    """
    sc = copy.deepcopy(scenario)
    parties = [m[:-4] for m in sc["markets"] if m.endswith("_NDC")] if parties is None else parties
    for p in parties:
        mkt = sc["markets"][f"{p}_NDC"]
        bau = sc["jurisdictions"][p]["bau"]
        if mkt["cap"] >= bau:
            continue
        mkt["cap"] = {"type": "relative", "to": "bau", "change": mkt["cap"] / bau - 1}
        mkt["coverage"] = share
    return sc


def china_co2_only(scenario: dict, year: int = YEAR) -> dict:
    """China's NDC as what it is: a cap on CO2 only, leaving the other gases uncovered.

    ``model.chapters.paris.ndc_cap`` turns China's CO2-intensity target into a GHG cap by adding the
    non-CO2 gases at BAU; a market covering the whole economy could then meet a CO2 target by
    cutting methane. Here the market covers only CO2 (``coverage`` = CO2 share of China's BAU)
    and its cap is the CO2 cap: the NDC cap less non-CO2 BAU (MtCO2e/yr).
    """
    sc = copy.deepcopy(scenario)
    mkt = sc["markets"]["CHN_NDC"]
    non_co2 = data.bau("CHN", year) - data.bau("CHN", year, "co2")
    mkt["cap"] = round(mkt["cap"] - non_co2, 3)
    mkt["coverage"] = round(co2_share("CHN", year), 6)
    mkt["description"] = "China's CO2-intensity NDC: covers CO2 only"
    return sc


def conduct(scenario: dict, penalty: float, parties=None) -> dict:
    """NDCs as obligations of conduct: a party falls short rather than pay more than ``penalty``.

    ``penalty`` (USD per tonne of shortfall) is the political cost of missing the target, or the
    highest price the party will pay before it prefers to fall short. Not observed: a parameter.
    """
    sc = copy.deepcopy(scenario)
    parties = [m[:-4] for m in sc["markets"] if m.endswith("_NDC")] if parties is None else parties
    for p in parties:
        sc["markets"][f"{p}_NDC"].update({"obligation": "conduct", "penalty": float(penalty)})
    return sc


def article_6_4(scenario: dict, hosts, buyers, additionality: float = 1.0,
                import_limit: float | None = None, name: str = "A6_4") -> dict:
    """An Article 6.4 crediting programme: A6.4ERs from projects in ``hosts``, sold to ``buyers``.

    Parameters
    ----------
    hosts : list of str
        Uncapped jurisdictions hosting projects (their emissions against a BAU baseline).
    buyers : list of str
        Party codes whose NDC markets accept the credits (one-way links, credits -> market).
    additionality : float
        Share of credited tonnes that are real reductions; R real tonnes earn R / additionality
        credits.
    import_limit : float, optional
        Most credits each buyer may surrender, as a share of its cap.
    """
    sc = copy.deepcopy(scenario)
    sc.setdefault("credits", {})[name] = {
        "hosts": list(hosts), "baseline": "bau", "additionality": additionality,
        "description": "Article 6.4 mechanism (A6.4ERs), decision 3/CMA.3",
    }
    for b in buyers:
        link = {"markets": [name, f"{b}_NDC"], "direction": "one-way"}
        if import_limit is not None:
            link["import_limit"] = import_limit
        sc.setdefault("links", []).append(link)
    return sc


# ---------------------------------------------------------------------------------------------
# Carbon budgets


def budget_path(e_start: float, budget_gt: float, start: int = 2020) -> tuple[float, float]:
    """The straight line from ``e_start`` (MtCO2/yr in ``start``) to zero that uses ``budget_gt``.

    Emissions e(t) = e_start (1 - (t - start)/T) for t in [start, start + T] add up to
    e_start T / 2, so T = 2 budget / e_start. Returns (T in years, the line's level in
    :data:`YEAR` in MtCO2/yr).
    """
    T = 2 * budget_gt * 1000 / e_start
    return T, e_start * max(0.0, 1 - (YEAR - start) / T)


def budget_table(e2020: float, e2030: float, likelihoods=(50, 67)) -> pd.DataFrame:
    """Carbon budgets of ``carbon_budgets.csv`` against a path from ``e2020`` to ``e2030``.

    The path is a straight line between the two levels (MtCO2/yr), so the years 2020-2030
    (eleven years, 1 January 2020 to 31 December 2030) emit 11 (e2020 + e2030) / 2 Mt. For each
    budget (GtCO2 from 2020): ``used_2020_2030_gt``, ``left_after_2030_gt`` (negative:
    overspent), ``years_left_at_2030_rate`` and ``budget_line_2030_mt``, the 2030 level of the
    straight line to zero that just uses the budget (:func:`budget_path`).
    """
    budgets = data.load_table("carbon_budgets")
    budgets = budgets[budgets["likelihood_pct"].isin(likelihoods)]
    used = 11 * (e2020 + e2030) / 2 / 1000
    rows = []
    for _, b in budgets.iterrows():
        B = float(b["budget_gtco2_from_2020"])
        left = B - used
        rows.append({
            "temperature_c": float(b["temperature_c"]), "likelihood_pct": int(b["likelihood_pct"]),
            "budget_gt": B, "used_2020_2030_gt": used, "left_after_2030_gt": left,
            "years_left_at_2030_rate": left * 1000 / e2030,
            "budget_line_2030_mt": budget_path(e2020, B)[1],
        })
    return pd.DataFrame(rows)

