r"""Linking blocked: a strict market, a loose one, and the remedies (chapter "Linking blocked").

Builders only (scenario dicts in the public format; nothing here solves). ILLUSTRATIVE NUMBERS:
the pair of the chapter "Two markets, linked and unlinked" with the second cap loosened above
its BAU, so that linking sells hot air:

* ``A`` (strict): BAU 1000 Mt/yr, linear MAC of slope 0.2 USD/t per Mt, cap 800;
* ``B`` (loose): BAU 2000 Mt/yr, slope 0.05, cap 2100 (100 Mt above BAU).

With straight-line MACs :math:`\mathrm{MAC}_m = s_m q` and required abatement
:math:`A_m = E_m - \bar E_m` the linked price is
:math:`P = (A_A + A_B)/(1/s_A + 1/s_B)` while it is positive, and global emissions are
:math:`\bar E_A + \bar E_B`; in autarky B emits its BAU and global emissions are
:math:`\bar E_A + E_B`.

:func:`remedies` gives the same pair under each remedy that the literature and practice offer:
an import quota, a discounting exchange rate, a price floor, a one-way link and restricted
eligibility (only units for reductions below B's BAU, as the EU ETS accepted project credits
but never Kyoto AAUs). :func:`strategic_pair` gives two markets with damages per tonne for the
cap-setting game of :mod:`model.strategic`.
"""

from __future__ import annotations

import copy

__all__ = ["STRICT", "LOOSE", "pair", "remedies", "REMEDY_LABELS", "strategic_pair"]

#: The strict market's jurisdiction (illustrative).
STRICT = {"name": "A", "bau": 1000.0, "slope": 0.2, "cap": 800.0}
#: The loose market's jurisdiction (illustrative): its cap exceeds its BAU.
LOOSE = {"name": "B", "bau": 2000.0, "slope": 0.05, "cap": 2100.0}

#: Readable names of the cases of :func:`remedies`.
REMEDY_LABELS = {
    "autarky": "no link",
    "full_link": "full link",
    "import_quota": "import quota",
    "exchange_rate": "exchange rate (discount)",
    "price_floor": "price floor",
    "one_way": "one-way link (A sells only)",
    "eligibility": "restricted eligibility",
}


def pair(strict_cap: float = STRICT["cap"], loose_cap: float = LOOSE["cap"], linked: bool = True) -> dict:
    """The strict market A_ETS and the loose market B_ETS, linked both ways (or not)."""
    jur = {j["name"]: {"bau": j["bau"], "mac": {"type": "linear", "slope": j["slope"]}} for j in (STRICT, LOOSE)}
    return {
        "name": "A strict and a loose market (illustrative)",
        "jurisdictions": jur,
        "markets": {"A_ETS": {"members": ["A"], "cap": strict_cap},
                    "B_ETS": {"members": ["B"], "cap": loose_cap}},
        "links": [["A_ETS", "B_ETS"]] if linked else [],
    }


def remedies(import_quota: float = 0.05, exchange_rate: float = 0.5, price_floor: float = 20.0) -> dict:
    """The pair under each remedy, by key of :data:`REMEDY_LABELS`.

    ``import_quota``: A may import at most this share of its cap; ``exchange_rate``: one B unit
    covers this many tonnes in A (and an A unit 1/rate tonnes in B); ``price_floor``: a floor
    price (USD/t) in the strict market, held by withholding its allowances at auction (linked, it
    holds the common price up). The one-way link
    lets B's emitters buy A's allowances but not the reverse. Restricted eligibility replaces B's
    (slack) market by a credit programme for B's reductions below its BAU, sold to A.
    """
    base = pair()
    out = {"autarky": pair(linked=False), "full_link": base}
    sc = copy.deepcopy(base)
    sc["links"] = [{"markets": ["B_ETS", "A_ETS"], "import_limit": import_quota}]
    out["import_quota"] = sc
    sc = copy.deepcopy(base)
    sc["links"] = [{"markets": ["B_ETS", "A_ETS"], "exchange_rate": exchange_rate}]
    out["exchange_rate"] = sc
    sc = copy.deepcopy(base)
    sc["markets"]["A_ETS"]["price_floor"] = price_floor
    out["price_floor"] = sc
    sc = copy.deepcopy(base)
    sc["links"] = [{"markets": ["A_ETS", "B_ETS"], "direction": "one-way"}]
    out["one_way"] = sc
    sc = copy.deepcopy(base)
    del sc["markets"]["B_ETS"]
    sc["credits"] = {"B_RED": {"hosts": ["B"], "baseline": "bau",
                               "description": "credits for B's reductions below its BAU"}}
    sc["links"] = [{"markets": ["B_RED", "A_ETS"], "direction": "one-way"}]
    out["eligibility"] = sc
    for key, scen in out.items():
        scen["name"] = f"Strict and loose pair: {REMEDY_LABELS[key]} (illustrative)"
    return out


def strategic_pair(damage_a: float = 30.0, damage_b: float = 10.0, slope_a: float = STRICT["slope"],
                   slope_b: float = LOOSE["slope"], linked: bool = True) -> dict:
    """Two markets whose governments value the climate: A with ``damage_a`` and B with
    ``damage_b`` USD per tonne of global emissions (constant marginal damage), BAU and starting
    caps as :func:`pair` but B's cap at its BAU."""
    sc = pair(STRICT["cap"], LOOSE["bau"], linked)
    sc["name"] = "Cap-setting game (illustrative)"
    sc["jurisdictions"]["A"].update(damage=damage_a, mac={"type": "linear", "slope": slope_a})
    sc["jurisdictions"]["B"].update(damage=damage_b, mac={"type": "linear", "slope": slope_b})
    return sc
