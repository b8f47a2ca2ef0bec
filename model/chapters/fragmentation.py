"""Part IV, "What fragmentation does": scenario builders for chapters 10 and 11.

Chapter 10, "Who sets supply and demand" (paper section 3, scenario 10): each party of the NDC
world (:func:`model.chapters.paris.world`) chooses its cap, its coverage, whether it buys abroad
and how much bought units may count, and whether it may fall short. The builders here change
one party's choice at a time in the Article 6.2 world (:func:`itmo_world`), and
:func:`net_demand` gives each party's net demand for ITMOs at a price, from its power MAC.

Chapter 11, "Price distortion" (scenario 11): :func:`part3_2030` joins the markets of Part III
in 2030 into one scenario, linked or not; :func:`required_cuts` and :func:`decompose` split
each market's price gap to the linked price into a part from abatement costs and a part from
cap strictness.

Like every builder these import only the data package and other builders, never the solver.
Units: MtCO2e per year, USD2010 per tonne (the MIMOSA curves' dollars).
"""

from __future__ import annotations

import copy

import pandas as pd

from . import paris

__all__ = [
    "itmo_world", "party_markets", "with_cap_factor", "with_coverage", "with_import_limit",
    "with_conduct", "net_demand", "itmo_curves", "CONTROLS", "without_controls", "combine",
    "part3_2030", "single_year", "required_cuts", "linked_kappa", "decompose",
]


# ---------------------------------------------------------------------------------------------
# Chapter 10


def itmo_world(year: int = paris.YEAR) -> dict:
    """The NDC world with every NDC market in one Article 6.2 link (:func:`paris.linked`)."""
    return paris.linked(paris.world(year))


def party_markets(scenario: dict) -> list[str]:
    """Party codes of the NDC markets of a scenario (``XXX_NDC`` -> ``XXX``)."""
    return [m[:-4] for m in scenario["markets"] if m.endswith("_NDC")]


def with_cap_factor(scenario: dict, party: str, factor: float) -> dict:
    """``party``'s NDC cap times ``factor`` (< 1: stricter). The cap stays a number in Mt/yr."""
    sc = copy.deepcopy(scenario)
    mkt = sc["markets"][f"{party}_NDC"]
    mkt["cap"] = round(float(mkt["cap"]) * factor, 6)
    return sc


def with_coverage(scenario: dict, party: str, share: float) -> dict:
    """``party``'s cap covers only ``share`` of its emissions, with the same per cent cut below
    BAU on the covered part (:func:`paris.partial_coverage`)."""
    return paris.partial_coverage(scenario, share, parties=[party])


def with_import_limit(scenario: dict, party: str, limit: float) -> dict:
    """``party`` may count bought units only up to ``limit`` x its cap (0: it refuses to buy).

    Its market leaves the common link. It keeps selling into the link through a one-way link to
    the largest other linked market (the hub) and buys back from the hub through a one-way link
    with ``import_limit: limit``. Units pass through the hub freely, so the party faces the
    world price as a seller and, up to the limit, as a buyer.
    """
    sc = copy.deepcopy(scenario)
    me = f"{party}_NDC"
    links = []
    hub = None
    for link in sc.get("links", []):
        names = link["markets"] if isinstance(link, dict) else link
        if me in names:
            rest = [m for m in names if m != me]
            if hub is None:
                hub = max(rest, key=lambda m: float(sc["markets"][m]["cap"])
                          if isinstance(sc["markets"][m]["cap"], (int, float)) else 0.0)
            links.append({**link, "markets": rest} if isinstance(link, dict) else rest)
        else:
            links.append(link)
    if hub is None:
        raise ValueError(f"{party} is in no link")
    links.append({"markets": [me, hub], "direction": "one-way"})
    links.append({"markets": [hub, me], "direction": "one-way", "import_limit": float(limit)})
    sc["links"] = links
    return sc


def with_conduct(scenario: dict, party: str, penalty: float, shortfall: str = "own") -> dict:
    """``party``'s NDC an obligation of conduct: it falls short rather than pay more than
    ``penalty`` USD/t (:func:`paris.conduct`). With ``shortfall: own`` (the default here) the
    excused tonnes cover only its own emissions: it stops buying, it does not sell them."""
    sc = paris.conduct(scenario, penalty, parties=[party])
    sc["markets"][f"{party}_NDC"]["shortfall"] = shortfall
    return sc


def _covered(scenario: dict, party: str) -> tuple[float, float, float]:
    """(covered BAU, cap, kappa x gamma) of a party's NDC market; caps as numbers or relative."""
    mkt = scenario["markets"][f"{party}_NDC"]
    jur = scenario["jurisdictions"][party]
    share = float(mkt.get("coverage", 1.0))
    covered = share * float(jur["bau"])
    cap = mkt["cap"]
    if isinstance(cap, dict):  # relative to BAU (partial coverage)
        cap = covered * (1 + float(cap["change"]))
    mac = jur["mac"]
    return covered, float(cap), float(mac["kappa"]) * float(mac.get("gamma", 2887.0))


def net_demand(scenario: dict, price: float) -> pd.Series:
    """Each NDC party's net demand for ITMOs (Mt/yr) at ``price`` (USD/t): what its cap requires
    (covered BAU - cap) less what it abates at that price on its power MAC,
    q(p) = covered BAU x (p / (kappa gamma))^(1/3), at most the covered BAU. Negative: supply.
    Obligations of result only (no conduct, no import limits).
    """
    out = {}
    for p in party_markets(scenario):
        covered, cap, kg = _covered(scenario, p)
        q = min(covered, covered * (max(price, 0.0) / kg) ** (1 / 3))
        out[p] = (covered - cap) - q
    return pd.Series(out, name="net_demand_mt")


def itmo_curves(scenario: dict, prices, refusing=()) -> pd.DataFrame:
    """Demand (buyers' positive net demand) and supply (sellers' net supply) of ITMOs, Mt/yr,
    at each price; parties in ``refusing`` buy nothing (import limit 0) but may still sell."""
    rows = []
    for price in prices:
        d = net_demand(scenario, price)
        buyers = d.clip(lower=0.0)
        buyers[[p for p in refusing if p in buyers.index]] = 0.0
        rows.append({"price": float(price), "demand_mt": float(buyers.sum()),
                     "supply_mt": float((-d).clip(lower=0.0).sum())})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Chapter 11

#: Price controls removed before comparing fragmented and linked markets.
CONTROLS = ("price_floor", "price_ceiling", "cost_containment_reserve")


def without_controls(scenario: dict) -> dict:
    """A copy with every price floor, ceiling and cost-containment reserve removed."""
    sc = copy.deepcopy(scenario)
    for m in sc["markets"].values():
        for k in CONTROLS:
            m.pop(k, None)
    return sc


def combine(scenarios, name: str, linked: bool = True) -> dict:
    """One single-period scenario from several: their jurisdictions and markets side by side,
    price controls removed, and (``linked``) every market in one link. Names must not clash."""
    out = {"name": name, "description": "", "periods": None, "jurisdictions": {}, "markets": {}, "links": []}
    parts = []
    for sc in scenarios:
        sc = without_controls(sc)
        if out["periods"] is None:
            out["periods"] = list(sc["periods"])
        elif list(sc["periods"]) != out["periods"]:
            raise ValueError("scenarios with different periods")
        for key in ("jurisdictions", "markets"):
            clash = set(out[key]) & set(sc[key])
            if clash:
                raise ValueError(f"names in two scenarios: {sorted(clash)}")
            out[key].update(sc[key])
        parts.append(sc["name"])
    if linked:
        out["links"] = [list(out["markets"])]
    out["description"] = ("Joined, price controls removed: " + "; ".join(parts)
                          + (". Every market in one link." if linked else ". No links."))
    return out


def part3_2030(national: dict, wci: dict, eu: dict, linked: bool = True) -> dict:
    """The markets of Part III in 2030, joined by :func:`combine`: the four national markets
    (``national.build_2030(links=False)``), the WCI (California, Quebec, Washington: the
    ``wci.yaml`` file, its California-Quebec link dropped) and the EU ETS I and II
    (``eu_ets.build(start=2027, end=2030, msr=False)`` cut to 2030 by :func:`single_year`: no
    bank carried into 2030). Price
    floors and reserves are removed so that only caps and costs set prices."""
    wci = {**wci, "links": []}
    national = {**national, "links": []}
    eu = single_year(eu, 2030)
    return combine([national, wci, eu], "Part III markets in 2030" + (", linked" if linked else ", alone"),
                   linked=linked)


def single_year(scenario: dict, year: int) -> dict:
    """A multi-period scenario cut to one ``year``: BAU, coverage and caps (numbers, Mt/yr) of
    that year, no banking, no reserve."""
    sc = copy.deepcopy(scenario)
    sc["periods"] = [year]
    for j in sc["jurisdictions"].values():
        if isinstance(j["bau"], dict):
            j["bau"] = j["bau"][year]
    for m in sc["markets"].values():
        if isinstance(m.get("coverage"), dict):
            m["coverage"] = m["coverage"][year]
        m["cap"] = _rule_cap(m["cap"], year)
        for k in ("banking", "msr", "initial_bank"):
            m.pop(k, None)
    return sc


def _rule_cap(cap, year: int) -> float:
    """The cap in ``year`` (Mt/yr) of a ``{year: value}`` map or a ``linear_reduction`` rule:
    base - reference x (sum of the factors of the years after the base year)."""
    if isinstance(cap, (int, float)):
        return float(cap)
    if cap.get("type") == "linear_reduction":
        f = cap["factor"]
        later = range(int(cap["base_year"]) + 1, year + 1)
        total = sum(f[t] for t in later) if isinstance(f, dict) else float(f) * len(later)
        return round(float(cap["base"]) - float(cap["reference"]) * total, 6)
    return float(cap[year])


def _cap_number(cap, covered: float) -> float:
    if isinstance(cap, (int, float)):
        return float(cap)
    if isinstance(cap, dict) and cap.get("type") == "relative":
        return covered * (1 + float(cap["change"]))
    if isinstance(cap, dict) and cap.get("type") == "intensity":
        return float(cap["rate"]) * float(cap["output"])
    if isinstance(cap, dict):  # a rule or a {year: value} map of a single-period scenario
        vals = [v for k, v in cap.items() if isinstance(v, (int, float)) and not isinstance(k, str)]
        if len(vals) == 1:
            return float(vals[0])
    raise ValueError(f"cannot read the cap {cap!r} as a number")


def required_cuts(scenario: dict, caps: dict | None = None) -> pd.DataFrame:
    """Per market of a single-member, single-period scenario: covered BAU (Mt), cap (Mt),
    required cut c = 1 - cap / covered BAU, kappa and kappa x gamma of the member's power MAC.

    ``caps`` gives caps in Mt where the scenario holds a rule (e.g. the EU's from a solution).
    """
    t = scenario["periods"][0]
    rows = []
    for name, m in scenario["markets"].items():
        j = m["members"][0]
        jur = scenario["jurisdictions"][j]
        bau = jur["bau"][t] if isinstance(jur["bau"], dict) else jur["bau"]
        cov = m.get("coverage", 1.0)
        cov = cov[t] if isinstance(cov, dict) else cov
        covered = float(cov) * float(bau)
        cap = caps[name] if caps and name in caps else _cap_number(m["cap"], covered)
        mac = jur["mac"]
        rows.append({"market": name, "covered_bau_mt": covered, "cap_mt": cap,
                     "cut": 1 - cap / covered, "kappa": float(mac["kappa"]),
                     "gamma": float(mac.get("gamma", 2887.0)), "beta": float(mac.get("beta", 3.0))})
    return pd.DataFrame(rows).set_index("market")


def linked_kappa(cuts: pd.DataFrame) -> float:
    """The cost multiplier of the linked market as a whole: with every market on a power MAC of
    exponent 3, linked abatement at price p is sum_i B_i (p / (kappa_i gamma))^(1/3), so the linked
    market behaves like one market of cost multiplier (sum_i w_i kappa_i^(-1/3))^(-3), with w_i the
    covered-BAU shares. Markets with a cap above covered BAU count with their covered BAU only if
    the linked price is positive (it is here)."""
    w = cuts["covered_bau_mt"] / cuts["covered_bau_mt"].sum()
    return float((w * cuts["kappa"] ** (-1 / 3)).sum() ** -3)


def decompose(cuts: pd.DataFrame) -> pd.DataFrame:
    """Split each market's autarky price gap to the linked price into cost and strictness parts.

    Autarky price p_i = kappa_i gamma max(c_i, 0)^3; linked price p* = K gamma cbar^3, with
    cbar the common cut (total required / total covered BAU) and K :func:`linked_kappa`. Two
    factors change from (K, cbar) to (kappa_i, c_i). The two orders give

    * cost first: cost = (kappa_i - K) gamma cbar^3, strictness = kappa_i gamma (c_i^3 - cbar^3);
    * strictness first: strictness = K gamma (c_i^3 - cbar^3), cost = (kappa_i - K) gamma c_i^3;

    (c^3 meaning max(c, 0)^3) and the Shapley value is their mean. In logarithms the split is
    exact and order-free: log p_i - log p* = log(kappa_i/K) + 3 log(c_i/cbar).
    All prices in USD/t.
    """
    gamma = float(cuts["gamma"].iloc[0])
    cbar = float((cuts["covered_bau_mt"] - cuts["cap_mt"]).sum() / cuts["covered_bau_mt"].sum())
    K = linked_kappa(cuts)
    c3 = cuts["cut"].clip(lower=0.0) ** 3
    out = pd.DataFrame(index=cuts.index)
    out["autarky_price"] = cuts["kappa"] * gamma * c3
    out["linked_price"] = K * gamma * cbar ** 3
    out["gap"] = out["autarky_price"] - out["linked_price"]
    out["cost_first_cost"] = (cuts["kappa"] - K) * gamma * cbar ** 3
    out["cost_first_strictness"] = cuts["kappa"] * gamma * (c3 - cbar ** 3)
    out["strict_first_strictness"] = K * gamma * (c3 - cbar ** 3)
    out["strict_first_cost"] = (cuts["kappa"] - K) * gamma * c3
    out["shapley_cost"] = 0.5 * (out["cost_first_cost"] + out["strict_first_cost"])
    out["shapley_strictness"] = 0.5 * (out["cost_first_strictness"] + out["strict_first_strictness"])
    out.attrs.update({"common_cut": cbar, "linked_kappa": K})
    return out
