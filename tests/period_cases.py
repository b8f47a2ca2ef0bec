"""Helpers shared by the multi-period test modules (test_periods.py, test_banking.py, test_msr.py)."""




REL = 1e-6
ABS = 1e-6


def lin(bau, slope):
    return {"bau": bau, "mac": {"type": "linear", "slope": slope}}


def row(res, market, period):
    """The results.prices row of ``market`` in ``period``."""
    p = res.prices
    rows = p[(p["market"] == market) & (p["period"] == period)]
    assert len(rows) == 1, f"expected one row for {market} {period}, got {len(rows)}"
    return rows.iloc[0]


def col(res, market, name, periods):
    return [float(row(res, market, t)[name]) for t in periods]


def one_market(periods, bau, slope, cap, **market):
    sc = {"jurisdictions": {"J": lin(bau, slope)}, "markets": {"M": {"members": ["J"], "cap": cap, **market}}}
    if periods is not None:
        sc["periods"] = list(periods)
    return sc


def years_of(periods):
    """Years each period stands for, from the spec: the gap to the next; last = previous gap; single = 1."""
    if len(periods) == 1:
        return [1]
    gaps = [b - a for a, b in zip(periods, periods[1:], strict=False)]
    return gaps + [gaps[-1]]
