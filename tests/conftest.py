"""Shared helpers: independent calculations that the tests compare the optimiser with.

Nothing here calls the optimiser. Marginal cost curves are written out again from their
parameters (not taken from model.mac), and equilibria are found by bisection on total
abatement as a function of the price.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def mac_function(mac: dict, bau: float):
    """MAC(q) in USD/t from a scenario file's ``mac`` mapping, written independently of model.mac."""
    kind = mac["type"]
    if kind == "linear":
        return lambda q: mac["slope"] * q
    if kind == "polynomial":
        return lambda q: sum(c * q ** (k + 1) for k, c in enumerate(mac["coefficients"]))
    if kind == "power":
        gamma, beta = mac.get("gamma", 2887), mac.get("beta", 3)
        return lambda q: mac["kappa"] * gamma * (q / bau) ** beta
    if kind == "steps":
        def steps(q):
            done = 0.0
            for s in mac["steps"]:
                done += s["quantity"]
                if q < done:
                    return s["cost"]
            return float("inf")
        return steps
    raise ValueError(kind)


def max_abatement(mac: dict, bau: float) -> float:
    if mac["type"] == "steps":
        return min(bau, sum(s["quantity"] for s in mac["steps"]))
    return bau


def supply_at(mac: dict, bau: float, price: float) -> float:
    """Abatement (Mt) at which MAC = price, by bisection on the MAC (steps: blocks with cost <= price)."""
    top = max_abatement(mac, bau)
    if mac["type"] == "steps":
        return min(top, sum(s["quantity"] for s in mac["steps"] if s["cost"] <= price))
    f = mac_function(mac, bau)
    if f(top) <= price:
        return top
    lo, hi = 0.0, top
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) < price else (lo, mid)
    return 0.5 * (lo + hi)


def equilibrium_price(members: list[tuple[dict, float]], required: float, p_hi: float = 1e7) -> float:
    """Price at which the members' abatement adds up to ``required`` Mt, by bisection.

    ``members`` is a list of (mac mapping, bau). Returns 0 when nothing is required.
    """
    if required <= 0:
        return 0.0
    lo, hi = 0.0, p_hi
    for _ in range(300):
        mid = 0.5 * (lo + hi)
        if sum(supply_at(m, b, mid) for m, b in members) < required:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def edited(raw: dict, path: str, value, copy=lambda d: d) -> dict:
    """``copy(raw)`` with the dotted ``path`` set to ``value`` (``KeyError`` deletes the key);
    all-digit parts index lists. The tests' own way to write a bad scenario (model.edit.with_paths
    validates, which bad input must not)."""
    out = copy(raw)
    node = out
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    for k in keys[:-1]:
        node = node[k]
    if value is KeyError:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return out


@pytest.fixture
def root() -> Path:
    return ROOT
