"""Convert nominal US dollars to US dollars of 2010, the money of MIMOSA's cost curves.

The model's marginal abatement costs use MIMOSA's power curve, whose cost scale
``gamma`` is in US dollars of 2010 (USD2010). Observed allowance prices
(``data/ets_prices.csv``) are nominal: US dollars of the year they were paid. Before
the two are compared, a nominal price of year ``t`` is multiplied by
``CPI_U[2010] / CPI_U[t]``.

The deflator is the U.S. Consumer Price Index for All Urban Consumers (CPI-U), U.S.
city average, all items, annual average, 1982-84 = 100 (Bureau of Labor Statistics,
series CUUR0000SA0). 2025 is left out: its annual average was not complete when the
price data were taken, and the 2025 prices are part-year means.
"""

from __future__ import annotations

__all__ = ["CPI_U", "SOURCE", "to_usd2010"]

SOURCE = ("U.S. Bureau of Labor Statistics, CPI-U, U.S. city average, all items, "
          "annual average (series CUUR0000SA0), 1982-84 = 100")

#: CPI-U annual averages, 1982-84 = 100.
CPI_U = {
    2005: 195.3, 2006: 201.6, 2007: 207.342, 2008: 215.303, 2009: 214.537,
    2010: 218.056, 2011: 224.939, 2012: 229.594, 2013: 232.957, 2014: 236.736,
    2015: 237.017, 2016: 240.007, 2017: 245.120, 2018: 251.107, 2019: 255.657,
    2020: 258.811, 2021: 270.970, 2022: 292.655, 2023: 304.702, 2024: 313.689,
}


def to_usd2010(value: float, year: int) -> float:
    """A nominal US-dollar amount of ``year`` in US dollars of 2010.

    Parameters
    ----------
    value : float
        Amount in nominal USD of ``year`` (e.g. an allowance price in USD/t).
    year : int
        The year the amount was paid; must be a key of :data:`CPI_U`.

    Returns
    -------
    float
        ``value * CPI_U[2010] / CPI_U[year]``, in USD2010.
    """
    if year not in CPI_U:
        raise KeyError(f"no CPI-U annual average for {year} (have {min(CPI_U)}-{max(CPI_U)})")
    return value * CPI_U[2010] / CPI_U[year]
