"""China's paths (Part V): host or buyer, with buyers' preferences as eligibility rules.

Builders only (no solving): country groups from ``jurisdictions.csv`` (columns ``ldc`` and
``sids``, from the UN lists via countrygroups), the Kyoto world with the CDM and the EU's
post-2012 rule, and the NDC world with an Article 6.4 programme whose buyers prefer least
developed countries and small island states (with China's 2030 NDC, or its 2035 NDC).
"""

from __future__ import annotations

import copy

from .. import data
from . import kyoto, paris

#: The groups buyers' preferences name, and the column of ``jurisdictions.csv`` behind each.
GROUPS = {"LDC": "ldc", "SIDS": "sids"}


def groups_of(iso3: str) -> list[str]:
    """The groups (LDC, SIDS) a jurisdiction belongs to, from ``jurisdictions.csv``."""
    table = data.load_table("jurisdictions").set_index("iso3")
    if iso3 not in table.index:
        return []
    return [g for g, col in GROUPS.items() if bool(table.loc[iso3, col])]


def preferred_hosts() -> list[str]:
    """Every LDC or SIDS country of ``jurisdictions.csv``."""
    table = data.load_table("jurisdictions")
    return [r.iso3 for r in table.itertuples() if r.kind == "country" and (r.ldc or r.sids)]


def with_groups(scenario: dict) -> dict:
    """A copy of ``scenario`` with ``groups`` on every jurisdiction that belongs to one."""
    sc = copy.deepcopy(scenario)
    for name, j in sc["jurisdictions"].items():
        g = groups_of(name)
        if g:
            j["groups"] = g
    return sc


def prefer(scenario: dict, programme: str, buyers, groups=("LDC", "SIDS")) -> dict:
    """Restrict the links from ``programme`` into the markets ``buyers`` to hosts in ``groups``."""
    sc = copy.deepcopy(scenario)
    for link in sc["links"]:
        if isinstance(link, dict) and link["markets"][0] == programme and link["markets"][1] in buyers:
            link["eligible"] = list(groups)
    return sc


def cdm_world(eu_rule: bool = False) -> dict:
    """Kyoto's first period with the CDM (surplus withheld, so credits have a price); with
    ``eu_rule`` the EU buys CERs only from least developed countries, as the EU ETS did for
    projects registered after 2012."""
    sc = with_groups(kyoto.annex_b(1, surplus="withheld", cdm=True))
    if eu_rule:
        eu = [m for m in sc["markets"] if m.startswith("EU")]
        sc = prefer(sc, "CDM", eu, groups=("LDC",))
    return sc


#: China's 2035 NDC, announced 24 September 2025: economy-wide net GHG emissions 7-10% below their
#: peak by 2035 (both ends of the range, as shares below the peak).
NDC_2035_CUTS = (0.07, 0.10)


def ndc_2035_world(cut: float, preference: bool = False) -> dict:
    """The NDC world with China's 2035 NDC: economy-wide GHG ``cut`` (0.07 to 0.10) below its peak.

    The peak is China's 2030 NDC level as the model reads it (:func:`model.chapters.paris.ndc_cap`:
    the CO2-intensity target plus the other gases at BAU), since China's CO2 is to peak before
    2030. The 2035 cap, ``(1 - cut)`` x peak, covers all of China's gases (the 2035 NDC is
    economy-wide), so China hosts no Article 6.4 credits. A simplification: the rest of the world
    stays at its 2030 NDCs and 2030 BAU (the 2035 NDCs of the others are not in the data).
    """
    hosts = preferred_hosts()
    sc = paris.world(2030, others=hosts, rest=False)
    peak = sc["markets"]["CHN_NDC"]["cap"]
    sc["markets"]["CHN_NDC"]["cap"] = round((1 - cut) * peak, 3)
    sc["markets"]["CHN_NDC"]["description"] = (f"China's 2035 NDC: economy-wide GHG {cut:.0%} below the peak "
                                               f"({peak:,.0f} Mt, its 2030 NDC level)")
    sc["name"] = f"NDC world with China's 2035 NDC ({cut:.0%} below peak)"
    sc = paris.linked(sc)
    buyers = [m[:-4] for m in sc["markets"]]
    sc = with_groups(paris.article_6_4(sc, hosts, buyers))
    if preference:
        sc = prefer(sc, "A6_4", [m for m in sc["markets"] if m != "CHN_NDC"])
    return sc


def ndc_world(year: int = 2030, preference: bool = False, china_cap: float | None = None) -> dict:
    """The NDC world of ``year`` with Article 6.4 credits from the uncapped LDC and SIDS hosts
    and from China's gases outside its CO2-only NDC, sold to every NDC market; Article 6.2 links
    every NDC market. ``preference``: every buyer but China takes credits only from LDC and
    SIDS hosts. ``china_cap``: China's cap in MtCO2e/yr (CO2 only) instead of its NDC."""
    hosts = preferred_hosts()
    sc = paris.world(year, others=hosts, rest=False)
    sc = paris.china_co2_only(sc, year)
    if china_cap is not None:
        sc["markets"]["CHN_NDC"]["cap"] = round(china_cap, 3)
    sc = paris.linked(sc)
    buyers = [m[:-4] for m in sc["markets"]]
    sc = paris.article_6_4(sc, hosts + ["CHN"], buyers)
    sc = with_groups(sc)
    if preference:
        sc = prefer(sc, "A6_4", [m for m in sc["markets"] if m != "CHN_NDC"])
    return sc
