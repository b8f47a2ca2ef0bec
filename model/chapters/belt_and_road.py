"""A regional market through the Belt and Road (Part V): China and partner countries linked.

Builders only (no solving). The region is China with the members of the Regional
Comprehensive Economic Partnership (RCEP) in ``jurisdictions.csv`` and a short subset of Belt and
Road partners; all in the 2030 NDC world of :mod:`model.chapters.paris`, with China's
CO2-only NDC (:func:`model.chapters.paris.china_co2_only`).

* Partners with an NDC in ``ndcs.csv`` are capped markets (``PARTY_NDC``); partners without one
  are uncapped hosts of credit programmes.
* ``BRI_CN``: credits from projects of Chinese investors, tagged ``chinese_investor``. Which
  hosts hold them is an assumption of this book: the uncapped Belt and Road partners outside
  RCEP and the two least developed RCEP members (:data:`CHINESE_INVESTOR_HOSTS`).
* ``A6_4``: Article 6.4 credits from the other uncapped RCEP members (:data:`OTHER_HOSTS`),
  untagged.
* :func:`region`: the region's NDC markets linked (Article 6.2) and both programmes selling to
  every one of them; the rest of the NDC world trades nothing. :func:`global_market`: every NDC
  market linked and both programmes selling to all. :func:`autarky`: no links.
* ``priority``: China buys at least this share of its credits from ``BRI_CN``
  (``markets.CHN_NDC.minimum_purchase``). ``china_only``: only China buys credits and China is
  not linked to the partners' NDC markets (China as the region's sole buyer).
* :func:`jcm`: Japan's Joint Crediting Mechanism as the nearest real case: credits from the
  uncapped JCM partners of the data, sold to Japan only.

Units: MtCO2e per year; prices USD per tonne.
"""

from __future__ import annotations

from .. import data
from . import paris

#: RCEP's fifteen signatories (the agreement's preamble and Chapter 20: the ten ASEAN member
#: states, Australia, China, Japan, Korea, New Zealand). Brunei, Myanmar and Singapore are not in
#: ``jurisdictions.csv`` and are left out of the region (they sit in the rest of the world).
RCEP = ["AUS", "BRN", "KHM", "CHN", "IDN", "JPN", "KOR", "LAO", "MYS", "MMR", "NZL", "PHL", "SGP",
        "THA", "VNM"]
#: A short subset of Belt and Road partners that are not RCEP members, each of which has signed a
#: Belt and Road cooperation document with China (Belt and Road Portal): Pakistan (the
#: China-Pakistan Economic Corridor), Kazakhstan (where the Silk Road Economic Belt was
#: proposed, September 2013), Uzbekistan, Bangladesh, Egypt and Ethiopia.
BRI = ["PAK", "KAZ", "UZB", "BGD", "EGY", "ETH"]
#: Uncapped hosts whose credits carry the ``chinese_investor`` tag (an assumption).
CHINESE_INVESTOR_HOSTS = ["UZB", "BGD", "EGY", "ETH", "LAO", "KHM"]
#: Uncapped RCEP hosts of untagged Article 6.4 credits.
OTHER_HOSTS = ["MYS", "PHL"]
#: JCM partner countries (MOFA, January 2024: 29 countries) that are uncapped hosts here.
JCM_HOSTS = ["LAO", "KHM", "PHL", "UZB", "BGD", "ETH"]
#: The tag of Chinese investors' projects.
TAG = "chinese_investor"


def members() -> list[str]:
    """The region's jurisdictions present in ``jurisdictions.csv``: China, RCEP, the BRI subset."""
    known = set(data.load_table("jurisdictions")["iso3"])
    return [c for c in dict.fromkeys(["CHN"] + RCEP + BRI) if c in known]


def capped(scenario: dict) -> list[str]:
    """The region's parties with an NDC market in ``scenario``."""
    return [c for c in members() if f"{c}_NDC" in scenario["markets"]]


def _world(year: int) -> dict:
    sc = paris.world(year, others=CHINESE_INVESTOR_HOSTS + OTHER_HOSTS)
    sc = paris.china_co2_only(sc, year)
    sc["credits"] = {
        "BRI_CN": {"hosts": list(CHINESE_INVESTOR_HOSTS), "baseline": "bau", "tags": [TAG],
                   "description": "projects of Chinese investors in Belt and Road partners (assumed hosts)"},
        "A6_4": {"hosts": list(OTHER_HOSTS), "baseline": "bau",
                 "description": "Article 6.4 credits from the other uncapped RCEP members"},
    }
    sc["links"] = []
    return sc


def _sell_credits(sc: dict, buyers) -> dict:
    for prog in sc["credits"]:
        for b in buyers:
            sc["links"].append({"markets": [prog, f"{b}_NDC"], "direction": "one-way"})
    return sc


def region(year: int = paris.YEAR, priority: float | None = None, china_only: bool = False) -> dict:
    """China and its partners as one linked market (see the module docstring).

    ``priority``: the share of China's credit purchases that must come from ``BRI_CN``.
    ``china_only``: China the only buyer of credits, and no Article 6.2 link.
    """
    sc = _world(year)
    parties = capped(sc)
    sc["name"] = f"Belt and Road regional market {year}"
    if china_only:
        _sell_credits(sc, ["CHN"])
        sc["name"] += ", China the sole buyer of credits"
    else:
        sc["links"].append({"markets": [f"{c}_NDC" for c in parties]})
        _sell_credits(sc, parties)
    if priority is not None:
        sc["markets"]["CHN_NDC"]["minimum_purchase"] = {TAG: float(priority)}
        sc["name"] += f", China buys at least {priority:.0%} from Chinese investors' projects"
    return sc


def global_market(year: int = paris.YEAR) -> dict:
    """Every NDC market linked and both credit programmes selling to all of them."""
    sc = _world(year)
    ndcs = [m[:-4] for m in sc["markets"]]
    sc["name"] = f"Global NDC market {year}"
    sc["links"].append({"markets": [f"{c}_NDC" for c in ndcs]})
    return _sell_credits(sc, ndcs)


def autarky(year: int = paris.YEAR) -> dict:
    """The same world with no links: each NDC met at home, no credits sold."""
    sc = _world(year)
    sc["name"] = f"NDC world {year}, no trade"
    return sc


def jcm(year: int = paris.YEAR) -> dict:
    """Japan's Joint Crediting Mechanism: credits from :data:`JCM_HOSTS` sold to Japan only."""
    sc = paris.world(year, others=CHINESE_INVESTOR_HOSTS + OTHER_HOSTS)
    sc = paris.china_co2_only(sc, year)
    sc["name"] = f"Japan's JCM {year}"
    sc["credits"] = {"JCM": {"hosts": list(JCM_HOSTS), "baseline": "bau",
                             "description": "Joint Crediting Mechanism partners modelled as uncapped hosts"}}
    sc["links"] = [{"markets": ["JCM", "JPN_NDC"], "direction": "one-way"}]
    return sc

