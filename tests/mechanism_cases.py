"""Helpers shared by the mechanism test modules (test_coverage.py, test_links.py, ...).

Every expected number in those modules is a closed form with linear MACs, computed from the raw
numbers of the scenario (the comments give the values). Single period throughout (one year), so
annual and period quantities coincide.

Notation: ``R`` is the abatement a cap requires (covered BAU minus cap); a linear member of slope
``s`` covered at share ``c`` has the segment MAC ``(s / c) q`` and abates ``c p / s`` at price ``p``.
"""


import pytest

REL = 1e-6
ABS = 1e-6


def lin(bau, slope):
    return {"bau": bau, "mac": {"type": "linear", "slope": slope}}


def row(res, name):
    """The results.prices row of a market or credit programme (single period)."""
    p = res.prices
    rows = p[p["market"] == name]
    assert len(rows) == 1, f"expected one row for {name}, got {len(rows)}"
    return rows.iloc[0]


def ledger(res):
    assert len(res.ledger) == 1
    return res.ledger.iloc[0]


def jur(res, name, column):
    j = res.jurisdictions
    rows = j[j["jurisdiction"] == name]
    assert len(rows) == 1
    return float(rows.iloc[0][column])


def net_flow(res, exporter, importer):
    """Net flow exporter -> importer over results.links (Mt of the exporter's units)."""
    lk = res.links
    there = lk[(lk["exporter"] == exporter) & (lk["importer"] == importer)]["flow_mt"].sum()
    back = lk[(lk["exporter"] == importer) & (lk["importer"] == exporter)]["flow_mt"].sum()
    return float(there - back)


def rent(res, exporter, importer):
    lk = res.links
    rows = lk[(lk["exporter"] == exporter) & (lk["importer"] == importer)]
    assert len(rows) >= 1
    return float(rows["quota_rent_usd_per_t"].max())


def one_way(exporter, importer, **options):
    return {"markets": [exporter, importer], "direction": "one-way", **options}


GAP_PARTS = {"hot_air_sold_mt": 1, "non_additional_credits_mt": 1, "double_counted_mt": 1,
             "shortfall_mt": 1, "extra_allowances_mt": 1, "withheld_mt": -1, "banked_mt": -1, "msr_intake_mt": -1}


def check_ledger(res, gap, **expected):
    """The ledger entries named in ``expected`` (the other parts of the gap must be 0), and the
    integrity gap worked by hand: global emissions less what the caps alone allow (each capped
    market at the smaller of its cap and its covered BAU, everything else at BAU)."""
    led = ledger(res)
    for name in GAP_PARTS:
        want = expected.get(name, 0.0)
        assert float(led[name]) == pytest.approx(want, rel=REL, abs=ABS), name
    for name, want in expected.items():
        assert float(led[name]) == pytest.approx(want, rel=REL, abs=ABS), name
    assert float(led["integrity_gap_mt"]) == pytest.approx(gap, rel=REL, abs=ABS)
    assert float(led["global_emissions_mt"]) == pytest.approx(float(res.jurisdictions["emissions_mt"].sum()), rel=REL)
    removed = float(res.jurisdictions["removals_mt"].sum())
    assert float(led["removals_mt"]) == pytest.approx(removed, rel=REL, abs=ABS)
    assert float(led["global_net_emissions_mt"]) == pytest.approx(float(led["global_emissions_mt"]) - removed,
                                                                  rel=REL, abs=ABS)
    assert float(led["global_bau_mt"]) == pytest.approx(float(res.jurisdictions["bau_mt"].sum()), rel=REL)


EXACT_PARTS = {"surplus_allowances_mt": 1, "unused_allowances_mt": -1, "credits_surrendered_mt": 1,
               "double_counted_mt": 1, "exchange_gain_mt": 1, "shortfall_mt": 1, "extra_allowances_mt": 1,
               "withheld_mt": -1, "banked_mt": -1, "msr_intake_mt": -1, "outside_abatement_mt": -1}


def check_decomposition(res, other=0.0):
    """The identity of the ledger's documentation: integrity gap (net of removals) = surplus -
    unused + credits surrendered + double counted + exchange gain + shortfall + extra - withheld -
    banked - MSR intake - abatement outside capped markets. ``other`` (abatement outside capped markets that
    backs no credit surrendered, worked by hand) is checked against the interpretive parts: the gap
    also equals hot air sold + non-additional credits + double counting + shortfall + extra -
    withheld - banked - MSR intake - other, when no allowance expires unused."""
    led = ledger(res)
    exact = sum(sign * float(led[name]) for name, sign in EXACT_PARTS.items())
    assert float(led["integrity_gap_mt"]) == pytest.approx(exact, rel=REL, abs=ABS)
    if float(led["unused_allowances_mt"]) <= ABS:
        parts = sum(sign * float(led[name]) for name, sign in GAP_PARTS.items())
        assert float(led["integrity_gap_mt"]) == pytest.approx(parts - other, rel=REL, abs=ABS)


def assert_ledger(res, gap, other=0.0, **expected):
    check_ledger(res, gap, **expected)
    check_decomposition(res, other)


#: Two markets, MA with a cap above its BAU (hot air), MB binding.
SLACK = {"jurisdictions": {"A": lin(100, 1.0), "B": lin(100, 0.5)},
         "markets": {"MA": {"members": ["A"], "cap": 130}, "MB": {"members": ["B"], "cap": 50}}}
