"""The MAC curves: cost is the integral of the marginal cost, and the inverse inverts it."""

import math

import pytest

from model.mac import Linear, Polynomial, Power, Steps

CURVES = [
    (Linear(0.12), 1500.0),
    (Polynomial((0.02, 1e-5)), 4500.0),
    (Polynomial((0.0, 0.0, 3e-7)), 800.0),
    (Power(1.014, 2887.0, 3.0), 1100.0),
    (Power(0.5, 2887.0, 1.7), 300.0),
    (Steps(((50.0, 10.0), (100.0, 60.0), (30.0, 60.0), (20.0, 200.0))), 600.0),
]


def _integral(f, a, b, n=20000):
    """Composite Simpson rule (n even)."""
    h = (b - a) / n
    s = f(a) + f(b) + sum((4 if i % 2 else 2) * f(a + i * h) for i in range(1, n))
    return s * h / 3


@pytest.mark.parametrize("mac,bau", CURVES[:5])
def test_cost_is_integral_of_marginal(mac, bau):
    for share in (0.1, 0.37, 0.9):
        q = share * bau
        assert mac.cost(q, bau) == pytest.approx(_integral(lambda x: mac.marginal(x, bau), 0.0, q), rel=1e-9)


def test_step_cost_and_marginal_by_hand():
    mac = Steps(((50.0, 10.0), (100.0, 60.0)))
    assert mac.cost(70.0, 600.0) == pytest.approx(50 * 10 + 20 * 60)
    assert mac.marginal(49.0, 600.0) == 10.0
    assert mac.marginal(70.0, 600.0) == 60.0
    assert mac.max_abatement(600.0) == 150.0
    assert mac.max_abatement(120.0) == 120.0  # never more than BAU
    assert mac.abatement_at(10.0, 600.0) == 50.0
    assert mac.abatement_at(9.99, 600.0) == 0.0


@pytest.mark.parametrize("mac,bau", CURVES[:5])
def test_inverse_inverts(mac, bau):
    for share in (0.05, 0.5, 0.95):
        q = share * bau
        p = mac.marginal(q, bau)
        assert mac.abatement_at(p, bau) == pytest.approx(q, rel=1e-9)
    assert mac.abatement_at(0.0, bau) == 0.0
    assert mac.abatement_at(1e12, bau) == bau


def test_power_closed_forms():
    mac, bau = Power(1.014, 2887.0, 3.0), 1100.0
    assert mac.marginal(bau, bau) == pytest.approx(1.014 * 2887.0)
    assert mac.cost(bau, bau) == pytest.approx(1.014 * 2887.0 * bau / 4)
    assert mac.abatement_at(100.0, bau) == pytest.approx(bau * (100 / (1.014 * 2887)) ** (1 / 3))
    assert math.isclose(mac.marginal(0.0, bau), 0.0)
