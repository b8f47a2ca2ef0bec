"""The environmental-integrity ledger, hand-worked.

Expected values are closed forms with linear MACs (see tests/mechanism_cases.py).
"""

import pytest
from mechanism_cases import REL, assert_ledger, ledger, lin

import model

# --------------------------------------------------------------------------------------------
# the ledger on a combined hand-worked case
# --------------------------------------------------------------------------------------------


def test_ledger_combined_hand_worked():
    # Three unlinked pieces, each worked above:
    #  * MS: conduct, R = 60, slope 2, penalty 50 -> shortfall 35
    #  * MF: floor 50 on cap 80, slope 1          -> withheld 30
    #  * MC: ceiling 30 on cap 50, slope 1        -> extra 20
    # gap = 35 + 20 - 30 = 25.
    sc = {"jurisdictions": {"S": lin(100, 2.0), "F": lin(100, 1.0), "C": lin(100, 1.0), "U": lin(70, 1.0)},
          "markets": {"MS": {"members": ["S"], "cap": 40, "obligation": "conduct", "penalty": 50},
                      "MF": {"members": ["F"], "cap": 80, "price_floor": 50},
                      "MC": {"members": ["C"], "cap": 50, "price_ceiling": 30}}}
    res = model.solve(sc)
    assert_ledger(res, gap=25.0, shortfall_mt=35.0, withheld_mt=30.0, extra_allowances_mt=20.0)
    led = ledger(res)
    assert float(led["integrity_gap_mt"]) == pytest.approx(25.0, rel=REL)
    assert float(led["caps_mt"]) == pytest.approx(170.0, rel=REL)
    # covered: 75 + 50 + 70
    assert float(led["covered_emissions_mt"]) == pytest.approx(195.0, rel=REL)
    assert float(led["global_emissions_mt"]) == pytest.approx(195.0 + 70.0, rel=REL)
    assert float(led["global_bau_mt"]) == pytest.approx(370.0, rel=REL)
    # covered emissions = caps + shortfall + extra - withheld
    assert float(led["covered_emissions_mt"]) == pytest.approx(170 + 35 + 20 - 30, rel=REL)
