"""Calibration: cost multipliers that make the model reproduce an observed price.

These functions solve scenarios, so they sit above the solver; the chapter builders
(:mod:`model.chapters`) only write scenarios.
"""

from __future__ import annotations

from .chapters import eu_ets
from .results import solve

__all__ = ["forward_kappa"]


def forward_kappa(year: int = 2023, target_usd2010: float | None = None, **build_args) -> float:
    """The kappa at which the forward-looking run's price in ``year`` equals a target price.

    The run is :func:`model.chapters.eu_ets.build` with ``build_args`` (default: the file ``eu_ets_2023.yaml``, the law
    of 2023 from the published bank of 2022) and the target is the observed price of ``year`` in
    USD2010 (:func:`model.chapters.eu_ets.observed_price_usd2010`). Multiplying kappa by ``m`` multiplies every
    abatement cost by ``m`` and leaves the cost-minimising quantities, hence the bank and the MSR
    intakes, unchanged; so every price of the EU ETS is multiplied by ``m`` and

    kappa* = kappa_0 * target / p_year(kappa_0).

    This holds as long as no price-triggered rule of ETS I binds (it has none); ETS II is a
    separate market. The test suite checks the result by bisection on re-solved runs.
    """
    args = build_args or dict(eu_ets.SCENARIO_FILES["eu_ets_2023.yaml"])
    if target_usd2010 is None:
        target_usd2010 = eu_ets.observed_price_usd2010(year)
    raw = eu_ets.build(**args)
    kappa0 = float(raw["jurisdictions"]["EU"]["mac"]["kappa"])
    res = solve(raw)
    p = res.prices
    p0 = float(p[(p["market"] == "EU_ETS") & (p["period"] == year)]["price_usd_per_t"].iloc[0])
    if p0 <= 0:
        raise ValueError(f"the run's {year} price is zero; no kappa makes it {target_usd2010:.1f}")
    return kappa0 * target_usd2010 / p0
