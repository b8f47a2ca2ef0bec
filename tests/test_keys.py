"""One source for every key: the reference, the validator and the defaults agree.

The scenario reference is generated from ``model.reader.SCHEMA``, the keys each mechanism
declares. Here: every declared key is accepted where it is declared, an undeclared one is
refused, and every typed default a declaration states is the value the reader uses.
"""

from __future__ import annotations

import copy

import pytest

import model
from model.keys import NONE, REQUIRED
from model.mac import FORMS
from model.reader import SCHEMA

LIN = {"type": "linear", "slope": 1.0}
BASE = {
    "jurisdictions": {"A": {"bau": 100, "mac": LIN}, "B": {"bau": 100, "mac": LIN},
                      "H": {"bau": 50, "mac": {"type": "power", "kappa": 1.0}}},
    "markets": {"MA": {"members": ["A"], "cap": 80}, "MB": {"members": ["B"], "cap": 90}},
    "credits": {"C": {"hosts": ["H"]}},
    "links": [{"markets": ["MA", "MB"]}, {"markets": ["C", "MA"], "direction": "one-way"}],
}

GOODS = {"steel": {"transport_cost": 10, "regions": {
    "A": {"market": "MA", "price": 100, "demand": 100, "supply": 80, "demand_elasticity": -1, "supply_elasticity": 1,
          "intensity": 1},
    "B": {"price": 90, "demand": 100, "supply": 120, "demand_elasticity": -1, "supply_elasticity": 1,
          "intensity": 2}}}}

#: Where each parent of the format sits in BASE, and a path to set a key under it.
PARENTS = {
    "": lambda raw: raw,
    "jurisdictions.NAME": lambda raw: raw["jurisdictions"]["A"],
    "jurisdictions.NAME.mac": lambda raw: raw["jurisdictions"]["H"]["mac"],
    "markets.NAME": lambda raw: raw["markets"]["MA"],
    "markets.NAME.msr": lambda raw: raw["markets"]["MA"].update(banking=True) or raw["markets"]["MA"].setdefault(
        "msr", {}),
    "markets.NAME.cost_containment_reserve": lambda raw: raw["markets"]["MA"].setdefault(
        "cost_containment_reserve", {"trigger": 50, "volume": 1}),
    "credits.NAME": lambda raw: raw["credits"]["C"],
    "jurisdictions.NAME.removals": lambda raw: raw["jurisdictions"]["A"].setdefault("removals", {"slope": 1}),
    "links[i]": lambda raw: raw["links"][0],
    "goods.NAME": lambda raw: raw.setdefault("goods", copy.deepcopy(GOODS))["steel"],
    "goods.NAME.regions.NAME": lambda raw: raw.setdefault("goods", copy.deepcopy(GOODS))["steel"]["regions"]["A"],
}


def parents():
    return sorted({k.parent for k in SCHEMA if " " not in k.path and k.parent in PARENTS})


@pytest.mark.parametrize("parent", parents())
def test_declared_keys_are_accepted_and_others_refused(parent):
    names = {k.name for k in SCHEMA if k.parent == parent and " " not in k.path}
    for name in names:
        raw = copy.deepcopy(BASE)
        if parent == "jurisdictions.NAME.mac" and name != "type":
            # a curve's keys depend on its type: use the form the key belongs to
            form = next(f for f, keys in FORMS.items() if name in keys)
            raw["jurisdictions"]["H"]["mac"] = {"type": form}
        PARENTS[parent](raw)[name] = object()  # a value of no valid type: an error, but not "unknown key"
        with pytest.raises(model.ScenarioError) as err:
            model.load_scenario(raw)
        assert "unknown key" not in str(err.value), (parent, name, str(err.value))
    raw = copy.deepcopy(BASE)
    PARENTS[parent](raw)["no_such_key"] = 1
    with pytest.raises(model.ScenarioError, match="unknown key 'no_such_key'"):
        model.load_scenario(raw)


def test_every_parent_of_the_format_is_tested():
    assert {k.parent for k in SCHEMA if " " not in k.path} <= set(PARENTS)
    # the curves' forms use exactly the declared curve keys
    declared = {k.name for k in SCHEMA if k.parent == "jurisdictions.NAME.mac"} - {"type"}
    assert {key for keys in FORMS.values() for key in keys} == declared


#: Key -> the value the reader puts in the validated scenario when the key is left out.
READ = {
    "description": lambda s: s.description,
    "discount_rate": lambda s: s.discount_rate,
    "jurisdictions.NAME.description": lambda s: s.jurisdictions["A"].description,
    "jurisdictions.NAME.mac.gamma": lambda s: s.jurisdictions["H"].mac.gamma,
    "jurisdictions.NAME.mac.beta": lambda s: s.jurisdictions["H"].mac.beta,
    "markets.NAME.coverage": lambda s: s.markets["MA"].coverage[0],
    "markets.NAME.allocation": lambda s: "bau" if s.markets["MA"].allowances[("A", 0)] == 80 else None,
    "markets.NAME.banking": lambda s: s.markets["MA"].banking,
    "markets.NAME.initial_bank": lambda s: s.markets["MA"].initial_bank,
    "markets.NAME.borrowing": lambda s: s.markets["MA"].borrowing,
    "markets.NAME.auction_share": lambda s: s.markets["MA"].auction_share[0],
    "markets.NAME.unsold": lambda s: s.markets["MA"].unsold,
    "markets.NAME.obligation": lambda s: s.markets["MA"].obligation,
    "markets.NAME.shortfall": lambda s: s.markets["MA"].shortfall,
    "markets.NAME.description": lambda s: s.markets["MA"].description,
    "markets.NAME.msr.upper": lambda s: s.markets["MA"].msr.upper,
    "markets.NAME.msr.lower": lambda s: s.markets["MA"].msr.lower,
    "markets.NAME.msr.intake_rate": lambda s: s.markets["MA"].msr.intake_rate,
    "markets.NAME.msr.release": lambda s: s.markets["MA"].msr.release,
    "markets.NAME.msr.initial_reserve": lambda s: s.markets["MA"].msr.initial_reserve,
    "markets.NAME.msr.rule": lambda s: s.markets["MA"].msr.rule,
    "credits.NAME.baseline": lambda s: "bau" if s.credits["C"].baseline[("H", 0)] == 50 else None,
    "credits.NAME.additionality": lambda s: s.credits["C"].additionality[0],
    "credits.NAME.anyway": lambda s: s.credits["C"].anyway[("H", 0)],
    "credits.NAME.description": lambda s: s.credits["C"].description,
    "links[i].direction": lambda s: s.links[0].direction,
    "links[i].exchange_rate": lambda s: s.links[0].exchange_rate,
    "links[i].quota_rent": lambda s: s.links[0].quota_rent,
    "links[i].corresponding_adjustment": lambda s: s.links[0].corresponding_adjustment,
    "links[i].description": lambda s: s.links[0].description,
    "goods.NAME.unit": lambda s: s.goods["steel"].unit,
    "goods.NAME.description": lambda s: s.goods["steel"].description,
    "goods.NAME.regions.NAME.free_allocation": lambda s: s.goods["steel"].regions["A"].free_allocation[0],
    "goods.NAME.regions.NAME.border_adjustment": lambda s: s.goods["steel"].regions["A"].border_adjustment,
    "goods.NAME.regions.NAME.carbon_cost": lambda s: s.goods["steel"].regions["A"].carbon_cost,
}


def test_declared_defaults_are_the_defaults_the_reader_uses():
    raw = copy.deepcopy(BASE)
    raw["markets"]["MA"].update(banking=True, msr={})
    raw["goods"] = copy.deepcopy(GOODS)
    scenario = model.load_scenario(raw)
    typed = {k.path: k.value for k in SCHEMA if k.value is not REQUIRED and k.value is not NONE
             and k.value is not None}
    assert set(typed) == set(READ), set(typed) ^ set(READ)
    for path, value in typed.items():
        if path != "markets.NAME.banking":  # switched on here for the reserve; checked below
            assert READ[path](scenario) == value, path
    # banking's own default is off
    assert model.load_scenario(BASE).markets["MA"].banking is False


def test_the_reference_lists_every_key_once_with_its_unit():
    paths = [k.path for k in SCHEMA]
    assert len(paths) == len(set(paths))
    for k in SCHEMA:
        assert k.meaning and k.type, k.path
