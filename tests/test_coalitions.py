"""model.coalitions: costs inside and outside a link and the stability verdicts, against closed forms.

Two markets with linear MACs MAC_i(q) = s_i q and required cuts A_i: alone, p_i = s_i A_i and the
cost is s_i A_i^2 / 2; linked, p = (A_1 + A_2) / (1/s_1 + 1/s_2), q_i = p / s_i, and market i
pays p (A_i - q_i) to the other. Both gain (gains from trade), so the pair is stable.
"""

import math

import pytest

from model import coalitions as co

S = {"A": 1.0, "B": 4.0}
BAU = {"A": 100.0, "B": 100.0}
CUT = {"A": 30.0, "B": 10.0}


def scenario(floor=None):
    markets = {f"{j}_ETS": {"members": [j], "cap": BAU[j] - CUT[j]} for j in S}
    if floor is not None:
        for m in markets.values():
            m["price_floor"] = floor
    return {"name": "two markets", "periods": [2030],
            "jurisdictions": {j: {"bau": BAU[j], "mac": {"type": "linear", "slope": S[j]}} for j in S},
            "markets": markets, "links": []}


def closed_form():
    alone = {j: S[j] * CUT[j] ** 2 / 2 for j in S}
    p = sum(CUT.values()) / sum(1 / s for s in S.values())
    linked = {j: S[j] * (p / S[j]) ** 2 / 2 + p * (CUT[j] - p / S[j]) for j in S}
    return alone, linked, p


def test_costs_and_verdicts_match_closed_forms():
    frame = co.coalitions(scenario())
    alone, linked, p = closed_form()
    pair = frame[frame["coalition"] == "A_ETS+B_ETS"].set_index("market")
    for j in S:
        assert pair.loc[f"{j}_ETS", "cost_musd"] == pytest.approx(linked[j], rel=1e-6)
        assert pair.loc[f"{j}_ETS", "cost_alternative_musd"] == pytest.approx(alone[j], rel=1e-6)
        assert pair.loc[f"{j}_ETS", "price_usd_per_t"] == pytest.approx(p, rel=1e-6)
        assert pair.loc[f"{j}_ETS", "gain_musd"] > 0
    assert pair["stable"].all() and pair["potentially_stable"].all()
    # a singleton is internally stable, and not externally stable: the other market gains by joining
    single = frame[frame["coalition"] == "A_ETS"].set_index("market")
    assert single.loc["A_ETS", "internally_stable"] and not single.loc["A_ETS", "externally_stable"]
    assert single.loc["B_ETS", "gain_musd"] == pytest.approx(alone["B"] - linked["B"], rel=1e-6)
    # transfers: equal sharing of the surplus sums to zero over the members
    assert pair["transfer_musd"].sum() == pytest.approx(0.0, abs=1e-6)


def test_joint_floor_rebooks_withheld_allowances_pro_rata():
    """Both markets at a common floor that binds: abatement q_i = p_f / s_i either way, so the
    link changes costs only through the pooled withheld allowances; market i's cost inside is
    its cost alone plus p_f (W cap_i / sum cap - own surplus_i)."""
    pf = 60.0
    frame = co.coalitions(scenario(floor=pf))
    pair = frame[frame["coalition"] == "A_ETS+B_ETS"].set_index("market")
    q = {j: pf / S[j] for j in S}
    surplus = {j: q[j] - CUT[j] for j in S}
    assert all(v > 0 for v in surplus.values())
    caps = {j: BAU[j] - CUT[j] for j in S}
    w = sum(surplus.values())
    for j in S:
        alone = S[j] * q[j] ** 2 / 2
        inside = alone + pf * (w * caps[j] / sum(caps.values()) - surplus[j])
        assert pair.loc[f"{j}_ETS", "cost_alternative_musd"] == pytest.approx(alone, rel=1e-6)
        assert pair.loc[f"{j}_ETS", "cost_musd"] == pytest.approx(inside, rel=1e-6)
    assert math.isclose(pair["gain_musd"].sum(), 0.0, abs_tol=1e-6)
    assert pair["potentially_stable"].all()
