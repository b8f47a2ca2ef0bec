"""Plots of results, each returning the matplotlib axes it drew on.

* :func:`price_paths`: each market's price over the periods;
* :func:`price_sweep`: a market's price against a swept parameter (a list of ``(value, Results)``);
* :func:`linking_diagram`: the classic two-market diagram, back-to-back marginal abatement cost
  curves with the autarky and linked prices and the gains from linking.

Each line carries a ``label`` (the market's name, or the curve's) so tests and readers can find it;
``ax`` draws into existing axes (default: new ones). matplotlib is imported only when a plot is
drawn.
"""

from __future__ import annotations

import numpy as np

from .results import Results, col

__all__ = ["price_paths", "price_sweep", "linking_diagram"]

PRICE = col("prices", "price")
PRICE_LABEL = "price (USD/t CO$_2$e)"


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        _fig, ax = plt.subplots(figsize=(7, 4))
    return ax


def price_paths(results: Results, markets=None, ax=None):
    """Each market's price (USD/t) over the periods: one line per market, labelled with its name.

    ``markets``: the markets (and credit programmes) to draw (default: all with a price).
    """
    ax = _axes(ax)
    p = results.prices
    names = list(dict.fromkeys(p["market"])) if markets is None else list(markets)
    for name in names:
        rows = p[p["market"] == name]
        if not len(rows):
            raise KeyError(f"no market {name!r}; the markets are {list(dict.fromkeys(p['market']))}")
        ax.plot(rows["period"].to_numpy(), rows[PRICE].to_numpy(), marker="o", label=name)
    ax.set_xlabel("period")
    ax.set_ylabel(PRICE_LABEL)
    ax.legend(frameon=False)
    return ax


def price_sweep(runs, market: str, period=None, ax=None, xlabel: str = "parameter", label: str | None = None):
    """A market's price against a swept parameter.

    ``runs``: a list of ``(value, Results)``, e.g. ``[(cap, model.solve(with_cap(s, "EU", cap))) for cap in
    caps]``; ``period`` as in :meth:`Results.price`. One line, labelled ``label`` (default: the market).
    """
    ax = _axes(ax)
    x = np.array([float(v) for v, _res in runs])
    y = np.array([res.price(market, period) for _v, res in runs])
    ax.plot(x, y, marker="o", label=label or market)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"price of {market} (USD/t CO$_2$e)")
    return ax


def _market_curve(results: Results, market: str, period):
    """(bau, marginal(q)): the market's marginal abatement cost as a function of its covered
    abatement q (Mt/yr); several segments are added up at equal prices."""
    sc = results.scenario
    seg = results.segments
    rows = seg[(seg["owner"] == market) & (seg["period"] == period)]
    curves = [(sc.jurisdictions[j].mac.share(share) if share < 1 else sc.jurisdictions[j].mac, bau)
              for j, share, bau in zip(rows["jurisdiction"], rows[col("segments", "share")],
                                       rows[col("segments", "bau")], strict=True)]
    if not curves:
        raise KeyError(f"market {market!r} covers no emissions in period {period!r}")
    if len(curves) == 1:
        mac, bau = curves[0]
        return lambda q: np.array([mac.marginal(float(v), bau) for v in np.atleast_1d(q)])

    def marginal(q):
        out = []
        for v in np.atleast_1d(q):
            low, high = 0.0, 1.0
            while sum(m.abatement_at(high, b) for m, b in curves) < v and high < 1e9:
                high *= 2
            for _ in range(80):
                mid = (low + high) / 2
                low, high = (mid, high) if sum(m.abatement_at(mid, b) for m, b in curves) < v else (low, mid)
            out.append(high)
        return np.array(out)

    return marginal


def linking_diagram(linked: Results, unlinked: Results, market_a: str, market_b: str, period=None, ax=None,
                    points: int = 400):
    """The two-market linking diagram: ``market_a``'s MAC from the left, ``market_b``'s from the
    right over their total required abatement (the autarky abatement of both), the autarky split
    (dotted), the linked price (dashed) and the gains from linking shaded: the buyer's above the
    linked price, the seller's below.

    ``linked`` and ``unlinked``: the two markets solved with and without their link
    (``model.solve(s)``, ``model.solve(model.autarky(s))``). Lines are labelled ``MAC of A``,
    ``MAC of B`` (with the markets' names), ``linked price``, ``autarky split``.
    """
    ax = _axes(ax)
    if period is None:
        period = linked.scenario.periods[0] if len(linked.scenario.periods) == 1 else None
        if period is None:
            raise KeyError(f"give one of the periods {list(linked.scenario.periods)}")
    up, lp = unlinked.prices.set_index(["market", "period"]), linked.prices.set_index(["market", "period"])
    q = col("prices", "abatement")
    qa_aut, qb_aut = up.loc[(market_a, period), q], up.loc[(market_b, period), q]
    total = qa_aut + qb_aut
    qa_star = lp.loc[(market_a, period), q]
    p_star = linked.price(market_a, period)
    mac_a, mac_b = _market_curve(unlinked, market_a, period), _market_curve(unlinked, market_b, period)
    x = np.linspace(0.0, total, points)
    ya, yb = mac_a(x), mac_b(total - x)
    ax.plot(x, ya, color="C3", label=f"MAC of {market_a} (from the left)")
    ax.plot(x, yb, color="C0", label=f"MAC of {market_b} (from the right)")
    ax.axvline(qa_aut, color="k", ls=":", lw=1, label="autarky split")
    ax.axhline(p_star, color="k", ls="--", lw=1, label="linked price")
    band = (x >= min(qa_star, qa_aut)) & (x <= max(qa_star, qa_aut))
    buyer_a = qa_star < qa_aut  # A abates less linked: it buys
    names = {market_a: "buyer" if buyer_a else "seller", market_b: "seller" if buyer_a else "buyer"}
    ax.fill_between(x[band], p_star, ya[band], color="C3", alpha=0.3, label=f"gain of {market_a} ({names[market_a]})")
    ax.fill_between(x[band], yb[band], p_star, color="C0", alpha=0.3, label=f"gain of {market_b} ({names[market_b]})")
    for m in (market_a, market_b):
        y = unlinked.price(m, period)
        ax.plot([qa_aut], [y], "ko", ms=5)
        ax.annotate(f"autarky price of {m}: {y:.2f}", (qa_aut, y), xytext=(8, 0), textcoords="offset points",
                    va="center")
    ax.plot([qa_star], [p_star], "ko", ms=6)
    ax.set_xlim(0, total)
    ax.set_ylim(0, 1.25 * max(unlinked.price(market_a, period), unlinked.price(market_b, period), p_star))
    ax.set_xlabel(f"abatement of {market_a} (Mt CO$_2$e), measured from the left")
    ax.set_ylabel("marginal abatement cost (USD/t CO$_2$e)")
    top = ax.secondary_xaxis("top", functions=(lambda v: total - v, lambda v: total - v))
    top.set_xlabel(f"abatement of {market_b} (Mt CO$_2$e), measured from the right")
    ax.legend(loc="upper left", frameon=False)
    return ax
